//! The Decision 766/QĐ-TTg service-quality index over the API (`motcua_app::index766`).

use super::ErrorEnvelope;
use crate::auth::{Api, ViewScorecard};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::ApiQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use motcua_app::index766::{Index, IndexPeriod, UnitIndex, index};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    /// `2026-05` (a month), `2026-Q2` (a quarter) or `2026` (a year); default: this quarter.
    pub period: Option<String>,
    /// A receiving unit's code or id: only that unit (default: the agency and every unit).
    pub unit: Option<String>,
    /// `json` (default) or `csv` / `xlsx` (one row per unit and indicator).
    pub format: Option<String>,
}

/// The period asked for, or this quarter.
pub fn period_of(q: Option<&str>) -> ApiResult<IndexPeriod> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(IndexPeriod::current_quarter(
            chrono::Utc::now()
                .with_timezone(&motcua_domain::time::VN_OFFSET)
                .date_naive(),
        )),
        Some(s) => IndexPeriod::parse(s).ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "period",
                "kỳ là tháng (2026-05), quý (2026-Q2) hoặc năm (2026)",
            )])
        }),
    }
}

/// The service-quality index of the caller's agency and of each receiving unit for a month,
/// quarter or year: each indicator's numerator, denominator, rate, threshold, maximum and score
/// (`min(max, rate × max / threshold)`), "no data" with the reason where motcua does not hold the
/// data or the period has no record.
#[utoipa::path(get, path = "/api/v1/index766", tag = "plan", operation_id = "service_index",
    params(IndexQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"period\",\"label\",\"rule\",\"agency\":{\"indicators\":[{\"id\",\"value\",\"numerator\",\"denominator\",\"threshold\",\"max\",\"score\",\"no_data\"}],\"groups\",\"attainment\",\"below\"},\"units\":[…]}"),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn get_index(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiQuery(q): ApiQuery<IndexQuery>,
) -> ApiResult<axum::response::Response> {
    let period = period_of(q.period.as_deref())?;
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "format",
            "định dạng là json, csv hoặc xlsx",
        )]));
    }
    let mut idx = index(&state, caller.user.agency_id, period)
        .await
        .map_err(ApiError::Internal)?;
    if let Some(unit) = q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let org = state.org().await?;
        let u = org
            .unit(unit)
            .filter(|u| u.agency_id == caller.user.agency_id)
            .ok_or_else(|| {
                ApiError::Invalid(vec![FieldError::new("unit", "không có đơn vị này")])
            })?;
        let found = idx
            .units
            .iter()
            .find(|x| x.unit_id == Some(u.id))
            .cloned()
            .unwrap_or_else(|| motcua_app::index766::empty_unit(u));
        idx.units = vec![found];
    }
    if format == "json" {
        return Ok(axum::Json(idx).into_response());
    }
    file(&idx, format).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
}

pub const INDEX_HEADER: [&str; 10] = [
    "Kỳ",
    "Đơn vị",
    "Chỉ số",
    "Tên chỉ số",
    "Tử số",
    "Mẫu số",
    "Kết quả",
    "Ngưỡng",
    "Điểm",
    "Điểm tối đa",
];

/// The index as `csv` (BOM, `;`) or `xlsx`: the agency's rows, then each unit's.
pub fn file(idx: &Index, format: &str) -> Result<axum::response::Response, String> {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut add = |u: &UnitIndex| {
        for i in &u.indicators {
            rows.push(vec![
                idx.period.clone(),
                if u.unit_id.is_none() {
                    format!("{} (toàn cơ quan)", u.name)
                } else {
                    u.name.clone()
                },
                i.id.to_owned(),
                i.name.to_owned(),
                number(i.numerator),
                number(i.denominator),
                i.value
                    .map(|v| v.to_string())
                    .or_else(|| i.no_data.clone())
                    .unwrap_or_default(),
                i.threshold.to_string(),
                number(i.score),
                number(i.max),
            ]);
        }
    };
    add(&idx.agency);
    for u in &idx.units {
        add(u);
    }
    let (bytes, content_type) = if format == "csv" {
        (
            motcua_render::table::csv(&INDEX_HEADER, &rows)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            motcua_render::table::xlsx("ChiSo766", &INDEX_HEADER, &rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"chi-so-766-{}.{format}\"",
                    idx.period
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
