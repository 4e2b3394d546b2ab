//! Yearly administrative-reform plans and their targets (the seed's T1.1–T7.7), and the raw
//! counts behind the dossier targets, read from the dossiers and their event log without the live
//! counters (`motcua scorecard verify` compares the two).

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{par_plan, par_target};
use crate::error::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    Statement,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub use par_plan::Model as Plan;
pub use par_target::Model as Target;

/// A target to store with a plan.
#[derive(Clone, Debug)]
pub struct NewTarget {
    pub target_id: String,
    pub field: String,
    pub text: String,
    pub threshold: f64,
    pub measure: String,
    pub source: String,
    pub responsible_unit_id: Option<Uuid>,
    pub weight: f64,
}

/// A plan with its targets.
#[derive(Clone, Debug)]
pub struct NewPlan {
    pub agency_id: Uuid,
    pub year: i32,
    pub title: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub direction: String,
    pub targets: Vec<NewTarget>,
}

/// Stores a plan and all its targets in one transaction (nothing half-saved); audited. A second
/// plan for the same agency and year is refused.
pub async fn create(db: &Db, ctx: &AuditCtx, new: NewPlan) -> Result<Plan> {
    if plan_of(db.conn(), new.agency_id, new.year).await?.is_some() {
        return Err(StoreError::Conflict("plan: one per agency and year".into()));
    }
    let txn = db.begin_write().await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let plan = par_plan::ActiveModel {
        id: Set(id),
        agency_id: Set(new.agency_id),
        year: Set(new.year),
        title: Set(new.title.clone()),
        decision_number: Set(new.decision_number.clone()),
        decision_date: Set(new.decision_date),
        direction: Set(new.direction.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    for (i, t) in new.targets.iter().enumerate() {
        par_target::ActiveModel {
            plan_id: Set(id),
            target_id: Set(t.target_id.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            field: Set(t.field.clone()),
            text: Set(t.text.clone()),
            threshold: Set(t.threshold),
            measure: Set(t.measure.clone()),
            source: Set(t.source.clone()),
            responsible_unit_id: Set(t.responsible_unit_id),
            weight: Set(t.weight),
        }
        .insert(&txn)
        .await?;
    }
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "plan.created",
            object_type: "par_plan",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"year": new.year, "title": new.title, "targets": new.targets.len()}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(plan)
}

/// The plan of an agency for a year.
pub async fn plan_of(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    year: i32,
) -> Result<Option<Plan>> {
    Ok(par_plan::Entity::find()
        .filter(par_plan::Column::AgencyId.eq(agency_id))
        .filter(par_plan::Column::Year.eq(year))
        .one(conn)
        .await?)
}

/// The years an agency has plans for, newest first.
pub async fn years(conn: &impl ConnectionTrait, agency_id: Uuid) -> Result<Vec<i32>> {
    Ok(par_plan::Entity::find()
        .filter(par_plan::Column::AgencyId.eq(agency_id))
        .order_by_desc(par_plan::Column::Year)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.year)
        .collect())
}

/// A plan's targets in the plan's order.
pub async fn targets(conn: &impl ConnectionTrait, plan_id: Uuid) -> Result<Vec<Target>> {
    Ok(par_target::Entity::find()
        .filter(par_target::Column::PlanId.eq(plan_id))
        .order_by_asc(par_target::Column::Position)
        .all(conn)
        .await?)
}

/// The dossier figures of a period counted from the records themselves: the dossiers (their
/// channel, procedure, outcome, return channel) and the times in their event log. Nothing is read
/// from the live counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCounts {
    /// Dossiers filed in the period (every channel; an online filing counts when it is filed).
    pub filed: i64,
    pub filed_online: i64,
    pub filed_postal: i64,
    /// Resolved in the period: early or on time, and late.
    pub resolved_in_time: i64,
    pub resolved_late: i64,
    /// Results returned in the period, and of those by post.
    pub returned: i64,
    pub returned_postal: i64,
    /// Procedures with at least one online filing in the period.
    pub procedures_online: BTreeSet<String>,
    /// Procedures with at least one postal filing or postal return in the period.
    pub procedures_postal: BTreeSet<String>,
}

/// Counts [`RawCounts`] for `[from, to)`.
pub async fn raw_counts(
    db: &Db,
    agency_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<RawCounts> {
    let p = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let values = || -> Vec<sea_orm::Value> { vec![agency_id.into(), from.into(), to.into()] };
    // The events of one kind in the period, counted per values of the dossier's columns.
    let grouped = |action: &'static str, a: &'static str, b: &'static str| {
        let sql = format!(
            "SELECT d.{a} AS a, d.{b} AS b, COUNT(*) AS n \
             FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id \
             WHERE e.agency_id = {} AND e.action = '{action}' AND e.at >= {} AND e.at < {} \
             GROUP BY d.{a}, d.{b}",
            p(1),
            p(2),
            p(3)
        );
        db.conn().query_all_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            values(),
        ))
    };
    let mut out = RawCounts::default();
    // Filings: the first event of each dossier.
    let rows = grouped("file", "procedure_code", "channel").await?;
    for r in rows {
        let code: String = r.try_get("", "a")?;
        let channel: String = r.try_get("", "b")?;
        let n: i64 = r.try_get("", "n")?;
        out.filed += n;
        match channel.as_str() {
            "online" => {
                out.filed_online += n;
                out.procedures_online.insert(code);
            }
            "postal" => {
                out.filed_postal += n;
                out.procedures_postal.insert(code);
            }
            _ => {}
        }
    }
    // Resolutions, judged by the dossier's outcome (set once, by the resolution).
    let rows = grouped("resolve", "outcome", "procedure_code").await?;
    for r in rows {
        let outcome: Option<String> = r.try_get("", "a")?;
        let n: i64 = r.try_get("", "n")?;
        match outcome.as_deref() {
            Some("early" | "on_time") => out.resolved_in_time += n,
            _ => out.resolved_late += n,
        }
    }
    // Results returned, by the channel the applicant chose.
    let rows = grouped("return_result", "procedure_code", "return_channel").await?;
    for r in rows {
        let code: String = r.try_get("", "a")?;
        let channel: String = r.try_get("", "b")?;
        let n: i64 = r.try_get("", "n")?;
        out.returned += n;
        if channel == "postal" {
            out.returned_postal += n;
            out.procedures_postal.insert(code);
        }
    }
    Ok(out)
}

/// Live counters of a period per procedure and channel, for the dossier targets: `(procedure,
/// channel) → totals`.
pub async fn counters_by_procedure(
    db: &Db,
    agency_id: Uuid,
    from_month: i32,
    to_month: i32,
) -> Result<BTreeMap<(String, String), crate::dossier::Totals>> {
    let f = crate::dossier::StatFilter {
        agency_id,
        units: None,
        procedure_code: None,
    };
    let rows = crate::dossier::stat_totals(
        db,
        &f,
        from_month,
        to_month,
        Some("procedure_code || '|' || channel"),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, t)| {
            k.split_once('|')
                .map(|(p, c)| ((p.to_owned(), c.to_owned()), t))
        })
        .collect())
}

/// A target's new status and, when it turns into one the responsible unit must hear of, the
/// messages to queue for it.
#[derive(Clone, Debug)]
pub struct Observed {
    pub target_id: String,
    pub status: String,
    /// Queued only when the status changed (or is seen for the first time).
    pub messages_if_changed: Vec<serde_json::Value>,
}

/// Records the statuses seen now; for each target whose status changed, queues its messages in the
/// outbox in the same transaction (a status is reported once, also with several nodes: the
/// conditional update decides who saw the change). Returns the targets that changed.
pub async fn observe(
    db: &Db,
    agency_id: Uuid,
    plan_id: Uuid,
    seen: Vec<Observed>,
) -> Result<Vec<String>> {
    let p = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let txn = db.begin_write().await?;
    let now = Utc::now();
    let mut changed = Vec::new();
    for o in seen {
        let values = || -> Vec<sea_orm::Value> {
            vec![
                plan_id.into(),
                o.target_id.clone().into(),
                o.status.clone().into(),
                now.into(),
            ]
        };
        let updated = txn
            .execute_raw(Statement::from_sql_and_values(
                db.backend().sea(),
                format!(
                    "UPDATE target_watch SET status = {s}, changed_at = {t} \
                     WHERE plan_id = {p1} AND target_id = {p2} AND status <> {s}",
                    p1 = p(1),
                    p2 = p(2),
                    s = p(3),
                    t = p(4)
                ),
                values(),
            ))
            .await?
            .rows_affected();
        let inserted = if updated == 0 {
            txn.execute_raw(Statement::from_sql_and_values(
                db.backend().sea(),
                format!(
                    "INSERT INTO target_watch (plan_id, target_id, status, changed_at) \
                     VALUES ({}, {}, {}, {}) ON CONFLICT (plan_id, target_id) DO NOTHING",
                    p(1),
                    p(2),
                    p(3),
                    p(4)
                ),
                values(),
            ))
            .await?
            .rows_affected()
        } else {
            0
        };
        if updated + inserted == 0 {
            continue;
        }
        for m in &o.messages_if_changed {
            crate::document::queue_message(&txn, agency_id, TARGET_TOPIC, m.clone()).await?;
        }
        changed.push(o.target_id);
    }
    txn.commit().await?;
    Ok(changed)
}

/// The outbox topic of a target turning at risk or missed.
pub const TARGET_TOPIC: &str = "target_at_risk";

/// A dossier behind a dossier figure: the event that made it count in the period.
#[derive(Clone, Debug)]
pub struct Counted {
    pub code: String,
    pub procedure_code: String,
    pub channel: String,
    pub return_channel: String,
    pub outcome: Option<String>,
    pub at: DateTime<Utc>,
}

/// The dossiers whose `action` event (`file`, `resolve`, `return_result`) falls in `[from, to)`,
/// newest first, a page at a time, and how many there are: the records behind a dossier figure.
pub async fn counted(
    db: &Db,
    agency_id: Uuid,
    action: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Counted>, i64)> {
    let p = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let values = || -> Vec<sea_orm::Value> { vec![agency_id.into(), from.into(), to.into()] };
    let filter = format!(
        "FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id \
         WHERE e.agency_id = {} AND e.action = '{action}' AND e.at >= {} AND e.at < {}",
        p(1),
        p(2),
        p(3)
    );
    let total = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            format!("SELECT COUNT(*) AS n {filter}"),
            values(),
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            format!(
                "SELECT d.code AS code, d.procedure_code AS procedure_code, d.channel AS channel, \
                 d.return_channel AS return_channel, d.outcome AS outcome, e.at AS at {filter} \
                 ORDER BY e.at DESC, d.code LIMIT {limit} OFFSET {offset}"
            ),
            values(),
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Counted {
            code: r.try_get("", "code")?,
            procedure_code: r.try_get("", "procedure_code")?,
            channel: r.try_get("", "channel")?,
            return_channel: r.try_get("", "return_channel")?,
            outcome: r.try_get("", "outcome")?,
            at: r.try_get("", "at")?,
        });
    }
    Ok((out, total))
}

/// Adds a target to a plan or replaces the one with the same id (keeping its place); audited.
pub async fn put_target(db: &Db, ctx: &AuditCtx, plan_id: Uuid, t: NewTarget) -> Result<Target> {
    let txn = db.begin_write().await?;
    let existing = par_target::Entity::find()
        .filter(par_target::Column::PlanId.eq(plan_id))
        .filter(par_target::Column::TargetId.eq(t.target_id.clone()))
        .one(&txn)
        .await?;
    let before = existing
        .as_ref()
        .map(|e| json!({"threshold": e.threshold, "source": e.source, "responsible_unit_id": e.responsible_unit_id, "weight": e.weight, "text": e.text}));
    let position = match &existing {
        Some(e) => e.position,
        None => {
            par_target::Entity::find()
                .filter(par_target::Column::PlanId.eq(plan_id))
                .all(&txn)
                .await?
                .iter()
                .map(|x| x.position)
                .max()
                .unwrap_or(-1)
                + 1
        }
    };
    let model = par_target::ActiveModel {
        plan_id: Set(plan_id),
        target_id: Set(t.target_id.clone()),
        position: Set(position),
        field: Set(t.field.clone()),
        text: Set(t.text.clone()),
        threshold: Set(t.threshold),
        measure: Set(t.measure.clone()),
        source: Set(t.source.clone()),
        responsible_unit_id: Set(t.responsible_unit_id),
        weight: Set(t.weight),
    };
    let saved = if existing.is_some() {
        model.update(&txn).await?
    } else {
        model.insert(&txn).await?
    };
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: if before.is_some() { "plan.target_changed" } else { "plan.target_added" },
            object_type: "par_target",
            object_id: format!("{plan_id}/{}", t.target_id),
            before: before.unwrap_or(json!(null)),
            after: json!({"threshold": t.threshold, "source": t.source, "responsible_unit_id": t.responsible_unit_id, "weight": t.weight, "text": t.text}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
