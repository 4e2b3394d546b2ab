//! `ApiJson<T>`: the JSON body extractor of `/api/v1`. Malformed JSON is 400; wrong types, missing
//! or unknown fields are 422 with the path of the field; a body over the limit is 413; another
//! content type is 415. Always the error envelope.

use crate::error::{ApiError, FieldError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        require_json(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest("the body could not be read".into())
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// 415 unless the request says its body is JSON.
pub fn require_json(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if is_json {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// Parse a JSON body into `T`, naming the field at fault.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::BadRequest(format!("line {} column {}", inner.line(), inner.column()))
        } else {
            let message = data_message(&inner.to_string());
            ApiError::Invalid(vec![FieldError::new(field_name(&path, &message), message)])
        }
    })
}

/// The field a serde error is about: its path, or for a missing field (reported at the parent) the
/// parent path joined with the field's name.
fn field_name(path: &str, message: &str) -> String {
    let parent = if path == "." { "" } else { path };
    match message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        Some(name) if parent.is_empty() => name.to_owned(),
        Some(name) => format!("{parent}.{name}"),
        None => parent.to_owned(),
    }
}

/// serde's message without its position suffix (the field path is given separately).
fn data_message(raw: &str) -> String {
    raw.split(" at line ").next().unwrap_or(raw).to_owned()
}

/// `ApiQuery<T>`: the query string of an API request; a wrong type, an unknown or missing
/// parameter is 422 with the parameter's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                ApiError::Invalid(vec![FieldError::new(field_name(&path, &message), message)])
            })
    }
}

/// `ApiPath<T>`: path parameters; one that does not parse (e.g. a malformed id) is 422.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rej) => {
                use axum::extract::path::ErrorKind;
                let field = match &rej {
                    axum::extract::rejection::PathRejection::FailedToDeserializePathParams(e) => {
                        match e.kind() {
                            ErrorKind::ParseErrorAtKey { key, .. }
                            | ErrorKind::InvalidUtf8InPathParam { key }
                            | ErrorKind::DeserializeError { key, .. } => key.clone(),
                            _ => "path".to_owned(),
                        }
                    }
                    _ => "path".to_owned(),
                };
                Err(ApiError::Invalid(vec![FieldError::new(
                    field,
                    "giá trị trong đường dẫn không hợp lệ",
                )]))
            }
        }
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        password: String,
    }

    #[test]
    fn syntax_errors_are_400_and_data_errors_name_the_field() {
        assert!(matches!(
            parse::<Login>(b"{\"email\":"),
            Err(ApiError::BadRequest(_))
        ));
        match parse::<Login>(br#"{"email":1,"password":"x"}"#) {
            Err(ApiError::Invalid(f)) => assert_eq!(f[0].field, "email"),
            other => panic!("{other:?}"),
        }
        match parse::<Login>(br#"{"email":"a","password":"x","admin":true}"#) {
            Err(ApiError::Invalid(f)) => assert!(f[0].message.contains("unknown field"), "{f:?}"),
            other => panic!("{other:?}"),
        }
    }
}
