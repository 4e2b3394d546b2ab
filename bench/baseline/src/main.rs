//! A minimal axum server answering `GET /healthz` with "ok": the ceiling for motcua's read
//! endpoints on this machine (same runtime, same HTTP stack, no middleware, no database).
#![forbid(unsafe_code)]

use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18081".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = Router::new().route("/healthz", get(|| async { "ok" }));
    axum::serve(listener, app).await
}
