//! The procedure catalogue: versions written idempotently (a version identical to the latest one
//! changes nothing), publication that supersedes the previous published version, and search over
//! the folded text with an index held in memory, the same on both backends (`search`).

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{agency, procedure, procedure_version};
use crate::error::{Result, StoreError};
use chrono::{Timelike, Utc};
use motcua_domain::catalog::search_index::SearchIndex;
use std::sync::Arc;

use motcua_domain::catalog::{
    DecisionAuthority, OnlineClass, ProcedureData, ProcedureField, Publication, VersionStatus,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A version to write: what the procedure says, where the version stands, its announcement.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionInput {
    pub data: ProcedureData,
    pub status: VersionStatus,
    pub publication: Publication,
}

/// What writing a version did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    Created,
    NewVersion(i32),
    UpdatedDraft(i32),
    Unchanged,
}

fn content_hash(input: &VersionInput) -> Result<String> {
    let text = serde_json::to_string(&(&input.data, input.status.code(), &input.publication))
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}"))))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// A stored version as the domain sees it.
pub fn version_input(v: &procedure_version::Model) -> Result<VersionInput> {
    let data: ProcedureData = serde_json::from_str(&v.data).map_err(|e| {
        StoreError::Db(DbErr::Custom(format!(
            "procedure version {} is unreadable: {e}",
            v.id
        )))
    })?;
    Ok(VersionInput {
        data,
        status: VersionStatus::parse(&v.status).unwrap_or(VersionStatus::Draft),
        publication: Publication {
            decision_number: v.decision_number.clone(),
            decision_date: v.decision_date,
            decision_authority: v
                .decision_authority
                .as_deref()
                .and_then(DecisionAuthority::parse),
            effective_date: v.effective_date,
            published_at: v.published_at,
        },
    })
}

fn copy_current(
    p: &mut procedure::ActiveModel,
    input: &VersionInput,
    version_id: Uuid,
    organ_id: &str,
) {
    let d = &input.data;
    p.name = Set(d.name.clone());
    p.agency_organ = Set(organ_id.to_owned());
    p.field = Set(d.field.code().to_owned());
    p.level = Set(d.level.code().to_owned());
    p.online_class = Set(d.online_class.code().to_owned());
    p.legacy_level = Set(i16::from(d.legacy_level));
    p.postal_receipt = Set(d.postal_receipt);
    p.postal_return = Set(d.postal_return);
    p.processing_value = Set(d.processing_time.value);
    p.processing_unit = Set(d.processing_time.unit.code().to_owned());
    p.published = Set(input.status == VersionStatus::Published);
    p.status = Set(input.status.code().to_owned());
    p.search_text = Set(d.search_text());
    p.current_version_id = Set(version_id);
}

/// Write a version inside the caller's write transaction (used by the editors' actions and by
/// imports, which write a whole file in one transaction).
pub async fn upsert_in(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    agency: &agency::Model,
    input: &VersionInput,
) -> Result<Upserted> {
    let now = Utc::now();
    // Publication times are kept to the second, so that what is stored, exported and imported
    // again hashes the same on both backends (PostgreSQL keeps microseconds, chrono nanoseconds).
    let normalised;
    let input = if input
        .publication
        .published_at
        .is_some_and(|t| t.timestamp_subsec_nanos() != 0)
    {
        let mut n = input.clone();
        n.publication.published_at = n
            .publication
            .published_at
            .and_then(|t| t.with_nanosecond(0));
        normalised = n;
        &normalised
    } else {
        input
    };
    let hash = content_hash(input)?;
    let data_json = serde_json::to_string(&input.data)
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}"))))?;
    let p = &input.publication;
    let code = input.data.code.as_str();
    // By code alone: a national code names one procedure, whichever agency implements it. On
    // PostgreSQL the row is locked so that concurrent editors take turns (SQLite's IMMEDIATE
    // transaction already serialises writers).
    let mut find_q = procedure::Entity::find().filter(procedure::Column::Code.eq(code));
    if db.backend() == Backend::Postgres {
        find_q = find_q.lock_exclusive();
    }
    let existing = find_q.one(txn).await?;
    if let Some(p) = &existing
        && p.agency_id != agency.id
    {
        return Err(StoreError::Conflict(format!(
            "procedure {code} belongs to another agency ({})",
            p.agency_organ
        )));
    }
    let new_version = |procedure_id: Uuid, no: i32| procedure_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        procedure_id: Set(procedure_id),
        agency_id: Set(agency.id),
        version_no: Set(no),
        status: Set(input.status.code().to_owned()),
        data: Set(data_json.clone()),
        content_hash: Set(hash.clone()),
        decision_number: Set(p.decision_number.clone()),
        decision_date: Set(p.decision_date),
        decision_authority: Set(p.decision_authority.map(|a| a.code().to_owned())),
        effective_date: Set(p.effective_date),
        published_at: Set(p.published_at),
        created_at: Set(now),
        updated_at: Set(now),
    };

    let Some(proc_row) = existing else {
        let procedure_id = Uuid::now_v7();
        // The version refers to the procedure and the procedure to its version: insert the
        // procedure first with the version id it will have.
        let version = new_version(procedure_id, 1);
        let version_id = *version.id.as_ref();
        let mut row = procedure::ActiveModel {
            id: Set(procedure_id),
            agency_id: Set(agency.id),
            code: Set(code.to_owned()),
            latest_version_id: Set(version_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        copy_current(&mut row, input, version_id, &agency.organ_id);
        row.insert(txn).await?;
        version.insert(txn).await?;
        audit::append(db, txn, ctx, Change {
            action: "procedure.create",
            object_type: "procedure",
            object_id: code.to_owned(),
            before: json!(null),
            after: json!({ "version": 1, "status": input.status.code(), "name": input.data.name, "hash": hash }),
        })
        .await?;
        return Ok(Upserted::Created);
    };

    let latest = procedure_version::Entity::find_by_id(proc_row.latest_version_id)
        .one(txn)
        .await?
        .ok_or_else(|| {
            StoreError::Db(DbErr::Custom(format!(
                "procedure {code} has no latest version"
            )))
        })?;
    if latest.content_hash == hash {
        return Ok(Upserted::Unchanged);
    }
    // A pending draft is updated in place by an edit or by its own publication; abolishing adds a
    // version and leaves the draft's content alone.
    let (version_id, outcome) = if latest.status == VersionStatus::Draft.code()
        && input.status != VersionStatus::Abolished
    {
        let mut a: procedure_version::ActiveModel = latest.clone().into();
        a.status = Set(input.status.code().to_owned());
        a.data = Set(data_json.clone());
        a.content_hash = Set(hash.clone());
        a.decision_number = Set(p.decision_number.clone());
        a.decision_date = Set(p.decision_date);
        a.decision_authority = Set(p.decision_authority.map(|x| x.code().to_owned()));
        a.effective_date = Set(p.effective_date);
        a.published_at = Set(p.published_at);
        a.updated_at = Set(now);
        a.update(txn).await?;
        (latest.id, Upserted::UpdatedDraft(latest.version_no))
    } else {
        let v = new_version(proc_row.id, latest.version_no + 1)
            .insert(txn)
            .await?;
        (v.id, Upserted::NewVersion(v.version_no))
    };
    if matches!(
        input.status,
        VersionStatus::Published | VersionStatus::Abolished
    ) {
        procedure_version::Entity::update_many()
            .col_expr(
                procedure_version::Column::Status,
                sea_orm::sea_query::Expr::value(VersionStatus::Superseded.code()),
            )
            .filter(procedure_version::Column::ProcedureId.eq(proc_row.id))
            .filter(procedure_version::Column::Status.eq(VersionStatus::Published.code()))
            .filter(procedure_version::Column::Id.ne(version_id))
            .exec(txn)
            .await?;
    }
    let becomes_current = input.status != VersionStatus::Draft || !proc_row.published;
    let mut row: procedure::ActiveModel = proc_row.clone().into();
    row.latest_version_id = Set(version_id);
    row.updated_at = Set(now);
    if becomes_current {
        copy_current(&mut row, input, version_id, &agency.organ_id);
    }
    row.update(txn).await?;
    let version_no = match outcome {
        Upserted::NewVersion(n) | Upserted::UpdatedDraft(n) => n,
        _ => latest.version_no,
    };
    audit::append(db, txn, ctx, Change {
        action: if matches!(outcome, Upserted::NewVersion(_)) { "procedure.version_create" } else { "procedure.version_update" },
        object_type: "procedure",
        object_id: code.to_owned(),
        before: json!({ "version": latest.version_no, "status": latest.status, "hash": latest.content_hash }),
        after: json!({ "version": version_no, "status": input.status.code(), "hash": hash }),
    })
    .await?;
    Ok(outcome)
}

/// Write one version in its own transaction.
pub async fn upsert(
    db: &Db,
    ctx: &AuditCtx,
    agency: &agency::Model,
    input: &VersionInput,
) -> Result<Upserted> {
    let txn = begin_catalog_write(db).await?;
    let out = upsert_in(db, &txn, ctx, agency, input).await?;
    txn.commit().await?;
    Ok(out)
}

/// A procedure with its current and latest versions.
#[derive(Clone, Debug)]
pub struct Found {
    pub procedure: procedure::Model,
    pub current: procedure_version::Model,
    pub latest: procedure_version::Model,
}

pub async fn find(conn: &impl ConnectionTrait, code: &str) -> Result<Option<Found>> {
    let Some(p) = procedure::Entity::find()
        .filter(procedure::Column::Code.eq(code.trim()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let current = procedure_version::Entity::find_by_id(p.current_version_id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let latest = if p.latest_version_id == p.current_version_id {
        current.clone()
    } else {
        procedure_version::Entity::find_by_id(p.latest_version_id)
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?
    };
    Ok(Some(Found {
        procedure: p,
        current,
        latest,
    }))
}

/// The procedure row of a code (no version read).
pub async fn procedure_row(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<procedure::Model>> {
    Ok(procedure::Entity::find()
        .filter(procedure::Column::Code.eq(code.trim()))
        .one(conn)
        .await?)
}

/// One stored version, as the domain sees it.
pub async fn version_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<VersionInput>> {
    match procedure_version::Entity::find_by_id(id).one(conn).await? {
        Some(v) => Ok(Some(version_input(&v)?)),
        None => Ok(None),
    }
}

pub async fn versions(
    conn: &impl ConnectionTrait,
    procedure_id: Uuid,
) -> Result<Vec<procedure_version::Model>> {
    Ok(procedure_version::Entity::find()
        .filter(procedure_version::Column::ProcedureId.eq(procedure_id))
        .order_by_desc(procedure_version::Column::VersionNo)
        .all(conn)
        .await?)
}

/// The latest version of every procedure, by code (for export).
pub async fn all_latest(conn: &impl ConnectionTrait) -> Result<Vec<procedure_version::Model>> {
    versions_by(conn, |p| p.latest_version_id).await
}

/// One version of every procedure, by code, chosen by `pick`.
async fn versions_by(
    conn: &impl ConnectionTrait,
    pick: fn(&procedure::Model) -> Uuid,
) -> Result<Vec<procedure_version::Model>> {
    let procs = procedure::Entity::find()
        .order_by_asc(procedure::Column::Code)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = procs.iter().map(pick).collect();
    let mut by_id: std::collections::HashMap<Uuid, procedure_version::Model> =
        std::collections::HashMap::new();
    // Bound the bind parameters of one statement (SQLite allows 32,766).
    for chunk in ids.chunks(5_000) {
        let found = procedure_version::Entity::find()
            .filter(procedure_version::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        by_id.extend(found.into_iter().map(|v| (v.id, v)));
    }
    Ok(procs
        .iter()
        .filter_map(|p| by_id.remove(&pick(p)))
        .collect())
}

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
struct Loaded {
    generation: i64,
    /// Every procedure, in code order (document `d` of the index is `rows[d]`), without its
    /// search text (indexed, never shown).
    rows: Vec<procedure::Model>,
    index: SearchIndex,
}

/// The in-memory search index of a database (held by its `Db` handles): reloaded when the
/// catalogue's generation — raised in the same transaction as any change of a procedure row, by
/// triggers (migration 000016) — differs from the one it was loaded at. Every process and node
/// therefore answers from the committed catalogue; loading 10,000 procedures takes tens of
/// milliseconds, once per change.
#[derive(Default)]
pub(crate) struct IndexCache {
    current: std::sync::RwLock<Option<Arc<Loaded>>>,
    loading: tokio::sync::Mutex<()>,
    /// Whether each stored form asked for is linked by a published version, for one generation
    /// (`form_linked`).
    forms: std::sync::Mutex<(i64, std::collections::HashMap<Uuid, bool>)>,
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexCache")
    }
}

impl IndexCache {
    /// The loaded index when it is of exactly this generation (a lower number than loaded, after a
    /// restore from a backup, reloads too).
    fn kept(&self, generation: i64) -> Option<Arc<Loaded>> {
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
async fn begin_catalog_write(db: &Db) -> Result<DatabaseTransaction> {
    let txn = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        txn.execute_unprepared("UPDATE catalog_generation SET n = n + 1 WHERE id = 1")
            .await?;
    }
    Ok(txn)
}

/// The catalogue's generation (migration 000016).
async fn generation(conn: &impl ConnectionTrait) -> Result<i64> {
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
async fn current_index(db: &Db) -> Result<Arc<Loaded>> {
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

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub total: usize,
    pub created: usize,
    pub new_versions: usize,
    pub updated_drafts: usize,
    pub unchanged: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A procedure names an agency that does not exist: (index in the input, OrganId).
    #[error("unknown agency")]
    UnknownAgency(Vec<(usize, String)>),
    /// A procedure's code already belongs to another agency: (index in the input, code).
    #[error("agency changed")]
    AgencyChanged(Vec<(usize, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Write every version in one transaction: all of them or none. `progress` is called with the
/// number handled so far.
///
/// Bulk path (measured in docs/PERFORMANCE.md): what exists is read once; versions identical to
/// the latest are skipped without a statement; new procedures, their first versions, their index
/// rows and their audit entries are inserted in chunks; only changed existing procedures go through
/// [`upsert_in`] one by one.
pub async fn import(
    db: &Db,
    ctx: &AuditCtx,
    inputs: &[VersionInput],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport, ImportError> {
    let agencies: std::collections::HashMap<String, agency::Model> =
        crate::org::agencies(db.conn())
            .await?
            .into_iter()
            .map(|a| (a.organ_id.clone(), a))
            .collect();
    let unknown: Vec<(usize, String)> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| !agencies.contains_key(i.data.agency.trim()))
        .map(|(n, i)| (n, i.data.agency.clone()))
        .collect();
    if !unknown.is_empty() {
        return Err(ImportError::UnknownAgency(unknown));
    }
    let mut report = ImportReport {
        total: inputs.len(),
        ..Default::default()
    };
    let txn = begin_catalog_write(db).await.map_err(ImportError::Store)?;
    let existing: std::collections::HashMap<String, procedure::Model> = procedure::Entity::find()
        .all(&txn)
        .await
        .map_err(StoreError::from)?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let moved: Vec<(usize, String)> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            existing
                .get(i.data.code.as_str())
                .is_some_and(|p| p.agency_organ != i.data.agency.trim())
        })
        .map(|(n, i)| (n, i.data.code.to_string()))
        .collect();
    if !moved.is_empty() {
        return Err(ImportError::AgencyChanged(moved));
    }
    let mut latest_hash: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
    let latest_ids: Vec<Uuid> = existing.values().map(|p| p.latest_version_id).collect();
    for chunk in latest_ids.chunks(5_000) {
        let found = procedure_version::Entity::find()
            .filter(procedure_version::Column::Id.is_in(chunk.iter().copied()))
            .all(&txn)
            .await
            .map_err(StoreError::from)?;
        latest_hash.extend(found.into_iter().map(|v| (v.id, v.content_hash)));
    }
    let now = Utc::now();
    let mut new_procedures = Vec::new();
    let mut new_versions = Vec::new();
    let mut changes: Vec<(Option<Uuid>, Change<'static>)> = Vec::new();
    for (n, original) in inputs.iter().enumerate() {
        let Some(agency) = agencies.get(original.data.agency.trim()) else {
            continue;
        };
        let mut input = original.clone();
        input.publication.published_at = input
            .publication
            .published_at
            .and_then(|t| t.with_nanosecond(0));
        let hash = content_hash(&input)?;
        match existing.get(input.data.code.as_str()) {
            Some(p) if latest_hash.get(&p.latest_version_id) == Some(&hash) => {
                report.unchanged += 1
            }
            Some(_) => {
                let ctx = AuditCtx {
                    agency_id: Some(agency.id),
                    ..ctx.clone()
                };
                match upsert_in(db, &txn, &ctx, agency, &input).await? {
                    Upserted::NewVersion(_) => report.new_versions += 1,
                    Upserted::UpdatedDraft(_) => report.updated_drafts += 1,
                    Upserted::Unchanged => report.unchanged += 1,
                    Upserted::Created => report.created += 1,
                }
            }
            None => {
                let procedure_id = Uuid::now_v7();
                let version_id = Uuid::now_v7();
                let data_json = serde_json::to_string(&input.data).map_err(|e| {
                    StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}")))
                })?;
                let p = &input.publication;
                let mut row = procedure::ActiveModel {
                    id: Set(procedure_id),
                    agency_id: Set(agency.id),
                    code: Set(input.data.code.as_str().to_owned()),
                    latest_version_id: Set(version_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                copy_current(&mut row, &input, version_id, &agency.organ_id);
                new_procedures.push(row);
                new_versions.push(procedure_version::ActiveModel {
                    id: Set(version_id),
                    procedure_id: Set(procedure_id),
                    agency_id: Set(agency.id),
                    version_no: Set(1),
                    status: Set(input.status.code().to_owned()),
                    data: Set(data_json),
                    content_hash: Set(hash.clone()),
                    decision_number: Set(p.decision_number.clone()),
                    decision_date: Set(p.decision_date),
                    decision_authority: Set(p.decision_authority.map(|a| a.code().to_owned())),
                    effective_date: Set(p.effective_date),
                    published_at: Set(p.published_at),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                changes.push((Some(agency.id), Change {
                    action: "procedure.create",
                    object_type: "procedure",
                    object_id: input.data.code.as_str().to_owned(),
                    before: json!(null),
                    after: json!({ "version": 1, "status": input.status.code(), "name": input.data.name, "hash": hash }),
                }));
                report.created += 1;
            }
        }
        if n % 500 == 499 {
            progress(n + 1);
        }
    }
    for chunk in new_procedures.chunks(200) {
        procedure::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(StoreError::from)?;
    }
    for chunk in new_versions.chunks(200) {
        procedure_version::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(StoreError::from)?;
    }
    audit::append_many(db, &txn, ctx, changes).await?;
    txn.commit().await.map_err(StoreError::from)?;
    progress(inputs.len());
    Ok(report)
}

/// The current version of every procedure, by code (the published one, else the latest).
pub async fn all_current(conn: &impl ConnectionTrait) -> Result<Vec<procedure_version::Model>> {
    versions_by(conn, |p| p.current_version_id).await
}

/// An editor's move on a procedure, checked and written in one write transaction.
#[derive(Clone, Debug)]
pub enum Transition {
    /// Publish the latest draft under this announcement.
    Publish(Publication),
    /// Abolish the procedure under this decision.
    Abolish {
        decision_number: String,
        decision_date: chrono::NaiveDate,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("no such procedure")]
    NotFound,
    #[error("no draft to publish")]
    NoDraft,
    #[error("already abolished")]
    AlreadyAbolished,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for TransitionError {
    fn from(e: DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Publish or abolish: the check, the read and the write happen in one write transaction (the
/// procedure row locked on PostgreSQL), so a concurrent edit is never overwritten with older
/// content and two publications cannot both win.
pub async fn transition(
    db: &Db,
    ctx: &AuditCtx,
    code: &str,
    t: Transition,
) -> Result<(), TransitionError> {
    let txn = begin_catalog_write(db).await?;
    let mut q = procedure::Entity::find().filter(procedure::Column::Code.eq(code.trim()));
    if db.backend() == Backend::Postgres {
        q = q.lock_exclusive();
    }
    let p = q.one(&txn).await?.ok_or(TransitionError::NotFound)?;
    let agency = agency::Entity::find_by_id(p.agency_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let latest = procedure_version::Entity::find_by_id(p.latest_version_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let current = procedure_version::Entity::find_by_id(p.current_version_id)
        .one(&txn)
        .await?
        .ok_or(TransitionError::NotFound)?;
    let input = match t {
        Transition::Publish(publication) => {
            if latest.status != VersionStatus::Draft.code() {
                return Err(TransitionError::NoDraft);
            }
            VersionInput {
                data: version_input(&latest)?.data,
                status: VersionStatus::Published,
                publication,
            }
        }
        Transition::Abolish {
            decision_number,
            decision_date,
        } => {
            if current.status == VersionStatus::Abolished.code() {
                return Err(TransitionError::AlreadyAbolished);
            }
            let cur = version_input(&current)?;
            VersionInput {
                data: cur.data,
                status: VersionStatus::Abolished,
                publication: Publication {
                    decision_number: Some(decision_number),
                    decision_date: Some(decision_date),
                    decision_authority: cur.publication.decision_authority,
                    effective_date: Some(decision_date),
                    published_at: Some(Utc::now()),
                },
            }
        }
    };
    let ctx = AuditCtx {
        agency_id: Some(agency.id),
        ..ctx.clone()
    };
    upsert_in(db, &txn, &ctx, &agency, &input).await?;
    txn.commit().await?;
    Ok(())
}

/// The version of `code` a reader may see: the public sees the published version of a published
/// procedure (nothing otherwise); editors see the latest version, draft or not. `None` when the
/// reader may see nothing.
pub async fn shown(
    conn: &impl ConnectionTrait,
    code: &str,
    editor: bool,
) -> Result<Option<(Found, VersionInput)>> {
    let Some(found) = find(conn, code).await? else {
        return Ok(None);
    };
    if !found.procedure.published && !editor {
        return Ok(None);
    }
    let v = version_input(if editor {
        &found.latest
    } else {
        &found.current
    })?;
    Ok(Some((found, v)))
}
