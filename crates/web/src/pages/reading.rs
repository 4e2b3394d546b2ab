//! Reading aids of the portal (seed P4): smaller and larger text (the two "T" buttons) and
//! inverted high-contrast colours, remembered in a cookie and working without JavaScript — plain
//! links to `/tuy-chon-doc`, which sets the cookie and sends the reader back. WCAG 2.2 success
//! criteria 1.4.4 (resize text) and 1.4.3 (contrast, minimum): the high-contrast colours are
//! light on black, above 7:1.

use crate::chrome::{MAX_SIZE, MIN_SIZE, READING, READING_COOKIE, Reading};
use axum::extract::{Query, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Reads the cookie into the request's task, for the layout.
pub async fn reading_prefs(req: Request, next: Next) -> Response {
    let (size, contrast) = crate::auth::cookie(req.headers(), READING_COOKIE)
        .map(|c| Reading::parse(&c))
        .unwrap_or((0, false));
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    READING
        .scope(
            Reading {
                size,
                contrast,
                here,
            },
            next.run(req),
        )
        .await
}

#[derive(Deserialize)]
pub struct ChoiceQuery {
    /// `lon` (larger), `nho` (smaller), `vua` (default size), `tuong-phan` (inverted colours),
    /// `thuong` (normal colours).
    #[serde(default)]
    chon: String,
    /// Where to go back to: a path of this site.
    #[serde(default)]
    ve: String,
}

/// A local path to go back to, or `/` (never another site: no open redirect).
fn back_to(ve: &str) -> &str {
    let ok = ve.starts_with('/')
        && !ve.starts_with("//")
        && !ve.contains('\\')
        && !ve.chars().any(char::is_control)
        && !ve.starts_with("/tuy-chon-doc");
    if ok { ve } else { "/" }
}

/// `GET /tuy-chon-doc?chon=lon|nho|vua|tuong-phan|thuong&ve=/path`: records the choice in the
/// cookie (a year) and sends the reader back (303).
pub async fn choose(headers: axum::http::HeaderMap, Query(q): Query<ChoiceQuery>) -> Response {
    let (mut size, mut contrast) = crate::auth::cookie(&headers, READING_COOKIE)
        .map(|c| Reading::parse(&c))
        .unwrap_or((0, false));
    match q.chon.as_str() {
        "lon" => size = (size + 1).min(MAX_SIZE),
        "nho" => size = (size - 1).max(MIN_SIZE),
        "vua" => size = 0,
        "tuong-phan" => contrast = true,
        "thuong" => contrast = false,
        _ => {}
    }
    let cookie = format!(
        "{READING_COOKIE}=s{size}c{}; Path=/; Max-Age=31536000; SameSite=Lax",
        u8::from(contrast)
    );
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(back_to(&q.ve)) {
        h.insert(header::LOCATION, v);
    } else {
        h.insert(header::LOCATION, HeaderValue::from_static("/"));
    }
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        h.insert(header::SET_COOKIE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_and_links() {
        assert_eq!(Reading::parse("s2c1"), (2, true));
        assert_eq!(Reading::parse("s9c0"), (MAX_SIZE, false));
        assert_eq!(Reading::parse("s-5"), (MIN_SIZE, false));
        assert_eq!(Reading::parse("rubbish"), (0, false));
        let r = Reading {
            size: 1,
            contrast: true,
            here: "/thu-tuc?q=bưu chính".into(),
        };
        assert_eq!(r.classes(), "text1 contrast");
        assert_eq!(
            r.larger(),
            "/tuy-chon-doc?chon=lon&ve=/thu-tuc%3Fq%3Db%C6%B0u%20ch%C3%ADnh"
        );
        assert_eq!(
            r.toggle_contrast().split('&').next(),
            Some("/tuy-chon-doc?chon=thuong")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "javascript:x",
        ] {
            assert_eq!(back_to(bad), "/", "{bad}");
        }
        assert_eq!(back_to("/tra-cuu?ma=1"), "/tra-cuu?ma=1");
    }
}
