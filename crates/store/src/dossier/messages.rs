//! The notification outbox: messages written in the dossier's transaction, leased and delivered
//! after it commits.

use super::*;

/// A notification to send once the transaction commits.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// `receipt`, `supplement_request`, `apology`, `result_ready`, `result_returned`.
    pub topic: &'static str,
    /// What the sink needs (recipient, subject, body, dossier code). Never logged.
    pub payload: Json,
}

pub(super) async fn write_outbox(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    dossier_id: Uuid,
    at: DateTime<Utc>,
    messages: &[NewMessage],
) -> Result<()> {
    for m in messages {
        let message = outbox::ActiveModel {
            id: Set(Uuid::now_v7()),
            agency_id: Set(agency_id),
            topic: Set(m.topic.to_owned()),
            dossier_id: Set(Some(dossier_id)),
            payload: Set(m.payload.to_string()),
            created_at: Set(at),
            attempts: Set(0),
            next_attempt_at: Set(at),
            delivered_at: Set(None),
            last_error: Set(None),
        };
        outbox::Entity::insert(message)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Messages due for delivery, oldest first.
pub async fn due_messages(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Take due messages for delivery until `lease_until`, in one write transaction: the ones whose
/// lease this call set (another node may have taken some first). The lease is a conditional
/// update on `next_attempt_at`, so no transaction stays open while sending, and the notifier
/// writes twice per round, not twice per message (on SQLite every write transaction competes with
/// the filings' writer for the one write lock).
pub async fn claim_messages(
    db: &Db,
    due: &[outbox::Model],
    lease_until: DateTime<Utc>,
) -> Result<Vec<outbox::Model>> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let txn = db.begin_write().await?;
    for m in due {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(m.id))
            .filter(outbox::Column::NextAttemptAt.eq(m.next_attempt_at))
            .filter(outbox::Column::DeliveredAt.is_null())
            .exec(&txn)
            .await?;
    }
    let mine = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(due.iter().map(|m| m.id)))
        .filter(outbox::Column::NextAttemptAt.eq(lease_until))
        .filter(outbox::Column::DeliveredAt.is_null())
        .order_by_asc(outbox::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(mine)
}

/// Mark messages delivered, in one write transaction.
pub async fn mark_delivered(db: &Db, ids: &[Uuid], at: DateTime<Utc>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::DeliveredAt, Expr::value(at))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn mark_failed(
    db: &Db,
    id: Uuid,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    let txn = db.begin_write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .col_expr(outbox::Column::LastError, Expr::value(error.to_owned()))
        .filter(outbox::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn messages_of(
    conn: &impl ConnectionTrait,
    dossier_id: Uuid,
) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DossierId.eq(dossier_id))
        .order_by_asc(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::Id)
        .all(conn)
        .await?)
}
