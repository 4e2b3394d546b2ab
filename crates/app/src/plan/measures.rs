//! The live measures of the scorecard's targets: dossier fractions from the counters (and raw,
//! from the dossiers and events, for `motcua scorecard verify`), forecasts, the catalogue's and the
//! review's fractions, a register's figure (docs/INDICATORS.md gives each formula and its source).

use crate::App;
use chrono::{Datelike, NaiveDate};
use motcua_domain::catalog::VersionStatus;
use motcua_domain::dossier::stats::Counter;
use motcua_domain::plan::period::Period;
use motcua_store::plan as store;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A register's figure from its items.
pub fn fraction_of(
    kind: motcua_domain::plan::RegisterKind,
    items: &[motcua_store::register::Item],
) -> Option<(f64, f64)> {
    let rows: Vec<(String, f64, f64)> = items
        .iter()
        .map(|i| (i.status.clone(), i.planned_amount, i.actual_amount))
        .collect();
    motcua_domain::plan::register_fraction(kind, &rows)
}

/// A fraction; `None` when the denominator is zero (no data, never 0% or 100%).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fraction {
    pub numerator: f64,
    pub denominator: f64,
}

impl Fraction {
    pub fn of(n: impl Into<f64>, d: impl Into<f64>) -> Option<Self> {
        let (n, d) = (n.into(), d.into());
        (d > 0.0).then_some(Self {
            numerator: n,
            denominator: d,
        })
    }

    pub fn value(self) -> f64 {
        self.numerator / self.denominator
    }
}

/// The dossier targets' fractions (T3.4, T3.5, T7.3–T7.7) from the live counters.
pub async fn dossier_fractions(
    app: &App,
    agency_id: Uuid,
    period: Period,
    catalogue: &Catalogue,
) -> anyhow::Result<BTreeMap<&'static str, Option<Fraction>>> {
    let rows =
        store::counters_by_procedure(&app.db, agency_id, period.from_month(), period.to_month())
            .await?;
    let (online_class, postal_eligible) = (&catalogue.online, &catalogue.postal);
    let mut filed = 0;
    let (mut filed_online, mut filed_postal) = (0, 0);
    let (mut in_time, mut late) = (0, 0);
    let (mut returned, mut returned_postal) = (0, 0);
    let mut with_online = BTreeSet::new();
    let mut with_postal = BTreeSet::new();
    for ((code, channel), t) in &rows {
        let f = t.filed(channel);
        filed += f;
        match channel.as_str() {
            "online" => {
                filed_online += f;
                if f > 0 {
                    with_online.insert(code.clone());
                }
            }
            "postal" => {
                filed_postal += t.get(Counter::ReceivedPostal);
                if t.get(Counter::ReceivedPostal) > 0 {
                    with_postal.insert(code.clone());
                }
            }
            _ => {}
        }
        in_time += t.resolved_in_time();
        late += t.get(Counter::ResolvedLate);
        returned += t.returned();
        returned_postal += t.get(Counter::ReturnedPostal);
        if t.get(Counter::ReturnedPostal) > 0 {
            with_postal.insert(code.clone());
        }
    }
    let online_procedures = online_class.len();
    let online_used = online_class.intersection(&with_online).count();
    let postal_procedures = postal_eligible.len();
    let postal_used = postal_eligible.intersection(&with_postal).count();
    let mut out = BTreeMap::new();
    out.insert(
        "t3_4",
        Fraction::of(in_time as f64, (in_time + late) as f64),
    );
    // Every dossier filed in motcua has its public look-up page from the moment it is filed.
    out.insert("t3_5", Fraction::of(filed as f64, filed as f64));
    out.insert(
        "t7_3",
        Fraction::of(online_used as f64, online_procedures as f64),
    );
    out.insert("t7_4", Fraction::of(filed_online as f64, filed as f64));
    out.insert(
        "t7_5",
        Fraction::of(postal_used as f64, postal_procedures as f64),
    );
    out.insert("t7_6", Fraction::of(filed_postal as f64, filed as f64));
    out.insert(
        "t7_7",
        Fraction::of(returned_postal as f64, returned as f64),
    );
    Ok(out)
}

/// The months of `period` as `yyyymm`.
fn months_of(period: Period) -> Vec<i32> {
    let mut out = Vec::new();
    let mut d = period.from;
    while d <= period.to {
        out.push(d.year() * 100 + d.month() as i32);
        match d.checked_add_months(chrono::Months::new(1)) {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// Forecasts at the period's end for T3.4, T7.4, T7.6 and T7.7 from the monthly counters: what
/// is counted so far, plus, for each month left, the mean monthly numerator and denominator of the
/// last three months up to this one (docs/INDICATORS.md). `None` for a period already over (the
/// value is final) or without any denominator.
pub async fn dossier_forecasts(
    app: &App,
    agency_id: Uuid,
    period: Period,
    today: NaiveDate,
) -> anyhow::Result<BTreeMap<&'static str, Option<f64>>> {
    let mut out = BTreeMap::new();
    if today > period.to || today < period.from {
        return Ok(out);
    }
    let f = motcua_store::dossier::StatFilter {
        agency_id,
        units: None,
        procedure_code: None,
    };
    let rows = motcua_store::dossier::stat_totals(
        &app.db,
        &f,
        period.from_month(),
        period.to_month(),
        Some("CAST(month AS TEXT) || '|' || channel"),
    )
    .await?;
    // (numerator, denominator) per target and month.
    let mut monthly: BTreeMap<(&'static str, i32), (f64, f64)> = BTreeMap::new();
    for (key, t) in &rows {
        let Some((month, channel)) = key.split_once('|') else {
            continue;
        };
        let Ok(month) = month.parse::<i32>() else {
            continue;
        };
        let filed = t.filed(channel) as f64;
        let add =
            |m: &mut BTreeMap<(&'static str, i32), (f64, f64)>, k: &'static str, n: f64, d: f64| {
                let e = m.entry((k, month)).or_insert((0.0, 0.0));
                e.0 += n;
                e.1 += d;
            };
        let in_time = t.resolved_in_time() as f64;
        add(
            &mut monthly,
            "t3_4",
            in_time,
            in_time + t.get(Counter::ResolvedLate) as f64,
        );
        add(
            &mut monthly,
            "t7_4",
            if channel == "online" { filed } else { 0.0 },
            filed,
        );
        add(
            &mut monthly,
            "t7_6",
            if channel == "postal" {
                t.get(Counter::ReceivedPostal) as f64
            } else {
                0.0
            },
            filed,
        );
        let returned = t.returned() as f64;
        add(
            &mut monthly,
            "t7_7",
            t.get(Counter::ReturnedPostal) as f64,
            returned,
        );
    }
    let now_month = today.year() * 100 + today.month() as i32;
    let months = months_of(period);
    let recent: Vec<i32> = months
        .iter()
        .copied()
        .filter(|m| *m <= now_month)
        .rev()
        .take(3)
        .collect();
    let left = months.iter().filter(|m| **m > now_month).count() as f64;
    for k in ["t3_4", "t7_4", "t7_6", "t7_7"] {
        let sum = |ms: &mut dyn Iterator<Item = i32>| {
            ms.fold((0.0, 0.0), |acc, m| {
                let v = monthly.get(&(k, m)).copied().unwrap_or((0.0, 0.0));
                (acc.0 + v.0, acc.1 + v.1)
            })
        };
        let (n, d) = sum(&mut months.iter().copied().filter(|m| *m <= now_month));
        let (rn, rd) = sum(&mut recent.iter().copied());
        let k_recent = recent.len().max(1) as f64;
        let (fn_, fd) = (n + rn / k_recent * left, d + rd / k_recent * left);
        out.insert(k, (fd > 0.0).then(|| fn_ / fd));
    }
    Ok(out)
}

/// The same fractions recomputed from the dossiers and their event log (no counter read).
pub async fn raw_dossier_fractions(
    app: &App,
    agency_id: Uuid,
    period: Period,
    catalogue: &Catalogue,
) -> anyhow::Result<BTreeMap<&'static str, Option<Fraction>>> {
    let (start, end) = period.instants();
    let raw = store::raw_counts(&app.db, agency_id, start, end).await?;
    let (online_class, postal_eligible) = (&catalogue.online, &catalogue.postal);
    let mut out = BTreeMap::new();
    out.insert(
        "t3_4",
        Fraction::of(
            raw.resolved_in_time as f64,
            (raw.resolved_in_time + raw.resolved_late) as f64,
        ),
    );
    out.insert("t3_5", Fraction::of(raw.filed as f64, raw.filed as f64));
    out.insert(
        "t7_3",
        Fraction::of(
            online_class.intersection(&raw.procedures_online).count() as f64,
            online_class.len() as f64,
        ),
    );
    out.insert(
        "t7_4",
        Fraction::of(raw.filed_online as f64, raw.filed as f64),
    );
    out.insert(
        "t7_5",
        Fraction::of(
            postal_eligible.intersection(&raw.procedures_postal).count() as f64,
            postal_eligible.len() as f64,
        ),
    );
    out.insert(
        "t7_6",
        Fraction::of(raw.filed_postal as f64, raw.filed as f64),
    );
    out.insert(
        "t7_7",
        Fraction::of(raw.returned_postal as f64, raw.returned as f64),
    );
    Ok(out)
}

/// What the scorecard needs of the published catalogue, read in one pass.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// Offered online at level 3–4 (Decree 42/2022: toàn trình or một phần; the 2021 plan's
    /// "mức độ 3, 4" of Decree 43/2011), by code.
    pub online: BTreeSet<String>,
    /// Accepting postal receipt or return (Decision 45/2016/QĐ-TTg), by code.
    pub postal: BTreeSet<String>,
    /// T3.1 and T3.2 from the publication checks (Decree 63/2010 art. 8, 15; Decision 766
    /// indicators 1.1–1.3).
    pub t3_1: Option<Fraction>,
    pub t3_2: Option<Fraction>,
}

/// Reads the published procedures once: their online and postal classes and their publication
/// checks.
pub async fn catalogue(app: &App) -> anyhow::Result<Catalogue> {
    let cal = app.calendar();
    let mut out = Catalogue::default();
    let (mut published, mut competent, mut timely) = (0u32, 0u32, 0u32);
    for v in motcua_store::catalog::all_current(app.db.conn()).await? {
        let input = motcua_store::catalog::version_input(&v)?;
        if input.status != VersionStatus::Published {
            continue;
        }
        let code = input.data.code.to_string();
        if input.data.online_class != motcua_domain::catalog::OnlineClass::None
            || input.data.legacy_level >= 3
        {
            out.online.insert(code.clone());
        }
        if input.data.postal_receipt || input.data.postal_return {
            out.postal.insert(code);
        }
        published += 1;
        let results = motcua_domain::catalog::publication::checks(
            &cal.working,
            &input.data,
            &input.publication,
        );
        let ok = |id: &str| results.iter().any(|c| c.id == id && c.passed);
        competent += u32::from(ok("competent_authority"));
        timely += u32::from(ok("announced_in_time") && ok("published_in_time"));
    }
    out.t3_1 = Fraction::of(competent, published);
    out.t3_2 = Fraction::of(timely, published);
    Ok(out)
}

/// T3.3: of the year's review plans, items reviewed / planned and problems handled or proposed /
/// problems found; the target needs both, so the figure is the smaller share.
pub(crate) async fn review_fraction(
    app: &App,
    year: i32,
) -> anyhow::Result<(Option<Fraction>, String)> {
    let mut items = Vec::new();
    for p in motcua_store::review::plans(app.db.conn()).await? {
        if p.year == year {
            items.extend(motcua_store::review::items(app.db.conn(), p.id).await?);
        }
    }
    let motcua_domain::catalog::review::Completion {
        planned,
        reviewed,
        problems,
        dealt,
    } = motcua_store::review::completion_counts_of(&items);
    let a = Fraction::of(reviewed as f64, planned as f64);
    let b = Fraction::of(dealt as f64, problems as f64);
    let note = format!(
        "rà soát {reviewed}/{planned} thủ tục; xử lý hoặc kiến nghị {dealt}/{problems} vấn đề"
    );
    Ok(match (a, b) {
        (Some(a), Some(b)) => (Some(if b.value() < a.value() { b } else { a }), note),
        (Some(a), None) => (Some(a), note),
        _ => (None, note),
    })
}
