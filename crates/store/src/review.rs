//! Review plans (T3.3): plans, their items and the findings, each change audited.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::{review_item, review_plan};
use crate::error::{Result, StoreError};
use chrono::Utc;
use motcua_domain::catalog::review::FindingStatus;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

/// A new plan over the given procedure codes.
#[derive(Clone, Debug)]
pub struct NewPlan {
    pub agency_id: Uuid,
    pub year: i32,
    pub name: String,
    pub decision_number: Option<String>,
    pub procedure_codes: Vec<String>,
}

pub async fn create_plan(db: &Db, ctx: &AuditCtx, new: NewPlan) -> Result<review_plan::Model> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let plan = review_plan::ActiveModel {
        id: Set(Uuid::now_v7()),
        agency_id: Set(new.agency_id),
        year: Set(new.year),
        name: Set(new.name.clone()),
        decision_number: Set(new.decision_number.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for code in &new.procedure_codes {
        review_item::ActiveModel {
            id: Set(Uuid::now_v7()),
            plan_id: Set(plan.id),
            procedure_code: Set(code.clone()),
            reviewed: Set(false),
            status: Set(FindingStatus::NoIssue.code().to_owned()),
            finding: Set(String::new()),
            proposal: Set(String::new()),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    audit::append(db, &txn, ctx, Change {
        action: "review_plan.create",
        object_type: "review_plan",
        object_id: plan.id.to_string(),
        before: json!(null),
        after: json!({ "year": new.year, "name": new.name, "decision_number": new.decision_number, "items": new.procedure_codes.len() }),
    })
    .await?;
    txn.commit().await?;
    Ok(plan)
}

pub async fn plans(conn: &impl ConnectionTrait) -> Result<Vec<review_plan::Model>> {
    Ok(review_plan::Entity::find()
        .order_by_desc(review_plan::Column::Year)
        .order_by_asc(review_plan::Column::Name)
        .all(conn)
        .await?)
}

pub async fn plan(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<review_plan::Model>> {
    Ok(review_plan::Entity::find_by_id(id).one(conn).await?)
}

pub async fn items(conn: &impl ConnectionTrait, plan_id: Uuid) -> Result<Vec<review_item::Model>> {
    Ok(review_item::Entity::find()
        .filter(review_item::Column::PlanId.eq(plan_id))
        .order_by_asc(review_item::Column::ProcedureCode)
        .all(conn)
        .await?)
}

/// What a reviewer records for one procedure.
#[derive(Clone, Debug)]
pub struct ItemUpdate {
    pub reviewed: bool,
    pub status: FindingStatus,
    pub finding: String,
    pub proposal: String,
}

pub async fn update_item(
    db: &Db,
    ctx: &AuditCtx,
    plan_id: Uuid,
    code: &str,
    u: ItemUpdate,
) -> Result<review_item::Model> {
    let txn = db.begin_write().await?;
    let item = review_item::Entity::find()
        .filter(review_item::Column::PlanId.eq(plan_id))
        .filter(review_item::Column::ProcedureCode.eq(code.trim()))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = json!({ "reviewed": item.reviewed, "status": item.status, "finding": item.finding, "proposal": item.proposal });
    let mut a = item.into_active_model();
    a.reviewed = Set(u.reviewed);
    a.status = Set(u.status.code().to_owned());
    a.finding = Set(u.finding.clone());
    a.proposal = Set(u.proposal.clone());
    a.updated_at = Set(Utc::now());
    let updated = a.update(&txn).await?;
    audit::append(db, &txn, ctx, Change {
        action: "review_item.update",
        object_type: "review_item",
        object_id: format!("{plan_id}/{code}"),
        before,
        after: json!({ "reviewed": u.reviewed, "status": u.status.code(), "finding": u.finding, "proposal": u.proposal }),
    })
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// The two shares of T3.3 for a plan's items (see `motcua_domain::catalog::review::completion`).
pub fn completion_of(items: &[review_item::Model]) -> (Option<f64>, Option<f64>) {
    motcua_domain::catalog::review::completion(&domain_items(items))
}

/// The counts behind [`completion_of`] (T3.3's numerators and denominators).
pub fn completion_counts_of(
    items: &[review_item::Model],
) -> motcua_domain::catalog::review::Completion {
    motcua_domain::catalog::review::completion_counts(&domain_items(items))
}

fn domain_items(items: &[review_item::Model]) -> Vec<motcua_domain::catalog::review::ReviewItem> {
    items
        .iter()
        .map(|i| motcua_domain::catalog::review::ReviewItem {
            procedure_code: i.procedure_code.clone(),
            reviewed: i.reviewed,
            status: FindingStatus::parse(&i.status).unwrap_or(FindingStatus::NoIssue),
        })
        .collect()
}
