//! Agencies and their unit trees.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::{agency, unit};
use crate::error::Result;
use chrono::Utc;
use motcua_domain::org::{OrganId, UnitCode, UnitKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

/// The agency with `organ_id`, created (and audited) when it does not exist yet.
pub async fn ensure_agency(
    db: &Db,
    ctx: &AuditCtx,
    organ_id: &OrganId,
    name: &str,
    short_name: &str,
) -> Result<agency::Model> {
    let txn = db.begin_write().await?;
    if let Some(found) = agency::Entity::find()
        .filter(agency::Column::OrganId.eq(organ_id.as_str()))
        .one(&txn)
        .await?
    {
        txn.commit().await?;
        return Ok(found);
    }
    let now = Utc::now();
    let model = agency::ActiveModel {
        id: Set(Uuid::now_v7()),
        organ_id: Set(organ_id.as_str().to_owned()),
        name: Set(name.to_owned()),
        short_name: Set(short_name.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let ctx = AuditCtx {
        agency_id: Some(model.id),
        ..ctx.clone()
    };
    audit::append(
        db,
        &txn,
        &ctx,
        Change {
            action: "agency.create",
            object_type: "agency",
            object_id: model.id.to_string(),
            before: json!(null),
            after: json!({ "organ_id": model.organ_id, "name": model.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// A unit to create under an agency.
#[derive(Clone, Debug)]
pub struct NewUnit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
}

/// The unit with this code in the agency, created (and audited) when missing.
pub async fn ensure_unit(
    db: &Db,
    ctx: &AuditCtx,
    agency_id: Uuid,
    new: NewUnit,
) -> Result<unit::Model> {
    let txn = db.begin_write().await?;
    if let Some(found) = unit::Entity::find()
        .filter(unit::Column::AgencyId.eq(agency_id))
        .filter(unit::Column::Code.eq(new.code.as_str()))
        .one(&txn)
        .await?
    {
        txn.commit().await?;
        return Ok(found);
    }
    let now = Utc::now();
    let model = unit::ActiveModel {
        id: Set(Uuid::now_v7()),
        agency_id: Set(agency_id),
        parent_id: Set(new.parent_id),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name),
        kind: Set(new.kind.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let ctx = AuditCtx {
        agency_id: Some(agency_id),
        ..ctx.clone()
    };
    audit::append(
        db,
        &txn,
        &ctx,
        Change {
            action: "unit.create",
            object_type: "unit",
            object_id: model.id.to_string(),
            before: json!(null),
            after: json!({ "code": model.code, "name": model.name, "kind": model.kind,
                           "parent_id": model.parent_id }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn agencies(conn: &impl ConnectionTrait) -> Result<Vec<agency::Model>> {
    Ok(agency::Entity::find()
        .order_by_asc(agency::Column::OrganId)
        .all(conn)
        .await?)
}

/// Every unit, ordered by code.
pub async fn units(conn: &impl ConnectionTrait) -> Result<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .order_by_asc(unit::Column::Code)
        .all(conn)
        .await?)
}

/// A unit named by its code (any case) or its id.
pub async fn find_unit(
    conn: &impl ConnectionTrait,
    code_or_id: &str,
) -> Result<Option<unit::Model>> {
    if let Ok(id) = Uuid::parse_str(code_or_id.trim()) {
        return Ok(unit::Entity::find_by_id(id).one(conn).await?);
    }
    let Ok(code) = UnitCode::parse(code_or_id) else {
        return Ok(None);
    };
    Ok(unit::Entity::find()
        .filter(unit::Column::Code.eq(code.as_str()))
        .one(conn)
        .await?)
}

/// `root` and every unit below it.
pub fn subtree(units: &[unit::Model], root: Uuid) -> Vec<Uuid> {
    let mut out = vec![root];
    let mut i = 0;
    while let Some(&current) = out.get(i) {
        out.extend(
            units
                .iter()
                .filter(|u| u.parent_id == Some(current))
                .map(|u| u.id),
        );
        i += 1;
        if out.len() > units.len() + 1 {
            break; // a cycle would be a data error; never loop forever on it
        }
    }
    out
}

pub async fn unit_subtree(conn: &impl ConnectionTrait, root: Uuid) -> Result<Vec<Uuid>> {
    Ok(subtree(&units(conn).await?, root))
}

/// The agency with this OrganId.
pub async fn find_agency(
    conn: &impl ConnectionTrait,
    organ_id: &str,
) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::OrganId.eq(organ_id.trim()))
        .one(conn)
        .await?)
}
