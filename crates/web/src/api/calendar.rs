//! The working calendar: `GET /api/v1/calendar/{year}`, `GET /api/v1/deadline` (public), and the
//! admin's corrections `PUT|DELETE /api/v1/calendar/days/{date}`.

use super::ErrorEnvelope;
use crate::auth::{Api, ClientIp, ManageCalendar};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::signin::limiter_key;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use motcua_domain::calendar::lunar::{MAX_YEAR, MIN_YEAR};
use motcua_domain::calendar::{DayKind, RecordedDay, ScheduledDay, WorkDuration, YearSchedule};
use motcua_domain::time::VN_OFFSET;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD`
    date: String,
    name: String,
    /// The notice (number, date, link) or the article of law.
    source: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearView {
    year: i32,
    /// Every Monday–Friday that state agencies do not work.
    non_working_weekdays: Vec<DayView>,
    /// Every Saturday or Sunday they work.
    working_weekend_days: Vec<DayView>,
}

fn day_view(d: ScheduledDay) -> DayView {
    DayView {
        date: d.date.to_string(),
        name: d.name,
        source: d.source,
    }
}

impl From<YearSchedule> for YearView {
    fn from(y: YearSchedule) -> Self {
        Self {
            year: y.year,
            non_working_weekdays: y.non_working_weekdays.into_iter().map(day_view).collect(),
            working_weekend_days: y.working_weekend_days.into_iter().map(day_view).collect(),
        }
    }
}

fn check_year(year: i32) -> ApiResult<()> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldError::new(
            "year",
            format!("năm phải từ {MIN_YEAR} đến {MAX_YEAR}"),
        )]))
    }
}

/// The days off and working weekend days of a year, as they apply now (the Government's schedule
/// where motcua has it, otherwise the Labour Code; then the admin's corrections).
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", operation_id = "get_calendar_year",
    params(("year" = i32, Path, description = "1900–2199")),
    responses((status = 200, body = YearView), (status = 422, body = ErrorEnvelope)))]
pub async fn get_calendar_year(
    State(state): State<AppState>,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<axum::Json<YearView>> {
    check_year(year)?;
    let schedule = state
        .year_schedule(year)
        .map_err(|e| ApiError::Invalid(vec![FieldError::new("year", e.to_string())]))?;
    Ok(axum::Json(schedule.into()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// The legal receipt time, RFC 3339 with its offset, e.g. `2026-02-13T16:30:00+07:00`.
    received_at: String,
    /// `Nd` working days, `N.5d`, or `Nh` working hours.
    duration: String,
    /// Same-day cut-off `HH:MM`: a receipt at or after it counts from the next working day.
    cutoff: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineView {
    received_at: DateTime<FixedOffset>,
    /// When the period starts: the next working time, or the next working day after the cut-off.
    counted_from: DateTime<FixedOffset>,
    duration: String,
    /// The appointment (ngày hẹn trả), in Vietnam time.
    due_at: DateTime<FixedOffset>,
}

/// The appointment for a receipt time and a processing time (public; limited per client).
#[utoipa::path(get, path = "/api/v1/deadline", tag = "calendar", operation_id = "get_deadline",
    params(DeadlineQuery),
    responses((status = 200, body = DeadlineView), (status = 422, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn get_deadline(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> ApiResult<axum::Json<DeadlineView>> {
    if let Err(wait) = state.public_by_client.take(&limiter_key(&client)) {
        return Err(ApiError::RateLimited(wait));
    }
    let mut errors = Vec::new();
    let received = DateTime::parse_from_rfc3339(q.received_at.trim())
        .map_err(|_| {
            errors.push(FieldError::new(
                "received_at",
                "thời điểm phải theo RFC 3339 kèm múi giờ, ví dụ 2026-02-13T16:30:00+07:00",
            ))
        })
        .ok();
    let duration = q
        .duration
        .parse::<WorkDuration>()
        .map_err(|e| errors.push(FieldError::new("duration", e.to_string())))
        .ok();
    let cutoff = match q.cutoff.as_deref() {
        None | Some("") => None,
        Some(c) => match NaiveTime::parse_from_str(c.trim(), "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                errors.push(FieldError::new(
                    "cutoff",
                    "giờ chốt phải có dạng HH:MM, ví dụ 15:00",
                ));
                None
            }
        },
    };
    let (Some(received), Some(duration)) = (received, duration) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let (counted_from, due_at) =
        motcua_app::calendar::deadline(&state, received, duration, cutoff)?;
    Ok(axum::Json(DeadlineView {
        received_at: received.with_timezone(&VN_OFFSET),
        counted_from,
        duration: duration.to_string(),
        due_at,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayRequest {
    /// `off` (a weekday not worked) or `work` (a weekend day worked).
    kind: String,
    /// What the day is, e.g. `Nghỉ bù Quốc khánh`.
    name: String,
    /// The notice: number, date and link.
    source: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecordedDayView {
    date: String,
    kind: String,
    name: String,
    source: String,
}

fn parse_day(raw: &str) -> ApiResult<NaiveDate> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::Invalid(vec![FieldError::new(
            "date",
            "ngày phải có dạng YYYY-MM-DD và có thật",
        )])
    })?;
    check_year(chrono::Datelike::year(&date)).map_err(|_| {
        ApiError::Invalid(vec![FieldError::new(
            "date",
            format!("ngày phải trong khoảng {MIN_YEAR}–{MAX_YEAR}"),
        )])
    })?;
    Ok(date)
}

/// Record a correction for one day (admins). Applies to calculations made from now on.
#[utoipa::path(put, path = "/api/v1/calendar/days/{date}", tag = "calendar", operation_id = "put_calendar_day",
    security(("bearer" = [])), request_body = DayRequest, params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 200, body = RecordedDayView), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn put_calendar_day(
    State(state): State<AppState>,
    caller: Api<ManageCalendar>,
    ApiPath(raw_date): ApiPath<String>,
    ApiJson(req): ApiJson<DayRequest>,
) -> ApiResult<axum::Json<RecordedDayView>> {
    let date = parse_day(&raw_date)?;
    let mut errors = Vec::new();
    let kind = DayKind::parse(&req.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "loại ngày phải là off (nghỉ) hoặc work (làm việc)",
        ));
    }
    if req.name.trim().is_empty() || req.name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            "tên ngày bắt buộc, tối đa 200 ký tự",
        ));
    }
    if req.source.trim().is_empty() || req.source.chars().count() > 1000 {
        errors.push(FieldError::new(
            "source",
            "nguồn (số, ngày văn bản, đường dẫn) bắt buộc, tối đa 1000 ký tự",
        ));
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let day = RecordedDay {
        date,
        kind,
        name: req.name.trim().to_owned(),
        source: req.source.trim().to_owned(),
    };
    let saved = motcua_app::calendar::record_day(&state, &caller.caller.actor(), day).await?;
    Ok(axum::Json(RecordedDayView {
        date: saved.date.to_string(),
        kind: saved.kind.as_str().to_owned(),
        name: saved.name,
        source: saved.source,
    }))
}

/// Remove the correction of one day (admins): the bundled schedule or the law applies again.
#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "calendar", operation_id = "delete_calendar_day",
    security(("bearer" = [])), params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_calendar_day(
    State(state): State<AppState>,
    caller: Api<ManageCalendar>,
    ApiPath(raw_date): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let date = parse_day(&raw_date)?;
    motcua_app::calendar::remove_day(&state, &caller.caller.actor(), date).await?;
    Ok(StatusCode::NO_CONTENT)
}
