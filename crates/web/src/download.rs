//! Files as downloads, for the API and the pages alike: a document's PDF (inline, named after its
//! number and notation, RFC 6266/5987), a register's or the scorecard's file (attachment), a
//! dossier's form (inline PDF) and a dossier's file (attachment, its name in RFC 5987 form).

use crate::error::ApiError;
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use motcua_app::document::{self as app_doc, Document, registers};
use motcua_app::dossier::{Dossier, Upload};

/// A document's PDF as a response, named after its number and notation.
pub fn pdf(d: &Document, content: Vec<u8>) -> Response {
    let name = app_doc::pdf_name(d);
    // An ASCII name for old clients and the exact one in RFC 6266/5987 form (`15_QĐ-BTTTT.pdf`).
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        content,
    )
        .into_response()
}

/// A register file as a download.
pub fn file(f: registers::File) -> Response {
    (
        [
            (header::CONTENT_TYPE, f.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", f.name),
            ),
        ],
        f.bytes,
    )
        .into_response()
}

/// A form (01–05) of a dossier as an inline PDF, `mau-01-<code>.pdf`, never cached; its QR code
/// links to the address the user reached (`links::base_url`).
pub async fn form_pdf(
    state: &AppState,
    headers: &HeaderMap,
    d: &Dossier,
    form: motcua_forms::Form,
) -> Result<Response, ApiError> {
    let base = crate::links::base_url(state, headers);
    let pdf = motcua_app::dossier::forms::pdf(state, &base, d, form).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"mau-{}-{}.pdf\"", form.number(), d.code),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// A file of a dossier as an attachment: an ASCII name with its extension for old clients and
/// the exact one in RFC 5987 form.
pub fn upload(f: Upload) -> Response {
    let disposition = format!(
        "attachment; filename=\"file.{}\"; filename*=UTF-8''{}",
        f.file_name.rsplit('.').next().unwrap_or("bin"),
        crate::multipart::percent(&f.file_name)
    );
    (
        [
            (header::CONTENT_TYPE, f.content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        f.content,
    )
        .into_response()
}
