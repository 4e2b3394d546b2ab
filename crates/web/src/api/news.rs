//! The portal's news over the API: categories and published articles for everyone; writing,
//! scheduling and publishing for editors; media uploads (pictures and videos, recognised by their
//! bytes).

use super::ErrorEnvelope;
use crate::auth::{Api, PublishNews};
use crate::error::ApiResult;
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_app::portal::news::{self, Article, ArticleIn, Category, agency, media_url};
use motcua_domain::portal::ArticleState;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

/// An article as an editor submits it (API JSON or the editor's form).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleRequest {
    /// A category's slug (`tin-tuc-su-kien`, `tin-video`, …).
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown; rendered without any HTML of the author's.
    pub body: String,
    #[serde(default)]
    pub byline: String,
    #[serde(default)]
    pub cover_media_id: Option<Uuid>,
    /// The cover's text alternative (required with a cover).
    #[serde(default)]
    pub cover_alt: String,
    /// An MP4 or WebM uploaded with `POST /api/v1/media`.
    #[serde(default)]
    pub video_media_id: Option<Uuid>,
    #[serde(default)]
    pub poster_media_id: Option<Uuid>,
    /// The video's captions (WebVTT), required with a video (WCAG 2.2 SC 1.2.2).
    #[serde(default)]
    pub captions_media_id: Option<Uuid>,
    /// `draft` (default) or `published`.
    #[serde(default)]
    pub status: String,
    /// When a published article appears (RFC 3339, or `YYYY-MM-DDTHH:MM` in Vietnam time);
    /// default now. A time to come schedules it.
    #[serde(default)]
    pub publish_at: Option<String>,
    /// For a change: the version the editor saw.
    #[serde(default)]
    pub version: Option<i64>,
}

impl From<ArticleRequest> for ArticleIn {
    fn from(r: ArticleRequest) -> Self {
        Self {
            category: r.category,
            title: r.title,
            summary: r.summary,
            body: r.body,
            byline: r.byline,
            cover_media_id: r.cover_media_id,
            cover_alt: r.cover_alt,
            video_media_id: r.video_media_id,
            poster_media_id: r.poster_media_id,
            captions_media_id: r.captions_media_id,
            status: r.status,
            publish_at: r.publish_at,
            version: r.version,
        }
    }
}

/// An article as the API answers it.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleView {
    pub id: Uuid,
    pub slug: String,
    pub url: String,
    pub category: String,
    pub title: String,
    pub summary: String,
    pub byline: String,
    /// `draft`, `scheduled` or `published`.
    pub state: &'static str,
    pub publish_at: Option<DateTime<Utc>>,
    pub views: i64,
    pub cover_url: Option<String>,
    pub cover_alt: String,
    pub video_url: Option<String>,
    pub poster_url: Option<String>,
    pub version: i64,
}

fn view(state: &AppState, a: &Article, categories: &[Category]) -> ArticleView {
    ArticleView {
        id: a.id,
        slug: a.slug.clone(),
        url: format!("/tin-tuc/{}", a.slug),
        category: categories
            .iter()
            .find(|c| c.id == a.category_id)
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        title: a.title.clone(),
        summary: a.summary.clone(),
        byline: a.byline.clone(),
        state: ArticleState::of(&a.status, a.publish_at, state.now()).code(),
        publish_at: a.publish_at,
        views: a.views + state.portal.own_views(a.id),
        cover_url: a.cover_id.map(media_url),
        cover_alt: a.cover_alt.clone(),
        video_url: a.video_id.map(media_url),
        poster_url: a.poster_id.map(media_url),
        version: a.version,
    }
}

/// The news categories, in order.
#[utoipa::path(get, path = "/api/v1/news/categories", tag = "portal", operation_id = "news_categories",
    responses((status = 200, description = "[{\"slug\",\"name\",\"video\"}]")))]
pub async fn categories(State(state): State<AppState>) -> ApiResult<axum::Json<Value>> {
    let cats = news::categories(&state, agency(&state).await?).await?;
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
    let p = news::published(
        &state,
        agency_id,
        q.category.as_deref(),
        q.q.as_deref(),
        q.page,
        20,
    )
    .await?;
    Ok(axum::Json(json!({
        "total": p.total, "page": p.page,
        "items": p.articles.iter().map(|a| view(&state, a, &p.categories)).collect::<Vec<_>>(),
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
    let a = news::create(&state, &caller.actor(), &req.into()).await?;
    let cats = news::categories(&state, caller.user.agency_id).await?;
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
    let a = news::update(&state, &caller.actor(), id, &req.into()).await?;
    let cats = news::categories(&state, caller.user.agency_id).await?;
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
    let m = news::store_media(&state, &caller.actor(), &name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "id": m.id, "kind": m.kind, "content_type": m.content_type, "size": m.size,
            "url": media_url(m.id),
        })),
    ))
}
