//! The dossiers' statistics and the reform office's CSV export.

use super::*;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First month, `YYYY-MM` (or a date in it).
    pub from: String,
    /// Last month, `YYYY-MM` (or a date in it).
    pub to: String,
    /// A unit code (within the caller's scope).
    pub unit: Option<String>,
    /// A procedure code.
    pub procedure: Option<String>,
}

pub(super) fn month_param(field: &str, raw: &str) -> Result<i32, FieldError> {
    let raw = raw.trim();
    let bad = || FieldError::new(field, "tháng theo dạng YYYY-MM (hoặc ngày YYYY-MM-DD)");
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d"))
        .map_err(|_| bad())?;
    use chrono::Datelike;
    if !(2000..=2199).contains(&date.year()) {
        return Err(bad());
    }
    Ok(date.year() * 100 + date.month() as i32)
}

/// Dossier statistics for the months `from..=to`: received (new and carried over), resolved
/// early / on time / late, in process within time / overdue (now), returned by channel, postal.
#[utoipa::path(get, path = "/api/v1/stats/dossiers", tag = "dossier", operation_id = "dossier_stats",
    security(("bearer" = [])), params(StatsParams),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn dossier_stats(
    State(state): State<AppState>,
    caller: Api<ViewDossierStats>,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<axum::Json<Value>> {
    let mut errors = Vec::new();
    let from = month_param("from", &p.from)
        .map_err(|e| errors.push(e))
        .ok();
    let to = month_param("to", &p.to).map_err(|e| errors.push(e)).ok();
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(FieldError::new(
            "to",
            "tháng cuối phải không trước tháng đầu",
        ));
    }
    let mut filter = StatFilter {
        agency_id: caller.caller.user.agency_id,
        units: caller.caller.units_in(&state, caller.scope).await?,
        procedure_code: p
            .procedure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    };
    if let Some(code) = p.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        match state.org().await?.unit(code) {
            Some(u) if filter.units.as_ref().is_none_or(|us| us.contains(&u.id)) => {
                filter.units = Some(vec![u.id]);
            }
            _ => errors.push(FieldError::new(
                "unit",
                "đơn vị không có hoặc ngoài phạm vi của tài khoản",
            )),
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    Ok(axum::Json(stats_json(&state, &filter, from, to).await?))
}

pub(super) async fn stats_json(
    state: &AppState,
    filter: &StatFilter,
    from: i32,
    to: i32,
) -> Result<Value, ApiError> {
    use svc::stats::month_label;
    let s = svc::stats::statistics(state, filter, from, to).await?;
    let c = |k: Counter| s.count(k);
    Ok(json!({
        "from": month_label(s.from),
        "to": month_label(s.to),
        "received": {
            "new": c(Counter::Received),
            "carried_over": s.carried_over,
            "total": s.carried_over + c(Counter::Received),
            "online_submitted": c(Counter::Submitted),
        },
        "resolved": {
            "early": c(Counter::ResolvedEarly),
            "on_time": c(Counter::ResolvedOnTime),
            "late": c(Counter::ResolvedLate),
            "total": s.resolved(),
            "on_time_share": s.on_time_share(),
        },
        "finished": c(Counter::Finished),
        "refused": c(Counter::Refused),
        "withdrawn": c(Counter::Withdrawn),
        "stopped": c(Counter::Stopped),
        "pending_at_end": s.pending_at_end(),
        "in_process_now": { "within_time": s.within_time, "overdue": s.overdue },
        "returned": {
            "online": c(Counter::ReturnedOnline),
            "counter": c(Counter::ReturnedCounter),
            "postal": c(Counter::ReturnedPostal),
        },
        "postal": { "received": c(Counter::ReceivedPostal), "returned": c(Counter::ReturnedPostal) },
        "supplement_requests": c(Counter::SupplementRequests),
        "by_month": s.by_month.iter().map(|(m, t)| json!({"month": m.parse::<i32>().map(month_label).unwrap_or_default(), "counters": t})).collect::<Vec<_>>(),
        "by_channel": s.by_channel.iter().map(|(c, t)| json!({"channel": c, "counters": t})).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// First day of receipt, `YYYY-MM-DD` (Vietnam time).
    pub from: NaiveDate,
    /// Last day of receipt, `YYYY-MM-DD` (inclusive).
    pub to: NaiveDate,
}

pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub(super) fn vn(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&VN_OFFSET).to_rfc3339())
        .unwrap_or_default()
}

/// CSV of the dossiers received in a period, for the reform office: code, procedure, channel,
/// received_at, due_at, resolved_at, returned_at, return_channel, outcome, supplement_count,
/// paused_working_hours. No personal data.
#[utoipa::path(get, path = "/api/v1/dossiers/export", tag = "dossier", operation_id = "export_dossiers",
    security(("bearer" = [])), params(ExportParams),
    responses((status = 200, content_type = "text/csv", description = "CSV, UTF-8"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn export_dossiers(
    State(state): State<AppState>,
    caller: Api<ExportDossiers>,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    if p.to < p.from || (p.to - p.from).num_days() > 366 {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "to",
            "khoảng thời gian từ 1 ngày đến 1 năm, ngày cuối không trước ngày đầu",
        )]));
    }
    let start = from_local(p.from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = from_local(
        p.to.succ_opt()
            .unwrap_or(p.to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let rows = store::received_between(&state, caller.caller.user.agency_id, start, end).await?;
    let mut out = String::from(
        "code,procedure,channel,received_at,due_at,resolved_at,returned_at,return_channel,outcome,supplement_count,paused_working_hours\n",
    );
    for d in rows {
        let line = [
            csv_field(&d.code),
            csv_field(&d.procedure_code),
            d.channel.clone(),
            vn(Some(d.received_at)),
            vn(Some(d.due_at)),
            vn(d.resolved_at),
            vn(d.returned_at),
            d.return_channel.clone(),
            d.outcome.clone().unwrap_or_default(),
            d.supplement_requests.to_string(),
            format!("{:.2}", d.paused_seconds as f64 / 3600.0),
        ];
        out.push_str(&line.join(","));
        out.push('\n');
    }
    let name = format!("ho-so-{}-{}.csv", p.from, p.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out,
    )
        .into_response())
}
