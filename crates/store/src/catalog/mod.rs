//! The procedure catalogue: versions written idempotently (a version identical to the latest one
//! changes nothing), publication that supersedes the previous published version, and search over
//! the folded text with an index held in memory, the same on both backends (`search`).

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{agency, procedure, procedure_version};
use crate::error::{Result, StoreError};
use chrono::{Timelike, Utc};
use motcua_domain::catalog::search_index::SearchIndex;
use std::sync::Arc;

use motcua_domain::catalog::{
    DecisionAuthority, OnlineClass, ProcedureData, ProcedureField, Publication, VersionStatus,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

mod import;
mod read;
mod search;
mod transition;

pub use import::*;
pub use read::*;
pub use search::*;
pub use transition::*;

/// A version to write: what the procedure says, where the version stands, its announcement.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionInput {
    pub data: ProcedureData,
    pub status: VersionStatus,
    pub publication: Publication,
}

/// What writing a version did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    Created,
    NewVersion(i32),
    UpdatedDraft(i32),
    Unchanged,
}

fn content_hash(input: &VersionInput) -> Result<String> {
    let text = serde_json::to_string(&(&input.data, input.status.code(), &input.publication))
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}"))))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// A stored version as the domain sees it.
pub fn version_input(v: &procedure_version::Model) -> Result<VersionInput> {
    let data: ProcedureData = serde_json::from_str(&v.data).map_err(|e| {
        StoreError::Db(DbErr::Custom(format!(
            "procedure version {} is unreadable: {e}",
            v.id
        )))
    })?;
    Ok(VersionInput {
        data,
        status: VersionStatus::parse(&v.status).unwrap_or(VersionStatus::Draft),
        publication: Publication {
            decision_number: v.decision_number.clone(),
            decision_date: v.decision_date,
            decision_authority: v
                .decision_authority
                .as_deref()
                .and_then(DecisionAuthority::parse),
            effective_date: v.effective_date,
            published_at: v.published_at,
        },
    })
}

fn copy_current(
    p: &mut procedure::ActiveModel,
    input: &VersionInput,
    version_id: Uuid,
    organ_id: &str,
) {
    let d = &input.data;
    p.name = Set(d.name.clone());
    p.agency_organ = Set(organ_id.to_owned());
    p.field = Set(d.field.code().to_owned());
    p.level = Set(d.level.code().to_owned());
    p.online_class = Set(d.online_class.code().to_owned());
    p.legacy_level = Set(i16::from(d.legacy_level));
    p.postal_receipt = Set(d.postal_receipt);
    p.postal_return = Set(d.postal_return);
    p.processing_value = Set(d.processing_time.value);
    p.processing_unit = Set(d.processing_time.unit.code().to_owned());
    p.published = Set(input.status == VersionStatus::Published);
    p.status = Set(input.status.code().to_owned());
    p.search_text = Set(d.search_text());
    p.current_version_id = Set(version_id);
}

/// Write a version inside the caller's write transaction (used by the editors' actions and by
/// imports, which write a whole file in one transaction).
pub async fn upsert_in(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    agency: &agency::Model,
    input: &VersionInput,
) -> Result<Upserted> {
    let now = Utc::now();
    // Publication times are kept to the second, so that what is stored, exported and imported
    // again hashes the same on both backends (PostgreSQL keeps microseconds, chrono nanoseconds).
    let normalised;
    let input = if input
        .publication
        .published_at
        .is_some_and(|t| t.timestamp_subsec_nanos() != 0)
    {
        let mut n = input.clone();
        n.publication.published_at = n
            .publication
            .published_at
            .and_then(|t| t.with_nanosecond(0));
        normalised = n;
        &normalised
    } else {
        input
    };
    let hash = content_hash(input)?;
    let data_json = serde_json::to_string(&input.data)
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}"))))?;
    let p = &input.publication;
    let code = input.data.code.as_str();
    // By code alone: a national code names one procedure, whichever agency implements it. On
    // PostgreSQL the row is locked so that concurrent editors take turns (SQLite's IMMEDIATE
    // transaction already serialises writers).
    let mut find_q = procedure::Entity::find().filter(procedure::Column::Code.eq(code));
    if db.backend() == Backend::Postgres {
        find_q = find_q.lock_exclusive();
    }
    let existing = find_q.one(txn).await?;
    if let Some(p) = &existing
        && p.agency_id != agency.id
    {
        return Err(StoreError::Conflict(format!(
            "procedure {code} belongs to another agency ({})",
            p.agency_organ
        )));
    }
    let new_version = |procedure_id: Uuid, no: i32| procedure_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        procedure_id: Set(procedure_id),
        agency_id: Set(agency.id),
        version_no: Set(no),
        status: Set(input.status.code().to_owned()),
        data: Set(data_json.clone()),
        content_hash: Set(hash.clone()),
        decision_number: Set(p.decision_number.clone()),
        decision_date: Set(p.decision_date),
        decision_authority: Set(p.decision_authority.map(|a| a.code().to_owned())),
        effective_date: Set(p.effective_date),
        published_at: Set(p.published_at),
        created_at: Set(now),
        updated_at: Set(now),
    };

    let Some(proc_row) = existing else {
        let procedure_id = Uuid::now_v7();
        // The version refers to the procedure and the procedure to its version: insert the
        // procedure first with the version id it will have.
        let version = new_version(procedure_id, 1);
        let version_id = *version.id.as_ref();
        let mut row = procedure::ActiveModel {
            id: Set(procedure_id),
            agency_id: Set(agency.id),
            code: Set(code.to_owned()),
            latest_version_id: Set(version_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        copy_current(&mut row, input, version_id, &agency.organ_id);
        row.insert(txn).await?;
        version.insert(txn).await?;
        audit::append(db, txn, ctx, Change {
            action: "procedure.create",
            object_type: "procedure",
            object_id: code.to_owned(),
            before: json!(null),
            after: json!({ "version": 1, "status": input.status.code(), "name": input.data.name, "hash": hash }),
        })
        .await?;
        return Ok(Upserted::Created);
    };

    let latest = procedure_version::Entity::find_by_id(proc_row.latest_version_id)
        .one(txn)
        .await?
        .ok_or_else(|| {
            StoreError::Db(DbErr::Custom(format!(
                "procedure {code} has no latest version"
            )))
        })?;
    if latest.content_hash == hash {
        return Ok(Upserted::Unchanged);
    }
    // A pending draft is updated in place by an edit or by its own publication; abolishing adds a
    // version and leaves the draft's content alone.
    let (version_id, outcome) = if latest.status == VersionStatus::Draft.code()
        && input.status != VersionStatus::Abolished
    {
        let mut a: procedure_version::ActiveModel = latest.clone().into();
        a.status = Set(input.status.code().to_owned());
        a.data = Set(data_json.clone());
        a.content_hash = Set(hash.clone());
        a.decision_number = Set(p.decision_number.clone());
        a.decision_date = Set(p.decision_date);
        a.decision_authority = Set(p.decision_authority.map(|x| x.code().to_owned()));
        a.effective_date = Set(p.effective_date);
        a.published_at = Set(p.published_at);
        a.updated_at = Set(now);
        a.update(txn).await?;
        (latest.id, Upserted::UpdatedDraft(latest.version_no))
    } else {
        let v = new_version(proc_row.id, latest.version_no + 1)
            .insert(txn)
            .await?;
        (v.id, Upserted::NewVersion(v.version_no))
    };
    if matches!(
        input.status,
        VersionStatus::Published | VersionStatus::Abolished
    ) {
        procedure_version::Entity::update_many()
            .col_expr(
                procedure_version::Column::Status,
                sea_orm::sea_query::Expr::value(VersionStatus::Superseded.code()),
            )
            .filter(procedure_version::Column::ProcedureId.eq(proc_row.id))
            .filter(procedure_version::Column::Status.eq(VersionStatus::Published.code()))
            .filter(procedure_version::Column::Id.ne(version_id))
            .exec(txn)
            .await?;
    }
    let becomes_current = input.status != VersionStatus::Draft || !proc_row.published;
    let mut row: procedure::ActiveModel = proc_row.clone().into();
    row.latest_version_id = Set(version_id);
    row.updated_at = Set(now);
    if becomes_current {
        copy_current(&mut row, input, version_id, &agency.organ_id);
    }
    row.update(txn).await?;
    let version_no = match outcome {
        Upserted::NewVersion(n) | Upserted::UpdatedDraft(n) => n,
        _ => latest.version_no,
    };
    audit::append(db, txn, ctx, Change {
        action: if matches!(outcome, Upserted::NewVersion(_)) { "procedure.version_create" } else { "procedure.version_update" },
        object_type: "procedure",
        object_id: code.to_owned(),
        before: json!({ "version": latest.version_no, "status": latest.status, "hash": latest.content_hash }),
        after: json!({ "version": version_no, "status": input.status.code(), "hash": hash }),
    })
    .await?;
    Ok(outcome)
}

/// Write one version in its own transaction.
pub async fn upsert(
    db: &Db,
    ctx: &AuditCtx,
    agency: &agency::Model,
    input: &VersionInput,
) -> Result<Upserted> {
    let txn = begin_catalog_write(db).await?;
    let out = upsert_in(db, &txn, ctx, agency, input).await?;
    txn.commit().await?;
    Ok(out)
}
