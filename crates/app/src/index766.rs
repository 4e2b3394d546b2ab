//! The Decision 766/QĐ-TTg service-quality index per agency and receiving unit, by month,
//! quarter or year (`motcua_domain::index766` has the indicators, their sources and the scoring
//! formula; docs/INDICATORS.md the formulas as motcua computes them).
//!
//! Catalogue indicators (1.1–1.3, 3.1) count the published procedures of the unit that implements
//! them; 1.1 and 1.2 count those whose publication decision falls in the period. Dossier
//! indicators count the dossiers the unit received (2.1's open part, 3.2, 3.3, 4.2) or resolved
//! (2.1, 2.2, 4.1, 5.4) in the period. An indicator without a denominator has no value ("no
//! data"); one that needs data motcua does not hold says so.

use crate::{App, OrgSnapshot};
use chrono::NaiveDate;
use motcua_domain::catalog::VersionStatus;
use motcua_domain::index766::{self as rules, GROUPS, INDICATORS, Indicator, Source};
pub use motcua_domain::plan::period::{IndexPeriod, Period, PeriodKey};
use motcua_store::index766::UnitCounts;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The catalogue counts of one implementing unit.
#[derive(Clone, Debug, Default)]
struct CatalogueCounts {
    /// Published procedures, of which complete (1.3) and offered online (3.1).
    published: i64,
    complete: i64,
    online: BTreeSet<String>,
    /// Published procedures whose publication decision falls in the period, of which announced
    /// in time (1.1) and published in time (1.2).
    decided: i64,
    announced_in_time: i64,
    published_in_time: i64,
}

/// An indicator's figure for a unit and period.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorValue {
    pub id: &'static str,
    pub group: u8,
    pub name: &'static str,
    pub formula: &'static str,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The rate (0–1); for 2.2 the average in working days.
    pub value: Option<f64>,
    /// The threshold the formula uses, and whether our sources state it (otherwise 100%).
    pub threshold: f64,
    pub threshold_stated: bool,
    pub max: Option<f64>,
    /// `min(max, rate × max / threshold)`, where the maximum is known and the rate is.
    pub score: Option<f64>,
    /// `min(1, rate / threshold)` × 100.
    pub attainment: Option<f64>,
    /// Why there is no value: the data motcua does not hold, or no record in the period.
    pub no_data: Option<String>,
}

/// A group's points over the indicators whose maximum is known and which have a value.
#[derive(Clone, Debug, Serialize)]
pub struct GroupValue {
    pub number: u8,
    pub name: &'static str,
    pub max: f64,
    /// Points scored, and the maximum of the indicators that were scored.
    pub score: f64,
    pub scored_max: f64,
}

/// The index of the agency or of one receiving unit.
#[derive(Clone, Debug, Serialize)]
pub struct UnitIndex {
    /// `None` for the agency as a whole.
    pub unit_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub indicators: Vec<IndicatorValue>,
    pub groups: Vec<GroupValue>,
    /// The mean attainment (0–100) of the scored indicators with a value: the 766 part of the
    /// ranking (rule M3).
    pub attainment: Option<f64>,
    /// Indicators below full marks, lowest first: what pulls the unit down.
    pub below: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Index {
    pub period: String,
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rule: &'static str,
    pub agency: UnitIndex,
    pub units: Vec<UnitIndex>,
}

/// How the index scores, as pages and API state it.
pub const INDEX_RULE: &str = "Điểm chỉ số = min(điểm tối đa; tỷ lệ × điểm tối đa / ngưỡng) (Quyết định 766/QĐ-TTg). Chỉ chấm điểm khi nguồn nêu điểm tối đa; chỉ số không nêu ngưỡng được hiểu là cần 100% để đạt tối đa; chỉ số cần dữ liệu motcua không có ghi \"chưa có dữ liệu\", không ước đoán.";

/// How long a computed index is reused (the national portal updates its index daily; the reads
/// behind one year take about a second at a million dossiers).
const KEEP: std::time::Duration = std::time::Duration::from_secs(30);

/// The index of `agency_id` for `period`, reused for 30 s.
pub async fn index(app: &App, agency_id: Uuid, period: IndexPeriod) -> anyhow::Result<Index> {
    let key = (agency_id, period.code());
    if let Ok(kept) = app.index766.lock()
        && let Some((at, idx)) = kept.get(&key)
        && at.elapsed() < KEEP
    {
        return Ok(idx.clone());
    }
    let idx = compute(app, agency_id, period).await?;
    if let Ok(mut kept) = app.index766.lock() {
        kept.retain(|_, (at, _)| at.elapsed() < KEEP);
        kept.insert(key, (std::time::Instant::now(), idx.clone()));
    }
    Ok(idx)
}

/// Computes the index of `agency_id` for `period`.
async fn compute(app: &App, agency_id: Uuid, period: IndexPeriod) -> anyhow::Result<Index> {
    let org = app.org().await?;
    let (from, to) = period.months.instants();
    let dossiers = motcua_store::index766::unit_counts(
        &app.db,
        agency_id,
        from,
        to,
        app.now(),
        rules::DISLIKE_AT_MOST,
    )
    .await?;
    let catalogue = catalogue_by_unit(app, &org, agency_id, period.months).await?;
    let mut ids: BTreeSet<Uuid> = dossiers.keys().copied().collect();
    ids.extend(catalogue.keys().copied());
    let mut total_d = UnitCounts::default();
    let mut total_c = CatalogueCounts::default();
    let mut units = Vec::new();
    for id in ids {
        let d = dossiers.get(&id).cloned().unwrap_or_default();
        let c = catalogue.get(&id).cloned().unwrap_or_default();
        add_dossiers(&mut total_d, &d);
        add_catalogue(&mut total_c, &c);
        let (code, name) = org
            .unit_by_id(id)
            .map(|u| (u.code.clone(), u.name.clone()))
            .unwrap_or_default();
        units.push(unit_index(Some(id), code, name, &d, &c));
    }
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let (code, name) = org
        .agencies
        .iter()
        .find(|a| a.id == agency_id)
        .map(|a| (a.organ_id.clone(), a.name.clone()))
        .unwrap_or_default();
    Ok(Index {
        period: period.code(),
        label: period.label(),
        from: period.months.from,
        to: period.months.to,
        rule: INDEX_RULE,
        agency: unit_index(None, code, name, &total_d, &total_c),
        units,
    })
}

fn add_dossiers(t: &mut UnitCounts, d: &UnitCounts) {
    t.received += d.received;
    t.received_online += d.received_online;
    t.digitised += d.digitised;
    t.procedures_online
        .extend(d.procedures_online.iter().cloned());
    t.resolved += d.resolved;
    t.resolved_in_time += d.resolved_in_time;
    t.resolved_disliked += d.resolved_disliked;
    t.working_seconds += d.working_seconds;
    t.open += d.open;
    t.open_overdue += d.open_overdue;
}

fn add_catalogue(t: &mut CatalogueCounts, c: &CatalogueCounts) {
    t.published += c.published;
    t.complete += c.complete;
    t.online.extend(c.online.iter().cloned());
    t.decided += c.decided;
    t.announced_in_time += c.announced_in_time;
    t.published_in_time += c.published_in_time;
}

/// One pass over the published procedures, counted by the unit that implements them.
async fn catalogue_by_unit(
    app: &App,
    org: &OrgSnapshot,
    agency_id: Uuid,
    period: Period,
) -> anyhow::Result<BTreeMap<Uuid, CatalogueCounts>> {
    let cal = app.calendar();
    let mut out: BTreeMap<Uuid, CatalogueCounts> = BTreeMap::new();
    for v in motcua_store::catalog::all_current(app.db.conn()).await? {
        let input = motcua_store::catalog::version_input(&v)?;
        if input.status != VersionStatus::Published {
            continue;
        }
        let Some(unit) = org
            .units
            .iter()
            .find(|u| u.agency_id == agency_id && u.code.eq_ignore_ascii_case(&input.data.unit))
        else {
            continue;
        };
        let c = out.entry(unit.id).or_default();
        let results = motcua_domain::catalog::publication::checks(
            &cal.working,
            &input.data,
            &input.publication,
        );
        let ok = |id: &str| results.iter().any(|r| r.id == id && r.passed);
        c.published += 1;
        c.complete += i64::from(ok("complete"));
        if input.data.online_class != motcua_domain::catalog::OnlineClass::None
            || input.data.legacy_level >= 3
        {
            c.online.insert(input.data.code.to_string());
        }
        if input
            .publication
            .decision_date
            .is_some_and(|d| period.from <= d && d <= period.to)
        {
            c.decided += 1;
            c.announced_in_time += i64::from(ok("announced_in_time"));
            c.published_in_time += i64::from(ok("published_in_time"));
        }
    }
    Ok(out)
}

/// Working seconds in a working day (8 hours; domain-vn §1.4).
const WORKING_DAY_SECONDS: f64 = 8.0 * 3600.0;

fn unit_index(
    unit_id: Option<Uuid>,
    code: String,
    name: String,
    d: &UnitCounts,
    c: &CatalogueCounts,
) -> UnitIndex {
    let mut indicators = Vec::new();
    for ind in &INDICATORS {
        indicators.push(value_of(ind, d, c));
    }
    let groups = GROUPS
        .iter()
        .map(|g| {
            let scored: Vec<&IndicatorValue> = indicators
                .iter()
                .filter(|i| i.group == g.number && i.score.is_some())
                .collect();
            GroupValue {
                number: g.number,
                name: g.name,
                max: g.max,
                score: (scored.iter().filter_map(|i| i.score).sum::<f64>() * 100.0).round() / 100.0,
                scored_max: scored.iter().filter_map(|i| i.max).sum(),
            }
        })
        .collect();
    let attained: Vec<&IndicatorValue> = indicators
        .iter()
        .filter(|i| i.attainment.is_some())
        .collect();
    let attainment = (!attained.is_empty()).then(|| {
        let mean =
            attained.iter().filter_map(|i| i.attainment).sum::<f64>() / attained.len() as f64;
        (mean * 100.0).round() / 100.0
    });
    let mut below: Vec<&IndicatorValue> = attained
        .into_iter()
        .filter(|i| i.attainment.is_some_and(|a| a < 100.0))
        .collect();
    below.sort_by(|a, b| {
        a.attainment
            .unwrap_or_default()
            .total_cmp(&b.attainment.unwrap_or_default())
    });
    let below = below.iter().map(|i| i.id).collect();
    UnitIndex {
        unit_id,
        code,
        name,
        indicators,
        groups,
        attainment,
        below,
    }
}

/// `(numerator, denominator)` of a computed indicator.
fn fraction(key: &str, d: &UnitCounts, c: &CatalogueCounts) -> (i64, i64) {
    match key {
        "announced_in_time" => (c.announced_in_time, c.decided),
        "published_in_time" => (c.published_in_time, c.decided),
        "complete" => (c.complete, c.published),
        "on_time" => (
            d.resolved_in_time + (d.open - d.open_overdue),
            d.resolved + d.open,
        ),
        "online_services" => (c.online.len() as i64, c.published),
        "online_used" => (
            c.online.intersection(&d.procedures_online).count() as i64,
            c.online.len() as i64,
        ),
        "online_filed" => (d.received_online, d.received),
        // motcua refuses a resolution without its result document (`dossier::act`), so every
        // resolved dossier has its electronic result.
        "e_result" => (d.resolved, d.resolved),
        "digitised" => (d.digitised, d.received),
        // 100% − (late rate + not-satisfied rate) = (in time − not satisfied) / resolved.
        "satisfaction" => (
            (d.resolved_in_time - d.resolved_disliked).max(0),
            d.resolved,
        ),
        _ => (0, 0),
    }
}

fn value_of(ind: &'static Indicator, d: &UnitCounts, c: &CatalogueCounts) -> IndicatorValue {
    let mut v = IndicatorValue {
        id: ind.id,
        group: ind.group,
        name: ind.name,
        formula: ind.formula,
        numerator: None,
        denominator: None,
        value: None,
        threshold: ind.threshold_used(),
        threshold_stated: ind.threshold.is_some(),
        max: ind.max,
        score: None,
        attainment: None,
        no_data: None,
    };
    match ind.source {
        Source::NoData(why) => v.no_data = Some(why.to_owned()),
        Source::Display(_) => {
            if d.resolved > 0 {
                v.numerator = Some(d.working_seconds as f64 / WORKING_DAY_SECONDS);
                v.denominator = Some(d.resolved as f64);
                v.value = Some(
                    (d.working_seconds as f64 / WORKING_DAY_SECONDS / d.resolved as f64 * 100.0)
                        .round()
                        / 100.0,
                );
            } else {
                v.no_data = Some("không có hồ sơ giải quyết xong trong kỳ".to_owned());
            }
        }
        Source::Computed(key) => {
            let (n, den) = fraction(key, d, c);
            if den > 0 {
                let rate = n as f64 / den as f64;
                v.numerator = Some(n as f64);
                v.denominator = Some(den as f64);
                v.value = Some(rate);
                v.score = ind.score(rate);
                v.attainment = Some((ind.attainment(rate) * 10_000.0).round() / 100.0);
            } else {
                v.no_data = Some("không có số liệu trong kỳ".to_owned());
            }
        }
    }
    v
}

/// A unit's index when it has no record in the period (every indicator "no data").
pub fn empty_unit(u: &motcua_store::entity::unit::Model) -> UnitIndex {
    unit_index(
        Some(u.id),
        u.code.clone(),
        u.name.clone(),
        &UnitCounts::default(),
        &CatalogueCounts::default(),
    )
}
