//! The catalogue's search: the folded-text index held in memory per catalogue generation, the
//! order of catalogue writes, and one page of results with the typo correction.

use super::*;

/// Filters of the catalogue.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Folded words, each matched as a prefix; all must match.
    pub terms: Vec<String>,
    pub field: Option<ProcedureField>,
    pub agency: Option<String>,
    pub online: Option<OnlineClass>,
    /// Procedures that receive or return by post.
    pub postal: Option<bool>,
    pub published_only: bool,
    pub offset: u64,
    pub limit: u64,
}

/// The catalogue's search index as loaded, with the generation it was loaded at.
pub(super) struct Loaded {
    pub(super) generation: i64,
    /// Every procedure, in code order (document `d` of the index is `rows[d]`), without its
    /// search text (indexed, never shown).
    pub(super) rows: Vec<procedure::Model>,
    pub(super) index: SearchIndex,
}

/// The in-memory search index of a database (held by its `Db` handles): reloaded when the
/// catalogue's generation — raised in the same transaction as any change of a procedure row, by
/// triggers (migration 000016) — differs from the one it was loaded at. Every process and node
/// therefore answers from the committed catalogue; loading 10,000 procedures takes tens of
/// milliseconds, once per change.
#[derive(Default)]
pub(crate) struct IndexCache {
    pub(super) current: std::sync::RwLock<Option<Arc<Loaded>>>,
    pub(super) loading: tokio::sync::Mutex<()>,
    /// Whether each stored form asked for is linked by a published version, for one generation
    /// (`form_linked`).
    pub(super) forms: std::sync::Mutex<(i64, std::collections::HashMap<Uuid, bool>)>,
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexCache")
    }
}

impl IndexCache {
    /// The loaded index when it is of exactly this generation (a lower number than loaded, after a
    /// restore from a backup, reloads too).
    pub(super) fn kept(&self, generation: i64) -> Option<Arc<Loaded>> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|l| l.generation == generation)
            .cloned()
    }
}

/// A write transaction on the catalogue. On PostgreSQL it raises the generation first: the
/// triggers would raise it at the first change of a procedure row, and a transaction that locked
/// a procedure row before waiting for the generation's row could deadlock with one (an import)
/// that holds the generation and then wants that procedure. Taken first, the generation's row
/// orders every catalogue write. (SQLite has one writer at a time: nothing to order.)
pub(super) async fn begin_catalog_write(db: &Db) -> Result<DatabaseTransaction> {
    let txn = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        txn.execute_unprepared("UPDATE catalog_generation SET n = n + 1 WHERE id = 1")
            .await?;
    }
    Ok(txn)
}

/// The catalogue's generation (migration 000016).
pub(super) async fn generation(conn: &impl ConnectionTrait) -> Result<i64> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT n FROM catalog_generation WHERE id = 1",
        ))
        .await?;
    Ok(row
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0))
}

/// The index for the catalogue as committed now: the kept one, or a new load.
pub(super) async fn current_index(db: &Db) -> Result<Arc<Loaded>> {
    let cache = &db.catalog_index;
    let now = generation(db.conn()).await?;
    if let Some(l) = cache.kept(now) {
        return Ok(l);
    }
    // One load at a time; the others wait for it and use it.
    let _loading = cache.loading.lock().await;
    let now = generation(db.conn()).await?;
    if let Some(l) = cache.kept(now) {
        return Ok(l);
    }
    // The generation is read before the rows: the index is never older than its number (a change
    // committed in between only causes one more load).
    let mut rows = procedure::Entity::find()
        .order_by_asc(procedure::Column::Code)
        .all(db.conn())
        .await?;
    let index = SearchIndex::build(rows.iter().map(|r| r.search_text.as_str()));
    for r in &mut rows {
        r.search_text = String::new();
    }
    let loaded = Arc::new(Loaded {
        generation: now,
        rows,
        index,
    });
    *cache
        .current
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(loaded.clone());
    Ok(loaded)
}

/// Whether a published version of a procedure links the stored form `id` (`/tep-mau/{id}` in its
/// forms or component templates). The answer is kept per form until the catalogue's generation
/// changes, so a popular form costs one read of the generation, not a scan of the published
/// versions.
pub async fn form_linked(db: &Db, id: Uuid) -> Result<bool> {
    let now = generation(db.conn()).await?;
    {
        let forms = db
            .catalog_index
            .forms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if forms.0 == now
            && let Some(known) = forms.1.get(&id)
        {
            return Ok(*known);
        }
    }
    let linked = procedure_version::Entity::find()
        .filter(procedure_version::Column::Status.eq(VersionStatus::Published.code()))
        .filter(procedure_version::Column::Data.contains(format!("/tep-mau/{id}")))
        .count(db.conn())
        .await?
        > 0;
    let mut forms = db
        .catalog_index
        .forms
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if forms.0 != now || forms.1.len() >= 10_000 {
        *forms = (now, std::collections::HashMap::new());
    }
    forms.1.insert(id, linked);
    Ok(linked)
}

/// One page of procedures and the total count (see [`search_page`]).
pub async fn search(db: &Db, q: &SearchQuery) -> Result<(Vec<procedure::Model>, u64)> {
    let page = search_page(db, q).await?;
    Ok((page.rows, page.total))
}

/// A page of search results.
#[derive(Clone, Debug)]
pub struct SearchPage {
    pub rows: Vec<procedure::Model>,
    pub total: u64,
    /// Nothing held the words as typed: these are the results for the near words.
    pub corrected: bool,
}

/// One page of procedures and the total count, the same on both backends: every word required as
/// a prefix, BM25 relevance then code order, typo tolerance when nothing matches, filters; without
/// words, the catalogue in code order (`motcua_domain::catalog::search_index`). The rows'
/// `search_text` is empty.
pub async fn search_page(db: &Db, q: &SearchQuery) -> Result<SearchPage> {
    let loaded = current_index(db).await?;
    let keep = |d: u32| {
        let r = &loaded.rows[d as usize];
        (!q.published_only || r.published)
            && q.field.is_none_or(|f| r.field == f.code())
            && q.agency.as_ref().is_none_or(|a| r.agency_organ == *a)
            && q.online.is_none_or(|o| r.online_class == o.code())
            && q.postal
                .is_none_or(|p| (r.postal_receipt || r.postal_return) == p)
    };
    let hits = loaded.index.search(
        &q.terms,
        keep,
        usize::try_from(q.offset).unwrap_or(usize::MAX),
        usize::try_from(q.limit.min(500)).unwrap_or(500),
    );
    let rows = hits
        .documents
        .iter()
        .map(|&d| loaded.rows[d as usize].clone())
        .collect();
    Ok(SearchPage {
        rows,
        total: hits.total as u64,
        corrected: hits.corrected,
    })
}
