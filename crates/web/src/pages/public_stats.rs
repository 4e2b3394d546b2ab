//! `/thong-ke`: the public statistics of dossier processing (seed T3.5 and P1: progress and
//! results published for everyone) by month, receiving unit and procedure — received, on time,
//! late, the online and postal shares — with server-drawn charts beside the same figures in
//! tables, and the table as CSV (`/thong-ke/tai-ve.csv`). Aggregates of the live counters only:
//! no dossier and no person can be picked out.

use super::{Layout, html, vn_count};
use crate::auth::{CsrfToken, Viewer};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use motcua_app::portal::Sums;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    /// First and last month, `YYYY-MM`.
    #[serde(default)]
    tu: String,
    #[serde(default)]
    den: String,
    /// A receiving unit's code.
    #[serde(default)]
    don_vi: String,
    /// A procedure's code.
    #[serde(default)]
    thu_tuc: String,
}

fn share(n: i64, d: i64) -> String {
    if d == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

/// A line as the page shows it.
pub struct Line {
    pub label: String,
    pub received: String,
    pub online: String,
    pub postal: String,
    pub in_time: String,
    pub late: String,
    pub on_time_share: String,
    /// Bar widths (of 300) for received and resolved on time.
    pub bar: u32,
    pub bar_ok: u32,
}

fn lines(groups: &BTreeMap<String, Sums>, labels: &dyn Fn(&str) -> String) -> Vec<Line> {
    let max = groups
        .values()
        .map(|s| s.received)
        .max()
        .unwrap_or(0)
        .max(1);
    groups
        .iter()
        .map(|(k, s)| Line {
            label: labels(k),
            received: vn_count(s.received),
            online: share(s.online, s.received),
            postal: share(s.postal, s.received),
            in_time: vn_count(s.in_time),
            late: vn_count(s.late),
            on_time_share: share(s.in_time, s.in_time + s.late),
            bar: (s.received as f64 / max as f64 * 300.0).round() as u32,
            bar_ok: ((s.in_time + s.late) as f64 / max as f64
                * 300.0
                * if s.in_time + s.late > 0 {
                    s.in_time as f64 / (s.in_time + s.late) as f64
                } else {
                    0.0
                })
            .round() as u32,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public_stats.html")]
struct StatsPage {
    l: Layout,
    from: String,
    to: String,
    unit: String,
    procedure: String,
    units: Vec<(String, String)>,
    error: String,
    total: Line,
    months: Vec<Line>,
    by_unit: Vec<Line>,
    by_procedure: Vec<Line>,
    csv: String,
}

struct Selection {
    from: i32,
    to: i32,
    from_s: String,
    to_s: String,
    unit: Option<Uuid>,
    procedure: Option<String>,
    error: String,
}

fn select(
    state: &AppState,
    q: &StatsQuery,
    org: &crate::state::OrgSnapshot,
    agency: Uuid,
) -> Selection {
    let now = state.now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let parse = |s: &str| {
        chrono::NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&d.year()))
            .map(|d| d.year() * 100 + d.month() as i32)
    };
    let default_from = now.year() * 100 + 1;
    let default_to = now.year() * 100 + now.month() as i32;
    let mut error = String::new();
    let (mut from, mut to) = (
        if q.tu.trim().is_empty() {
            Some(default_from)
        } else {
            parse(&q.tu)
        },
        if q.den.trim().is_empty() {
            Some(default_to)
        } else {
            parse(&q.den)
        },
    );
    if !matches!((from, to), (Some(f), Some(t)) if f <= t && t - f < 1000) {
        error = "Chọn tháng đầu và tháng cuối (tháng cuối không trước tháng đầu, tối đa 10 năm); đang hiển thị năm nay.".into();
        from = Some(default_from);
        to = Some(default_to);
    }
    let (from, to) = (from.unwrap_or(default_from), to.unwrap_or(default_to));
    let unit = if q.don_vi.trim().is_empty() {
        None
    } else {
        match org.unit(&q.don_vi).filter(|u| u.agency_id == agency) {
            Some(u) => Some(u.id),
            None => {
                error = "Không có đơn vị này; đang hiển thị mọi đơn vị.".into();
                None
            }
        }
    };
    let procedure = Some(q.thu_tuc.trim().to_owned()).filter(|c| {
        !c.is_empty()
            && c.len() <= 40
            && c.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    });
    if procedure.is_none() && !q.thu_tuc.trim().is_empty() {
        error = "Mã thủ tục gồm chữ số và dấu chấm, ví dụ 1.004495.".into();
    }
    let fmt = |m: i32| format!("{:04}-{:02}", m / 100, m % 100);
    Selection {
        from,
        to,
        from_s: fmt(from),
        to_s: fmt(to),
        unit,
        procedure,
        error,
    }
}

/// `GET /thong-ke?tu=&den=&don_vi=&thu_tuc=`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<StatsQuery>,
) -> PageResult<Response> {
    let agency = motcua_app::portal::news::agency(&state).await?;
    let org = state.org().await?;
    let s = select(&state, &q, &org, agency);
    let rows = motcua_app::portal::statistics(
        &state,
        agency,
        (s.from, s.to),
        s.unit,
        s.procedure.as_deref(),
    )
    .await?;
    let mut total = Sums::default();
    let (mut months, mut units, mut procedures): (
        BTreeMap<String, Sums>,
        BTreeMap<String, Sums>,
        BTreeMap<String, Sums>,
    ) = Default::default();
    for r in &rows {
        total.add(r);
        months
            .entry(format!("{:04}-{:02}", r.month / 100, r.month % 100))
            .or_default()
            .add(r);
        units.entry(r.unit_id.to_string()).or_default().add(r);
        procedures
            .entry(r.procedure_code.clone())
            .or_default()
            .add(r);
    }
    let unit_name = |k: &str| {
        Uuid::parse_str(k)
            .ok()
            .and_then(|id| org.unit_by_id(id))
            .map_or_else(|| k.to_owned(), |u| u.name.clone())
    };
    let month_label = |k: &str| {
        let (y, m) = k.split_once('-').unwrap_or((k, ""));
        format!("{}/{y}", m.trim_start_matches('0'))
    };
    let mut total_map = BTreeMap::new();
    total_map.insert("Tổng".to_owned(), total);
    let query = |k: &str, v: &str| {
        format!(
            "{k}={}",
            form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
        )
    };
    let unit_code = s
        .unit
        .and_then(|u| org.unit_by_id(u))
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let csv = format!(
        "/thong-ke/tai-ve.csv?{}&amp;{}&amp;{}&amp;{}",
        query("tu", &s.from_s),
        query("den", &s.to_s),
        query("don_vi", &unit_code),
        query("thu_tuc", s.procedure.as_deref().unwrap_or_default())
    );
    let page = StatsPage {
        l: Layout::build(&state, &viewer, &csrf, "/thong-ke").await,
        from: s.from_s.clone(),
        to: s.to_s.clone(),
        unit: unit_code,
        procedure: s.procedure.clone().unwrap_or_default(),
        units: org
            .units
            .iter()
            .filter(|u| u.agency_id == agency)
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        error: s.error,
        total: lines(&total_map, &|k| k.to_owned()).remove(0),
        months: lines(&months, &month_label),
        by_unit: lines(&units, &unit_name),
        by_procedure: lines(&procedures, &|k| k.to_owned()),
        csv,
    };
    Ok(html(StatusCode::OK, &page))
}

/// `GET /thong-ke/tai-ve.csv`: one line per month, unit and procedure (UTF-8 with BOM, `;`).
pub async fn csv(
    State(state): State<AppState>,
    Query(q): Query<StatsQuery>,
) -> PageResult<Response> {
    let agency = motcua_app::portal::news::agency(&state).await?;
    let org = state.org().await?;
    let s = select(&state, &q, &org, agency);
    let rows = motcua_app::portal::statistics(
        &state,
        agency,
        (s.from, s.to),
        s.unit,
        s.procedure.as_deref(),
    )
    .await?;
    let mut groups: BTreeMap<(i32, String, String), Sums> = BTreeMap::new();
    for r in &rows {
        let unit = org
            .unit_by_id(r.unit_id)
            .map_or_else(|| r.unit_id.to_string(), |u| u.name.clone());
        groups
            .entry((r.month, unit, r.procedure_code.clone()))
            .or_default()
            .add(r);
    }
    let header = [
        "Tháng",
        "Đơn vị",
        "Mã thủ tục",
        "Tiếp nhận",
        "Nộp trực tuyến",
        "Nhận qua bưu chính",
        "Giải quyết đúng hạn, trước hạn",
        "Giải quyết trễ hạn",
        "Đã trả kết quả",
    ];
    let lines: Vec<Vec<String>> = groups
        .iter()
        .map(|((m, u, p), s)| {
            vec![
                format!("{:04}-{:02}", m / 100, m % 100),
                u.clone(),
                p.clone(),
                s.received.to_string(),
                s.online.to_string(),
                s.postal.to_string(),
                s.in_time.to_string(),
                s.late.to_string(),
                s.returned.to_string(),
            ]
        })
        .collect();
    let bytes = motcua_render::table::csv(&header, &lines)
        .map_err(|e| PageError::Internal(anyhow::anyhow!(e)))?;
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"thong-ke-ho-so-{}-{}.csv\"",
        s.from_s, s.to_s
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
