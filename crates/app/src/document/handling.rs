//! Handling an incoming document (Decree 30/2020/NĐ-CP art. 24): the office presents it to the
//! leader, the leader assigns a unit and a due date, the unit starts and completes it; the sender
//! is told with the statuses 04, 05, 06 (QCVN 102:2016) through the outbox.

use super::{Document, refusal};
use crate::{Actor, App, Error, OrgSnapshot, Problem, Result};
use motcua_domain::account::Role;
use motcua_domain::document::HandlingStep;
use motcua_store::document as store;
use uuid::Uuid;

/// One handling step as asked.
#[derive(Debug, Clone, Default)]
pub struct Handling {
    /// `present`, `assign`, `start`, `complete`.
    pub step: String,
    /// The version the actor last saw.
    pub version: i64,
    /// present: the leader's account (a unit leader or an administrator of the agency).
    pub leader_id: Option<Uuid>,
    /// assign: the unit that handles it (id or code).
    pub unit: Option<String>,
    /// assign: the due date, `YYYY-MM-DD`, not before today.
    pub due_date: Option<String>,
    /// The leader's instruction or the unit's report (at most 2,000 characters).
    pub note: Option<String>,
}

/// Whom the office may present a document to: the active unit leaders and administrators of the
/// actor's agency, `(account id, full name)`.
pub async fn leaders(app: &App, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
    Ok(motcua_store::account::list(app.db.conn(), None)
        .await?
        .into_iter()
        .filter(|a| {
            a.active
                && a.agency_id == actor.agency_id
                && matches!(Role::parse(&a.role), Ok(Role::UnitLeader | Role::Admin))
        })
        .map(|a| (a.id, a.full_name))
        .collect())
}

/// Whether `actor` may take `step` on the incoming document `d` now: a step its handling status
/// allows (`HandlingStep::allowed_from`) and one of the actor's office (Decree 30/2020/NĐ-CP
/// art. 24): the office (an administrator) presents what it registered; the leader it was
/// presented to, or the office on the leader's instruction, assigns; the unit starts and
/// completes. The pages offer exactly the steps this allows; [`handle`] refuses the others.
pub fn may_take(actor: &Actor, d: &Document, step: HandlingStep) -> bool {
    let status = d.handling_status.as_deref().unwrap_or_default();
    step.allowed_from(status).is_ok() && may_act(actor, d, step)
}

/// The actor's part in a step, whatever the status.
fn may_act(actor: &Actor, d: &Document, step: HandlingStep) -> bool {
    match step {
        HandlingStep::Present => actor.role == Role::Admin,
        HandlingStep::Assign => {
            actor.role == Role::Admin
                || (actor.role == Role::UnitLeader
                    && (d.leader_id == Some(actor.account_id) || d.handling_unit_id.is_some()))
        }
        HandlingStep::Start | HandlingStep::Complete => true,
    }
}

/// The units of the actor's agency that it may assign a document to, `(code, name)`: any for the
/// office (an administrator), the units under a leader's own otherwise — as [`handle`] checks.
pub fn assignable_units(org: &OrgSnapshot, actor: &Actor) -> Vec<(String, String)> {
    let reach = org.subtree(actor.unit_id);
    org.units
        .iter()
        .filter(|u| u.agency_id == actor.agency_id)
        .filter(|u| actor.role == Role::Admin || reach.contains(&u.id))
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect()
}

/// [`handle`] on a document the actor may see, found by id; `NotFound` unless it is incoming.
pub async fn handle_by_id(
    app: &App,
    actor: &Actor,
    scope: motcua_domain::access::Scope,
    id: Uuid,
    req: &Handling,
) -> Result<Document> {
    let d = super::find(app, actor, scope, id).await?;
    if d.direction != "in" {
        return Err(Error::NotFound);
    }
    handle(app, actor, &d, req).await
}

/// One handling step of an incoming document, checked (who may take it, the leader, the unit,
/// the due date) and stored with the status for the sender queued (Decree 30/2020/NĐ-CP art. 24;
/// QCVN 102:2016 statuses 04–06).
pub async fn handle(app: &App, actor: &Actor, d: &Document, req: &Handling) -> Result<Document> {
    let Some(step) = HandlingStep::parse(req.step.trim()) else {
        return Err(Error::Invalid(vec![Problem::new(
            "step",
            "bước xử lý: present, assign, start hoặc complete",
        )]));
    };
    let org = app.org().await?;
    let mut errors = Vec::new();
    let note = req
        .note
        .as_deref()
        .map(|n| motcua_domain::catalog::fold::nfc(n.trim()))
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2_000) {
        errors.push(Problem::new("note", "ý kiến tối đa 2.000 ký tự"));
    }
    let mut change = store::HandlingChange {
        step,
        leader_id: None,
        unit_id: None,
        due_date: None,
        note,
    };
    match step {
        HandlingStep::Present => {
            // The office (văn thư) presents what it registered.
            if !may_act(actor, d, step) {
                return Err(Error::Forbidden);
            }
            match req.leader_id {
                None => errors.push(Problem::new("leader_id", "chọn lãnh đạo để trình")),
                Some(id) => {
                    let leader = motcua_store::account::find(app.db.conn(), id).await?;
                    let ok = leader.as_ref().is_some_and(|l| {
                        l.active
                            && l.agency_id == d.agency_id
                            && matches!(Role::parse(&l.role), Ok(Role::UnitLeader | Role::Admin))
                    });
                    if ok {
                        change.leader_id = Some(id);
                    } else {
                        errors.push(Problem::new(
                            "leader_id",
                            "người nhận trình phải là lãnh đạo của cơ quan",
                        ));
                    }
                }
            }
        }
        HandlingStep::Assign => {
            // The leader it was presented to, or the office on the leader's instruction.
            if !may_act(actor, d, step) {
                return Err(Error::Forbidden);
            }
            let unit = req
                .unit
                .as_deref()
                .and_then(|u| org.unit(u.trim()))
                .filter(|u| u.agency_id == d.agency_id);
            match unit {
                None => errors.push(Problem::new("unit", "chọn đơn vị xử lý của cơ quan")),
                Some(u) => {
                    if actor.role == Role::UnitLeader && !org.subtree(actor.unit_id).contains(&u.id)
                    {
                        errors.push(Problem::new(
                            "unit",
                            "chỉ giao được cho đơn vị thuộc quyền quản lý",
                        ));
                    } else {
                        change.unit_id = Some(u.id);
                    }
                }
            }
            let today = chrono::Utc::now()
                .with_timezone(&motcua_domain::time::VN_OFFSET)
                .date_naive();
            match req
                .due_date
                .as_deref()
                .map(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
            {
                Some(Ok(due)) if due >= today => change.due_date = Some(due),
                Some(Ok(_)) => errors.push(Problem::new(
                    "due_date",
                    "hạn xử lý không được trước ngày hôm nay",
                )),
                Some(Err(_)) => {
                    errors.push(Problem::new("due_date", "hạn xử lý theo dạng YYYY-MM-DD"))
                }
                None => errors.push(Problem::new("due_date", "hạn xử lý bắt buộc")),
            }
        }
        HandlingStep::Start | HandlingStep::Complete => {}
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    // The sender is told (04, 05, 06) when it is an exchange partner.
    let mut report = None;
    if let (Some(code), Some(sender), Some(external_id)) = (
        step.status_code(),
        d.sender_organ_id.as_deref(),
        d.external_id.as_deref(),
    ) && motcua_store::exchange::partner(app.db.conn(), sender)
        .await?
        .is_some()
        && let Some(ours) = org.agency(d.agency_id)
    {
        let status = motcua_edxml::StatusCode::parse(code)
            .ok_or(Error::Internal(anyhow::anyhow!("unknown status {code}")))?;
        let label = motcua_domain::document::handling_label_vi(step.target());
        let message = super::exchange::status_about(
            ours,
            external_id,
            sender,
            d.code.as_deref().unwrap_or_default(),
            status,
            label,
        );
        let xml =
            String::from_utf8(message.to_xml()).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
        report = Some((sender.to_owned(), xml));
    }
    let updated = store::handle_incoming(
        &app.db,
        &actor.audit_ctx(),
        d.id,
        req.version,
        change,
        report.clone(),
    )
    .await
    .map_err(refusal)?;
    if report.is_some()
        && let Err(e) = crate::notify::deliver_due(app).await
    {
        tracing::warn!(error = %e, "exchange delivery round failed; the notifier retries");
    }
    Ok(updated)
}
