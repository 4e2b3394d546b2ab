//! The portal's news over the API: categories and published articles for everyone; writing,
//! scheduling and publishing for editors; media uploads (pictures and videos, recognised by their
//! bytes).

use super::ErrorEnvelope;
use crate::auth::{Api, PublishNews};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::news::{ArticleRequest, checked, view};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use motcua_store::portal as store;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

async fn agency(state: &AppState) -> ApiResult<Uuid> {
    crate::portal::portal_agency(state)
        .await
        .map_err(ApiError::Internal)?
        .ok_or(ApiError::NotFound)
}

/// The news categories, in order.
#[utoipa::path(get, path = "/api/v1/news/categories", tag = "portal", operation_id = "news_categories",
    responses((status = 200, description = "[{\"slug\",\"name\",\"video\"}]")))]
pub async fn categories(State(state): State<AppState>) -> ApiResult<axum::Json<Value>> {
    let agency_id = agency(&state).await?;
    let cats = store::categories(&state.db, agency_id).await?;
    Ok(axum::Json(json!(
        cats.iter()
            .map(|c| json!({"slug": c.slug, "name": c.name, "video": c.video}))
            .collect::<Vec<_>>()
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArticleQuery {
    /// A category's slug.
    pub category: Option<String>,
    /// Words to find (Vietnamese with or without marks).
    pub q: Option<String>,
    /// 1-based page of 20.
    pub page: Option<u64>,
}

/// Published articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", tag = "portal", operation_id = "list_articles",
    params(ArticleQuery),
    responses((status = 200, description = "{\"total\",\"page\",\"items\":[{\"id\",\"slug\",\"url\",\"title\",\"state\",\"publish_at\",\"views\",…}]}"),
        (status = 422, body = ErrorEnvelope)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ArticleQuery>,
) -> ApiResult<axum::Json<Value>> {
    let agency_id = agency(&state).await?;
    let cats = store::categories(&state.db, agency_id).await?;
    let mut f = store::ArticleFilter {
        public_at: Some(state.now()),
        ..Default::default()
    };
    if let Some(c) = q.category.as_deref().filter(|c| !c.is_empty()) {
        let Some(cat) = cats.iter().find(|x| x.slug == c) else {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "category",
                "không có chuyên mục này",
            )]));
        };
        f.category_id = Some(cat.id);
    }
    if let Some(text) = q.q.as_deref() {
        if text.chars().count() > 200 {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "q",
                "từ khóa tối đa 200 ký tự",
            )]));
        }
        f.terms = motcua_domain::catalog::fold::query_terms(text);
    }
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (rows, total) = crate::portal::articles(&state, agency_id, &f, 20, (page - 1) * 20).await?;
    Ok(axum::Json(json!({
        "total": total, "page": page,
        "items": rows.iter().map(|a| view(&state, a, &cats)).collect::<Vec<_>>(),
    })))
}

/// Writes an article (draft, scheduled or published); audited.
#[utoipa::path(post, path = "/api/v1/articles", tag = "portal", operation_id = "create_article",
    request_body = ArticleRequest, security(("bearer" = [])),
    responses((status = 201, description = "the article"), (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn create(
    State(state): State<AppState>,
    Api { caller, .. }: Api<PublishNews>,
    ApiJson(req): ApiJson<ArticleRequest>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let agency_id = caller.user.agency_id;
    let (write, slug) = checked(&state, agency_id, &req)
        .await
        .map_err(ApiError::Internal)?
        .map_err(ApiError::Invalid)?;
    let a = store::create_article(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        agency_id,
        &slug,
        write,
    )
    .await?;
    // The home and article pages keep their reads a few seconds: drop them.
    state.portal.forget_pages();
    let cats = store::categories(&state.db, agency_id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!(view(&state, &a, &cats))),
    ))
}

/// Changes an article, with the version the editor saw; audited.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "portal", operation_id = "update_article",
    request_body = ArticleRequest, security(("bearer" = [])),
    responses((status = 200, description = "the article"), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update(
    State(state): State<AppState>,
    Api { caller, .. }: Api<PublishNews>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ArticleRequest>,
) -> ApiResult<axum::Json<Value>> {
    let agency_id = caller.user.agency_id;
    let existing = crate::portal::article(&state, id).await?;
    if existing.agency_id != agency_id {
        return Err(ApiError::NotFound);
    }
    let Some(version) = req.version else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "version",
            "cần phiên bản bài viết đã xem",
        )]));
    };
    let (write, _) = checked(&state, agency_id, &req)
        .await
        .map_err(ApiError::Internal)?
        .map_err(ApiError::Invalid)?;
    store::update_article(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        id,
        version,
        write,
    )
    .await?;
    // Read again for display (its views rebased), not under the gate across the write: a flush
    // holding its write transaction would wait for the gate while this waited for the writer.
    let a = crate::portal::article(&state, id).await?;
    // The home and article pages keep their reads a few seconds: drop them.
    state.portal.forget_pages();
    let cats = store::categories(&state.db, agency_id).await?;
    Ok(axum::Json(json!(view(&state, &a, &cats))))
}

/// Uploads a picture (PNG, JPEG, WebP ≤ 5 MiB) or a video (MP4, WebM ≤ `media_limit_bytes`).
#[utoipa::path(post, path = "/api/v1/media", tag = "portal", operation_id = "upload_media",
    security(("bearer" = [])), request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, description = "{\"id\",\"kind\",\"content_type\",\"size\",\"url\"}"),
        (status = 413, body = ErrorEnvelope), (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn upload(
    State(state): State<AppState>,
    Api { caller, .. }: Api<PublishNews>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let (name, bytes) =
        crate::multipart::read_one_file(&headers, body, state.config.media_limit_bytes).await?;
    let m = crate::news::store_media(&state, &caller, &name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "id": m.id, "kind": m.kind, "content_type": m.content_type, "size": m.size,
            "url": crate::news::media_url(m.id),
        })),
    ))
}
