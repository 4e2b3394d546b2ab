//! `GET /api/v1/units`.

use super::ErrorEnvelope;
use crate::auth::{Api, ViewOrganisation};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct UnitView {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<Uuid>,
}

/// The agency's units (same shape as `motcua unit list --json`, plus `kind`).
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", operation_id = "list_units",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every unit, ordered by code", body = Vec<UnitView>),
        (status = 401, description = "No valid token", body = ErrorEnvelope),
        (status = 403, description = "Not staff", body = ErrorEnvelope),
    ))]
pub async fn list_units(
    State(state): State<AppState>,
    _caller: Api<ViewOrganisation>,
) -> ApiResult<axum::Json<Vec<UnitView>>> {
    let units = motcua_app::account::units(&state).await?;
    Ok(axum::Json(
        units
            .into_iter()
            .map(|u| UnitView {
                id: u.id,
                code: u.code,
                name: u.name,
                kind: u.kind,
                parent_id: u.parent_id,
            })
            .collect(),
    ))
}
