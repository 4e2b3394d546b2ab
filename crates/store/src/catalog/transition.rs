//! An editor's move on a procedure (publish, abolish), checked and written in one transaction.

use super::*;

/// An editor's move on a procedure, checked and written in one write transaction.
#[derive(Clone, Debug)]
pub enum Transition {
    /// Publish the latest draft under this announcement.
    Publish(Publication),
    /// Abolish the procedure under this decision.
    Abolish {
        decision_number: String,
        decision_date: chrono::NaiveDate,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("no such procedure")]
    NotFound,
    #[error("no draft to publish")]
    NoDraft,
    #[error("already abolished")]
    AlreadyAbolished,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for TransitionError {
    fn from(e: DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Publish or abolish: the check, the read and the write happen in one write transaction (the
/// procedure row locked on PostgreSQL), so a concurrent edit is never overwritten with older
/// content and two publications cannot both win.
pub async fn transition(
    db: &Db,
    ctx: &AuditCtx,
    code: &str,
    t: Transition,
) -> Result<(), TransitionError> {
    let txn = begin_catalog_write(db).await?;
    let mut q = procedure::Entity::find().filter(procedure::Column::Code.eq(code.trim()));
    if db.backend() == Backend::Postgres {
        q = q.lock_exclusive();
    }
    let p = q.one(&txn).await?.ok_or(TransitionError::NotFound)?;
    let agency = agency::Entity::find_by_id(p.agency_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let latest = procedure_version::Entity::find_by_id(p.latest_version_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let current = procedure_version::Entity::find_by_id(p.current_version_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let input = match t {
        Transition::Publish(publication) => {
            if latest.status != VersionStatus::Draft.code() {
                return Err(TransitionError::NoDraft);
            }
            VersionInput {
                data: version_input(&latest)?.data,
                status: VersionStatus::Published,
                publication,
            }
        }
        Transition::Abolish {
            decision_number,
            decision_date,
        } => {
            if current.status == VersionStatus::Abolished.code() {
                return Err(TransitionError::AlreadyAbolished);
            }
            let cur = version_input(&current)?;
            VersionInput {
                data: cur.data,
                status: VersionStatus::Abolished,
                publication: Publication {
                    decision_number: Some(decision_number),
                    decision_date: Some(decision_date),
                    decision_authority: cur.publication.decision_authority,
                    effective_date: Some(decision_date),
                    published_at: Some(Utc::now()),
                },
            }
        }
    };
    let ctx = AuditCtx {
        agency_id: Some(agency.id),
        ..ctx.clone()
    };
    upsert_in(db, &txn, &ctx, &agency, &input).await?;
    txn.commit().await?;
    Ok(())
}
