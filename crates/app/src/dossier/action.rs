//! Taking an action on a dossier (Decree 61/2018 art. 8–19): whether it is allowed now and for
//! this actor, its fields, the new state, appointment and counters, the notification, and for a
//! resolution the signed results; written in one transaction with its event and audit entry.

use super::{actions_for, assess, facts_of, message, nfc, state_of};
use crate::{Actor, App, Error, Problem, Result};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::account::Role;
use motcua_domain::calendar::WorkDuration;
use motcua_domain::catalog::procedure::{Channel, TimeUnit};
use motcua_domain::dossier::state::{self, Action, DossierState};
use motcua_domain::dossier::stats::{self, EventKind};
use motcua_domain::dossier::{self as ddom, Outcome, Progress};
use motcua_domain::time::{from_local, to_local};
use motcua_store::dossier::{self as store, RowChange};
use motcua_store::entity::dossier;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

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

/// Check and take an action on `d` at version `expected_version`.
pub async fn act(
    app: &App,
    actor: &Actor,
    d: &dossier::Model,
    expected_version: i64,
    req: ActionRequest,
) -> Result<dossier::Model, ActionError> {
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
    let now = app.now();
    let cal = app.calendar();
    let cal = &cal.working;
    let reason = nfc(&req.reason);
    let note = nfc(&req.note);
    if note.chars().count() > 2000 || reason.chars().count() > 2000 {
        return Err(invalid("note", "ghi chú và lý do tối đa 2.000 ký tự"));
    }
    let mut change = RowChange {
        state: (next != from).then_some(next.sync_code() as i16),
        ..RowChange::default()
    };
    let mut data = json!({});
    let mut messages = Vec::new();
    let mut claim = Vec::new();
    let mut outcome = None;
    let mut return_channel = None;
    let need_reason = |what: &str| -> Result<(), ActionError> {
        if reason.is_empty() {
            Err(invalid("reason", format!("cần nêu {what}")))
        } else {
            Ok(())
        }
    };
    let local_now = to_local(now);
    match action {
        Action::Receive => {}
        Action::Refuse => {
            need_reason("lý do từ chối (mẫu 03)")?;
            change.finished_at = Some(now);
            data = json!({ "reason": reason });
            messages = message(
                d,
                "refusal",
                "Từ chối tiếp nhận hồ sơ",
                format!("Hồ sơ {} không được tiếp nhận. Lý do: {reason}", d.code),
            );
        }
        Action::RequestSupplement => {
            need_reason("các giấy tờ cần bổ sung (mẫu 02)")?;
            change.supplement_requests = Some(facts.supplement_requests as i32);
            change.paused_at = Some(Some(now));
            data = json!({ "reason": reason });
            messages = message(
                d,
                "supplement_request",
                "Yêu cầu bổ sung hồ sơ",
                format!(
                    "Hồ sơ {} cần bổ sung: {reason}. Thời gian bổ sung không tính vào thời hạn giải quyết.",
                    d.code
                ),
            );
        }
        Action::Supplement => {
            // The clock restarts: the appointment moves by the working time spent waiting.
            let since = d.paused_at.unwrap_or(now);
            let waited = cal
                .working_seconds_between(to_local(since), local_now)
                .map_err(cal_err)?;
            let total = d.paused_seconds.max(0) as u64 + waited;
            let due = if total == 0 {
                to_local(d.original_due_at)
            } else {
                cal.add_working_seconds(to_local(d.original_due_at), total)
                    .map_err(cal_err)?
            };
            change.paused_at = Some(None);
            change.paused_seconds = Some(total as i64);
            let shifted = from_local(due);
            change.due_at = Some(if d.extended {
                shifted.max(d.due_at)
            } else {
                shifted
            });
            claim = req.upload_ids.clone();
            data = json!({ "paused_working_seconds": waited, "upload_ids": req.upload_ids });
        }
        Action::Assign => {
            let Some(code) = req.unit.as_deref().filter(|u| !u.trim().is_empty()) else {
                return Err(invalid("unit", "cần chọn đơn vị nhận hồ sơ"));
            };
            let org = app.org().await?;
            let unit = org
                .unit(code)
                .filter(|u| u.agency_id == d.agency_id)
                .cloned()
                .ok_or_else(|| invalid("unit", format!("không có đơn vị «{}»", code.trim())))?;
            if let Some(officer) = req.officer_id {
                let ok = motcua_store::account::find(app.db.conn(), officer)
                    .await?
                    .is_some_and(|u| {
                        u.unit_id == unit.id
                            && Role::parse(&u.role)
                                .is_ok_and(|r| matches!(r, Role::Officer | Role::UnitLeader))
                    });
                if !ok {
                    return Err(invalid(
                        "officer_id",
                        "người nhận phải là cán bộ hoặc lãnh đạo của đơn vị nhận",
                    ));
                }
            }
            // The internal due time of this step, from the procedure's allocation (by unit code
            // or role); the dossier's appointment when the allocation names none.
            let version = app.version_data(d.procedure_version_id).await?;
            let internal_due = version
                .as_ref()
                .and_then(|v| {
                    let alloc = v
                        .allocation
                        .iter()
                        .find(|a| a.assignee.eq_ignore_ascii_case(&unit.code))?;
                    let dur = match v.processing_time.unit {
                        TimeUnit::WorkingHours => {
                            WorkDuration::Seconds((alloc.value * 3600.0) as u64)
                        }
                        TimeUnit::WorkingDays | TimeUnit::Days => {
                            WorkDuration::HalfDays((alloc.value * 2.0).round() as u32)
                        }
                    };
                    cal.due(local_now, dur, None).ok().map(from_local)
                })
                .map_or(d.due_at, |t| t.min(d.due_at));
            change.handler_unit_id = Some(unit.id);
            change.handler_id = Some(req.officer_id);
            data = json!({
                "from_unit": d.handler_unit_id, "unit": unit.code, "unit_id": unit.id,
                "officer_id": req.officer_id, "internal_due_at": internal_due,
            });
        }
        Action::RequestPayment => {
            let amount = req
                .amount_vnd
                .filter(|a| (1..=1_000_000_000_000).contains(a));
            let Some(amount) = amount else {
                return Err(invalid(
                    "amount_vnd",
                    "số tiền phải nộp là số nguyên dương (đồng)",
                ));
            };
            change.fees_vnd = Some(d.fees_vnd + amount);
            data = json!({ "amount_vnd": amount });
            messages = message(
                d,
                "payment_request",
                "Thông báo nghĩa vụ tài chính",
                format!("Hồ sơ {}: đề nghị nộp {amount} đồng.", d.code),
            );
        }
        Action::Pay => {
            let no = req.receipt_no.as_deref().map(str::trim).unwrap_or_default();
            if no.is_empty() || no.len() > 40 {
                return Err(invalid(
                    "receipt_no",
                    "số biên lai bắt buộc, tối đa 40 ký tự",
                ));
            }
            data = json!({ "receipt_no": no, "amount_vnd": req.amount_vnd });
        }
        Action::Approve => {
            change.approved = Some(true);
        }
        Action::Resolve => {
            if req.upload_ids.is_empty() {
                return Err(invalid(
                    "upload_ids",
                    "cần đính kèm văn bản kết quả giải quyết",
                ));
            }
            claim = req.upload_ids.clone();
            let events = store::events(app.db.conn(), d.id).await?;
            let mut finished = d.clone();
            finished.finished_at = Some(now);
            let a = assess(cal, &finished, &events, now)
                .ok_or_else(|| cal_err("assessment out of range"))?;
            let o = match a.progress {
                Progress::Finished(o) => o,
                _ => Outcome::Late,
            };
            outcome = Some(o);
            change.finished_at = Some(now);
            change.resolved_at = Some(now);
            change.outcome = Some(o.code().to_owned());
            change.working_seconds_used = Some(a.working_seconds_used as i64);
            data = json!({ "upload_ids": req.upload_ids, "outcome": o.code(), "working_seconds_used": a.working_seconds_used, "paused_working_seconds": a.paused_working_seconds });
            messages = message(
                d,
                "result_ready",
                "Đã có kết quả",
                format!(
                    "Hồ sơ {} đã có kết quả; nhận kết quả theo hình thức đã chọn.",
                    d.code
                ),
            );
        }
        Action::Extend => {
            need_reason("lý do chậm trễ (mẫu 04)")?;
            let Some(day) = req.new_due_date else {
                return Err(invalid("new_due_date", "cần ngày hẹn trả mới (YYYY-MM-DD)"));
            };
            let end = cal.hours().end_of_day();
            let new_due = day.and_time(
                chrono::NaiveTime::from_num_seconds_from_midnight_opt(end, 0).unwrap_or_default(),
            );
            ddom::check_extension(cal, to_local(d.due_at), local_now, new_due, d.extended)
                .map_err(|e| invalid("new_due_date", e.to_string()))?;
            change.extended = Some(true);
            change.due_at = Some(from_local(new_due));
            data = json!({ "reason": reason, "old_due_at": d.due_at, "new_due_at": from_local(new_due) });
            messages = message(
                d,
                "apology",
                "Xin lỗi và hẹn lại ngày trả kết quả",
                format!(
                    "Hồ sơ {} chưa thể trả đúng hẹn. Lý do: {reason}. Ngày hẹn trả mới: {}. Cơ quan chân thành xin lỗi.",
                    d.code,
                    day.format("%d/%m/%Y")
                ),
            );
        }
        Action::Stop => {
            need_reason("lý do dừng xử lý")?;
            change.finished_at = Some(now);
            data = json!({ "reason": reason });
        }
        Action::Withdraw => {
            if from != DossierState::Submitted {
                change.finished_at = Some(now);
            }
            data = json!({ "reason": reason });
        }
        Action::ReturnResult => {
            let ch = Channel::parse(&d.return_channel).unwrap_or(Channel::Counter);
            return_channel = Some(ch);
            change.returned_at = Some(now);
            if ch == Channel::Postal {
                let tracking = req
                    .tracking_number
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default();
                if tracking.is_empty() || tracking.len() > 40 {
                    return Err(invalid(
                        "tracking_number",
                        "mã vận đơn bắt buộc khi trả qua bưu chính",
                    ));
                }
                let mut attempts = Vec::new();
                for (i, at) in req.delivery_attempts.iter().enumerate() {
                    let t = DateTime::parse_from_rfc3339(at.at.trim())
                        .map_err(|_| {
                            invalid(
                                &format!("delivery_attempts[{i}].at"),
                                "thời điểm theo RFC 3339",
                            )
                        })?
                        .with_timezone(&Utc);
                    if at.outcome != "delivered" && at.outcome != "failed" {
                        return Err(invalid(
                            &format!("delivery_attempts[{i}].outcome"),
                            "kết quả phát là delivered hoặc failed",
                        ));
                    }
                    attempts.push(json!({ "at": t, "outcome": at.outcome, "note": nfc(&at.note) }));
                }
                if req
                    .delivery_attempts
                    .last()
                    .is_none_or(|a| a.outcome != "delivered")
                {
                    return Err(invalid(
                        "delivery_attempts",
                        "cần ghi các lần phát, lần cuối là delivered (đã phát thành công)",
                    ));
                }
                data = json!({ "channel": ch.code(), "tracking_number": tracking, "delivery_attempts": attempts });
            } else {
                data = json!({ "channel": ch.code() });
            }
            messages = message(
                d,
                "result_returned",
                "Đã trả kết quả",
                format!("Kết quả hồ sơ {} đã được trả ({}).", d.code, ch.label_vi()),
            );
        }
    }
    if !claim.is_empty() {
        let metas = store::upload_meta(app.db.conn(), &claim).await?;
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
    }
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
