//! An official document, outgoing or incoming (Decree 30/2020/NĐ-CP).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "official_document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    /// `out` or `in`.
    pub direction: String,
    /// `draft` or `issued` (outgoing).
    pub status: String,
    /// A code of `motcua_domain::document::TYPES` or `LEGAL_TYPES`.
    pub doc_type: String,
    pub series: String,
    pub year: Option<i32>,
    pub number: Option<i32>,
    pub notation: String,
    /// Number and notation as printed, e.g. `15/QĐ-BTTTT`, once issued.
    pub code: Option<String>,
    pub subject: String,
    pub urgency: String,
    pub secrecy: String,
    pub drafting_unit_id: Option<Uuid>,
    pub signer_name: String,
    pub signer_position: String,
    pub authority_mark: String,
    pub recipients: Json,
    /// Handled electronically (T7.1's numerator) or on paper.
    pub electronic: bool,
    pub pdf_upload_id: Option<Uuid>,
    pub issued_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    /// The edXML DocumentId (`OrganId,yyyy/MM/dd,Number/Notation`), once exchanged.
    pub external_id: Option<String>,
    /// The sending agency of an incoming document.
    pub sender_organ_id: Option<String>,
    /// The last exchange status (QCVN 102 codes 01–06, 13–15).
    pub exchange_status: Option<String>,
    /// The partner's description with its last status (e.g. why it refused), or the last delivery error.
    pub exchange_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
