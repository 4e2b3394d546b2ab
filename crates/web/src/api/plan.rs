//! The yearly reform plan and its scorecard over the API (the seed's T1.1–T7.7; M1–M3).

use super::ErrorEnvelope;
use crate::auth::{Api, ManagePlans, ViewScorecard};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_app::plan::{Period, scorecard, seed_plan};
use motcua_store::plan as store;
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
    if !(2000..=2100).contains(&req.year) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "year",
            "năm từ 2000 đến 2100",
        )]));
    }
    let agency_id = caller.user.agency_id;
    let mut new = seed_plan(&state, agency_id, req.year)
        .await
        .map_err(ApiError::Internal)?;
    if let Some(from) = req.copy_of {
        let Some(source) = store::plan_of(state.db.conn(), agency_id, from).await? else {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "copy_of",
                format!("chưa có kế hoạch năm {from} để sao chép"),
            )]));
        };
        new.direction = source.direction;
        new.targets = store::targets(state.db.conn(), source.id)
            .await?
            .into_iter()
            .map(|t| store::NewTarget {
                target_id: t.target_id,
                field: t.field,
                text: t.text,
                threshold: t.threshold,
                measure: t.measure,
                source: t.source,
                responsible_unit_id: t.responsible_unit_id,
                weight: t.weight,
            })
            .collect();
    }
    let plan = store::create(
        &state.db,
        &caller.audit_ctx(crate::operation::operation_id()),
        new,
    )
    .await
    .map_err(motcua_app::document::refusal)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(plan_json(&state, plan).await?),
    ))
}

async fn plan_json(state: &AppState, plan: store::Plan) -> ApiResult<Value> {
    let targets = store::targets(state.db.conn(), plan.id).await?;
    Ok(json!({
        "year": plan.year, "title": plan.title, "decision_number": plan.decision_number,
        "decision_date": plan.decision_date, "direction": plan.direction, "version": plan.version,
        "targets": targets.iter().map(|t| json!({
            "id": t.target_id, "field": t.field, "text": t.text, "threshold": t.threshold,
            "comparator": ">=", "measure": t.measure, "source": t.source,
            "responsible_unit_id": t.responsible_unit_id, "weight": t.weight,
        })).collect::<Vec<_>>(),
    }))
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
    let plan = store::plan_of(state.db.conn(), caller.user.agency_id, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(plan_json(&state, plan).await?))
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
    use motcua_domain::plan::{Field, Measure, source_known};
    let plan = store::plan_of(state.db.conn(), caller.user.agency_id, year)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    let id = id.trim().to_owned();
    if id.is_empty()
        || id.len() > 8
        || !id.starts_with('T')
        || !id[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        errors.push(FieldError::new("id", "mã chỉ tiêu dạng T3.4"));
    }
    let field = Field::parse(&req.field);
    if field.is_none() {
        errors.push(FieldError::new("field", "lĩnh vực không có trong kế hoạch"));
    }
    let text = motcua_domain::catalog::fold::nfc(req.text.trim());
    if text.is_empty() || text.chars().count() > 1_000 {
        errors.push(FieldError::new(
            "text",
            "nội dung chỉ tiêu bắt buộc, tối đa 1.000 ký tự",
        ));
    }
    let measure = Measure::parse(&req.measure);
    match measure {
        None => errors.push(FieldError::new(
            "measure",
            "share (tỷ lệ) hoặc count (số lượng)",
        )),
        Some(Measure::Share) if !(req.threshold > 0.0 && req.threshold <= 1.0) => {
            errors.push(FieldError::new(
                "threshold",
                "chỉ tiêu tỷ lệ: mục tiêu trong khoảng 0–100% (0 < giá trị ≤ 1, ví dụ 0.9 là 90%)",
            ));
        }
        Some(Measure::Count) if !(req.threshold > 0.0 && req.threshold.is_finite()) => {
            errors.push(FieldError::new(
                "threshold",
                "chỉ tiêu số lượng: mục tiêu lớn hơn 0",
            ));
        }
        Some(_) => {}
    }
    if !source_known(req.source.trim()) {
        errors.push(FieldError::new(
            "source",
            "nguồn số liệu bắt buộc: formula:<công thức> (xem INDICATORS) hoặc register:<sổ>",
        ));
    }
    let org = state.org().await?;
    let unit = match req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => match org.unit(u).filter(|x| x.agency_id == caller.user.agency_id) {
            Some(x) => Some(x.id),
            None => {
                errors.push(FieldError::new("unit", format!("không có đơn vị «{u}»")));
                None
            }
        },
    };
    let weight = req.weight.unwrap_or(1.0);
    if !(0.0..=100.0).contains(&weight) {
        errors.push(FieldError::new("weight", "trọng số từ 0 đến 100"));
    }
    let (Some(field), Some(measure), true) = (field, measure, errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let saved = store::put_target(
        &state.db,
        &caller.audit_ctx(crate::operation::operation_id()),
        plan.id,
        store::NewTarget {
            target_id: id,
            field: field.code().to_owned(),
            text,
            threshold: req.threshold,
            measure: measure.code().to_owned(),
            source: req.source.trim().to_owned(),
            responsible_unit_id: unit,
            weight,
        },
    )
    .await?;
    Ok(axum::Json(json!({
        "id": saved.target_id, "field": saved.field, "text": saved.text, "threshold": saved.threshold,
        "comparator": ">=", "measure": saved.measure, "source": saved.source,
        "responsible_unit_id": saved.responsible_unit_id, "weight": saved.weight,
    })))
}
