//! The public look-up of a dossier by its code and look-up code, and the applicant's rating.

use super::*;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// The look-up code printed on form 01.
    pub lookup: String,
}

/// What the public may know of a dossier: state, steps with times and units, appointment.
pub(super) async fn public_json(
    state: &AppState,
    v: svc::public::PublicView,
) -> Result<Value, ApiError> {
    let p = svc::public::progress(state, v).await?;
    let (v, st) = (&p.view, p.state);
    Ok(json!({
        "code": v.code,
        "procedure_code": v.procedure_code,
        "procedure_name": v.procedure_name,
        "state": st.sync_code(),
        "state_name": st,
        "state_label": st.label_vi(),
        "received_at": v.received_at,
        "due_at": v.due_at,
        "resolved_at": v.resolved_at,
        "returned_at": v.returned_at,
        "outcome": v.outcome,
        "can_rate": p.can_rate,
        "steps": p.steps.iter().map(|s| json!({
            "action": s.action,
            "label": s.label,
            "at": s.at,
            "unit": s.unit,
        })).collect::<Vec<_>>(),
    }))
}

/// Public look-up (T3.5) by dossier code and look-up code. An unknown code and a wrong look-up
/// code get the same 404. Rate-limited per client.
#[utoipa::path(get, path = "/api/v1/public/dossiers/{code}", tag = "dossier", operation_id = "public_dossier",
    params(("code" = String, Path), LookupParams),
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn public_dossier(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<LookupParams>,
) -> ApiResult<axum::Json<Value>> {
    public_limit(&state, &client)?;
    let v = svc::public::public_lookup(&state, &code, &p.lookup)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(public_json(&state, v).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub lookup: String,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub rating: i16,
    #[serde(default)]
    pub note: String,
}

/// The applicant rates the service once, after the result (Decision 766 group 5).
#[utoipa::path(post, path = "/api/v1/public/dossiers/{code}/rating", tag = "dossier", operation_id = "rate_dossier",
    params(("code" = String, Path)), request_body = RatingRequest,
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn rate_dossier(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiPath(code): ApiPath<String>,
    crate::json::ApiJson(req): crate::json::ApiJson<RatingRequest>,
) -> ApiResult<axum::Json<Value>> {
    public_limit(&state, &client)?;
    let d = svc::public::lookup(&state, &code, &req.lookup)
        .await?
        .ok_or(ApiError::NotFound)?;
    svc::public::rate(
        &state,
        &d,
        req.rating,
        &req.note,
        &crate::operation::operation_id(),
    )
    .await?;
    let v = svc::public::view(&state, &d.code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(public_json(&state, v).await?))
}
