//! Review plans for procedures (T3.3): for the reform office and admins.

use super::ErrorEnvelope;
use crate::auth::{Api, ManageReviews};
use crate::error::ApiResult;
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::review::{self, ItemReview, NewReviewPlan, Plan};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

fn plan_json(plan: &Plan, with_items: bool) -> Value {
    let (p, items) = (&plan.plan, &plan.items);
    let (reviewed, handled) = plan.completion();
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
    security(("bearer" = [])), responses((status = 200, body = Vec<Object>, description = "Every review plan"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_review_plans(
    State(state): State<AppState>,
    _caller: Api<ManageReviews>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    let plans = review::plans(&state).await?;
    Ok(axum::Json(
        plans.iter().map(|p| plan_json(p, false)).collect(),
    ))
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
    let new = NewReviewPlan {
        year: req.year,
        name: req.name,
        decision_number: req.decision_number,
        procedures: req.procedures,
    };
    let plan = review::create_plan(&state, &caller.caller.actor(), new).await?;
    Ok((StatusCode::CREATED, axum::Json(plan_json(&plan, true))))
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
    Ok(axum::Json(plan_json(
        &review::plan(&state, id).await?,
        true,
    )))
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
    let r = ItemReview {
        reviewed: req.reviewed,
        status: req.status,
        finding: req.finding,
        proposal: req.proposal,
    };
    review::review_item(&state, &caller.caller.actor(), id, &code, &r).await?;
    Ok(axum::Json(plan_json(
        &review::plan(&state, id).await?,
        true,
    )))
}
