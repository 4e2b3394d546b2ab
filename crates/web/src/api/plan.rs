//! The yearly reform plan and its scorecard over the API (the seed's T1.1–T7.7; M1–M3).

use super::ErrorEnvelope;
use crate::auth::{Api, ManagePlans, ViewScorecard};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_app::plan::targets::{self, PlanWithTargets, TargetIn};
use motcua_app::plan::{Period, scorecard};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

/// A new plan.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlanRequest {
    pub year: i32,
    /// Copy the targets (thresholds, sources, units, weights) of this year's plan; without it, the
    /// 27 targets of the 2021 plan.
    #[serde(default)]
    pub copy_of: Option<i32>,
}

/// Creates the plan of a year with its targets (the reform office); all or nothing, audited.
#[utoipa::path(post, path = "/api/v1/plans", tag = "plan", operation_id = "create_plan",
    request_body = NewPlanRequest, security(("bearer" = [])),
    responses((status = 201, description = "the plan with its targets"), (status = 409, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn create_plan(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManagePlans>,
    ApiJson(req): ApiJson<NewPlanRequest>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let plan = targets::create_plan(&state, &caller.actor(), req.year, req.copy_of).await?;
    Ok((StatusCode::CREATED, axum::Json(plan_json(&plan))))
}

fn plan_json(p: &PlanWithTargets) -> Value {
    let (plan, targets) = (&p.plan, &p.targets);
    json!({
        "year": plan.year, "title": plan.title, "decision_number": plan.decision_number,
        "decision_date": plan.decision_date, "direction": plan.direction, "version": plan.version,
        "targets": targets.iter().map(|t| json!({
            "id": t.target_id, "field": t.field, "text": t.text, "threshold": t.threshold,
            "comparator": ">=", "measure": t.measure, "source": t.source,
            "responsible_unit_id": t.responsible_unit_id, "weight": t.weight,
        })).collect::<Vec<_>>(),
    })
}

/// The plan of a year with its targets.
#[utoipa::path(get, path = "/api/v1/plans/{year}", tag = "plan", operation_id = "get_plan",
    security(("bearer" = [])),
    responses((status = 200, description = "the plan"), (status = 404, body = ErrorEnvelope)))]
pub async fn get_plan(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<axum::Json<Value>> {
    let plan = targets::plan_of(&state, caller.user.agency_id, year).await?;
    Ok(axum::Json(plan_json(&plan)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// First month, `YYYY-MM` (default: January of the plan's year).
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: December of the plan's year).
    pub to: Option<String>,
    /// `json` (default), `xlsx` / `csv` for the table as a file, `pdf` for the report with its charts.
    pub format: Option<String>,
}

/// The period asked for, or the plan's year.
pub fn period_of(year: i32, q: &PeriodQuery) -> ApiResult<Period> {
    let whole = Period::year(year)
        .ok_or_else(|| ApiError::Invalid(vec![FieldError::new("year", "năm không hợp lệ")]))?;
    match (&q.from, &q.to) {
        (None, None) => Ok(whole),
        (from, to) => Period::months(
            from.as_deref().unwrap_or(&format!("{year}-01")),
            to.as_deref().unwrap_or(&format!("{year}-12")),
        )
        .ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "from",
                "kỳ theo tháng YYYY-MM, tháng đầu không sau tháng cuối",
            )])
        }),
    }
}

/// Every target of the year's plan, live: value, numerator, denominator, threshold, status
/// (`met`, `on_track`, `at_risk`, `missed`, `no_data`) and a note on how it was obtained.
#[utoipa::path(get, path = "/api/v1/plans/{year}/scorecard", tag = "plan", operation_id = "scorecard",
    params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, description = "JSON (or the table as XLSX/CSV with format=xlsx|csv, the report with its charts as PDF with format=pdf): {\"year\":Y,\"targets\":[{\"id\":\"T3.4\",\"value\",\"numerator\",\"denominator\",\"threshold\",\"comparator\",\"status\",…}]}"),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn get_scorecard(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiPath(year): ApiPath<i32>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<axum::response::Response> {
    let period = period_of(year, &q)?;
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "xlsx" | "csv" | "pdf") {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "format",
            "json, xlsx, csv hoặc pdf",
        )]));
    }
    let card = scorecard(&state, caller.user.agency_id, year, period)
        .await
        .map_err(ApiError::Internal)?
        .ok_or(ApiError::NotFound)?;
    if format == "json" {
        return Ok(axum::Json(json!(card)).into_response());
    }
    let org = state.org().await?;
    if format == "pdf" {
        let pdf = motcua_app::plan::report_pdf(&state, &card, &org, caller.user.agency_id)
            .await
            .map_err(ApiError::Internal)?;
        return Ok(crate::download::file(motcua_app::plan::report_file(
            card.year, pdf,
        )));
    }
    let file = motcua_app::plan::scorecard_file(&card, &org, format)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    Ok(crate::download::file(file))
}

/// The units answerable for the plan's targets, ranked (rule M3), with the scoring rule and, for
/// each unit, its targets below their threshold (what pulls it down).
#[utoipa::path(get, path = "/api/v1/plans/{year}/ranking", tag = "plan", operation_id = "unit_ranking",
    params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"rule\",\"units\":[{\"rank\",\"unit_id\",\"name\",\"score\",\"targets\",\"with_data\",\"below\":[…]}]}"),
        (status = 404, body = ErrorEnvelope)))]
pub async fn get_ranking(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiPath(year): ApiPath<i32>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<axum::Json<Value>> {
    let period = period_of(year, &q)?;
    let card = scorecard(&state, caller.user.agency_id, year, period)
        .await
        .map_err(ApiError::Internal)?
        .ok_or(ApiError::NotFound)?;
    let org = state.org().await?;
    let index = motcua_app::index766::index(
        &state,
        caller.user.agency_id,
        motcua_app::index766::IndexPeriod::over(period),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(axum::Json(json!({
        "year": year, "rule": motcua_app::plan::RANKING_RULE,
        "units": motcua_app::plan::ranking(&card, Some(&index), &org),
    })))
}

/// A target as the reform office sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    /// One of the plan's fields (`direction`, `institutions`, `procedures`, `apparatus`,
    /// `civil_service`, `finance`, `modernisation`).
    pub field: String,
    pub text: String,
    /// `share` (threshold 0–1, e.g. 0.9 for 90%) or `count`.
    pub measure: String,
    /// At least this.
    pub threshold: f64,
    /// `formula:<id>` (docs/INDICATORS.md) or `register:<id>`.
    pub source: String,
    /// The unit answerable for it (id or code).
    #[serde(default)]
    pub unit: Option<String>,
    /// Its weight in the ranking of units (0–100, default 1).
    #[serde(default)]
    pub weight: Option<f64>,
}

/// Adds a target to the year's plan or changes one (the reform office); refused with the reason
/// beside the field: a share's threshold outside 0–100%, a target without a known source, an
/// unknown unit.
#[utoipa::path(put, path = "/api/v1/plans/{year}/targets/{id}", tag = "plan", operation_id = "put_target",
    request_body = TargetRequest, security(("bearer" = [])),
    responses((status = 200, description = "the target"), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn put_target(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManagePlans>,
    ApiPath((year, id)): ApiPath<(i32, String)>,
    ApiJson(req): ApiJson<TargetRequest>,
) -> ApiResult<axum::Json<Value>> {
    let t = TargetIn {
        field: req.field,
        text: req.text,
        measure: req.measure,
        threshold: req.threshold,
        source: req.source,
        unit: req.unit,
        weight: req.weight,
    };
    let saved = targets::put_target(&state, &caller.actor(), year, &id, &t).await?;
    Ok(axum::Json(json!({
        "id": saved.target_id, "field": saved.field, "text": saved.text, "threshold": saved.threshold,
        "comparator": ">=", "measure": saved.measure, "source": saved.source,
        "responsible_unit_id": saved.responsible_unit_id, "weight": saved.weight,
    })))
}
