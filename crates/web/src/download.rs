//! Files as downloads, for the API and the pages alike: a document's PDF (inline, named after its
//! number and notation, RFC 6266/5987) and a register's CSV or XLSX (attachment).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use motcua_app::document::{self as app_doc, Document, registers};

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
