//! The public portal: news categories, articles, media in chunks, and the site's counters.
//! Writes by editors are audited; counter increments come in batches from the web layer.

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{article, media, media_chunk, news_category};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub use article::Model as Article;
pub use media::Model as Media;
pub use news_category::Model as Category;

/// Bytes per stored chunk of a media file.
pub const CHUNK: usize = 1 << 20;

/// The categories of the seed's portal, created for an agency that has none.
pub const DEFAULT_CATEGORIES: [(&str, &str, bool); 5] = [
    ("tin-tuc-su-kien", "Tin tức – sự kiện", false),
    ("cchc-bo-nganh", "CCHC Bộ ngành", false),
    ("tin-video", "Tin video", true),
    ("phong-su", "Phóng sự", true),
    ("van-ban-chi-dao", "Văn bản chỉ đạo", false),
];

/// The agency's categories in their order; the defaults are created the first time.
pub async fn categories(db: &Db, agency_id: Uuid) -> Result<Vec<Category>> {
    let found = news_category::Entity::find()
        .filter(news_category::Column::AgencyId.eq(agency_id))
        .order_by_asc(news_category::Column::Position)
        .all(db.conn())
        .await?;
    if !found.is_empty() {
        return Ok(found);
    }
    let txn = db.begin_write().await?;
    // Another request may have created them meanwhile: the unique slug keeps one set.
    let again = news_category::Entity::find()
        .filter(news_category::Column::AgencyId.eq(agency_id))
        .count(&txn)
        .await?;
    if again == 0 {
        for (i, (slug, name, video)) in DEFAULT_CATEGORIES.iter().enumerate() {
            news_category::ActiveModel {
                id: Set(Uuid::now_v7()),
                agency_id: Set(agency_id),
                slug: Set((*slug).to_owned()),
                name: Set((*name).to_owned()),
                position: Set(i as i32),
                video: Set(*video),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(news_category::Entity::find()
        .filter(news_category::Column::AgencyId.eq(agency_id))
        .order_by_asc(news_category::Column::Position)
        .all(db.conn())
        .await?)
}

/// An article as stored by an editor.
#[derive(Clone, Debug)]
pub struct ArticleWrite {
    pub category_id: Uuid,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub byline: String,
    pub cover_id: Option<Uuid>,
    pub cover_alt: String,
    pub video_id: Option<Uuid>,
    pub poster_id: Option<Uuid>,
    pub captions_id: Option<Uuid>,
    /// `draft` or `published`.
    pub status: String,
    pub publish_at: Option<DateTime<Utc>>,
    pub search: String,
}

/// A slug not yet used by the agency: `base`, else `base-2`, `base-3`…
async fn free_slug(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    base: &str,
    except: Option<Uuid>,
) -> Result<String> {
    let taken: Vec<String> = article::Entity::find()
        .select_only()
        .column(article::Column::Slug)
        .filter(article::Column::AgencyId.eq(agency_id))
        .filter(article::Column::Slug.starts_with(base))
        .filter(article::Column::Id.ne(except.unwrap_or(Uuid::nil())))
        .into_tuple()
        .all(conn)
        .await?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let s = format!("{base}-{n}");
        if !taken.contains(&s) {
            return Ok(s);
        }
        n += 1;
    }
}

/// Creates an article; audited.
pub async fn create_article(
    db: &Db,
    ctx: &AuditCtx,
    agency_id: Uuid,
    slug_base: &str,
    w: ArticleWrite,
) -> Result<Article> {
    let txn = db.begin_write().await?;
    let slug = free_slug(&txn, agency_id, slug_base, None).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let m = article::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        category_id: Set(w.category_id),
        slug: Set(slug.clone()),
        title: Set(w.title.clone()),
        summary: Set(w.summary),
        body: Set(w.body),
        byline: Set(w.byline),
        cover_id: Set(w.cover_id),
        cover_alt: Set(w.cover_alt),
        video_id: Set(w.video_id),
        poster_id: Set(w.poster_id),
        captions_id: Set(w.captions_id),
        status: Set(w.status.clone()),
        publish_at: Set(w.publish_at),
        views: Set(0),
        search: Set(w.search),
        author_id: Set(ctx.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "article.created",
            object_type: "article",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"slug": slug, "title": w.title, "status": w.status, "publish_at": w.publish_at}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Changes an article, checked against the version the editor saw; audited.
pub async fn update_article(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    expected_version: i64,
    w: ArticleWrite,
) -> Result<Article> {
    let txn = db.begin_write().await?;
    let a = article::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if a.version != expected_version {
        return Err(StoreError::Stale);
    }
    let before = json!({"title": a.title, "status": a.status, "publish_at": a.publish_at});
    let version = a.version + 1;
    let mut m = a.into_active_model();
    m.category_id = Set(w.category_id);
    m.title = Set(w.title.clone());
    m.summary = Set(w.summary);
    m.body = Set(w.body);
    m.byline = Set(w.byline);
    m.cover_id = Set(w.cover_id);
    m.cover_alt = Set(w.cover_alt);
    m.video_id = Set(w.video_id);
    m.poster_id = Set(w.poster_id);
    m.captions_id = Set(w.captions_id);
    m.status = Set(w.status.clone());
    m.publish_at = Set(w.publish_at);
    m.search = Set(w.search);
    m.updated_at = Set(Utc::now());
    m.version = Set(version);
    let m = m.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "article.updated",
            object_type: "article",
            object_id: id.to_string(),
            before,
            after: json!({"title": w.title, "status": w.status, "publish_at": w.publish_at}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn article(conn: &impl ConnectionTrait, id: Uuid) -> Result<Article> {
    article::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn article_by_slug(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    slug: &str,
) -> Result<Option<Article>> {
    Ok(article::Entity::find()
        .filter(article::Column::AgencyId.eq(agency_id))
        .filter(article::Column::Slug.eq(slug))
        .one(conn)
        .await?)
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    pub category_id: Option<Uuid>,
    /// Only articles of video categories (or carrying a video).
    pub video: Option<bool>,
    /// Folded search terms, all required.
    pub terms: Vec<String>,
    /// Published and due by `now` only (the public); `None` lists every article (editors).
    pub public_at: Option<DateTime<Utc>>,
    pub except: Option<Uuid>,
}

/// Articles, newest first (by publication time, then creation), with the total.
pub async fn articles(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    f: &ArticleFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Article>, u64)> {
    let mut q = article::Entity::find().filter(article::Column::AgencyId.eq(agency_id));
    if let Some(now) = f.public_at {
        q = q
            .filter(article::Column::Status.eq("published"))
            .filter(article::Column::PublishAt.lte(now));
    }
    if let Some(c) = f.category_id {
        q = q.filter(article::Column::CategoryId.eq(c));
    }
    if let Some(v) = f.video {
        q = if v {
            q.filter(article::Column::VideoId.is_not_null())
        } else {
            q.filter(article::Column::VideoId.is_null())
        };
    }
    if let Some(e) = f.except {
        q = q.filter(article::Column::Id.ne(e));
    }
    if !f.terms.is_empty() {
        let mut c = Condition::all();
        for t in &f.terms {
            // Folded words of ASCII letters and digits only: no LIKE wildcard can come in.
            c = c.add(article::Column::Search.like(format!("%{t}%")));
        }
        q = q.filter(c);
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(article::Column::PublishAt)
        .order_by_desc(article::Column::CreatedAt)
        .limit(limit)
        .offset(offset)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Stores a media file in chunks, in one transaction; audited.
pub async fn store_media(
    db: &Db,
    ctx: &AuditCtx,
    agency_id: Uuid,
    kind: &str,
    content_type: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Media> {
    let txn = db.begin_write().await?;
    let id = Uuid::now_v7();
    let m = media::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        kind: Set(kind.to_owned()),
        content_type: Set(content_type.to_owned()),
        file_name: Set(file_name.to_owned()),
        size: Set(bytes.len() as i64),
        sha256: Set(crate::dossier::sha256_hex(bytes)),
        uploaded_by: Set(ctx.actor_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for (seq, piece) in bytes.chunks(CHUNK).enumerate() {
        media_chunk::ActiveModel {
            media_id: Set(id),
            seq: Set(seq as i32),
            bytes: Set(piece.to_vec()),
        }
        .insert(&txn)
        .await?;
    }
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "media.stored",
            object_type: "media",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"kind": kind, "content_type": content_type, "size": bytes.len()}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn media_meta(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Media>> {
    Ok(media::Entity::find_by_id(id).one(conn).await?)
}

/// Bytes `first..=last` of a media file, reading only the chunks that hold them.
pub async fn media_bytes(
    conn: &impl ConnectionTrait,
    id: Uuid,
    first: u64,
    last: u64,
) -> Result<Vec<u8>> {
    let (a, b) = ((first / CHUNK as u64) as i32, (last / CHUNK as u64) as i32);
    let chunks = media_chunk::Entity::find()
        .filter(media_chunk::Column::MediaId.eq(id))
        .filter(media_chunk::Column::Seq.between(a, b))
        .order_by_asc(media_chunk::Column::Seq)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity((last - first + 1) as usize);
    for c in chunks {
        let start = c.seq as u64 * CHUNK as u64;
        let end = start + c.bytes.len() as u64; // exclusive
        let from = first.max(start);
        let to = (last + 1).min(end);
        if from < to {
            out.extend_from_slice(&c.bytes[(from - start) as usize..(to - start) as usize]);
        }
    }
    Ok(out)
}

/// Whether a media file may be shown to the public: it belongs to a published article.
pub async fn media_is_public(
    conn: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = article::Entity::find()
        .filter(article::Column::Status.eq("published"))
        .filter(article::Column::PublishAt.lte(now))
        .filter(
            Condition::any()
                .add(article::Column::CoverId.eq(id))
                .add(article::Column::VideoId.eq(id))
                .add(article::Column::PosterId.eq(id))
                .add(article::Column::CaptionsId.eq(id)),
        )
        .count(conn)
        .await?;
    Ok(n > 0)
}

/// Adds counted visits and article views in one transaction (the web layer batches them).
pub async fn add_counts(
    db: &Db,
    agency_id: Uuid,
    visits: i64,
    views: &BTreeMap<Uuid, i64>,
) -> Result<()> {
    if visits == 0 && views.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    add_counts_in(db, &txn, agency_id, visits, views).await?;
    txn.commit().await?;
    Ok(())
}

/// [`add_counts`] inside a transaction the caller commits (the web layer commits it at the moment
/// its own bookkeeping changes: `web::portal::Counters::flush`).
pub async fn add_counts_in(
    db: &Db,
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    visits: i64,
    views: &BTreeMap<Uuid, i64>,
) -> Result<()> {
    if visits > 0 {
        let p = |i: usize| match db.backend() {
            Backend::Postgres => format!("${i}"),
            Backend::Sqlite => format!("?{i}"),
        };
        let sql = format!(
            "INSERT INTO site_counter (agency_id, name, value) VALUES ({}, 'visits', {}) \
             ON CONFLICT (agency_id, name) DO UPDATE SET value = site_counter.value + excluded.value",
            p(1),
            p(2)
        );
        txn.execute_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            vec![agency_id.into(), visits.into()],
        ))
        .await?;
    }
    for (id, n) in views {
        article::Entity::update_many()
            .col_expr(
                article::Column::Views,
                sea_orm::sea_query::ExprTrait::add(Expr::col(article::Column::Views), *n),
            )
            .filter(article::Column::Id.eq(*id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The visits counted so far.
pub async fn visits(conn: &impl ConnectionTrait, db: &Db, agency_id: Uuid) -> Result<i64> {
    let p = match db.backend() {
        Backend::Postgres => "$1",
        Backend::Sqlite => "?1",
    };
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            format!("SELECT value FROM site_counter WHERE agency_id = {p} AND name = 'visits'"),
            vec![agency_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "value")?,
        None => 0,
    })
}

/// One group of the public statistics: a month, a receiving unit, a procedure and a channel.
#[derive(Clone, Debug)]
pub struct StatRow {
    pub month: i32,
    pub unit_id: Uuid,
    pub procedure_code: String,
    pub channel: String,
    pub totals: crate::dossier::Totals,
}

/// The live counters of `[from, to]` (months `yyyymm`) by month, unit, procedure and channel,
/// optionally for one unit or procedure (the public statistics page; aggregates only).
pub async fn stat_rows(
    db: &Db,
    agency_id: Uuid,
    from: i32,
    to: i32,
    unit: Option<Uuid>,
    procedure_code: Option<&str>,
) -> Result<Vec<StatRow>> {
    use motcua_domain::dossier::stats::Counter;
    let backend = db.backend();
    let p = |i: usize| match backend {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let mut values: Vec<sea_orm::Value> = vec![agency_id.into(), from.into(), to.into()];
    let mut where_ = format!(
        "agency_id = {} AND month >= {} AND month <= {}",
        p(1),
        p(2),
        p(3)
    );
    if let Some(u) = unit {
        values.push(u.into());
        where_.push_str(&format!(" AND unit_id = {}", p(values.len())));
    }
    if let Some(c) = procedure_code {
        values.push(c.to_owned().into());
        where_.push_str(&format!(" AND procedure_code = {}", p(values.len())));
    }
    let sums: Vec<String> = Counter::ALL
        .iter()
        .map(|c| {
            format!(
                "CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}",
                c = c.column()
            )
        })
        .collect();
    let sql = format!(
        "SELECT month, unit_id, procedure_code, channel, {} FROM dossier_stat WHERE {where_} \
         GROUP BY month, unit_id, procedure_code, channel ORDER BY month",
        sums.join(", ")
    );
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut t = crate::dossier::Totals::default();
        for c in Counter::ALL {
            t.0.insert(c.column(), r.try_get::<i64>("", c.column()).unwrap_or(0));
        }
        out.push(StatRow {
            month: r.try_get("", "month")?,
            unit_id: r.try_get("", "unit_id")?,
            procedure_code: r.try_get("", "procedure_code")?,
            channel: r.try_get("", "channel")?,
            totals: t,
        });
    }
    Ok(out)
}

/// Dossiers received (or filed online) since `since` (the home page's "today"; an index range).
pub async fn received_since(db: &Db, agency_id: Uuid, since: DateTime<Utc>) -> Result<i64> {
    let (a, b) = match db.backend() {
        Backend::Postgres => ("$1", "$2"),
        Backend::Sqlite => ("?1", "?2"),
    };
    let row = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossier WHERE agency_id = {a} AND received_at >= {b}"
            ),
            vec![agency_id.into(), since.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "n")?,
        None => 0,
    })
}
