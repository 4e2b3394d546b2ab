//! `motcua backup --out FILE` and `motcua restore --from FILE`: a consistent copy of the database
//! while it serves, and its restore into an empty database, judged by its audit chain and counts.
//!
//! SQLite: `VACUUM INTO` (one snapshot; writers go on), the file is a SQLite database. PostgreSQL:
//! `pg_dump --format=custom` reading the snapshot in which the counts were taken
//! (`--snapshot`), restored by `pg_restore --single-transaction --exit-on-error`. For point-in-time
//! recovery on PostgreSQL use the server's base backups and WAL archive (`pg_basebackup`,
//! `archive_command`; README, "Backups"). The signing keys' passphrase (`signing_key_passphrase` or
//! the file `signing_key_file`) is not in the database, so not in a backup: keep it apart, or the
//! restored keys cannot sign.

use crate::{Failure, connect};
use motcua_app::Config;
use motcua_store::backup::{self, Counts};
use motcua_store::{Backend, Db, DbOptions, migration};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the backup file is, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    PgDump,
}

fn kind_of(file: &Path) -> Result<Kind, Failure> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file)
        .map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
    let n = f.read(&mut head).unwrap_or(0);
    if n == 16 && &head == b"SQLite format 3\0" {
        Ok(Kind::Sqlite)
    } else if n >= 5 && &head[..5] == b"PGDMP" {
        Ok(Kind::PgDump)
    } else {
        Err(Failure::input(format!(
            "{}: không phải bản sao lưu của motcua / not a motcua backup (a SQLite file or a pg_dump archive)",
            file.display()
        )))
    }
}

/// `path` with `.partial` added, written first and renamed when complete.
fn partial(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

/// Makes a rename durable: the folder's entry is synced.
fn sync_parent(path: &Path) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        code: 1,
        message: format!("{what}: {e}"),
    }
}

/// A tool of PostgreSQL's client (pg_dump, pg_restore), run to completion.
fn pg_tool(name: &str, args: &[&str]) -> Result<(), Failure> {
    let out = Command::new(name).args(args).output().map_err(|e| {
        failed(
            name,
            format!("{e} (install postgresql-client: apt-get install postgresql-client)"),
        )
    })?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(failed(
        name,
        err.lines().next().unwrap_or("failed").to_owned(),
    ))
}

fn summary(counts: &Counts) -> String {
    format!(
        "{} dossiers, {} events, {} documents, {} accounts, {} procedures, {} uploads, {} audit entries",
        counts.dossiers,
        counts.dossier_events,
        counts.documents,
        counts.accounts,
        counts.procedures,
        counts.uploads,
        counts.audit_entries
    )
}

/// `motcua backup --out FILE [--json]`.
pub async fn backup(config: &Config, out: &Path, as_json: bool) -> Result<(), Failure> {
    if out.exists() {
        return Err(Failure::input(format!(
            "{}: tệp đã có, hãy chọn tên khác / the file exists: choose a new name",
            out.display()
        )));
    }
    let db = connect(config).await?;
    let tmp = partial(out);
    let _ = std::fs::remove_file(&tmp);
    let made = match db.backend() {
        Backend::Sqlite => sqlite_backup(&db, &tmp).await,
        Backend::Postgres => pg_backup(config, &db, &tmp).await,
    };
    let counts = match made {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, out))
        .map_err(|e| failed(&out.display().to_string(), e))?;
    sync_parent(out);
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    if as_json {
        println!(
            "{}",
            json!({"file": out.display().to_string(), "bytes": bytes, "counts": counts})
        );
    } else {
        println!("{}: {bytes} bytes; {}", out.display(), summary(&counts));
    }
    Ok(())
}

async fn sqlite_backup(db: &Db, tmp: &Path) -> Result<Counts, Failure> {
    backup::sqlite_copy(db, tmp).await?;
    // The counts of the copy itself: what a restore will hold.
    let copy = Db::connect(
        &format!("sqlite://{}", tmp.display()),
        &DbOptions {
            max_connections: 1,
            create: false,
            ..DbOptions::default()
        },
    )
    .await?;
    let counts = backup::counts(copy.conn()).await?;
    copy.close().await?;
    Ok(counts)
}

async fn pg_backup(config: &Config, db: &Db, tmp: &Path) -> Result<Counts, Failure> {
    let (txn, snapshot, counts) = backup::pg_snapshot(db).await?;
    let file = tmp.display().to_string();
    let url = config.database_url.clone();
    // pg_dump reads the exported snapshot while this transaction holds it open.
    let dumped = tokio::task::spawn_blocking(move || {
        pg_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                &format!("--snapshot={snapshot}"),
                &format!("--file={file}"),
                &format!("--dbname={url}"),
            ],
        )
    })
    .await
    .map_err(|e| failed("pg_dump", e))?;
    txn.commit().await.map_err(|e| failed("pg_dump", e))?;
    dumped?;
    Ok(counts)
}

/// `motcua restore --from FILE [--json]`: into an empty database only; then the pending
/// migrations (a backup of an older release), the audit chain and the counts.
pub async fn restore(config: &Config, from: &Path, as_json: bool) -> Result<(), Failure> {
    let kind = kind_of(from)?;
    let url = &config.database_url;
    let not_empty = || {
        Failure::input(format!(
            "cơ sở dữ liệu {} đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống / the database \
             holds data: restore only into an empty one",
            motcua_app::config::redact_url(url)
        ))
    };
    match (motcua_store::db::sqlite_file(url), kind) {
        (Some(path), Kind::Sqlite) => {
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
                return Err(not_empty());
            }
            // A journal left beside the path by a database removed without it would be replayed
            // onto the restored file by SQLite's first open, and corrupt it.
            for suffix in ["-wal", "-shm", "-journal"] {
                let mut side = path.as_os_str().to_owned();
                side.push(suffix);
                let side = PathBuf::from(side);
                if side.exists() {
                    return Err(Failure::input(format!(
                        "{}: tệp nhật ký của một cơ sở dữ liệu cũ còn đó; hãy chuyển nó đi rồi khôi phục \
                         / a journal of an earlier database is still there: move it away, then restore",
                        side.display()
                    )));
                }
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| failed(&dir.display().to_string(), e))?;
            }
            let tmp = partial(&path);
            std::fs::copy(from, &tmp)
                .and_then(|_| std::fs::File::open(&tmp))
                .and_then(|f| f.sync_all())
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    failed(&path.display().to_string(), e)
                })?;
            sync_parent(&path);
        }
        (None, Kind::PgDump) => {
            let db = Db::connect(
                url,
                &DbOptions {
                    max_connections: 1,
                    create: false,
                    ..DbOptions::default()
                },
            )
            .await
            .map_err(|e| {
                Failure::no_database(format!(
                    "không mở được cơ sở dữ liệu / cannot open the database {}: {}",
                    motcua_app::config::redact_url(url),
                    anyhow::Error::new(e).root_cause()
                ))
            })?;
            let empty = backup::is_empty(&db).await?;
            db.close().await?;
            if !empty {
                return Err(not_empty());
            }
            let file = from.display().to_string();
            let url = url.clone();
            tokio::task::spawn_blocking(move || {
                pg_tool(
                    "pg_restore",
                    &[
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                        &format!("--dbname={url}"),
                        &file,
                    ],
                )
            })
            .await
            .map_err(|e| failed("pg_restore", e))??;
        }
        (Some(_), Kind::PgDump) | (None, Kind::Sqlite) => {
            return Err(Failure::input(format!(
                "{}: bản sao lưu của hệ quản trị khác / a backup of the other backend (SQLite \
                 backups restore into SQLite, pg_dump archives into PostgreSQL)",
                from.display()
            )));
        }
    }
    let db = Db::connect(
        &config.database_url,
        &DbOptions {
            create: false,
            ..DbOptions::default()
        },
    )
    .await?;
    let migrated = migration::apply_pending(&db).await?;
    let verified = match motcua_store::audit::verify(&db).await {
        Ok(n) => n,
        Err(motcua_store::audit::VerifyError::Broken(b)) => {
            return Err(Failure {
                code: 1,
                message: format!(
                    "restored, but the audit chain is broken at entry {}: {b}",
                    b.seq()
                ),
            });
        }
        Err(motcua_store::audit::VerifyError::Store(e)) => return Err(e.into()),
    };
    let counts = backup::counts(db.conn()).await?;
    if as_json {
        println!(
            "{}",
            json!({"restored_from": from.display().to_string(), "migrations_applied": migrated,
                   "audit_entries_verified": verified, "counts": counts})
        );
    } else {
        println!(
            "restored {}: audit chain intact ({verified} entries verified); {}",
            from.display(),
            summary(&counts)
        );
    }
    Ok(())
}
