//! Absolute addresses of motcua's pages, for links that leave the browser (QR codes, e-mails,
//! receipts).

use crate::state::AppState;
use axum::http::header;

/// The address users reach motcua at: `public_url`, else the request's host.
pub fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    match state.config.public_url.as_deref() {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
                })
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    }
}
