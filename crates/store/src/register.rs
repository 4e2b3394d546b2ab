//! The plan's registers: items with their responsible unit, due date, status, amounts, evidence
//! files and who confirmed them. Adding (one item or a whole imported file) is one transaction;
//! every change is audited.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::register_item;
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

pub use register_item::Model as Item;

/// An item to add.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub title: String,
    pub responsible_unit_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
    pub status: String,
    pub planned_amount: f64,
    pub actual_amount: f64,
    pub note: String,
}

/// Adds items to a register of a year, all in one transaction (an import is all or nothing).
pub async fn add(
    db: &Db,
    ctx: &AuditCtx,
    agency_id: Uuid,
    year: i32,
    register: &str,
    items: Vec<NewItem>,
) -> Result<Vec<Item>> {
    let txn = db.begin_write().await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let id = Uuid::now_v7();
        let m = register_item::ActiveModel {
            id: Set(id),
            agency_id: Set(agency_id),
            year: Set(year),
            register: Set(register.to_owned()),
            title: Set(it.title.clone()),
            responsible_unit_id: Set(it.responsible_unit_id),
            due_date: Set(it.due_date),
            status: Set(it.status.clone()),
            planned_amount: Set(it.planned_amount),
            actual_amount: Set(it.actual_amount),
            evidence: Set("[]".to_owned()),
            confirmed_by: Set(None),
            confirmed_at: Set(None),
            note: Set(it.note.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&txn)
        .await?;
        audit::append(
            db,
            &txn,
            ctx,
            Change {
                action: "register.item_added",
                object_type: "register_item",
                object_id: id.to_string(),
                before: json!(null),
                after: json!({"register": register, "year": year, "title": it.title, "status": it.status}),
            },
        )
        .await?;
        out.push(m);
    }
    txn.commit().await?;
    Ok(out)
}

/// The items of a year, of one register or of all, in the order they were added.
pub async fn items(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    year: i32,
    register: Option<&str>,
) -> Result<Vec<Item>> {
    let mut q = register_item::Entity::find()
        .filter(register_item::Column::AgencyId.eq(agency_id))
        .filter(register_item::Column::Year.eq(year));
    if let Some(r) = register {
        q = q.filter(register_item::Column::Register.eq(r));
    }
    Ok(q.order_by_asc(register_item::Column::Id).all(conn).await?)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Item> {
    register_item::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A change of an item's progress.
#[derive(Clone, Debug)]
pub struct ItemUpdate {
    pub status: String,
    pub actual_amount: f64,
    pub evidence: Vec<Uuid>,
    pub note: String,
    /// Set when the new status counts toward the target (the person who confirmed it).
    pub confirmed_by: Option<Uuid>,
    /// What is to be done, by whom, by when and for how much (changed by the reform office only;
    /// otherwise the item's own).
    pub title: String,
    pub responsible_unit_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
    pub planned_amount: f64,
}

/// Records an item's progress, checked against the version the caller saw; audited.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    expected_version: i64,
    u: ItemUpdate,
) -> Result<Item> {
    let txn = db.begin_write().await?;
    let item = register_item::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if item.version != expected_version {
        return Err(StoreError::Stale);
    }
    let before = json!({"status": item.status, "actual_amount": item.actual_amount, "evidence": item.evidence,
        "title": item.title, "responsible_unit_id": item.responsible_unit_id, "due_date": item.due_date,
        "planned_amount": item.planned_amount});
    let mut a = item.into_active_model();
    let now = Utc::now();
    a.status = Set(u.status.clone());
    a.title = Set(u.title.clone());
    a.responsible_unit_id = Set(u.responsible_unit_id);
    a.due_date = Set(u.due_date);
    a.planned_amount = Set(u.planned_amount);
    a.actual_amount = Set(u.actual_amount);
    a.evidence = Set(json!(u.evidence).to_string());
    a.note = Set(u.note.clone());
    a.confirmed_by = Set(u.confirmed_by);
    a.confirmed_at = Set(u.confirmed_by.map(|_| now));
    a.updated_at = Set(now);
    a.version = Set(expected_version + 1);
    let updated = a.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "register.item_updated",
            object_type: "register_item",
            object_id: id.to_string(),
            before,
            after: json!({"status": u.status, "actual_amount": u.actual_amount, "evidence": u.evidence, "confirmed_by": u.confirmed_by,
                "title": u.title, "responsible_unit_id": u.responsible_unit_id, "due_date": u.due_date,
                "planned_amount": u.planned_amount}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
