//! Dossiers: filing, actions, uploads, the notification outbox and the live statistics.
//!
//! Every write is one transaction holding the dossier row, its event, the audit entry, the outbox
//! messages and the statistics counters, so a crash leaves all of them or none (docs/ARCHITECTURE.md,
//! "One dossier, end to end"). The rules (which move is legal, the appointment, the outcome) are
//! decided by `motcua_domain::dossier` and the calendar before these functions are called; here the
//! version check makes two concurrent actions on one dossier end with exactly one winner.

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{dossier, dossier_event, outbox, upload};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Datelike, Utc};
use motcua_domain::dossier::stats::Counter;
use motcua_domain::time::VN_OFFSET;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement, Value,
};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

mod filing;
mod messages;
mod read;
mod stats;
mod uploads;

pub use filing::*;
pub use messages::*;
pub use read::*;
pub use stats::*;
pub use uploads::*;

/// SHA-256 of a text, in lower-case hex (look-up codes, request bodies).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The changes an action makes to the current-state row (`None`: unchanged).
#[derive(Clone, Debug, Default)]
pub struct RowChange {
    pub state: Option<i16>,
    pub supplement_requests: Option<i32>,
    pub extended: Option<bool>,
    pub approved: Option<bool>,
    pub due_at: Option<DateTime<Utc>>,
    pub paused_at: Option<Option<DateTime<Utc>>>,
    pub paused_seconds: Option<i64>,
    pub handler_unit_id: Option<Uuid>,
    pub handler_id: Option<Option<Uuid>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub working_seconds_used: Option<i64>,
    pub fees_vnd: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct ActionWrite {
    pub dossier_id: Uuid,
    /// The version the caller saw (`If-Match`).
    pub expected_version: i64,
    pub action: motcua_domain::dossier::state::Action,
    pub from_state: motcua_domain::dossier::state::DossierState,
    pub change: RowChange,
    pub at: DateTime<Utc>,
    pub note: String,
    pub data: Json,
    pub messages: Vec<NewMessage>,
    /// Uploads the action attaches (a supplement's documents, the result).
    pub claim: Vec<Uuid>,
    /// Counters to add one to, in the month of `at`.
    pub counters: Vec<Counter>,
}

/// Apply an action if the dossier is still at `expected_version`; otherwise
/// `StoreError::Conflict` and nothing is written.
pub async fn act(db: &Db, ctx: &AuditCtx, w: ActionWrite) -> Result<dossier::Model> {
    use dossier::Column as C;
    let txn = db.begin_write().await?;
    let mut upd = dossier::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(w.at));
    let ch = &w.change;
    if let Some(v) = ch.state {
        upd = upd.col_expr(C::State, Expr::value(v));
    }
    if let Some(v) = ch.supplement_requests {
        upd = upd.col_expr(C::SupplementRequests, Expr::value(v));
    }
    if let Some(v) = ch.extended {
        upd = upd.col_expr(C::Extended, Expr::value(v));
    }
    if let Some(v) = ch.approved {
        upd = upd.col_expr(C::Approved, Expr::value(v));
    }
    if let Some(v) = ch.due_at {
        upd = upd.col_expr(C::DueAt, Expr::value(v));
    }
    if let Some(v) = ch.paused_at {
        upd = upd.col_expr(C::PausedAt, Expr::value(v));
    }
    if let Some(v) = ch.paused_seconds {
        upd = upd.col_expr(C::PausedSeconds, Expr::value(v));
    }
    if let Some(v) = ch.handler_unit_id {
        upd = upd.col_expr(C::HandlerUnitId, Expr::value(v));
    }
    if let Some(v) = ch.handler_id {
        upd = upd.col_expr(C::HandlerId, Expr::value(v));
    }
    if let Some(v) = ch.finished_at {
        upd = upd.col_expr(C::FinishedAt, Expr::value(v));
    }
    if let Some(v) = ch.resolved_at {
        upd = upd.col_expr(C::ResolvedAt, Expr::value(v));
    }
    if let Some(v) = ch.returned_at {
        upd = upd.col_expr(C::ReturnedAt, Expr::value(v));
    }
    if let Some(v) = &ch.outcome {
        upd = upd.col_expr(C::Outcome, Expr::value(v.clone()));
    }
    if let Some(v) = ch.working_seconds_used {
        upd = upd.col_expr(C::WorkingSecondsUsed, Expr::value(v));
    }
    if let Some(v) = ch.fees_vnd {
        upd = upd.col_expr(C::FeesVnd, Expr::value(v));
    }
    let res = upd
        .filter(C::Id.eq(w.dossier_id))
        .filter(C::Version.eq(w.expected_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Stale);
    }
    let d = dossier::Entity::find_by_id(w.dossier_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    claim_uploads(&txn, d.agency_id, d.id, &w.claim).await?;
    let seq: Option<i32> = dossier_event::Entity::find()
        .select_only()
        .column_as(dossier_event::Column::Seq.max(), "m")
        .filter(dossier_event::Column::DossierId.eq(d.id))
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    insert_event(
        &txn,
        &d,
        ctx,
        seq.unwrap_or(0) + 1,
        w.action.code(),
        Some(w.from_state.sync_code() as i16),
        d.state,
        w.at,
        &w.note,
        &w.data,
    )
    .await?;
    audit::append(db, &txn, ctx, Change {
        action: "dossier.action",
        object_type: "dossier",
        object_id: d.code.clone(),
        before: json!({ "state": w.from_state.sync_code(), "version": w.expected_version }),
        after: json!({ "action": w.action.code(), "state": d.state, "version": d.version, "data": w.data }),
    })
    .await?;
    write_outbox(&txn, d.agency_id, d.id, w.at, &w.messages).await?;
    let key = StatKey {
        agency_id: d.agency_id,
        unit_id: d.unit_id,
        procedure_code: d.procedure_code.clone(),
        month: month_of(w.at),
        channel: d.channel.clone(),
    };
    bump(db, &txn, &key, &w.counters).await?;
    txn.commit().await?;
    Ok(d)
}

/// Record the applicant's rating (once, after the result; Decision 766 group 5).
pub async fn rate(
    db: &Db,
    ctx: &AuditCtx,
    dossier_id: Uuid,
    rating: i16,
    note: &str,
) -> Result<dossier::Model> {
    use dossier::Column as C;
    let txn = db.begin_write().await?;
    let res = dossier::Entity::update_many()
        .col_expr(C::Rating, Expr::value(rating))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(dossier_id))
        .filter(C::Rating.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::AlreadyRated);
    }
    let d = dossier::Entity::find_by_id(dossier_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "dossier.rate",
            object_type: "dossier",
            object_id: d.code.clone(),
            before: Json::Null,
            after: json!({ "rating": rating, "note_len": note.chars().count() }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(d)
}
