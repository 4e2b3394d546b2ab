//! The plan of a year and its targets as the reform office keeps them: created from the seed
//! (the 2021 plan's 27 targets) or copied from another year's, read with its targets, a target
//! added or changed with the reason beside the field; and the dossiers behind a dossier figure.

use super::scorecard::seed_plan;
use crate::{Actor, App, Error, Problem, Result, StoreError};
use motcua_domain::plan::{Field, Measure, source_known};
use motcua_store::plan as store;
use uuid::Uuid;

pub use store::{Counted, Plan, Target};

/// A plan with its targets in order.
#[derive(Clone, Debug)]
pub struct PlanWithTargets {
    pub plan: Plan,
    pub targets: Vec<Target>,
}

async fn with_targets(app: &App, plan: Plan) -> Result<PlanWithTargets> {
    let targets = store::targets(app.db.conn(), plan.id).await?;
    Ok(PlanWithTargets { plan, targets })
}

/// The agency's plan of `year` with its targets; not found when there is none.
pub async fn plan_of(app: &App, agency_id: Uuid, year: i32) -> Result<PlanWithTargets> {
    let plan = store::plan_of(app.db.conn(), agency_id, year)
        .await?
        .ok_or(Error::NotFound)?;
    with_targets(app, plan).await
}

/// The years the agency has a plan for.
pub async fn years(app: &App, agency_id: Uuid) -> Result<Vec<i32>> {
    Ok(store::years(app.db.conn(), agency_id).await?)
}

/// Creates the plan of `year` for the actor's agency with its targets, all or nothing and
/// audited: the seed plan's targets, or those of the plan of year `copy_of` (thresholds, sources,
/// units, weights and direction). A year outside 2000–2100 or a missing source plan is a problem
/// on its field; a plan that exists already is refused with the store's reason.
pub async fn create_plan(
    app: &App,
    actor: &Actor,
    year: i32,
    copy_of: Option<i32>,
) -> Result<PlanWithTargets> {
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid("year", "năm từ 2000 đến 2100"));
    }
    let agency_id = actor.agency_id;
    let mut new = seed_plan(app, agency_id, year).await?;
    if let Some(from) = copy_of {
        let Some(source) = store::plan_of(app.db.conn(), agency_id, from).await? else {
            return Err(Error::invalid(
                "copy_of",
                format!("chưa có kế hoạch năm {from} để sao chép"),
            ));
        };
        new.direction = source.direction;
        new.targets = store::targets(app.db.conn(), source.id)
            .await?
            .into_iter()
            .map(|t| store::NewTarget {
                target_id: t.target_id,
                field: t.field,
                text: t.text,
                threshold: t.threshold,
                measure: t.measure,
                source: t.source,
                responsible_unit_id: t.responsible_unit_id,
                weight: t.weight,
            })
            .collect();
    }
    let year = new.year;
    let plan = store::create(&app.db, &actor.audit_ctx(), new)
        .await
        .map_err(|e| match e {
            // One plan per agency and year.
            StoreError::Conflict(_) => {
                Error::Refused(format!("đã có kế hoạch cải cách hành chính năm {year}"))
            }
            e => Error::Store(e),
        })?;
    with_targets(app, plan).await
}

/// A target as the reform office sets it.
#[derive(Clone, Debug, Default)]
pub struct TargetIn {
    /// One of the plan's fields (`direction`, `institutions`, `procedures`, `apparatus`,
    /// `civil_service`, `finance`, `modernisation`).
    pub field: String,
    pub text: String,
    /// `share` (threshold 0–1) or `count`.
    pub measure: String,
    /// At least this.
    pub threshold: f64,
    /// `formula:<id>` (docs/INDICATORS.md) or `register:<id>`.
    pub source: String,
    /// The unit answerable for it (id or code).
    pub unit: Option<String>,
    /// Its weight in the ranking of units (0–100, default 1).
    pub weight: Option<f64>,
}

/// Adds target `id` (`T3.4`) to the plan of `year` or changes it, audited; refused with the
/// reason beside the field: a bad id, an unknown field or measure, a share's threshold outside
/// 0–100%, a source not known, an unknown unit, a weight outside 0–100. Not found without a plan.
pub async fn put_target(
    app: &App,
    actor: &Actor,
    year: i32,
    id: &str,
    req: &TargetIn,
) -> Result<Target> {
    let plan = store::plan_of(app.db.conn(), actor.agency_id, year)
        .await?
        .ok_or(Error::NotFound)?;
    let mut errors = Vec::new();
    let id = id.trim().to_owned();
    if id.is_empty()
        || id.len() > 8
        || !id.starts_with('T')
        || !id[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        errors.push(Problem::new("id", "mã chỉ tiêu dạng T3.4"));
    }
    let field = Field::parse(&req.field);
    if field.is_none() {
        errors.push(Problem::new("field", "lĩnh vực không có trong kế hoạch"));
    }
    let text = motcua_domain::catalog::fold::nfc(req.text.trim());
    if text.is_empty() || text.chars().count() > 1_000 {
        errors.push(Problem::new(
            "text",
            "nội dung chỉ tiêu bắt buộc, tối đa 1.000 ký tự",
        ));
    }
    let measure = Measure::parse(&req.measure);
    match measure {
        None => errors.push(Problem::new(
            "measure",
            "share (tỷ lệ) hoặc count (số lượng)",
        )),
        Some(Measure::Share) if !(req.threshold > 0.0 && req.threshold <= 1.0) => {
            errors.push(Problem::new(
                "threshold",
                "chỉ tiêu tỷ lệ: mục tiêu trong khoảng 0–100% (0 < giá trị ≤ 1, ví dụ 0.9 là 90%)",
            ));
        }
        Some(Measure::Count) if !(req.threshold > 0.0 && req.threshold.is_finite()) => {
            errors.push(Problem::new(
                "threshold",
                "chỉ tiêu số lượng: mục tiêu lớn hơn 0",
            ));
        }
        Some(_) => {}
    }
    if !source_known(req.source.trim()) {
        errors.push(Problem::new(
            "source",
            "nguồn số liệu bắt buộc: formula:<công thức> (xem INDICATORS) hoặc register:<sổ>",
        ));
    }
    let org = app.org().await?;
    let unit = match req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => match org.unit(u).filter(|x| x.agency_id == actor.agency_id) {
            Some(x) => Some(x.id),
            None => {
                errors.push(Problem::new("unit", format!("không có đơn vị «{u}»")));
                None
            }
        },
    };
    let weight = req.weight.unwrap_or(1.0);
    if !(0.0..=100.0).contains(&weight) {
        errors.push(Problem::new("weight", "trọng số từ 0 đến 100"));
    }
    let (Some(field), Some(measure), true) = (field, measure, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    Ok(store::put_target(
        &app.db,
        &actor.audit_ctx(),
        plan.id,
        store::NewTarget {
            target_id: id,
            field: field.code().to_owned(),
            text,
            threshold: req.threshold,
            measure: measure.code().to_owned(),
            source: req.source.trim().to_owned(),
            responsible_unit_id: unit,
            weight,
        },
    )
    .await?)
}

/// The dossiers whose `action` event (`file`, `resolve`, `return_result`) falls in `period`,
/// newest first, `per_page` at a time from `offset`, and how many there are: the records behind
/// a dossier figure of the scorecard.
pub async fn counted(
    app: &App,
    agency_id: Uuid,
    action: &'static str,
    period: super::Period,
    per_page: u64,
    offset: u64,
) -> Result<(Vec<Counted>, i64)> {
    let (start, end) = period.instants();
    Ok(store::counted(&app.db, agency_id, action, start, end, per_page, offset).await?)
}

/// The event whose dossiers are behind dossier target `target` of the scorecard (its
/// denominator, as [`super::measures::dossier_fractions`] counts it): `resolve` for T3.4,
/// `return_result` for T7.7, `file` for T3.5, T7.3–T7.6; `None` for any other target.
pub fn evidence_event(target: &str) -> Option<&'static str> {
    Some(match target {
        "T3.4" => "resolve",
        "T3.5" | "T7.3" | "T7.4" | "T7.5" | "T7.6" => "file",
        "T7.7" => "return_result",
        _ => return None,
    })
}

/// Whether dossier `d` of target `target`'s records counts toward its numerator: resolved early
/// or on time (T3.4), its progress public (T3.5: every dossier has its look-up page), filed online
/// (T7.3, T7.4), received by post (T7.5, T7.6), its result returned by post (T7.7).
pub fn counts_toward(target: &str, d: &Counted) -> bool {
    match target {
        "T3.4" => matches!(d.outcome.as_deref(), Some("early" | "on_time")),
        "T3.5" => true,
        "T7.3" | "T7.4" => d.channel == "online",
        "T7.5" | "T7.6" => d.channel == "postal",
        "T7.7" => d.return_channel == "postal",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: &str, return_channel: &str, outcome: Option<&str>) -> Counted {
        Counted {
            code: "000.00.00.G22-260101-0001".into(),
            procedure_code: "1.000001".into(),
            channel: channel.into(),
            return_channel: return_channel.into(),
            outcome: outcome.map(str::to_owned),
            at: chrono::Utc::now(),
        }
    }

    #[test]
    fn each_dossier_target_names_its_event_and_what_its_numerator_counts() {
        for t in ["T3.4", "T3.5", "T7.3", "T7.4", "T7.5", "T7.6", "T7.7"] {
            assert!(evidence_event(t).is_some(), "{t}");
        }
        assert_eq!(evidence_event("T1.1"), None);
        assert_eq!(evidence_event("T3.4"), Some("resolve"));
        assert_eq!(evidence_event("T7.7"), Some("return_result"));
        assert!(counts_toward(
            "T3.4",
            &row("counter", "counter", Some("on_time"))
        ));
        assert!(!counts_toward(
            "T3.4",
            &row("counter", "counter", Some("late"))
        ));
        assert!(counts_toward("T7.4", &row("online", "counter", None)));
        assert!(!counts_toward("T7.4", &row("postal", "counter", None)));
        assert!(counts_toward("T7.6", &row("postal", "counter", None)));
        assert!(counts_toward("T7.7", &row("counter", "postal", None)));
        assert!(!counts_toward("T7.7", &row("postal", "online", None)));
        assert!(!counts_toward("T1.1", &row("online", "online", None)));
    }
}
