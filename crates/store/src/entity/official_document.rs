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
    /// An incoming document's handling (Decree 30/2020 art. 24): `registered`, `presented`,
    /// `assigned`, `in_progress`, `completed`.
    pub handling_status: Option<String>,
    /// The leader it was presented to.
    pub leader_id: Option<Uuid>,
    /// The unit the leader assigned it to.
    pub handling_unit_id: Option<Uuid>,
    /// The due date the leader set.
    pub due_date: Option<Date>,
    /// The leader's instruction, then the unit's report.
    pub handling_note: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    /// The digital signatures the document carries: `valid` (intact, trusted), `untrusted` (intact,
    /// chain not to our roots), `none`; null for paper documents.
    pub signature_state: Option<String>,
    /// The content drafted in motcua (rendered to the Annex I layout when issued).
    pub content: Option<String>,
    /// With KT., TM., TL., TUQ.: the position or collective signed for ("Bộ trưởng").
    pub on_behalf_of: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
