//! Accounts: `GET /api/v1/me`, `GET|POST /api/v1/users`, `POST /api/v1/users/{id}/unlock`.

use super::ErrorEnvelope;
use crate::auth::{Api, ListUsers, ManageUsers, UnlockAccounts, ViewOwnAccount};
use crate::error::ApiResult;
use crate::json::ApiJson;
use crate::json::ApiPath;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_app::account::Account;
use motcua_app::account::RawNewUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    id: Uuid,
    email: String,
    full_name: String,
    role: String,
    unit_id: Uuid,
    agency_id: Uuid,
    active: bool,
    /// Set while the account is locked after repeated failed sign-ins.
    locked_until: Option<DateTime<Utc>>,
}

impl From<Account> for UserView {
    fn from(u: Account) -> Self {
        let locked_until = u.locked_until.filter(|t| *t > Utc::now());
        Self {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            unit_id: u.unit_id,
            agency_id: u.agency_id,
            active: u.active,
            locked_until,
        }
    }
}

/// The account of the token's owner.
#[utoipa::path(get, path = "/api/v1/me", tag = "organisation", operation_id = "get_me",
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope)))]
pub async fn me(caller: Api<ViewOwnAccount>) -> axum::Json<UserView> {
    axum::Json(caller.caller.user.into())
}

/// Accounts: every account for admins, those of their unit and below for unit leaders.
#[utoipa::path(get, path = "/api/v1/users", tag = "organisation", operation_id = "list_users",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Api<ListUsers>,
) -> ApiResult<axum::Json<Vec<UserView>>> {
    let units = caller.caller.units_in(&state, caller.scope).await?;
    let list = motcua_app::account::list(&state, units.as_deref()).await?;
    Ok(axum::Json(list.into_iter().map(UserView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    email: String,
    full_name: String,
    /// `applicant`, `desk_officer`, `officer`, `unit_leader`, `par_officer`, `editor` or `admin`.
    role: String,
    /// The unit's code (e.g. `MOTCUA`) or id.
    unit: String,
    /// At least 10 characters.
    password: String,
}

/// Create an account (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "organisation", operation_id = "create_user",
    security(("bearer" = [])), request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, description = "Field errors in details.fields", body = ErrorEnvelope),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Api<ManageUsers>,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    let raw = RawNewUser {
        email: req.email,
        full_name: req.full_name,
        role: req.role,
        unit: req.unit,
        password: req.password,
    };
    let user = motcua_app::account::create(&state, &caller.caller.actor(), &raw).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// Lift the lock-out of an account (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "organisation", operation_id = "unlock_user",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Account id")),
    responses((status = 200, body = UserView), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn unlock_user(
    State(state): State<AppState>,
    caller: Api<UnlockAccounts>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<UserView>> {
    let user = motcua_app::account::unlock(&state, &caller.caller.actor(), id).await?;
    Ok(axum::Json(user.into()))
}
