//! Outgoing official documents over the API: drafts, issuing with number and notation, the register
//! of a year (Decree 30/2020/NĐ-CP art. 14–19, Annex III, Annex IV).

use super::ErrorEnvelope;
use crate::auth::{Api, ManageDocuments};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Datelike;
use motcua_app::document::{self as app_doc, Document, draft, handling, registers};
use motcua_domain::document::DocType;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A recipient (nơi nhận): an agency by OrganId, or a unit or person by name.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    #[serde(default)]
    pub organ_id: String,
    pub name: String,
}

/// A new outgoing document (a draft).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// One of the 29 types (`quyet_dinh`, `cong_van`, …) or a legal type (`thong_tu`).
    pub doc_type: String,
    /// Trích yếu, at most 500 characters.
    pub subject: String,
    /// `normal`, `urgent`, `very_urgent`, `flash`.
    #[serde(default)]
    pub urgency: String,
    /// `none`, `mat`, `toi_mat`, `tuyet_mat`.
    #[serde(default)]
    pub secrecy: String,
    pub signer_name: String,
    #[serde(default)]
    pub signer_position: String,
    /// TM., Q., KT., TL., TUQ. or empty.
    #[serde(default)]
    pub authority_mark: String,
    /// With KT., TM., TL. or TUQ.: the position or collective signed for ("Bộ trưởng"), printed
    /// after the mark, the signer's own position on the next line (Annex I).
    #[serde(default)]
    pub on_behalf_of: String,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Handled electronically (true) or a paper document registered in the system.
    #[serde(default = "yes")]
    pub electronic: bool,
    /// The content (paragraphs separated by blank lines), rendered to the Annex I layout and
    /// signed when the document is issued; at most 50,000 characters.
    #[serde(default)]
    pub content: Option<String>,
}

fn yes() -> bool {
    true
}

/// The document as the API shows it.
pub fn doc_json(d: &Document) -> Value {
    let t = DocType::parse(&d.doc_type);
    json!({
        "id": d.id, "direction": d.direction, "status": d.status, "doc_type": d.doc_type,
        "type_name": t.map_or("", |t| t.name), "series": d.series, "year": d.year, "number": d.number,
        "notation": d.notation, "code": d.code, "subject": d.subject, "urgency": d.urgency,
        "secrecy": d.secrecy,
        "signer": {"name": d.signer_name, "position": d.signer_position, "authority_mark": d.authority_mark, "on_behalf_of": d.on_behalf_of},
        "recipients": d.recipients, "electronic": d.electronic, "issued_at": d.issued_at,
        "drafting_unit_id": d.drafting_unit_id,
        "version": d.version, "external_id": d.external_id, "sender_organ_id": d.sender_organ_id,
        "exchange_status": d.exchange_status, "exchange_description": d.exchange_note,
        "content": d.content, "signature_state": d.signature_state,
        "pdf": d.pdf_upload_id.map(|_| format!("/api/v1/documents/{}/pdf", d.id)),
        "handling": {
            "status": d.handling_status, "leader_id": d.leader_id, "unit_id": d.handling_unit_id,
            "due_date": d.due_date, "note": d.handling_note, "completed_at": d.completed_at,
        },
    })
}

/// Drafts an outgoing document for the caller's unit; the notation is formed now, the number when
/// it is issued.
#[utoipa::path(post, path = "/api/v1/documents", tag = "document", operation_id = "draft_document",
    request_body = DraftRequest, security(("bearer" = [])),
    responses((status = 201, description = "the draft"), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn draft_document(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManageDocuments>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let d = draft::draft(&state, &caller.actor(), &req.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(doc_json(&d))))
}

impl From<DraftRequest> for draft::Draft {
    fn from(r: DraftRequest) -> Self {
        Self {
            doc_type: r.doc_type,
            subject: r.subject,
            urgency: r.urgency,
            secrecy: r.secrecy,
            signer_name: r.signer_name,
            signer_position: r.signer_position,
            authority_mark: r.authority_mark,
            on_behalf_of: r.on_behalf_of,
            recipients: r
                .recipients
                .into_iter()
                .map(|r| draft::Recipient {
                    organ_id: r.organ_id,
                    name: r.name,
                })
                .collect(),
            electronic: r.electronic,
            content: r.content,
        }
    }
}

/// The version the caller last saw.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub version: i64,
}

/// Issues a draft: the next number of its series for the year (never reused or skipped, also
/// under concurrency), the printed code such as `15/QĐ-BTTTT`.
#[utoipa::path(post, path = "/api/v1/documents/{id}/issue", tag = "document", operation_id = "issue_document",
    request_body = IssueRequest, security(("bearer" = [])),
    responses((status = 200, description = "the issued document"), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn issue_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<IssueRequest>,
) -> ApiResult<axum::Json<Value>> {
    // A failure to typeset or sign leaves the document issued without its PDF, which
    // `POST /api/v1/documents/{id}/sign` makes again; the answer says why.
    let issued = draft::issue(&state, &caller.actor(), scope, id, req.version).await?;
    let mut v = doc_json(&issued.document);
    if let Some(problem) = issued.signing_problem {
        v["signing_problem"] = json!(problem);
    }
    Ok(axum::Json(v))
}

/// Typesets an issued document that has drafted content (Annex I) and signs it again, e.g. after
/// the signing service was unavailable when it was issued.
#[utoipa::path(post, path = "/api/v1/documents/{id}/sign", tag = "document", operation_id = "sign_document",
    security(("bearer" = [])),
    responses((status = 200, description = "the document with its signed PDF"), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn sign_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Value>> {
    let d = draft::sign(&state, &caller.actor(), scope, id).await?;
    Ok(axum::Json(doc_json(&d)))
}

/// The PDF of a document: the signed Annex I rendering of an outgoing one, the signed file that
/// came with an incoming one.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "document", operation_id = "document_pdf",
    security(("bearer" = [])),
    responses((status = 200, description = "application/pdf"), (status = 404, body = ErrorEnvelope)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::response::Response> {
    let (d, content) = app_doc::pdf(&state, &caller.actor(), scope, id).await?;
    Ok(crate::download::pdf(&d, content))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    /// `out` (default) or `in`.
    pub direction: Option<String>,
    /// The calendar year (default: this year, Vietnam time).
    pub year: Option<i32>,
    /// `json` (default), or `csv` / `xlsx` for the register as a file.
    pub format: Option<String>,
}

/// The register of issued documents of a year, by series and number (Annex IV).
#[utoipa::path(get, path = "/api/v1/documents", tag = "document", operation_id = "document_register",
    params(RegisterQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"items\":[…],\"total\":N}, or CSV with format=csv")))]
pub async fn document_register(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> ApiResult<axum::response::Response> {
    let direction = registers::direction(q.direction.as_deref())?;
    let year = q.year.unwrap_or_else(this_year);
    let actor = caller.actor();
    let rows = registers::register(&state, &actor, scope, direction, year).await?;
    match q.format.as_deref() {
        None | Some("json") => {}
        Some(f @ ("csv" | "xlsx")) => {
            let org = state.org().await?;
            return Ok(crate::download::file(registers::register_file(
                &rows, direction, year, f, &org,
            )?));
        }
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "format",
                "json, csv hoặc xlsx",
            )]));
        }
    }
    let items: Vec<Value> = rows.iter().map(doc_json).collect();
    Ok(axum::Json(
        json!({"items": items, "total": items.len(), "year": year, "direction": direction}),
    )
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// The calendar year (default: this year, Vietnam time).
    pub year: Option<i32>,
}

/// Targets T7.1 and T7.2 of the 2021 plan, live from the registers of the year
/// ([`motcua_app::document::indicators`]): T7.1 documents handled electronically among all registered
/// ones (outgoing and incoming, paper ones too); T7.2 units that both sent and received digitally
/// signed documents among all units, with each unit's two flags.
#[utoipa::path(get, path = "/api/v1/documents/indicators", tag = "document", operation_id = "document_indicators",
    params(IndicatorQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"t7_1\":{\"electronic\",\"total\",\"ratio\",\"goal\"},\"t7_2\":{\"units_signing\",\"units\",\"ratio\",\"goal\",\"per_unit\":[…]}}")))]
pub async fn document_indicators(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManageDocuments>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> ApiResult<axum::Json<Value>> {
    let year = q.year.unwrap_or_else(this_year);
    let indicators =
        motcua_app::document::indicators::indicators(&state, caller.user.agency_id, year).await?;
    Ok(axum::Json(json!(indicators)))
}

/// This calendar year, Vietnam time.
fn this_year() -> i32 {
    chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year()
}

/// A step in handling an incoming document.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingRequest {
    /// `present` (to the leader), `assign` (a unit and a due date), `start`, `complete`.
    pub step: String,
    /// The version the caller last saw.
    pub version: i64,
    /// present: the leader's account (a unit leader or an administrator of the agency).
    #[serde(default)]
    pub leader_id: Option<Uuid>,
    /// assign: the unit that handles it (id or code).
    #[serde(default)]
    pub unit: Option<String>,
    /// assign: the due date, `YYYY-MM-DD`, not before today.
    #[serde(default)]
    pub due_date: Option<String>,
    /// The leader's instruction or the unit's report (at most 2,000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Takes an incoming document one step further (Decree 30/2020/NĐ-CP art. 24): the office presents
/// it to the leader, the leader assigns a unit and a due date, the unit starts and completes it.
/// The sender is told with the status 04, 05, 06 through the outbox.
#[utoipa::path(post, path = "/api/v1/documents/{id}/handling", tag = "document", operation_id = "handle_document",
    request_body = HandlingRequest, security(("bearer" = [])),
    responses((status = 200, description = "the document with its `handling`"), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn handle_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<HandlingRequest>,
) -> ApiResult<axum::Json<Value>> {
    let d = handling::handle_by_id(&state, &caller.actor(), scope, id, &req.into()).await?;
    Ok(axum::Json(doc_json(&d)))
}

impl From<HandlingRequest> for handling::Handling {
    fn from(r: HandlingRequest) -> Self {
        Self {
            step: r.step,
            version: r.version,
            leader_id: r.leader_id,
            unit: r.unit,
            due_date: r.due_date,
            note: r.note,
        }
    }
}
