//! The portal's news (seed P1–P3): lists by category, search, the article page with its views,
//! byline and related articles, video served in ranges, the Atom feed; and the editor's pages to
//! write, schedule and publish.

use super::{Layout, html};
use crate::auth::{CsrfToken, PageUser, PublishNews, Viewer, verify_csrf};
use crate::error::{FieldError, PageError, PageResult, api_to_page, message_for};
use crate::multipart::read_multipart;
use crate::state::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::portal::news::{self, ArticleIn, checked, media_url};
use motcua_domain::portal::ArticleState;
use motcua_domain::time::VN_OFFSET;
use serde::Deserialize;
use uuid::Uuid;

mod editor;
mod media;

pub use editor::*;
pub use media::*;

const PAGE: u64 = 12;

/// An article in a list.
pub struct Card {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub date: String,
    pub category: String,
    pub views: i64,
    pub cover: Option<String>,
    pub cover_alt: String,
    pub video: bool,
    pub state: &'static str,
    pub id: String,
}

fn date_vn(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&VN_OFFSET)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

pub fn card(state: &AppState, a: &news::Article, cats: &[news::Category]) -> Card {
    Card {
        url: format!("/tin-tuc/{}", a.slug),
        title: a.title.clone(),
        summary: a.summary.clone(),
        date: date_vn(a.publish_at),
        category: cats
            .iter()
            .find(|c| c.id == a.category_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        views: a.views + state.portal.own_views(a.id),
        cover: a.cover_id.or(a.poster_id).map(media_url),
        cover_alt: if a.cover_id.is_some() {
            a.cover_alt.clone()
        } else {
            String::new()
        },
        video: a.video_id.is_some(),
        state: ArticleState::of(&a.status, a.publish_at, state.now()).label_vi(),
        id: a.id.to_string(),
    }
}

pub async fn agency(state: &AppState) -> PageResult<Uuid> {
    Ok(news::agency(state).await?)
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    trang: Option<u64>,
}

#[derive(Template)]
#[template(path = "news_list.html")]
struct ListPage {
    l: Layout,
    heading: String,
    categories: Vec<(String, String, bool)>,
    q: String,
    error: String,
    cards: Vec<Card>,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    category: Option<&str>,
    q: ListQuery,
) -> PageResult<Response> {
    let agency_id = agency(state).await?;
    let cats = news::categories(state, agency_id).await?;
    let mut f = news::ArticleFilter {
        public_at: Some(state.now()),
        ..Default::default()
    };
    let mut heading = "Tin tức".to_owned();
    let mut base = "/tin-tuc".to_owned();
    if let Some(slug) = category {
        let c = cats
            .iter()
            .find(|c| c.slug == slug)
            .ok_or(PageError::NotFound)?;
        f.category_id = Some(c.id);
        heading = c.name.clone();
        base = format!("/tin-tuc/chuyen-muc/{slug}");
    }
    let text = q.q.clone().unwrap_or_default();
    let mut error = String::new();
    if text.chars().count() > 200 {
        error = "Từ khóa tối đa 200 ký tự.".into();
    } else {
        f.terms = motcua_domain::catalog::fold::query_terms(&text);
    }
    if !f.terms.is_empty() {
        heading = format!("Tìm tin: “{}”", text.trim());
    }
    let page = q.trang.unwrap_or(1).clamp(1, 10_000);
    let (rows, total) =
        motcua_app::portal::articles(state, agency_id, &f, PAGE, (page - 1) * PAGE).await?;
    let current = if category.is_some() {
        base.clone()
    } else {
        "/tin-tuc".into()
    };
    let p = ListPage {
        l: Layout::build(state, viewer, csrf, &current).await,
        heading,
        categories: cats
            .iter()
            .map(|c| {
                (
                    c.slug.clone(),
                    c.name.clone(),
                    Some(c.slug.as_str()) == category,
                )
            })
            .collect(),
        q: text,
        error,
        cards: rows.iter().map(|a| card(state, a, &cats)).collect(),
        total,
        page,
        pages: total.div_ceil(PAGE).max(1),
        base,
    };
    Ok(html(StatusCode::OK, &p))
}

/// `/tin-tuc`: the latest articles, or those matching `?q=`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<ListQuery>,
) -> PageResult<Response> {
    list_page(&state, &viewer, &csrf, None, q).await
}

/// `/tin-tuc/chuyen-muc/{slug}`: a category's articles.
pub async fn category(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult<Response> {
    list_page(&state, &viewer, &csrf, Some(&slug), q).await
}

#[derive(Template)]
#[template(path = "news_article.html")]
struct ArticlePage {
    l: Layout,
    title: String,
    summary: String,
    category: String,
    category_slug: String,
    date: String,
    byline: String,
    views: i64,
    cover: Option<String>,
    cover_alt: String,
    video: Option<(String, String)>,
    poster: Option<String>,
    captions: Option<String>,
    body: String,
    related: Vec<Card>,
    preview: bool,
}

/// `/tin-tuc/{slug}`: an article. Editors also see drafts and scheduled ones (marked as such,
/// not counted).
pub async fn article(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    headers: HeaderMap,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    Path(slug): Path<String>,
) -> PageResult<Response> {
    let agency_id = agency(&state).await?;
    let now = state.now();
    let reads = motcua_app::portal::article_page::reads(&state, agency_id, &slug, now)
        .await?
        .ok_or(PageError::NotFound)?;
    let a = &reads.article;
    let cats = &reads.categories;
    let public =
        motcua_app::portal::article_page::shown_to(a, viewer.0.as_ref().map(|c| c.role), now)
            .ok_or(PageError::NotFound)?;
    if public {
        let ua = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if let Some(v) = state.portal.visitor(&ip, ua, now) {
            state.portal.view(v, a.id, now.timestamp());
        }
    }
    let cat = cats.iter().find(|c| c.id == a.category_id);
    let page = ArticlePage {
        l: Layout::build(&state, &viewer, &csrf, "/tin-tuc").await,
        title: a.title.clone(),
        summary: a.summary.clone(),
        category: cat.map(|c| c.name.clone()).unwrap_or_default(),
        category_slug: cat.map(|c| c.slug.clone()).unwrap_or_default(),
        date: date_vn(a.publish_at),
        byline: a.byline.clone(),
        views: a.views + state.portal.own_views(a.id),
        cover: a.cover_id.map(media_url),
        cover_alt: a.cover_alt.clone(),
        video: reads.video.clone(),
        poster: a.poster_id.map(media_url),
        captions: a.captions_id.map(media_url),
        body: reads.body_html.clone(),
        related: reads
            .related
            .iter()
            .map(|r| card(&state, r, cats))
            .collect(),
        preview: !public,
    };
    Ok(html(StatusCode::OK, &page))
}
