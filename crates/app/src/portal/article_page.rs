//! What an article's page shows and to whom: its reads kept for a few seconds, and whether a
//! viewer sees it published, as a preview, or not at all.

use crate::{App, Error};
use chrono::{DateTime, Utc};
use motcua_domain::portal;
use uuid::Uuid;

/// What an article's page shows, by its slug: the article, the categories, up to four related
/// articles of its category already public, its video's address and type, its body as HTML.
/// Kept 5 s per slug (dropped when an article is saved; the views shown add this process's counts
/// to the kept read): a popular article costs one read every few seconds, not four per visitor.
/// `None` when the agency has no article of that slug.
pub async fn reads(
    app: &App,
    agency_id: Uuid,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Option<std::sync::Arc<super::ArticleReads>>, Error> {
    if let Some(r) = app
        .portal
        .kept_article(slug, std::time::Duration::from_secs(5))
    {
        return Ok(Some(r));
    }
    let Some(a) = super::article_by_slug(app, agency_id, slug).await? else {
        return Ok(None);
    };
    let categories = super::news::categories(app, agency_id).await?;
    let related_to = super::news::ArticleFilter {
        category_id: Some(a.category_id),
        public_at: Some(now),
        except: Some(a.id),
        ..Default::default()
    };
    let (related, _) = super::articles(app, agency_id, &related_to, 4, 0).await?;
    let video = match a.video_id {
        Some(id) => super::news::media_meta(app, id)
            .await?
            .map(|m| (super::news::media_url(id), m.content_type)),
        None => None,
    };
    let r = std::sync::Arc::new(super::ArticleReads {
        at: std::time::Instant::now(),
        body_html: motcua_render::markdown::to_html(&a.body),
        article: a,
        categories,
        related,
        video,
    });
    app.portal.keep_article(slug, r.clone());
    Ok(Some(r))
}

/// Whether article `a` is shown to a viewer with `role` (none: not signed in) at `now`:
/// `Some(true)` when public (published and due), `Some(false)` as a preview to those who may
/// publish news, `None` (not found) to anyone else.
pub fn shown_to(
    a: &super::news::Article,
    role: Option<motcua_domain::account::Role>,
    now: DateTime<Utc>,
) -> Option<bool> {
    use motcua_domain::access::{Permission, allows};
    let public =
        portal::ArticleState::of(&a.status, a.publish_at, now) == portal::ArticleState::Published;
    let editor = role.is_some_and(|r| allows(r, Permission::PublishNews));
    (public || editor).then_some(public)
}
