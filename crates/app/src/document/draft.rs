//! Drafting an outgoing document and issuing it with the next number of its series (Decree
//! 30/2020/NĐ-CP art. 15, Annex I §II.3; types and notations: Annex III).

use super::{Document, nfc, refusal, signing};
use crate::{Actor, App, Error, Problem, Result};
use motcua_domain::access::Scope;
use motcua_domain::document::{self as rules, AUTHORITY_MARKS, DocType, Secrecy, Urgency};
use motcua_store::document as store;
use serde_json::{Value, json};
use uuid::Uuid;

/// A recipient (nơi nhận): an agency by OrganId, or a unit or person by name.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub organ_id: String,
    pub name: String,
}

/// A new outgoing document as typed; [`draft`] checks every field.
#[derive(Debug, Clone)]
pub struct Draft {
    pub doc_type: String,
    pub subject: String,
    pub urgency: String,
    pub secrecy: String,
    pub signer_name: String,
    pub signer_position: String,
    pub authority_mark: String,
    pub on_behalf_of: String,
    pub recipients: Vec<Recipient>,
    pub electronic: bool,
    pub content: Option<String>,
}

/// Drafts an outgoing document for the actor's unit; the notation is formed now, the number when
/// it is issued. Every bad field is a [`Problem`] named as in the API's body.
pub async fn draft(app: &App, actor: &Actor, req: &Draft) -> Result<Document> {
    let mut errors = Vec::new();
    let doc_type = DocType::parse(&req.doc_type);
    if doc_type.is_none() {
        errors.push(Problem::new(
            "doc_type",
            "loại văn bản không có trong danh mục (Nghị định 30/2020, Phụ lục III)",
        ));
    }
    let subject = nfc(&req.subject);
    if subject.is_empty() || subject.chars().count() > 500 {
        errors.push(Problem::new(
            "subject",
            "trích yếu bắt buộc, tối đa 500 ký tự",
        ));
    }
    let urgency = Urgency::parse(&req.urgency);
    if urgency.is_none() {
        errors.push(Problem::new(
            "urgency",
            "độ khẩn: normal, urgent, very_urgent hoặc flash",
        ));
    }
    let secrecy = Secrecy::parse(&req.secrecy);
    if secrecy.is_none() {
        errors.push(Problem::new(
            "secrecy",
            "độ mật: none, mat, toi_mat hoặc tuyet_mat",
        ));
    }
    let signer_name = nfc(&req.signer_name);
    if signer_name.is_empty() || signer_name.chars().count() > 200 {
        errors.push(Problem::new("signer_name", "họ tên người ký bắt buộc"));
    }
    let mark = req.authority_mark.trim().to_owned();
    if !mark.is_empty() && !AUTHORITY_MARKS.contains(&mark.as_str()) {
        errors.push(Problem::new(
            "authority_mark",
            "thẩm quyền ký: TM., Q., KT., TL. hoặc TUQ.",
        ));
    }
    let on_behalf_of = nfc(&req.on_behalf_of);
    if on_behalf_of.chars().count() > 200 {
        errors.push(Problem::new("on_behalf_of", "tối đa 200 ký tự"));
    }
    if !on_behalf_of.is_empty() && !matches!(mark.as_str(), "KT." | "TM." | "TL." | "TUQ.") {
        errors.push(Problem::new(
            "on_behalf_of",
            "chỉ ghi khi ký thay (KT.), thay mặt (TM.), thừa lệnh (TL.) hoặc thừa ủy quyền (TUQ.)",
        ));
    }
    let mut recipients = Vec::new();
    for (i, r) in req.recipients.iter().enumerate() {
        let name = nfc(&r.name);
        if name.is_empty() {
            errors.push(Problem::new(
                format!("recipients[{i}].name"),
                "tên nơi nhận bắt buộc",
            ));
        }
        recipients.push(json!({"organ_id": r.organ_id.trim(), "name": name}));
    }
    let content = req.content.as_deref().map(nfc).filter(|c| !c.is_empty());
    if content.as_ref().is_some_and(|c| c.chars().count() > 50_000) {
        errors.push(Problem::new("content", "nội dung tối đa 50.000 ký tự"));
    }
    let (Some(doc_type), Some(urgency), Some(secrecy), true) =
        (doc_type, urgency, secrecy, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    let org = app.org().await?;
    let agency = org.agency(actor.agency_id).ok_or(Error::Forbidden)?;
    let unit = org
        .unit_by_id(actor.unit_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let new = store::NewDocument {
        agency_id: agency.id,
        direction: "out",
        doc_type: doc_type.code.to_owned(),
        series: rules::series(&doc_type, secrecy),
        notation: rules::notation(&doc_type, &agency.short_name, &unit),
        subject,
        urgency: urgency.code().to_owned(),
        secrecy: secrecy.code().to_owned(),
        drafting_unit_id: Some(actor.unit_id),
        signer_name,
        signer_position: nfc(&req.signer_position),
        authority_mark: mark,
        recipients: Value::Array(recipients),
        electronic: req.electronic,
        pdf_upload_id: None,
        created_by: Some(actor.account_id),
        content,
        signature_state: None,
        on_behalf_of: (!on_behalf_of.is_empty()).then_some(on_behalf_of),
    };
    Ok(store::create_draft(&app.db, &actor.audit_ctx(), new).await?)
}

/// An issued document and, when it could not be typeset or signed, why (the document stays
/// issued; [`sign`] makes the PDF again).
#[derive(Debug)]
pub struct Issued {
    pub document: Document,
    pub signing_problem: Option<String>,
}

/// Issues a draft: the next number of its series for the year (never reused or skipped, also
/// under concurrency), the printed code such as `15/QĐ-BTTTT`; then typesets and signs it.
pub async fn issue(
    app: &App,
    actor: &Actor,
    scope: Scope,
    id: Uuid,
    version: i64,
) -> Result<Issued> {
    super::find(app, actor, scope, id).await?;
    let d = store::issue(&app.db, &actor.audit_ctx(), id, version, chrono::Utc::now())
        .await
        .map_err(refusal)?;
    // The number exists once the issuing transaction committed; the document is then typeset
    // with it and signed. A failure here leaves the document issued without its PDF.
    Ok(match signing::render_and_sign(app, actor, &d).await {
        Ok(Some(signed)) => Issued {
            document: signed,
            signing_problem: None,
        },
        Ok(None) => Issued {
            document: d,
            signing_problem: None,
        },
        Err(problem) => Issued {
            document: d,
            signing_problem: Some(problem),
        },
    })
}

/// Typesets an issued document that has drafted content (Annex I) and signs it again, e.g. after
/// the signing service was unavailable when it was issued.
pub async fn sign(app: &App, actor: &Actor, scope: Scope, id: Uuid) -> Result<Document> {
    let d = super::find(app, actor, scope, id).await?;
    if d.direction != "out" || d.status != "issued" {
        return Err(Error::Refused(
            "chỉ ký được văn bản đi đã ban hành (đã có số)".into(),
        ));
    }
    if d.pdf_upload_id.is_some() {
        return Err(Error::Refused("văn bản đã được ký số".into()));
    }
    match signing::render_and_sign(app, actor, &d).await {
        Ok(Some(signed)) => Ok(signed),
        Ok(None) => Err(Error::Refused(
            "văn bản không có nội dung soạn thảo để dàn trang".into(),
        )),
        Err(problem) => Err(Error::Refused(problem)),
    }
}
