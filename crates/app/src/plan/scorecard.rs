//! The reform scorecard: every target of a year's plan, live from motcua's records
//! (docs/INDICATORS.md gives each formula with its legal source).
//!
//! The dossier targets are read from the live counters (`dossier_stat`, moved in the same
//! transaction as each event), so a year's scorecard costs a few grouped sums whatever the number
//! of dossiers; `raw` recomputes them from the dossiers and their event log, which
//! `motcua scorecard verify` compares with the live figures. The catalogue targets (T3.1–T3.3) are
//! as the catalogue stands; the e-office targets (T7.1, T7.2) come from the document registers of
//! the year. Targets measured on registers not kept yet are "no data".

use super::measures::{
    Fraction, catalogue, dossier_forecasts, dossier_fractions, fraction_of, review_fraction,
};
use crate::App;
use chrono::NaiveDate;
use motcua_domain::plan::period::Period;
use motcua_domain::plan::{Field, Measure, Status, status};
use motcua_store::plan as store;
use serde::Serialize;
use uuid::Uuid;

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

/// The scorecard of the agency's plan for `year` over `period`.
pub async fn scorecard(
    app: &App,
    agency_id: Uuid,
    year: i32,
    period: Period,
) -> anyhow::Result<Option<Scorecard>> {
    let Some(plan) = store::plan_of(app.db.conn(), agency_id, year).await? else {
        return Ok(None);
    };
    let targets = store::targets(app.db.conn(), plan.id).await?;
    let catalogue = catalogue(app).await?;
    let dossiers = dossier_fractions(app, agency_id, period, &catalogue).await?;
    let today = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .date_naive();
    let forecasts = dossier_forecasts(app, agency_id, period, today).await?;
    let (t31, t32) = (catalogue.t3_1, catalogue.t3_2);
    let (t33, t33_note) = review_fraction(app, year).await?;
    let docs = crate::document::indicators::indicators(app, agency_id, year).await?;
    let register_items =
        motcua_store::register::items(app.db.conn(), agency_id, year, None).await?;
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
pub async fn seed_plan(app: &App, agency_id: Uuid, year: i32) -> anyhow::Result<store::NewPlan> {
    let org = app.org().await?;
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
