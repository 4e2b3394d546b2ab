//! The dossier page: its state, events and files, the actions allowed now as forms, the forms
//! 01–05 as PDF and the files.

use super::*;

pub struct EventRow {
    pub(super) at: String,
    pub(super) label: &'static str,
    pub(super) actor: String,
    pub(super) detail: String,
}

pub struct FileRow {
    pub(super) id: Uuid,
    pub(super) name: String,
    pub(super) size: String,
}

pub struct ActionForm {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
    pub(super) needs_reason: bool,
    pub(super) reason_label: &'static str,
}

#[derive(Template)]
#[template(path = "dossier_view.html")]
pub(super) struct ViewPage {
    pub(super) l: Layout,
    pub(super) d: Dossier,
    pub(super) new: bool,
    pub(super) state_label: &'static str,
    pub(super) procedure_name: String,
    pub(super) channel: &'static str,
    pub(super) return_channel: &'static str,
    pub(super) received: String,
    pub(super) due: String,
    pub(super) original_due: String,
    pub(super) outcome: &'static str,
    pub(super) staff: bool,
    pub(super) events: Vec<EventRow>,
    pub(super) files: Vec<FileRow>,
    pub(super) forms: Vec<(&'static str, &'static str)>,
    pub(super) actions: Vec<ActionForm>,
    pub(super) units: Vec<(String, String)>,
    pub(super) errors: Vec<FieldError>,
    pub(super) failed_action: String,
    pub(super) notice: String,
}

impl ViewPage {
    pub(super) fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

pub(super) fn action_form(a: Action) -> ActionForm {
    let (label, needs_reason, reason_label) = match a {
        Action::Receive => ("Tiếp nhận hồ sơ", false, ""),
        Action::Refuse => ("Từ chối tiếp nhận (mẫu 03)", true, "Lý do từ chối"),
        Action::RequestSupplement => (
            "Yêu cầu bổ sung (mẫu 02)",
            true,
            "Giấy tờ cần bổ sung, hoàn thiện",
        ),
        Action::Supplement => ("Ghi nhận đã bổ sung", false, ""),
        Action::Assign => ("Chuyển xử lý", false, ""),
        Action::RequestPayment => ("Thông báo nghĩa vụ tài chính", false, ""),
        Action::Pay => ("Ghi nhận đã nộp phí, lệ phí", false, ""),
        Action::Approve => ("Phê duyệt kết quả", false, ""),
        Action::Resolve => ("Có kết quả giải quyết", false, ""),
        Action::Extend => ("Xin lỗi, hẹn lại ngày trả (mẫu 04)", true, "Lý do chậm trễ"),
        Action::Stop => ("Dừng xử lý", true, "Lý do dừng"),
        Action::Withdraw => ("Rút hồ sơ", false, ""),
        Action::ReturnResult => ("Trả kết quả", false, ""),
    };
    ActionForm {
        code: a.code(),
        label,
        needs_reason,
        reason_label,
    }
}

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    #[serde(default)]
    pub(super) moi: Option<String>,
    #[serde(default)]
    pub(super) xong: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn view_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    caller: &Caller,
    d: Dossier,
    new: bool,
    errors: Vec<FieldError>,
    failed_action: String,
    notice: String,
) -> PageResult<ViewPage> {
    let events = store::events(state, d.id).await?;
    let org = state.org().await?;
    let units = &org.units;
    let unit_name = |id: Option<Uuid>| {
        id.and_then(|id| org.unit_by_id(id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let staff = caller.role != Role::Applicant;
    let event_rows = events
        .iter()
        .map(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
            let mut detail = Vec::new();
            if let Some(r) = data["reason"].as_str().filter(|r| !r.is_empty()) {
                detail.push(format!("Lý do: {r}"));
            }
            if let Some(u) = data["unit_id"]
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                detail.push(format!("Đến: {}", unit_name(Some(u))));
            }
            if let Some(t) = data["tracking_number"].as_str() {
                detail.push(format!("Mã vận đơn: {t}"));
            }
            if let Some(o) = data["outcome"].as_str() {
                detail.push(svc::outcome_label(o).to_owned());
            }
            if !e.note.is_empty() {
                detail.push(e.note.clone());
            }
            EventRow {
                at: motcua_domain::time::format_vn(e.at),
                label: svc::action_label(&e.action),
                actor: if e.actor_role == "applicant" {
                    "Người nộp hồ sơ".to_owned()
                } else {
                    unit_name(e.actor_unit)
                },
                detail: detail.join(". "),
            }
        })
        .collect();
    let files = store::files(state, d.id)
        .await?
        .into_iter()
        .map(|u| FileRow {
            id: u.id,
            name: u.file_name,
            size: format!("{:.1} KB", u.size as f64 / 1024.0).replace('.', ","),
        })
        .collect();
    let mut forms = vec![("01", "Mẫu 01 — Giấy tiếp nhận và hẹn trả kết quả")];
    for (action, n, label) in [
        ("request_supplement", "02", "Mẫu 02 — Phiếu yêu cầu bổ sung"),
        ("refuse", "03", "Mẫu 03 — Phiếu từ chối tiếp nhận"),
        ("extend", "04", "Mẫu 04 — Phiếu xin lỗi và hẹn lại"),
    ] {
        if events.iter().any(|e| e.action == action) {
            forms.push((n, label));
        }
    }
    if staff {
        forms.push(("05", "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết"));
    }
    let actions = svc::actions_for(state, &caller.actor(), &d)
        .await
        .map_err(app_to_page)?
        .into_iter()
        .map(action_form)
        .collect();
    let procedure_name = d.procedure_name.clone();
    Ok(ViewPage {
        l: Layout::build(state, viewer, csrf, "/ho-so").await,
        new,
        state_label: svc::state_of(&d).label_vi(),
        procedure_name,
        channel: Channel::parse(&d.channel).map_or("", Channel::label_vi),
        return_channel: Channel::parse(&d.return_channel).map_or("", Channel::label_vi),
        received: format_vn(d.received_at),
        due: format_vn(d.due_at),
        original_due: format_vn(d.original_due_at),
        outcome: d.outcome.as_deref().map_or("", svc::outcome_label),
        staff,
        events: event_rows,
        files,
        forms,
        actions,
        units: units
            .iter()
            .filter(|u| u.agency_id == d.agency_id)
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        errors,
        failed_action,
        notice,
        d,
    })
}

pub(super) async fn visible_page(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> PageResult<Dossier> {
    let d = store::by_code(state, code)
        .await?
        .ok_or(PageError::NotFound)?;
    if !svc::can_see(state, &caller.actor(), &d)
        .await
        .map_err(app_to_page)?
    {
        return Err(PageError::NotFound);
    }
    Ok(d)
}

pub async fn view(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(code): Path<String>,
    Query(q): Query<ViewQuery>,
) -> PageResult<Response> {
    let caller = match signed_in(&viewer, &format!("/ho-so/{}", enc(&code))) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    let d = visible_page(&state, &caller, &code).await?;
    let notice = if q.xong.is_some() {
        "Đã cập nhật hồ sơ.".to_owned()
    } else {
        String::new()
    };
    let page = view_page(
        &state,
        &viewer,
        &csrf,
        &caller,
        d,
        q.moi.is_some(),
        Vec::new(),
        String::new(),
        notice,
    )
    .await?;
    Ok(html(StatusCode::OK, &page))
}

/// `POST /ho-so/{code}/thao-tac`: one action, with the version the page showed.
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Body,
) -> PageResult<Response> {
    let caller = viewer.0.clone().ok_or(PageError::Forbidden)?;
    let (mut fields, files) = read_multipart(&headers, body, state.config.upload_limit_bytes)
        .await
        .map_err(api_to_page)?;
    verify_csrf(
        &method,
        &headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let d = visible_page(&state, &caller, &code).await?;
    let g = |f: &HashMap<String, String>, k: &str| f.get(k).cloned().unwrap_or_default();
    let mut errors = Vec::new();
    let mut upload_ids = Vec::new();
    for (_, name, bytes) in files {
        match check_file(&name, &bytes) {
            Ok(_) => {
                let m = svc::save_upload(&state, &caller.actor(), name, bytes)
                    .await
                    .map_err(app_to_page)?;
                upload_ids.push(m.id);
            }
            Err(m) => errors.push(FieldError::new("upload_ids", m)),
        }
    }
    let action = g(&fields, "action");
    let version: i64 = g(&fields, "version").parse().unwrap_or(-1);
    let attempts = if !g(&fields, "delivered_at").is_empty() {
        vec![DeliveryAttempt {
            at: format!("{}:00+07:00", g(&fields, "delivered_at")),
            outcome: "delivered".into(),
            note: String::new(),
        }]
    } else {
        Vec::new()
    };
    let req = ActionRequest {
        action: action.clone(),
        note: g(&fields, "note"),
        reason: g(&fields, "reason"),
        unit: Some(g(&fields, "unit")).filter(|s| !s.is_empty()),
        officer_id: None,
        new_due_date: chrono::NaiveDate::parse_from_str(&g(&fields, "new_due_date"), "%Y-%m-%d")
            .ok(),
        upload_ids,
        amount_vnd: g(&fields, "amount_vnd")
            .replace('.', "")
            .trim()
            .parse()
            .ok(),
        receipt_no: Some(g(&fields, "receipt_no")).filter(|s| !s.is_empty()),
        tracking_number: Some(g(&fields, "tracking_number")).filter(|s| !s.is_empty()),
        delivery_attempts: attempts,
    };
    if errors.is_empty() {
        match svc::action::act(&state, &caller.actor(), &d, version, req).await {
            Ok(d) => return Ok(Redirect::to(&format!("/ho-so/{}?xong=1", d.code)).into_response()),
            Err(ActionError::Failed(motcua_app::Error::Invalid(e))) => errors = field_errors(e),
            Err(ActionError::Failed(
                motcua_app::Error::Refused(m) | motcua_app::Error::Stale(m),
            )) => errors.push(FieldError::new("version", m)),
            Err(ActionError::NotAllowed { message, .. }) => {
                errors.push(FieldError::new("action", message))
            }
            Err(ActionError::Failed(e)) => return Err(app_to_page(e)),
        }
    }
    fields.clear();
    let d = visible_page(&state, &caller, &code).await?;
    let page = view_page(
        &state,
        &viewer,
        &csrf,
        &caller,
        d,
        false,
        errors,
        action,
        String::new(),
    )
    .await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn form_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((code, number)): Path<(String, String)>,
) -> PageResult<Response> {
    let caller = viewer.0.clone().ok_or(PageError::Forbidden)?;
    let d = visible_page(&state, &caller, &code).await?;
    let form = motcua_forms::Form::parse(&number).ok_or(PageError::NotFound)?;
    if form == motcua_forms::Form::ControlSlip && caller.role == Role::Applicant {
        return Err(PageError::NotFound);
    }
    crate::download::form_pdf(&state, &headers, &d, form)
        .await
        .map_err(api_to_page)
}

pub async fn file_download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, id)): Path<(String, Uuid)>,
) -> PageResult<Response> {
    let caller = viewer.0.clone().ok_or(PageError::Forbidden)?;
    let d = visible_page(&state, &caller, &code).await?;
    motcua_app::dossier::file_of(&state, d.id, id)
        .await
        .map(crate::download::upload)
        .map_err(app_to_page)
}
