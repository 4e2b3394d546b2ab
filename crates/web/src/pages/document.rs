//! `/van-ban`: the registers of outgoing and incoming documents of a year (Decree 30/2020/NĐ-CP
//! Annex IV), with their CSV and XLSX, targets T7.1 and T7.2 for the year, and the handling of
//! incoming documents (art. 24: presented to the leader, assigned to a unit with a due date,
//! started, completed) with the forms each step needs beside the document.

use super::{Layout, html};
use crate::auth::{CsrfToken, ManageDocuments, PageUser, Viewer, verify_csrf};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use motcua_app::Error as AppError;
use motcua_app::document::{self as app_doc, handling, indicators, registers};
use motcua_domain::account::Role;
use motcua_domain::document::{HandlingStep, handling_label_vi};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    nam: Option<i32>,
    #[serde(default)]
    dinh_dang: Option<String>,
    /// `di` (outgoing, default) or `den` (incoming).
    #[serde(default)]
    huong: Option<String>,
    /// After a handling step: the document, and the field that was refused (or `trang_thai`).
    #[serde(default)]
    vb: Option<Uuid>,
    #[serde(default)]
    loi: Option<String>,
    #[serde(default)]
    luu: Option<String>,
}

/// An incoming document as its row shows it.
struct IncomingRow {
    id: Uuid,
    version: i64,
    cells: Vec<String>,
    status_label: &'static str,
    signature_label: &'static str,
    pdf: bool,
    /// What the viewer may do next.
    may_present: bool,
    may_assign: bool,
    may_start: bool,
    may_complete: bool,
    /// A refused field of this row and its message.
    error_field: String,
    error: String,
}

#[derive(Template)]
#[template(path = "document_register.html")]
struct RegisterPage {
    l: Layout,
    year: i32,
    years: Vec<i32>,
    incoming: bool,
    rows: Vec<(Uuid, bool, Vec<String>, &'static str)>,
    incoming_rows: Vec<IncomingRow>,
    drafts: Vec<(String, String, String)>,
    leaders: Vec<(Uuid, String)>,
    units: Vec<(String, String)>,
    today: String,
    f: Figures,
    notice: String,
}

/// T7.1 and T7.2 of the year, as the register's head shows them.
struct Figures {
    electronic: usize,
    total: usize,
    share: String,
    t72: String,
    t72_units: Vec<(String, bool, bool)>,
}

impl Figures {
    fn of(i: &indicators::Indicators) -> Self {
        let (electronic, total, t72) = (i.t7_1.electronic, i.t7_1.total, &i.t7_2);
        Self {
            electronic,
            total,
            share: percent(electronic, total),
            t72: format!(
                "{} / {} đơn vị — {}",
                t72.units_signing,
                t72.units,
                percent(t72.units_signing, t72.units)
            ),
            t72_units: t72
                .per_unit
                .iter()
                .map(|u| (u.name.clone(), u.sent_signed, u.received_signed))
                .collect(),
        }
    }
}

fn signature_label(state: Option<&str>) -> &'static str {
    match state {
        Some("valid") => "Hợp lệ",
        Some("untrusted") => "Nguyên vẹn, chưa tin cậy gốc",
        Some("partial") => "Thiếu chữ ký cơ quan hoặc cá nhân",
        Some("none") => "Không có",
        _ => "—",
    }
}

fn percent(n: usize, d: usize) -> String {
    if d == 0 {
        "chưa có dữ liệu".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

fn field_message(field: &str) -> &'static str {
    match field {
        "leader_id" => "Chọn lãnh đạo của cơ quan để trình.",
        "unit" => "Chọn đơn vị xử lý thuộc quyền quản lý.",
        "due_date" => "Nhập hạn xử lý (không trước ngày hôm nay).",
        "note" => "Ý kiến tối đa 2.000 ký tự.",
        _ => "Văn bản đã thay đổi hoặc không ở bước này; tải lại trang để xem.",
    }
}

pub async fn register(
    State(state): State<AppState>,
    user: PageUser<ManageDocuments>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<RegisterQuery>,
) -> PageResult<Response> {
    let now = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let this_year = now.year();
    let year = q
        .nam
        .filter(|y| (2000..=this_year + 1).contains(y))
        .unwrap_or(this_year);
    let incoming = q.huong.as_deref() == Some("den");
    let direction = if incoming { "in" } else { "out" };
    let actor = user.caller.actor();
    let is_admin = actor.role == Role::Admin;
    let org = state.org().await?;
    let docs = registers::register(&state, &actor, user.scope, direction, year).await?;
    if let Some(f @ ("csv" | "xlsx")) = q.dinh_dang.as_deref() {
        return Ok(crate::download::file(registers::register_file(
            &docs, direction, year, f, &org,
        )?));
    }
    let drafts = match incoming {
        true => Vec::new(),
        false => registers::drafts(&state, &actor, user.scope).await?,
    };
    let leaders = match incoming && is_admin {
        true => handling::leaders(&state, &actor).await?,
        false => Vec::new(),
    };
    let indicators = indicators::indicators(&state, actor.agency_id, year).await?;
    let (rows, incoming_rows) = match incoming {
        true => (
            Vec::new(),
            docs.iter()
                .map(|d| incoming_row(&actor, d, &org, &q))
                .collect(),
        ),
        false => (docs.iter().map(outgoing_row).collect(), Vec::new()),
    };
    let page = RegisterPage {
        l: Layout::build(&state, &viewer, &csrf, "/van-ban").await,
        year,
        years: (2021..=this_year).rev().collect(),
        incoming,
        rows,
        incoming_rows,
        drafts: drafts.into_iter().map(draft_row).collect(),
        leaders,
        units: handling::assignable_units(&org, &actor),
        today: now.format("%Y-%m-%d").to_string(),
        notice: match q.luu {
            Some(_) => {
                "Đã lưu bước xử lý; bên gửi được báo trạng thái qua trục liên thông.".to_owned()
            }
            None => String::new(),
        },
        f: Figures::of(&indicators),
    };
    Ok(html(StatusCode::OK, &page))
}

/// An outgoing document's row: id, whether it has a PDF, its cells, its signature.
fn outgoing_row(d: &app_doc::Document) -> (Uuid, bool, Vec<String>, &'static str) {
    (
        d.id,
        d.pdf_upload_id.is_some(),
        registers::register_row(d),
        signature_label(d.signature_state.as_deref()),
    )
}

/// An incoming document's row, with the handling steps the viewer may take and a refused field.
fn incoming_row(
    actor: &motcua_app::Actor,
    d: &app_doc::Document,
    org: &motcua_app::OrgSnapshot,
    q: &RegisterQuery,
) -> IncomingRow {
    let (error_field, error) = match (&q.vb, &q.loi) {
        (Some(id), Some(f)) if *id == d.id => (f.clone(), field_message(f).to_owned()),
        _ => (String::new(), String::new()),
    };
    let may = |step| handling::may_take(actor, d, step);
    IncomingRow {
        id: d.id,
        version: d.version,
        cells: registers::incoming_row(d, org),
        status_label: handling_label_vi(d.handling_status.as_deref().unwrap_or_default()),
        may_present: may(HandlingStep::Present),
        may_assign: may(HandlingStep::Assign),
        may_start: may(HandlingStep::Start),
        may_complete: may(HandlingStep::Complete),
        signature_label: signature_label(d.signature_state.as_deref()),
        pdf: d.pdf_upload_id.is_some(),
        error_field,
        error,
    }
}

/// A draft's row: its type's name, notation and subject.
fn draft_row(d: app_doc::Document) -> (String, String, String) {
    let t = motcua_domain::document::DocType::parse(&d.doc_type).map_or("", |t| t.name);
    (t.to_owned(), d.notation, d.subject)
}

#[derive(Deserialize)]
pub struct HandlingForm {
    #[serde(default)]
    csrf_token: String,
    buoc: String,
    phien_ban: i64,
    #[serde(default)]
    lanh_dao: Option<String>,
    #[serde(default)]
    don_vi: Option<String>,
    #[serde(default)]
    han: Option<String>,
    #[serde(default)]
    y_kien: Option<String>,
}

/// `POST /van-ban/{id}/xu-ly`: one handling step from the incoming register.
pub async fn handle(
    State(state): State<AppState>,
    user: PageUser<ManageDocuments>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(f): Form<HandlingForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    let actor = user.caller.actor();
    let d = app_doc::find(&state, &actor, user.scope, id).await?;
    if d.direction != "in" {
        return Err(PageError::NotFound);
    }
    let year = d.year.unwrap_or_default();
    let back = |extra: &str| {
        Redirect::to(&format!("/van-ban?huong=den&nam={year}{extra}#vb-{id}")).into_response()
    };
    let req = handling::Handling {
        step: f.buoc,
        version: f.phien_ban,
        leader_id: f.lanh_dao.as_deref().and_then(|s| s.parse().ok()),
        unit: f.don_vi.filter(|s| !s.is_empty()),
        due_date: f.han.filter(|s| !s.is_empty()),
        note: f.y_kien,
    };
    match handling::handle(&state, &actor, &d, &req).await {
        Ok(_) => Ok(back("&luu=1")),
        Err(AppError::Invalid(errors)) => {
            let field = errors.first().map_or("trang_thai", |e| e.field.as_str());
            // Only known field names go into the redirect (a header value).
            let field = match field {
                "leader_id" | "unit" | "due_date" | "note" => field,
                _ => "trang_thai",
            };
            Ok(back(&format!("&vb={id}&loi={field}")))
        }
        Err(AppError::Refused(_) | AppError::Stale(_)) => {
            Ok(back(&format!("&vb={id}&loi=trang_thai")))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /van-ban/{id}/pdf`: the document's PDF for a signed-in member of staff who may see it.
pub async fn pdf(
    State(state): State<AppState>,
    user: PageUser<ManageDocuments>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let (d, content) = app_doc::pdf(&state, &user.caller.actor(), user.scope, id).await?;
    Ok(crate::download::pdf(&d, content))
}
