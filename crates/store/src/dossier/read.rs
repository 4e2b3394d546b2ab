//! Reading: a dossier by code, the public look-up, its events, the work queue and the export.

use super::*;

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

pub(super) fn queue_filter(q: &QueueQuery) -> sea_orm::Select<dossier::Entity> {
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
