//! Reading `multipart/form-data` bodies (uploads of the API and of the pages), the name an
//! uploaded file is kept under, and file names in `Content-Disposition`.

use crate::error::{ApiError, FieldError};
use axum::body::Body;
use axum::http::{HeaderMap, header};

/// Every field of a multipart form and its files (`(field, file name, bytes)`): at most `limit`
/// bytes per file (413 beyond) and eight files. Fields without a file name are text.
pub async fn read_multipart(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<
    (
        std::collections::HashMap<String, String>,
        Vec<(String, String, Vec<u8>)>,
    ),
    ApiError,
> {
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > limit * 8 + 256 * 1024
    {
        return Err(ApiError::PayloadTooLarge);
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(ct).map_err(|_| ApiError::UnsupportedMediaType)?;
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream((limit * 8 + 256 * 1024) as u64)
            .per_field(limit as u64),
    );
    let mut mp =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let too_large = |e: &multer::Error| {
        matches!(
            e,
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
        )
    };
    let mut fields = std::collections::HashMap::new();
    let mut files = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if too_large(&e) => return Err(ApiError::PayloadTooLarge),
            Err(e) => return Err(ApiError::BadRequest(format!("multipart: {e}"))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|e| {
            if too_large(&e) {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("multipart: {e}"))
            }
        })?;
        match file_name {
            Some(f) if !f.is_empty() && !bytes.is_empty() => {
                if files.len() >= 8 {
                    return Err(ApiError::PayloadTooLarge);
                }
                files.push((name, f, bytes.to_vec()));
            }
            Some(_) => {}
            None => {
                fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok((fields, files))
}

/// The one file of a `multipart/form-data` body, at most `limit` bytes.
pub async fn read_one_file(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<(String, Vec<u8>), ApiError> {
    let (_, mut files) = read_multipart(headers, body, limit).await?;
    match files.len() {
        0 => Err(ApiError::Invalid(vec![FieldError::new(
            "file",
            "chưa chọn tệp để tải lên",
        )])),
        1 => Ok(files.pop().map(|(_, n, b)| (n, b)).unwrap_or_default()),
        _ => Err(ApiError::Invalid(vec![FieldError::new(
            "file",
            "mỗi lần chỉ tải lên một tệp",
        )])),
    }
}

pub use motcua_domain::dossier::upload::kept_name as upload_name;

/// Percent-encoded, the unreserved characters of RFC 3986 kept: a file name for
/// `filename*=UTF-8''…` (RFC 5987), or a query value.
pub fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
