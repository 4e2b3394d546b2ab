//! Official documents between the API, the pages and the exchange: typesetting an issued document
//! in the Annex I layout and signing it (Decree 30/2020/NĐ-CP art. 8, 14–19, Annex I), the state of
//! the signatures of a received file, and the live indicators T7.1 and T7.2 of the 2021 plan.

use crate::auth::Caller;
use crate::state::{AppState, OrgSnapshot};
use motcua_domain::document::{DocType, Secrecy, Urgency};
use motcua_store::document::{self as store, Document};
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

/// The Annex I data of an issued document.
fn annex_data(org: &OrgSnapshot, d: &Document) -> Value {
    let agency = org.agency(d.agency_id).map_or("", |a| a.name.as_str());
    let at = d
        .issued_at
        .unwrap_or(d.created_at)
        .with_timezone(&motcua_domain::time::VN_OFFSET);
    let paragraphs: Vec<String> = d
        .content
        .as_deref()
        .unwrap_or_default()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let recipients: Vec<Value> = d
        .recipients
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(|n| json!({"name": n})))
        .collect();
    let drafting_unit = d
        .drafting_unit_id
        .and_then(|u| org.unit_by_id(u))
        .map(|u| u.code.clone())
        .unwrap_or_default();
    json!({
        "parent": "",
        "agency": agency,
        "number_text": motcua_domain::document::number_text(i64::from(d.number.unwrap_or_default())),
        "notation": d.notation,
        "code": d.code.clone().unwrap_or_default(),
        "is_letter": d.doc_type == "cong_van",
        "type_name": DocType::parse(&d.doc_type).map_or("", |t| t.name),
        "subject": d.subject,
        "urgency": Urgency::parse(&d.urgency).filter(|u| *u != Urgency::Normal).map_or("", Urgency::label_vi),
        "secrecy": Secrecy::parse(&d.secrecy).filter(|s| *s != Secrecy::None).map_or("", Secrecy::label_vi),
        "place": "Hà Nội",
        "date_words": at.format("ngày %d tháng %m năm %Y").to_string(),
        "paragraphs": paragraphs,
        "recipients": recipients,
        "drafting_unit": drafting_unit,
        "authority_mark": d.authority_mark,
        "on_behalf_of": d.on_behalf_of.clone().unwrap_or_default(),
        "position": d.signer_position,
        "signer": d.signer_name,
    })
}

/// Typesets an issued outgoing document that has drafted content and signs it: the caller's
/// personal certificate with the signature image between position and name, then the agency's
/// with the seal (Annex I §II.6); stores the PDF with the state of its signatures. `Ok(None)` when
/// there is no drafted content (a paper document, or one whose PDF comes from elsewhere);
/// `Err` with the reason, in Vietnamese, when it could not be typeset or signed.
pub async fn render_and_sign(
    state: &AppState,
    caller: &Caller,
    d: &Document,
) -> Result<Option<Document>, String> {
    if d.content.is_none() || d.number.is_none() {
        return Ok(None);
    }
    let org = state.org().await.map_err(|e| e.to_string())?;
    let data = annex_data(&org, d);
    let rendered = tokio::task::spawn_blocking(move || motcua_forms::official::render(&data))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| {
            tracing::error!(error = %e, "official document typesetting failed");
            "không dàn trang được văn bản (lỗi hệ thống, đã ghi nhật ký)".to_owned()
        })?;
    let unavailable = |e: anyhow::Error| {
        tracing::error!(error = %e, "signing keys unavailable");
        "không dùng được chứng thư số để ký; báo quản trị hệ thống".to_owned()
    };
    let person = state
        .signing
        .of_account(&state.db, caller.user.id)
        .await
        .map_err(unavailable)?;
    let organ = org.agency(d.agency_id).map(|a| a.organ_id.clone());
    let organisation = match &organ {
        Some(o) => state
            .signing
            .of_organ(&state.db, o)
            .await
            .map_err(unavailable)?,
        None => None,
    };
    let signature_state = match (&person, &organisation) {
        (Some(_), Some(_)) => "valid",
        (None, None) => "none",
        // One of the two signatures Decree 30/2020 art. 3 asks for is missing.
        _ => "partial",
    };
    let at = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let reason = format!(
        "Ký ban hành văn bản {}",
        d.code.as_deref().unwrap_or_default()
    );
    let pdf = crate::signing::sign_in_slot(
        &rendered.pdf,
        person.as_deref(),
        organisation.as_deref(),
        &reason,
        at,
        rendered.signature_page,
        rendered.signature_rect,
    )
    .map_err(|e| e.to_string())?;
    let file_name = crate::api::document::pdf_name(d);
    let signed = store::attach_pdf(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        d.id,
        motcua_store::dossier::NewUpload {
            agency_id: d.agency_id,
            owner_id: Some(caller.user.id),
            file_name,
            content_type: "application/pdf".into(),
            content: pdf,
        },
        signature_state,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(Some(signed))
}

/// The state of the signatures of a file that arrived: `valid` when it carries signatures that
/// are all intact and chain to our trusted roots, `untrusted` when they are intact but some chain
/// elsewhere (another installation's PKI not yet added to ours), `none` without any, `invalid`
/// when one is broken (such a package is refused).
pub fn signature_state(report: &motcua_sign::VerifyReport) -> &'static str {
    if report.signatures.is_empty() {
        "none"
    } else if !report.signatures.iter().all(|s| s.intact) {
        "invalid"
    } else if report.signatures.iter().all(|s| s.trusted) {
        "valid"
    } else {
        "untrusted"
    }
}

/// The ministry's units that T7.2 counts: the agency's top-level units (Văn phòng, Vụ, Cục, …;
/// those without a parent). A document belongs to the one above the unit that drafted or
/// handles it.
fn top_units(org: &OrgSnapshot, agency_id: Uuid) -> Vec<(Uuid, String)> {
    org.units
        .iter()
        .filter(|u| u.agency_id == agency_id && u.parent_id.is_none())
        .map(|u| (u.id, u.name.clone()))
        .collect()
}

fn top_of(org: &OrgSnapshot, tops: &HashSet<Uuid>, mut unit: Uuid) -> Option<Uuid> {
    for _ in 0..32 {
        if tops.contains(&unit) {
            return Some(unit);
        }
        unit = org.unit_by_id(unit)?.parent_id?;
    }
    None
}

/// Targets T7.1 and T7.2 of the 2021 plan for a year, live from the registers:
/// - T7.1 = documents handled electronically / all registered documents, outgoing and incoming
///   (paper ones are registered too); goal ≥ 90%;
/// - T7.2 = units that both sent a document carrying valid digital signatures (person and
///   organisation) and received one with intact digital signatures / all units; goal 100%.
pub async fn indicators(state: &AppState, agency_id: Uuid, year: i32) -> anyhow::Result<Value> {
    let org = state.org().await?;
    let outgoing = store::register(state.db.conn(), agency_id, "out", year).await?;
    let incoming = store::register(state.db.conn(), agency_id, "in", year).await?;
    let total = outgoing.len() + incoming.len();
    let electronic = outgoing
        .iter()
        .chain(incoming.iter())
        .filter(|d| d.electronic)
        .count();
    let units = top_units(&org, agency_id);
    let tops: HashSet<Uuid> = units.iter().map(|(id, _)| *id).collect();
    let sent: HashSet<Uuid> = outgoing
        .iter()
        .filter(|d| d.signature_state.as_deref() == Some("valid"))
        .filter_map(|d| d.drafting_unit_id.and_then(|u| top_of(&org, &tops, u)))
        .collect();
    let received: HashSet<Uuid> = incoming
        .iter()
        .filter(|d| matches!(d.signature_state.as_deref(), Some("valid" | "untrusted")))
        .filter_map(|d| d.handling_unit_id.and_then(|u| top_of(&org, &tops, u)))
        .collect();
    let per_unit: Vec<Value> = units
        .iter()
        .map(|(id, name)| {
            json!({"unit_id": id, "name": name, "sent_signed": sent.contains(id), "received_signed": received.contains(id)})
        })
        .collect();
    let both = units
        .iter()
        .filter(|(id, _)| sent.contains(id) && received.contains(id))
        .count();
    let ratio = |n: usize, d: usize| {
        if d == 0 {
            Value::Null
        } else {
            json!((n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
        }
    };
    Ok(json!({
        "year": year,
        "t7_1": {"electronic": electronic, "total": total, "ratio": ratio(electronic, total), "goal": 0.9},
        "t7_2": {"units_signing": both, "units": units.len(), "ratio": ratio(both, units.len()), "goal": 1.0, "per_unit": per_unit},
    }))
}

/// One handling step of an incoming document, checked (who may take it, the leader, the unit,
/// the due date) and stored with the status for the sender queued (Decree 30/2020/NĐ-CP art. 24;
/// QCVN 102:2016 statuses 04–06).
pub async fn handle(
    state: &AppState,
    caller: &Caller,
    d: &Document,
    req: &crate::api::document::HandlingRequest,
) -> crate::error::ApiResult<Document> {
    use crate::error::{ApiError, FieldError};
    use motcua_domain::account::Role;
    use motcua_domain::document::HandlingStep;
    let Some(step) = HandlingStep::parse(req.step.trim()) else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "step",
            "bước xử lý: present, assign, start hoặc complete",
        )]));
    };
    let org = state.org().await?;
    let mut errors = Vec::new();
    let note = req
        .note
        .as_deref()
        .map(|n| motcua_domain::catalog::fold::nfc(n.trim()))
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2_000) {
        errors.push(FieldError::new("note", "ý kiến tối đa 2.000 ký tự"));
    }
    let mut change = store::HandlingChange {
        step,
        leader_id: None,
        unit_id: None,
        due_date: None,
        note,
    };
    match step {
        HandlingStep::Present => {
            // The office (văn thư) presents what it registered.
            if caller.role != Role::Admin {
                return Err(ApiError::Forbidden);
            }
            match req.leader_id {
                None => errors.push(FieldError::new("leader_id", "chọn lãnh đạo để trình")),
                Some(id) => {
                    let leader = motcua_store::account::find(state.db.conn(), id).await?;
                    let ok = leader.as_ref().is_some_and(|l| {
                        l.active
                            && l.agency_id == d.agency_id
                            && matches!(Role::parse(&l.role), Ok(Role::UnitLeader | Role::Admin))
                    });
                    if ok {
                        change.leader_id = Some(id);
                    } else {
                        errors.push(FieldError::new(
                            "leader_id",
                            "người nhận trình phải là lãnh đạo của cơ quan",
                        ));
                    }
                }
            }
        }
        HandlingStep::Assign => {
            // The leader it was presented to, or the office on the leader's instruction.
            let leader = caller.role == Role::UnitLeader
                && (d.leader_id == Some(caller.user.id) || d.handling_unit_id.is_some());
            if !(leader || caller.role == Role::Admin) {
                return Err(ApiError::Forbidden);
            }
            let unit = req
                .unit
                .as_deref()
                .and_then(|u| org.unit(u.trim()))
                .filter(|u| u.agency_id == d.agency_id);
            match unit {
                None => errors.push(FieldError::new("unit", "chọn đơn vị xử lý của cơ quan")),
                Some(u) => {
                    if caller.role == Role::UnitLeader
                        && !org.subtree(caller.user.unit_id).contains(&u.id)
                    {
                        errors.push(FieldError::new(
                            "unit",
                            "chỉ giao được cho đơn vị thuộc quyền quản lý",
                        ));
                    } else {
                        change.unit_id = Some(u.id);
                    }
                }
            }
            let today = chrono::Utc::now()
                .with_timezone(&motcua_domain::time::VN_OFFSET)
                .date_naive();
            match req
                .due_date
                .as_deref()
                .map(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
            {
                Some(Ok(due)) if due >= today => change.due_date = Some(due),
                Some(Ok(_)) => errors.push(FieldError::new(
                    "due_date",
                    "hạn xử lý không được trước ngày hôm nay",
                )),
                Some(Err(_)) => errors.push(FieldError::new(
                    "due_date",
                    "hạn xử lý theo dạng YYYY-MM-DD",
                )),
                None => errors.push(FieldError::new("due_date", "hạn xử lý bắt buộc")),
            }
        }
        HandlingStep::Start | HandlingStep::Complete => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    // The sender is told (04, 05, 06) when it is an exchange partner.
    let mut report = None;
    if let (Some(code), Some(sender), Some(external_id)) = (
        step.status_code(),
        d.sender_organ_id.as_deref(),
        d.external_id.as_deref(),
    ) && motcua_store::exchange::partner(state.db.conn(), sender)
        .await?
        .is_some()
        && let Some(ours) = org.agency(d.agency_id)
    {
        let status = motcua_edxml::StatusCode::parse(code)
            .ok_or(ApiError::Internal(anyhow::anyhow!("unknown status {code}")))?;
        let label = motcua_domain::document::handling_label_vi(step.target());
        let message = crate::api::exchange::status_about(
            ours,
            external_id,
            sender,
            d.code.as_deref().unwrap_or_default(),
            status,
            label,
        );
        let xml = String::from_utf8(message.to_xml())
            .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
        report = Some((sender.to_owned(), xml));
    }
    let updated = store::handle_incoming(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        d.id,
        req.version,
        change,
        report.clone(),
    )
    .await
    .map_err(says)?;
    if report.is_some()
        && let Err(e) = crate::notify::deliver_due(state).await
    {
        tracing::warn!(error = %e, "exchange delivery round failed; the notifier retries");
    }
    Ok(updated)
}

/// A document store error for the API, keeping the Vietnamese reason of a refused step (the
/// store's conflicts on documents are written for the user: wrong step, stale version).
pub fn says(e: motcua_store::StoreError) -> crate::error::ApiError {
    match e {
        motcua_store::StoreError::Conflict(why) => crate::error::ApiError::Conflict(why),
        e => e.into(),
    }
}
