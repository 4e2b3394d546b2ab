//! Taking an action on a dossier (Decree 61/2018 art. 8–19): whether it is allowed now and for
//! this actor, its fields, the new state, appointment and counters, the notification, and for a
//! resolution the signed results; written in one transaction with its event and audit entry.

use super::{actions_for, assess, facts_of, message, nfc, state_of};
use crate::{Actor, App, Error, Problem, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use motcua_domain::account::Role;
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use motcua_domain::catalog::procedure::{Channel, TimeUnit};
use motcua_domain::dossier::state::{self, Action, DossierState, Facts};
use motcua_domain::dossier::stats::{self, EventKind};
use motcua_domain::dossier::{self as ddom, Outcome, Progress};
use motcua_domain::time::{from_local, to_local};
use motcua_store::dossier::{self as store, NewMessage, RowChange};
use motcua_store::entity::dossier;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

mod plan;

/// One delivery attempt of a postal return.
#[derive(Clone, Debug, Deserialize)]
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
#[derive(Clone, Debug, Default, Deserialize)]
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

/// Why an action was not taken.
#[derive(Debug)]
pub enum ActionError {
    Failed(Error),
    /// Not allowed in this state (or for this role): 409 with the allowed actions.
    NotAllowed {
        message: String,
        allowed: Vec<Action>,
    },
}

impl From<Error> for ActionError {
    fn from(e: Error) -> Self {
        Self::Failed(e)
    }
}

impl From<motcua_store::StoreError> for ActionError {
    fn from(e: motcua_store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

fn invalid(field: &str, msg: impl Into<String>) -> ActionError {
    ActionError::Failed(Error::Invalid(vec![Problem::new(field, msg)]))
}

fn cal_err(e: impl std::fmt::Display) -> ActionError {
    ActionError::Failed(Error::Internal(anyhow::anyhow!("calendar: {e}")))
}

/// What every planner reads: the dossier as read, the request, the calendar in force and the
/// time of the action, the reason given (NFC, trimmed), the state it leaves and the rules' facts
/// after the move.
pub(super) struct Step<'a> {
    pub(super) app: &'a App,
    pub(super) d: &'a dossier::Model,
    pub(super) req: &'a ActionRequest,
    pub(super) cal: &'a WorkingCalendar,
    pub(super) now: DateTime<Utc>,
    pub(super) local_now: NaiveDateTime,
    pub(super) reason: &'a str,
    pub(super) from: DossierState,
    pub(super) facts: Facts,
}

impl Step<'_> {
    /// The reason is required for this action: `what` names it (a form's field).
    pub(super) fn need_reason(&self, what: &str) -> Result<(), ActionError> {
        if self.reason.is_empty() {
            Err(invalid("reason", format!("cần nêu {what}")))
        } else {
            Ok(())
        }
    }
}

/// What an action changes, as its planner made it: the row, the event's data, the messages to
/// the applicant, the uploads it claims, and what the counters need (outcome, return channel).
pub(super) struct Planned {
    pub(super) change: RowChange,
    pub(super) data: serde_json::Value,
    pub(super) messages: Vec<NewMessage>,
    pub(super) claim: Vec<Uuid>,
    pub(super) outcome: Option<Outcome>,
    pub(super) return_channel: Option<Channel>,
}

/// Check and take an action on `d` at version `expected_version`: allowed now and for this actor,
/// planned by the action's planner ([`plan`]), the claimed uploads checked, the results signed,
/// then written in one transaction with its event, counters, notification and audit entry.
pub async fn act(
    app: &App,
    actor: &Actor,
    d: &dossier::Model,
    expected_version: i64,
    req: ActionRequest,
) -> Result<dossier::Model, ActionError> {
    let (action, from, next, facts) = allowed_move(app, actor, d, expected_version, &req).await?;
    let now = app.now();
    let cal = app.calendar();
    let cal = &cal.working;
    let reason = nfc(&req.reason);
    let note = nfc(&req.note);
    if note.chars().count() > 2000 || reason.chars().count() > 2000 {
        return Err(invalid("note", "ghi chú và lý do tối đa 2.000 ký tự"));
    }
    let s = Step {
        app,
        d,
        req: &req,
        cal,
        now,
        local_now: to_local(now),
        reason: &reason,
        from,
        facts,
    };
    let mut p = Planned {
        change: RowChange {
            state: (next != from).then_some(next.sync_code() as i16),
            ..RowChange::default()
        },
        data: json!({}),
        messages: Vec::new(),
        claim: Vec::new(),
        outcome: None,
        return_channel: None,
    };
    match action {
        Action::Receive => {}
        Action::Refuse => plan::refuse(&s, &mut p)?,
        Action::RequestSupplement => plan::request_supplement(&s, &mut p)?,
        Action::Supplement => plan::supplement(&s, &mut p)?,
        Action::Assign => plan::assign(&s, &mut p).await?,
        Action::RequestPayment => plan::request_payment(&s, &mut p)?,
        Action::Pay => plan::pay(&s, &mut p)?,
        Action::Approve => p.change.approved = Some(true),
        Action::Resolve => plan::resolve(&s, &mut p).await?,
        Action::Extend => plan::extend(&s, &mut p)?,
        Action::Stop => plan::stop(&s, &mut p)?,
        Action::Withdraw => plan::withdraw(&s, &mut p)?,
        Action::ReturnResult => plan::return_result(&s, &mut p)?,
    }
    let Planned {
        change,
        mut data,
        messages,
        mut claim,
        outcome,
        return_channel,
    } = p;
    check_claim(app, actor, d, &claim).await?;
    if action == Action::Resolve {
        let (ids, signed) = sign_results(app, actor, d, &claim).await?;
        claim = ids;
        data["upload_ids"] = json!(claim);
        data["signed"] = json!(signed);
    }
    let counters = stats::counters(
        EventKind::Acted {
            action,
            from,
            outcome,
            return_channel,
        },
        Channel::parse(&d.channel).unwrap_or(Channel::Counter),
    );
    let write = store::ActionWrite {
        dossier_id: d.id,
        expected_version,
        action,
        from_state: from,
        change,
        at: now,
        note,
        data,
        messages,
        claim,
        counters,
    };
    store::act(&app.db, &actor.audit_ctx(), write)
        .await
        .map_err(|e| match e {
            motcua_store::StoreError::UploadsUnavailable => {
                invalid("upload_ids", super::UPLOADS_UNAVAILABLE)
            }
            // Another writer moved the dossier between the read and the write (the version check in
            // the UPDATE): the same answer as the check above, not the generic duplicate message.
            motcua_store::StoreError::Stale => {
                ActionError::Failed(Error::Refused(super::CHANGED_SINCE_READ.into()))
            }
            e => ActionError::Failed(e.into()),
        })
}

/// Whether `action` may be taken on `d` now by `actor`: a known action, the version the actor
/// read, a legal move of the state machine (Decree 61/2018 art. 8–19, `state::apply`) and one the
/// actor's role and unit may take (`actions_for`). Returns the action, the state it leaves, the
/// state it reaches and the rules' facts after it.
async fn allowed_move(
    app: &App,
    actor: &Actor,
    d: &dossier::Model,
    expected_version: i64,
    req: &ActionRequest,
) -> Result<(Action, DossierState, DossierState, Facts), ActionError> {
    let Some(action) = Action::parse(&req.action) else {
        return Err(invalid(
            "action",
            format!("không có thao tác «{}»", req.action.trim()),
        ));
    };
    let from = state_of(d);
    let allowed = actions_for(app, actor, d).await?;
    if expected_version != d.version {
        return Err(ActionError::Failed(Error::Refused(
            super::CHANGED_SINCE_READ.into(),
        )));
    }
    let (next, facts) = match state::apply(from, facts_of(d), action) {
        Ok(v) => v,
        Err(e) => {
            return Err(ActionError::NotAllowed {
                message: e.to_string(),
                allowed,
            });
        }
    };
    if !allowed.contains(&action) {
        return Err(ActionError::NotAllowed {
            message: format!(
                "tài khoản này không được thực hiện thao tác «{}» với hồ sơ này",
                action.code()
            ),
            allowed,
        });
    }
    Ok((action, from, next, facts))
}

/// The uploads an action claims must exist, be of the dossier's agency, have been uploaded by the
/// actor and not belong to a dossier yet.
async fn check_claim(
    app: &App,
    actor: &Actor,
    d: &dossier::Model,
    claim: &[Uuid],
) -> Result<(), ActionError> {
    if claim.is_empty() {
        return Ok(());
    }
    let metas = store::upload_meta(app.db.conn(), claim).await?;
    let bad = claim.iter().any(|id| {
        !metas.iter().any(|m| {
            m.id == *id
                && m.agency_id == d.agency_id
                && m.owner_id == Some(actor.account_id)
                && m.dossier_id.is_none()
        })
    });
    if bad {
        return Err(invalid(
            "upload_ids",
            "tệp không tồn tại, không phải của tài khoản này hoặc đã được dùng",
        ));
    }
    Ok(())
}

/// Signs the result documents of a resolved dossier with the resolving officer's certificate and the
/// agency's (crate::signing::sign_result) and stores the signed copies as new uploads, which the
/// action claims in place of the unsigned ones. Returns the ids to claim and whether every result
/// was signed: without any credential (an installation without a PKI) or for a result that is not
/// a PDF, the result goes out as uploaded and the event records `"signed": false`. The signed copies
/// are stored before the action's transaction: when the action then fails (a stale version), they
/// stay unclaimed uploads of the officer, like any file uploaded and not used.
async fn sign_results(
    app: &App,
    actor: &Actor,
    d: &dossier::Model,
    ids: &[Uuid],
) -> Result<(Vec<Uuid>, bool), ActionError> {
    let conn = app.db.conn();
    let unavailable = |e: anyhow::Error| {
        tracing::error!(error = %e, "signing keys unavailable");
        ActionError::Failed(Error::Refused(
            "không dùng được chứng thư số để ký kết quả; báo quản trị hệ thống".into(),
        ))
    };
    let organ = app
        .org()
        .await?
        .agency(d.agency_id)
        .map(|a| a.organ_id.clone());
    let (person, organisation) = app
        .signing
        .pair(&app.db, actor.account_id, organ.as_deref())
        .await
        .map_err(unavailable)?;
    if person.is_none() && organisation.is_none() {
        return Ok((ids.to_vec(), false));
    }
    // The signature's time is the real moment of signing (the dossier clock is moved in drills).
    let at = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let reason = format!("Kết quả giải quyết hồ sơ {}", d.code);
    let mut out = Vec::with_capacity(ids.len());
    let mut all = true;
    for id in ids {
        let f = store::upload_content(conn, *id).await?;
        if !f.content.starts_with(b"%PDF-") {
            out.push(*id);
            all = false;
            continue;
        }
        let signed = crate::signing::sign_result(
            &f.content,
            person.as_deref(),
            organisation.as_deref(),
            &reason,
            at,
        )
        .map_err(|e| invalid("upload_ids", format!("{}: {e}", f.file_name)))?;
        let meta = store::save_upload(
            &app.db,
            &actor.audit_ctx(),
            store::NewUpload {
                agency_id: d.agency_id,
                owner_id: Some(actor.account_id),
                file_name: f.file_name.clone(),
                content_type: "application/pdf".into(),
                content: signed,
            },
        )
        .await?;
        out.push(meta.id);
    }
    Ok((out, all && person.is_some() && organisation.is_some()))
}
