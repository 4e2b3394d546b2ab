//! The dossier counts behind the Decision 766 index (`motcua_domain::index766`), per receiving
//! unit, read from the dossiers and their resolution events of a period.

use crate::db::{Backend, Db};
use crate::error::Result;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A unit's dossier counts for a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitCounts {
    /// Received in the period (an online filing counts when it is filed).
    pub received: i64,
    pub received_online: i64,
    /// Of those, every filed component carries at least one file (indicator 4.2; a resolution
    /// always carries its result document: `web::dossier` refuses one without it).
    pub digitised: i64,
    /// Procedures with at least one online filing in the period (indicator 3.2).
    pub procedures_online: BTreeSet<String>,
    /// Resolved in the period: early or on time, late, rated "not satisfied" (5.4), and the
    /// working seconds they took (2.2). Each resolution carries its result document (4.1).
    pub resolved: i64,
    pub resolved_in_time: i64,
    pub resolved_disliked: i64,
    pub working_seconds: i64,
    /// Still being processed at `now` (only counted when the period contains `now`), and of
    /// those past their due time (indicator 2.1 counts both).
    pub open: i64,
    pub open_overdue: i64,
}

/// The SQL test for "a component without any file", on the dossier's `components` JSON (written
/// compactly by `dossier::file`: `{"code":…,"upload_ids":[…]}`).
const UNDIGITISED: &str = "%\"upload_ids\":[]%";

/// Counts per receiving unit for `[from, to)`; `now` decides the open dossiers.
pub async fn unit_counts(
    db: &Db,
    agency_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    dislike_at_most: i16,
) -> Result<BTreeMap<Uuid, UnitCounts>> {
    let p = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let run = |sql: String, values: Vec<sea_orm::Value>| {
        db.conn().query_all_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            values,
        ))
    };
    let mut out: BTreeMap<Uuid, UnitCounts> = BTreeMap::new();
    // Received in the period (state 1 is an online filing not yet received: it counts as filed).
    let sql = format!(
        "SELECT d.unit_id AS u, d.procedure_code AS code, d.channel AS channel, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(COALESCE(SUM(CASE WHEN d.components NOT LIKE '{UNDIGITISED}' \
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS digitised \
         FROM dossier d WHERE d.agency_id = {} AND d.received_at >= {} AND d.received_at < {} \
         GROUP BY d.unit_id, d.procedure_code, d.channel",
        p(1),
        p(2),
        p(3)
    );
    for r in run(sql, vec![agency_id.into(), from.into(), to.into()]).await? {
        let u: Uuid = r.try_get("", "u")?;
        let code: String = r.try_get("", "code")?;
        let channel: String = r.try_get("", "channel")?;
        let n: i64 = r.try_get("", "n")?;
        let digitised: i64 = sum(&r, "digitised")?;
        let c = out.entry(u).or_default();
        c.received += n;
        c.digitised += digitised;
        if channel == "online" {
            c.received_online += n;
            c.procedures_online.insert(code);
        }
    }
    // Resolved in the period.
    let sql = format!(
        "SELECT d.unit_id AS u, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(COALESCE(SUM(CASE WHEN d.outcome IN ('early', 'on_time') THEN 1 ELSE 0 END), 0) AS BIGINT) AS in_time, \
         CAST(COALESCE(SUM(CASE WHEN d.rating IS NOT NULL AND d.rating <= {} THEN 1 ELSE 0 END), 0) AS BIGINT) AS disliked, \
         CAST(COALESCE(SUM(COALESCE(d.working_seconds_used, 0)), 0) AS BIGINT) AS seconds \
         FROM dossier d WHERE d.agency_id = {} AND d.resolved_at >= {} AND d.resolved_at < {} \
         GROUP BY d.unit_id",
        p(1),
        p(2),
        p(3),
        p(4)
    );
    let values = vec![
        i32::from(dislike_at_most).into(),
        agency_id.into(),
        from.into(),
        to.into(),
    ];
    for r in run(sql, values).await? {
        let u: Uuid = r.try_get("", "u")?;
        let c = out.entry(u).or_default();
        c.resolved += r.try_get::<i64>("", "n")?;
        c.resolved_in_time += sum(&r, "in_time")?;
        c.resolved_disliked += sum(&r, "disliked")?;
        c.working_seconds += sum(&r, "seconds")?;
    }
    // Open now, received before the period's end (received, processing, waiting for a
    // supplement or for fees).
    if from <= now && now < to {
        let sql = format!(
            "SELECT d.unit_id AS u, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(COALESCE(SUM(CASE WHEN (d.state IN (2, 4, 6) AND d.due_at < {}) \
             OR (d.state = 5 AND d.paused_at > d.due_at) THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue \
             FROM dossier d WHERE d.agency_id = {} AND d.state IN (2, 4, 5, 6) \
             AND d.received_at < {} GROUP BY d.unit_id",
            p(1),
            p(2),
            p(3)
        );
        for r in run(sql, vec![now.into(), agency_id.into(), to.into()]).await? {
            let u: Uuid = r.try_get("", "u")?;
            let c = out.entry(u).or_default();
            c.open += r.try_get::<i64>("", "n")?;
            c.open_overdue += sum(&r, "overdue")?;
        }
    }
    Ok(out)
}

fn sum(r: &sea_orm::QueryResult, col: &str) -> Result<i64> {
    Ok(r.try_get::<i64>("", col)?)
}
