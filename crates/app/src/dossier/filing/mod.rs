//! Filing a dossier online, at the counter or by post (Decree 61/2018 art. 9–10; Decree 118/2025
//! from 1/7/2025): every field checked with its Vietnamese message, the procedure's version and
//! channel, the uploads, the appointment in working days, and the receipt (form 01) notified.

use super::{message, new_lookup_code, nfc};
use crate::{Actor, App, Error, Problem, Result};
use chrono::{DateTime, Utc};
use motcua_domain::access::{self, Permission};
use motcua_domain::account::Role;
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::state::DossierState;
use motcua_domain::time::{from_local, to_local};
use motcua_store::dossier::{self as store, Applicant, Filed, NewMessage};
use motcua_store::entity::{dossier, procedure};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

mod checks;

/// A filing checked and ready to write, as `prepare` returns it (the check-your-answers page
/// shows it).
pub use motcua_store::dossier::NewDossier;

/// Applicant data as filed: personal data (Decree 13/2023; from 1/1/2026 Law 91/2025/QH15);
/// `Debug` shows the kind only.
#[derive(Clone, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentIn {
    pub code: String,
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
}

/// The hand-over record of a postal filing (biên bản giao nhận; Decision 45/2016 art. 7.4: its
/// time is the legal receipt time).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalIn {
    /// The postal consignment note number (số phiếu gửi).
    pub receipt_no: String,
    /// RFC 3339.
    pub handed_over_at: String,
    #[serde(default)]
    pub fees_vnd: i64,
}

impl std::fmt::Debug for ApplicantIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicantIn")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A filing as sent. `Debug` leaves out the applicant's data and the return address.
#[derive(Clone, Deserialize)]
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

impl std::fmt::Debug for FileRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileRequest")
            .field("procedure_code", &self.procedure_code)
            .field("channel", &self.channel)
            .field("applicant", &self.applicant)
            .field("components", &self.components)
            .field("return_channel", &self.return_channel)
            .field("postal", &self.postal)
            .finish_non_exhaustive()
    }
}

fn valid_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && s.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !s.contains(char::is_whitespace)
}

fn valid_phone(s: &str) -> bool {
    let digits: String = s.trim().replace([' ', '.', '-'], "");
    let digits = digits
        .strip_prefix("+84")
        .map_or(digits.clone(), |r| format!("0{r}"));
    digits.len() == 10 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn valid_id(kind: &str, s: &str) -> bool {
    let s = s.trim();
    match kind {
        // Citizen identity card / personal identification number: 12 digits (Law on Identity
        // 2023 art. 12).
        "citizen" => s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
        // Enterprise code = tax code: 10 digits, or 10-3 for a branch (Law on Enterprises 2020
        // art. 29; Circular 105/2020 art. 5).
        "business" => {
            let (main, branch) = s.split_once('-').unwrap_or((s, ""));
            main.len() == 10
                && main.bytes().all(|b| b.is_ascii_digit())
                && (branch.is_empty()
                    || (branch.len() == 3 && branch.bytes().all(|b| b.is_ascii_digit())))
        }
        _ => false,
    }
}

/// Validate and file a dossier. `idempotency` is the key and the SHA-256 of the body: a request
/// seen before is answered with the dossier it filed, before and after validation (a concurrent
/// twin may have claimed the uploads in between).
pub async fn file(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed> {
    let replay = |found: Option<dossier::Model>, hash: &str| {
        found.map(|d| {
            if d.request_hash.as_deref() == Some(hash) {
                Filed::Replayed(Box::new(d))
            } else {
                Filed::KeyReused
            }
        })
    };
    if let Some((key, hash)) = &idempotency {
        let found = store::by_idempotency_key(app.db.conn(), actor.agency_id, key).await?;
        if let Some(f) = replay(found, hash) {
            return Ok(f);
        }
    }
    match file_new(app, actor, req, idempotency.clone()).await {
        Err(Error::Invalid(errors)) => {
            if let Some((key, hash)) = &idempotency {
                let found = store::by_idempotency_key(app.db.conn(), actor.agency_id, key).await?;
                if let Some(f) = replay(found, hash) {
                    return Ok(f);
                }
            }
            Err(Error::Invalid(errors))
        }
        other => other,
    }
}

async fn file_new(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed> {
    let new = prepare(app, actor, req, idempotency).await?;
    match store::file(&app.db, &actor.audit_ctx(), new).await {
        Err(motcua_store::StoreError::UploadsUnavailable) => {
            Err(Error::invalid("components", super::UPLOADS_UNAVAILABLE))
        }
        other => Ok(other?),
    }
}

/// Validate a filing and compute its appointment without writing anything (the applicant's
/// check-your-answers page shows the result; filing repeats it).
pub async fn prepare(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<NewDossier> {
    let mut errors = Vec::new();
    let now = app.now();
    let shown = checks::procedure(app, &req.procedure_code, &mut errors).await?;
    let data: Option<&ProcedureData> = shown.as_ref().map(|(_, v)| v.as_ref());
    let channel = Channel::parse(req.channel.trim());
    checks::channel(channel, actor.role, data, &mut errors);
    let return_channel = Channel::parse(req.return_channel.trim());
    let applicant = checks::applicant(&req.applicant, channel, return_channel, &mut errors);
    let return_address = req.return_address.as_deref().map(nfc).unwrap_or_default();
    checks::return_channel(return_channel, &return_address, data, &mut errors);
    let upload_ids = checks::components(&req.components, data, channel, &mut errors);
    checks::uploads(app, actor, &upload_ids, &mut errors).await?;
    let checks::Receipt {
        received_at,
        postal_receipt_no,
        fees,
        event_data,
    } = checks::receipt(channel, req.postal.as_ref(), now, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let (Some((procedure, data)), Some(channel), Some(return_channel)) =
        (shown, channel, return_channel)
    else {
        return Err(Error::Invalid(vec![]));
    };

    // The unit answering for the procedure; the agency's desk when the catalogue names none.
    let org = app.org().await?;
    let unit = org
        .unit(&data.unit)
        .filter(|u| u.agency_id == actor.agency_id);
    let Some(unit) = unit else {
        return Err(Error::Invalid(vec![Problem::new(
            "procedure_code",
            "thủ tục chưa có đơn vị thực hiện trong cơ cấu tổ chức; liên hệ quản trị",
        )]));
    };
    // The dossier waits at the one-stop desk until it is handed to the unit: the counter officer's
    // own desk, or the agency's desk for online filings (Decree 61/2018 art. 8).
    let desk = if actor.role == Role::Applicant {
        org.units
            .iter()
            .find(|u| {
                u.agency_id == actor.agency_id
                    && u.kind == motcua_domain::org::UnitKind::OneStopDesk.as_str()
            })
            .map_or(unit.id, |u| u.id)
    } else {
        actor.unit_id
    };
    let agency = org.agency(actor.agency_id).ok_or(Error::Forbidden)?;

    // The appointment (Decree 61/2018 art. 16 and the calendar rules of docs/CALENDAR.md).
    let cal = app.calendar();
    let due_local = cal
        .working
        .due(
            to_local(received_at),
            data.processing_time.as_work_duration(),
            data.cutoff,
        )
        .map_err(|e| Error::Internal(anyhow::anyhow!("appointment: {e}")))?;
    let due_at = from_local(due_local);
    let state0 = if channel == Channel::Online {
        DossierState::Submitted
    } else {
        DossierState::Received
    };
    let new = NewDossier {
        agency_id: actor.agency_id,
        organ_id: agency.organ_id.clone(),
        procedure_id: procedure.id,
        procedure_code: procedure.code.clone(),
        procedure_name: data.name.clone(),
        procedure_version_id: procedure.current_version_id,
        unit_id: unit.id,
        handler_unit_id: desk,
        channel: channel.code().to_owned(),
        return_channel: return_channel.code().to_owned(),
        return_address: (!return_address.is_empty()).then_some(return_address),
        applicant_user_id: (actor.role == Role::Applicant).then_some(actor.account_id),
        applicant,
        components: req
            .components
            .iter()
            .map(|c| (c.code.trim().to_owned(), c.upload_ids.clone()))
            .collect(),
        state: state0,
        received_at,
        filed_at: now,
        due_at,
        lookup_code: new_lookup_code()?,
        idempotency,
        postal_receipt_no,
        fees_vnd: fees,
        event_data,
        note: String::new(),
        messages: receipt_message,
    };
    Ok(new)
}

/// The receipt notification (form 01 in words), for the applicant's e-mail when given.
fn receipt_message(d: &dossier::Model) -> Vec<NewMessage> {
    message(
        d,
        "receipt",
        "Tiếp nhận hồ sơ",
        format!(
            "Hồ sơ {} đã được tiếp nhận lúc {}. Ngày hẹn trả kết quả: {}. Mã tra cứu: {}.",
            d.code,
            motcua_domain::time::format_vn(d.received_at),
            motcua_domain::time::format_vn(d.due_at),
            d.lookup_code
        ),
    )
}
