//! Verifying signed PDFs (anyone: a citizen checking a result, an agency checking a document it
//! received) and the installation's trusted roots (Decree 30/2020/NĐ-CP art. 20: the recipient
//! checks authenticity and integrity; Decree 130/2018/NĐ-CP art. 9: how a signature is checked).

use super::ErrorEnvelope;
use crate::auth::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::multipart::read_one_file;
use crate::signin::limiter_key;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;

/// Verifies every signature of a PDF against this installation's roots (public; limited per
/// client). The body is the PDF itself (`application/pdf`) or a multipart form with one `file`.
/// Answers `{"signatures":[{"signer","signed_at","intact","covers_whole_document","trusted",
/// "reason",…}],"valid":bool,"problems":[…]}`; a file that is not a readable PDF is a 422 naming
/// `file`.
#[utoipa::path(post, path = "/api/v1/signatures/verify", tag = "signature", operation_id = "verify_signatures",
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 200, description = "the verdict on each signature and on the file"),
        (status = 413, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn verify_signatures(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<axum::Json<motcua_sign::VerifyReport>> {
    if let Err(wait) = state.public_by_client.take(&limiter_key(&client)) {
        return Err(ApiError::RateLimited(wait));
    }
    let limit = state.config.upload_limit_bytes;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let bytes = if multipart {
        read_one_file(&headers, body, limit).await?.1
    } else {
        axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?
            .to_vec()
    };
    let report = motcua_app::signing::verify_pdf(&state.db, bytes).await?;
    Ok(axum::Json(report))
}

/// The root certificates this installation trusts, as PEM (to configure pyHanko, pdfsig, Acrobat).
#[utoipa::path(get, path = "/api/v1/pki/roots", tag = "signature", operation_id = "pki_roots",
    responses((status = 200, description = "PEM certificates", content_type = "application/x-pem-file")))]
pub async fn pki_roots(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let pem = crate::signing::roots_pem(&state.db).await?;
    Ok(([(header::CONTENT_TYPE, "application/x-pem-file")], pem))
}
