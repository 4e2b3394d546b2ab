//! Dossiers (hồ sơ): the use cases of the one-stop desk (Decree 61/2018, from 1/7/2025 Decree
//! 118/2025): [`filing`] (validating a filing on three channels and recording it with its
//! appointment), [`action`] (planning and taking an action with the domain rules and the
//! calendar, the notifications each step sends, signing the results) and [`queue`] (the work
//! queue). Here: who may see a dossier and act on it, how its stored state reads, how its time is
//! judged, and the Vietnamese labels of outcomes and actions.

pub mod action;
pub mod filing;
pub mod forms;
pub mod public;
pub mod queue;
pub mod records;
pub mod stats;

use crate::{Actor, App, Error, Result};
use chrono::{DateTime, Utc};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::state::{self, Action, DossierState, Facts};
use motcua_domain::dossier::{self as ddom, Outcome, Pause, Timeline, roles};
use motcua_domain::time::to_local;
use motcua_store::dossier::NewMessage;
use motcua_store::entity::{dossier, dossier_event};
use serde_json::json;

pub use motcua_store::entity::dossier::Model as Dossier;
pub use motcua_store::entity::upload::Model as Upload;

/// What an actor is told when the dossier changed since they read it (a version check, before
/// or inside the write).
pub const CHANGED_SINCE_READ: &str =
    "hồ sơ đã được người khác cập nhật; tải lại để xem trạng thái mới";

/// What an actor is told when an upload to attach is missing or already in another dossier.
pub const UPLOADS_UNAVAILABLE: &str = "tệp đính kèm không tồn tại hoặc đã thuộc hồ sơ khác";

/// Whether `actor` may see `d` at all (personal data included).
pub async fn can_see(app: &App, actor: &Actor, d: &dossier::Model) -> Result<bool> {
    if actor.agency_id != d.agency_id && actor.role != Role::Applicant {
        return Ok(false);
    }
    if actor.role == Role::Applicant {
        return Ok(d.applicant_user_id == Some(actor.account_id));
    }
    match access::scope(actor.role, Permission::HandleDossiers) {
        Some(Scope::All) => Ok(true),
        Some(Scope::OwnUnit) => {
            let units = app.org().await?.subtree(actor.unit_id);
            Ok(units.contains(&d.handler_unit_id) || units.contains(&d.unit_id))
        }
        None => Ok(false),
    }
}

pub fn state_of(d: &dossier::Model) -> DossierState {
    state_code(d.state)
}

/// The state a stored sync code names.
pub fn state_code(code: i16) -> DossierState {
    u8::try_from(code)
        .ok()
        .and_then(DossierState::from_sync_code)
        .unwrap_or(DossierState::Submitted)
}

/// Whether the dossier's clock runs and its appointment has passed at `now` (the queue's mark).
pub fn running_late(d: &dossier::Model, now: DateTime<Utc>) -> bool {
    matches!(
        state_of(d),
        DossierState::Received | DossierState::Processing | DossierState::FinancialObligation
    ) && d.due_at < now
}

pub fn facts_of(d: &dossier::Model) -> Facts {
    Facts {
        supplement_requests: d.supplement_requests.max(0) as u32,
        extended: d.extended,
        approved: d.approved,
    }
}

/// The actions `actor` may take now on `d` (what the page offers; a 409 lists them all).
pub async fn actions_for(app: &App, actor: &Actor, d: &dossier::Model) -> Result<Vec<Action>> {
    let mut out = Vec::new();
    let held_by_caller_unit = match access::scope(actor.role, Permission::HandleDossiers) {
        Some(Scope::All) => true,
        Some(Scope::OwnUnit) => app
            .org()
            .await?
            .subtree(actor.unit_id)
            .contains(&d.handler_unit_id),
        None => actor.role == Role::Applicant && d.applicant_user_id == Some(actor.account_id),
    };
    if !held_by_caller_unit {
        return Ok(out);
    }
    for a in state::allowed_actions(state_of(d), facts_of(d)) {
        if roles::may_act(actor.role, a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Trimmed and in Unicode NFC, as every text typed is stored.
pub(crate) fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

/// Checks one uploaded file (its real type against its name) and stores it as the actor's, not yet
/// in a dossier; a filing or an action claims it.
pub async fn save_upload(
    app: &App,
    actor: &Actor,
    name: String,
    bytes: Vec<u8>,
) -> Result<motcua_store::dossier::UploadMeta> {
    let name = motcua_domain::dossier::upload::kept_name(&name);
    let ct = motcua_domain::dossier::upload::check_file(&name, &bytes)
        .map_err(|m| Error::invalid("file", m))?;
    Ok(motcua_store::dossier::save_upload(
        &app.db,
        &actor.audit_ctx(),
        motcua_store::dossier::NewUpload {
            agency_id: actor.agency_id,
            owner_id: Some(actor.account_id),
            file_name: name,
            content_type: ct.to_owned(),
            content: bytes,
        },
    )
    .await?)
}

/// A file of dossier `dossier_id` (an applicant's component or a result), with its bytes; a
/// file of another dossier, or of none, is not found. The caller has checked that the actor may
/// see the dossier.
pub async fn file_of(app: &App, dossier_id: uuid::Uuid, id: uuid::Uuid) -> Result<Upload> {
    let f = motcua_store::dossier::upload_content(app.db.conn(), id).await?;
    if f.dossier_id != Some(dossier_id) {
        return Err(Error::NotFound);
    }
    Ok(f)
}

/// A random look-up code.
pub fn new_lookup_code() -> Result<String> {
    let mut buf = [0u8; ddom::code::LOOKUP_LEN];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(anyhow::anyhow!("random: {e}")))?;
    Ok(ddom::code::lookup_code(buf))
}

pub(crate) fn message(
    d: &dossier::Model,
    topic: &'static str,
    subject: &str,
    body: String,
) -> Vec<NewMessage> {
    if d.applicant_email.is_empty() && d.applicant_phone.is_empty() {
        return Vec::new();
    }
    vec![NewMessage {
        topic,
        payload: json!({
            "code": d.code,
            "to_email": d.applicant_email,
            "to_phone": d.applicant_phone,
            "subject": format!("[{}] {subject}", d.code),
            "body": body,
        }),
    }]
}

/// The pauses of a dossier (supplement requested → supplied), from its events.
pub fn pauses(events: &[dossier_event::Model]) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    for e in events {
        match e.action.as_str() {
            "request_supplement" => out.push(Pause {
                requested_at: to_local(e.at),
                supplied_at: None,
            }),
            "supplement" => {
                if let Some(p) = out.last_mut().filter(|p| p.supplied_at.is_none()) {
                    p.supplied_at = Some(to_local(e.at));
                }
            }
            _ => {}
        }
    }
    out
}

/// Judge a dossier now (or at `at`): its progress, effective appointment and times used.
pub fn assess(
    cal: &WorkingCalendar,
    d: &dossier::Model,
    events: &[dossier_event::Model],
    at: DateTime<Utc>,
) -> Option<ddom::Assessment> {
    let p = pauses(events);
    ddom::assess(
        cal,
        &Timeline {
            received_at: to_local(d.received_at),
            due_at: to_local(d.original_due_at),
            pauses: &p,
            finished_at: d.finished_at.map(to_local),
        },
        to_local(at),
    )
    .ok()
}

/// The Vietnamese label of a stored outcome code (empty for none).
pub fn outcome_label(code: &str) -> &'static str {
    Outcome::parse(code).map_or("", Outcome::label_vi)
}

/// A short Vietnamese label of an event's action.
pub fn action_label(code: &str) -> &'static str {
    match code {
        "file" => "Nộp hồ sơ",
        "receive" => "Tiếp nhận",
        "refuse" => "Từ chối tiếp nhận (mẫu 03)",
        "request_supplement" => "Yêu cầu bổ sung (mẫu 02)",
        "supplement" => "Bổ sung hồ sơ",
        "assign" => "Chuyển xử lý",
        "request_payment" => "Thông báo nghĩa vụ tài chính",
        "pay" => "Nộp phí, lệ phí",
        "approve" => "Phê duyệt",
        "resolve" => "Có kết quả giải quyết",
        "extend" => "Xin lỗi, hẹn lại (mẫu 04)",
        "stop" => "Dừng xử lý",
        "withdraw" => "Rút hồ sơ",
        "return_result" => "Trả kết quả",
        _ => "",
    }
}
