//! Reading a package and a status message, every missing or malformed field refused with its name.

use super::*;
use crate::tree::Node;

pub(super) fn parse_date(field: &'static str, s: &str) -> Result<Option<NaiveDate>, EdxmlError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, DATE)
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .map(Some)
        .map_err(|_| EdxmlError::BadField {
            field,
            reason: format!("«{s}» không phải ngày yyyy/MM/dd"),
        })
}

pub(super) fn parse_timestamp(
    field: &'static str,
    s: &str,
) -> Result<Option<NaiveDateTime>, EdxmlError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(s, TIMESTAMP)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map(Some)
        .map_err(|_| EdxmlError::BadField {
            field,
            reason: format!("«{s}» không phải thời điểm yyyy/MM/dd HH:mm:ss"),
        })
}

pub(super) fn parse_u32(field: &'static str, s: &str) -> Result<u32, EdxmlError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(0);
    }
    s.parse().map_err(|_| EdxmlError::BadField {
        field,
        reason: format!("«{s}» không phải số"),
    })
}

pub(super) fn organ(node: &Node) -> Organ {
    Organ {
        organ_id: node.text_of("OrganId"),
        organization_in_charge: node.text_of("OrganizationInCharge"),
        organ_name: node.text_of("OrganName"),
        organ_add: node.text_of("OrganAdd"),
        email: node.text_of("Email"),
        telephone: node.text_of("Telephone"),
        fax: node.text_of("Fax"),
        website: node.text_of("Website"),
    }
}

pub(super) fn required(value: &str, field: &'static str) -> Result<(), EdxmlError> {
    if value.trim().is_empty() {
        Err(EdxmlError::MissingField(field))
    } else {
        Ok(())
    }
}

pub(super) fn envelope(xml: &[u8]) -> Result<Node, EdxmlError> {
    let root = tree::parse(xml)?;
    if root.name != "edXMLEnvelope" {
        return Err(EdxmlError::NotEdxml(root.name.clone()));
    }
    Ok(root)
}

impl Package {
    /// Parses and checks a package.
    pub fn parse(xml: &[u8]) -> Result<Self, EdxmlError> {
        let root = envelope(xml)?;
        let header = root
            .child("edXMLHeader")
            .ok_or(EdxmlError::MissingField("edXMLHeader"))?;
        let mh = header
            .child("MessageHeader")
            .ok_or(EdxmlError::MissingField("MessageHeader"))?;
        let from = mh
            .child("From")
            .map(organ)
            .ok_or(EdxmlError::MissingField("From"))?;
        required(&from.organ_id, "From/OrganId")?;
        required(&from.organ_name, "From/OrganName")?;
        let to: Vec<Organ> = mh.children_named("To").map(organ).collect();
        if to.is_empty() {
            return Err(EdxmlError::MissingField("To"));
        }
        if to.iter().any(|o| o.organ_id.trim().is_empty()) {
            return Err(EdxmlError::MissingField("To/OrganId"));
        }
        let code = mh.child("Code").ok_or(EdxmlError::MissingField("Code"))?;
        let code = Code {
            code_number: code.text_of("CodeNumber"),
            code_notation: code.text_of("CodeNotation"),
        };
        required(&code.code_number, "Code/CodeNumber")?;
        required(&code.code_notation, "Code/CodeNotation")?;
        let prom = mh
            .child("PromulgationInfo")
            .ok_or(EdxmlError::MissingField("PromulgationInfo"))?;
        let promulgation_date = parse_date(
            "PromulgationInfo/PromulgationDate",
            &prom.text_of("PromulgationDate"),
        )?
        .ok_or(EdxmlError::MissingField(
            "PromulgationInfo/PromulgationDate",
        ))?;
        let dt = mh
            .child("DocumentType")
            .ok_or(EdxmlError::MissingField("DocumentType"))?;
        let type_text = dt.text_of("Type");
        required(&type_text, "DocumentType/Type")?;
        let document_type: u8 = type_text.trim().parse().map_err(|_| EdxmlError::BadField {
            field: "DocumentType/Type",
            reason: format!("«{type_text}» không phải 1 hoặc 2"),
        })?;
        let type_name = dt.text_of("TypeName");
        required(&type_name, "DocumentType/TypeName")?;
        let subject = mh.text_of("Subject");
        required(&subject, "Subject")?;
        let signer = mh
            .child("SignerInfo")
            .ok_or(EdxmlError::MissingField("SignerInfo"))?;
        let signer_full_name = signer.text_of("FullName");
        required(&signer_full_name, "SignerInfo/FullName")?;
        let document_id = mh.text_of("DocumentId");
        required(&document_id, "DocumentId")?;
        if document_id.split(',').count() < 3 {
            return Err(EdxmlError::BadField {
                field: "DocumentId",
                reason: "phải có dạng OrganId,yyyy/MM/dd,Số/Ký hiệu".into(),
            });
        }
        let other = mh.child("OtherInfo");
        let text_in_other = |name: &str| other.map(|o| o.text_of(name)).unwrap_or_default();
        let priority_text = text_in_other("Priority");
        let priority = if priority_text.trim().is_empty() {
            Priority::Normal
        } else {
            priority_text
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(Priority::from_code)
                .ok_or_else(|| EdxmlError::BadField {
                    field: "OtherInfo/Priority",
                    reason: format!("«{priority_text}» không thuộc 0–4"),
                })?
        };
        let header_out = MessageHeader {
            from,
            to,
            document_id,
            code,
            place: prom.text_of("Place"),
            promulgation_date: Some(promulgation_date),
            document_type,
            type_detail: dt.text_of("TypeDetail"),
            type_name,
            subject,
            content: mh.text_of("Content"),
            signer_competence: signer.text_of("Competence"),
            signer_position: signer.text_of("Position"),
            signer_full_name,
            due_date: parse_date("DueDate", &mh.text_of("DueDate"))?,
            to_places: mh
                .child("ToPlaces")
                .map(|p| p.children_named("Place").map(|n| n.text.clone()).collect())
                .unwrap_or_default(),
            priority,
            sphere_of_promulgation: text_in_other("SphereOfPromulgation"),
            typer_notation: text_in_other("TyperNotation"),
            promulgation_amount: parse_u32(
                "OtherInfo/PromulgationAmount",
                &text_in_other("PromulgationAmount"),
            )?,
            page_amount: parse_u32("OtherInfo/PageAmount", &text_in_other("PageAmount"))?,
            steering_type: parse_u32("SteeringType", &mh.text_of("SteeringType"))?.min(255) as u8,
        };
        let mut trace = Vec::new();
        if let Some(list) = header.child("TraceHeaderList") {
            for t in list.children_named("TraceHeader") {
                trace.push(TraceHeader {
                    organ_id: t.text_of("OrganId"),
                    timestamp: parse_timestamp("TraceHeader/Timestamp", &t.text_of("Timestamp"))?,
                });
            }
        }

        // Manifest and attachments must match one to one.
        let mut listed: Vec<(String, String, String)> = Vec::new();
        if let Some(manifest) = root
            .child("edXMLBody")
            .and_then(|b| b.child("edXMLManifest"))
        {
            for r in manifest.children_named("Reference") {
                let id = r.text_of("ContentId");
                required(&id, "Reference/ContentId")?;
                if listed.iter().any(|(l, _, _)| *l == id) {
                    return Err(EdxmlError::DuplicateContentId(id));
                }
                listed.push((id, r.text_of("ContentType"), r.text_of("AttachmentName")));
            }
        }
        let mut encoded: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(enc) = root.child("AttachmentEncoded") {
            for a in enc.children_named("Attachment") {
                let id = a.text_of("ContentId");
                required(&id, "Attachment/ContentId")?;
                if encoded.iter().any(|(l, _)| *l == id) {
                    return Err(EdxmlError::DuplicateContentId(id));
                }
                let b64: String = a
                    .text_of("ContentTransferEncoded")
                    .split_ascii_whitespace()
                    .collect();
                let data = base64::engine::general_purpose::STANDARD
                    .decode(b64.as_bytes())
                    .map_err(|_| EdxmlError::BadBase64(id.clone()))?;
                encoded.push((id, data));
            }
        }
        let mut attachments = Vec::new();
        for (id, content_type, name) in listed {
            let pos = encoded
                .iter()
                .position(|(e, _)| *e == id)
                .ok_or_else(|| EdxmlError::MissingAttachment(id.clone()))?;
            let (_, data) = encoded.swap_remove(pos);
            attachments.push(Attachment::new(&id, &content_type, &name, data));
        }
        if let Some((id, _)) = encoded.into_iter().next() {
            return Err(EdxmlError::UnlistedAttachment(id));
        }
        Ok(Self {
            header: header_out,
            trace,
            attachments,
        })
    }
}

impl StatusMessage {
    pub fn parse(xml: &[u8]) -> Result<Self, EdxmlError> {
        let root = envelope(xml)?;
        let header = root
            .child("edXMLHeader")
            .ok_or(EdxmlError::MissingField("edXMLHeader"))?;
        let status = header
            .child("Status")
            .ok_or(EdxmlError::MissingField("Status"))?;
        let rf = status
            .child("ResponseFor")
            .ok_or(EdxmlError::MissingField("ResponseFor"))?;
        let document_id = rf.text_of("DocumentId");
        required(&document_id, "ResponseFor/DocumentId")?;
        let from = status
            .child("From")
            .map(organ)
            .ok_or(EdxmlError::MissingField("From"))?;
        required(&from.organ_id, "From/OrganId")?;
        let code_text = status.text_of("StatusCode");
        required(&code_text, "StatusCode")?;
        let code = StatusCode::parse(&code_text).ok_or_else(|| EdxmlError::BadField {
            field: "StatusCode",
            reason: format!("«{code_text}» không phải mã trạng thái (01–06, 13–15)"),
        })?;
        let timestamp = parse_timestamp("Timestamp", &status.text_of("Timestamp"))?
            .ok_or(EdxmlError::MissingField("Timestamp"))?;
        let staff = status.child("StaffInfo");
        let staff_text = |n: &str| staff.map(|s| s.text_of(n)).unwrap_or_default();
        Ok(Self {
            response_for_organ_id: rf.text_of("OrganId"),
            response_for_code: rf.text_of("Code"),
            response_for_date: parse_date(
                "ResponseFor/PromulgationDate",
                &rf.text_of("PromulgationDate"),
            )?,
            response_for_document_id: document_id,
            from,
            staff_department: staff_text("Department"),
            staff_name: staff_text("Staff"),
            staff_email: staff_text("Email"),
            staff_mobile: staff_text("Mobile"),
            status: code,
            description: status.text_of("Description"),
            timestamp,
        })
    }
}
