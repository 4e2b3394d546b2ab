//! Exchanging documents with other installations as edXML (QCVN 102:2016; Decree 30/2020/NĐ-CP
//! art. 16 sending, art. 20–22 receiving and acknowledging, art. 23 recall, art. 24 handling).
//!
//! - [`receive`] (`POST /api/v1/edxml/inbox`): a partner installation delivers a package or a status message,
//!   authenticated by the bearer token agreed with it; the sender named in the package must be that
//!   partner. Signed PDF attachments are verified on arrival: one whose signature is broken gets the
//!   package refused (02, with the reason). A package addressed to one of our agencies is
//!   registered with the next arrival number, its first PDF kept with the state of its signatures
//!   (once per DocumentId: a repeated delivery is answered the same, nothing new is written) and
//!   answered with status 03; a misaddressed or unreadable one with 02 and the reason (the HTTP
//!   exchange itself succeeded: 200 with the status message). A recall request (13) is agreed
//!   (14): the document is marked recalled, as art. 23 asks of the recipient. Statuses 04–06 from a
//!   recipient are recorded on the document we sent.
//! - [`send`] (`POST /api/v1/documents/{id}/send`): an issued document, with its signed PDF, goes to a
//!   partner's inbox through the outbox (queued with the document's status in one transaction,
//!   tried at once, retried by the notifier with back-off); the partner's answer (03, or 02 with the
//!   reason) is recorded on the document.
//! - [`recall`] (`POST /api/v1/documents/{id}/recall`): asks the partner to recall (13), directly (the answer,
//!   14 or 15, is needed at once); records its answer.
//!
//! The HTTP client has no TLS feature (reqwest with rustls would pull aws-lc-rs into the build):
//! partners are reached through a TLS-terminating proxy or on a private network.

use super::Document;
use crate::{Actor, App, Error, OrgSnapshot, Problem, Result};
use chrono::Utc;
use motcua_domain::access::Scope;
use motcua_edxml::{
    Code, Kind, MessageHeader, Organ, Package, Priority, StatusCode as Status, StatusMessage,
};
use motcua_store::AuditCtx;
use motcua_store::document::{self as docs, ExchangePayload};
use motcua_store::exchange::{self as partners, Partner};
use uuid::Uuid;

fn our_organ(a: &motcua_store::entity::agency::Model) -> Organ {
    Organ {
        organ_id: a.organ_id.clone(),
        organ_name: a.name.clone(),
        ..Organ::default()
    }
}

/// A status message from one of our agencies about a document a partner sent or received.
pub fn status_about(
    from: &motcua_store::entity::agency::Model,
    document_id: &str,
    sender: &str,
    code: &str,
    status: Status,
    description: &str,
) -> StatusMessage {
    StatusMessage {
        response_for_organ_id: sender.to_owned(),
        response_for_code: code.to_owned(),
        response_for_date: None,
        response_for_document_id: document_id.to_owned(),
        from: our_organ(from),
        staff_department: "Văn thư".to_owned(),
        staff_name: String::new(),
        staff_email: String::new(),
        staff_mobile: String::new(),
        status,
        description: description.to_owned(),
        timestamp: Utc::now()
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .naive_local(),
    }
}

/// The audit context of what a partner's message changes: the agency, the partner, the request.
fn system_ctx(agency_id: Uuid, partner: &str, request_id: &str) -> AuditCtx {
    AuditCtx {
        agency_id: Some(agency_id),
        actor_role: format!("exchange:{partner}"),
        ..AuditCtx::system(request_id.to_owned())
    }
}

/// The exchange partner a bearer token belongs to, or `Unauthenticated` (asked before the body
/// is read).
pub async fn partner_of(app: &App, token: &str) -> Result<Partner> {
    partners::partner_by_token(app.db.conn(), token.trim())
        .await?
        .ok_or(Error::Unauthenticated)
}

/// Receives a package or a status message from `partner` ([`partner_of`]) and answers with the
/// status message to send back (edXML). `Forbidden` when the sender named inside is not that
/// partner, `Invalid` when it is not edXML.
pub async fn receive(
    app: &App,
    partner: &Partner,
    bytes: &[u8],
    request_id: &str,
) -> Result<Vec<u8>> {
    let partner = partner.clone();
    let org = app.org().await?;
    let Some(ours) = org.agencies.first().cloned() else {
        return Err(Error::NotFound);
    };
    let kind = motcua_edxml::kind_of(bytes)
        .map_err(|e| Error::Invalid(vec![Problem::new("edxml", e.to_string())]))?;
    if kind == Kind::Status {
        let s = StatusMessage::parse(bytes)
            .map_err(|e| Error::Invalid(vec![Problem::new("edxml", e.to_string())]))?;
        if s.from.organ_id != partner.organ_id {
            return Err(Error::Forbidden);
        }
        return status_arrived(app, &org, &partner, s, request_id).await;
    }
    let package = match Package::parse(bytes) {
        Ok(p) => p,
        Err(e) => {
            // Unreadable: refused with the reason, nothing registered (Decree 30/2020 art. 20.1).
            let id =
                motcua_edxml::document_id_of(bytes).unwrap_or_else(|| "không xác định".to_owned());
            let s = status_about(
                &ours,
                &id,
                &partner.organ_id,
                "",
                Status::Refused,
                &e.to_string(),
            );
            return Ok(s.to_xml());
        }
    };
    let h = &package.header;
    if h.from.organ_id != partner.organ_id {
        return Err(Error::Forbidden);
    }
    let code = format!("{}/{}", h.code.code_number, h.code.code_notation);
    let Some(addressee) = org
        .agencies
        .iter()
        .find(|a| h.to.iter().any(|t| t.organ_id == a.organ_id))
    else {
        let s = status_about(
            &ours,
            &h.document_id,
            &h.from.organ_id,
            &code,
            Status::Refused,
            "văn bản không gửi đến cơ quan nào của hệ thống này (gửi nhầm nơi nhận)",
        );
        return Ok(s.to_xml());
    };
    // Signed attachments are checked on arrival; one that is not intact is refused. The first PDF
    // is kept with the state of its signatures (T7.2 counts documents received signed).
    let mut kept: Option<(String, Vec<u8>, &'static str)> = None;
    for a in &package.attachments {
        if a.data.starts_with(b"%PDF-") {
            let state_of = match crate::signing::verify_pdf(&app.db, a.data.clone()).await {
                Ok(r) => super::signing::signature_state(&r),
                Err(_) => "invalid",
            };
            if state_of == "invalid" || state_of == "none" {
                let s = status_about(
                    addressee,
                    &h.document_id,
                    &h.from.organ_id,
                    &code,
                    Status::Refused,
                    &format!("tệp {} không có chữ ký số nguyên vẹn", a.name),
                );
                return Ok(s.to_xml());
            }
            if kept.is_none() {
                kept = Some((a.name.clone(), a.data.clone(), state_of));
            }
        }
    }
    let signature_state = kept.as_ref().map_or("none", |k| k.2);
    let new = docs::NewDocument {
        agency_id: addressee.id,
        direction: "in",
        doc_type: motcua_domain::document::DocType::all()
            .find(|t| t.name == h.type_name)
            .map_or_else(|| h.type_name.clone(), |t| t.code.to_owned()),
        series: "den".to_owned(),
        notation: h.code.code_notation.clone(),
        subject: h.subject.clone(),
        urgency: match h.priority {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
            Priority::VeryUrgent => "very_urgent",
            Priority::Flash | Priority::FlashTimed => "flash",
        }
        .to_owned(),
        secrecy: "none".to_owned(),
        drafting_unit_id: None,
        signer_name: h.signer_full_name.clone(),
        signer_position: h.signer_position.clone(),
        authority_mark: h.signer_competence.clone(),
        recipients: serde_json::json!([{"organ_id": h.from.organ_id, "name": h.from.organ_name}]),
        electronic: true,
        pdf_upload_id: None,
        created_by: None,
        content: None,
        signature_state: Some(signature_state.to_owned()),
        on_behalf_of: None,
    };
    let pdf = kept.map(|(name, data, _)| motcua_store::dossier::NewUpload {
        agency_id: addressee.id,
        owner_id: None,
        file_name: name,
        content_type: "application/pdf".to_owned(),
        content: data,
    });
    let (doc, _) = docs::register_incoming(
        &app.db,
        &system_ctx(addressee.id, &partner.organ_id, request_id),
        addressee.id,
        &h.document_id,
        &h.from.organ_id,
        new,
        &code,
        Utc::now(),
        pdf,
    )
    .await?;
    let s = status_about(
        addressee,
        &h.document_id,
        &h.from.organ_id,
        &code,
        Status::Accepted,
        &format!("Đã tiếp nhận, số đến {:02}", doc.number.unwrap_or_default()),
    );
    Ok(s.to_xml())
}

async fn status_arrived(
    app: &App,
    org: &OrgSnapshot,
    partner: &partners::Partner,
    s: StatusMessage,
    request_id: &str,
) -> Result<Vec<u8>> {
    for a in &org.agencies {
        match s.status {
            // The sender asks to recall a document it sent us: agreed, marked recalled (art. 23).
            Status::RecallRequested => {
                if let Some(d) =
                    docs::by_external(app.db.conn(), a.id, "in", &s.response_for_document_id)
                        .await?
                {
                    docs::set_exchange(
                        &app.db,
                        &system_ctx(a.id, &partner.organ_id, request_id),
                        d.id,
                        None,
                        Status::RecallAgreed.code(),
                        &s.description,
                    )
                    .await?;
                    let answer = status_about(
                        a,
                        &s.response_for_document_id,
                        &partner.organ_id,
                        &s.response_for_code,
                        Status::RecallAgreed,
                        "Đồng ý lấy lại; văn bản đã được thu hồi",
                    );
                    return Ok(answer.to_xml());
                }
            }
            // A recipient reports on a document we sent.
            _ => {
                if let Some(d) =
                    docs::by_external(app.db.conn(), a.id, "out", &s.response_for_document_id)
                        .await?
                {
                    docs::set_exchange(
                        &app.db,
                        &system_ctx(a.id, &partner.organ_id, request_id),
                        d.id,
                        None,
                        s.status.code(),
                        &s.description,
                    )
                    .await?;
                    let answer = status_about(
                        a,
                        &s.response_for_document_id,
                        &partner.organ_id,
                        &s.response_for_code,
                        Status::Arrived,
                        "Đã ghi nhận trạng thái",
                    );
                    return Ok(answer.to_xml());
                }
            }
        }
    }
    Err(Error::NotFound)
}

/// An outgoing document the actor may act on: of their agency and, for officers and leaders, of
/// their unit (the same rule as issuing it).
async fn outgoing(app: &App, actor: &Actor, scope: Scope, id: Uuid) -> Result<Document> {
    let d = super::find(app, actor, scope, id).await?;
    if d.direction != "out" {
        return Err(Error::NotFound);
    }
    Ok(d)
}

/// An exchange partner by OrganId, or a field error on `organ_id`.
async fn partner_named(app: &App, organ_id: &str) -> Result<partners::Partner> {
    partners::partner(app.db.conn(), organ_id.trim())
        .await?
        .ok_or_else(|| {
            Error::Invalid(vec![Problem::new(
                "organ_id",
                "cơ quan này chưa được kết nối liên thông",
            )])
        })
}

/// One HTTP client for every delivery (its connection pool is reused).
fn client() -> Result<&'static reqwest::Client> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    let c = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
    Ok(CLIENT.get_or_init(|| c))
}

/// Posts `body` to the partner's inbox and reads its status message; `Partner` with the reason
/// when it cannot be reached or answers something else.
async fn deliver(partner: &partners::Partner, body: Vec<u8>) -> Result<StatusMessage> {
    let client = client()?;
    let r = client
        .post(&partner.inbox_url)
        .bearer_auth(&partner.token)
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .map_err(|e| Error::Partner(format!("không gửi được đến {}: {e}", partner.name)))?;
    let http_status = r.status().as_u16();
    let bytes = r
        .bytes()
        .await
        .map_err(|e| Error::Partner(format!("{}: {e}", partner.name)))?;
    StatusMessage::parse(&bytes).map_err(|e| {
        Error::Partner(format!(
            "{} trả lời (HTTP {http_status}) không phải thông điệp trạng thái: {e}; {}",
            partner.name,
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        ))
    })
}

/// Sends an issued document to a partner agency as an edXML package through the outbox; the
/// document as it stands after one delivery attempt (the partner's answer recorded, or `queued`).
pub async fn send(
    app: &App,
    actor: &Actor,
    scope: Scope,
    id: Uuid,
    organ_id: &str,
) -> Result<Document> {
    let d = outgoing(app, actor, scope, id).await?;
    let (Some(number), Some(issued_at)) = (d.number, d.issued_at) else {
        return Err(Error::Refused(
            "văn bản chưa được ban hành (chưa có số)".into(),
        ));
    };
    let partner = partner_named(app, organ_id).await?;
    let org = app.org().await?;
    let ours = org.agency(d.agency_id).ok_or(Error::NotFound)?;
    let date = issued_at
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .date_naive();
    let code = Code {
        code_number: motcua_domain::document::number_text(i64::from(number)),
        code_notation: d.notation.clone(),
    };
    let document_id = motcua_edxml::document_id(&ours.organ_id, date, &code);
    // The signed PDF travels with the package (Decree 30/2020 art. 16: the original kept, the
    // signed electronic copy sent).
    let mut attachments = Vec::new();
    if let Some(upload) = d.pdf_upload_id {
        let f = motcua_store::dossier::upload_content(app.db.conn(), upload).await?;
        attachments.push(motcua_edxml::Attachment {
            content_id: format!("cid:{upload}"),
            content_type: "application/pdf".to_owned(),
            name: f.file_name,
            size: f.content.len(),
            data: f.content,
        });
    }
    let package = Package {
        header: MessageHeader {
            from: our_organ(ours),
            to: vec![Organ {
                organ_id: partner.organ_id.clone(),
                organ_name: partner.name.clone(),
                ..Organ::default()
            }],
            document_id: document_id.clone(),
            code,
            promulgation_date: Some(date),
            document_type: if d.series.starts_with("vbqppl:") {
                1
            } else {
                2
            },
            type_name: motcua_domain::document::DocType::parse(&d.doc_type)
                .map_or(d.doc_type.clone(), |t| t.name.to_owned()),
            subject: d.subject.clone(),
            signer_competence: d.authority_mark.clone(),
            signer_position: d.signer_position.clone(),
            signer_full_name: d.signer_name.clone(),
            priority: match d.urgency.as_str() {
                "urgent" => Priority::Urgent,
                "very_urgent" => Priority::VeryUrgent,
                "flash" => Priority::Flash,
                _ => Priority::Normal,
            },
            promulgation_amount: 1,
            ..MessageHeader::default()
        },
        trace: vec![],
        attachments,
    };
    let ctx = actor.audit_ctx();
    let xml_text =
        String::from_utf8(package.to_xml()).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
    docs::queue_send(
        &app.db,
        &ctx,
        d.id,
        &document_id,
        &partner.organ_id,
        xml_text,
    )
    .await?;
    // One attempt now; when the partner cannot be reached the notifier retries with back-off.
    if let Err(e) = crate::notify::deliver_due(app).await {
        tracing::warn!(error = %e, "exchange delivery round failed; the notifier retries");
    }
    Ok(docs::find(app.db.conn(), d.id).await?)
}

/// Delivers a queued package (the notifier calls this for outbox messages of the edXML topic) and
/// records the partner's answer on the document. An error is retried with back-off.
pub async fn deliver_queued(app: &App, payload: &ExchangePayload) -> Result<(), String> {
    let organ_id = payload.organ_id.as_str();
    let id = payload.document_id;
    let partner = partners::partner(app.db.conn(), organ_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no exchange partner {organ_id}"))?;
    let answer = deliver(&partner, payload.package.as_bytes().to_vec())
        .await
        .map_err(|e| match e {
            Error::Partner(why) => why,
            other => format!("{other:?}"),
        })?;
    if payload.status_only {
        // A handling status (04–06) we reported: the partner's acknowledgement is only logged.
        tracing::info!(document = %id, partner = %organ_id, answer = answer.status.code(), "edXML status delivered");
        return Ok(());
    }
    let d = docs::find(app.db.conn(), id)
        .await
        .map_err(|e| e.to_string())?;
    let ctx = system_ctx(d.agency_id, organ_id, "-");
    docs::set_exchange(
        &app.db,
        &ctx,
        id,
        None,
        answer.status.code(),
        &answer.description,
    )
    .await
    .map_err(|e| e.to_string())?;
    tracing::info!(document = %id, partner = %organ_id, status = answer.status.code(), "edXML delivered");
    Ok(())
}

/// Asks the partner to recall a document sent to it (status 13); records its answer (14 or 15).
pub async fn recall(
    app: &App,
    actor: &Actor,
    scope: Scope,
    id: Uuid,
    organ_id: &str,
) -> Result<Document> {
    let d = outgoing(app, actor, scope, id).await?;
    let Some(external_id) = d.external_id.clone() else {
        return Err(Error::Refused("văn bản chưa được gửi liên thông".into()));
    };
    let partner = partner_named(app, organ_id).await?;
    let org = app.org().await?;
    let ours = org.agency(d.agency_id).ok_or(Error::NotFound)?;
    let ask = status_about(
        ours,
        &external_id,
        &ours.organ_id,
        d.code.as_deref().unwrap_or_default(),
        Status::RecallRequested,
        "Đề nghị lấy lại văn bản",
    );
    let answer = deliver(&partner, ask.to_xml()).await?;
    let ctx = actor.audit_ctx();
    Ok(docs::set_exchange(
        &app.db,
        &ctx,
        d.id,
        None,
        answer.status.code(),
        &answer.description,
    )
    .await?)
}
