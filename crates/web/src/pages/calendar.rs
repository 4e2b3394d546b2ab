//! The admin's view of the working calendar: a year's days off and working weekend days, and the
//! form that records a correction (audited; applies to calculations made from then on).

use super::{Layout, html};
use crate::auth::{CsrfToken, ManageCalendar, PageUser, Viewer, verify_csrf};
use crate::error::{FieldError, PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use motcua_domain::calendar::lunar::{MAX_YEAR, MIN_YEAR};
use motcua_domain::calendar::{DayKind, RecordedDay, ScheduledDay};
use serde::Deserialize;

pub struct DayRow {
    date: String,
    iso: String,
    weekday: &'static str,
    name: String,
    source: String,
    corrected: bool,
}

#[derive(Default)]
pub struct DayForm {
    date: String,
    kind: String,
    name: String,
    source: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    year: i32,
    off: Vec<DayRow>,
    work: Vec<DayRow>,
    notice: String,
    form: DayForm,
    errors: Vec<FieldError>,
}

impl CalendarPage {
    fn error_for(&self, field: &str) -> String {
        crate::error::message_for(&self.errors, field)
    }
}

fn weekday_vi(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    year: i32,
    notice: String,
    form: DayForm,
    errors: Vec<FieldError>,
) -> PageResult<CalendarPage> {
    let l = Layout::build(state, viewer, csrf, "/admin/calendar").await;
    let schedule = state
        .year_schedule(year)
        .map_err(|e| PageError::Internal(anyhow::anyhow!(e)))?;
    let corrections = state.calendar().corrections.clone();
    let row = |d: ScheduledDay| DayRow {
        date: d.date.format("%d/%m/%Y").to_string(),
        iso: d.date.to_string(),
        weekday: weekday_vi(d.date),
        corrected: corrections.iter().any(|c| c.date == d.date),
        name: d.name,
        source: d.source,
    };
    Ok(CalendarPage {
        l,
        year,
        off: schedule.non_working_weekdays.into_iter().map(row).collect(),
        work: schedule.working_weekend_days.into_iter().map(row).collect(),
        notice,
        form,
        errors,
    })
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    removed: Option<String>,
}

fn this_year() -> i32 {
    chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year()
}

pub async fn get(
    State(state): State<AppState>,
    _user: PageUser<ManageCalendar>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<YearQuery>,
) -> PageResult<Response> {
    let year = q.year.unwrap_or_else(this_year).clamp(MIN_YEAR, MAX_YEAR);
    let notice = match (q.saved, q.removed) {
        (Some(_), _) => "Đã ghi điều chỉnh; các tính toán từ bây giờ dùng lịch mới.".to_owned(),
        (_, Some(_)) => "Đã bỏ điều chỉnh.".to_owned(),
        _ => String::new(),
    };
    let p = page(
        &state,
        &viewer,
        &csrf,
        year,
        notice,
        DayForm {
            kind: "off".into(),
            ..DayForm::default()
        },
        Vec::new(),
    )
    .await?;
    Ok(html(StatusCode::OK, &p))
}

#[derive(Deserialize)]
pub struct DayFormInput {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    source: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn post(
    State(state): State<AppState>,
    user: PageUser<ManageCalendar>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    Form(f): Form<DayFormInput>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    let mut errors = Vec::new();
    let date = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&d.year()));
    if date.is_none() {
        errors.push(FieldError::new(
            "date",
            "Chọn một ngày có thật trong khoảng 1900–2199.",
        ));
    }
    let kind = DayKind::parse(&f.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "Chọn loại ngày."));
    }
    if f.name.trim().is_empty() || f.name.chars().count() > 200 {
        errors.push(FieldError::new("name", "Nhập lý do (tối đa 200 ký tự)."));
    }
    if f.source.trim().is_empty() || f.source.chars().count() > 1000 {
        errors.push(FieldError::new(
            "source",
            "Nhập căn cứ: số, ngày văn bản và đường dẫn (tối đa 1000 ký tự).",
        ));
    }
    match (date, kind) {
        (Some(date), Some(kind)) if errors.is_empty() => {
            let day = RecordedDay {
                date,
                kind,
                name: f.name.trim().to_owned(),
                source: f.source.trim().to_owned(),
            };
            motcua_app::calendar::record_day(&state, &user.caller.actor(), day).await?;
            Ok(
                Redirect::to(&format!("/admin/calendar?year={}&saved=1", date.year()))
                    .into_response(),
            )
        }
        _ => {
            let year = date.map_or_else(this_year, |d| d.year());
            let form = DayForm {
                date: f.date,
                kind: f.kind,
                name: f.name,
                source: f.source,
            };
            let p = page(&state, &viewer, &csrf, year, String::new(), form, errors).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

pub async fn remove(
    State(state): State<AppState>,
    user: PageUser<ManageCalendar>,
    method: Method,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    let date = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| PageError::NotFound)?;
    motcua_app::calendar::remove_day(&state, &user.caller.actor(), date).await?;
    Ok(Redirect::to(&format!("/admin/calendar?year={}&removed=1", date.year())).into_response())
}
