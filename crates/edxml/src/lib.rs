//! edXML: the package in which agencies exchange official documents, and the status messages that
//! answer it (QCVN 102:2016/BTTTT, issued by Circular 10/2016/TT-BTTTT; status codes of the
//! Government Office's exchange platform, Decision 28/2018/QĐ-TTg).
//!
//! A package is an `edXMLEnvelope` with a header (`MessageHeader`: sender, recipients, document id,
//! number and notation, promulgation, type, subject, signer, other info; `TraceHeaderList`), a body
//! (`edXMLManifest`: one `Reference` per attachment) and the attachments base64-encoded
//! (`AttachmentEncoded`). The header fields are the Annex VI metadata of Decree 30/2020/NĐ-CP.
//!
//! [`Package::parse`] refuses, with the field's name, a package with a missing header field, an
//! attachment that is not base64, a manifest entry without its attachment (or the reverse), a
//! duplicated content id, or anything that is not an edXML envelope. Parsing builds a bounded tree
//! (depth, element count) so a hostile file cannot exhaust memory beyond its own size.

mod tree;
mod write;

use base64::Engine as _;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use tree::Node;

/// The namespace of QCVN 102:2016.
pub const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

/// Why a package or status message was refused. `Display` is Vietnamese (it is sent back to the
/// sending agency with status 02 and shown to the clerk); [`EdxmlError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdxmlError {
    #[error("Không phải tệp XML hợp lệ: {0}")]
    Xml(String),
    #[error("Không phải gói edXML (phần tử gốc là {0}).")]
    NotEdxml(String),
    #[error("Thiếu trường bắt buộc {0} trong phần đầu gói tin.")]
    MissingField(&'static str),
    #[error("Trường {field} không hợp lệ: {reason}")]
    BadField { field: &'static str, reason: String },
    #[error("Tệp đính kèm {0} không phải dữ liệu base64 hợp lệ.")]
    BadBase64(String),
    #[error("Tệp đính kèm {0} có trong danh mục nhưng không có nội dung.")]
    MissingAttachment(String),
    #[error("Nội dung {0} không có trong danh mục tệp đính kèm.")]
    UnlistedAttachment(String),
    #[error("Mã nội dung {0} bị trùng.")]
    DuplicateContentId(String),
    #[error("Gói tin quá phức tạp (vượt giới hạn {0}).")]
    TooComplex(&'static str),
}

impl EdxmlError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Xml(_) => "bad_xml",
            Self::NotEdxml(_) => "not_edxml",
            Self::MissingField(_) => "missing_field",
            Self::BadField { .. } => "bad_field",
            Self::BadBase64(_) => "bad_base64",
            Self::MissingAttachment(_) => "missing_attachment",
            Self::UnlistedAttachment(_) => "unlisted_attachment",
            Self::DuplicateContentId(_) => "duplicate_content_id",
            Self::TooComplex(_) => "too_complex",
        }
    }
}

/// An agency as edXML names it (`From`, `To`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Organ {
    /// OrganId, e.g. `000.00.00.G22` (QCVN 102 Annex: the agency code list).
    pub organ_id: String,
    pub organization_in_charge: String,
    pub organ_name: String,
    pub organ_add: String,
    pub email: String,
    pub telephone: String,
    pub fax: String,
    pub website: String,
}

/// Number and notation (số, ký hiệu), e.g. `15` and `QĐ-BTTTT` (Decree 30/2020 art. 15).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Code {
    pub code_number: String,
    pub code_notation: String,
}

/// The urgency (Decree 30/2020 art. 8; edXML `Priority`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
    VeryUrgent,
    Flash,
    FlashTimed,
}

impl Priority {
    pub fn code(self) -> u8 {
        match self {
            Self::Normal => 0,
            Self::Urgent => 1,
            Self::VeryUrgent => 2,
            Self::Flash => 3,
            Self::FlashTimed => 4,
        }
    }
    pub fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => Self::Normal,
            1 => Self::Urgent,
            2 => Self::VeryUrgent,
            3 => Self::Flash,
            4 => Self::FlashTimed,
            _ => return None,
        })
    }
    /// The Vietnamese mark (Thường, Khẩn, Thượng khẩn, Hỏa tốc).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Normal => "Thường",
            Self::Urgent => "Khẩn",
            Self::VeryUrgent => "Thượng khẩn",
            Self::Flash => "Hỏa tốc",
            Self::FlashTimed => "Hỏa tốc hẹn giờ",
        }
    }
}

/// The document's header (`MessageHeader`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MessageHeader {
    pub from: Organ,
    pub to: Vec<Organ>,
    /// `OrganId,yyyy/MM/dd,Number/Notation`.
    pub document_id: String,
    pub code: Code,
    pub place: String,
    pub promulgation_date: Option<NaiveDate>,
    /// 1: legal normative document; 2: administrative document.
    pub document_type: u8,
    pub type_detail: String,
    pub type_name: String,
    /// Trích yếu.
    pub subject: String,
    pub content: String,
    /// Authority mark: TM., Q., KT., TL., TUQ. (Decree 30/2020 art. 13), or empty.
    pub signer_competence: String,
    pub signer_position: String,
    pub signer_full_name: String,
    pub due_date: Option<NaiveDate>,
    pub to_places: Vec<String>,
    pub priority: Priority,
    pub sphere_of_promulgation: String,
    pub typer_notation: String,
    pub promulgation_amount: u32,
    pub page_amount: u32,
    /// 0: none; 1: for information; 2: for action (as the platform uses it).
    pub steering_type: u8,
}

/// A hop through the exchange platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TraceHeader {
    pub organ_id: String,
    pub timestamp: Option<NaiveDateTime>,
}

/// An attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// `cid:…`
    pub content_id: String,
    pub content_type: String,
    pub name: String,
    #[serde(skip)]
    pub data: Vec<u8>,
    /// Bytes, for listings (`edxml unpack --json`).
    pub size: usize,
}

impl Attachment {
    pub fn new(content_id: &str, content_type: &str, name: &str, data: Vec<u8>) -> Self {
        Self {
            content_id: content_id.to_owned(),
            content_type: content_type.to_owned(),
            name: name.to_owned(),
            size: data.len(),
            data,
        }
    }
}

/// A whole edXML package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Package {
    pub header: MessageHeader,
    pub trace: Vec<TraceHeader>,
    pub attachments: Vec<Attachment>,
}

/// The document id of Annex VI: `OrganId,yyyy/MM/dd,Number/Notation`.
pub fn document_id(organ_id: &str, date: NaiveDate, code: &Code) -> String {
    format!(
        "{organ_id},{},{}/{}",
        date.format("%Y/%m/%d"),
        code.code_number,
        code.code_notation
    )
}

/// The status an agency reports about a document it received (or a recall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCode {
    /// 01 Đã đến: arrived, not yet taken in by the clerk.
    Arrived,
    /// 02 Từ chối tiếp nhận: returned (invalid, misaddressed).
    Refused,
    /// 03 Đã tiếp nhận: registered.
    Accepted,
    /// 04 Phân công: assigned to a unit.
    Assigned,
    /// 05 Đang xử lý.
    InProgress,
    /// 06 Hoàn thành.
    Completed,
    /// 13 Lấy lại: the sender asks to recall (or update) it.
    RecallRequested,
    /// 14 Đồng ý lấy lại.
    RecallAgreed,
    /// 15 Từ chối lấy lại.
    RecallRefused,
}

impl StatusCode {
    pub const ALL: [Self; 9] = [
        Self::Arrived,
        Self::Refused,
        Self::Accepted,
        Self::Assigned,
        Self::InProgress,
        Self::Completed,
        Self::RecallRequested,
        Self::RecallAgreed,
        Self::RecallRefused,
    ];
    /// The two-digit code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Arrived => "01",
            Self::Refused => "02",
            Self::Accepted => "03",
            Self::Assigned => "04",
            Self::InProgress => "05",
            Self::Completed => "06",
            Self::RecallRequested => "13",
            Self::RecallAgreed => "14",
            Self::RecallRefused => "15",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Arrived => "Đã đến",
            Self::Refused => "Từ chối tiếp nhận",
            Self::Accepted => "Đã tiếp nhận",
            Self::Assigned => "Phân công",
            Self::InProgress => "Đang xử lý",
            Self::Completed => "Hoàn thành",
            Self::RecallRequested => "Lấy lại",
            Self::RecallAgreed => "Đồng ý lấy lại",
            Self::RecallRefused => "Từ chối lấy lại",
        }
    }
}

/// A status message about a document (`Status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusMessage {
    /// The document it is about: its sender's OrganId, code, date and DocumentId.
    pub response_for_organ_id: String,
    pub response_for_code: String,
    pub response_for_date: Option<NaiveDate>,
    pub response_for_document_id: String,
    pub from: Organ,
    pub staff_department: String,
    pub staff_name: String,
    pub staff_email: String,
    pub staff_mobile: String,
    pub status: StatusCode,
    pub description: String,
    pub timestamp: NaiveDateTime,
}

const DATE: &str = "%Y/%m/%d";
const TIMESTAMP: &str = "%Y/%m/%d %H:%M:%S";

fn parse_date(field: &'static str, s: &str) -> Result<Option<NaiveDate>, EdxmlError> {
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

fn parse_timestamp(field: &'static str, s: &str) -> Result<Option<NaiveDateTime>, EdxmlError> {
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

fn parse_u32(field: &'static str, s: &str) -> Result<u32, EdxmlError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(0);
    }
    s.parse().map_err(|_| EdxmlError::BadField {
        field,
        reason: format!("«{s}» không phải số"),
    })
}

fn organ(node: &Node) -> Organ {
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

fn required(value: &str, field: &'static str) -> Result<(), EdxmlError> {
    if value.trim().is_empty() {
        Err(EdxmlError::MissingField(field))
    } else {
        Ok(())
    }
}

fn envelope(xml: &[u8]) -> Result<Node, EdxmlError> {
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

    /// The package as XML (UTF-8, with the QCVN 102 namespace and prefix `edXML`).
    pub fn to_xml(&self) -> Vec<u8> {
        write::package(self)
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

    pub fn to_xml(&self) -> Vec<u8> {
        write::status(self)
    }
}

/// What kind of edXML a file holds, without checking all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Package,
    Status,
}

/// Tells a package from a status message.
pub fn kind_of(xml: &[u8]) -> Result<Kind, EdxmlError> {
    let root = envelope(xml)?;
    let header = root
        .child("edXMLHeader")
        .ok_or(EdxmlError::MissingField("edXMLHeader"))?;
    if header.child("Status").is_some() {
        Ok(Kind::Status)
    } else {
        Ok(Kind::Package)
    }
}

/// The DocumentId of a package that may not pass [`Package::parse`] (to answer it with status 02),
/// when the envelope and header can be read at all.
pub fn document_id_of(xml: &[u8]) -> Option<String> {
    let root = envelope(xml).ok()?;
    let id = root
        .child("edXMLHeader")?
        .child("MessageHeader")?
        .text_of("DocumentId");
    (!id.is_empty()).then_some(id)
}
