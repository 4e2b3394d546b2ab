//! News and video articles of the portal (seed P1): what an editor submits, checked field by field,
//! stored as draft, scheduled or published; media uploads recognised by their bytes. Shared by
//! the API (`web::api::news`), the editor's pages (`web::pages::news`) and the demo.

use crate::{Actor, App, Error, Problem};
use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_domain::portal::{self, ArticleInput, MediaType};
use motcua_store::portal as store;
use uuid::Uuid;

/// The reason when an article changed since the editor read it.
const ARTICLE_CHANGED: &str = "bài viết đã được người khác sửa; tải lại để xem bản mới";

pub use store::{Article, ArticleFilter, ArticleWrite, Category, Media};

/// An article as an editor submits it (the API's JSON body or the editor's form).
#[derive(Clone, Debug, Default)]
pub struct ArticleIn {
    /// A category's slug (`tin-tuc-su-kien`, `tin-video`, …).
    pub category: String,
    pub title: String,
    pub summary: String,
    /// Markdown; rendered without any HTML of the author's.
    pub body: String,
    pub byline: String,
    pub cover_media_id: Option<Uuid>,
    /// The cover's text alternative (required with a cover).
    pub cover_alt: String,
    pub video_media_id: Option<Uuid>,
    pub poster_media_id: Option<Uuid>,
    /// The video's captions (WebVTT), required with a video (WCAG 2.2 SC 1.2.2).
    pub captions_media_id: Option<Uuid>,
    /// `draft` (or empty) or `published`.
    pub status: String,
    /// When a published article appears (RFC 3339, or `YYYY-MM-DDTHH:MM` in Vietnam time);
    /// default now. A time to come schedules it.
    pub publish_at: Option<String>,
    /// For a change: the version the editor saw.
    pub version: Option<i64>,
}

/// The reason when an article's address (its slug) was taken by another saved at the same time.
pub const SLUG_TAKEN: &str = "đã có bài viết cùng đường dẫn; đổi tiêu đề rồi lưu lại";

/// An uploaded file for one media slot of an article, by the editor form's file field
/// (`cover_file`, `video_file`, `poster_file`, `captions_file`): stored, checked for the slot's
/// kind and set on `req`. The problems are said under the slot's id field (`cover_media_id`, …),
/// beside the field the editor chose the file in. An empty file or another field is ignored.
pub async fn attach_file(
    app: &App,
    actor: &Actor,
    req: &mut ArticleIn,
    file_field: &str,
    name: &str,
    bytes: &[u8],
) -> Result<(), Error> {
    let (target, want) = match file_field {
        "cover_file" => ("cover_media_id", "image"),
        "video_file" => ("video_media_id", "video"),
        "poster_file" => ("poster_media_id", "image"),
        "captions_file" => ("captions_media_id", "captions"),
        _ => return Ok(()),
    };
    if bytes.is_empty() {
        return Ok(());
    }
    let m = match store_media(app, actor, name, bytes).await {
        Ok(m) => m,
        Err(Error::Invalid(ps)) => {
            let under = |p: Problem| Problem::new(target, p.message);
            return Err(Error::Invalid(ps.into_iter().map(under).collect()));
        }
        Err(Error::TooLarge) => {
            return Err(Error::invalid(target, "tệp quá lớn (ảnh tối đa 5 MB)"));
        }
        Err(e) => return Err(e),
    };
    if m.kind != want {
        return Err(Error::invalid(target, wanted(want)));
    }
    let slot = match target {
        "cover_media_id" => &mut req.cover_media_id,
        "video_media_id" => &mut req.video_media_id,
        "captions_media_id" => &mut req.captions_media_id,
        _ => &mut req.poster_media_id,
    };
    *slot = Some(m.id);
    Ok(())
}

/// Largest picture (cover or poster), in bytes.
pub const IMAGE_LIMIT: usize = 5 * 1024 * 1024;

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
    app: &App,
    agency_id: Uuid,
    id: Option<Uuid>,
    kind: &str,
    field: &'static str,
    errors: &mut Vec<Problem>,
) -> anyhow::Result<()> {
    let Some(id) = id else { return Ok(()) };
    match store::media_meta(app.db.conn(), id).await? {
        Some(m) if m.agency_id == agency_id && m.kind == kind => {}
        Some(m) if m.agency_id == agency_id => errors.push(Problem::new(field, wanted(kind))),
        _ => errors.push(Problem::new(field, "không có tệp này")),
    }
    Ok(())
}

/// Checks a submission and makes the write; errors name their field.
pub async fn checked(
    app: &App,
    agency_id: Uuid,
    req: &ArticleIn,
) -> anyhow::Result<Result<(store::ArticleWrite, String), Vec<Problem>>> {
    let input = ArticleInput {
        title: portal::clean(&req.title),
        summary: portal::clean(&req.summary),
        body: motcua_domain::catalog::fold::nfc(req.body.trim_end()),
        byline: portal::clean(&req.byline),
        cover_alt: portal::clean(&req.cover_alt),
        has_cover: req.cover_media_id.is_some(),
    };
    let mut errors: Vec<Problem> = portal::problems(&input)
        .into_iter()
        .map(|(f, m)| Problem::new(f, m))
        .collect();
    let cats = store::categories(&app.db, agency_id).await?;
    let category = cats.iter().find(|c| c.slug == req.category.trim());
    if category.is_none() {
        errors.push(Problem::new("category", "chọn một chuyên mục"));
    }
    for (id, kind, field) in [
        (req.cover_media_id, "image", "cover_media_id"),
        (req.poster_media_id, "image", "poster_media_id"),
        (req.video_media_id, "video", "video_media_id"),
        (req.captions_media_id, "captions", "captions_media_id"),
    ] {
        media_of_kind(app, agency_id, id, kind, field, &mut errors).await?;
    }
    if req.video_media_id.is_some() && req.captions_media_id.is_none() {
        // WCAG 2.2 SC 1.2.2: prerecorded video with sound carries captions.
        errors.push(Problem::new(
            "captions_media_id",
            "video cần có phụ đề (tệp WebVTT)",
        ));
    }
    let status = match req.status.trim() {
        "" | "draft" => "draft",
        "published" => "published",
        _ => {
            errors.push(Problem::new("status", "trạng thái là draft hoặc published"));
            "draft"
        }
    };
    let publish_at = match req
        .publish_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => (status == "published").then(|| app.now()),
        Some(s) => match parse_time(s) {
            Some(t) => Some(t),
            None => {
                errors.push(Problem::new(
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

/// Stores an uploaded picture or video of the portal, recognised by its bytes.
pub async fn store_media(
    app: &App,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
) -> Result<store::Media, Error> {
    if bytes.is_empty() {
        return Err(Error::Invalid(vec![Problem::new("file", "tệp rỗng")]));
    }
    let Some(t) = MediaType::sniff(&bytes[..bytes.len().min(64)]) else {
        return Err(Error::Invalid(vec![Problem::new(
            "file",
            "chỉ nhận ảnh PNG, JPEG, WebP, video MP4, WebM hoặc phụ đề WebVTT",
        )]));
    };
    if !t.is_video() && bytes.len() > IMAGE_LIMIT {
        return Err(Error::TooLarge);
    }
    let name = motcua_domain::dossier::upload::kept_name(name);
    let ctx = actor.audit_ctx();
    Ok(store::store_media(
        &app.db,
        &ctx,
        actor.agency_id,
        t.kind(),
        t.content_type(),
        &name,
        bytes,
    )
    .await?)
}

/// The address of a portal media file (`/media/{id}`, answered by the public pages).
pub fn media_url(id: Uuid) -> String {
    format!("/media/{id}")
}

/// The agency whose portal this is, or not found when none exists yet.
pub async fn agency(app: &App) -> Result<Uuid, Error> {
    super::portal_agency(app).await?.ok_or(Error::NotFound)
}

/// The portal's news categories, in order.
pub async fn categories(app: &App, agency_id: Uuid) -> Result<Vec<Category>, Error> {
    Ok(store::categories(&app.db, agency_id).await?)
}

/// A page of the published articles, newest first, with the categories they are shown with.
#[derive(Debug)]
pub struct Published {
    pub articles: Vec<Article>,
    pub total: u64,
    /// 1-based, as asked (clamped to 1–10,000).
    pub page: u64,
    pub categories: Vec<Category>,
}

/// The articles public now, in a category (by slug) and matching words (Vietnamese with or
/// without marks), `per_page` at a time; every bad parameter is a problem named as asked.
pub async fn published(
    app: &App,
    agency_id: Uuid,
    category: Option<&str>,
    words: Option<&str>,
    page: Option<u64>,
    per_page: u64,
) -> Result<Published, Error> {
    let categories = categories(app, agency_id).await?;
    let mut f = store::ArticleFilter {
        public_at: Some(app.now()),
        ..Default::default()
    };
    if let Some(c) = category.filter(|c| !c.is_empty()) {
        let Some(cat) = categories.iter().find(|x| x.slug == c) else {
            return Err(Error::invalid("category", "không có chuyên mục này"));
        };
        f.category_id = Some(cat.id);
    }
    if let Some(text) = words {
        if text.chars().count() > 200 {
            return Err(Error::invalid("q", "từ khóa tối đa 200 ký tự"));
        }
        f.terms = motcua_domain::catalog::fold::query_terms(text);
    }
    let page = page.unwrap_or(1).clamp(1, 10_000);
    let (articles, total) =
        super::articles(app, agency_id, &f, per_page, (page - 1) * per_page).await?;
    Ok(Published {
        articles,
        total,
        page,
        categories,
    })
}

/// Saves a checked article: a new one under `slug`, or a change of article `id` from the
/// `version` the editor saw (an article of another agency is not found). Audited; the home and
/// article pages' kept reads are dropped. The answer is read again for display (its views
/// rebased), not under the counters' gate across the write: a flush holding its write
/// transaction would wait for the gate while this waited for the writer.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<(Uuid, i64)>,
    write: ArticleWrite,
    slug: &str,
) -> Result<Article, Error> {
    if let Some((id, _)) = id
        && super::article(app, id).await?.agency_id != actor.agency_id
    {
        return Err(Error::NotFound);
    }
    write_article(app, actor, id, write, slug).await
}

/// [`save`] once the article, if any, is known to be the actor's agency's.
async fn write_article(
    app: &App,
    actor: &Actor,
    id: Option<(Uuid, i64)>,
    write: ArticleWrite,
    slug: &str,
) -> Result<Article, Error> {
    let ctx = actor.audit_ctx();
    let saved = match id {
        None => store::create_article(&app.db, &ctx, actor.agency_id, slug, write).await?,
        Some((id, version)) => {
            store::update_article(&app.db, &ctx, id, version, write)
                .await
                .map_err(Error::stale_as(ARTICLE_CHANGED))?;
            super::article(app, id).await?
        }
    };
    app.portal.forget_pages();
    Ok(saved)
}

/// Writes a new article of the actor's agency (draft, scheduled or published).
pub async fn create(app: &App, actor: &Actor, req: &ArticleIn) -> Result<Article, Error> {
    let (write, slug) = checked(app, actor.agency_id, req)
        .await?
        .map_err(Error::Invalid)?;
    save(app, actor, None, write, &slug).await
}

/// Changes article `id` from the version the editor saw (`req.version`, required).
pub async fn update(app: &App, actor: &Actor, id: Uuid, req: &ArticleIn) -> Result<Article, Error> {
    let existing = super::article(app, id).await?;
    if existing.agency_id != actor.agency_id {
        return Err(Error::NotFound);
    }
    let Some(version) = req.version else {
        return Err(Error::invalid("version", "cần phiên bản bài viết đã xem"));
    };
    let (write, slug) = checked(app, actor.agency_id, req)
        .await?
        .map_err(Error::Invalid)?;
    write_article(app, actor, Some((id, version)), write, &slug).await
}

/// A media file's description (kind, type, size, digest), without its bytes.
pub async fn media_meta(app: &App, id: Uuid) -> Result<Option<Media>, Error> {
    Ok(store::media_meta(app.db.conn(), id).await?)
}

/// Whether a published article that is public now uses the media file (who is not an editor of
/// its agency may read only such a file).
pub async fn media_is_public(app: &App, id: Uuid) -> Result<bool, Error> {
    Ok(store::media_is_public(app.db.conn(), id, app.now()).await?)
}

/// Bytes `first..=last` of a media file, reading only the chunks that hold them.
pub async fn media_bytes(app: &App, id: Uuid, first: u64, last: u64) -> Result<Vec<u8>, Error> {
    Ok(store::media_bytes(app.db.conn(), id, first, last).await?)
}
