//! Dossier pages: filing online (applicants) and at the desk (counter, post) with a check-your-
//! answers step, the work queue, the dossier page with only the actions allowed now, the forms,
//! the public look-up with the rating, and the statistics. Every form is a plain POST.

use super::{Layout, html};
use crate::auth::{Caller, CsrfToken, PageUser, ViewDossierStats, Viewer, verify_csrf};
use crate::error::{ApiError, FieldError, PageError, PageResult, api_to_page, message_for};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::dossier::Dossier;
use motcua_app::dossier::action::{ActionError, ActionRequest, DeliveryAttempt};
use motcua_app::dossier::filing::{ApplicantIn, ComponentIn, FileRequest, PostalIn};
use motcua_app::dossier::queue::{QueueFilter as Filter, queue_query};
use motcua_app::dossier::records::{self as store, Filed, QueueQuery};
use motcua_app::dossier::{self as svc};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::state::{Action, DossierState};
use motcua_domain::time::format_vn;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// A use case's error on a page, as the API's would be ([`api_to_page`]).
fn app_to_page(e: motcua_app::Error) -> PageError {
    api_to_page(e.into())
}

/// The problems of a use case as the fields of a form.
fn field_errors(problems: Vec<motcua_app::Problem>) -> Vec<FieldError> {
    problems.into_iter().map(FieldError::from).collect()
}

/// The signed-in viewer or a redirect to the sign-in page.
fn signed_in(viewer: &Viewer, next: &str) -> Result<Caller, Box<Response>> {
    viewer
        .0
        .clone()
        .ok_or_else(|| Box::new(Redirect::to(&format!("/login?next={next}")).into_response()))
}

// ---------------------------------------------------------------------------------------------
// Filing

pub struct ComponentField {
    code: String,
    name: String,
    required: bool,
    note: String,
    upload_id: String,
    upload_name: String,
    paper: bool,
}

#[derive(Default, Clone)]
pub struct FileFormData {
    kind: String,
    name: String,
    id_number: String,
    phone: String,
    email: String,
    address: String,
    return_channel: String,
    return_address: String,
    channel: String,
    receipt_no: String,
    handed_over_at: String,
    fees_vnd: String,
}

#[derive(Template)]
#[template(path = "dossier_file.html")]
struct FilePage {
    l: Layout,
    code: String,
    procedure_name: String,
    processing: String,
    desk: bool,
    online_return: bool,
    postal_return: bool,
    postal_receipt: bool,
    form: FileFormData,
    components: Vec<ComponentField>,
    errors: Vec<FieldError>,
}

impl FilePage {
    fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "dossier_check.html")]
struct CheckPage {
    l: Layout,
    code: String,
    procedure_name: String,
    desk: bool,
    form: FileFormData,
    rows: Vec<(String, String)>,
    components: Vec<ComponentField>,
    due: String,
    received: String,
    nonce: String,
}

async fn procedure_for_filing(state: &AppState, code: &str) -> PageResult<ProcedureData> {
    motcua_app::catalog::shown_procedure(state, code)
        .await?
        .ok_or(PageError::NotFound)
}

fn may_file(caller: &Caller) -> bool {
    access::allows(caller.role, Permission::FileOnline)
        || access::allows(caller.role, Permission::FileAtDesk)
}

fn components_of(
    p: &ProcedureData,
    fields: &HashMap<String, String>,
    desk: bool,
) -> Vec<ComponentField> {
    p.components
        .iter()
        .map(|c| ComponentField {
            code: c.code.clone(),
            name: c.name.clone(),
            required: c.required,
            note: format!(
                "{} bản chính, {} bản sao{}",
                c.originals,
                c.copies,
                if c.required {
                    ""
                } else {
                    " — không bắt buộc"
                }
            ),
            upload_id: fields
                .get(&format!("upload_{}", c.code))
                .cloned()
                .unwrap_or_default(),
            upload_name: fields
                .get(&format!("upload_name_{}", c.code))
                .cloned()
                .unwrap_or_default(),
            paper: desk && fields.get(&format!("paper_{}", c.code)).is_some(),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    thu_tuc: Option<String>,
}

/// `GET /thu-tuc/{code}/nop` (applicants) and `GET /ho-so/tiep-nhan?thu_tuc=` (the desk).
pub async fn file_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    path: Option<Path<String>>,
    Query(q): Query<FileQuery>,
) -> PageResult<Response> {
    let code = path.map(|Path(c)| c).or(q.thu_tuc).unwrap_or_default();
    let caller = match signed_in(&viewer, &format!("/thu-tuc/{code}/nop")) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    if !may_file(&caller) {
        return Err(PageError::Forbidden);
    }
    let p = procedure_for_filing(&state, &code).await?;
    let desk = caller.role != Role::Applicant;
    let form = FileFormData {
        kind: "citizen".into(),
        name: if desk {
            String::new()
        } else {
            caller.user.full_name.clone()
        },
        email: if desk {
            String::new()
        } else {
            caller.user.email.clone()
        },
        return_channel: if desk { "counter" } else { "online" }.into(),
        channel: if desk { "counter" } else { "online" }.into(),
        ..FileFormData::default()
    };
    let page = file_page(
        &state,
        &viewer,
        &csrf,
        &p,
        desk,
        form,
        &HashMap::new(),
        Vec::new(),
    )
    .await;
    Ok(html(StatusCode::OK, &page))
}

#[allow(clippy::too_many_arguments)]
async fn file_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    p: &ProcedureData,
    desk: bool,
    form: FileFormData,
    fields: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> FilePage {
    FilePage {
        l: Layout::build(state, viewer, csrf, "/ho-so").await,
        code: p.code.to_string(),
        procedure_name: p.name.clone(),
        processing: p.processing_time.label_vi(),
        desk,
        online_return: p.result_kind != motcua_domain::catalog::procedure::ResultKind::Paper,
        postal_return: p.postal_return,
        postal_receipt: p.postal_receipt,
        form,
        components: components_of(p, fields, desk),
        errors,
    }
}

use crate::multipart::read_multipart;
use motcua_domain::dossier::upload::check_file;

fn form_of(f: &HashMap<String, String>) -> FileFormData {
    let g = |k: &str| f.get(k).cloned().unwrap_or_default();
    FileFormData {
        kind: g("kind"),
        name: g("name"),
        id_number: g("id_number"),
        phone: g("phone"),
        email: g("email"),
        address: g("address"),
        return_channel: g("return_channel"),
        return_address: g("return_address"),
        channel: g("channel"),
        receipt_no: g("receipt_no"),
        handed_over_at: g("handed_over_at"),
        fees_vnd: g("fees_vnd"),
    }
}

fn request_of(
    p: &ProcedureData,
    form: &FileFormData,
    fields: &HashMap<String, String>,
    desk: bool,
) -> FileRequest {
    let components = p
        .components
        .iter()
        .filter_map(|c| {
            let upload = fields
                .get(&format!("upload_{}", c.code))
                .and_then(|s| Uuid::parse_str(s).ok());
            let paper = desk && fields.contains_key(&format!("paper_{}", c.code));
            (upload.is_some() || paper).then(|| ComponentIn {
                code: c.code.clone(),
                upload_ids: upload.into_iter().collect(),
            })
        })
        .collect();
    let channel = if desk {
        form.channel.clone()
    } else {
        "online".to_owned()
    };
    FileRequest {
        procedure_code: p.code.to_string(),
        channel: channel.clone(),
        applicant: ApplicantIn {
            kind: form.kind.clone(),
            name: form.name.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            email: form.email.clone(),
            address: form.address.clone(),
        },
        components,
        return_channel: form.return_channel.clone(),
        return_address: Some(form.return_address.clone()).filter(|s| !s.trim().is_empty()),
        postal: (channel == "postal").then(|| PostalIn {
            receipt_no: form.receipt_no.clone(),
            // datetime-local gives Vietnam wall-clock time without an offset.
            handed_over_at: if form.handed_over_at.len() == 16 {
                format!("{}:00+07:00", form.handed_over_at)
            } else {
                form.handed_over_at.clone()
            },
            fees_vnd: form.fees_vnd.trim().replace('.', "").parse().unwrap_or(0),
        }),
    }
}

/// The field names of the API, as the page's inputs are named.
fn page_field(api_field: &str) -> String {
    let f = api_field
        .trim_start_matches("applicant.")
        .replace("postal.", "");
    match f.as_str() {
        "components" => "components".to_owned(),
        other => other
            .strip_prefix("components.")
            .map_or_else(|| other.to_owned(), |c| format!("upload_{c}")),
    }
}

/// `POST` of the filing form: `step=check` shows the answers, `step=submit` files.
#[allow(clippy::too_many_arguments, reason = "axum extractors")]
pub async fn file_post(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    path: Option<Path<String>>,
    Query(q): Query<FileQuery>,
    body: Body,
) -> PageResult<Response> {
    let caller = viewer.0.clone().ok_or(PageError::Forbidden)?;
    if !may_file(&caller) {
        return Err(PageError::Forbidden);
    }
    let (mut fields, files) = match read_multipart(&headers, body, state.config.upload_limit_bytes)
        .await
    {
        Ok(v) => v,
        Err(ApiError::PayloadTooLarge) => {
            return Ok(super::render_error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Tệp quá lớn",
                &format!(
                    "Mỗi tệp tối đa {} MB. Quay lại, chọn tệp nhỏ hơn (ví dụ quét ở độ phân giải thấp hơn) rồi gửi lại.",
                    state.config.upload_limit_bytes / (1024 * 1024)
                ),
            ));
        }
        Err(e) => return Err(api_to_page(e)),
    };
    verify_csrf(
        &method,
        &headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let code = path
        .map(|Path(c)| c)
        .or(q.thu_tuc)
        .or_else(|| fields.get("procedure_code").cloned())
        .unwrap_or_default();
    let p = procedure_for_filing(&state, &code).await?;
    let desk = caller.role != Role::Applicant;
    let mut errors = Vec::new();
    // Files chosen now are stored at once (kept across a correction of other fields).
    for (field, name, bytes) in files {
        let Some(component) = field.strip_prefix("file_") else {
            continue;
        };
        if !p.components.iter().any(|c| c.code == component) {
            continue;
        }
        if let Err(m) = check_file(&name, &bytes) {
            errors.push(FieldError::new(format!("upload_{component}"), m));
            continue;
        }
        let m = svc::save_upload(&state, &caller.actor(), name, bytes)
            .await
            .map_err(app_to_page)?;
        fields.insert(format!("upload_{component}"), m.id.to_string());
        fields.insert(format!("upload_name_{component}"), m.file_name);
    }
    let form = form_of(&fields);
    let req = request_of(&p, &form, &fields, desk);
    let step = fields.get("step").cloned().unwrap_or_default();
    if step == "edit" && errors.is_empty() {
        let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, Vec::new()).await;
        return Ok(html(StatusCode::OK, &page));
    }
    if errors.is_empty() {
        let outcome: Result<(), Vec<FieldError>> = if step == "submit" {
            let nonce = fields.get("nonce").cloned().unwrap_or_default();
            let key = (!nonce.is_empty()).then(|| {
                (
                    format!("{}:page:{nonce}", caller.user.id),
                    store::request_digest(nonce.as_bytes()),
                )
            });
            match svc::filing::file(&state, &caller.actor(), req, key).await {
                Ok(Filed::Created(d) | Filed::Replayed(d)) => {
                    return Ok(Redirect::to(&format!("/ho-so/{}?moi=1", d.code)).into_response());
                }
                Ok(Filed::KeyReused) => {
                    Err(vec![FieldError::new("components", "hồ sơ này đã được nộp")])
                }
                Err(motcua_app::Error::Invalid(e)) => Err(field_errors(e)),
                Err(e) => return Err(app_to_page(e)),
            }
        } else {
            match svc::filing::prepare(&state, &caller.actor(), req, None).await {
                Ok(new) => {
                    let mut rows = vec![
                        (
                            "Đối tượng".to_owned(),
                            if form.kind == "business" {
                                "Doanh nghiệp, tổ chức"
                            } else {
                                "Công dân"
                            }
                            .to_owned(),
                        ),
                        (
                            "Họ tên / tên tổ chức".to_owned(),
                            new.applicant.name.clone(),
                        ),
                        (
                            "Số định danh / mã số doanh nghiệp".to_owned(),
                            new.applicant.id_number.clone(),
                        ),
                        ("Điện thoại".to_owned(), new.applicant.phone.clone()),
                        ("Thư điện tử".to_owned(), new.applicant.email.clone()),
                        ("Địa chỉ".to_owned(), new.applicant.address.clone()),
                        (
                            "Kênh nộp".to_owned(),
                            Channel::parse(&new.channel)
                                .map_or("", Channel::label_vi)
                                .to_owned(),
                        ),
                        (
                            "Nhận kết quả".to_owned(),
                            Channel::parse(&new.return_channel)
                                .map_or("", Channel::label_vi)
                                .to_owned(),
                        ),
                    ];
                    if let Some(a) = &new.return_address {
                        rows.push(("Địa chỉ nhận kết quả".to_owned(), a.clone()));
                    }
                    if let Some(no) = &new.postal_receipt_no {
                        rows.push(("Số phiếu gửi".to_owned(), no.clone()));
                    }
                    let nonce = svc::new_lookup_code().map_err(app_to_page)?;
                    let page = CheckPage {
                        l: Layout::build(&state, &viewer, &csrf, "/ho-so").await,
                        code: p.code.to_string(),
                        procedure_name: p.name.clone(),
                        desk,
                        form,
                        rows,
                        components: components_of(&p, &fields, desk),
                        due: format_vn(new.due_at),
                        received: format_vn(new.received_at),
                        nonce: format!("{nonce}{}", Uuid::now_v7().simple()),
                    };
                    return Ok(html(StatusCode::OK, &page));
                }
                Err(motcua_app::Error::Invalid(e)) => Err(field_errors(e)),
                Err(e) => return Err(app_to_page(e)),
            }
        };
        if let Err(e) = outcome {
            errors = e;
        }
    } else {
        // A refused file: say also what else is wrong, all at once.
        if let Err(motcua_app::Error::Invalid(more)) =
            svc::filing::prepare(&state, &caller.actor(), req, None).await
        {
            errors.extend(
                field_errors(more)
                    .into_iter()
                    .filter(|e| !e.field.starts_with("components")),
            );
        }
    }
    let errors = errors
        .into_iter()
        .map(|e| FieldError::new(page_field(&e.field), e.message))
        .collect();
    let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, errors).await;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

// ---------------------------------------------------------------------------------------------
// Queue

pub struct QueueRow {
    code: String,
    procedure: String,
    channel: &'static str,
    state: &'static str,
    received: String,
    due: String,
    overdue: bool,
    applicant: String,
}

#[derive(Template)]
#[template(path = "dossier_queue.html")]
struct QueuePage {
    l: Layout,
    applicant: bool,
    rows: Vec<QueueRow>,
    total: u64,
    page: u64,
    pages: u64,
    f: QueueFilter,
    errors: Vec<FieldError>,
    counts: Vec<(&'static str, &'static str, u64)>,
    states: Vec<(u8, &'static str)>,
    query_base: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct QueueFilter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    page: Option<u64>,
}

impl QueuePage {
    fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(f): Query<QueueFilter>,
) -> PageResult<Response> {
    let caller = match signed_in(&viewer, "/ho-so") {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    let applicant = caller.role == Role::Applicant;
    let scope = if applicant {
        Scope::All
    } else {
        access::scope(caller.role, Permission::HandleDossiers).ok_or(PageError::Forbidden)?
    };
    let params = Filter {
        state: Some(f.state.clone())
            .filter(|s| !s.is_empty())
            .or(applicant.then(|| "1,2,3,4,5,6,7,8,9,10".to_owned())),
        procedure: Some(f.procedure.clone()).filter(|s| !s.is_empty()),
        channel: Some(f.channel.clone()).filter(|s| !s.is_empty()),
        due: Some(f.due.clone()).filter(|s| !s.is_empty()),
        unit: None,
        mine: Some(f.mine == "1"),
        page: f.page,
        per_page: Some(50),
    };
    let mut errors = Vec::new();
    let (rows, total) = match queue_query(&state, &caller.actor(), scope, &params).await {
        Ok(mut q) => {
            if applicant {
                q.units = None;
                q.applicant_user_id = Some(caller.user.id);
            }
            store::queue_page(&state, &q).await?
        }
        Err(motcua_app::Error::Invalid(e)) => {
            errors = e.into_iter().map(FieldError::from).collect();
            (Vec::new(), 0)
        }
        Err(e) => return Err(e.into()),
    };
    let now = state.now();
    let mut counts = Vec::new();
    if !applicant {
        for (key, label) in [
            ("overdue", "Quá hạn"),
            ("today", "Đến hạn hôm nay"),
            ("soon", "Đến hạn trong 1 ngày làm việc"),
        ] {
            let p = Filter {
                due: Some(key.to_owned()),
                ..Filter::default()
            };
            if let Ok(q) = queue_query(&state, &caller.actor(), scope, &p).await {
                let (_, n) = store::queue_page(&state, &QueueQuery { limit: 1, ..q }).await?;
                counts.push((key, label, n));
            }
        }
    }
    let page_no = f.page.unwrap_or(1).max(1);
    let query_base = format!(
        "state={}&procedure={}&channel={}&due={}&mine={}",
        enc(&f.state),
        enc(&f.procedure),
        enc(&f.channel),
        enc(&f.due),
        enc(&f.mine)
    );
    let page = QueuePage {
        l: Layout::build(&state, &viewer, &csrf, "/ho-so").await,
        applicant,
        rows: rows
            .iter()
            .map(|d| {
                let st = svc::state_of(d);
                QueueRow {
                    code: d.code.clone(),
                    procedure: d.procedure_code.clone(),
                    channel: Channel::parse(&d.channel).map_or("", Channel::label_vi),
                    state: st.label_vi(),
                    received: format_vn(d.received_at),
                    due: format_vn(d.due_at),
                    overdue: svc::running_late(d, now),
                    applicant: d.applicant_name.clone(),
                }
            })
            .collect(),
        total,
        page: page_no,
        pages: total.div_ceil(50).max(1),
        f,
        errors,
        counts,
        states: DossierState::ALL
            .iter()
            .map(|s| (s.sync_code(), s.label_vi()))
            .collect(),
        query_base,
    };
    Ok(html(StatusCode::OK, &page))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// The dossier page

pub struct EventRow {
    at: String,
    label: &'static str,
    actor: String,
    detail: String,
}

pub struct FileRow {
    id: Uuid,
    name: String,
    size: String,
}

pub struct ActionForm {
    code: &'static str,
    label: &'static str,
    needs_reason: bool,
    reason_label: &'static str,
}

#[derive(Template)]
#[template(path = "dossier_view.html")]
struct ViewPage {
    l: Layout,
    d: Dossier,
    new: bool,
    state_label: &'static str,
    procedure_name: String,
    channel: &'static str,
    return_channel: &'static str,
    received: String,
    due: String,
    original_due: String,
    outcome: &'static str,
    staff: bool,
    events: Vec<EventRow>,
    files: Vec<FileRow>,
    forms: Vec<(&'static str, &'static str)>,
    actions: Vec<ActionForm>,
    units: Vec<(String, String)>,
    errors: Vec<FieldError>,
    failed_action: String,
    notice: String,
}

impl ViewPage {
    fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

fn action_form(a: Action) -> ActionForm {
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
    moi: Option<String>,
    #[serde(default)]
    xong: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn view_page(
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

async fn visible_page(state: &AppState, caller: &Caller, code: &str) -> PageResult<Dossier> {
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

// ---------------------------------------------------------------------------------------------
// Public look-up

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    l: Layout,
    code: String,
    lookup: String,
    found: Option<LookupView>,
    error: String,
    rated: bool,
}

pub struct LookupView {
    code: String,
    procedure: String,
    state: &'static str,
    received: String,
    due: String,
    outcome: &'static str,
    can_rate: bool,
    steps: Vec<(String, &'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    tra_cuu: String,
    #[serde(default)]
    da_danh_gia: Option<String>,
}

pub async fn lookup(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    client: crate::auth::ClientIp,
    Query(q): Query<LookupQuery>,
) -> PageResult<Response> {
    let searched = !q.ma.trim().is_empty() || !q.tra_cuu.trim().is_empty();
    let mut found = None;
    let mut error = String::new();
    let mut status = StatusCode::OK;
    if searched {
        if state
            .public_by_client
            .take(&crate::signin::limiter_key(&client.0))
            .is_err()
        {
            error = "Quá nhiều lần tra cứu; vui lòng thử lại sau ít phút.".into();
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            match svc::public::public_lookup(&state, q.ma.trim(), &q.tra_cuu)
                .await
                .map_err(app_to_page)?
            {
                Some(d) => {
                    let p = svc::public::progress(&state, d)
                        .await
                        .map_err(app_to_page)?;
                    let d = &p.view;
                    found = Some(LookupView {
                        code: d.code.clone(),
                        procedure: d.procedure_name.clone(),
                        state: p.state.label_vi(),
                        received: format_vn(d.received_at),
                        due: format_vn(d.due_at),
                        outcome: d.outcome.as_deref().map_or("", svc::outcome_label),
                        can_rate: p.can_rate,
                        steps: p
                            .steps
                            .iter()
                            .map(|s| {
                                (
                                    format_vn(s.at),
                                    s.label,
                                    s.unit
                                        .clone()
                                        .unwrap_or_else(|| "Người nộp hồ sơ".to_owned()),
                                )
                            })
                            .collect(),
                    });
                }
                None => {
                    error = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Kiểm tra lại hai mã in trên giấy tiếp nhận (mẫu 01).".into();
                    status = StatusCode::NOT_FOUND;
                }
            }
        }
    }
    let page = LookupPage {
        l: Layout::build(&state, &viewer, &csrf, "/tra-cuu").await,
        code: q.ma,
        lookup: q.tra_cuu,
        found,
        error,
        rated: q.da_danh_gia.is_some(),
    };
    Ok(html(status, &page))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    csrf_token: String,
    ma: String,
    tra_cuu: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    note: String,
}

pub async fn rate(
    State(state): State<AppState>,
    client: crate::auth::ClientIp,
    method: Method,
    headers: HeaderMap,
    Form(f): Form<RatingForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    if state
        .public_by_client
        .take(&crate::signin::limiter_key(&client.0))
        .is_err()
    {
        return Ok(super::render_error_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Quá nhiều yêu cầu",
            "Vui lòng thử lại sau ít phút.",
        ));
    }
    let d = svc::public::lookup(&state, f.ma.trim(), &f.tra_cuu)
        .await
        .map_err(app_to_page)?
        .ok_or(PageError::NotFound)?;
    let back = format!("/tra-cuu?ma={}&tra_cuu={}", enc(&d.code), enc(&f.tra_cuu));
    let rating: i16 = f.rating.parse().unwrap_or(0);
    match svc::public::rate(
        &state,
        &d,
        rating,
        &f.note,
        &crate::operation::operation_id(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{back}&da_danh_gia=1")).into_response()),
        Err(motcua_app::Error::Invalid(_) | motcua_app::Error::Refused(_)) => {
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => Err(app_to_page(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Statistics

#[derive(Template)]
#[template(path = "dossier_stats.html")]
struct StatsPage {
    l: Layout,
    from: String,
    to: String,
    s: Option<StatsFacts>,
    rows: Vec<(String, i64, i64, i64, i64, i64, i64)>,
    on_time: String,
    error: String,
}

/// The period's figures as the statistics page lists them.
struct StatsFacts {
    received: i64,
    carried_over: i64,
    resolved: i64,
    early: i64,
    on_time: i64,
    late: i64,
    within_time: i64,
    overdue: i64,
    returned_online: i64,
    returned_counter: i64,
    returned_postal: i64,
    postal_received: i64,
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn stats(
    State(state): State<AppState>,
    user: PageUser<ViewDossierStats>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<StatsQuery>,
) -> PageResult<Response> {
    use chrono::Datelike;
    let now = state.now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let from = if q.from.is_empty() {
        format!("{}-01", now.year())
    } else {
        q.from.clone()
    };
    let to = if q.to.is_empty() {
        format!("{}-{:02}", now.year(), now.month())
    } else {
        q.to.clone()
    };
    let parse = |s: &str| {
        chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .map(|d| d.year() * 100 + d.month() as i32)
    };
    let (mut stats, mut error) = (None, String::new());
    match (parse(&from), parse(&to)) {
        (Some(f), Some(t)) if f <= t => {
            let filter = svc::stats::StatFilter {
                agency_id: user.caller.user.agency_id,
                units: user.caller.units_in(&state, user.scope).await?,
                procedure_code: None,
            };
            stats = Some(
                svc::stats::statistics(&state, &filter, f, t)
                    .await
                    .map_err(app_to_page)?,
            );
        }
        _ => error = "Chọn tháng đầu và tháng cuối (tháng cuối không trước tháng đầu).".into(),
    }
    use motcua_domain::dossier::stats::Counter as C;
    let rows = stats
        .iter()
        .flat_map(|s| &s.by_month)
        .map(|(m, t)| {
            (
                m.parse::<i32>()
                    .map(svc::stats::month_label)
                    .unwrap_or_default(),
                t.get(C::Received),
                t.get(C::ResolvedEarly),
                t.get(C::ResolvedOnTime),
                t.get(C::ResolvedLate),
                t.get(C::ReturnedOnline) + t.get(C::ReturnedCounter) + t.get(C::ReturnedPostal),
                t.get(C::ReceivedPostal),
            )
        })
        .collect();
    let on_time = stats
        .as_ref()
        .and_then(svc::stats::Statistics::on_time_share)
        .map_or("—".to_owned(), |v| {
            format!("{:.1}%", v * 100.0).replace('.', ",")
        });
    let s = stats.map(|s| StatsFacts {
        received: s.count(C::Received),
        carried_over: s.carried_over,
        resolved: s.resolved(),
        early: s.count(C::ResolvedEarly),
        on_time: s.count(C::ResolvedOnTime),
        late: s.count(C::ResolvedLate),
        within_time: s.within_time,
        overdue: s.overdue,
        returned_online: s.count(C::ReturnedOnline),
        returned_counter: s.count(C::ReturnedCounter),
        returned_postal: s.count(C::ReturnedPostal),
        postal_received: s.count(C::ReceivedPostal),
    });
    let page = StatsPage {
        l: Layout::build(&state, &viewer, &csrf, "/thong-ke/ho-so").await,
        from,
        to,
        s,
        rows,
        on_time,
        error,
    };
    Ok(html(StatusCode::OK, &page))
}
