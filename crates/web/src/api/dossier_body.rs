//! The bodies of the dossier routes as the API documents and parses them (OpenAPI schemas, unknown
//! fields refused, errors with the JSON path), each turned into the use case's own input
//! (`motcua_app::dossier::filing`, `::action`) by a `From` the compiler keeps complete. No `Debug`:
//! they hold the applicant's personal data (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15).

use chrono::NaiveDate;
use motcua_app::dossier::{action, filing};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Applicant data as filed: personal data (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15);
/// `Debug` shows the kind only.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantIn {
    /// `citizen` or `business`.
    pub kind: String,
    pub name: String,
    /// Citizen identity number (12 digits) or enterprise/tax code (10 digits, or 10-3).
    pub id_number: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentIn {
    pub code: String,
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
}

/// The hand-over record of a postal filing (biên bản giao nhận; Decision 45/2016 art. 7.4: its
/// time is the legal receipt time).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostalIn {
    /// The postal consignment note number (số phiếu gửi).
    pub receipt_no: String,
    /// RFC 3339.
    pub handed_over_at: String,
    #[serde(default)]
    pub fees_vnd: i64,
}

/// A filing as sent. `Debug` leaves out the applicant's data and the return address.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    pub procedure_code: String,
    /// `online`, `counter` or `postal`.
    pub channel: String,
    pub applicant: ApplicantIn,
    #[serde(default)]
    pub components: Vec<ComponentIn>,
    /// `online`, `counter` or `postal`.
    pub return_channel: String,
    #[serde(default)]
    pub return_address: Option<String>,
    /// Required for `channel: postal`.
    #[serde(default)]
    pub postal: Option<PostalIn>,
}

/// One delivery attempt of a postal return.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAttempt {
    /// RFC 3339.
    pub at: String,
    /// `delivered` or `failed`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// An action on a dossier; which fields are needed depends on the action.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `receive`, `refuse`, `request_supplement`, `supplement`, `assign`, `request_payment`, `pay`,
    /// `approve`, `resolve`, `extend`, `stop`, `withdraw`, `return_result`.
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// Refusal (form 03), supplement list (form 02), apology (form 04), stop, withdrawal.
    #[serde(default)]
    pub reason: String,
    /// `assign`: the receiving unit's code.
    #[serde(default)]
    pub unit: Option<String>,
    /// `assign`: the receiving officer's account id (in that unit).
    #[serde(default)]
    pub officer_id: Option<Uuid>,
    /// `extend`: the new appointment day (YYYY-MM-DD, a working day).
    #[serde(default)]
    pub new_due_date: Option<NaiveDate>,
    /// `supplement`: the added documents; `resolve`: the result document(s).
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
    /// `request_payment`, `pay`.
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    /// `pay`: the receipt (biên lai) number.
    #[serde(default)]
    pub receipt_no: Option<String>,
    /// `return_result`: the postal tracking number.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// `return_result` by post: every delivery attempt, the last one `delivered`.
    #[serde(default)]
    pub delivery_attempts: Vec<DeliveryAttempt>,
}

impl From<ApplicantIn> for filing::ApplicantIn {
    fn from(r: ApplicantIn) -> Self {
        Self {
            kind: r.kind,
            name: r.name,
            id_number: r.id_number,
            phone: r.phone,
            email: r.email,
            address: r.address,
        }
    }
}

impl From<ComponentIn> for filing::ComponentIn {
    fn from(r: ComponentIn) -> Self {
        Self {
            code: r.code,
            upload_ids: r.upload_ids,
        }
    }
}

impl From<PostalIn> for filing::PostalIn {
    fn from(r: PostalIn) -> Self {
        Self {
            receipt_no: r.receipt_no,
            handed_over_at: r.handed_over_at,
            fees_vnd: r.fees_vnd,
        }
    }
}

impl From<FileRequest> for filing::FileRequest {
    fn from(r: FileRequest) -> Self {
        Self {
            procedure_code: r.procedure_code,
            channel: r.channel,
            applicant: r.applicant.into(),
            components: r.components.into_iter().map(Into::into).collect(),
            return_channel: r.return_channel,
            return_address: r.return_address,
            postal: r.postal.map(Into::into),
        }
    }
}

impl From<DeliveryAttempt> for action::DeliveryAttempt {
    fn from(r: DeliveryAttempt) -> Self {
        Self {
            at: r.at,
            outcome: r.outcome,
            note: r.note,
        }
    }
}

impl From<ActionRequest> for action::ActionRequest {
    fn from(r: ActionRequest) -> Self {
        Self {
            action: r.action,
            note: r.note,
            reason: r.reason,
            unit: r.unit,
            officer_id: r.officer_id,
            new_due_date: r.new_due_date,
            upload_ids: r.upload_ids,
            amount_vnd: r.amount_vnd,
            receipt_no: r.receipt_no,
            tracking_number: r.tracking_number,
            delivery_attempts: r.delivery_attempts.into_iter().map(Into::into).collect(),
        }
    }
}
