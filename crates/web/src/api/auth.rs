//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`.

use super::ErrorEnvelope;
use crate::auth::{ApiCaller, ClientIp, Via};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::ApiJson;
use crate::operation::operation_id;
use crate::signin::{self, Outcome};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; motcua keeps only its hash.
    token: String,
    expires_at: DateTime<Utc>,
}

/// Exchange an e-mail and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "create_token",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "Malformed JSON", body = ErrorEnvelope),
        (status = 401, description = "Wrong e-mail or password (never says which)", body = ErrorEnvelope),
        (status = 422, description = "Missing, unknown or mistyped fields", body = ErrorEnvelope),
        (status = 429, description = "Too many attempts from this client or on this account", body = ErrorEnvelope),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<axum::Json<LoginResponse>> {
    let mut missing = Vec::new();
    if req.email.trim().is_empty() {
        missing.push(FieldError::new("email", "bắt buộc"));
    }
    if req.password.is_empty() {
        missing.push(FieldError::new("password", "bắt buộc"));
    }
    if !missing.is_empty() {
        return Err(ApiError::Invalid(missing));
    }
    match signin::check(&state, &client, &req.email, &req.password, &operation_id()).await? {
        Outcome::Accepted(user) => {
            let issued = motcua_app::account::issue_token(&state, &operation_id(), &user).await?;
            Ok(axum::Json(LoginResponse {
                token: issued.secret,
                expires_at: issued.expires_at,
            }))
        }
        Outcome::Rejected => Err(ApiError::BadCredentials),
        Outcome::Limited => Err(ApiError::RateLimited(signin::retry_after(&state))),
    }
}

/// Revoke the bearer token of this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "delete_token",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token is revoked"),
        (status = 401, description = "No valid token", body = ErrorEnvelope),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<StatusCode> {
    if let Via::Token(id) = caller.via {
        motcua_app::account::revoke_token(&state, &operation_id(), &caller.user, id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
