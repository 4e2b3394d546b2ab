//! The reform scorecard: every target of a year's plan, live from motcua's records
//! (docs/INDICATORS.md gives each formula with its legal source).
//!
//! The dossier targets are read from the live counters (`dossier_stat`, moved in the same
//! transaction as each event), so a year's scorecard costs a few grouped sums whatever the number
//! of dossiers; `raw` recomputes them from the dossiers and their event log, which
//! `motcua scorecard verify` compares with the live figures. The catalogue targets (T3.1–T3.3) are
//! as the catalogue stands; the e-office targets (T7.1, T7.2) come from the document registers of
//! the year. Targets measured on registers not kept yet are "no data".

use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use motcua_domain::catalog::VersionStatus;
use motcua_domain::dossier::stats::Counter;
pub use motcua_domain::plan::period::Period;
use motcua_domain::plan::{Field, Measure, Status, status};
use motcua_store::plan as store;
use serde::Serialize;
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

/// A target's figure.
#[derive(Clone, Debug, Serialize)]
pub struct TargetValue {
    pub id: String,
    pub field: String,
    pub text: String,
    /// The share (0–1) or count reached; `null` when there is no data.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The year-end (period-end) forecast from the monthly trend, for the dossier targets that
    /// add up month by month (T3.4, T7.4, T7.6, T7.7); while the period runs, the status follows it.
    pub forecast: Option<f64>,
    pub threshold: f64,
    /// Always `>=`: every target of the plan is "at least".
    pub comparator: &'static str,
    pub measure: String,
    pub status: &'static str,
    pub source: String,
    pub responsible_unit_id: Option<Uuid>,
    pub weight: f64,
    /// How the figure was obtained, or why there is none (Vietnamese).
    pub note: String,
}

/// The scorecard of a plan for a period.
#[derive(Clone, Debug, Serialize)]
pub struct Scorecard {
    pub year: i32,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub targets: Vec<TargetValue>,
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
    state: &AppState,
    agency_id: Uuid,
    period: Period,
    catalogue: &Catalogue,
) -> anyhow::Result<BTreeMap<&'static str, Option<Fraction>>> {
    let rows =
        store::counters_by_procedure(&state.db, agency_id, period.from_month(), period.to_month())
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
    state: &AppState,
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
        &state.db,
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
    state: &AppState,
    agency_id: Uuid,
    period: Period,
    catalogue: &Catalogue,
) -> anyhow::Result<BTreeMap<&'static str, Option<Fraction>>> {
    let (start, end) = period.instants();
    let raw = store::raw_counts(&state.db, agency_id, start, end).await?;
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
pub async fn catalogue(state: &AppState) -> anyhow::Result<Catalogue> {
    let cal = state.calendar();
    let mut out = Catalogue::default();
    let (mut published, mut competent, mut timely) = (0u32, 0u32, 0u32);
    for v in motcua_store::catalog::all_current(state.db.conn()).await? {
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
async fn review_fraction(
    state: &AppState,
    year: i32,
) -> anyhow::Result<(Option<Fraction>, String)> {
    let mut items = Vec::new();
    for p in motcua_store::review::plans(state.db.conn()).await? {
        if p.year == year {
            items.extend(motcua_store::review::items(state.db.conn(), p.id).await?);
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

/// The scorecard of the agency's plan for `year` over `period`.
pub async fn scorecard(
    state: &AppState,
    agency_id: Uuid,
    year: i32,
    period: Period,
) -> anyhow::Result<Option<Scorecard>> {
    let Some(plan) = store::plan_of(state.db.conn(), agency_id, year).await? else {
        return Ok(None);
    };
    let targets = store::targets(state.db.conn(), plan.id).await?;
    let catalogue = catalogue(state).await?;
    let dossiers = dossier_fractions(state, agency_id, period, &catalogue).await?;
    let today = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .date_naive();
    let forecasts = dossier_forecasts(state, agency_id, period, today).await?;
    let (t31, t32) = (catalogue.t3_1, catalogue.t3_2);
    let (t33, t33_note) = review_fraction(state, year).await?;
    let docs = motcua_app::document::indicators::indicators(state, agency_id, year).await?;
    let register_items =
        motcua_store::register::items(state.db.conn(), agency_id, year, None).await?;
    let over = period.over_at(chrono::Utc::now());
    let mut out = Vec::with_capacity(targets.len());
    for t in targets {
        let (fraction, note): (Option<Fraction>, String) =
            match t.source.strip_prefix("formula:").unwrap_or_default() {
                "t3_1" => (
                    t31,
                    "thủ tục đang công bố, được ban hành đúng thẩm quyền".into(),
                ),
                "t3_2" => (t32, "thủ tục công bố và công khai đúng hạn".into()),
                "t3_3" => (t33, t33_note.clone()),
                "t7_1" => (
                    Fraction::of(docs.t7_1.electronic as f64, docs.t7_1.total as f64),
                    "văn bản đi và đến trong năm".into(),
                ),
                "t7_2" => (
                    Fraction::of(docs.t7_2.units_signing as f64, docs.t7_2.units as f64),
                    "đơn vị cấp 1 vừa gửi vừa nhận văn bản có chữ ký số".into(),
                ),
                f @ ("t3_4" | "t3_5" | "t7_3" | "t7_4" | "t7_5" | "t7_6" | "t7_7") => (
                    dossiers.get(f).copied().flatten(),
                    "từ số liệu hồ sơ trực tiếp".into(),
                ),
                _ => match t
                    .source
                    .strip_prefix("register:")
                    .and_then(motcua_domain::plan::register)
                {
                    Some(r) => {
                        let items: Vec<_> = register_items
                            .iter()
                            .filter(|i| i.register == r.id)
                            .cloned()
                            .collect();
                        let f = fraction_of(r.kind, &items).and_then(|(n, d)| Fraction::of(n, d));
                        let note = if items.is_empty() {
                            format!("sổ «{}» chưa có mục nào", r.label)
                        } else {
                            format!("sổ «{}»: {} mục", r.label, items.len())
                        };
                        (f, note)
                    }
                    None => (None, "nguồn số liệu không xác định".into()),
                },
            };
        let value = fraction.map(Fraction::value);
        let forecast = t
            .source
            .strip_prefix("formula:")
            .and_then(|f| forecasts.get(f).copied().flatten());
        // While the period runs, a target whose trend reaches the threshold is on track.
        let st = match (value, forecast, over) {
            (Some(_), Some(f), false) => status(Some(f), t.threshold, false),
            _ => status(value, t.threshold, over),
        };
        out.push(TargetValue {
            id: t.target_id,
            field: t.field,
            text: t.text,
            value: value.map(|v| (v * 10_000.0).round() / 10_000.0),
            numerator: fraction.map(|f| f.numerator),
            denominator: fraction.map(|f| f.denominator),
            forecast: forecast.map(|v| (v * 10_000.0).round() / 10_000.0),
            threshold: t.threshold,
            comparator: ">=",
            measure: t.measure,
            status: st.code(),
            source: t.source,
            responsible_unit_id: t.responsible_unit_id,
            weight: t.weight,
            note: if value.is_none() && !note.starts_with("sổ") {
                format!("chưa có dữ liệu trong kỳ ({note})")
            } else {
                note
            },
        });
    }
    Ok(Some(Scorecard {
        year,
        title: plan.title,
        from: period.from,
        to: period.to,
        targets: out,
    }))
}

/// The seed plan for a year: the 2021 plan's 27 targets, each with the unit answerable for it.
pub async fn seed_plan(
    state: &AppState,
    agency_id: Uuid,
    year: i32,
) -> anyhow::Result<store::NewPlan> {
    let org = state.org().await?;
    let targets = motcua_domain::plan::SEED_2021
        .iter()
        .map(|t| store::NewTarget {
            target_id: t.id.to_owned(),
            field: t.field.code().to_owned(),
            text: t.text.to_owned(),
            threshold: t.threshold,
            measure: t.measure.code().to_owned(),
            source: t.source.to_owned(),
            responsible_unit_id: org
                .unit(t.responsible_unit)
                .filter(|u| u.agency_id == agency_id)
                .map(|u| u.id),
            weight: 1.0,
        })
        .collect();
    Ok(store::NewPlan {
        agency_id,
        year,
        title: format!("Kế hoạch cải cách hành chính năm {year}"),
        decision_number: None,
        decision_date: None,
        direction: "Gắn cải cách hành chính với chuyển đổi số trên mọi lĩnh vực; tập trung sắp xếp tổ chức bộ máy và đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động của Bộ; xây dựng nền hành chính trong sạch, minh bạch, hiện đại, phục vụ người dân và doanh nghiệp tốt nhất.".to_owned(),
        targets,
    })
}

/// The Vietnamese label of a field code.
pub fn field_label(code: &str) -> &'static str {
    Field::parse(code).map_or("", Field::label_vi)
}

/// A figure as the pages show it: `93,5%` or `2`.
pub fn shown(value: Option<f64>, measure: &str) -> String {
    match (value, Measure::parse(measure)) {
        (None, _) => "—".to_owned(),
        (Some(v), Some(Measure::Count)) => format!("{v}"),
        (Some(v), _) => format!("{:.1}%", v * 100.0).replace('.', ","),
    }
}

/// The Vietnamese label of a status code.
pub fn status_label(code: &str) -> &'static str {
    [
        Status::Met,
        Status::OnTrack,
        Status::AtRisk,
        Status::Missed,
        Status::NoData,
    ]
    .into_iter()
    .find(|s| s.code() == code)
    .map_or("", Status::label_vi)
}

/// A unit's place in the ranking (rule M3: a unit's reform result is a criterion for judging its
/// head and for the yearly emulation).
#[derive(Clone, Debug, Serialize)]
pub struct UnitRank {
    pub rank: usize,
    pub unit_id: Uuid,
    pub name: String,
    /// 0–100: the weighted mean, over the unit's targets with data, of
    /// `min(1, value / threshold)` × 100.
    pub score: Option<f64>,
    pub targets: usize,
    pub with_data: usize,
    /// The unit's targets below their threshold, lowest first: what pulls it down.
    pub below: Vec<String>,
    /// The unit's Decision 766 attainment (0–100, `crate::index766`), where it receives dossiers
    /// or implements procedures, and its indicators below full marks, lowest first.
    pub index766: Option<f64>,
    pub index766_below: Vec<&'static str>,
    /// What the unit is ranked on: the mean of `score` and `index766`, of those it has.
    pub overall: Option<f64>,
}

/// The scoring rule, as the pages and the API state it.
pub const RANKING_RULE: &str = "Điểm chỉ tiêu của đơn vị = trung bình có trọng số, trên các chỉ tiêu đơn vị chịu trách nhiệm có số liệu, của min(1; kết quả / mục tiêu) × 100; chỉ tiêu chưa có số liệu không tính. Điểm 766 của đơn vị = trung bình của min(1; tỷ lệ / ngưỡng) × 100 trên các chỉ số Quyết định 766/QĐ-TTg có số liệu của đơn vị. Điểm xếp hạng = trung bình của hai điểm (hoặc điểm duy nhất đơn vị có). Đơn vị xếp theo điểm xếp hạng giảm dần; đơn vị chưa có số liệu nào xếp cuối.";

/// Ranks the units answerable for targets of the scorecard.
pub fn ranking(
    card: &Scorecard,
    index: Option<&crate::index766::Index>,
    org: &crate::state::OrgSnapshot,
) -> Vec<UnitRank> {
    let mut by_unit: BTreeMap<Uuid, Vec<&TargetValue>> = BTreeMap::new();
    for t in &card.targets {
        if let Some(u) = t.responsible_unit_id {
            by_unit.entry(u).or_default().push(t);
        }
    }
    let index_of = |id: Uuid| index.and_then(|i| i.units.iter().find(|u| u.unit_id == Some(id)));
    if let Some(i) = index {
        for u in &i.units {
            if let Some(id) = u.unit_id.filter(|_| u.attainment.is_some()) {
                by_unit.entry(id).or_default();
            }
        }
    }
    let mut out: Vec<UnitRank> = by_unit
        .into_iter()
        .map(|(unit_id, targets)| {
            let scored: Vec<(f64, f64)> = targets
                .iter()
                .filter_map(|t| {
                    t.value
                        .map(|v| (t.weight.max(0.0), (v / t.threshold).min(1.0)))
                })
                .collect();
            let weight: f64 = scored.iter().map(|(w, _)| w).sum();
            let score = (weight > 0.0).then(|| {
                (scored.iter().map(|(w, s)| w * s).sum::<f64>() / weight * 10_000.0).round() / 100.0
            });
            let mut below: Vec<&&TargetValue> = targets
                .iter()
                .filter(|t| {
                    t.value
                        .is_some_and(|v| status(Some(v), t.threshold, true) == Status::Missed)
                })
                .collect();
            below.sort_by(|a, b| {
                (a.value.unwrap_or_default() / a.threshold)
                    .total_cmp(&(b.value.unwrap_or_default() / b.threshold))
            });
            let unit_index = index_of(unit_id);
            let index766 = unit_index.and_then(|u| u.attainment);
            let both: Vec<f64> = [score, index766].into_iter().flatten().collect();
            UnitRank {
                rank: 0,
                unit_id,
                name: org
                    .unit_by_id(unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                overall: (!both.is_empty()).then(|| {
                    (both.iter().sum::<f64>() / both.len() as f64 * 100.0).round() / 100.0
                }),
                score,
                targets: targets.len(),
                with_data: scored.len(),
                below: below.iter().map(|t| t.id.clone()).collect(),
                index766,
                index766_below: unit_index.map(|u| u.below.clone()).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.overall
            .unwrap_or(-1.0)
            .total_cmp(&a.overall.unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    for (i, u) in out.iter_mut().enumerate() {
        u.rank = i + 1;
    }
    out
}

/// Looks at this year's plan of every agency and tells the leaders of the responsible unit, by
/// e-mail through the outbox, when one of their targets turns at risk or missed (rule M1: the head
/// of a unit answers for its reform work). Each change is reported once. Returns the number of
/// targets whose status changed.
pub async fn watch(state: &AppState) -> anyhow::Result<usize> {
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let Some(period) = Period::year(year) else {
        return Ok(0);
    };
    let org = state.org().await?;
    let accounts = motcua_store::account::list(state.db.conn(), None).await?;
    let mut changed = 0;
    for agency in &org.agencies {
        let Some(plan) = store::plan_of(state.db.conn(), agency.id, year).await? else {
            continue;
        };
        let Some(card) = scorecard(state, agency.id, year, period).await? else {
            continue;
        };
        let seen = card
            .targets
            .iter()
            .map(|t| {
                let alarming = matches!(t.status, "at_risk" | "missed");
                let messages = if alarming {
                    accounts
                        .iter()
                        .filter(|a| {
                            a.active
                                && Some(a.unit_id) == t.responsible_unit_id
                                && a.role == motcua_domain::account::Role::UnitLeader.as_str()
                        })
                        .map(|a| {
                            serde_json::json!({
                                "code": t.id,
                                "to_email": a.email,
                                "subject": format!("Chỉ tiêu {} {}", t.id, status_label(t.status).to_lowercase()),
                                "body": format!(
                                    "Chỉ tiêu {} của {}: {}.\nKết quả đến nay: {} (mục tiêu ≥ {}); {}.\nXem chi tiết tại trang Kế hoạch CCHC của hệ thống.",
                                    t.id, card.title, t.text, shown(t.value, &t.measure),
                                    shown(Some(t.threshold), &t.measure), status_label(t.status)
                                ),
                            })
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                store::Observed {
                    target_id: t.id.clone(),
                    status: t.status.to_owned(),
                    messages_if_changed: messages,
                }
            })
            .collect();
        changed += store::observe(&state.db, agency.id, plan.id, seen)
            .await?
            .len();
    }
    Ok(changed)
}

/// Points with two decimals and a decimal comma, or a dash.
fn points(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |s| format!("{s:.2}").replace('.', ","))
}

/// The scorecard as the report "Báo cáo kết quả thực hiện Kế hoạch cải cách hành chính năm …"
/// (PDF, typst), with a bar chart per field and the units' ranking.
pub async fn report_pdf(
    state: &AppState,
    card: &Scorecard,
    org: &crate::state::OrgSnapshot,
    agency_id: Uuid,
) -> anyhow::Result<Vec<u8>> {
    let index = crate::index766::index(
        state,
        agency_id,
        crate::index766::IndexPeriod::over(Period {
            from: card.from,
            to: card.to,
        }),
    )
    .await?;
    let ranks = ranking(card, Some(&index), org);
    let agency = org.agency(agency_id).map_or("", |a| a.name.as_str());
    let now = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let mut fields: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for t in &card.targets {
        let label = field_label(&t.field).to_owned();
        let scale = if t.measure == "count" {
            (t.threshold * 1.5).max(t.value.unwrap_or_default())
        } else {
            1.0
        };
        let row = serde_json::json!({
            "id": t.id, "text": t.text, "value": shown(t.value, &t.measure),
            "threshold": format!("≥ {}", shown(Some(t.threshold), &t.measure)),
            "status": status_label(t.status),
            "bar": t.value.map(|v| (v / scale).clamp(0.0, 1.0)),
            "mark": (t.threshold / scale).clamp(0.0, 1.0),
            "ok": matches!(t.status, "met" | "on_track"),
        });
        match fields.iter_mut().find(|(l, _)| *l == label) {
            Some((_, rows)) => rows.push(row),
            None => fields.push((label, vec![row])),
        }
    }
    let mut counts = BTreeMap::new();
    for t in &card.targets {
        *counts.entry(t.status).or_insert(0usize) += 1;
    }
    let status_counts: Vec<serde_json::Value> = ["met", "on_track", "at_risk", "missed", "no_data"]
        .iter()
        .map(|c| serde_json::json!({"label": status_label(c), "n": counts.get(c).copied().unwrap_or(0)}))
        .collect();
    let data = serde_json::json!({
        "agency": agency,
        "place": "Hà Nội",
        "date_words": now.format("ngày %d tháng %m năm %Y").to_string(),
        "title": format!("Kết quả thực hiện {}", card.title.replacen("Kế hoạch", "kế hoạch", 1)),
        "period": format!("{} – {}", card.from.format("%d/%m/%Y"), card.to.format("%d/%m/%Y")),
        "counts": status_counts,
        "fields": fields.into_iter().map(|(label, rows)| serde_json::json!({"label": label, "rows": rows})).collect::<Vec<_>>(),
        "ranking": ranks.iter().map(|u| serde_json::json!({
            "rank": u.rank, "name": u.name,
            "score": points(u.score),
            "index766": points(u.index766),
            "overall": points(u.overall),
            "below": u.below.iter().map(String::as_str).chain(u.index766_below.iter().copied()).collect::<Vec<_>>().join(", "),
        })).collect::<Vec<_>>(),
        "rule": RANKING_RULE,
        "index_label": index.label,
        "index_rule": index.rule,
        "index": index.agency.indicators.iter().map(|i| serde_json::json!({
            "id": i.id, "name": i.name,
            "value": match (i.id, i.value) {
                (_, None) => "chưa có dữ liệu".to_owned(),
                ("2.2", Some(v)) => format!("{v:.2} ngày").replace('.', ","),
                (_, Some(v)) => shown(Some(v), "share"),
            },
            "threshold": format!("{}{}", shown(Some(i.threshold), "share"), if i.threshold_stated { "" } else { "*" }),
            "score": match (i.score, i.max) {
                (Some(s), Some(m)) => format!("{} / {}", points(Some(s)), points(Some(m))),
                _ => "—".to_owned(),
            },
        })).collect::<Vec<_>>(),
    });
    tokio::task::spawn_blocking(move || motcua_forms::report::render(&data))
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))
}
