//! `/kiem-tra-chu-ky`: anyone uploads a signed PDF and sees, for each signature, who signed, when,
//! whether the document is unchanged and whether the certificate is trusted (Decree 30/2020/NĐ-CP
//! art. 20; Decree 130/2018/NĐ-CP art. 9).

use super::{Layout, html};
use crate::auth::{CsrfToken, Viewer, verify_csrf};
use crate::error::{ApiError, PageResult};
use crate::multipart::read_multipart;
use crate::state::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

pub struct Row {
    pub signer: String,
    pub signed_at: String,
    pub intact: bool,
    pub whole: bool,
    pub trusted: bool,
    pub reason: String,
    pub stated_reason: String,
}

#[derive(Template)]
#[template(path = "signature_check.html")]
struct CheckPage {
    l: Layout,
    file_name: String,
    checked: bool,
    valid: bool,
    rows: Vec<Row>,
    problems: Vec<String>,
    error: String,
}

fn when(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.format("%H:%M:%S ngày %d/%m/%Y").to_string())
        .unwrap_or_else(|| "không rõ".to_owned())
}

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let page = CheckPage {
        l: Layout::build(&state, &viewer, &csrf, "/kiem-tra-chu-ky").await,
        file_name: String::new(),
        checked: false,
        valid: false,
        rows: Vec::new(),
        problems: Vec::new(),
        error: String::new(),
    };
    Ok(html(StatusCode::OK, &page))
}

pub async fn post(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    client: crate::auth::ClientIp,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> PageResult<Response> {
    let mut page = CheckPage {
        l: Layout::build(&state, &viewer, &csrf, "/kiem-tra-chu-ky").await,
        file_name: String::new(),
        checked: false,
        valid: false,
        rows: Vec::new(),
        problems: Vec::new(),
        error: String::new(),
    };
    let (fields, mut files) =
        match read_multipart(&headers, body, state.config.upload_limit_bytes).await {
            Ok(v) => v,
            Err(ApiError::PayloadTooLarge) => {
                page.error = format!(
                    "Tệp quá lớn: tối đa {} MB.",
                    state.config.upload_limit_bytes / (1024 * 1024)
                );
                return Ok(html(StatusCode::PAYLOAD_TOO_LARGE, &page));
            }
            Err(_) => {
                page.error = "Không đọc được biểu mẫu; hãy chọn lại tệp.".into();
                return Ok(html(StatusCode::BAD_REQUEST, &page));
            }
        };
    verify_csrf(
        &method,
        &headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    if state
        .public_by_client
        .take(&crate::signin::limiter_key(&client.0))
        .is_err()
    {
        page.error = "Quá nhiều lần kiểm tra; vui lòng thử lại sau ít phút.".into();
        return Ok(html(StatusCode::TOO_MANY_REQUESTS, &page));
    }
    let Some((_, name, bytes)) = files.pop().filter(|(_, _, b)| !b.is_empty()) else {
        page.error = "Chưa chọn tệp PDF cần kiểm tra.".into();
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    page.file_name = name;
    match motcua_app::signing::verify_pdf(&state.db, bytes).await {
        Ok(report) => {
            page.checked = true;
            page.valid = report.valid;
            page.problems = report.problems;
            page.rows = report.signatures.into_iter().map(row).collect();
            Ok(html(StatusCode::OK, &page))
        }
        Err(motcua_app::Error::Invalid(problems)) => {
            page.error = problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join(" ");
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One signature of the checked file as its row shows it.
fn row(s: motcua_sign::pdf::SignatureReport) -> Row {
    Row {
        signer: if s.signer.is_empty() {
            "không xác định".into()
        } else {
            s.signer
        },
        signed_at: when(s.signed_at.as_deref()),
        intact: s.intact,
        whole: s.covers_whole_document,
        trusted: s.trusted,
        reason: s.reason,
        stated_reason: s.stated_reason.unwrap_or_default(),
    }
}
