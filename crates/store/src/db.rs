//! Connecting to the database named by a URL: `sqlite://…` (embedded) or `postgres://…`.

use crate::error::{Result, StoreError};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Db(DbErr::Custom(
                "database URL must start with sqlite:// or postgres://".into(),
            )))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// SeaORM's name for the backend (for raw statements).
    pub fn sea(self) -> sea_orm::DbBackend {
        match self {
            Self::Sqlite => sea_orm::DbBackend::Sqlite,
            Self::Postgres => sea_orm::DbBackend::Postgres,
        }
    }
}

#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Connections in the pool. SQLite has one writer whatever this is; readers run in parallel.
    pub max_connections: u32,
    /// How long a request waits for a connection before the answer is 503.
    pub acquire_timeout: Duration,
    /// Create a SQLite file (and its folder) that does not exist yet. Only the commands that set
    /// a database up (`migrate`, `demo`, `serve`) do; every other one opens what exists or fails.
    pub create: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
            create: true,
        }
    }
}

/// A handle on the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
    /// The group-commit queue, started on first use (`crate::writer`).
    writer: std::sync::Arc<std::sync::OnceLock<crate::writer::Writer>>,
    /// The writer's own connection (a pool of one, opened on first use), so that a batch never
    /// waits for a connection behind the readers of the main pool.
    write_conn: DatabaseConnection,
    /// Held by every handle; the SQLite checkpointer stops when the last handle is gone.
    alive: std::sync::Arc<()>,
    /// The catalogue's search index, shared by every handle on this database
    /// (`crate::catalog::search`).
    pub(crate) catalog_index: std::sync::Arc<crate::catalog::IndexCache>,
}

/// Copy the SQLite write-ahead log back into the database every 200 ms (`PASSIVE`: it never
/// waits for, nor blocks, a writer). With SQLite's automatic checkpoint the commit that crosses
/// 1,000 pages does this work itself, syncing the database file while every filing queued behind
/// it waits: the tail latency of filings. Stops when the last `Db` handle is dropped; the last
/// connection to close checkpoints whatever remains.
async fn checkpointer(conn: DatabaseConnection, alive: std::sync::Weak<()>) {
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tick.tick().await;
        if alive.upgrade().is_none() {
            return;
        }
        if let Err(e) = conn
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            tracing::debug!(cause = %e, "checkpoint");
        }
    }
}

/// `BEGIN` (on SQLite `BEGIN IMMEDIATE`) on a connection of the pool.
pub(crate) async fn begin_write_on(
    conn: &DatabaseConnection,
    backend: Backend,
) -> Result<DatabaseTransaction> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (backend == Backend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(conn.begin_with_options(options).await?)
}

impl Db {
    /// Connect to `url`. For SQLite the file and its folder are created on first use (unless
    /// `options.create` is false), the journal is WAL and every commit is synced
    /// (`synchronous=FULL`), so an acknowledged write is on disk.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self> {
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite && options.create {
            ensure_sqlite_folder(url)?;
        }
        let conn =
            Database::connect(connect_options(url, options.max_connections, 1, options)).await?;
        let write_conn = Database::connect(connect_options(url, 1, 0, options)).await?;
        let db = Self {
            conn,
            backend,
            writer: Default::default(),
            write_conn,
            alive: Default::default(),
            catalog_index: Default::default(),
        };
        if backend == Backend::Sqlite {
            tokio::spawn(checkpointer(
                db.conn.clone(),
                std::sync::Arc::downgrade(&db.alive),
            ));
        }
        Ok(db)
    }
}

fn connect_options(url: &str, max: u32, min: u32, options: &DbOptions) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    let create = options.create;
    opts.max_connections(max)
        .min_connections(min)
        .acquire_timeout(options.acquire_timeout)
        .connect_timeout(options.acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.create_if_missing(create)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                // Checkpoints run beside the writers (see `checkpointer`), not inside the
                // commit that happens to cross the threshold.
                .pragma("wal_autocheckpoint", "0")
        });
    opts
}

impl Db {
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begin a write transaction. On SQLite it is `BEGIN IMMEDIATE`, taking the write lock at once:
    /// a deferred transaction that upgrades later ignores the busy timeout and fails with
    /// SQLITE_BUSY under concurrency (see docs/ARCHITECTURE.md, storage).
    pub async fn begin_write(&self) -> Result<DatabaseTransaction> {
        begin_write_on(&self.conn, self.backend).await
    }

    pub(crate) fn write_conn(&self) -> &DatabaseConnection {
        &self.write_conn
    }

    /// The group-commit queue of this database (see `crate::writer`).
    pub fn writer(&self) -> &crate::writer::Writer {
        self.writer
            .get_or_init(|| crate::writer::Writer::start(self))
    }

    /// A round trip to the database (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// (connections open, connections idle) in the pool.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self.backend {
            Backend::Sqlite => {
                let p = self.conn.get_sqlite_connection_pool();
                (p.size(), p.num_idle())
            }
            Backend::Postgres => {
                let p = self.conn.get_postgres_connection_pool();
                (p.size(), p.num_idle())
            }
        }
    }

    pub async fn close(self) -> Result<()> {
        self.write_conn.clone().close().await?;
        self.conn.close().await?;
        Ok(())
    }
}

/// The file a SQLite URL names (`sqlite://data/motcua.db?mode=rwc` → `data/motcua.db`); `None`
/// for another backend or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

fn ensure_sqlite_folder(url: &str) -> Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Db(DbErr::Custom(format!(
                "cannot create {}: {e}",
                parent.display()
            )))
        })?;
    }
    Ok(())
}
