//! Writing a chunk: the column lists, multi-row INSERTs through the ORM connection (PostgreSQL)
//! and the bulk SQLite writer with its own connection.

use super::*;

pub(super) const DOSSIER_COLS: &[&str] = &[
    "id",
    "agency_id",
    "code",
    "procedure_id",
    "procedure_code",
    "procedure_name",
    "procedure_version_id",
    "unit_id",
    "handler_unit_id",
    "handler_id",
    "channel",
    "return_channel",
    "return_address",
    "applicant_user_id",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "components",
    "state",
    "supplement_requests",
    "extended",
    "approved",
    "received_at",
    "original_due_at",
    "due_at",
    "paused_at",
    "paused_seconds",
    "finished_at",
    "resolved_at",
    "returned_at",
    "outcome",
    "working_seconds_used",
    "lookup_code",
    "idempotency_key",
    "request_hash",
    "postal_receipt_no",
    "fees_vnd",
    "rating",
    "version",
    "created_at",
    "updated_at",
];

pub(super) const EVENT_COLS: &[&str] = &[
    "id",
    "agency_id",
    "dossier_id",
    "seq",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_role",
    "actor_unit",
    "at",
    "note",
    "data",
];

/// Rows per INSERT statement (SQLite allows 32,766 parameters, PostgreSQL 65,535).
pub(super) const DOSSIER_ROWS: usize = 300;
pub(super) const EVENT_ROWS: usize = 1000;
pub(super) const STAT_ROWS: usize = 500;

pub(super) fn placeholders(backend: Backend, cols: usize, rows: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            n += 1;
            match backend {
                Backend::Postgres => {
                    s.push('$');
                    s.push_str(&n.to_string());
                }
                Backend::Sqlite => s.push('?'),
            }
        }
        s.push(')');
    }
    s
}

/// INSERT `values` (rows of `cols.len()` values) into `table`, `per` rows per statement.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_rows(
    txn: &sea_orm::DatabaseTransaction,
    backend: Backend,
    table: &str,
    cols: &[&str],
    mut values: Vec<Value>,
    per: usize,
    suffix: &str,
    cache: &mut HashMap<(String, usize), String>,
) -> Result<()> {
    let width = cols.len();
    while !values.is_empty() {
        let take = values.len().min(per * width);
        let rest = values.split_off(take);
        let rows = take / width;
        let sql = cache
            .entry((table.to_owned(), rows))
            .or_insert_with(|| {
                format!(
                    "INSERT INTO {table} ({}) VALUES {}{suffix}",
                    cols.join(", "),
                    placeholders(backend, width, rows)
                )
            })
            .clone();
        txn.execute_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
            .await?;
        values = rest;
    }
    Ok(())
}

/// The SQLite writer: its own connection and prepared statements, one transaction per chunk. The
/// ORM path costs about ten times SQLite's own insert time on rows this wide; this is the bulk path
/// (same file, same WAL mode and `synchronous = FULL` at commit, same encodings as the ORM: UUIDs as
/// 16-byte blobs, instants as RFC 3339 text, booleans as integers).
pub(super) struct SqliteSink {
    pub(super) conn: rusqlite::Connection,
}

pub(super) fn sqlite_path(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::Conflict(format!("not a SQLite URL: {url}")))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(':') {
        return Err(StoreError::Conflict(
            "a generated history needs a SQLite file, not an in-memory database".into(),
        ));
    }
    Ok(path.to_owned())
}

pub(super) fn sql_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("bulk write: {e}")))
}

/// A value bound as SQLite stores it when SeaORM (sqlx) writes it, borrowed where possible.
pub(super) struct Bind<'a>(&'a Value);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput as O, Value as S, ValueRef as R};
        Ok(match self.0 {
            Value::Bool(b) => O::Owned(b.map_or(S::Null, |b| S::Integer(i64::from(b)))),
            Value::SmallInt(x) => O::Owned(x.map_or(S::Null, |x| S::Integer(i64::from(x)))),
            Value::Int(x) => O::Owned(x.map_or(S::Null, |x| S::Integer(i64::from(x)))),
            Value::BigInt(x) => O::Owned(x.map_or(S::Null, S::Integer)),
            Value::String(x) => O::Borrowed(x.as_ref().map_or(R::Null, |x| R::Text(x.as_bytes()))),
            Value::Uuid(x) => O::Borrowed(x.as_ref().map_or(R::Null, |x| R::Blob(x.as_bytes()))),
            Value::ChronoDateTimeUtc(x) => O::Owned(x.as_ref().map_or(S::Null, |x| {
                S::Text(x.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
            })),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("bulk write: unexpected value {other:?}").into(),
                ));
            }
        })
    }
}

impl SqliteSink {
    pub(super) fn open(url: &str) -> Result<Self> {
        let conn = rusqlite::Connection::open(sqlite_path(url)?).map_err(sql_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sql_err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -262144;",
        )
        .map_err(sql_err)?;
        Ok(Self { conn })
    }

    /// `sql` ends with `VALUES {}`: filled with `per` rows of placeholders (fewer for the rest).
    pub(super) fn insert(
        txn: &rusqlite::Transaction<'_>,
        sql: &str,
        width: usize,
        per: usize,
        values: &[Value],
    ) -> Result<()> {
        let full = per * width;
        let mut stmt = None;
        for rows in values.chunks(full) {
            let n = rows.len() / width;
            let mut own;
            let st = if n == per {
                if stmt.is_none() {
                    stmt = Some(
                        txn.prepare(&sql.replace("{}", &placeholders(Backend::Sqlite, width, per)))
                            .map_err(sql_err)?,
                    );
                }
                stmt.as_mut().ok_or(StoreError::NotFound)?
            } else {
                own = txn
                    .prepare(&sql.replace("{}", &placeholders(Backend::Sqlite, width, n)))
                    .map_err(sql_err)?;
                &mut own
            };
            st.execute(rusqlite::params_from_iter(rows.iter().map(Bind)))
                .map_err(sql_err)?;
        }
        Ok(())
    }

    pub(super) fn write(&mut self, chunk: Chunk, stat_sql: &str, seq_sql: &str) -> Result<()> {
        let dossier_sql = format!(
            "INSERT INTO dossier ({}) VALUES {{}}",
            DOSSIER_COLS.join(", ")
        );
        let event_sql = format!(
            "INSERT INTO dossier_event ({}) VALUES {{}}",
            EVENT_COLS.join(", ")
        );
        let txn =
            rusqlite::Transaction::new(&mut self.conn, rusqlite::TransactionBehavior::Immediate)
                .map_err(sql_err)?;
        Self::insert(&txn, &dossier_sql, DOSSIER_COLS.len(), 1, &chunk.dossiers)?;

        Self::insert(&txn, &event_sql, EVENT_COLS.len(), 1, &chunk.events)?;
        let chunk_values = (chunk.dossiers, chunk.events);
        let mut stats: Vec<Value> = Vec::with_capacity(chunk.stats.len() * 19);
        for ((a, u, p, m, c), v) in chunk.stats {
            stats.extend([a.into(), u.into(), p.into(), m.into(), c.to_owned().into()]);
            stats.extend(v.iter().map(|x| Value::from(*x)));
        }
        Self::insert(&txn, stat_sql, 19, 1, &stats)?;
        let mut seqs: Vec<Value> = Vec::new();
        for (a, day, last) in chunk.sequences {
            seqs.extend([a.into(), day.into(), (last as i32).into()]);
        }
        Self::insert(&txn, seq_sql, 3, 1, &seqs)?;
        txn.commit().map_err(sql_err)?;
        // Freeing the chunk's values is left to another thread: the writer is the bottleneck.
        std::thread::spawn(move || drop(chunk_values));
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(sql_err)?;
        Ok(())
    }
}
