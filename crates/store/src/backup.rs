//! Backups that restore: a consistent copy of a live database and the checks a restore is judged
//! by. SQLite copies itself (`VACUUM INTO`, one read transaction: every commit acknowledged before
//! it began is in the copy, none after); PostgreSQL's copy is made by its own tools (`pg_dump`
//! and `pg_restore`, run by the command line), and this module only checks the target and the
//! result. The signing keys' passphrase is never in the database, so never in a backup.

use crate::error::Result;
use crate::{Backend, Db, StoreError};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use serde::Serialize;

/// What a database holds, counted: the same before a backup and after its restore.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub dossiers: i64,
    pub dossier_events: i64,
    pub documents: i64,
    pub accounts: i64,
    pub procedures: i64,
    pub audit_entries: i64,
    pub uploads: i64,
}

/// The tables counted, in the order of [`Counts`].
const COUNTED: [&str; 7] = [
    "dossier",
    "dossier_event",
    "official_document",
    "app_user",
    "procedure",
    "audit_entry",
    "upload",
];

/// The counts of `conn` (a connection or a transaction, so that a count can share a snapshot).
pub async fn counts(conn: &impl ConnectionTrait) -> Result<Counts> {
    let mut n = [0i64; 7];
    for (i, table) in COUNTED.iter().enumerate() {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let row = conn
            .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await?;
        n[i] = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
    }
    Ok(Counts {
        dossiers: n[0],
        dossier_events: n[1],
        documents: n[2],
        accounts: n[3],
        procedures: n[4],
        audit_entries: n[5],
        uploads: n[6],
    })
}

/// Copies a SQLite database into the new file `out` (which must not exist) while it serves:
/// `VACUUM INTO` reads one snapshot, so writers go on and the copy holds exactly what was
/// committed when it began (SQLite, "VACUUM INTO": "the generated output database is a
/// consistent snapshot of the original database").
pub async fn sqlite_copy(db: &Db, out: &std::path::Path) -> Result<()> {
    if db.backend() != Backend::Sqlite {
        return Err(StoreError::Db(DbErr::Custom(
            "a SQLite copy of a PostgreSQL database".into(),
        )));
    }
    let path = out.to_str().ok_or_else(|| {
        StoreError::Db(DbErr::Custom(format!(
            "{}: not a UTF-8 path",
            out.display()
        )))
    })?;
    db.conn()
        .execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await?;
    Ok(())
}

/// Whether the database holds no table of its own (a new file, or a new PostgreSQL database):
/// the only target a restore writes into.
pub async fn is_empty(db: &Db) -> Result<bool> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(
            db.conn().get_database_backend(),
            sql,
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    Ok(n == 0)
}

/// A PostgreSQL snapshot held open for `pg_dump --snapshot`: the transaction that exported it
/// (keep it open until the dump has started reading), its id, and the counts seen in it, which
/// are exactly those of the dump.
pub async fn pg_snapshot(db: &Db) -> Result<(sea_orm::DatabaseTransaction, String, Counts)> {
    use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
    if db.backend() != Backend::Postgres {
        return Err(StoreError::Db(DbErr::Custom(
            "a PostgreSQL snapshot of a SQLite database".into(),
        )));
    }
    let txn = db
        .conn()
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let row = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT pg_export_snapshot()",
        ))
        .await?
        .ok_or_else(|| StoreError::Db(DbErr::Custom("no snapshot exported".into())))?;
    let id: String = row.try_get_by_index(0)?;
    let n = counts(&txn).await?;
    Ok((txn, id, n))
}
