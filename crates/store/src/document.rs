//! Official documents: drafts, issuing with a number from the yearly series, the registers.
//!
//! Issuing takes the next number of the document's series (agency, year, series) with
//! `INSERT … ON CONFLICT DO UPDATE … RETURNING` inside the issuing transaction: the row stays locked
//! until commit and a rollback gives the number back, so numbers are never skipped or reused, also
//! when many clerks issue at once (Decree 30/2020/NĐ-CP art. 15; Annex I §II.3).

use crate::audit::{self, AuditCtx, Change};
use crate::db::{Backend, Db};
use crate::entity::official_document;
use crate::error::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::document::HandlingStep;
use motcua_domain::time::VN_OFFSET;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set, Statement,
};
use serde_json::{Value as Json, json};
use uuid::Uuid;

pub use crate::exchange::{EDXML_TOPIC, ExchangePayload};
pub use official_document::Model as Document;

/// A draft (or a paper document registered as it is).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub agency_id: Uuid,
    pub direction: &'static str,
    pub doc_type: String,
    pub series: String,
    pub notation: String,
    pub subject: String,
    pub urgency: String,
    pub secrecy: String,
    pub drafting_unit_id: Option<Uuid>,
    pub signer_name: String,
    pub signer_position: String,
    pub authority_mark: String,
    pub recipients: Json,
    pub electronic: bool,
    pub pdf_upload_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    /// Content drafted in motcua (outgoing), rendered to the Annex I layout when issued.
    pub content: Option<String>,
    /// For an incoming electronic document: the state of its signatures when it arrived.
    pub signature_state: Option<String>,
    /// With KT., TM., TL., TUQ.: the position or collective signed for.
    pub on_behalf_of: Option<String>,
}

/// Stores a draft; audited.
pub async fn create_draft(db: &Db, ctx: &AuditCtx, new: NewDocument) -> Result<Document> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = db.begin_write().await?;
    let model = official_document::ActiveModel {
        id: Set(id),
        agency_id: Set(new.agency_id),
        direction: Set(new.direction.to_owned()),
        status: Set("draft".to_owned()),
        doc_type: Set(new.doc_type.clone()),
        series: Set(new.series.clone()),
        year: Set(None),
        number: Set(None),
        notation: Set(new.notation.clone()),
        code: Set(None),
        subject: Set(new.subject.clone()),
        urgency: Set(new.urgency.clone()),
        secrecy: Set(new.secrecy.clone()),
        drafting_unit_id: Set(new.drafting_unit_id),
        signer_name: Set(new.signer_name.clone()),
        signer_position: Set(new.signer_position.clone()),
        authority_mark: Set(new.authority_mark.clone()),
        recipients: Set(new.recipients.clone()),
        electronic: Set(new.electronic),
        pdf_upload_id: Set(new.pdf_upload_id),
        issued_at: Set(None),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        external_id: Set(None),
        sender_organ_id: Set(None),
        exchange_status: Set(None),
        exchange_note: Set(None),
        handling_status: Set(None),
        leader_id: Set(None),
        handling_unit_id: Set(None),
        due_date: Set(None),
        handling_note: Set(None),
        completed_at: Set(None),
        signature_state: Set(None),
        content: Set(new.content.clone()),
        on_behalf_of: Set(new.on_behalf_of.clone()),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.drafted",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"doc_type": new.doc_type, "subject": new.subject, "direction": new.direction}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

async fn next_number(
    db: &Db,
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    year: i32,
    series: &str,
) -> Result<i32> {
    let sql = match db.backend() {
        Backend::Postgres => {
            "INSERT INTO document_series (agency_id, year, series, last) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (agency_id, year, series) DO UPDATE SET last = document_series.last + 1 \
             RETURNING last"
        }
        Backend::Sqlite => {
            "INSERT INTO document_series (agency_id, year, series, last) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (agency_id, year, series) DO UPDATE SET last = document_series.last + 1 \
             RETURNING last"
        }
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            [agency_id.into(), year.into(), series.to_owned().into()],
        ))
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get("", "last")?)
}

/// Issues a draft: the next number of its series in the calendar year of `at` (Vietnam time), the
/// printed code, the time; audited. `expected_version` guards against a concurrent change.
pub async fn issue(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    expected_version: i64,
    at: DateTime<Utc>,
) -> Result<Document> {
    let txn = db.begin_write().await?;
    let doc = official_document::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if doc.status != "draft" {
        return Err(StoreError::WrongState);
    }
    if doc.version != expected_version {
        return Err(StoreError::Stale);
    }
    let year = at.with_timezone(&VN_OFFSET).year();
    let number = next_number(db, &txn, doc.agency_id, year, &doc.series).await?;
    let code = motcua_domain::document::code(i64::from(number), &doc.notation);
    let mut a = doc.into_active_model();
    a.status = Set("issued".to_owned());
    a.year = Set(Some(year));
    a.number = Set(Some(number));
    a.code = Set(Some(code.clone()));
    a.issued_at = Set(Some(at));
    a.updated_at = Set(Utc::now());
    a.version = Set(expected_version + 1);
    let updated = a.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.issued",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!({"status": "draft"}),
            after: json!({"status": "issued", "code": code, "year": year, "series": updated.series}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Document> {
    official_document::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The register of a year (Annex IV): issued documents by series and number, in order.
pub async fn register(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    direction: &str,
    year: i32,
) -> Result<Vec<Document>> {
    Ok(official_document::Entity::find()
        .filter(official_document::Column::AgencyId.eq(agency_id))
        .filter(official_document::Column::Direction.eq(direction))
        .filter(official_document::Column::Year.eq(year))
        .order_by_asc(official_document::Column::Series)
        .order_by_asc(official_document::Column::Number)
        .all(conn)
        .await?)
}

/// Drafts not yet issued, oldest first.
pub async fn drafts(conn: &impl ConnectionTrait, agency_id: Uuid) -> Result<Vec<Document>> {
    Ok(official_document::Entity::find()
        .filter(official_document::Column::AgencyId.eq(agency_id))
        .filter(official_document::Column::Status.eq("draft"))
        .order_by_asc(official_document::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// An incoming document from the exchange: registered with the next arrival number of the year
/// (series `den`, Decree 30/2020 art. 22), or the one already registered under the same DocumentId
/// (`false`: nothing new written).
#[allow(clippy::too_many_arguments)]
pub async fn register_incoming(
    db: &Db,
    ctx: &AuditCtx,
    agency_id: Uuid,
    external_id: &str,
    sender_organ_id: &str,
    new: NewDocument,
    code: &str,
    at: DateTime<Utc>,
    pdf: Option<crate::dossier::NewUpload>,
) -> Result<(Document, bool)> {
    if let Some(found) = by_external(db.conn(), agency_id, "in", external_id).await? {
        return Ok((found, false));
    }
    let txn = db.begin_write().await?;
    let year = at.with_timezone(&VN_OFFSET).year();
    let number = next_number(db, &txn, agency_id, year, "den").await?;
    let pdf_upload_id = match pdf {
        Some(u) => Some(crate::dossier::insert_upload(db, &txn, ctx, u).await?.id),
        None => None,
    };
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = official_document::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        direction: Set("in".to_owned()),
        status: Set("registered".to_owned()),
        doc_type: Set(new.doc_type.clone()),
        series: Set("den".to_owned()),
        year: Set(Some(year)),
        number: Set(Some(number)),
        notation: Set(new.notation.clone()),
        code: Set(Some(code.to_owned())),
        subject: Set(new.subject.clone()),
        urgency: Set(new.urgency.clone()),
        secrecy: Set(new.secrecy.clone()),
        drafting_unit_id: Set(None),
        signer_name: Set(new.signer_name.clone()),
        signer_position: Set(new.signer_position.clone()),
        authority_mark: Set(new.authority_mark.clone()),
        recipients: Set(new.recipients.clone()),
        electronic: Set(true),
        pdf_upload_id: Set(pdf_upload_id),
        issued_at: Set(Some(at)),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        external_id: Set(Some(external_id.to_owned())),
        sender_organ_id: Set(Some(sender_organ_id.to_owned())),
        exchange_status: Set(Some("03".to_owned())),
        exchange_note: Set(None),
        handling_status: Set(Some("registered".to_owned())),
        leader_id: Set(None),
        handling_unit_id: Set(None),
        due_date: Set(None),
        handling_note: Set(None),
        completed_at: Set(None),
        signature_state: Set(new.signature_state.clone()),
        content: Set(None),
        on_behalf_of: Set(new.on_behalf_of.clone()),
    }
    .insert(&txn)
    .await;
    let model = match model {
        Ok(m) => m,
        // The same DocumentId arriving twice at once: the unique index keeps one.
        Err(e) => {
            drop(txn);
            if let Some(found) = by_external(db.conn(), agency_id, "in", external_id).await? {
                return Ok((found, false));
            }
            return Err(e.into());
        }
    };
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.received",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"external_id": external_id, "sender": sender_organ_id, "arrival_number": number, "year": year}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((model, true))
}

/// A document by its exchange id.
pub async fn by_external(
    conn: &impl ConnectionTrait,
    agency_id: Uuid,
    direction: &str,
    external_id: &str,
) -> Result<Option<Document>> {
    Ok(official_document::Entity::find()
        .filter(official_document::Column::AgencyId.eq(agency_id))
        .filter(official_document::Column::Direction.eq(direction))
        .filter(official_document::Column::ExternalId.eq(external_id))
        .one(conn)
        .await?)
}

/// Records an exchange status (and, for an outgoing document, its exchange id); audited.
pub async fn set_exchange(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    external_id: Option<&str>,
    status: &str,
    note: &str,
) -> Result<Document> {
    let txn = db.begin_write().await?;
    let doc = official_document::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = doc.exchange_status.clone();
    let direction = doc.direction.clone();
    let mut a = doc.into_active_model();
    if let Some(x) = external_id {
        a.external_id = Set(Some(x.to_owned()));
    }
    // A recall agreed by the recipient (art. 23): the incoming document leaves the work lists.
    if status == "14" && direction == "in" {
        a.handling_status = Set(Some("recalled".to_owned()));
    }
    a.exchange_status = Set(Some(status.to_owned()));
    a.exchange_note = Set(Some(note.chars().take(500).collect()));
    a.updated_at = Set(Utc::now());
    let updated = a.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.exchange_status",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!({"exchange_status": before}),
            after: json!({"exchange_status": status, "external_id": updated.external_id}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Queues an edXML package for a partner in the outbox, in the same transaction as marking the
/// document `queued` with its DocumentId; the notifier delivers it (at least once, with back-off)
/// and records the partner's answer. Audited.
pub async fn queue_send(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    external_id: &str,
    organ_id: &str,
    package_xml: String,
) -> Result<Document> {
    let txn = db.begin_write().await?;
    let doc = official_document::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let agency_id = doc.agency_id;
    let mut a = doc.into_active_model();
    a.external_id = Set(Some(external_id.to_owned()));
    a.exchange_status = Set(Some("queued".to_owned()));
    a.updated_at = Set(Utc::now());
    let updated = a.update(&txn).await?;
    crate::exchange::enqueue(
        &txn,
        agency_id,
        &ExchangePayload {
            document_id: id,
            organ_id: organ_id.to_owned(),
            package: package_xml,
            status_only: false,
        },
    )
    .await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.queued_for_exchange",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"external_id": external_id, "to": organ_id}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Queues a message of `topic` (not about a dossier) in the outbox, inside the caller's
/// transaction; the notifier delivers it.
pub(crate) async fn queue_message(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    topic: &str,
    payload: Json,
) -> Result<()> {
    let now = Utc::now();
    crate::entity::outbox::Entity::insert(crate::entity::outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        agency_id: Set(agency_id),
        topic: Set(topic.to_owned()),
        dossier_id: Set(None),
        payload: Set(payload.to_string()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        delivered_at: Set(None),
        last_error: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// A step in handling an incoming document, as the caller asked for it.
#[derive(Debug, Clone)]
pub struct HandlingChange {
    pub step: HandlingStep,
    /// Present: the leader it goes to.
    pub leader_id: Option<Uuid>,
    /// Assign: the unit and the due date.
    pub unit_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
    /// The leader's instruction or the unit's report.
    pub note: Option<String>,
}

/// Takes an incoming document one step further (Decree 30/2020/NĐ-CP art. 24), checked against
/// its handling status and the version the caller saw; the status for the sender (04–06, an edXML
/// status message built by the caller) is queued in the outbox in the same transaction. Audited.
pub async fn handle_incoming(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    expected_version: i64,
    change: HandlingChange,
    report: Option<(String, String)>,
) -> Result<Document> {
    let txn = db.begin_write().await?;
    let doc = official_document::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if doc.direction != "in" {
        return Err(StoreError::NotFound);
    }
    let from = doc.handling_status.clone().unwrap_or_default();
    change.step.allowed_from(&from).map_err(StoreError::Rule)?;
    if doc.version != expected_version {
        return Err(StoreError::Stale);
    }
    let agency_id = doc.agency_id;
    let now = Utc::now();
    let mut a = doc.into_active_model();
    a.handling_status = Set(Some(change.step.target().to_owned()));
    match change.step {
        HandlingStep::Present => a.leader_id = Set(change.leader_id),
        HandlingStep::Assign => {
            a.handling_unit_id = Set(change.unit_id);
            a.due_date = Set(change.due_date);
        }
        HandlingStep::Start => {}
        HandlingStep::Complete => a.completed_at = Set(Some(now)),
    }
    if let Some(n) = &change.note {
        a.handling_note = Set(Some(n.clone()));
    }
    if let Some(code) = change.step.status_code() {
        a.exchange_status = Set(Some(code.to_owned()));
    }
    a.updated_at = Set(now);
    a.version = Set(expected_version + 1);
    let updated = a.update(&txn).await?;
    if let Some((organ_id, xml)) = report {
        crate::exchange::enqueue(
            &txn,
            agency_id,
            &ExchangePayload {
                document_id: id,
                organ_id,
                package: xml,
                status_only: true,
            },
        )
        .await?;
    }
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.handling",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!({"handling_status": from}),
            after: json!({
                "handling_status": updated.handling_status, "leader_id": updated.leader_id,
                "handling_unit_id": updated.handling_unit_id, "due_date": updated.due_date,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Stores the rendered and signed PDF of an issued document with the state of its signatures, in
/// one transaction; audited.
pub async fn attach_pdf(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    pdf: crate::dossier::NewUpload,
    signature_state: &str,
) -> Result<Document> {
    let txn = db.begin_write().await?;
    let doc = official_document::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let upload = crate::dossier::insert_upload(db, &txn, ctx, pdf).await?;
    let version = doc.version;
    let mut a = doc.into_active_model();
    a.pdf_upload_id = Set(Some(upload.id));
    a.signature_state = Set(Some(signature_state.to_owned()));
    a.updated_at = Set(Utc::now());
    a.version = Set(version + 1);
    let updated = a.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "document.pdf_attached",
            object_type: "official_document",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({"upload_id": upload.id, "sha256": upload.sha256, "signature_state": signature_state}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
