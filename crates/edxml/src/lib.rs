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

mod parse;
mod tree;
mod write;

use parse::envelope;

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

impl Package {
    /// The package as XML (UTF-8, with the QCVN 102 namespace and prefix `edXML`).
    pub fn to_xml(&self) -> Vec<u8> {
        write::package(self)
    }
}

impl StatusMessage {
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
