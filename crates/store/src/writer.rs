//! Group commit for the busiest writes (dossier filings and actions).
//!
//! Every acknowledged write must be on disk (`synchronous=FULL` on SQLite, `fsync` at commit on
//! PostgreSQL), and one sync costs more than the work of a filing. Writers therefore queue their
//! work here; one task per database takes what has queued up (at most [`MAX_BATCH`]), runs every
//! piece in one transaction, commits once, and only then answers each caller. If a piece fails
//! (a rare unique-key race, a full disk), the batch is rolled back and each piece runs again in
//! its own transaction, so each caller gets its own answer and the others are unaffected. Nothing
//! is acknowledged that is not on disk, and nothing half-written remains (a transaction is all or
//! nothing).
//!
//! Under light load a batch holds one piece and costs what a direct transaction costs; under heavy
//! load the batch grows while the previous commit syncs, which is what lets one SQLite writer reach
//! thousands of durable filings per second.

use crate::db::Db;
use crate::entity::dossier;
use crate::error::{Result, StoreError};
use sea_orm::DatabaseTransaction;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Most pieces of work in one transaction.
pub const MAX_BATCH: usize = 256;

/// A piece of work; it may run twice (first in a batch, again alone if the batch failed), so it
/// owns what it needs and only touches the transaction it is given.
type Work = std::sync::Arc<
    dyn for<'t> Fn(
            &'t DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<dossier::Model>> + Send + 't>>
        + Send
        + Sync,
>;

struct Job {
    work: Work,
    answer: oneshot::Sender<Result<dossier::Model>>,
}

/// The queue of one database's group-committed writes.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Writer {
    /// Start the writer task for `db` (on the current tokio runtime). The task holds the pool, not
    /// the `Db`, so it ends when the last `Db` handle (which holds this queue) is dropped.
    pub fn start(db: &Db) -> Self {
        let (tx, rx) = mpsc::channel::<Job>(MAX_BATCH * 4);
        tokio::spawn(run(db.write_conn().clone(), db.backend(), rx));
        Self { tx }
    }

    /// Run `work` in the next batch; the answer comes after the batch is committed.
    pub async fn submit<F>(&self, work: F) -> Result<dossier::Model>
    where
        F: for<'t> Fn(
                &'t DatabaseTransaction,
            )
                -> Pin<Box<dyn Future<Output = Result<dossier::Model>> + Send + 't>>
            + Send
            + Sync
            + 'static,
    {
        let (answer, rx) = oneshot::channel();
        self.tx
            .send(Job {
                work: std::sync::Arc::new(work),
                answer,
            })
            .await
            .map_err(|_| StoreError::Conflict("writer stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Conflict("writer stopped".into()))?
    }
}

async fn run(
    conn: sea_orm::DatabaseConnection,
    backend: crate::db::Backend,
    mut rx: mpsc::Receiver<Job>,
) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        // The whole batch in one transaction; if a piece fails, the batch is rolled back and every
        // piece runs again alone, so each gets its own answer. If the COMMIT itself fails, its
        // outcome is unknown (the connection can die after the server committed): nothing is run
        // again — that would write twice — and every piece is answered with the failure, so none
        // is acknowledged (found by the PostgreSQL restart drill, issue 6).
        match batch(&conn, backend, &jobs).await {
            Ok(models) => {
                for (j, m) in jobs.into_iter().zip(models) {
                    let _ = j.answer.send(Ok(m));
                }
            }
            Err(Failed::Commit(e)) => {
                for j in jobs {
                    let _ = j.answer.send(Err(uncertain(&e)));
                }
            }
            Err(Failed::Piece(_)) if jobs.len() > 1 => {
                for j in jobs {
                    let r = alone(&conn, backend, &j).await;
                    let _ = j.answer.send(r);
                }
            }
            Err(Failed::Piece(e)) => {
                // A batch of one: its own error.
                if let Some(j) = jobs.into_iter().next() {
                    let _ = j.answer.send(Err(e));
                }
            }
        }
    }
}

enum Failed {
    /// Before the COMMIT: nothing was written.
    Piece(StoreError),
    /// At the COMMIT: written or not, unknown.
    Commit(StoreError),
}

/// The answer to each piece of a batch whose COMMIT failed: the same kind of error (503 when the
/// database went away, 507 when it is full), never a success.
fn uncertain(e: &StoreError) -> StoreError {
    let why = sea_orm::DbErr::Custom(format!("commit failed, outcome unknown: {e}"));
    match e {
        StoreError::Full(_) => StoreError::Full(why),
        StoreError::Db(_)
        | StoreError::Conflict(_)
        | StoreError::NotFound
        | StoreError::Stale
        | StoreError::WrongState
        | StoreError::Rule(_)
        | StoreError::UploadsUnavailable
        | StoreError::AlreadyRated => StoreError::Db(why),
        StoreError::Unavailable(_) => StoreError::Unavailable(why),
    }
}

async fn batch(
    conn: &sea_orm::DatabaseConnection,
    backend: crate::db::Backend,
    jobs: &[Job],
) -> std::result::Result<Vec<dossier::Model>, Failed> {
    let txn = crate::db::begin_write_on(conn, backend)
        .await
        .map_err(Failed::Piece)?;
    let mut out = Vec::with_capacity(jobs.len());
    for j in jobs {
        match (j.work)(&txn).await {
            Ok(m) => out.push(m),
            Err(e) => {
                let _ = txn.rollback().await;
                return Err(Failed::Piece(e));
            }
        }
    }
    txn.commit().await.map_err(|e| Failed::Commit(e.into()))?;
    Ok(out)
}

async fn alone(
    conn: &sea_orm::DatabaseConnection,
    backend: crate::db::Backend,
    j: &Job,
) -> Result<dossier::Model> {
    let txn = crate::db::begin_write_on(conn, backend).await?;
    match (j.work)(&txn).await {
        Ok(m) => {
            txn.commit().await?;
            Ok(m)
        }
        Err(e) => {
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}
