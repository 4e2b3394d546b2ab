//! `/ke-hoach/chi-so-766`: the Decision 766/QĐ-TTg service-quality index of the agency and its
//! receiving units by month, quarter or year; `/ke-hoach/don-vi/{unit}`: one unit's targets, its
//! place in the ranking (M3), its index and what pulls it down.

use super::{Layout, html};
use crate::auth::{CsrfToken, PageUser, ViewScorecard, Viewer};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use motcua_app::index766::{IndexPeriod, IndicatorValue, UnitIndex, index};
use motcua_app::plan::{shown, status_label};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct IndexQuery {
    /// `2026-05`, `2026-Q2` or `2026`.
    #[serde(default)]
    ky: Option<String>,
    #[serde(default)]
    nam: Option<i32>,
}

pub struct IndicatorRow {
    pub id: &'static str,
    pub name: &'static str,
    pub formula: &'static str,
    pub value: String,
    pub fraction: String,
    pub threshold: String,
    pub score: String,
    /// Bar width (value / threshold, at most full) and whether it is at full marks, in a
    /// 200-wide box; `None` without a rate.
    pub bar: Option<u32>,
    pub full: bool,
}

pub struct GroupRow {
    pub number: u8,
    pub name: &'static str,
    pub score: String,
    pub rows: Vec<IndicatorRow>,
}

fn rows_of(u: &UnitIndex) -> Vec<GroupRow> {
    let number = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}").replace('.', ",")
        }
    };
    let row = |i: &IndicatorValue| IndicatorRow {
        id: i.id,
        name: i.name,
        formula: i.formula,
        value: match (i.id, i.value, &i.no_data) {
            ("2.2", Some(v), _) => format!("{} ngày làm việc", number(v)),
            (_, Some(v), _) => shown(Some(v), "share"),
            (_, None, Some(why)) => format!("Chưa có dữ liệu: {why}"),
            _ => "Chưa có dữ liệu".to_owned(),
        },
        fraction: match (i.id, i.numerator, i.denominator) {
            ("2.2", _, Some(d)) => format!("{} hồ sơ", number(d)),
            (_, Some(n), Some(d)) => format!("{} / {}", number(n), number(d)),
            _ => String::new(),
        },
        threshold: if i.id == "2.2" {
            "không chấm điểm".to_owned()
        } else if i.threshold_stated {
            shown(Some(i.threshold), "share")
        } else {
            format!("{} (nguồn không nêu)", shown(Some(i.threshold), "share"))
        },
        score: match (i.score, i.max) {
            (Some(s), Some(m)) => format!("{} / {}", number(s), number(m)),
            (None, Some(m)) => format!("— / {}", number(m)),
            _ => "chưa có thang điểm".to_owned(),
        },
        bar: i.attainment.map(|a| (a * 2.0).round() as u32),
        full: i.attainment.is_some_and(|a| a >= 100.0),
    };
    u.groups
        .iter()
        .map(|g| GroupRow {
            number: g.number,
            name: g.name,
            score: if g.scored_max > 0.0 {
                format!(
                    "{} / {} điểm đã chấm (tối đa của nhóm: {})",
                    number(g.score),
                    number(g.scored_max),
                    number(g.max)
                )
            } else {
                format!("chưa chấm điểm (tối đa của nhóm: {})", number(g.max))
            },
            rows: u
                .indicators
                .iter()
                .filter(|i| i.group == g.number)
                .map(row)
                .collect(),
        })
        .collect()
}

pub struct UnitRow {
    pub id: String,
    pub name: String,
    pub attainment: String,
    pub below: String,
}

#[derive(Template)]
#[template(path = "index766.html")]
struct IndexPage {
    l: Layout,
    period: String,
    label: String,
    error: String,
    rule: &'static str,
    agency: String,
    attainment: String,
    groups: Vec<GroupRow>,
    units: Vec<UnitRow>,
    year: i32,
}

fn attainment_of(a: Option<f64>) -> String {
    a.map_or_else(|| "—".to_owned(), |a| format!("{a:.2}").replace('.', ","))
}

/// The period asked for (or this quarter) and the message when it could not be read.
fn period_of(ky: Option<&str>) -> (IndexPeriod, String) {
    let today = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .date_naive();
    match ky.map(str::trim).filter(|s| !s.is_empty()) {
        None => (IndexPeriod::current_quarter(today), String::new()),
        Some(s) => match IndexPeriod::parse(s) {
            Some(p) => (p, String::new()),
            None => (
                IndexPeriod::current_quarter(today),
                "Kỳ là tháng (2026-05), quý (2026-Q2) hoặc năm (2026); đang hiển thị quý này."
                    .to_owned(),
            ),
        },
    }
}

pub async fn get(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<IndexQuery>,
) -> PageResult<Response> {
    let (period, error) = period_of(q.ky.as_deref());
    let idx = index(&state, user.caller.user.agency_id, period)
        .await
        .map_err(PageError::Internal)?;
    let page = IndexPage {
        l: Layout::build(&state, &viewer, &csrf, "/ke-hoach").await,
        period: idx.period.clone(),
        label: idx.label.clone(),
        error,
        rule: idx.rule,
        agency: idx.agency.name.clone(),
        attainment: attainment_of(idx.agency.attainment),
        groups: rows_of(&idx.agency),
        units: idx
            .units
            .iter()
            .map(|u| UnitRow {
                id: u.unit_id.map(|i| i.to_string()).unwrap_or_default(),
                name: u.name.clone(),
                attainment: attainment_of(u.attainment),
                below: u.below.join(", "),
            })
            .collect(),
        year: period.months.from.year(),
    };
    Ok(html(StatusCode::OK, &page))
}

pub struct TargetRow {
    pub id: String,
    pub text: String,
    pub value: String,
    pub threshold: String,
    pub status: &'static str,
    pub below: bool,
}

#[derive(Template)]
#[template(path = "unit_result.html")]
struct UnitPage {
    l: Layout,
    year: i32,
    name: String,
    rank: String,
    score: String,
    index766: String,
    overall: String,
    rule: &'static str,
    targets: Vec<TargetRow>,
    below: Vec<String>,
    groups: Vec<GroupRow>,
    index_label: String,
}

/// `/ke-hoach/don-vi/{unit}?nam=Y`: a unit's targets of the year's plan, its ranking and its
/// index over the year, with what pulls it down first.
pub async fn unit(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(q): Query<IndexQuery>,
) -> PageResult<Response> {
    let year = q.nam.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .year()
    });
    let s = motcua_app::plan::standing(&state, user.caller.user.agency_id, &id, year).await?;
    let mine = s.rank();
    let targets = s
        .targets()
        .map(|t| TargetRow {
            id: t.id.clone(),
            text: t.text.clone(),
            value: shown(t.value, &t.measure),
            threshold: format!("≥ {}", shown(Some(t.threshold), &t.measure)),
            status: status_label(t.status),
            below: mine.is_some_and(|m| m.below.contains(&t.id)),
        })
        .collect();
    let below = below_lines(&s);
    let page = UnitPage {
        l: Layout::build(&state, &viewer, &csrf, "/ke-hoach").await,
        year,
        name: s.unit.name.clone(),
        rank: mine.map_or_else(
            || "chưa xếp hạng".to_owned(),
            |m| format!("{} / {}", m.rank, s.ranks.len()),
        ),
        score: attainment_of(mine.and_then(|m| m.score)),
        index766: attainment_of(s.unit_index.attainment),
        overall: attainment_of(mine.and_then(|m| m.overall)),
        rule: motcua_app::plan::RANKING_RULE,
        targets,
        below,
        groups: rows_of(&s.unit_index),
        index_label: s.index.label.clone(),
    };
    Ok(html(StatusCode::OK, &page))
}

/// What pulls the unit down, one line each: its targets below their threshold (lowest first),
/// then its Decision 766 indicators below their threshold.
fn below_lines(s: &motcua_app::plan::Standing) -> Vec<String> {
    let mut below = Vec::new();
    for t in s.rank().map(|m| m.below.as_slice()).unwrap_or_default() {
        if let Some(tv) = s.target(t) {
            below.push(format!(
                "Chỉ tiêu {t}: {} (mục tiêu ≥ {})",
                shown(tv.value, &tv.measure),
                shown(Some(tv.threshold), &tv.measure)
            ));
        }
    }
    for i in &s.unit_index.below {
        if let Some(v) = s.unit_index.indicators.iter().find(|x| x.id == *i) {
            below.push(format!(
                "Chỉ số 766 {i} — {}: {} (ngưỡng {})",
                v.name,
                shown(v.value, "share"),
                shown(Some(v.threshold), "share")
            ));
        }
    }
    below
}
