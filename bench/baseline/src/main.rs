//! The limits beside motcua's figures, measured in the same run on the same machine (issue 6):
//!
//! - `motcua-bench-baseline [ADDR]`: a minimal axum server answering `GET /healthz` with "ok" — the
//!   ceiling for motcua's read endpoints (same runtime, same HTTP stack, no middleware, no database);
//! - `motcua-bench-baseline ADDR DATABASE_URL`: the same server answering `POST /insert` with a
//!   durable insert of a row the size of a filed dossier (about 1 KB with its event), with the
//!   database settings motcua uses (SQLite: WAL, `synchronous = FULL`; PostgreSQL: default
//!   `synchronous_commit = on`) and the same group commit (one writer, up to 256 requests per
//!   transaction, each answered after its commit) — the ceiling for durable online filing.
#![forbid(unsafe_code)]

use axum::{Router, http::StatusCode, routing::get, routing::post};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait,
    Value,
};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};

type Job = oneshot::Sender<bool>;

static NEXT: AtomicU64 = AtomicU64::new(0);

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO limit_row (id, code, body, at) VALUES ($1, $2, $3, now())"
        }
        _ => "INSERT INTO limit_row (id, code, body, at) VALUES (?1, ?2, ?3, datetime('now'))",
    };
    let body = "x".repeat(900);
    let mut batch: Vec<Job> = Vec::with_capacity(256);
    while rx.recv_many(&mut batch, 256).await > 0 {
        let ok = async {
            let txn = db.begin().await?;
            for _ in &batch {
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let values: Vec<Value> = vec![
                    (n as i64).into(),
                    format!("000.00.00.G22-261126-{n:06}").into(),
                    body.clone().into(),
                ];
                txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?;
            }
            txn.commit().await
        }
        .await
        .is_ok();
        for job in batch.drain(..) {
            let _ = job.send(ok);
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:18081".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let mut app = Router::new().route("/healthz", get(|| async { "ok" }));
    if let Some(url) = args.next() {
        let mut opts = ConnectOptions::new(&url);
        opts.max_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await?;
        let create = if url.starts_with("sqlite") {
            db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
            db.execute_unprepared("PRAGMA synchronous = FULL").await?;
            "CREATE TABLE IF NOT EXISTS limit_row (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL, at TEXT NOT NULL)"
        } else {
            "CREATE TABLE IF NOT EXISTS limit_row (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)"
        };
        db.execute_unprepared("DROP TABLE IF EXISTS limit_row")
            .await?;
        db.execute_unprepared(create).await?;
        let (tx, rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(writer(db, rx));
        app = app.route(
            "/insert",
            post(move || {
                let tx = tx.clone();
                async move {
                    let (done, wait) = oneshot::channel();
                    if tx.send(done).await.is_err() {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    match wait.await {
                        Ok(true) => StatusCode::CREATED,
                        _ => StatusCode::SERVICE_UNAVAILABLE,
                    }
                }
            }),
        );
    }
    axum::serve(listener, app).await?;
    Ok(())
}
