//! Dossiers over the API: uploads, filing on three channels (with `Idempotency-Key`), the staff
//! queue, actions with `If-Match`, the public look-up, ratings, statistics and the export.

use super::ErrorEnvelope;
use crate::api::dossier_body::{ActionRequest, FileRequest};
use crate::auth::{Api, ApiCaller, Caller, ClientIp, ExportDossiers, ViewDossierStats};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::dossier::Dossier;
use motcua_app::dossier::records::{self as store, Event, Filed};
use motcua_app::dossier::stats::StatFilter;
use motcua_app::dossier::{self as svc, action::ActionError};
use motcua_domain::access::{self, Permission};
use motcua_domain::account::Role;
use motcua_domain::dossier::stats::Counter;
use motcua_domain::time::{VN_OFFSET, from_local};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

mod public;
mod queue;
mod stats;

pub use public::*;
pub use queue::*;
pub use stats::*;

// ---------------------------------------------------------------------------------------------
// Uploads

pub use crate::multipart::{percent, read_multipart, read_one_file, upload_name};
pub use motcua_domain::dossier::upload::check_file;

/// The public endpoints' limit per client.
fn public_limit(state: &AppState, client: &str) -> Result<(), ApiError> {
    state
        .public_by_client
        .take(&crate::signin::limiter_key(client))
        .map_err(ApiError::RateLimited)
}

fn may_upload(role: Role) -> bool {
    [
        Permission::FileOnline,
        Permission::FileAtDesk,
        Permission::HandleDossiers,
    ]
    .into_iter()
    .any(|p| access::allows(role, p))
}

/// Upload one file (multipart, field `file`): its real type is checked against its name.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "dossier", operation_id = "upload_file",
    security(("bearer" = [])), request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, body = Object, description = "{\"id\",\"sha256\",\"size\",\"content_type\"}"),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn upload_file(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    if !may_upload(caller.role) {
        return Err(ApiError::Forbidden);
    }
    let (name, bytes) = read_one_file(&headers, body, state.config.upload_limit_bytes).await?;
    let m = svc::save_upload(&state, &caller.actor(), name, bytes).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(
            json!({ "id": m.id, "sha256": m.sha256, "size": m.size, "content_type": m.content_type, "file_name": m.file_name }),
        ),
    ))
}

// ---------------------------------------------------------------------------------------------
// Filing and reading

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The answer to a filing (contract of the issue).
pub fn filed_json(d: &Dossier) -> Value {
    json!({
        "code": d.code,
        "state": svc::state_of(d).sync_code(),
        "state_name": svc::state_of(d),
        "received_at": d.received_at,
        "due_at": d.due_at,
        "lookup_code": d.lookup_code,
        "version": d.version,
    })
}

/// File a dossier: online (applicants), at the counter or by post (the desk). Honours
/// `Idempotency-Key`: the same key and body give the same dossier; the same key with another body
/// is 422.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossier", operation_id = "file_dossier",
    security(("bearer" = [])), request_body = FileRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 200 characters)")),
    responses((status = 201, body = Object, description = "{\"code\",\"state\",\"received_at\",\"due_at\",\"lookup_code\",\"version\"}"),
        (status = 200, body = Object, description = "A retry with the same Idempotency-Key and body"),
        (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn file_dossier(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    if !(access::allows(caller.role, Permission::FileOnline)
        || access::allows(caller.role, Permission::FileAtDesk))
    {
        return Err(ApiError::Forbidden);
    }
    crate::json::require_json(&headers)?;
    let req: FileRequest = crate::json::parse(&body)?;
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v.to_str().map(str::trim).unwrap_or_default();
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::Invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    "khóa Idempotency-Key từ 1 đến 200 ký tự ASCII",
                )]));
            }
            Some((
                format!("{}:{key}", caller.user.id),
                store::request_digest(&body),
            ))
        }
    };
    let filed = svc::filing::file(&state, &caller.actor(), req.into(), idempotency).await?;
    let (status, d) = match filed {
        Filed::Created(d) => (StatusCode::CREATED, d),
        Filed::Replayed(d) => (StatusCode::OK, d),
        Filed::KeyReused => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "Idempotency-Key",
                "khóa này đã được dùng cho một yêu cầu khác",
            )]));
        }
    };
    let mut resp = (status, axum::Json(filed_json(&d))).into_response();
    resp.headers_mut().insert(header::ETAG, etag(d.version));
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/dossiers/{}", d.code)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

/// The full view of a dossier for those allowed to see it.
pub async fn dossier_json(
    state: &AppState,
    caller: &Caller,
    d: &Dossier,
    events: &[Event],
) -> Result<Value, ApiError> {
    let allowed = svc::actions_for(state, &caller.actor(), d).await?;
    let uploads = store::files(state, d.id).await?;
    let cal = state.calendar();
    let assessment = svc::assess(&cal.working, d, events, state.now());
    let components: Value = serde_json::from_str(&d.components).unwrap_or(Value::Null);
    Ok(json!({
        "code": d.code,
        "procedure_code": d.procedure_code,
        "procedure_version_id": d.procedure_version_id,
        "channel": d.channel,
        "state": svc::state_of(d).sync_code(),
        "state_name": svc::state_of(d),
        "state_label": svc::state_of(d).label_vi(),
        "version": d.version,
        "received_at": d.received_at,
        "original_due_at": d.original_due_at,
        "due_at": d.due_at,
        "paused_at": d.paused_at,
        "paused_working_hours": d.paused_seconds as f64 / 3600.0,
        "finished_at": d.finished_at,
        "resolved_at": d.resolved_at,
        "returned_at": d.returned_at,
        "outcome": d.outcome,
        "progress": assessment.map(|a| a.progress),
        "working_hours_used": d.working_seconds_used.map(|s| s as f64 / 3600.0),
        "supplement_count": d.supplement_requests,
        "extended": d.extended,
        "approved": d.approved,
        "unit_id": d.unit_id,
        "handler_unit_id": d.handler_unit_id,
        "handler_id": d.handler_id,
        "return_channel": d.return_channel,
        "return_address": d.return_address,
        "postal_receipt_no": d.postal_receipt_no,
        "fees_vnd": d.fees_vnd,
        "lookup_code": d.lookup_code,
        "rating": d.rating,
        "applicant": {
            "kind": d.applicant_kind, "name": d.applicant_name, "id_number": d.applicant_id_number,
            "phone": d.applicant_phone, "email": d.applicant_email, "address": d.applicant_address,
        },
        "components": components,
        "files": uploads.iter().map(|u| json!({"id": u.id, "file_name": u.file_name, "content_type": u.content_type, "size": u.size, "sha256": u.sha256})).collect::<Vec<_>>(),
        "events": events.iter().map(event_json).collect::<Vec<_>>(),
        "allowed_actions": allowed.iter().map(|a| a.code()).collect::<Vec<_>>(),
    }))
}

fn event_json(e: &Event) -> Value {
    json!({
        "seq": e.seq, "action": e.action, "label": svc::action_label(&e.action),
        "from_state": e.from_state, "to_state": e.to_state, "at": e.at,
        "actor_id": e.actor_id, "actor_role": e.actor_role, "actor_unit": e.actor_unit,
        "note": e.note, "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
    })
}

async fn visible(state: &AppState, caller: &Caller, code: &str) -> Result<Dossier, ApiError> {
    let d = store::by_code(state, code)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Someone who may not see the dossier learns nothing, not even that it exists.
    if !svc::can_see(state, &caller.actor(), &d).await? {
        return Err(ApiError::NotFound);
    }
    Ok(d)
}

/// A dossier with its timeline, files and the actions allowed now; `ETag: "version"`.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossier", operation_id = "get_dossier",
    security(("bearer" = [])), params(("code" = String, Path, description = "Dossier code")),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn get_dossier(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Response> {
    let d = visible(&state, &caller, &code).await?;
    let events = store::events(&state, d.id).await?;
    let body = dossier_json(&state, &caller, &d, &events).await?;
    let mut resp = axum::Json(body).into_response();
    resp.headers_mut().insert(header::ETAG, etag(d.version));
    Ok(resp)
}

/// Form 01–05 of a dossier as PDF (Circular 01/2018 annex); 404 until the form's event happened,
/// and form 05 (the control slip) for the applicant.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{number}", tag = "dossier", operation_id = "get_dossier_form",
    security(("bearer" = [])), params(("code" = String, Path), ("number" = String, Path, description = "01, 02, 03, 04 or 05")),
    responses((status = 200, content_type = "application/pdf", description = "The form"), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn get_dossier_form(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    ApiPath((code, number)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let d = visible(&state, &caller, &code).await?;
    let form = motcua_forms::Form::parse(&number).ok_or(ApiError::NotFound)?;
    // The control slip is the office's record, as on the dossier's page (found by the scope
    // matrix, tests/scope_matrix.rs: the API gave it to the applicant).
    if !motcua_app::dossier::forms::may_see(&caller.actor(), form) {
        return Err(ApiError::NotFound);
    }
    crate::download::form_pdf(&state, &headers, &d, form).await
}

/// Download a file of a dossier.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", tag = "dossier", operation_id = "get_dossier_file",
    security(("bearer" = [])), params(("code" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, description = "The file"), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn get_dossier_file(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((code, id)): ApiPath<(String, Uuid)>,
) -> ApiResult<Response> {
    let d = visible(&state, &caller, &code).await?;
    Ok(crate::download::upload(
        motcua_app::dossier::file_of(&state, d.id, id).await?,
    ))
}

/// The version an `If-Match` header names (`"N"`, `W/"N"` or `N`).
pub fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let raw = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .ok_or_else(|| ApiError::PreconditionRequired)?;
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .map_err(|_| {
            ApiError::Invalid(vec![FieldError::new(
                "If-Match",
                "If-Match phải là phiên bản của hồ sơ, ví dụ \"3\"",
            )])
        })
}

/// Take an action (`{"action": …}`); requires `If-Match: "version"`. A stale version is 409; an
/// action not allowed now is 409 with `details.allowed_actions`.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", tag = "dossier", operation_id = "act_on_dossier",
    security(("bearer" = [])), request_body = ActionRequest,
    params(("code" = String, Path), ("If-Match" = String, Header, description = "The version read, e.g. \"3\"")),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope), (status = 428, body = ErrorEnvelope)))]
pub async fn act_on_dossier(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    crate::json::require_json(&headers)?;
    let req: ActionRequest = crate::json::parse(&body)?;
    let d = visible(&state, &caller, &code).await?;
    let version = if_match(&headers)?;
    let d = match svc::action::act(&state, &caller.actor(), &d, version, req.into()).await {
        Ok(d) => d,
        Err(ActionError::Failed(e)) => return Err(e.into()),
        Err(ActionError::NotAllowed { message, allowed }) => {
            return Err(ApiError::NotAllowed {
                message,
                allowed: allowed.iter().map(|a| a.code().to_owned()).collect(),
            });
        }
    };
    let events = store::events(&state, d.id).await?;
    let body = dossier_json(&state, &caller, &d, &events).await?;
    let mut resp = axum::Json(body).into_response();
    resp.headers_mut().insert(header::ETAG, etag(d.version));
    Ok(resp)
}
