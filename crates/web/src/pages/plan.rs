//! `/ke-hoach`: the scorecard of a year's reform plan — each target with its figure, the
//! threshold, its status and the unit answerable for it, by field, with a bar drawn on the server
//! as accessible SVG beside the same numbers in the table (no JavaScript).

use super::{Layout, html};
use crate::auth::{CsrfToken, PageUser, ViewScorecard, Viewer};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use motcua_app::OrgSnapshot;
use motcua_app::plan::{
    Period, Scorecard, TargetValue, field_label, scorecard, shown, status_label,
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    nam: Option<i32>,
    /// First and last month, `YYYY-MM`.
    #[serde(default)]
    tu: Option<String>,
    #[serde(default)]
    den: Option<String>,
    /// `xlsx` or `csv` for `/ke-hoach/tai-ve`.
    #[serde(default)]
    dinh_dang: Option<String>,
}

struct Row {
    id: String,
    text: String,
    value: String,
    /// The period-end forecast, when the target has one.
    forecast: String,
    threshold: String,
    fraction: String,
    status: String,
    status_label: &'static str,
    unit: String,
    note: String,
    /// The bar: width of the value and x of the threshold, in a 200-wide box.
    bar: u32,
    mark: u32,
    /// Where the records behind the figure are.
    link: String,
}

/// The page holding the records behind a target's figure.
fn records_of(source: &str, year: i32) -> String {
    match source.split_once(':') {
        Some(("register", r)) => format!("/ke-hoach/so/{r}?nam={year}"),
        Some(("formula", "t3_1" | "t3_2")) => "/admin/catalog".to_owned(),
        Some(("formula", "t3_3")) => "/admin/review-plans".to_owned(),
        Some(("formula", "t7_1" | "t7_2")) => format!("/van-ban?nam={year}"),
        Some(("formula", f)) => format!(
            "/ke-hoach/ho-so/{}?nam={year}",
            f.replace('_', ".").to_uppercase()
        ),
        _ => String::new(),
    }
}

struct FieldGroup {
    label: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    l: Layout,
    year: i32,
    years: Vec<i32>,
    title: String,
    period: String,
    from: String,
    to: String,
    error: String,
    groups: Vec<FieldGroup>,
    counts: Vec<(&'static str, &'static str, usize)>,
    rule: &'static str,
    ranks: Vec<motcua_app::plan::UnitRank>,
}

pub async fn get(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<PlanQuery>,
) -> PageResult<Response> {
    let agency_id = user.caller.user.agency_id;
    let years = motcua_app::plan::targets::years(&state, agency_id).await?;
    let this_year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let year = chosen_year(&years, q.nam, this_year);
    let l = Layout::build(&state, &viewer, &csrf, "/ke-hoach").await;
    let Some(year) = year else {
        let page = ScorecardPage {
            l,
            year: this_year,
            years,
            title: String::new(),
            period: String::new(),
            from: String::new(),
            to: String::new(),
            error: "Chưa có kế hoạch cải cách hành chính nào; bộ phận CCHC tạo kế hoạch năm (POST /api/v1/plans).".into(),
            groups: Vec::new(),
            counts: Vec::new(),
            rule: motcua_app::plan::RANKING_RULE,
            ranks: Vec::new(),
        };
        return Ok(html(StatusCode::OK, &page));
    };
    let whole = Period::year(year).ok_or(PageError::NotFound)?;
    let (period, error) = period_of(&q, year, whole);
    let card = scorecard(&state, agency_id, year, period)
        .await
        .map_err(PageError::Internal)?
        .ok_or(PageError::NotFound)?;
    let org = state.org().await?;
    let index = motcua_app::index766::index(
        &state,
        agency_id,
        motcua_app::index766::IndexPeriod::over(period),
    )
    .await
    .map_err(PageError::Internal)?;
    let ranks = motcua_app::plan::ranking(&card, Some(&index), &org);
    let (groups, counts) = groups_of(&card, &org, year);
    let page = ScorecardPage {
        l,
        year,
        years,
        title: card.title,
        period: format!(
            "{} – {}",
            card.from.format("%d/%m/%Y"),
            card.to.format("%d/%m/%Y")
        ),
        from: card.from.format("%Y-%m").to_string(),
        to: card.to.format("%Y-%m").to_string(),
        error,
        groups,
        counts,
        rule: motcua_app::plan::RANKING_RULE,
        ranks,
    };
    Ok(html(StatusCode::OK, &page))
}

/// The year shown: the one asked for when a plan exists for it, else the latest plan not after
/// this year, else the first.
fn chosen_year(years: &[i32], asked: Option<i32>, this_year: i32) -> Option<i32> {
    asked
        .filter(|y| years.contains(y))
        .or_else(|| years.iter().copied().find(|y| *y <= this_year))
        .or_else(|| years.first().copied())
}

/// The period asked for (`tu`, `den` as year-month, each defaulting to the year's end), or the
/// whole year with the reason when it is not a period.
fn period_of(q: &PlanQuery, year: i32, whole: Period) -> (Period, String) {
    match (q.tu.as_deref(), q.den.as_deref()) {
        (None | Some(""), None | Some("")) => (whole, String::new()),
        (from, to) => match Period::months(
            from.filter(|s| !s.is_empty())
                .unwrap_or(&format!("{year}-01")),
            to.filter(|s| !s.is_empty())
                .unwrap_or(&format!("{year}-12")),
        ) {
            Some(p) => (p, String::new()),
            None => (
                whole,
                "Kỳ theo tháng (năm-tháng), tháng đầu không sau tháng cuối; đang hiển thị cả năm."
                    .to_owned(),
            ),
        },
    }
}

/// The scorecard's rows grouped by field of the plan, and how many targets stand in each status.
fn groups_of(
    card: &Scorecard,
    org: &OrgSnapshot,
    year: i32,
) -> (Vec<FieldGroup>, Vec<(&'static str, &'static str, usize)>) {
    let mut groups: Vec<FieldGroup> = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    for t in &card.targets {
        *counts.entry(t.status).or_insert(0usize) += 1;
        let row = row_of(t, card, org, year);
        let label = field_label(&t.field);
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.rows.push(row),
            None => groups.push(FieldGroup {
                label,
                rows: vec![row],
            }),
        }
    }
    let counts = ["met", "on_track", "at_risk", "missed", "no_data"]
        .into_iter()
        .map(|c| (c, status_label(c), counts.get(c).copied().unwrap_or(0)))
        .collect();
    (groups, counts)
}

/// One target as its row shows it: value, forecast, threshold, fraction, the bar and the
/// threshold's mark (a count's scale reaches one and a half times its threshold), the unit
/// answerable and the link to the records behind it.
fn row_of(t: &TargetValue, card: &Scorecard, org: &OrgSnapshot, year: i32) -> Row {
    let scale = if t.measure == "count" {
        (t.threshold * 1.5).max(t.value.unwrap_or_default())
    } else {
        1.0
    };
    let px = |v: f64| ((v / scale).clamp(0.0, 1.0) * 200.0).round() as u32;
    Row {
        id: t.id.clone(),
        text: t.text.clone(),
        value: shown(t.value, &t.measure),
        forecast: t
            .forecast
            .map(|f| shown(Some(f), &t.measure))
            .unwrap_or_default(),
        threshold: format!("≥ {}", shown(Some(t.threshold), &t.measure)),
        fraction: match (t.numerator, t.denominator) {
            (Some(n), Some(d)) if t.measure == "share" => format!("{n} / {d}"),
            _ => String::new(),
        },
        status: t.status.to_owned(),
        status_label: status_label(t.status),
        unit: t
            .responsible_unit_id
            .and_then(|u| org.unit_by_id(u))
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        note: t.note.clone(),
        bar: t.value.map_or(0, px),
        mark: px(t.threshold),
        link: match records_of(&t.source, year) {
            l if l.starts_with("/ke-hoach/ho-so/") => format!(
                "{l}&tu={}&den={}",
                card.from.format("%Y-%m"),
                card.to.format("%Y-%m")
            ),
            l => l,
        },
    }
}

/// `/ke-hoach/tai-ve`: the scorecard of the page as XLSX or CSV, or the report with its charts (PDF).
pub async fn download(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    Query(q): Query<PlanQuery>,
) -> PageResult<Response> {
    let year = q.nam.ok_or(PageError::NotFound)?;
    let period = match (q.tu.as_deref(), q.den.as_deref()) {
        (Some(f), Some(t)) if !f.is_empty() && !t.is_empty() => Period::months(f, t),
        _ => Period::year(year),
    }
    .ok_or(PageError::NotFound)?;
    let format = match q.dinh_dang.as_deref() {
        Some(f @ ("xlsx" | "csv" | "pdf")) => f,
        _ => return Err(PageError::NotFound),
    };
    let card = scorecard(&state, user.caller.user.agency_id, year, period)
        .await
        .map_err(PageError::Internal)?
        .ok_or(PageError::NotFound)?;
    let org = state.org().await?;
    if format == "pdf" {
        let pdf = motcua_app::plan::report_pdf(&state, &card, &org, user.caller.user.agency_id)
            .await
            .map_err(PageError::Internal)?;
        return Ok(crate::download::file(motcua_app::plan::report_file(
            card.year, pdf,
        )));
    }
    let file = motcua_app::plan::scorecard_file(&card, &org, format)
        .map_err(|e| PageError::Internal(anyhow::anyhow!(e)))?;
    Ok(crate::download::file(file))
}

struct ItemRow {
    title: String,
    unit: String,
    due: String,
    status: &'static str,
    amounts: String,
    evidence: usize,
    confirmed: String,
    note: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    year: i32,
    label: &'static str,
    figure: String,
    items: Vec<ItemRow>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    nam: Option<i32>,
}

/// `/ke-hoach/so/{register}`: a register's items of the year with their evidence and who
/// confirmed them — the records behind a target's figure.
pub async fn register_page(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    viewer: Viewer,
    csrf: CsrfToken,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(q): Query<YearQuery>,
) -> PageResult<Response> {
    let r = motcua_domain::plan::register(&id).ok_or(PageError::NotFound)?;
    let year = q.nam.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .year()
    });
    let agency_id = user.caller.user.agency_id;
    let items = motcua_app::plan::registers::items(&state, agency_id, year, Some(r.id)).await?;
    let org = state.org().await?;
    let accounts: std::collections::HashMap<uuid::Uuid, String> =
        motcua_app::account::list(&state, None)
            .await?
            .into_iter()
            .map(|a| (a.id, a.full_name))
            .collect();
    let figure = match motcua_app::plan::fraction_of(r.kind, &items) {
        None => "chưa có dữ liệu".to_owned(),
        Some((n, _)) if r.kind == motcua_domain::plan::RegisterKind::Count => format!("{n} đơn vị"),
        Some((n, d)) => format!("{n} / {d} — {}", shown(Some(n / d), "share")),
    };
    let page = RegisterPage {
        l: Layout::build(&state, &viewer, &csrf, "/ke-hoach").await,
        year,
        label: r.label,
        figure,
        items: items
            .iter()
            .map(|i| ItemRow {
                title: i.title.clone(),
                unit: i
                    .responsible_unit_id
                    .and_then(|u| org.unit_by_id(u))
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                due: i
                    .due_date
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
                status: motcua_domain::plan::item_status_label(&i.status),
                amounts: if r.kind == motcua_domain::plan::RegisterKind::Amount {
                    format!("{:.0} / {:.0}", i.actual_amount, i.planned_amount)
                } else {
                    String::new()
                },
                evidence: serde_json::from_str::<Vec<uuid::Uuid>>(&i.evidence)
                    .map(|v| v.len())
                    .unwrap_or(0),
                confirmed: match (i.confirmed_by, i.confirmed_at) {
                    (Some(who), Some(at)) => format!(
                        "{} — {}",
                        accounts.get(&who).cloned().unwrap_or_default(),
                        motcua_domain::time::format_vn(at)
                    ),
                    _ => String::new(),
                },
                note: i.note.clone(),
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page))
}

struct DossierRow {
    code: String,
    procedure: String,
    channel: &'static str,
    at: String,
    detail: String,
    counts: bool,
}

#[derive(Template)]
#[template(path = "plan_dossiers.html")]
struct DossiersPage {
    l: Layout,
    year: i32,
    id: String,
    text: String,
    period: String,
    what: &'static str,
    numerator_label: &'static str,
    total: i64,
    rows: Vec<DossierRow>,
    page: u64,
    pages: u64,
    query: String,
}

#[derive(Deserialize)]
pub struct DossiersQuery {
    #[serde(default)]
    nam: Option<i32>,
    #[serde(default)]
    tu: Option<String>,
    #[serde(default)]
    den: Option<String>,
    #[serde(default)]
    trang: Option<u64>,
}

/// `/ke-hoach/ho-so/{target}`: the dossiers behind a dossier target's figure for the period (the
/// events that make them count), each marked whether it counts in the numerator; codes only, no
/// personal data.
pub async fn dossiers_page(
    State(state): State<AppState>,
    user: PageUser<ViewScorecard>,
    viewer: Viewer,
    csrf: CsrfToken,
    axum::extract::Path(target): axum::extract::Path<String>,
    Query(q): Query<DossiersQuery>,
) -> PageResult<Response> {
    use motcua_app::plan::targets::{counts_toward, evidence_event};
    let action = evidence_event(&target).ok_or(PageError::NotFound)?;
    let (what, numerator_label) = match target.as_str() {
        "T3.4" => ("hồ sơ giải quyết trong kỳ", "Trước hạn, đúng hạn"),
        "T3.5" => ("hồ sơ nộp trong kỳ", "Công khai tiến độ"),
        "T7.3" | "T7.4" => ("hồ sơ nộp trong kỳ", "Nộp trực tuyến"),
        "T7.5" | "T7.6" => ("hồ sơ nộp trong kỳ", "Tiếp nhận qua bưu chính"),
        _ => ("kết quả trả trong kỳ", "Trả qua bưu chính"),
    };
    let year = q.nam.ok_or(PageError::NotFound)?;
    let period = match (q.tu.as_deref(), q.den.as_deref()) {
        (Some(f), Some(t)) if !f.is_empty() && !t.is_empty() => Period::months(f, t),
        _ => Period::year(year),
    }
    .ok_or(PageError::NotFound)?;
    let agency_id = user.caller.user.agency_id;
    let plan = motcua_app::plan::targets::plan_of(&state, agency_id, year).await?;
    let text = plan
        .targets
        .into_iter()
        .find(|t| t.target_id == target)
        .map(|t| t.text)
        .unwrap_or_default();
    let per_page = 100u64;
    let page = q.trang.unwrap_or(1).max(1);
    let (found, total) = motcua_app::plan::targets::counted(
        &state,
        agency_id,
        action,
        period,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    let rows = found
        .into_iter()
        .map(|d| dossier_row(counts_toward(&target, &d), action, d))
        .collect();
    let page_view = DossiersPage {
        l: Layout::build(&state, &viewer, &csrf, "/ke-hoach").await,
        year,
        text,
        period: format!(
            "{} – {}",
            period.from.format("%d/%m/%Y"),
            period.to.format("%d/%m/%Y")
        ),
        what,
        numerator_label,
        total,
        rows,
        page,
        pages: (u64::try_from(total).unwrap_or(0))
            .div_ceil(per_page)
            .max(1),
        query: format!(
            "nam={year}&tu={}&den={}",
            period.from.format("%Y-%m"),
            period.to.format("%Y-%m")
        ),
        id: target,
    };
    Ok(html(StatusCode::OK, &page_view))
}

/// One dossier behind a target's figure, and whether it counts toward the numerator.
fn dossier_row(counts: bool, action: &str, d: motcua_app::plan::targets::Counted) -> DossierRow {
    use motcua_domain::catalog::procedure::Channel;
    let label = |c: &str| Channel::parse(c).map_or("", Channel::label_vi);
    DossierRow {
        detail: match action {
            "resolve" => {
                motcua_app::dossier::outcome_label(d.outcome.as_deref().unwrap_or_default())
                    .to_owned()
            }
            "return_result" => format!("trả: {}", label(&d.return_channel)),
            _ => String::new(),
        },
        channel: label(&d.channel),
        at: motcua_domain::time::format_vn(d.at),
        code: d.code,
        procedure: d.procedure_code,
        counts,
    }
}
