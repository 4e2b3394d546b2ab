//! Filing: the applicant and the dossier as recorded, idempotency, the daily sequence and the one
//! transaction that writes the row, its first event, uploads, audit, outbox and counters.

use super::*;

/// The applicant as filed: personal data (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15).
/// `Debug` shows the kind only.
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

pub(super) fn replay(existing: dossier::Model, request_hash: &str) -> Filed {
    if existing.request_hash.as_deref() == Some(request_hash) {
        Filed::Replayed(Box::new(existing))
    } else {
        Filed::KeyReused
    }
}

/// The next number of the agency's daily sequence, in the caller's transaction: a filing that
/// rolls back gives its number back, so numbers have no gaps and no duplicates. On PostgreSQL the
/// upsert locks the day's row until commit; on SQLite the IMMEDIATE transaction holds the lock.
pub(super) async fn next_sequence(
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
pub(super) async fn file_once(db: &Db, ctx: &AuditCtx, new: &NewDossier) -> Result<dossier::Model> {
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

pub(super) async fn file_in(
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
        .ok_or_else(|| {
            StoreError::Conflict("dossier_sequence: the day's numbers are used up".into())
        })?
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
    let channel =
        motcua_domain::catalog::procedure::Channel::parse(&new.channel).ok_or_else(|| {
            StoreError::Conflict(format!("dossier.channel: unknown channel {}", new.channel))
        })?;
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
pub(super) async fn insert_event(
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
