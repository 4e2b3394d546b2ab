//! `motcua catalog import FILE` and `motcua catalog export`: the catalogue as CSV, XLSX or JSON
//! (layout in docs/CATALOG-FORMAT.md). Imports are all or nothing and show their progress.

use crate::Failure;
use motcua_render::catalog_sheet::{Entry, Format, read, write};
use motcua_store::catalog::{self, ImportError, VersionInput};
use motcua_store::{AuditCtx, Db};
use std::io::Write;

fn format_of(explicit: Option<&str>, path: Option<&str>) -> Result<Format, Failure> {
    match (explicit, path) {
        (Some(f), _) => Format::parse(f)
            .ok_or_else(|| Failure::input(format!("--format: «{f}» is not csv, xlsx or json"))),
        (None, Some(p)) => Format::of_path(p).ok_or_else(|| {
            Failure::input(format!(
                "{p}: cannot tell the format from the name; use --format csv|xlsx|json"
            ))
        }),
        (None, None) => Ok(Format::Csv),
    }
}

/// A progress bar on standard error: `[#########...........] 4250/10000`.
pub fn progress_bar(total: usize) -> impl Fn(usize) + Sync {
    move |done: usize| {
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total}",
            "#".repeat(filled),
            ".".repeat(width - filled)
        );
        if done >= total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

pub async fn import(
    db: &Db,
    run_id: &str,
    path: &str,
    format: Option<&str>,
) -> Result<(), Failure> {
    let format = format_of(format, Some(path))?;
    let bytes = std::fs::read(path).map_err(|e| Failure::input(format!("{path}: {e}")))?;
    let entries = match read(&bytes, format) {
        Ok(e) => e,
        Err(rows) => {
            let mut msg = format!("{path}: {} problem(s); nothing was imported", rows.len());
            for r in &rows {
                msg.push_str(&format!(
                    "\n  dòng {}, cột {}: {}",
                    r.row,
                    if r.column.is_empty() { "-" } else { &r.column },
                    r.message
                ));
            }
            return Err(Failure::input(msg));
        }
    };
    let inputs: Vec<VersionInput> = entries
        .into_iter()
        .map(|e| VersionInput {
            data: e.data,
            status: e.status,
            publication: e.publication,
        })
        .collect();
    let bar = progress_bar(inputs.len());
    match catalog::import(db, &AuditCtx::system(run_id), &inputs, &bar).await {
        Ok(r) => {
            println!(
                "imported {}: {} new procedure(s), {} new version(s), {} draft(s) updated, {} unchanged",
                r.total, r.created, r.new_versions, r.updated_drafts, r.unchanged
            );
            Ok(())
        }
        Err(ImportError::UnknownAgency(list)) => Err(Failure::input(format!(
            "{path}: unknown agency OrganId(s): {}; nothing was imported",
            list.iter()
                .map(|(_, o)| o.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        Err(ImportError::AgencyChanged(list)) => Err(Failure::input(format!(
            "{path}: procedure(s) already belonging to another agency: {}; nothing was imported",
            list.iter()
                .map(|(_, c)| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

pub async fn export(db: &Db, format: Option<&str>, out: Option<&str>) -> Result<(), Failure> {
    let format = format_of(format, out)?;
    let versions = catalog::all_latest(db.conn()).await?;
    let entries = versions
        .iter()
        .map(|v| {
            catalog::version_input(v).map(|i| Entry {
                status: i.status,
                publication: i.publication,
                data: i.data,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = write(&entries, format).map_err(|e| Failure {
        code: 1,
        message: e,
    })?;
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| Failure {
                code: 1,
                message: format!("{path}: {e}"),
            })?;
            eprintln!("exported {} procedure(s) to {path}", entries.len());
        }
        None if format == Format::Xlsx => return Err(Failure::input("XLSX needs --out FILE")),
        None => {
            std::io::stdout().write_all(&bytes).map_err(|e| Failure {
                code: 1,
                message: e.to_string(),
            })?;
        }
    }
    Ok(())
}
