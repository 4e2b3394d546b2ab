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
    // The page's reads are kept 5 s per slug (dropped when an article is saved; the views shown
    // add this process's counts to the kept read): a popular article costs one read every few
    // seconds, not four per visitor.
    let reads = match state
        .portal
        .kept_article(&slug, std::time::Duration::from_secs(5))
    {
        Some(r) => r,
        None => {
            let a = motcua_app::portal::article_by_slug(&state, agency_id, &slug)
                .await?
                .ok_or(PageError::NotFound)?;
            let categories = news::categories(&state, agency_id).await?;
            let (related, _) = motcua_app::portal::articles(
                &state,
                agency_id,
                &news::ArticleFilter {
                    category_id: Some(a.category_id),
                    public_at: Some(now),
                    except: Some(a.id),
                    ..Default::default()
                },
                4,
                0,
            )
            .await?;
            let video = match a.video_id {
                Some(id) => news::media_meta(&state, id)
                    .await?
                    .map(|m| (media_url(id), m.content_type)),
                None => None,
            };
            let r = std::sync::Arc::new(motcua_app::portal::ArticleReads {
                at: std::time::Instant::now(),
                body_html: motcua_render::markdown::to_html(&a.body),
                article: a,
                categories,
                related,
                video,
            });
            state.portal.keep_article(&slug, r.clone());
            r
        }
    };
    let a = &reads.article;
    let cats = &reads.categories;
    let public = ArticleState::of(&a.status, a.publish_at, now) == ArticleState::Published;
    let editor = viewer.0.as_ref().is_some_and(|c| {
        motcua_domain::access::allows(c.role, motcua_domain::access::Permission::PublishNews)
    });
    if !public && !editor {
        return Err(PageError::NotFound);
    }
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

/// `/media/{id}`: a picture or video of a published article (editors: any), with
/// `Range: bytes=…` answered 206 with only the chunks needed, 416 beyond the end.
pub async fn media(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let m = news::media_meta(&state, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let editor = viewer.0.as_ref().is_some_and(|c| {
        c.user.agency_id == m.agency_id
            && motcua_domain::access::allows(c.role, motcua_domain::access::Permission::PublishNews)
    });
    if !editor && !news::media_is_public(&state, id).await? {
        return Err(PageError::NotFound);
    }
    let size = m.size as u64;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let etag = format!("\"{}\"", m.sha256);
    let mut resp = match motcua_domain::portal::byte_range(range, size) {
        Err(()) => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
        Ok(Some((first, last))) => {
            let bytes = news::media_bytes(&state, id, first, last).await?;
            let mut r = (StatusCode::PARTIAL_CONTENT, bytes).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        Ok(None) => {
            let bytes = if size == 0 {
                Vec::new()
            } else {
                news::media_bytes(&state, id, 0, size - 1).await?
            };
            (StatusCode::OK, bytes).into_response()
        }
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&m.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if editor {
            "private, no-store"
        } else {
            "public, max-age=86400"
        }),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `/tin-tuc/atom.xml`: the 20 latest articles as an Atom feed (RFC 4287).
pub async fn atom(State(state): State<AppState>) -> PageResult<Response> {
    let agency_id = agency(&state).await?;
    let (rows, _) = motcua_app::portal::articles(
        &state,
        agency_id,
        &news::ArticleFilter {
            public_at: Some(state.now()),
            ..Default::default()
        },
        20,
        0,
    )
    .await?;
    let base = state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.config.listen))
        .trim_end_matches('/')
        .to_owned();
    let org = state.org().await?;
    let agency_name = org
        .agencies
        .first()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let updated = rows
        .iter()
        .filter_map(|a| a.publish_at)
        .max()
        .unwrap_or_else(|| state.now());
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n",
    );
    x.push_str(&format!(
        "<title>Tin tức — {}</title>\n<id>{base}/tin-tuc</id>\n<link rel=\"self\" href=\"{base}/tin-tuc/atom.xml\"/>\n<link href=\"{base}/tin-tuc\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
        xml_escape(&agency_name),
        updated.to_rfc3339(),
        xml_escape(&agency_name)
    ));
    for a in &rows {
        let summary = if a.summary.is_empty() {
            motcua_render::markdown::to_text(&a.body)
                .chars()
                .take(300)
                .collect()
        } else {
            a.summary.clone()
        };
        x.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n<link href=\"{base}/tin-tuc/{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n{}<summary>{}</summary>\n</entry>\n",
            xml_escape(&a.title),
            a.id,
            xml_escape(&a.slug),
            a.publish_at.unwrap_or(a.created_at).to_rfc3339(),
            a.updated_at.to_rfc3339(),
            if a.byline.is_empty() {
                String::new()
            } else {
                format!("<author><name>{}</name></author>\n", xml_escape(&a.byline))
            },
            xml_escape(&summary)
        ));
    }
    x.push_str("</feed>\n");
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        x,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The editor's pages

#[derive(Template)]
#[template(path = "news_editor.html")]
struct EditorList {
    l: Layout,
    cards: Vec<Card>,
    notice: String,
}

#[derive(Deserialize)]
pub struct EditorQuery {
    #[serde(default)]
    da_luu: Option<String>,
}

/// `/bien-tap`: every article (drafts, scheduled, published), newest first.
pub async fn editor_list(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<EditorQuery>,
) -> PageResult<Response> {
    let agency_id = user.caller.user.agency_id;
    let cats = news::categories(&state, agency_id).await?;
    let (rows, _) =
        motcua_app::portal::articles(&state, agency_id, &news::ArticleFilter::default(), 200, 0)
            .await?;
    let p = EditorList {
        l: Layout::build(&state, &viewer, &csrf, "/bien-tap").await,
        cards: rows.iter().map(|a| card(&state, a, &cats)).collect(),
        notice: q
            .da_luu
            .map(|t| format!("Đã lưu bài “{t}”."))
            .unwrap_or_default(),
    };
    Ok(html(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "news_form.html")]
struct FormPage {
    l: Layout,
    action: String,
    categories: Vec<(String, String)>,
    f: ArticleIn,
    publish_local: String,
    cover: String,
    video: String,
    poster: String,
    captions: String,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
    fn has(id: &Option<Uuid>) -> String {
        id.map(|i| i.to_string()).unwrap_or_default()
    }
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    agency_id: Uuid,
    action: String,
    f: ArticleIn,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let cats = news::categories(state, agency_id).await?;
    let publish_local = f.publish_at.clone().unwrap_or_default();
    let p = FormPage {
        l: Layout::build(state, viewer, csrf, "/bien-tap").await,
        action,
        categories: cats
            .iter()
            .map(|c| (c.slug.clone(), c.name.clone()))
            .collect(),
        cover: FormPage::has(&f.cover_media_id),
        video: FormPage::has(&f.video_media_id),
        poster: FormPage::has(&f.poster_media_id),
        captions: FormPage::has(&f.captions_media_id),
        f,
        publish_local,
        errors: errors.clone(),
    };
    Ok(html(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &p,
    ))
}

/// `/bien-tap/bai-moi`: the form for a new article.
pub async fn new_form(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let f = ArticleIn {
        category: "tin-tuc-su-kien".into(),
        byline: user.caller.user.full_name.clone(),
        ..Default::default()
    };
    form_page(
        &state,
        &viewer,
        &csrf,
        user.caller.user.agency_id,
        "/bien-tap/bai-moi".into(),
        f,
        Vec::new(),
    )
    .await
}

/// `/bien-tap/bai/{id}`: the form of an existing article.
pub async fn edit_form(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let a = motcua_app::portal::article(&state, id).await?;
    if a.agency_id != user.caller.user.agency_id {
        return Err(PageError::NotFound);
    }
    let cats = news::categories(&state, a.agency_id).await?;
    let f = ArticleIn {
        category: cats
            .iter()
            .find(|c| c.id == a.category_id)
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        title: a.title.clone(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        byline: a.byline.clone(),
        cover_media_id: a.cover_id,
        cover_alt: a.cover_alt.clone(),
        video_media_id: a.video_id,
        poster_media_id: a.poster_id,
        captions_media_id: a.captions_id,
        status: a.status.clone(),
        publish_at: a.publish_at.map(|t| {
            t.with_timezone(&VN_OFFSET)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        }),
        version: Some(a.version),
    };
    form_page(
        &state,
        &viewer,
        &csrf,
        a.agency_id,
        format!("/bien-tap/bai/{id}"),
        f,
        Vec::new(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    user: PageUser<PublishNews>,
    viewer: &Viewer,
    csrf: &CsrfToken,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    id: Option<Uuid>,
) -> PageResult<Response> {
    let caller = user.caller;
    let agency_id = caller.user.agency_id;
    let (fields, files) = read_multipart(headers, body, state.config.media_limit_bytes)
        .await
        .map_err(api_to_page)?;
    verify_csrf(
        method,
        headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let g = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let uuid = |k: &str| Uuid::parse_str(g(k).trim()).ok();
    let mut f = ArticleIn {
        category: g("category"),
        title: g("title"),
        summary: g("summary"),
        body: g("body"),
        byline: g("byline"),
        cover_media_id: uuid("cover_media_id"),
        cover_alt: g("cover_alt"),
        video_media_id: uuid("video_media_id"),
        poster_media_id: uuid("poster_media_id"),
        captions_media_id: uuid("captions_media_id"),
        status: if g("publish") == "draft" {
            "draft".into()
        } else {
            "published".into()
        },
        publish_at: Some(g("publish_at")).filter(|s| !s.trim().is_empty()),
        version: g("version").parse().ok(),
    };
    let mut errors: Vec<FieldError> = Vec::new();
    for (field, name, bytes) in files {
        if bytes.is_empty() {
            continue;
        }
        let target = match field.as_str() {
            "cover_file" => "cover_media_id",
            "video_file" => "video_media_id",
            "poster_file" => "poster_media_id",
            "captions_file" => "captions_media_id",
            _ => continue,
        };
        match news::store_media(state, &caller.actor(), &name, &bytes).await {
            Ok(m) => {
                let want = match target {
                    "video_media_id" => "video",
                    "captions_media_id" => "captions",
                    _ => "image",
                };
                if m.kind != want {
                    errors.push(FieldError::new(target, news::wanted(want)));
                    continue;
                }
                match target {
                    "cover_media_id" => f.cover_media_id = Some(m.id),
                    "video_media_id" => f.video_media_id = Some(m.id),
                    "captions_media_id" => f.captions_media_id = Some(m.id),
                    _ => f.poster_media_id = Some(m.id),
                }
            }
            Err(motcua_app::Error::Invalid(fs)) => {
                errors.extend(fs.into_iter().map(|e| FieldError::new(target, e.message)));
            }
            Err(motcua_app::Error::TooLarge) => {
                errors.push(FieldError::new(target, "tệp quá lớn (ảnh tối đa 5 MB)"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let action = id.map_or_else(
        || "/bien-tap/bai-moi".to_owned(),
        |i| format!("/bien-tap/bai/{i}"),
    );
    let checked = checked(state, agency_id, &f)
        .await
        .map_err(PageError::Internal)?;
    let (write, slug) = match checked {
        Ok(w) if errors.is_empty() => w,
        Ok(_) => {
            return form_page(state, viewer, csrf, agency_id, action, f, errors).await;
        }
        Err(more) => {
            errors.extend(more.into_iter().map(FieldError::from));
            return form_page(state, viewer, csrf, agency_id, action, f, errors).await;
        }
    };
    let saved = news::save(
        state,
        &caller.actor(),
        id.map(|id| (id, f.version.unwrap_or(-1))),
        write,
        &slug,
    )
    .await;
    match saved {
        Ok(a) => {
            let title: String = form_urlencoded::byte_serialize(a.title.as_bytes()).collect();
            Ok(Redirect::to(&format!("/bien-tap?da_luu={title}")).into_response())
        }
        Err(motcua_app::Error::Store(motcua_app::StoreError::Conflict(m))) => {
            form_page(
                state,
                viewer,
                csrf,
                agency_id,
                action,
                f,
                vec![FieldError::new("title", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /bien-tap/bai-moi`.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> PageResult<Response> {
    save(&state, user, &viewer, &csrf, &method, &headers, body, None).await
}

/// `POST /bien-tap/bai/{id}`.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    body: Body,
) -> PageResult<Response> {
    save(
        &state,
        user,
        &viewer,
        &csrf,
        &method,
        &headers,
        body,
        Some(id),
    )
    .await
}
