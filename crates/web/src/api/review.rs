//! Review plans for procedures (T3.3): for the reform office and admins.

use super::ErrorEnvelope;
use crate::auth::{Api, ManageReviews};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath};
use crate::operation::operation_id;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::catalog::review::check_item;
use motcua_store::entity::{review_item, review_plan};
use motcua_store::review::{self as store, ItemUpdate, NewPlan};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

pub fn plan_json(p: &review_plan::Model, items: &[review_item::Model], with_items: bool) -> Value {
    let (reviewed, handled) = store::completion_of(items);
    let mut v = json!({
        "id": p.id, "year": p.year, "name": p.name, "decision_number": p.decision_number,
        "items_total": items.len(), "reviewed_share": reviewed, "problems_handled_share": handled,
    });
    if with_items && let Some(o) = v.as_object_mut() {
        o.insert(
            "items".into(),
            json!(items.iter().map(|i| json!({
            "procedure_code": i.procedure_code, "reviewed": i.reviewed, "status": i.status,
            "finding": i.finding, "proposal": i.proposal, "updated_at": i.updated_at,
        })).collect::<Vec<_>>()),
        );
    }
    v
}

/// Every review plan with its completion (the two shares of T3.3).
#[utoipa::path(get, path = "/api/v1/review-plans", tag = "catalog", operation_id = "list_review_plans",
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_review_plans(
    State(state): State<AppState>,
    _caller: Api<ManageReviews>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    let mut out = Vec::new();
    for p in store::plans(state.db.conn()).await? {
        let items = store::items(state.db.conn(), p.id).await?;
        out.push(plan_json(&p, &items, false));
    }
    Ok(axum::Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    year: i32,
    name: String,
    decision_number: Option<String>,
    /// National codes of the procedures to review.
    procedures: Vec<String>,
}

/// Create a review plan over a list of procedures.
#[utoipa::path(post, path = "/api/v1/review-plans", tag = "catalog", operation_id = "create_review_plan",
    security(("bearer" = [])), request_body = CreatePlan,
    responses((status = 201, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_review_plan(
    State(state): State<AppState>,
    caller: Api<ManageReviews>,
    ApiJson(req): ApiJson<CreatePlan>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let mut errors = Vec::new();
    if !(2000..=2199).contains(&req.year) {
        errors.push(FieldError::new(
            "year",
            "năm kế hoạch phải từ 2000 đến 2199",
        ));
    }
    if req.name.trim().is_empty() {
        errors.push(FieldError::new("name", "tên kế hoạch bắt buộc"));
    }
    if req.procedures.is_empty() {
        errors.push(FieldError::new("procedures", "cần ít nhất một thủ tục"));
    }
    let mut codes = Vec::new();
    for (i, c) in req.procedures.iter().enumerate() {
        match ProcedureCode::parse(c) {
            Ok(code)
                if motcua_store::catalog::find(state.db.conn(), code.as_str())
                    .await?
                    .is_some() =>
            {
                if codes.contains(&code.to_string()) {
                    errors.push(FieldError::new(
                        format!("procedures[{i}]"),
                        format!("thủ tục {code} bị lặp"),
                    ));
                } else {
                    codes.push(code.to_string());
                }
            }
            Ok(code) => errors.push(FieldError::new(
                format!("procedures[{i}]"),
                format!("không có thủ tục {code} trong danh mục"),
            )),
            Err(e) => errors.push(FieldError::new(format!("procedures[{i}]"), e)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let new = NewPlan {
        agency_id: caller.caller.user.agency_id,
        year: req.year,
        name: req.name.trim().to_owned(),
        decision_number: req.decision_number.filter(|d| !d.trim().is_empty()),
        procedure_codes: codes,
    };
    let plan = store::create_plan(&state.db, &caller.caller.audit_ctx(operation_id()), new).await?;
    let items = store::items(state.db.conn(), plan.id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(plan_json(&plan, &items, true)),
    ))
}

/// One plan with its items.
#[utoipa::path(get, path = "/api/v1/review-plans/{id}", tag = "catalog", operation_id = "get_review_plan",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn get_review_plan(
    State(state): State<AppState>,
    _caller: Api<ManageReviews>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Value>> {
    let plan = store::plan(state.db.conn(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = store::items(state.db.conn(), id).await?;
    Ok(axum::Json(plan_json(&plan, &items, true)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItem {
    reviewed: bool,
    /// `no_issue`, `open`, `proposed` or `handled`.
    status: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    proposal: String,
}

/// Record the review of one procedure: whether it was reviewed, what was found, what was done.
#[utoipa::path(put, path = "/api/v1/review-plans/{id}/items/{code}", tag = "catalog", operation_id = "update_review_item",
    security(("bearer" = [])), request_body = UpdateItem, params(("id" = Uuid, Path), ("code" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_review_item(
    State(state): State<AppState>,
    caller: Api<ManageReviews>,
    ApiPath((id, code)): ApiPath<(Uuid, String)>,
    ApiJson(req): ApiJson<UpdateItem>,
) -> ApiResult<axum::Json<Value>> {
    let status = check_item(req.reviewed, &req.status, &req.finding)
        .map_err(|e| ApiError::Invalid(vec![FieldError::new(e.field, e.message)]))?;
    let update = ItemUpdate {
        reviewed: req.reviewed,
        status,
        finding: req.finding.trim().to_owned(),
        proposal: req.proposal.trim().to_owned(),
    };
    store::update_item(
        &state.db,
        &caller.caller.audit_ctx(operation_id()),
        id,
        &code,
        update,
    )
    .await?;
    let plan = store::plan(state.db.conn(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = store::items(state.db.conn(), id).await?;
    Ok(axum::Json(plan_json(&plan, &items, true)))
}
