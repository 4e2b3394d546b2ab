//! The storage error. It names what happened in storage's terms and carries no text for a person:
//! `motcua-app` says why in Vietnamese (`app::Error`), and `web` maps what reaches it to HTTP:
//! `NotFound` 404, `Conflict`, `Stale`, `WrongState`, `Rule`, `UploadsUnavailable`, `AlreadyRated`
//! 409, `Unavailable`
//! 503, `Full` 507, `Db` 500 (cause logged, never shown).

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names the constraint, not the data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The row changed since it was read (its version is not the one the writer expected).
    #[error("changed since read")]
    Stale,
    /// The row is no longer in the state the write needs (a document issued before, so it has a
    /// number and cannot be issued again); the use case says why in its terms.
    #[error("not in the state this write needs")]
    WrongState,
    /// A rule of `motcua-domain`, checked inside the write transaction against the row as it is
    /// now, refused the write; the reason is the domain's (a document's handling step out of order,
    /// Decree 30/2020 art. 24).
    #[error("refused by a rule: {0}")]
    Rule(&'static str),
    /// An upload to attach does not exist, is of another agency or already belongs to a dossier.
    #[error("upload missing or already attached")]
    UploadsUnavailable,
    /// The dossier was rated before (a rating is given once).
    #[error("already rated")]
    AlreadyRated,
    /// The database cannot be reached (connection refused, pool timed out, server restarting).
    #[error("database unavailable")]
    Unavailable(#[source] DbErr),
    /// The disk holding the database is full.
    #[error("database storage full")]
    Full(#[source] DbErr),
    #[error("database error")]
    Db(#[source] DbErr),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(what)) = err.sql_err() {
            return Self::Conflict(what);
        }
        if let DbErr::RecordNotFound(_) = err {
            return Self::NotFound;
        }
        if is_unavailable(&err) {
            return Self::Unavailable(err);
        }
        if is_full(&err) {
            return Self::Full(err);
        }
        Self::Db(err)
    }
}

fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as E;
    if matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) {
        return true;
    }
    match sqlx_error(err) {
        Some(E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Tls(_)) => true,
        // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (57P01..57P03), connection
        // exceptions (08xxx). SQLite: SQLITE_BUSY (5) after the busy timeout, SQLITE_IOERR (10),
        // SQLITE_CANTOPEN (14), with their extended codes (IOERR_FSYNC 1034, BUSY_SNAPSHOT 517, …).
        Some(E::Database(db)) => {
            db.code()
                .is_some_and(|c| c.starts_with("57P") || c.starts_with("08"))
                || matches!(sqlite_primary(db.code().as_deref()), Some(5 | 10 | 14))
        }
        _ => false,
    }
}

fn is_full(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as E;
    match sqlx_error(err) {
        // SQLite: SQLITE_FULL (13); PostgreSQL: disk_full (53100).
        Some(E::Database(db)) => {
            db.code().as_deref() == Some("53100")
                || sqlite_primary(db.code().as_deref()) == Some(13)
        }
        _ => false,
    }
}

/// The primary result code of an SQLite (extended) result code: its low byte.
fn sqlite_primary(code: Option<&str>) -> Option<u32> {
    code.and_then(|c| c.parse::<u32>().ok()).map(|c| c & 0xFF)
}

#[cfg(test)]
mod tests {
    use super::sqlite_primary;

    #[test]
    fn extended_sqlite_codes_reduce_to_their_primary_code() {
        assert_eq!(sqlite_primary(Some("1034")), Some(10), "IOERR_FSYNC");
        assert_eq!(sqlite_primary(Some("517")), Some(5), "BUSY_SNAPSHOT");
        assert_eq!(sqlite_primary(Some("13")), Some(13));
        assert_eq!(sqlite_primary(Some("57P01")), None, "a PostgreSQL code");
    }
}
