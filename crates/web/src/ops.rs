//! What every request goes through: an operation id, metrics by matched route, security headers,
//! and the JSON envelope for API errors produced outside our handlers (body limit, timeout,
//! unknown method, panic).

use crate::error::envelope;
use crate::operation::OPERATION_ID;
use crate::operation::operation_id;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use std::time::Instant;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether the response should carry the `Strict-Transport-Security` header.
#[derive(Clone, Copy, Debug)]
pub struct Hsts(pub bool);

/// The outermost layer: id, timing, metrics, headers.
pub async fn around_request(hsts: Hsts, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let is_api = req.uri().path().starts_with("/api/");
    let private = carries_personal_data(&req);
    let mut resp = OPERATION_ID
        .scope(id.clone(), async move {
            let resp = next.run(req).await;
            if is_api {
                ensure_api_envelope(resp)
            } else {
                ensure_error_page(resp)
            }
        })
        .await;
    let status = resp.status();
    let elapsed = started.elapsed().as_secs_f64();
    let labels = [("method", method.to_string()), ("route", route.clone())];
    metrics::histogram!("http_request_duration_seconds", &labels).record(elapsed);
    metrics::counter!("http_requests_total", "method" => method.to_string(), "route" => route.clone(),
        "status" => status.as_str().to_owned())
    .increment(1);
    tracing::debug!(operation_id = %id, http.method = %method, http.route = %route,
        http.status = status.as_u16(), elapsed_ms = elapsed * 1e3, "request");
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert(X_REQUEST_ID, v);
    }
    security_headers(h, hsts.0);
    let signs_in = h
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(crate::auth::SESSION_COOKIE));
    if (private || signs_in) && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    resp
}

/// Whether the answer to `req` may hold personal data, so that no browser or proxy keeps it (the
/// Law on Personal Data Protection 91/2025/QH15 with Decree 356/2025/NĐ-CP from 1/1/2026, before
/// it Decree 13/2023/NĐ-CP, require measures protecting personal data in processing; this one is
/// ours, not a clause of theirs):
/// a signed-in request (a bearer token or the session cookie), or a public look-up of a dossier,
/// whose codes are the applicant's. An answer that set its own `Cache-Control` (the stylesheet,
/// the portal's media) keeps it; a signed-out page keeps the default.
fn carries_personal_data(req: &Request) -> bool {
    let path = req.uri().path();
    let session = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains(crate::auth::SESSION_COOKIE));
    req.headers().contains_key(header::AUTHORIZATION)
        || session
        || path.starts_with("/tra-cuu")
        || path.starts_with("/api/v1/public/dossiers")
}

/// Content-Security-Policy without any inline script or style; `frame-ancestors 'none'` forbids
/// framing (click-jacking). See docs/ARCHITECTURE.md, security.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

fn security_headers(h: &mut axum::http::HeaderMap, hsts: bool) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// API errors that did not come from our handlers (413 from the body limit, 503 from the
/// timeout, 405, a panic's 500) still get the envelope.
fn ensure_api_envelope(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "Nội dung gửi lên vượt quá giới hạn cho phép.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Phương thức HTTP không được hỗ trợ cho địa chỉ này.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy."),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            "unavailable",
            "Hệ thống đang bận hoặc xử lý quá lâu; vui lòng thử lại sau.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Nội dung phải có Content-Type: application/json.",
        ),
        s if s.is_server_error() => (
            "internal_error",
            "Hệ thống gặp lỗi; vui lòng thử lại hoặc báo quản trị kèm mã thao tác.",
        ),
        _ => ("bad_request", "Yêu cầu không hợp lệ."),
    };
    let mut out = envelope(status, code, message, Value::Null);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = resp.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// HTML errors that did not come from our handlers get the Vietnamese error page.
fn ensure_error_page(resp: Response) -> Response {
    let status = resp.status();
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A media range beyond the file keeps its bare answer: players read `Content-Range`.
    if is_html
        || !(status.is_client_error() || status.is_server_error())
        || status == StatusCode::RANGE_NOT_SATISFIABLE
    {
        return resp;
    }
    let (title, text) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Nội dung quá lớn",
            "Tệp hoặc biểu mẫu gửi lên vượt quá giới hạn cho phép.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Thao tác không hợp lệ",
            "Địa chỉ này không nhận thao tác vừa gửi.",
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            "Hệ thống đang bận",
            "Yêu cầu xử lý quá lâu hoặc hệ thống tạm thời không sẵn sàng; vui lòng thử lại sau.",
        ),
        s if s.is_server_error() => (
            "Hệ thống gặp lỗi",
            "Vui lòng thử lại hoặc báo quản trị kèm mã thao tác.",
        ),
        _ => ("Yêu cầu không hợp lệ", "Vui lòng kiểm tra lại và thử lại."),
    };
    crate::chrome::render_error_page(status, title, text)
}

/// A panic inside a handler becomes a plain 500 (the envelope or error page is added above).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!(operation_id = %operation_id(), "handler panicked");
    let mut r = Response::new(Body::from("Internal Server Error"));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}
