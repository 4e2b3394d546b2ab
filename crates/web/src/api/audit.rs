//! `GET /api/v1/audit`.

use super::ErrorEnvelope;
use crate::auth::{Api, ViewAudit};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::ApiQuery;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    seq: i64,
    at: Option<DateTime<Utc>>,
    actor_id: Option<String>,
    actor_role: String,
    actor_unit: Option<String>,
    action: String,
    object_type: String,
    object_id: String,
    /// `{"before":…,"after":…}`
    summary: serde_json::Value,
    request_id: String,
    hash: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// How many entries, newest first (1–500, default 100).
    limit: Option<u64>,
}

/// The newest audit entries: all for admins, those of their unit's people for unit leaders.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", operation_id = "list_audit",
    security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<AuditView>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_audit(
    State(state): State<AppState>,
    caller: Api<ViewAudit>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::Json<Vec<AuditView>>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "limit",
            "phải từ 1 đến 500",
        )]));
    }
    let units = caller.caller.units_in(&state, caller.scope).await?;
    let rows = motcua_app::account::audit_trail(&state, units.as_deref(), limit).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|e| AuditView {
                seq: e.seq,
                at: DateTime::from_timestamp_micros(e.at_us),
                actor_id: e.actor_id,
                actor_role: e.actor_role,
                actor_unit: e.actor_unit,
                action: e.action,
                object_type: e.object_type,
                object_id: e.object_id,
                summary: serde_json::from_str(&e.summary).unwrap_or(serde_json::Value::Null),
                request_id: e.request_id,
                hash: e.hash,
            })
            .collect(),
    ))
}
