//! Opening the configured database: created on first use only by the commands that set one up,
//! otherwise found as it is, with the current schema, or refused with exit code 3.

use crate::Failure;
use anyhow::Context;
use motcua_app::Config;
use motcua_store::migration;
use motcua_store::{Db, DbOptions};

/// Opens the configured database, creating a SQLite file and its folder on first use: only for
/// the commands that set a database up (`migrate`, `demo`, `serve`).
pub(crate) async fn create_or_open(config: &Config) -> Result<Db, Failure> {
    let options = DbOptions {
        max_connections: config.db_max_connections.max(1),
        ..DbOptions::default()
    };
    Db::connect(&config.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                motcua_app::config::redact_url(&config.database_url)
            )
        })
        .map_err(Failure::from)
}

/// The configured database as every command but `migrate`, `demo` and `serve` needs it: one that
/// exists, with motcua's schema, current. Otherwise the command stops with exit code 3 and one
/// line in Vietnamese and English saying what is missing and what to run — never a raw SQL error
/// — and nothing is created (a SQLite file that does not exist is not made).
pub(crate) async fn connect(config: &Config) -> Result<Db, Failure> {
    let url = &config.database_url;
    let shown = motcua_app::config::redact_url(url);
    if let Some(path) = motcua_store::db::sqlite_file(url)
        && !path.exists()
    {
        return Err(Failure::no_database(format!(
            "chưa có cơ sở dữ liệu tại {p}, hãy chạy `motcua migrate` hoặc `motcua demo` / \
             no database at {p}: run `motcua migrate` or `motcua demo` first",
            p = path.display()
        )));
    }
    let options = DbOptions {
        max_connections: config.db_max_connections.max(1),
        create: false,
        ..DbOptions::default()
    };
    let cannot_open = |e: &dyn std::fmt::Display| {
        Failure::no_database(format!(
            "không mở được cơ sở dữ liệu {shown} / cannot open the database {shown}: {e}"
        ))
    };
    let db = Db::connect(url, &options)
        .await
        .map_err(|e| cannot_open(anyhow::Error::new(e).root_cause()))?;
    match migration::inspect(&db).await {
        Err(e) => Err(cannot_open(anyhow::Error::new(e).root_cause())),
        Ok(None) | Ok(Some((0, _))) => Err(Failure::no_database(format!(
            "cơ sở dữ liệu {shown} chưa được khởi tạo, hãy chạy `motcua migrate` / \
             the database {shown} has no motcua schema: run `motcua migrate` first"
        ))),
        Ok(Some((_, pending))) if pending > 0 => Err(Failure::no_database(format!(
            "cơ sở dữ liệu {shown} còn {pending} bản cập nhật cấu trúc chưa áp dụng, hãy chạy \
             `motcua migrate` / the database {shown} is {pending} migration(s) behind: run \
             `motcua migrate` first"
        ))),
        Ok(Some(_)) => Ok(db),
    }
}
