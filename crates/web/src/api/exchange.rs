//! Exchanging documents with other installations as edXML (QCVN 102:2016; Decree 30/2020/NĐ-CP
//! art. 16 sending, art. 20–22 receiving and acknowledging, art. 23 recall, art. 24 handling).
//!
//! - `POST /api/v1/edxml/inbox`: a partner installation delivers a package or a status message,
//!   authenticated by the bearer token agreed with it; the sender named in the package must be that
//!   partner. Signed PDF attachments are verified on arrival: one whose signature is broken gets the
//!   package refused (02, with the reason). A package addressed to one of our agencies is
//!   registered with the next arrival number, its first PDF kept with the state of its signatures
//!   (once per DocumentId: a repeated delivery is answered the same, nothing new is written) and
//!   answered with status 03; a misaddressed or unreadable one with 02 and the reason (the HTTP
//!   exchange itself succeeded: 200 with the status message). A recall request (13) is agreed
//!   (14): the document is marked recalled, as art. 23 asks of the recipient. Statuses 04–06 from a
//!   recipient are recorded on the document we sent.
//! - `POST /api/v1/documents/{id}/send`: an issued document, with its signed PDF, goes to a
//!   partner's inbox through the outbox (queued with the document's status in one transaction,
//!   tried at once, retried by the notifier with back-off); the partner's answer (03, or 02 with the
//!   reason) is recorded on the document.
//! - `POST /api/v1/documents/{id}/recall`: asks the partner to recall (13), directly (the answer,
//!   14 or 15, is needed at once); records its answer.
//!
//! The use cases are `motcua_app::document::exchange`; these are their routes.
//!
//! The HTTP client has no TLS feature (reqwest with rustls would pull aws-lc-rs into the build):
//! partners are reached through a TLS-terminating proxy or on a private network.

use super::ErrorEnvelope;
use crate::auth::{Api, ManageDocuments};
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::document::exchange;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Receives a package or a status message from a partner installation.
#[utoipa::path(post, path = "/api/v1/edxml/inbox", tag = "document", operation_id = "edxml_inbox",
    request_body(content = String, content_type = "application/xml"),
    responses((status = 200, description = "a status message (edXML): 03 registered, 02 refused with the reason, 14 recall agreed, 01 status noted"),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope, description = "not edXML at all")))]
pub async fn edxml_inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    let partner = exchange::partner_of(&state, token).await?;
    let bytes = axum::body::to_bytes(body, state.config.upload_limit_bytes)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let answer =
        exchange::receive(&state, &partner, &bytes, &crate::operation::operation_id()).await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        answer,
    )
        .into_response())
}

/// Where to send.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    /// The recipient agency's OrganId (an exchange partner).
    pub organ_id: String,
}

/// Sends an issued document to a partner agency as an edXML package; records its answer.
#[utoipa::path(post, path = "/api/v1/documents/{id}/send", tag = "document", operation_id = "send_document",
    request_body = SendRequest, security(("bearer" = [])),
    responses((status = 200, description = "the document with `exchange_status` 03 (accepted) or 02 (refused)"),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn send_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SendRequest>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let d = exchange::send(&state, &caller.actor(), scope, id, &req.organ_id).await?;
    Ok(axum::Json(crate::api::document::doc_json(&d)))
}

/// Asks the partner to recall a document sent to it (status 13); records its answer (14 or 15).
#[utoipa::path(post, path = "/api/v1/documents/{id}/recall", tag = "document", operation_id = "recall_document",
    request_body = SendRequest, security(("bearer" = [])),
    responses((status = 200, description = "the document with the partner's answer"), (status = 409, body = ErrorEnvelope)))]
pub async fn recall_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SendRequest>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let d = exchange::recall(&state, &caller.actor(), scope, id, &req.organ_id).await?;
    Ok(axum::Json(crate::api::document::doc_json(&d)))
}
