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
    let event_rows = events.iter().map(|e| event_row(e, &unit_name)).collect();
    let files = store::files(state, d.id)
        .await?
        .into_iter()
        .map(|u| FileRow {
            id: u.id,
            name: u.file_name,
            size: format!("{:.1} KB", u.size as f64 / 1024.0).replace('.', ","),
        })
        .collect();
    let happened: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    let forms = motcua_app::dossier::forms::available(&happened, &caller.actor())
        .into_iter()
        .map(form_link)
        .collect();
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

/// One event of the dossier's history as its row shows it: when, what, who, and the details its
/// data holds (a reason, the unit it went to, a tracking number, an outcome, the note).
fn event_row(e: &store::Event, unit_name: &dyn Fn(Option<Uuid>) -> String) -> EventRow {
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
}

/// A form's number and the label of its link on the dossier's page.
fn form_link(form: motcua_forms::Form) -> (&'static str, &'static str) {
    use motcua_forms::Form as F;
    let label = match form {
        F::Receipt => "Mẫu 01 — Giấy tiếp nhận và hẹn trả kết quả",
        F::SupplementRequest => "Mẫu 02 — Phiếu yêu cầu bổ sung",
        F::Refusal => "Mẫu 03 — Phiếu từ chối tiếp nhận",
        F::Apology => "Mẫu 04 — Phiếu xin lỗi và hẹn lại",
        F::ControlSlip => "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết",
    };
    (form.number(), label)
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
    let actor = caller.actor();
    let mut errors = Vec::new();
    let mut upload_ids = Vec::new();
    for (_, name, bytes) in files {
        match svc::save_upload(&state, &actor, name, bytes).await {
            Ok(m) => upload_ids.push(m.id),
            Err(motcua_app::Error::Invalid(ps)) => errors.extend(
                ps.into_iter()
                    .map(|p| FieldError::new("upload_ids", p.message)),
            ),
            Err(e) => return Err(app_to_page(e)),
        }
    }
    let action = fields.get("action").cloned().unwrap_or_default();
    let version: i64 = fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    if errors.is_empty() {
        let req = action_request(&fields, upload_ids);
        match svc::action::act(&state, &actor, &d, version, req).await {
            Ok(d) => return Ok(Redirect::to(&format!("/ho-so/{}?xong=1", d.code)).into_response()),
            Err(e) => errors = action_errors(e)?,
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

/// The action as the dossier page's form asks it.
fn action_request(fields: &HashMap<String, String>, upload_ids: Vec<Uuid>) -> ActionRequest {
    let g = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let some = |k: &str| Some(g(k)).filter(|s| !s.is_empty());
    let delivery_attempts = match some("delivered_at") {
        Some(at) => vec![DeliveryAttempt {
            at: format!("{at}:00+07:00"),
            outcome: "delivered".into(),
            note: String::new(),
        }],
        None => Vec::new(),
    };
    ActionRequest {
        action: g("action"),
        note: g("note"),
        reason: g("reason"),
        unit: some("unit"),
        officer_id: None,
        new_due_date: chrono::NaiveDate::parse_from_str(&g("new_due_date"), "%Y-%m-%d").ok(),
        upload_ids,
        amount_vnd: g("amount_vnd").replace('.', "").trim().parse().ok(),
        receipt_no: some("receipt_no"),
        tracking_number: some("tracking_number"),
        delivery_attempts,
    }
}

/// A refused action said beside the form's fields; a failure of another kind is the page's error.
fn action_errors(e: ActionError) -> PageResult<Vec<FieldError>> {
    Ok(match e {
        ActionError::Failed(motcua_app::Error::Invalid(e)) => field_errors(e),
        ActionError::Failed(motcua_app::Error::Refused(m) | motcua_app::Error::Stale(m)) => {
            vec![FieldError::new("version", m)]
        }
        ActionError::NotAllowed { message, .. } => vec![FieldError::new("action", message)],
        ActionError::Failed(e) => return Err(app_to_page(e)),
    })
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
    if !motcua_app::dossier::forms::may_see(&caller.actor(), form) {
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
