//! News and video articles of the portal (seed P1): what an editor submits, checked field by field,
//! stored as draft, scheduled or published; media uploads recognised by their bytes. Shared by
//! the API (`api::news`) and the editor's pages (`pages::news`).

use crate::auth::Caller;
use crate::error::FieldError;
use crate::state::AppState;
use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_domain::portal::{self, ArticleInput, ArticleState, MediaType};
use motcua_store::portal as store;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Largest picture (cover or poster), in bytes.
pub const IMAGE_LIMIT: usize = 5 * 1024 * 1024;

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

/// A time as an editor gives it: RFC 3339, or a local `datetime-local` value in Vietnam time.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(motcua_domain::time::from_local)
}

/// What a media field asks for, said when another kind of file was given.
pub fn wanted(kind: &str) -> &'static str {
    match kind {
        "video" => "cần tệp video MP4 hoặc WebM",
        "captions" => "cần tệp phụ đề WebVTT",
        _ => "cần ảnh PNG, JPEG hoặc WebP",
    }
}

async fn media_of_kind(
    state: &AppState,
    agency_id: Uuid,
    id: Option<Uuid>,
    kind: &str,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> anyhow::Result<()> {
    let Some(id) = id else { return Ok(()) };
    match store::media_meta(state.db.conn(), id).await? {
        Some(m) if m.agency_id == agency_id && m.kind == kind => {}
        Some(m) if m.agency_id == agency_id => errors.push(FieldError::new(field, wanted(kind))),
        _ => errors.push(FieldError::new(field, "không có tệp này")),
    }
    Ok(())
}

/// Checks a submission and makes the write; errors name their field.
pub async fn checked(
    state: &AppState,
    agency_id: Uuid,
    req: &ArticleRequest,
) -> anyhow::Result<Result<(store::ArticleWrite, String), Vec<FieldError>>> {
    let input = ArticleInput {
        title: portal::clean(&req.title),
        summary: portal::clean(&req.summary),
        body: motcua_domain::catalog::fold::nfc(req.body.trim_end()),
        byline: portal::clean(&req.byline),
        cover_alt: portal::clean(&req.cover_alt),
        has_cover: req.cover_media_id.is_some(),
    };
    let mut errors: Vec<FieldError> = portal::problems(&input)
        .into_iter()
        .map(|(f, m)| FieldError::new(f, m))
        .collect();
    let cats = store::categories(&state.db, agency_id).await?;
    let category = cats.iter().find(|c| c.slug == req.category.trim());
    if category.is_none() {
        errors.push(FieldError::new("category", "chọn một chuyên mục"));
    }
    for (id, kind, field) in [
        (req.cover_media_id, "image", "cover_media_id"),
        (req.poster_media_id, "image", "poster_media_id"),
        (req.video_media_id, "video", "video_media_id"),
        (req.captions_media_id, "captions", "captions_media_id"),
    ] {
        media_of_kind(state, agency_id, id, kind, field, &mut errors).await?;
    }
    if req.video_media_id.is_some() && req.captions_media_id.is_none() {
        // WCAG 2.2 SC 1.2.2: prerecorded video with sound carries captions.
        errors.push(FieldError::new(
            "captions_media_id",
            "video cần có phụ đề (tệp WebVTT)",
        ));
    }
    let status = match req.status.trim() {
        "" | "draft" => "draft",
        "published" => "published",
        _ => {
            errors.push(FieldError::new(
                "status",
                "trạng thái là draft hoặc published",
            ));
            "draft"
        }
    };
    let publish_at = match req
        .publish_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => (status == "published").then(|| state.now()),
        Some(s) => match parse_time(s) {
            Some(t) => Some(t),
            None => {
                errors.push(FieldError::new(
                    "publish_at",
                    "thời điểm đăng dạng 2026-12-01T08:00 (giờ Việt Nam)",
                ));
                None
            }
        },
    };
    let Some(category) = category.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let search = portal::search_text(&input.title, &input.summary, &input.body);
    Ok(Ok((
        store::ArticleWrite {
            category_id: category.id,
            title: input.title.clone(),
            summary: input.summary,
            body: input.body,
            byline: input.byline,
            cover_id: req.cover_media_id,
            cover_alt: input.cover_alt,
            video_id: req.video_media_id,
            poster_id: req.poster_media_id,
            captions_id: req.captions_media_id,
            status: status.to_owned(),
            publish_at,
            search,
        },
        portal::slug(&input.title),
    )))
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

pub fn media_url(id: Uuid) -> String {
    format!("/media/{id}")
}

pub fn view(state: &AppState, a: &store::Article, categories: &[store::Category]) -> ArticleView {
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

/// Stores an uploaded picture or video of the portal, recognised by its bytes.
pub async fn store_media(
    state: &AppState,
    caller: &Caller,
    name: &str,
    bytes: &[u8],
) -> Result<store::Media, crate::error::ApiError> {
    use crate::error::ApiError;
    if bytes.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new("file", "tệp rỗng")]));
    }
    let Some(t) = MediaType::sniff(&bytes[..bytes.len().min(64)]) else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "file",
            "chỉ nhận ảnh PNG, JPEG, WebP, video MP4, WebM hoặc phụ đề WebVTT",
        )]));
    };
    if !t.is_video() && bytes.len() > IMAGE_LIMIT {
        return Err(ApiError::PayloadTooLarge);
    }
    let name = crate::multipart::upload_name(name);
    let ctx = caller.audit_ctx(crate::ops::operation_id());
    Ok(store::store_media(
        &state.db,
        &ctx,
        caller.user.agency_id,
        t.kind(),
        t.content_type(),
        &name,
        bytes,
    )
    .await?)
}
