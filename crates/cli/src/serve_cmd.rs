//! `motcua serve`: the server, with migrations and the demo when asked, until a signal stops it.

use super::*;
use anyhow::Context;

pub(crate) async fn serve(
    no_migrate: bool,
    with_demo: bool,
    config: Config,
) -> Result<(), Failure> {
    // `serve --no-migrate` runs on a database set up before (several nodes, one migration).
    let db = if no_migrate {
        connect(&config).await?
    } else {
        create_or_open(&config).await?
    };
    if !no_migrate {
        let n = migrate(&db).await?;
        if n > 0 {
            tracing::info!(migrations = n, "applied pending migrations");
        }
    }
    if with_demo && motcua_store::org::agencies(db.conn()).await?.is_empty() {
        demo::load(&db, &config, &run_id()).await?;
    }
    tracing::info!(backend = db.backend().as_str(), "database ready");
    let app = motcua_web::Application::bind(config.clone(), db)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = app.addr().context("no local address")?;
    println!("motcua listening on http://{addr}");
    app.run_until(shutdown_signal())
        .await
        .context("server stopped with an error")?;
    Ok(())
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
