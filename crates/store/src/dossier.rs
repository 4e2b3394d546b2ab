//! Dossiers: filing, actions, uploads, the notification outbox and the live statistics.
//!
//! Every write is one transaction holding the dossier row, its event, the audit entry, the outbox
//! messages and the statistics counters, so a crash leaves all of them or none (docs/ARCHITECTURE.md,
//! "One dossier, end to end"). The rules (which move is legal, the appointment, the outcome) are
//! decided by `motcua_domain::dossier` and the calendar before these functions are called; here the
//! version check makes two concurrent actions on one dossier end with exactly one winner.

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::{dossier, dossier_event, outbox, upload};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Datelike, Utc};
use motcua_domain::dossier::stats::Counter;
use motcua_domain::time::VN_OFFSET;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement, Value,
};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// SHA-256 of a text, in lower-case hex (look-up codes, request bodies).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------------------------
// Uploads

#[derive(Clone)]
pub struct NewUpload {
    pub agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An upload without its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadMeta {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub dossier_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

pub async fn save_upload(db: &Db, ctx: &AuditCtx, new: NewUpload) -> Result<UploadMeta> {
    let txn = db.begin_write().await?;
    let meta = insert_upload(db, &txn, ctx, new).await?;
    txn.commit().await?;
    Ok(meta)
}

/// Stores an upload inside the caller's transaction; audited.
pub(crate) async fn insert_upload(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    new: NewUpload,
) -> Result<UploadMeta> {
    let sha = hex::encode(Sha256::digest(&new.content));
    let size = i64::try_from(new.content.len()).unwrap_or(i64::MAX);
    let id = Uuid::now_v7();
    upload::ActiveModel {
        id: Set(id),
        agency_id: Set(new.agency_id),
        owner_id: Set(new.owner_id),
        dossier_id: Set(None),
        file_name: Set(new.file_name.clone()),
        content_type: Set(new.content_type.clone()),
        size: Set(size),
        sha256: Set(sha.clone()),
        content: Set(new.content),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::append(
        db,
        txn,
        ctx,
        Change {
            action: "upload.create",
            object_type: "upload",
            object_id: id.to_string(),
            before: Json::Null,
            after: json!({ "size": size, "sha256": sha, "content_type": new.content_type }),
        },
    )
    .await?;
    Ok(UploadMeta {
        id,
        agency_id: new.agency_id,
        owner_id: new.owner_id,
        dossier_id: None,
        file_name: new.file_name,
        content_type: new.content_type,
        size,
        sha256: sha,
    })
}

type UploadRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
    i64,
    String,
);

pub async fn upload_meta(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<UploadMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<UploadRow> = upload::Entity::find()
        .select_only()
        .columns([
            upload::Column::Id,
            upload::Column::AgencyId,
            upload::Column::OwnerId,
            upload::Column::DossierId,
            upload::Column::FileName,
            upload::Column::ContentType,
            upload::Column::Size,
            upload::Column::Sha256,
        ])
        .filter(upload::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, agency_id, owner_id, dossier_id, file_name, content_type, size, sha256)| {
                UploadMeta {
                    id,
                    agency_id,
                    owner_id,
                    dossier_id,
                    file_name,
                    content_type,
                    size,
                    sha256,
                }
            },
        )
        .collect())
}

pub async fn uploads_of(conn: &impl ConnectionTrait, dossier_id: Uuid) -> Result<Vec<UploadMeta>> {
    let ids: Vec<Uuid> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Id)
        .filter(upload::Column::DossierId.eq(dossier_id))
        .order_by_asc(upload::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    upload_meta(conn, &ids).await
}

pub async fn upload_content(conn: &impl ConnectionTrait, id: Uuid) -> Result<upload::Model> {
    upload::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Attach unclaimed uploads to a dossier; every id must be the caller's agency's and unclaimed.
async fn claim_uploads(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    dossier_id: Uuid,
    ids: &[Uuid],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let res = upload::Entity::update_many()
        .col_expr(upload::Column::DossierId, Expr::value(dossier_id))
        .filter(upload::Column::Id.is_in(ids.iter().copied()))
        .filter(upload::Column::AgencyId.eq(agency_id))
        .filter(upload::Column::DossierId.is_null())
        .exec(txn)
        .await?;
    if res.rows_affected != ids.len() as u64 {
        return Err(StoreError::UploadsUnavailable);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Outbox

/// A notification to send once the transaction commits.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// `receipt`, `supplement_request`, `apology`, `result_ready`, `result_returned`.
    pub topic: &'static str,
    /// What the sink needs (recipient, subject, body, dossier code). Never logged.
    pub payload: Json,
}

async fn write_outbox(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    dossier_id: Uuid,
    at: DateTime<Utc>,
    messages: &[NewMessage],
) -> Result<()> {
    for m in messages {
        let message = outbox::ActiveModel {
            id: Set(Uuid::now_v7()),
            agency_id: Set(agency_id),
            topic: Set(m.topic.to_owned()),
            dossier_id: Set(Some(dossier_id)),
            payload: Set(m.payload.to_string()),
            created_at: Set(at),
            attempts: Set(0),
            next_attempt_at: Set(at),
            delivered_at: Set(None),
            last_error: Set(None),
        };
        outbox::Entity::insert(message)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Messages due for delivery, oldest first.
pub async fn due_messages(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Take due messages for delivery until `lease_until`, in one write transaction: the ones whose
/// lease this call set (another node may have taken some first). The lease is a conditional
/// update on `next_attempt_at`, so no transaction stays open while sending, and the notifier
/// writes twice per round, not twice per message (on SQLite every write transaction competes with
/// the filings' writer for the one write lock).
pub async fn claim_messages(
    db: &Db,
    due: &[outbox::Model],
    lease_until: DateTime<Utc>,
) -> Result<Vec<outbox::Model>> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let txn = db.begin_write().await?;
    for m in due {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(m.id))
            .filter(outbox::Column::NextAttemptAt.eq(m.next_attempt_at))
            .filter(outbox::Column::DeliveredAt.is_null())
            .exec(&txn)
            .await?;
    }
    let mine = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(due.iter().map(|m| m.id)))
        .filter(outbox::Column::NextAttemptAt.eq(lease_until))
        .filter(outbox::Column::DeliveredAt.is_null())
        .order_by_asc(outbox::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(mine)
}

/// Mark messages delivered, in one write transaction.
pub async fn mark_delivered(db: &Db, ids: &[Uuid], at: DateTime<Utc>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = db.begin_write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::DeliveredAt, Expr::value(at))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn mark_failed(
    db: &Db,
    id: Uuid,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    let txn = db.begin_write().await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .col_expr(outbox::Column::LastError, Expr::value(error.to_owned()))
        .filter(outbox::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn messages_of(
    conn: &impl ConnectionTrait,
    dossier_id: Uuid,
) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DossierId.eq(dossier_id))
        .order_by_asc(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::Id)
        .all(conn)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Statistics

/// The month key `yyyymm` of an instant, in Vietnam time.
pub fn month_of(t: DateTime<Utc>) -> i32 {
    let l = t.with_timezone(&VN_OFFSET);
    l.year() * 100 + l.month() as i32
}

/// Which row of `dossier_stat` an event counts in.
#[derive(Clone, Debug)]
struct StatKey {
    agency_id: Uuid,
    unit_id: Uuid,
    procedure_code: String,
    month: i32,
    channel: String,
}

async fn bump(
    db: &Db,
    txn: &DatabaseTransaction,
    key: &StatKey,
    counters: &[Counter],
) -> Result<()> {
    if counters.is_empty() {
        return Ok(());
    }
    let cols: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
    let ph = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let mut values: Vec<Value> = vec![
        key.agency_id.into(),
        key.unit_id.into(),
        key.procedure_code.clone().into(),
        key.month.into(),
        key.channel.clone().into(),
    ];
    for c in Counter::ALL {
        values.push(i64::from(counters.contains(&c)).into());
    }
    let placeholders: Vec<String> = (1..=values.len()).map(ph).collect();
    let updates: Vec<String> = counters
        .iter()
        .map(|c| {
            format!(
                "{col} = dossier_stat.{col} + excluded.{col}",
                col = c.column()
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO dossier_stat (agency_id, unit_id, procedure_code, month, channel, {cols}) \
         VALUES ({vals}) ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) \
         DO UPDATE SET {updates}",
        cols = cols.join(", "),
        vals = placeholders.join(", "),
        updates = updates.join(", "),
    );
    txn.execute_raw(Statement::from_sql_and_values(
        db.backend().sea(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Totals of every counter over a set of `dossier_stat` rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals(pub std::collections::BTreeMap<&'static str, i64>);

impl Totals {
    pub fn get(&self, c: Counter) -> i64 {
        self.0.get(c.column()).copied().unwrap_or(0)
    }

    /// Dossiers filed in the period on `channel`: an online filing moves `submitted`, a counter or
    /// postal filing `received` at once (an online dossier's later receipt moves `received` of
    /// its channel).
    pub fn filed(&self, channel: &str) -> i64 {
        if channel == "online" {
            self.get(Counter::Submitted)
        } else {
            self.get(Counter::Received)
        }
    }

    /// Resolved early or on time (Decision 766 indicator 2.1's numerator).
    pub fn resolved_in_time(&self) -> i64 {
        self.get(Counter::ResolvedEarly) + self.get(Counter::ResolvedOnTime)
    }

    /// Results returned, on every channel.
    pub fn returned(&self) -> i64 {
        self.get(Counter::ReturnedOnline)
            + self.get(Counter::ReturnedCounter)
            + self.get(Counter::ReturnedPostal)
    }
}

/// The filter of a statistics query.
#[derive(Clone, Debug, Default)]
pub struct StatFilter {
    pub agency_id: Uuid,
    /// Only these units (`None`: all).
    pub units: Option<Vec<Uuid>>,
    pub procedure_code: Option<String>,
}

/// Sums of the counters for months `from..=to` (yyyymm), grouped by `group` (a column of
/// `dossier_stat`, or none for one total).
pub async fn stat_totals(
    db: &Db,
    f: &StatFilter,
    from: i32,
    to: i32,
    group: Option<&str>,
) -> Result<Vec<(String, Totals)>> {
    let backend = db.backend();
    let mut values: Vec<Value> = vec![f.agency_id.into(), from.into(), to.into()];
    let mut where_ = String::from("agency_id = {1} AND month >= {2} AND month <= {3}");
    if let Some(units) = &f.units {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut marks = Vec::new();
        for u in units {
            values.push((*u).into());
            marks.push(format!("{{{}}}", values.len()));
        }
        where_.push_str(&format!(" AND unit_id IN ({})", marks.join(", ")));
    }
    if let Some(code) = &f.procedure_code {
        values.push(code.clone().into());
        where_.push_str(&format!(" AND procedure_code = {{{}}}", values.len()));
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
    let (select_group, group_by) = match group {
        Some(g) => (
            format!("CAST({g} AS TEXT) AS grp, "),
            format!(" GROUP BY {g} ORDER BY {g}"),
        ),
        None => (String::from("'' AS grp, "), String::new()),
    };
    let mut sql = format!(
        "SELECT {select_group}{sums} FROM dossier_stat WHERE {where_}{group_by}",
        sums = sums.join(", ")
    );
    for i in (1..=values.len()).rev() {
        let mark = match backend {
            Backend::Postgres => format!("${i}"),
            Backend::Sqlite => format!("?{i}"),
        };
        sql = sql.replace(&format!("{{{i}}}"), &mark);
    }
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let grp: String = r.try_get("", "grp").unwrap_or_default();
        let mut t = Totals::default();
        for c in Counter::ALL {
            // Cast to BIGINT in SQL: PostgreSQL would otherwise sum bigints as numeric.
            let v = r.try_get::<i64>("", c.column()).ok();
            t.0.insert(c.column(), v.unwrap_or(0));
        }
        out.push((grp, t));
    }
    Ok(out)
}

/// Dossiers open now (received, not finished) in the filter's scope, split into within time and
/// overdue at `now`. A dossier waiting for a supplement is judged at the time of the request
/// (Decision 766 ind. 2.1; domain rules §1.3).
pub async fn open_now(db: &Db, f: &StatFilter, now: DateTime<Utc>) -> Result<(i64, i64)> {
    let backend = db.backend();
    let mark = |i: usize| match backend {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let mut values: Vec<Value> = vec![f.agency_id.into(), now.into()];
    let mut scope = String::new();
    if let Some(units) = &f.units {
        if units.is_empty() {
            return Ok((0, 0));
        }
        let mut marks = Vec::new();
        for u in units {
            values.push((*u).into());
            marks.push(mark(values.len()));
        }
        scope.push_str(&format!(" AND unit_id IN ({})", marks.join(", ")));
    }
    if let Some(code) = &f.procedure_code {
        values.push(code.clone().into());
        scope.push_str(&format!(" AND procedure_code = {}", mark(values.len())));
    }
    // Three counts over `ix_dossier_state_due`: all open; running past the appointment; waiting
    // for a supplement asked after the appointment had passed.
    let (a, t) = (mark(1), mark(2));
    let sql = format!(
        "SELECT \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state IN (2, 4, 5, 6){scope}) AS n, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state IN (2, 4, 6) AND due_at < {t}{scope}) AS running_late, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state = 5 AND paused_at > due_at{scope}) AS paused_late"
    );
    let row = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
        .await?
        .ok_or(StoreError::NotFound)?;
    let n: i64 = row.try_get("", "n")?;
    let late = row.try_get::<i64>("", "running_late")? + row.try_get::<i64>("", "paused_late")?;
    Ok((n - late, late))
}

// ---------------------------------------------------------------------------------------------
// Filing

/// The applicant as filed: personal data (Decree 13/2023). `Debug` shows the kind only.
#[derive(Clone)]
pub struct Applicant {
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applicant")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A dossier to record. `Debug` leaves out the applicant's data, the return address and the
/// look-up code.
#[derive(Clone)]
pub struct NewDossier {
    pub agency_id: Uuid,
    /// The agency's OrganId, the first part of the dossier code.
    pub organ_id: String,
    pub procedure_id: Uuid,
    pub procedure_code: String,
    pub procedure_name: String,
    pub procedure_version_id: Uuid,
    pub unit_id: Uuid,
    /// Where the dossier waits first: the one-stop desk (Decree 61/2018 art. 8).
    pub handler_unit_id: Uuid,
    pub channel: String,
    pub return_channel: String,
    pub return_address: Option<String>,
    pub applicant_user_id: Option<Uuid>,
    pub applicant: Applicant,
    /// `(component code, upload ids)`.
    pub components: Vec<(String, Vec<Uuid>)>,
    /// `Submitted` (online) or `Received` (counter, postal).
    pub state: motcua_domain::dossier::state::DossierState,
    pub received_at: DateTime<Utc>,
    /// When the filing is recorded (the event's time).
    pub filed_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub lookup_code: String,
    /// `(key, SHA-256 of the request)`.
    pub idempotency: Option<(String, String)>,
    pub postal_receipt_no: Option<String>,
    pub fees_vnd: i64,
    /// The event's own fields (hand-over record, fees collected…), without personal data.
    pub event_data: Json,
    pub note: String,
    /// Builds the notifications once the code is known.
    pub messages: fn(&dossier::Model) -> Vec<NewMessage>,
}

impl std::fmt::Debug for NewDossier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDossier")
            .field("agency_id", &self.agency_id)
            .field("procedure_code", &self.procedure_code)
            .field("procedure_version_id", &self.procedure_version_id)
            .field("unit_id", &self.unit_id)
            .field("channel", &self.channel)
            .field("return_channel", &self.return_channel)
            .field("applicant", &self.applicant)
            .field("state", &self.state)
            .field("received_at", &self.received_at)
            .field("due_at", &self.due_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub enum Filed {
    Created(Box<dossier::Model>),
    /// The same idempotency key and body were seen before: the dossier filed then.
    Replayed(Box<dossier::Model>),
    /// The same key came with a different body.
    KeyReused,
}

pub async fn by_idempotency_key(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    key: &str,
) -> Result<Option<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::AgencyId.eq(agency_id))
        .filter(dossier::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?)
}

fn replay(existing: dossier::Model, request_hash: &str) -> Filed {
    if existing.request_hash.as_deref() == Some(request_hash) {
        Filed::Replayed(Box::new(existing))
    } else {
        Filed::KeyReused
    }
}

/// The next number of the agency's daily sequence, in the caller's transaction: a filing that
/// rolls back gives its number back, so numbers have no gaps and no duplicates. On PostgreSQL the
/// upsert locks the day's row until commit; on SQLite the IMMEDIATE transaction holds the lock.
async fn next_sequence(
    db: &Db,
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    day: &str,
) -> Result<u32> {
    let sql = match db.backend() {
        Backend::Postgres => {
            "INSERT INTO dossier_sequence (agency_id, day, last) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequence.last + 1 \
             RETURNING last"
        }
        Backend::Sqlite => {
            "INSERT INTO dossier_sequence (agency_id, day, last) VALUES (?1, ?2, 1) \
             ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequence.last + 1 \
             RETURNING last"
        }
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            [agency_id.into(), day.to_owned().into()],
        ))
        .await?
        .ok_or(StoreError::NotFound)?;
    let last: i32 = row.try_get("", "last")?;
    u32::try_from(last).map_err(|_| StoreError::Conflict("dossier sequence".into()))
}

/// File a dossier: code, row, first event, uploads claimed, audit entry, outbox and statistics in
/// one transaction.
pub async fn file(db: &Db, ctx: &AuditCtx, new: NewDossier) -> Result<Filed> {
    if let Some((key, hash)) = &new.idempotency
        && let Some(existing) = by_idempotency_key(db.conn(), new.agency_id, key).await?
    {
        return Ok(replay(existing, hash));
    }
    match file_once(db, ctx, &new).await {
        Err(StoreError::Conflict(why)) => {
            // Two requests with one key raced: the loser answers with the winner's dossier.
            if let Some((key, hash)) = &new.idempotency
                && let Some(existing) = by_idempotency_key(db.conn(), new.agency_id, key).await?
            {
                return Ok(replay(existing, hash));
            }
            Err(StoreError::Conflict(why))
        }
        other => other.map(|m| Filed::Created(Box::new(m))),
    }
}

/// File through the group-commit writer: answered once the batch holding it is on disk.
async fn file_once(db: &Db, ctx: &AuditCtx, new: &NewDossier) -> Result<dossier::Model> {
    let shared = std::sync::Arc::new((db.clone(), ctx.clone(), new.clone()));
    db.writer()
        .submit(move |txn| {
            let shared = shared.clone();
            Box::pin(async move {
                let (db, ctx, new) = &*shared;
                file_in(db, txn, ctx, new).await
            })
        })
        .await
}

async fn file_in(
    db: &Db,
    txn: &DatabaseTransaction,
    ctx: &AuditCtx,
    new: &NewDossier,
) -> Result<dossier::Model> {
    use motcua_domain::dossier::code::DossierCode;
    use motcua_domain::dossier::stats::{EventKind, counters};
    let now = new.filed_at;
    let local_day = new.received_at.with_timezone(&VN_OFFSET).date_naive();
    let day_key = local_day.format("%y%m%d").to_string();
    let organ = motcua_domain::org::OrganId::parse(&new.organ_id)
        .map_err(|e| StoreError::Conflict(e.to_string()))?;
    let seq = next_sequence(db, txn, new.agency_id, &day_key).await?;
    let code = DossierCode::new(organ, local_day, seq)
        .ok_or_else(|| StoreError::Conflict("hết số hồ sơ trong ngày".into()))?
        .to_string();
    let id = Uuid::now_v7();
    let components = json!(
        new.components
            .iter()
            .map(|(c, ids)| json!({ "code": c, "upload_ids": ids }))
            .collect::<Vec<_>>()
    );
    let model = dossier::ActiveModel {
        id: Set(id),
        agency_id: Set(new.agency_id),
        code: Set(code.clone()),
        procedure_id: Set(new.procedure_id),
        procedure_code: Set(new.procedure_code.clone()),
        procedure_name: Set(new.procedure_name.clone()),
        procedure_version_id: Set(new.procedure_version_id),
        unit_id: Set(new.unit_id),
        handler_unit_id: Set(new.handler_unit_id),
        handler_id: Set(None),
        channel: Set(new.channel.clone()),
        return_channel: Set(new.return_channel.clone()),
        return_address: Set(new.return_address.clone()),
        applicant_user_id: Set(new.applicant_user_id),
        applicant_kind: Set(new.applicant.kind.clone()),
        applicant_name: Set(new.applicant.name.clone()),
        applicant_id_number: Set(new.applicant.id_number.clone()),
        applicant_phone: Set(new.applicant.phone.clone()),
        applicant_email: Set(new.applicant.email.clone()),
        applicant_address: Set(new.applicant.address.clone()),
        components: Set(components.to_string()),
        state: Set(new.state.sync_code() as i16),
        supplement_requests: Set(0),
        extended: Set(false),
        approved: Set(false),
        received_at: Set(new.received_at),
        original_due_at: Set(new.due_at),
        due_at: Set(new.due_at),
        paused_at: Set(None),
        paused_seconds: Set(0),
        finished_at: Set(None),
        resolved_at: Set(None),
        returned_at: Set(None),
        outcome: Set(None),
        working_seconds_used: Set(None),
        lookup_code: Set(new.lookup_code.clone()),
        idempotency_key: Set(new.idempotency.as_ref().map(|(k, _)| k.clone())),
        request_hash: Set(new.idempotency.as_ref().map(|(_, h)| h.clone())),
        postal_receipt_no: Set(new.postal_receipt_no.clone()),
        fees_vnd: Set(new.fees_vnd),
        rating: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let all_uploads: Vec<Uuid> = new
        .components
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    claim_uploads(txn, new.agency_id, id, &all_uploads).await?;
    insert_event(
        txn,
        &model,
        ctx,
        1,
        "file",
        None,
        new.state.sync_code() as i16,
        now,
        &new.note,
        &new.event_data,
    )
    .await?;
    audit::append(db, txn, ctx, Change {
        action: "dossier.file",
        object_type: "dossier",
        object_id: code.clone(),
        before: Json::Null,
        after: json!({ "procedure": new.procedure_code, "channel": new.channel, "state": new.state.sync_code(), "due_at": new.due_at }),
    })
    .await?;
    write_outbox(txn, new.agency_id, id, now, &(new.messages)(&model)).await?;
    let channel = motcua_domain::catalog::procedure::Channel::parse(&new.channel)
        .ok_or_else(|| StoreError::Conflict(format!("kênh «{}» không hợp lệ", new.channel)))?;
    let key = StatKey {
        agency_id: new.agency_id,
        unit_id: new.unit_id,
        procedure_code: new.procedure_code.clone(),
        month: month_of(new.received_at),
        channel: new.channel.clone(),
    };
    bump(
        db,
        txn,
        &key,
        &counters(EventKind::Filed { to: new.state }, channel),
    )
    .await?;
    Ok(model)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    txn: &DatabaseTransaction,
    d: &dossier::Model,
    ctx: &AuditCtx,
    seq: i32,
    action: &str,
    from_state: Option<i16>,
    to_state: i16,
    at: DateTime<Utc>,
    note: &str,
    data: &Json,
) -> Result<()> {
    let event = dossier_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        agency_id: Set(d.agency_id),
        dossier_id: Set(d.id),
        seq: Set(seq),
        action: Set(action.to_owned()),
        from_state: Set(from_state),
        to_state: Set(to_state),
        actor_id: Set(ctx.actor_id),
        actor_role: Set(ctx.actor_role.clone()),
        actor_unit: Set(ctx.actor_unit),
        at: Set(at),
        note: Set(note.to_owned()),
        data: Set(data.to_string()),
    };
    dossier_event::Entity::insert(event)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading

pub async fn by_code(conn: &impl ConnectionTrait, code: &str) -> Result<Option<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::Code.eq(code.trim()))
        .one(conn)
        .await?)
}

/// What the public look-up shows of a dossier (no personal data), read in one query.
#[derive(Clone, Debug)]
pub struct PublicView {
    pub code: String,
    pub lookup_code: String,
    pub state: i16,
    pub procedure_code: String,
    pub procedure_name: String,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub rated: bool,
    /// `(action, time, acting unit)` in order.
    pub steps: Vec<(String, DateTime<Utc>, Option<Uuid>)>,
}

pub async fn public_view(db: &Db, code: &str) -> Result<Option<PublicView>> {
    let backend = db.backend();
    let mark = match backend {
        Backend::Postgres => "$1",
        Backend::Sqlite => "?1",
    };
    let sql = format!(
        "SELECT d.code, d.lookup_code, d.state, d.procedure_code, d.procedure_name, d.received_at, \
         d.due_at, d.resolved_at, d.returned_at, d.outcome, d.rating, e.action, e.at, e.actor_unit \
         FROM dossier d LEFT JOIN dossier_event e ON e.dossier_id = d.id \
         WHERE d.code = {mark} ORDER BY e.seq"
    );
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            backend.sea(),
            sql,
            [code.trim().to_owned().into()],
        ))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut v = PublicView {
        code: first.try_get("", "code")?,
        lookup_code: first.try_get("", "lookup_code")?,
        state: first.try_get("", "state")?,
        procedure_code: first.try_get("", "procedure_code")?,
        procedure_name: first.try_get("", "procedure_name")?,
        received_at: first.try_get("", "received_at")?,
        due_at: first.try_get("", "due_at")?,
        resolved_at: first.try_get("", "resolved_at")?,
        returned_at: first.try_get("", "returned_at")?,
        outcome: first.try_get("", "outcome")?,
        rated: first.try_get::<Option<i16>>("", "rating")?.is_some(),
        steps: Vec::with_capacity(rows.len()),
    };
    for r in &rows {
        if let Some(action) = r.try_get::<Option<String>>("", "action")? {
            let at: DateTime<Utc> = r.try_get("", "at")?;
            v.steps.push((action, at, r.try_get("", "actor_unit")?));
        }
    }
    Ok(Some(v))
}

pub async fn events(
    conn: &impl ConnectionTrait,
    dossier_id: Uuid,
) -> Result<Vec<dossier_event::Model>> {
    Ok(dossier_event::Entity::find()
        .filter(dossier_event::Column::DossierId.eq(dossier_id))
        .order_by_asc(dossier_event::Column::Seq)
        .all(conn)
        .await?)
}

/// The states that still need someone's work (sync codes): submitted, received, processing,
/// supplement requested, financial obligation, resolved (waiting for return).
pub const WORK_STATES: [i16; 6] = [1, 2, 4, 5, 6, 9];
/// The same, as the partial index `ix_dossier_work` spells it.
pub const WORK_STATES_SQL: &str = "state IN (1, 2, 4, 5, 6, 9)";

/// A work-queue query.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub agency_id: Uuid,
    /// The holding units to show (`None`: all units of the agency).
    pub units: Option<Vec<Uuid>>,
    pub handler_id: Option<Uuid>,
    pub states: Vec<i16>,
    pub procedure_code: Option<String>,
    pub channel: Option<String>,
    /// Only dossiers due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Only dossiers due at or after this instant.
    pub due_from: Option<DateTime<Utc>>,
    pub applicant_user_id: Option<Uuid>,
    pub offset: u64,
    pub limit: u64,
}

fn queue_filter(q: &QueueQuery) -> sea_orm::Select<dossier::Entity> {
    let mut s = dossier::Entity::find().filter(dossier::Column::AgencyId.eq(q.agency_id));
    if let Some(units) = &q.units {
        s = s.filter(dossier::Column::HandlerUnitId.is_in(units.iter().copied()));
    }
    if let Some(h) = q.handler_id {
        s = s.filter(dossier::Column::HandlerId.eq(h));
    }
    if q.states.as_slice() == WORK_STATES {
        // Literal, so that the partial index `ix_dossier_work` applies.
        s = s.filter(sea_orm::sea_query::Expr::cust(WORK_STATES_SQL));
    } else if !q.states.is_empty() {
        s = s.filter(dossier::Column::State.is_in(q.states.iter().copied()));
    }
    if let Some(p) = &q.procedure_code {
        s = s.filter(dossier::Column::ProcedureCode.eq(p.clone()));
    }
    if let Some(c) = &q.channel {
        s = s.filter(dossier::Column::Channel.eq(c.clone()));
    }
    if let Some(t) = q.due_before {
        s = s.filter(dossier::Column::DueAt.lt(t));
    }
    if let Some(t) = q.due_from {
        s = s.filter(dossier::Column::DueAt.gte(t));
    }
    if let Some(a) = q.applicant_user_id {
        s = s.filter(dossier::Column::ApplicantUserId.eq(a));
    }
    s
}

/// How many dossiers the queue holds (the number in the navigation).
pub async fn queue_count(db: &Db, q: &QueueQuery) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(queue_filter(q).count(db.conn()).await?)
}

/// One page of the queue, by due time, and the number of matching dossiers.
pub async fn queue(db: &Db, q: &QueueQuery) -> Result<(Vec<dossier::Model>, u64)> {
    use sea_orm::PaginatorTrait;
    let total = queue_filter(q).count(db.conn()).await?;
    let items = queue_filter(q)
        .order_by_asc(dossier::Column::DueAt)
        .order_by_asc(dossier::Column::Id)
        .offset(q.offset)
        .limit(q.limit)
        .all(db.conn())
        .await?;
    Ok((items, total))
}

/// The dossiers received in `[from, to)`, for the reform office's export, in receipt order.
pub async fn received_between(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::AgencyId.eq(agency_id))
        .filter(dossier::Column::ReceivedAt.gte(from))
        .filter(dossier::Column::ReceivedAt.lt(to))
        .order_by_asc(dossier::Column::ReceivedAt)
        .order_by_asc(dossier::Column::Id)
        .all(conn)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Actions

/// The changes an action makes to the current-state row (`None`: unchanged).
#[derive(Clone, Debug, Default)]
pub struct RowChange {
    pub state: Option<i16>,
    pub supplement_requests: Option<i32>,
    pub extended: Option<bool>,
    pub approved: Option<bool>,
    pub due_at: Option<DateTime<Utc>>,
    pub paused_at: Option<Option<DateTime<Utc>>>,
    pub paused_seconds: Option<i64>,
    pub handler_unit_id: Option<Uuid>,
    pub handler_id: Option<Option<Uuid>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub working_seconds_used: Option<i64>,
    pub fees_vnd: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct ActionWrite {
    pub dossier_id: Uuid,
    /// The version the caller saw (`If-Match`).
    pub expected_version: i64,
    pub action: motcua_domain::dossier::state::Action,
    pub from_state: motcua_domain::dossier::state::DossierState,
    pub change: RowChange,
    pub at: DateTime<Utc>,
    pub note: String,
    pub data: Json,
    pub messages: Vec<NewMessage>,
    /// Uploads the action attaches (a supplement's documents, the result).
    pub claim: Vec<Uuid>,
    /// Counters to add one to, in the month of `at`.
    pub counters: Vec<Counter>,
}

/// Apply an action if the dossier is still at `expected_version`; otherwise
/// `StoreError::Conflict` and nothing is written.
pub async fn act(db: &Db, ctx: &AuditCtx, w: ActionWrite) -> Result<dossier::Model> {
    use dossier::Column as C;
    let txn = db.begin_write().await?;
    let mut upd = dossier::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(w.at));
    let ch = &w.change;
    if let Some(v) = ch.state {
        upd = upd.col_expr(C::State, Expr::value(v));
    }
    if let Some(v) = ch.supplement_requests {
        upd = upd.col_expr(C::SupplementRequests, Expr::value(v));
    }
    if let Some(v) = ch.extended {
        upd = upd.col_expr(C::Extended, Expr::value(v));
    }
    if let Some(v) = ch.approved {
        upd = upd.col_expr(C::Approved, Expr::value(v));
    }
    if let Some(v) = ch.due_at {
        upd = upd.col_expr(C::DueAt, Expr::value(v));
    }
    if let Some(v) = ch.paused_at {
        upd = upd.col_expr(C::PausedAt, Expr::value(v));
    }
    if let Some(v) = ch.paused_seconds {
        upd = upd.col_expr(C::PausedSeconds, Expr::value(v));
    }
    if let Some(v) = ch.handler_unit_id {
        upd = upd.col_expr(C::HandlerUnitId, Expr::value(v));
    }
    if let Some(v) = ch.handler_id {
        upd = upd.col_expr(C::HandlerId, Expr::value(v));
    }
    if let Some(v) = ch.finished_at {
        upd = upd.col_expr(C::FinishedAt, Expr::value(v));
    }
    if let Some(v) = ch.resolved_at {
        upd = upd.col_expr(C::ResolvedAt, Expr::value(v));
    }
    if let Some(v) = ch.returned_at {
        upd = upd.col_expr(C::ReturnedAt, Expr::value(v));
    }
    if let Some(v) = &ch.outcome {
        upd = upd.col_expr(C::Outcome, Expr::value(v.clone()));
    }
    if let Some(v) = ch.working_seconds_used {
        upd = upd.col_expr(C::WorkingSecondsUsed, Expr::value(v));
    }
    if let Some(v) = ch.fees_vnd {
        upd = upd.col_expr(C::FeesVnd, Expr::value(v));
    }
    let res = upd
        .filter(C::Id.eq(w.dossier_id))
        .filter(C::Version.eq(w.expected_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Stale);
    }
    let d = dossier::Entity::find_by_id(w.dossier_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    claim_uploads(&txn, d.agency_id, d.id, &w.claim).await?;
    let seq: Option<i32> = dossier_event::Entity::find()
        .select_only()
        .column_as(dossier_event::Column::Seq.max(), "m")
        .filter(dossier_event::Column::DossierId.eq(d.id))
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    insert_event(
        &txn,
        &d,
        ctx,
        seq.unwrap_or(0) + 1,
        w.action.code(),
        Some(w.from_state.sync_code() as i16),
        d.state,
        w.at,
        &w.note,
        &w.data,
    )
    .await?;
    audit::append(db, &txn, ctx, Change {
        action: "dossier.action",
        object_type: "dossier",
        object_id: d.code.clone(),
        before: json!({ "state": w.from_state.sync_code(), "version": w.expected_version }),
        after: json!({ "action": w.action.code(), "state": d.state, "version": d.version, "data": w.data }),
    })
    .await?;
    write_outbox(&txn, d.agency_id, d.id, w.at, &w.messages).await?;
    let key = StatKey {
        agency_id: d.agency_id,
        unit_id: d.unit_id,
        procedure_code: d.procedure_code.clone(),
        month: month_of(w.at),
        channel: d.channel.clone(),
    };
    bump(db, &txn, &key, &w.counters).await?;
    txn.commit().await?;
    Ok(d)
}

/// Record the applicant's rating (once, after the result; Decision 766 group 5).
pub async fn rate(
    db: &Db,
    ctx: &AuditCtx,
    dossier_id: Uuid,
    rating: i16,
    note: &str,
) -> Result<dossier::Model> {
    use dossier::Column as C;
    let txn = db.begin_write().await?;
    let res = dossier::Entity::update_many()
        .col_expr(C::Rating, Expr::value(rating))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(dossier_id))
        .filter(C::Rating.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::AlreadyRated);
    }
    let d = dossier::Entity::find_by_id(dossier_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "dossier.rate",
            object_type: "dossier",
            object_id: d.code.clone(),
            before: Json::Null,
            after: json!({ "rating": rating, "note_len": note.chars().count() }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(d)
}
