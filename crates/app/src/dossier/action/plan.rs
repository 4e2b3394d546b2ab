//! One planner per action: what it changes in the dossier's row, the event's data, the
//! notification to the applicant and the uploads it claims, each field checked with its reason.

use super::*;

/// `refuse`: the dossier is not received, with the reason (form 03, Circular 01/2018 annex; Decree
/// 61/2018 art. 15.2).
pub(super) fn refuse(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step { d, now, reason, .. } = *s;
    s.need_reason("lý do từ chối (mẫu 03)")?;
    p.change.finished_at = Some(now);
    p.data = json!({ "reason": reason });
    p.messages = message(
        d,
        "refusal",
        "Từ chối tiếp nhận hồ sơ",
        format!("Hồ sơ {} không được tiếp nhận. Lý do: {reason}", d.code),
    );
    Ok(())
}

/// `request_supplement`: the documents to add (form 02; Decree 61/2018 art. 15.2): the clock stops
/// until they come, and the request is counted (one at most in the rules' facts).
pub(super) fn request_supplement(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        d,
        now,
        reason,
        facts,
        ..
    } = *s;
    s.need_reason("các giấy tờ cần bổ sung (mẫu 02)")?;
    p.change.supplement_requests = Some(facts.supplement_requests as i32);
    p.change.paused_at = Some(Some(now));
    p.data = json!({ "reason": reason });
    p.messages = message(
        d,
        "supplement_request",
        "Yêu cầu bổ sung hồ sơ",
        format!(
            "Hồ sơ {} cần bổ sung: {reason}. Thời gian bổ sung không tính vào thời hạn giải quyết.",
            d.code
        ),
    );
    Ok(())
}

/// `supplement`: the documents added; the clock restarts and the appointment moves by the working
/// time spent waiting (Decree 61/2018 art. 15; domain rules §1.3), never before an extended date.
pub(super) fn supplement(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        d,
        req,
        cal,
        now,
        local_now,
        ..
    } = *s;
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
    p.change.paused_at = Some(None);
    p.change.paused_seconds = Some(total as i64);
    let shifted = from_local(due);
    p.change.due_at = Some(if d.extended {
        shifted.max(d.due_at)
    } else {
        shifted
    });
    p.claim = req.upload_ids.clone();
    p.data = json!({ "paused_working_seconds": waited, "upload_ids": req.upload_ids });
    Ok(())
}

/// `assign`: the unit (and officer) that handles the dossier, with the internal due time of the step
/// from the procedure's allocation (Decree 61/2018 art. 16, 18).
pub(super) async fn assign(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        app,
        d,
        req,
        cal,
        local_now,
        ..
    } = *s;
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
                TimeUnit::WorkingHours => WorkDuration::Seconds((alloc.value * 3600.0) as u64),
                TimeUnit::WorkingDays | TimeUnit::Days => {
                    WorkDuration::HalfDays((alloc.value * 2.0).round() as u32)
                }
            };
            cal.due(local_now, dur, None).ok().map(from_local)
        })
        .map_or(d.due_at, |t| t.min(d.due_at));
    p.change.handler_unit_id = Some(unit.id);
    p.change.handler_id = Some(req.officer_id);
    p.data = json!({
        "from_unit": d.handler_unit_id, "unit": unit.code, "unit_id": unit.id,
        "officer_id": req.officer_id, "internal_due_at": internal_due,
    });
    Ok(())
}

/// `request_payment`: the financial obligation to pay (fees and charges), added to the dossier's.
pub(super) fn request_payment(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step { d, req, .. } = *s;
    let amount = req
        .amount_vnd
        .filter(|a| (1..=1_000_000_000_000).contains(a));
    let Some(amount) = amount else {
        return Err(invalid(
            "amount_vnd",
            "số tiền phải nộp là số nguyên dương (đồng)",
        ));
    };
    p.change.fees_vnd = Some(d.fees_vnd + amount);
    p.data = json!({ "amount_vnd": amount });
    p.messages = message(
        d,
        "payment_request",
        "Thông báo nghĩa vụ tài chính",
        format!("Hồ sơ {}: đề nghị nộp {amount} đồng.", d.code),
    );
    Ok(())
}

/// `pay`: the payment with its receipt number.
pub(super) fn pay(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step { req, .. } = *s;
    let no = req.receipt_no.as_deref().map(str::trim).unwrap_or_default();
    if no.is_empty() || no.len() > 40 {
        return Err(invalid(
            "receipt_no",
            "số biên lai bắt buộc, tối đa 40 ký tự",
        ));
    }
    p.data = json!({ "receipt_no": no, "amount_vnd": req.amount_vnd });
    Ok(())
}

/// `resolve`: the result documents; the outcome (early, on time, late) judged on the working time
/// used (Decision 766 indicator 2.1) and the applicant told the result is ready.
pub(super) async fn resolve(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        app,
        d,
        req,
        cal,
        now,
        ..
    } = *s;
    if req.upload_ids.is_empty() {
        return Err(invalid(
            "upload_ids",
            "cần đính kèm văn bản kết quả giải quyết",
        ));
    }
    p.claim = req.upload_ids.clone();
    let events = store::events(app.db.conn(), d.id).await?;
    let mut finished = d.clone();
    finished.finished_at = Some(now);
    let a =
        assess(cal, &finished, &events, now).ok_or_else(|| cal_err("assessment out of range"))?;
    let o = match a.progress {
        Progress::Finished(o) => o,
        _ => Outcome::Late,
    };
    p.outcome = Some(o);
    p.change.finished_at = Some(now);
    p.change.resolved_at = Some(now);
    p.change.outcome = Some(o.code().to_owned());
    p.change.working_seconds_used = Some(a.working_seconds_used as i64);
    p.data = json!({ "upload_ids": req.upload_ids, "outcome": o.code(), "working_seconds_used": a.working_seconds_used, "paused_working_seconds": a.paused_working_seconds });
    p.messages = message(
        d,
        "result_ready",
        "Đã có kết quả",
        format!(
            "Hồ sơ {} đã có kết quả; nhận kết quả theo hình thức đã chọn.",
            d.code
        ),
    );
    Ok(())
}

/// `extend`: the one new appointment with the apology (form 04; Decree 61/2018 art. 19.3): a working
/// day after the current appointment, once.
pub(super) fn extend(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        d,
        req,
        cal,
        local_now,
        reason,
        ..
    } = *s;
    s.need_reason("lý do chậm trễ (mẫu 04)")?;
    let Some(day) = req.new_due_date else {
        return Err(invalid("new_due_date", "cần ngày hẹn trả mới (YYYY-MM-DD)"));
    };
    let end = cal.hours().end_of_day();
    let new_due = day.and_time(
        chrono::NaiveTime::from_num_seconds_from_midnight_opt(end, 0).unwrap_or_default(),
    );
    ddom::check_extension(cal, to_local(d.due_at), local_now, new_due, d.extended)
        .map_err(|e| invalid("new_due_date", e.to_string()))?;
    p.change.extended = Some(true);
    p.change.due_at = Some(from_local(new_due));
    p.data = json!({ "reason": reason, "old_due_at": d.due_at, "new_due_at": from_local(new_due) });
    p.messages = message(
        d,
        "apology",
        "Xin lỗi và hẹn lại ngày trả kết quả",
        format!(
            "Hồ sơ {} chưa thể trả đúng hẹn. Lý do: {reason}. Ngày hẹn trả mới: {}. Cơ quan chân thành xin lỗi.",
            d.code,
            day.format("%d/%m/%Y")
        ),
    );
    Ok(())
}

/// `stop`: processing stops, with the reason.
pub(super) fn stop(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step { now, reason, .. } = *s;
    s.need_reason("lý do dừng xử lý")?;
    p.change.finished_at = Some(now);
    p.data = json!({ "reason": reason });
    Ok(())
}

/// `withdraw`: the applicant withdraws; a dossier not yet received is simply closed.
pub(super) fn withdraw(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step {
        now, reason, from, ..
    } = *s;
    if from != DossierState::Submitted {
        p.change.finished_at = Some(now);
    }
    p.data = json!({ "reason": reason });
    Ok(())
}

/// `return_result`: the result returned on the applicant's channel (T7.7); by post with the tracking
/// number and every delivery attempt, the last one delivered.
pub(super) fn return_result(s: &Step<'_>, p: &mut Planned) -> Result<(), ActionError> {
    let Step { d, req, now, .. } = *s;
    let ch = Channel::parse(&d.return_channel).unwrap_or(Channel::Counter);
    p.return_channel = Some(ch);
    p.change.returned_at = Some(now);
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
        p.data = json!({ "channel": ch.code(), "tracking_number": tracking, "delivery_attempts": attempts });
    } else {
        p.data = json!({ "channel": ch.code() });
    }
    p.messages = message(
        d,
        "result_returned",
        "Đã trả kết quả",
        format!("Kết quả hồ sơ {} đã được trả ({}).", d.code, ch.label_vi()),
    );
    Ok(())
}
