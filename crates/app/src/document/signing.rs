//! Typesetting an issued document in the Annex I layout and signing it (Decree 30/2020/NĐ-CP
//! art. 8, 14–19, Annex I), and the state of the signatures of a file that arrived.

use super::Document;
use crate::{Actor, App, OrgSnapshot};
use motcua_domain::document::{DocType, Secrecy, Urgency};
use motcua_store::document as store;
use serde_json::{Value, json};

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
    app: &App,
    actor: &Actor,
    d: &Document,
) -> Result<Option<Document>, String> {
    if d.content.is_none() || d.number.is_none() {
        return Ok(None);
    }
    let org = app.org().await.map_err(|e| e.to_string())?;
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
    let organ = org.agency(d.agency_id).map(|a| a.organ_id.clone());
    let (person, organisation) = app
        .signing
        .pair(&app.db, actor.account_id, organ.as_deref())
        .await
        .map_err(unavailable)?;
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
    let file_name = super::pdf_name(d);
    let signed = store::attach_pdf(
        &app.db,
        &actor.audit_ctx(),
        d.id,
        motcua_store::dossier::NewUpload {
            agency_id: d.agency_id,
            owner_id: Some(actor.account_id),
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
