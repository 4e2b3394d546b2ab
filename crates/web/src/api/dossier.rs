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
use motcua_app::dossier::records::{self as store, Event, Filed, QueueQuery};
use motcua_app::dossier::stats::StatFilter;
use motcua_app::dossier::{self as svc, action::ActionError};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::dossier::stats::Counter;
use motcua_domain::time::{VN_OFFSET, from_local};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

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

/// Form 01–05 of a dossier as PDF (Circular 01/2018 annex); 404 until the form's event happened.
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

// ---------------------------------------------------------------------------------------------
// The work queue

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Sync code(s) 1–10, comma-separated; default: every state still needing work (1, 2, 4, 5, 6, 9).
    pub state: Option<String>,
    pub procedure: Option<String>,
    /// `online`, `counter` or `postal`.
    pub channel: Option<String>,
    /// `today` (due by the end of today), `soon` (within one working day), `overdue`.
    pub due: Option<String>,
    /// A unit code within the caller's scope.
    pub unit: Option<String>,
    /// `true`: only dossiers handed to the caller.
    pub mine: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

pub use motcua_app::dossier::queue::WORK_STATES;

impl QueueParams {
    /// The use case's filter from the query.
    pub fn filter(&self) -> motcua_app::dossier::queue::QueueFilter {
        motcua_app::dossier::queue::QueueFilter {
            state: self.state.clone(),
            procedure: self.procedure.clone(),
            channel: self.channel.clone(),
            due: self.due.clone(),
            unit: self.unit.clone(),
            mine: self.mine,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// The queue query of `caller` within `scope` (the use case, with the API's errors).
pub async fn queue_query(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    p: &QueueParams,
) -> Result<QueueQuery, ApiError> {
    Ok(motcua_app::dossier::queue::queue_query(state, &caller.actor(), scope, &p.filter()).await?)
}

/// A queue row: no personal data beyond the applicant's name (staff need it at the desk).
pub fn queue_row(d: &Dossier, now: DateTime<Utc>) -> Value {
    let st = svc::state_of(d);
    let overdue = svc::running_late(d, now);
    json!({
        "code": d.code, "procedure_code": d.procedure_code, "channel": d.channel,
        "state": st.sync_code(), "state_label": st.label_vi(), "received_at": d.received_at,
        "due_at": d.due_at, "overdue": overdue, "handler_unit_id": d.handler_unit_id,
        "handler_id": d.handler_id, "applicant_name": d.applicant_name, "version": d.version,
    })
}

/// The work queue of the caller's units (or the caller's own dossiers for an applicant), sorted
/// by due time.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossier", operation_id = "list_dossiers",
    security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = Object, description = "{\"items\":[…],\"total\":N}"), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(p): ApiQuery<QueueParams>,
) -> ApiResult<axum::Json<Value>> {
    let q = if caller.role == Role::Applicant {
        let mut q = queue_query(
            &state,
            &caller,
            Scope::All,
            &QueueParams {
                state: p.state.clone().or(Some("1,2,3,4,5,6,7,8,9,10".into())),
                page: p.page,
                per_page: p.per_page,
                ..QueueParams::default()
            },
        )
        .await?;
        q.units = None;
        q.agency_id = caller.user.agency_id;
        q.applicant_user_id = Some(caller.user.id);
        q
    } else {
        let scope =
            access::scope(caller.role, Permission::HandleDossiers).ok_or(ApiError::Forbidden)?;
        queue_query(&state, &caller, scope, &p).await?
    };
    let (items, total) = store::queue_page(&state, &q).await?;
    let now = state.now();
    Ok(axum::Json(json!({
        "items": items.iter().map(|d| queue_row(d, now)).collect::<Vec<_>>(),
        "total": total,
    })))
}

// ---------------------------------------------------------------------------------------------
// Public look-up and rating

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// The look-up code printed on form 01.
    pub lookup: String,
}

/// What the public may know of a dossier: state, steps with times and units, appointment.
async fn public_json(state: &AppState, v: svc::public::PublicView) -> Result<Value, ApiError> {
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

// ---------------------------------------------------------------------------------------------
// Statistics and export

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First month, `YYYY-MM` (or a date in it).
    pub from: String,
    /// Last month, `YYYY-MM` (or a date in it).
    pub to: String,
    /// A unit code (within the caller's scope).
    pub unit: Option<String>,
    /// A procedure code.
    pub procedure: Option<String>,
}

fn month_param(field: &str, raw: &str) -> Result<i32, FieldError> {
    let raw = raw.trim();
    let bad = || FieldError::new(field, "tháng theo dạng YYYY-MM (hoặc ngày YYYY-MM-DD)");
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d"))
        .map_err(|_| bad())?;
    use chrono::Datelike;
    if !(2000..=2199).contains(&date.year()) {
        return Err(bad());
    }
    Ok(date.year() * 100 + date.month() as i32)
}

/// Dossier statistics for the months `from..=to`: received (new and carried over), resolved
/// early / on time / late, in process within time / overdue (now), returned by channel, postal.
#[utoipa::path(get, path = "/api/v1/stats/dossiers", tag = "dossier", operation_id = "dossier_stats",
    security(("bearer" = [])), params(StatsParams),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn dossier_stats(
    State(state): State<AppState>,
    caller: Api<ViewDossierStats>,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<axum::Json<Value>> {
    let mut errors = Vec::new();
    let from = month_param("from", &p.from)
        .map_err(|e| errors.push(e))
        .ok();
    let to = month_param("to", &p.to).map_err(|e| errors.push(e)).ok();
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(FieldError::new(
            "to",
            "tháng cuối phải không trước tháng đầu",
        ));
    }
    let mut filter = StatFilter {
        agency_id: caller.caller.user.agency_id,
        units: caller.caller.units_in(&state, caller.scope).await?,
        procedure_code: p
            .procedure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    };
    if let Some(code) = p.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        match state.org().await?.unit(code) {
            Some(u) if filter.units.as_ref().is_none_or(|us| us.contains(&u.id)) => {
                filter.units = Some(vec![u.id]);
            }
            _ => errors.push(FieldError::new(
                "unit",
                "đơn vị không có hoặc ngoài phạm vi của tài khoản",
            )),
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(axum::Json(stats_json(&state, &filter, from, to).await?))
}

async fn stats_json(
    state: &AppState,
    filter: &StatFilter,
    from: i32,
    to: i32,
) -> Result<Value, ApiError> {
    use svc::stats::month_label;
    let s = svc::stats::statistics(state, filter, from, to).await?;
    let c = |k: Counter| s.count(k);
    Ok(json!({
        "from": month_label(s.from),
        "to": month_label(s.to),
        "received": {
            "new": c(Counter::Received),
            "carried_over": s.carried_over,
            "total": s.carried_over + c(Counter::Received),
            "online_submitted": c(Counter::Submitted),
        },
        "resolved": {
            "early": c(Counter::ResolvedEarly),
            "on_time": c(Counter::ResolvedOnTime),
            "late": c(Counter::ResolvedLate),
            "total": s.resolved(),
            "on_time_share": s.on_time_share(),
        },
        "finished": c(Counter::Finished),
        "refused": c(Counter::Refused),
        "withdrawn": c(Counter::Withdrawn),
        "stopped": c(Counter::Stopped),
        "pending_at_end": s.pending_at_end(),
        "in_process_now": { "within_time": s.within_time, "overdue": s.overdue },
        "returned": {
            "online": c(Counter::ReturnedOnline),
            "counter": c(Counter::ReturnedCounter),
            "postal": c(Counter::ReturnedPostal),
        },
        "postal": { "received": c(Counter::ReceivedPostal), "returned": c(Counter::ReturnedPostal) },
        "supplement_requests": c(Counter::SupplementRequests),
        "by_month": s.by_month.iter().map(|(m, t)| json!({"month": m.parse::<i32>().map(month_label).unwrap_or_default(), "counters": t})).collect::<Vec<_>>(),
        "by_channel": s.by_channel.iter().map(|(c, t)| json!({"channel": c, "counters": t})).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// First day of receipt, `YYYY-MM-DD` (Vietnam time).
    pub from: NaiveDate,
    /// Last day of receipt, `YYYY-MM-DD` (inclusive).
    pub to: NaiveDate,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn vn(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&VN_OFFSET).to_rfc3339())
        .unwrap_or_default()
}

/// CSV of the dossiers received in a period, for the reform office: code, procedure, channel,
/// received_at, due_at, resolved_at, returned_at, return_channel, outcome, supplement_count,
/// paused_working_hours. No personal data.
#[utoipa::path(get, path = "/api/v1/dossiers/export", tag = "dossier", operation_id = "export_dossiers",
    security(("bearer" = [])), params(ExportParams),
    responses((status = 200, content_type = "text/csv", description = "CSV, UTF-8"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn export_dossiers(
    State(state): State<AppState>,
    caller: Api<ExportDossiers>,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    if p.to < p.from || (p.to - p.from).num_days() > 366 {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "to",
            "khoảng thời gian từ 1 ngày đến 1 năm, ngày cuối không trước ngày đầu",
        )]));
    }
    let start = from_local(p.from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = from_local(
        p.to.succ_opt()
            .unwrap_or(p.to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let rows = store::received_between(&state, caller.caller.user.agency_id, start, end).await?;
    let mut out = String::from(
        "code,procedure,channel,received_at,due_at,resolved_at,returned_at,return_channel,outcome,supplement_count,paused_working_hours\n",
    );
    for d in rows {
        let line = [
            csv_field(&d.code),
            csv_field(&d.procedure_code),
            d.channel.clone(),
            vn(Some(d.received_at)),
            vn(Some(d.due_at)),
            vn(d.resolved_at),
            vn(d.returned_at),
            d.return_channel.clone(),
            d.outcome.clone().unwrap_or_default(),
            d.supplement_requests.to_string(),
            format!("{:.2}", d.paused_seconds as f64 / 3600.0),
        ];
        out.push_str(&line.join(","));
        out.push('\n');
    }
    let name = format!("ho-so-{}-{}.csv", p.from, p.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out,
    )
        .into_response())
}
