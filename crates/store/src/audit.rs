//! Writing and verifying the audit chain (rules in `motcua_domain::audit`).

use crate::db::{Backend, Db};
use crate::entity::{audit_entry, audit_head};
use crate::error::{Result, StoreError};
use chrono::Utc;
use motcua_domain::audit::{AuditRecord, ChainBreak, ChainVerifier, SYSTEM_ACTOR, entry_hash};
use sea_orm::{
    AccessMode, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IsolationLevel, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

/// Who is making a change, and in which request: written into every audit entry.
#[derive(Clone, Debug)]
pub struct AuditCtx {
    pub agency_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// A role name, or `system`.
    pub actor_role: String,
    pub actor_unit: Option<Uuid>,
    pub request_id: String,
}

impl AuditCtx {
    /// Changes made by motcua itself (demo loading, the command line).
    pub fn system(request_id: impl Into<String>) -> Self {
        Self {
            agency_id: None,
            actor_id: None,
            actor_role: SYSTEM_ACTOR.to_owned(),
            actor_unit: None,
            request_id: request_id.into(),
        }
    }
}

/// What changed: the action, the object, and a summary of the fields before and after. The summary
/// must not carry secrets; personal data only as far as needed to identify the object.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// Append one entry to the chain inside the caller's write transaction. On PostgreSQL the head row is
/// locked (`FOR UPDATE`), so concurrent writers take turns; on SQLite the IMMEDIATE transaction
/// already holds the database's single write lock.
pub async fn append(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    change: Change<'_>,
) -> Result<i64> {
    append_many(db, txn, ctx, vec![(None, change)]).await
}

/// Why verification did not pass.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for VerifyError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

fn record_of(m: &audit_entry::Model) -> AuditRecord {
    AuditRecord {
        seq: m.seq,
        at_micros: m.at_us,
        agency_id: m.agency_id.clone(),
        actor_id: m.actor_id.clone(),
        actor_role: m.actor_role.clone(),
        actor_unit: m.actor_unit.clone(),
        action: m.action.clone(),
        object_type: m.object_type.clone(),
        object_id: m.object_id.clone(),
        summary: m.summary.clone(),
        request_id: m.request_id.clone(),
    }
}

/// Walk the whole chain in sequence order, a page at a time, and compare its end with the head.
/// Everything is read in one read-only transaction (a snapshot), head first, so entries committed
/// by a running server meanwhile are not mistaken for tampering. Returns the number of entries.
pub async fn verify(db: &Db) -> Result<i64, VerifyError> {
    const PAGE: u64 = 2_000;
    let txn = match db.backend() {
        Backend::Postgres => {
            db.conn()
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
        }
        Backend::Sqlite => db.conn().begin().await?,
    };
    let head = audit_head::Entity::find_by_id(1).one(&txn).await?;
    let head_seq = head.as_ref().map_or(0, |h| h.seq);
    let mut verifier = ChainVerifier::default();
    let mut after = i64::MIN;
    loop {
        let page = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after))
            .filter(audit_entry::Column::Seq.lte(head_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(PAGE)
            .all(&txn)
            .await?;
        for m in &page {
            verifier.push(&record_of(m), &m.prev_hash, &m.hash)?;
        }
        match page.last() {
            Some(last) if page.len() as u64 == PAGE => after = last.seq,
            _ => break,
        }
    }
    // Entries beyond the head in the same snapshot were not written by motcua.
    let beyond = audit_entry::Entity::find()
        .filter(audit_entry::Column::Seq.gt(head_seq))
        .order_by_asc(audit_entry::Column::Seq)
        .one(&txn)
        .await?;
    txn.commit().await?;
    let checked = verifier.finish(head.as_ref().map(|h| (h.seq, h.hash.as_str())))?;
    if let Some(extra) = beyond {
        return Err(ChainBreak::HeadMismatch {
            head_seq,
            last_seq: extra.seq,
        }
        .into());
    }
    Ok(checked)
}

/// The newest entries first, optionally only those made by actors of the given units.
pub async fn recent(
    conn: &impl ConnectionTrait,
    units: Option<&[Uuid]>,
    limit: u64,
) -> Result<Vec<audit_entry::Model>> {
    let mut q = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Seq)
        .limit(limit);
    if let Some(units) = units {
        let ids: Vec<String> = units.iter().map(Uuid::to_string).collect();
        q = q.filter(audit_entry::Column::ActorUnit.is_in(ids));
    }
    Ok(q.all(conn).await?)
}

/// Append entries inside the caller's write transaction, each with the agency it concerns (else the
/// context's): the head row is locked (`FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transaction
/// already holds the single write lock), the chain is extended in memory, the entries are inserted in
/// chunks and the head is updated once. Returns the last sequence number. The one place the chain
/// is written: [`append`] is this with a single entry.
pub async fn append_many(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    changes: Vec<(Option<Uuid>, Change<'_>)>,
) -> Result<i64> {
    let mut head_q = audit_head::Entity::find_by_id(1);
    if db.backend() == Backend::Postgres {
        head_q = head_q.lock_exclusive();
    }
    let head = head_q.one(txn).await?.ok_or_else(|| {
        StoreError::Db(sea_orm::DbErr::Custom(
            "the audit chain head row is missing".into(),
        ))
    })?;
    let at = Utc::now().timestamp_micros();
    let (mut seq, mut prev) = (head.seq, head.hash.clone());
    let mut rows = Vec::with_capacity(changes.len());
    for (agency, change) in changes {
        seq += 1;
        let record = AuditRecord {
            seq,
            at_micros: at,
            agency_id: agency.or(ctx.agency_id).map(|u| u.to_string()),
            actor_id: ctx.actor_id.map(|u| u.to_string()),
            actor_role: ctx.actor_role.clone(),
            actor_unit: ctx.actor_unit.map(|u| u.to_string()),
            action: change.action.to_owned(),
            object_type: change.object_type.to_owned(),
            object_id: change.object_id,
            summary: serde_json::json!({ "before": change.before, "after": change.after })
                .to_string(),
            request_id: ctx.request_id.clone(),
        };
        let hash = entry_hash(&prev, &record);
        rows.push(audit_entry::ActiveModel {
            seq: Set(record.seq),
            at_us: Set(record.at_micros),
            agency_id: Set(record.agency_id),
            actor_id: Set(record.actor_id),
            actor_role: Set(record.actor_role),
            actor_unit: Set(record.actor_unit),
            action: Set(record.action),
            object_type: Set(record.object_type),
            object_id: Set(record.object_id),
            summary: Set(record.summary),
            request_id: Set(record.request_id),
            prev_hash: Set(prev.clone()),
            hash: Set(hash.clone()),
        });
        prev = hash;
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        audit_entry::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec(txn)
            .await?;
    }
    if seq != head.seq {
        audit_head::ActiveModel {
            id: Set(1),
            seq: Set(seq),
            hash: Set(prev),
        }
        .update(txn)
        .await?;
    }
    Ok(seq)
}
