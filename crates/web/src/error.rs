//! The errors of the HTTP layer.
//!
//! Use [`ApiError`] in `/api/v1` handlers and [`PageError`] in HTML handlers. Both turn a storage
//! error into the right status (404, 409, 503, 507, 500). A 5xx logs its cause once, here, with the
//! operation id; the client sees only the id and a generic message, never the cause.
//! The API envelope is `{"error":{"code","message","details","operation_id"}}`.

use crate::chrome::render_error_page;
use crate::operation::operation_id;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::Error as AppError;
use motcua_app::StoreError;
use serde::Serialize;
use serde_json::{Value, json};
use std::time::Duration;

/// A problem with one field of the input.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<motcua_app::Problem> for FieldError {
    fn from(p: motcua_app::Problem) -> Self {
        Self::new(p.field, p.message)
    }
}

/// The message for `field` among form errors, or an empty string: what a page shows beside a field.
pub fn message_for(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not well-formed JSON (or not JSON at all).
    #[error("bad request")]
    BadRequest(String),
    /// The body is well-formed but fields are missing, of the wrong type, unknown or invalid.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("unauthenticated")]
    Unauthorized,
    #[error("wrong credentials")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict")]
    Conflict(String),
    /// An action not allowed in the current state: 409 with the actions allowed now.
    #[error("not allowed now")]
    NotAllowed {
        message: String,
        allowed: Vec<String>,
    },
    /// A write that needs `If-Match` came without it.
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("rate limited")]
    RateLimited(Duration),
    #[error("locked")]
    Locked,
    /// A file was refused as a whole; `details.rows` lists every problem with its row and column.
    #[error("import rejected")]
    ImportRejected(Value),
    #[error("storage")]
    Store(#[from] StoreError),
    #[error("internal")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String, Value) {
        match self {
            Self::BadRequest(why) => (
                StatusCode::BAD_REQUEST,
                "malformed_request",
                "Yêu cầu không đúng định dạng JSON.".into(),
                json!({ "reason": why }),
            ),
            Self::Invalid(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Dữ liệu không hợp lệ.".into(),
                json!({ "fields": fields }),
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Nội dung phải có Content-Type: application/json.".into(),
                Value::Null,
            ),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Cần đăng nhập (Authorization: Bearer …).".into(),
                Value::Null,
            ),
            Self::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Thư điện tử hoặc mật khẩu không đúng.".into(),
                Value::Null,
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Tài khoản không có quyền thực hiện thao tác này.".into(),
                Value::Null,
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Không tìm thấy.".into(),
                Value::Null,
            ),
            Self::Conflict(what) => {
                (StatusCode::CONFLICT, "conflict", what.clone(), Value::Null)
            }
            Self::NotAllowed { message, allowed } => (
                StatusCode::CONFLICT,
                "action_not_allowed",
                message.clone(),
                json!({ "allowed_actions": allowed }),
            ),
            Self::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                "Cần tiêu đề If-Match với phiên bản hồ sơ đã đọc (ví dụ If-Match: \"3\").".into(),
                Value::Null,
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Nội dung gửi lên vượt quá giới hạn cho phép.".into(),
                Value::Null,
            ),
            Self::RateLimited(after) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Quá nhiều yêu cầu; vui lòng thử lại sau.".into(),
                json!({ "retry_after_secs": after.as_secs().max(1) }),
            ),
            Self::Locked => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Quá nhiều lần đăng nhập không thành công; vui lòng thử lại sau hoặc liên hệ quản trị.".into(),
                Value::Null,
            ),
            Self::ImportRejected(rows) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "import_rejected",
                "Tệp có lỗi; chưa nhập dữ liệu nào. Sửa các dòng được liệt kê rồi nhập lại.".into(),
                json!({ "rows": rows }),
            ),
            Self::Store(e) => store_parts(e),

            Self::Internal(_) => internal_parts(),
        }
    }
}

fn internal_parts() -> (StatusCode, &'static str, String, Value) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "Hệ thống gặp lỗi; vui lòng thử lại hoặc báo quản trị kèm mã thao tác.".into(),
        Value::Null,
    )
}

fn store_parts(e: &StoreError) -> (StatusCode, &'static str, String, Value) {
    match e {
        StoreError::NotFound => (
            StatusCode::NOT_FOUND,
            "not_found",
            "Không tìm thấy.".into(),
            Value::Null,
        ),
        // A second rating reads as the duplicate it is.
        StoreError::Conflict(_) | StoreError::AlreadyRated => (
            StatusCode::CONFLICT,
            "conflict",
            "Dữ liệu trùng với bản ghi đã có.".into(),
            Value::Null,
        ),
        StoreError::Stale => (
            StatusCode::CONFLICT,
            "conflict",
            "Dữ liệu đã được người khác cập nhật; tải lại để xem trạng thái mới.".into(),
            Value::Null,
        ),
        StoreError::WrongState => (
            StatusCode::CONFLICT,
            "conflict",
            "Dữ liệu đã ở trạng thái khác; tải lại để xem trạng thái mới.".into(),
            Value::Null,
        ),
        StoreError::Rule(why) => (StatusCode::CONFLICT, "conflict", (*why).into(), Value::Null),
        StoreError::UploadsUnavailable => (
            StatusCode::CONFLICT,
            "conflict",
            "Tệp đính kèm không tồn tại hoặc đã thuộc hồ sơ khác.".into(),
            Value::Null,
        ),
        StoreError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau.".into(),
            Value::Null,
        ),
        StoreError::Full(_) => (
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_full",
            "Hết dung lượng lưu trữ; dữ liệu chưa được ghi.".into(),
            Value::Null,
        ),
        StoreError::Db(_) => internal_parts(),
    }
}

/// Log the cause of a server-side error once, with the operation id, never its data.
fn log_cause(status: StatusCode, err: &dyn std::error::Error) {
    if status.is_server_error() {
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(operation_id = %operation_id(), status = status.as_u16(), cause = %chain, "request failed");
    }
}

/// The JSON error envelope.
pub fn envelope(status: StatusCode, code: &str, message: &str, details: Value) -> Response {
    let body = json!({ "error": {
        "code": code, "message": message, "details": details, "operation_id": operation_id(),
    }});
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = self.parts();
        log_cause(status, &self);
        let mut resp = envelope(status, code, &message, details);
        match self {
            Self::Unauthorized | Self::BadCredentials => {
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"motcua\""),
                );
            }
            Self::RateLimited(after) => {
                if let Ok(v) = HeaderValue::from_str(&after.as_secs().max(1).to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        resp
    }
}

/// Errors of HTML handlers: a Vietnamese page with the operation id.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("csrf")]
    Csrf,
    /// A use case refused the input or the action (422, 409, 413): a page that says why.
    #[error("refused")]
    Refused { status: StatusCode, message: String },
    #[error("storage")]
    Store(#[from] StoreError),
    #[error("internal")]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, text) = match &self {
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "Không có quyền truy cập",
                "Tài khoản của bạn không có quyền xem trang này.".to_owned(),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Không tìm thấy trang",
                "Địa chỉ bạn mở không tồn tại hoặc đã được chuyển đi.".to_owned(),
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "Phiên biểu mẫu không hợp lệ",
                "Biểu mẫu đã hết hạn hoặc không được gửi từ trang của hệ thống. Vui lòng tải lại trang và gửi lại.".to_owned(),
            ),
            Self::Refused { status, message } => {
                (*status, "Không thực hiện được", message.clone())
            }
            Self::Store(e) => {
                let (s, _, m, _) = store_parts(e);
                (s, "Không thực hiện được", m)
            }
            Self::Internal(_) => {
                let (s, _, m, _) = internal_parts();
                (s, "Hệ thống gặp lỗi", m)
            }
        };
        log_cause(status, &self);
        render_error_page(status, title, &text)
    }
}

/// The one conversion of a use case's error into the API's (status, code and `details` are
/// tested below); messages come from the use case, never parsed here.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(problems) => {
                Self::Invalid(problems.into_iter().map(FieldError::from).collect())
            }
            AppError::NotFound => Self::NotFound,
            AppError::Unauthenticated => Self::Unauthorized,
            AppError::Forbidden => Self::Forbidden,
            AppError::NotAllowed { reason, allowed } => Self::NotAllowed {
                message: reason,
                allowed,
            },
            AppError::Refused(why) | AppError::Stale(why) | AppError::Partner(why) => {
                Self::Conflict(why)
            }
            AppError::Rejected(rows) => Self::ImportRejected(rows),
            AppError::TooLarge => Self::PayloadTooLarge,
            AppError::Store(e) => Self::Store(e),
            AppError::Internal(e) => Self::Internal(e),
        }
    }
}

/// The same conversion for pages: a refusal is a page that says why with its status (a 409 or
/// 422 never becomes a 500).
impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::NotFound,
            AppError::Forbidden => Self::Forbidden,
            AppError::Store(e) => Self::Store(e),
            AppError::Internal(e) => Self::Internal(e),
            // A page that cannot show the messages beside its fields says every one of them.
            AppError::Invalid(problems) if !problems.is_empty() => Self::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            },
            other => {
                let (status, _, message, _) = ApiError::from(other).parts();
                Self::Refused { status, message }
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
pub type PageResult<T> = Result<T, PageError>;

/// An API error met by a page handler (a shared helper answered it), as the page's error: the
/// statuses the pages have (403, 404, 503/507 from storage, 500); any other is a fault of the page.
pub fn api_to_page(e: ApiError) -> PageError {
    match e {
        ApiError::Forbidden | ApiError::Unauthorized => PageError::Forbidden,
        ApiError::NotFound => PageError::NotFound,
        ApiError::Store(s) => PageError::Store(s),
        ApiError::Internal(e) => PageError::Internal(e),
        other => PageError::Internal(anyhow::anyhow!("{other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_app::Problem;

    fn api(e: AppError) -> (u16, &'static str, String, Value) {
        let (status, code, message, details) = ApiError::from(e).parts();
        (status.as_u16(), code, message, details)
    }

    #[test]
    fn every_use_case_error_has_its_status_code_and_details_in_the_api() {
        let rows = json!([{"row": 2, "column": "code", "message": "trùng"}]);
        let table: Vec<(AppError, u16, &str, Value)> = vec![
            (
                AppError::Invalid(vec![Problem::new("applicant.name", "Cần nhập họ tên.")]),
                422,
                "validation_failed",
                json!({"fields": [{"field": "applicant.name", "message": "Cần nhập họ tên."}]}),
            ),
            (AppError::NotFound, 404, "not_found", Value::Null),
            (
                AppError::Unauthenticated,
                401,
                "unauthenticated",
                Value::Null,
            ),
            (AppError::Forbidden, 403, "forbidden", Value::Null),
            (
                AppError::NotAllowed {
                    reason: "không được".into(),
                    allowed: vec!["assign".into()],
                },
                409,
                "action_not_allowed",
                json!({"allowed_actions": ["assign"]}),
            ),
            (
                AppError::Refused("đã đánh giá".into()),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Stale("đã thay đổi".into()),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Partner("bên kia từ chối".into()),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Rejected(rows.clone()),
                422,
                "import_rejected",
                json!({"rows": rows}),
            ),
            (AppError::TooLarge, 413, "payload_too_large", Value::Null),
            (
                AppError::Store(StoreError::NotFound),
                404,
                "not_found",
                Value::Null,
            ),
            (
                AppError::Store(StoreError::Stale),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Store(StoreError::WrongState),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Store(StoreError::Rule("không đúng thứ tự")),
                409,
                "conflict",
                Value::Null,
            ),
            (
                AppError::Internal(anyhow::anyhow!("cause")),
                500,
                "internal_error",
                Value::Null,
            ),
        ];
        for (error, status, code, details) in table {
            let name = format!("{error:?}");
            let got = api(error);
            assert_eq!((got.0, got.1, &got.3), (status, code, &details), "{name}");
        }
    }

    #[test]
    fn a_use_case_message_reaches_the_client_unchanged() {
        assert_eq!(
            api(AppError::Store(StoreError::Rule(
                "văn bản đã được xử lý xong"
            )))
            .2,
            "văn bản đã được xử lý xong"
        );
        assert_eq!(
            api(AppError::Refused("đã đánh giá".into())).2,
            "đã đánh giá"
        );
        assert_eq!(
            api(AppError::NotAllowed {
                reason: "không được lúc này".into(),
                allowed: vec![]
            })
            .2,
            "không được lúc này"
        );
    }

    #[test]
    fn a_refusal_is_a_page_with_its_status_never_a_500() {
        for (error, status) in [
            (AppError::invalid("tieu_de", "Cần nhập tiêu đề."), 422),
            (AppError::Stale("đã thay đổi".into()), 409),
            (AppError::Refused("không được".into()), 409),
            (AppError::TooLarge, 413),
        ] {
            match PageError::from(error) {
                PageError::Refused { status: s, message } => {
                    assert_eq!(s.as_u16(), status);
                    assert!(!message.is_empty());
                }
                other => panic!("{other:?} is not a refusal page"),
            }
        }
        match PageError::from(AppError::Invalid(vec![
            Problem::new("tieu_de", "Cần nhập tiêu đề."),
            Problem::new("nam", "Năm không hợp lệ."),
        ])) {
            PageError::Refused { message, .. } => {
                assert_eq!(message, "Cần nhập tiêu đề. Năm không hợp lệ.")
            }
            other => panic!("{other:?} is not a refusal page"),
        }
        assert!(matches!(
            PageError::from(AppError::NotFound),
            PageError::NotFound
        ));
        assert!(matches!(
            PageError::from(AppError::Forbidden),
            PageError::Forbidden
        ));
    }
}
