//! Group commit for the busiest writes (dossier filings and actions).
//!
//! Every acknowledged write must be on disk (`synchronous=FULL` on SQLite, `fsync` at commit on
//! PostgreSQL), and one sync costs more than the work of a filing. Writers therefore queue their
//! work here; one task per database takes what has queued up (at most [`MAX_BATCH`]), runs each
//! piece inside its own savepoint of one transaction, commits once, and only then answers each
//! caller. A piece that fails is rolled back to its savepoint and answered with its error; the
//! others are unaffected. If the commit fails, every caller of the batch gets the error: nothing
//! was acknowledged that is not on disk, and nothing half-written remains (the transaction is
//! all or nothing).
//!
//! Under light load a batch holds one piece and costs what a direct transaction costs; under heavy
//! load the batch grows while the previous commit syncs, which is what lets one SQLite writer reach
//! thousands of durable filings per second.

use crate::db::Db;
use crate::entity::dossier;
use crate::error::{Result, StoreError};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Most pieces of work in one transaction.
pub const MAX_BATCH: usize = 256;

type Work = Box<
    dyn for<'t> FnOnce(
            &'t DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<dossier::Model>> + Send + 't>>
        + Send,
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
        tokio::spawn(run(db.conn().clone(), db.backend(), rx));
        Self { tx }
    }

    /// Run `work` in the next batch; the answer comes after the batch is committed.
    pub async fn submit<F>(&self, work: F) -> Result<dossier::Model>
    where
        F: for<'t> FnOnce(
                &'t DatabaseTransaction,
            )
                -> Pin<Box<dyn Future<Output = Result<dossier::Model>> + Send + 't>>
            + Send
            + 'static,
    {
        let (answer, rx) = oneshot::channel();
        self.tx
            .send(Job {
                work: Box::new(work),
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
        let txn = match crate::db::begin_write_on(&conn, backend).await {
            Ok(t) => t,
            Err(e) => {
                let msg = e.to_string();
                for j in jobs {
                    let _ = j
                        .answer
                        .send(Err(StoreError::Unavailable(sea_orm::DbErr::Custom(
                            msg.clone(),
                        ))));
                }
                continue;
            }
        };
        let mut results = Vec::with_capacity(jobs.len());
        let mut answers = Vec::with_capacity(jobs.len());
        for j in jobs {
            answers.push(j.answer);
            let outcome = match txn.begin().await {
                Ok(sp) => {
                    let done = (j.work)(&sp).await;
                    match done {
                        Ok(m) => sp.commit().await.map(|()| m).map_err(StoreError::from),
                        Err(e) => {
                            // This piece only: back to its savepoint.
                            let _ = sp.rollback().await;
                            Err(e)
                        }
                    }
                }
                Err(e) => Err(StoreError::from(e)),
            };
            results.push(outcome);
        }
        match txn.commit().await {
            Ok(()) => {
                for (a, r) in answers.into_iter().zip(results) {
                    let _ = a.send(r);
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for a in answers {
                    let _ = a.send(Err(StoreError::Unavailable(sea_orm::DbErr::Custom(
                        msg.clone(),
                    ))));
                }
            }
        }
    }
}
