//! A dossier's current state, kept in step with its events in the same transaction. The applicant
//! columns are personal data (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15): shown only to the
//! applicant and the staff who handle the dossier, never in logs, events, statistics or public
//! pages.
use sea_orm::entity::prelude::*;

/// `Debug` shows ids, codes, state and times: never the applicant's data, the return address or
/// the look-up code (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub code: String,
    pub procedure_id: Uuid,
    pub procedure_code: String,
    /// The procedure's name in the version the dossier was filed under.
    pub procedure_name: String,
    pub procedure_version_id: Uuid,
    /// The unit that answers for the procedure (the catalogue's implementing unit).
    pub unit_id: Uuid,
    /// The unit holding the dossier now.
    pub handler_unit_id: Uuid,
    pub handler_id: Option<Uuid>,
    pub channel: String,
    pub return_channel: String,
    pub return_address: Option<String>,
    pub applicant_user_id: Option<Uuid>,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: String,
    pub applicant_address: String,
    /// JSON `[{"code","upload_ids":[…]}]`.
    pub components: String,
    /// The national portal's sync code 1–10.
    pub state: i16,
    pub supplement_requests: i32,
    pub extended: bool,
    pub approved: bool,
    /// The legal receipt time (submission online, hand-over for post).
    pub received_at: DateTimeUtc,
    /// The appointment given at receipt (form 01): what the outcome is judged against.
    pub original_due_at: DateTimeUtc,
    /// The appointment now: moved by closed pauses and by an extension (form 04).
    pub due_at: DateTimeUtc,
    /// Since when the clock is stopped for a supplement.
    pub paused_at: Option<DateTimeUtc>,
    /// Working seconds of closed pauses.
    pub paused_seconds: i64,
    pub finished_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub returned_at: Option<DateTimeUtc>,
    /// `early`, `on_time` or `late` once resolved.
    pub outcome: Option<String>,
    pub working_seconds_used: Option<i64>,
    /// The look-up code (mã tra cứu) printed on form 01; compared in constant time.
    pub lookup_code: String,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub postal_receipt_no: Option<String>,
    pub fees_vnd: i64,
    pub rating: Option<i16>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("dossier::Model")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("code", &self.code)
            .field("procedure_code", &self.procedure_code)
            .field("procedure_version_id", &self.procedure_version_id)
            .field("unit_id", &self.unit_id)
            .field("handler_unit_id", &self.handler_unit_id)
            .field("handler_id", &self.handler_id)
            .field("channel", &self.channel)
            .field("return_channel", &self.return_channel)
            .field("applicant_user_id", &self.applicant_user_id)
            .field("applicant_kind", &self.applicant_kind)
            .field("applicant", &"***")
            .field("state", &self.state)
            .field("received_at", &self.received_at)
            .field("due_at", &self.due_at)
            .field("outcome", &self.outcome)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}
