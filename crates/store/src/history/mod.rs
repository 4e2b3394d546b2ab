//! A generated history of dossiers, for demonstrations and benchmarks at scale (issue 6):
//! `motcua demo --dossiers N --years Y --seed S`.
//!
//! The history is deterministic for a seed and a clock, and shaped like a ministry's real one:
//! - procedure popularity is skewed (Zipf: the few most used procedures take most dossiers);
//! - the volume grows year on year, dips in the Tết months and peaks in December;
//! - the channel mix moves from the counter to online over the period, with a postal share where the
//!   procedure accepts postal receipt (the plan's T7.4–T7.6);
//! - processing times are drawn against each procedure's legal time on the working calendar, with
//!   supplement requests (one at most, Decree 61/2018 art. 15), extensions with an apology (art. 19.3),
//!   late results that become rarer over the years, refusals, withdrawals and stops, ratings;
//! - results go back on the applicant's channel, postal returns included (T7.7).
//!
//! Every event goes through the domain's state machine ([`motcua_domain::dossier::state::apply`]), is
//! acted by a role that may act it (Decree 61/2018 art. 8, [`motcua_domain::dossier::roles`]), and
//! moves the same statistics counters as a live event; outcomes are judged by the same
//! [`motcua_domain::dossier::assess`]. Events after the clock are not written: the most recent
//! dossiers are open, some of them overdue.
//!
//! Writing: chunks of dossiers, each in one write transaction with its events, counters, daily
//! sequence numbers and one audit entry naming the chunk and the seed. Generation runs on its own
//! thread while the previous chunk is written. Dossiers carry the idempotency key
//! `generated:{seed}:{n}`, so a second run with the same seed is recognised and skipped.

use crate::audit::{self, AuditCtx, Change};
use crate::entity::{agency, unit};
use crate::error::Result;
use crate::{Backend, Db, StoreError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use motcua_domain::account::Role;
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::code::{DossierCode, LOOKUP_LEN, lookup_code};
use motcua_domain::dossier::roles::may_act;
use motcua_domain::dossier::state::{Action, DossierState, Facts, apply};
use motcua_domain::dossier::stats::{Counter, EventKind, counters};
use motcua_domain::dossier::{Outcome, Pause, Progress, Timeline, assess, check_extension};
use motcua_domain::org::OrganId;
use motcua_domain::time::{from_local, to_local};
use sea_orm::{ConnectionTrait, EntityTrait, Statement, Value};
use serde_json::json;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

mod life;
mod people;
mod rows;
mod write;

use life::*;
use people::*;
use rows::*;
use write::*;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub dossiers: u64,
    /// The history covers this many years up to `now`.
    pub years: u32,
    pub seed: u64,
    /// The clock: the history covers the days before this one; events after its midnight are not
    /// written (those dossiers are open).
    pub now: DateTime<Utc>,
    /// Dossiers per write transaction.
    pub chunk: usize,
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub dossiers: u64,
    pub events: u64,
    pub open: u64,
    /// Set when the same seed had already been generated: nothing was written.
    pub already_present: bool,
}

async fn raw(db: &Db, sql: &str, values: Vec<Value>) -> Result<Vec<sea_orm::QueryResult>> {
    Ok(db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            values,
        ))
        .await?)
}

/// Whether the history of `seed` is already in the database.
pub async fn present(db: &Db, seed: u64) -> Result<bool> {
    let sql = match db.backend() {
        Backend::Postgres => "SELECT 1 AS one FROM dossier WHERE idempotency_key = $1 LIMIT 1",
        Backend::Sqlite => "SELECT 1 AS one FROM dossier WHERE idempotency_key = ?1 LIMIT 1",
    };
    Ok(!raw(db, sql, vec![format!("generated:{seed}:0").into()])
        .await?
        .is_empty())
}

/// Generate and write the history into the database at `url` (the one `db` is connected to).
/// `progress` is called with the number of dossiers written.
pub async fn generate(
    db: &Db,
    url: &str,
    cal: &WorkingCalendar,
    opts: &Options,
    request_id: &str,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report> {
    if opts.dossiers == 0 {
        return Ok(Report::default());
    }
    if present(db, opts.seed).await? {
        return Ok(Report {
            already_present: true,
            ..Report::default()
        });
    }
    let procs = load_procs(db).await?;
    if procs.is_empty() {
        return Err(StoreError::Conflict(
            "no published procedure to generate dossiers for".into(),
        ));
    }
    let backend = db.backend();
    let mut sequences = HashMap::new();
    for r in raw(
        db,
        "SELECT agency_id, day, last FROM dossier_sequence",
        vec![],
    )
    .await?
    {
        let a: Uuid = r.try_get("", "agency_id")?;
        let day: String = r.try_get("", "day")?;
        let last: i32 = r.try_get("", "last")?;
        sequences.insert((a, day), u32::try_from(last).unwrap_or(0));
    }
    // The history ends at the start of the clock's day, so that a seed gives the same history all
    // day long.
    let now = to_local(opts.now).date().and_time(NaiveTime::MIN);
    let to = now.date() - Duration::days(1);
    let from = to
        .with_year(to.year() - i32::try_from(opts.years.max(1)).unwrap_or(1))
        .unwrap_or(to - Duration::days(365));
    let days = day_weights(cal, from, to);
    let total_w: f64 = days.iter().map(|(_, w)| w).sum();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let cal2 = cal.clone();
    let sqlite_text = backend == Backend::Sqlite;
    let opts2 = opts.clone();
    let generator = std::thread::spawn(move || {
        // Zipf popularity over a seeded order of the procedures.
        let mut rng = Rng(opts2.seed ^ 0x6D6F_7463_7561);
        let mut order: Vec<usize> = (0..procs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut procs_sorted: Vec<Option<Proc>> = procs.into_iter().map(Some).collect();
        let procs: Vec<Proc> = order
            .iter()
            .filter_map(|i| procs_sorted[*i].take())
            .collect();
        let mut cum = Vec::with_capacity(procs.len());
        let mut acc = 0.0;
        for r in 0..procs.len() {
            acc += 1.0 / ((r + 1) as f64).powf(1.1);
            cum.push(acc);
        }
        let mut g = Gen {
            cal: &cal2,
            procs,
            cum,
            rng,
            seed: opts2.seed,
            now,
            sequences,
            text: sqlite_text,
            family: nfc(FAMILY),
            middle: nfc(MIDDLE),
            given: nfc(GIVEN),
            firm: nfc(FIRM),
            place: nfc(PLACE),
        };
        let per_day = g.cal.hours().per_day_seconds();
        let new_chunk = || Chunk {
            dossiers: Vec::new(),
            n_dossiers: 0,
            events: Vec::new(),
            n_events: 0,
            open: 0,
            stats: HashMap::new(),
            sequences: Vec::new(),
            touched: Vec::new(),
            first: String::new(),
            last: String::new(),
        };
        let mut chunk = new_chunk();
        let mut n: u64 = 0;
        let mut cum_w = 0.0;
        let ndays = days.len().max(1);
        for (di, (day, w)) in days.iter().enumerate() {
            let before = (cum_w / total_w * opts2.dossiers as f64).round() as u64;
            cum_w += w;
            let after = (cum_w / total_w * opts2.dossiers as f64).round() as u64;
            let count = after.saturating_sub(before);
            let Ok(open_at) = g.cal.next_working_time(day.and_time(NaiveTime::MIN)) else {
                continue;
            };
            let mut offsets: Vec<u64> = (0..count)
                .map(|_| g.rng.below(u64::from(per_day)))
                .collect();
            offsets.sort_unstable();
            let frac = di as f64 / ndays as f64;
            for off in offsets {
                let received = work(g.cal, open_at, off);
                if received > now {
                    continue;
                }
                let d = g.dossier(received, frac);
                let rec = d.events.first().map_or(received, |e| e.at);
                g.emit(d, rec, n, &mut chunk);
                n += 1;
                if chunk.n_dossiers >= opts2.chunk {
                    g.close(&mut chunk);
                    if tx
                        .blocking_send(std::mem::replace(&mut chunk, new_chunk()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        if chunk.n_dossiers > 0 {
            g.close(&mut chunk);
            let _ = tx.blocking_send(chunk);
        }
    });
    let ctx = AuditCtx::system(request_id);
    // The generation is one audited change: recorded before the first chunk is written (chunks
    // are committed one by one; the entry names the seed, so a partial run can be identified).
    {
        let txn = db.begin_write().await?;
        audit::append(
            db,
            &txn,
            &ctx,
            Change {
                action: "dossier.generate",
                object_type: "dossier",
                object_id: format!("generated:{}", opts.seed),
                before: serde_json::Value::Null,
                after: json!({ "dossiers": opts.dossiers, "seed": opts.seed, "years": opts.years, "until": opts.now }),
            },
        )
        .await?;
        txn.commit().await?;
    }
    let mut report = Report::default();
    let mut cache = HashMap::new();
    let stat_cols: Vec<&str> = ["agency_id", "unit_id", "procedure_code", "month", "channel"]
        .into_iter()
        .chain(Counter::ALL.iter().map(|c| c.column()))
        .collect();
    let stat_suffix = format!(
        " ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) DO UPDATE SET {}",
        Counter::ALL
            .iter()
            .map(|c| format!("{0} = dossier_stat.{0} + excluded.{0}", c.column()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let seq_suffix = " ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last";
    let stat_sql = format!(
        "INSERT INTO dossier_stat ({}) VALUES {{}}{stat_suffix}",
        stat_cols.join(", ")
    );
    let seq_sql = "INSERT INTO dossier_sequence (agency_id, day, last) VALUES {} ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last";
    let mut sqlite = match backend {
        Backend::Sqlite => Some(SqliteSink::open(url)?),
        Backend::Postgres => None,
    };
    while let Some(chunk) = rx.recv().await {
        if let Some(sink) = sqlite.as_mut() {
            let (n_d, n_e, open) = (chunk.n_dossiers, chunk.n_events, chunk.open);
            tokio::task::block_in_place(|| sink.write(chunk, &stat_sql, seq_sql))?;
            report.dossiers += n_d as u64;
            report.events += n_e as u64;
            report.open += open;
            progress(report.dossiers);
            continue;
        }
        let txn = db.begin_write().await?;
        let n_d = chunk.n_dossiers;
        let n_e = chunk.n_events;
        insert_rows(
            &txn,
            backend,
            "dossier",
            DOSSIER_COLS,
            chunk.dossiers,
            DOSSIER_ROWS,
            "",
            &mut cache,
        )
        .await?;
        insert_rows(
            &txn,
            backend,
            "dossier_event",
            EVENT_COLS,
            chunk.events,
            EVENT_ROWS,
            "",
            &mut cache,
        )
        .await?;
        let mut stats: Vec<Value> = Vec::with_capacity(chunk.stats.len() * 19);
        for ((a, u, p, m, c), v) in chunk.stats {
            stats.extend([a.into(), u.into(), p.into(), m.into(), c.to_owned().into()]);
            stats.extend(v.iter().map(|x| Value::from(*x)));
        }
        insert_rows(
            &txn,
            backend,
            "dossier_stat",
            &stat_cols,
            stats,
            STAT_ROWS,
            &stat_suffix,
            &mut cache,
        )
        .await?;
        let mut seqs: Vec<Value> = Vec::new();
        for (a, day, last) in chunk.sequences {
            seqs.extend([a.into(), day.into(), (last as i32).into()]);
        }
        insert_rows(
            &txn,
            backend,
            "dossier_sequence",
            &["agency_id", "day", "last"],
            seqs,
            STAT_ROWS,
            seq_suffix,
            &mut cache,
        )
        .await?;
        txn.commit().await?;
        if backend == Backend::Sqlite {
            db.conn()
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        report.dossiers += n_d as u64;
        report.events += n_e as u64;
        report.open += chunk.open;
        progress(report.dossiers);
    }
    generator
        .join()
        .map_err(|_| StoreError::Conflict("the history generator stopped".into()))?;
    let analyze: &[&str] = match backend {
        Backend::Sqlite => &["PRAGMA analysis_limit = 1000", "ANALYZE"],
        // After a bulk load PostgreSQL's autovacuum would visit every new page at some later
        // moment (and compete with the load served then); vacuuming now sets the visibility map
        // (index-only scans) and the statistics at once.
        Backend::Postgres => &["VACUUM (ANALYZE) dossier, dossier_event, dossier_stat"],
    };
    for sql in analyze {
        db.conn().execute_unprepared(sql).await?;
    }
    Ok(report)
}
