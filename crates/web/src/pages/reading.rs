//! Reading aids of the portal (seed P4): smaller and larger text (the two "T" buttons) and
//! inverted high-contrast colours, remembered in a cookie and working without JavaScript — plain
//! links to `/tuy-chon-doc`, which sets the cookie and sends the reader back. WCAG 2.2 success
//! criteria 1.4.4 (resize text) and 1.4.3 (contrast, minimum): the high-contrast colours are
//! light on black, above 7:1.

use axum::extract::{Query, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The cookie holding the reader's choice: `s{size}c{0|1}`, e.g. `s2c1`.
pub const READING_COOKIE: &str = "doc";

/// Text size steps: −1 (87.5%) … 3 (150%).
pub const MIN_SIZE: i8 = -1;
pub const MAX_SIZE: i8 = 3;

/// The reader's choice for this request, and where the request was (for the links back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    pub size: i8,
    pub contrast: bool,
    /// Path and query of the page being read.
    pub here: String,
}

tokio::task_local! {
    static READING: Reading;
}

impl Reading {
    pub fn parse(cookie: &str) -> (i8, bool) {
        let c = cookie.trim();
        let Some(rest) = c.strip_prefix('s') else {
            return (0, false);
        };
        let (size, contrast) = rest.split_once('c').unwrap_or((rest, "0"));
        let size = size.parse::<i8>().unwrap_or(0).clamp(MIN_SIZE, MAX_SIZE);
        (size, contrast == "1")
    }

    /// The reader's choice for the request being served (default outside a request).
    pub fn current() -> Self {
        READING.try_with(Clone::clone).unwrap_or_default()
    }

    /// The classes of `<html>`: `text-2 contrast`.
    pub fn classes(&self) -> String {
        let mut c = String::new();
        if self.size != 0 {
            c.push_str(&format!("text{}", self.size));
        }
        if self.contrast {
            if !c.is_empty() {
                c.push(' ');
            }
            c.push_str("contrast");
        }
        c
    }

    fn link(&self, what: &str) -> String {
        format!("/tuy-chon-doc?chon={what}&ve={}", utf8_percent(&self.here))
    }
    pub fn smaller(&self) -> String {
        self.link("nho")
    }
    pub fn larger(&self) -> String {
        self.link("lon")
    }
    pub fn toggle_contrast(&self) -> String {
        self.link(if self.contrast {
            "thuong"
        } else {
            "tuong-phan"
        })
    }
}

fn utf8_percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

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
