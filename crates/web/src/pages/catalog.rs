//! The public catalogue: search and browse, and the printable page of one procedure with a QR code
//! to its permalink. Editors and admins also see drafts and the publication checks.

use super::{Layout, html};
use crate::auth::{CsrfToken, Viewer};
use crate::error::{FieldError, PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::catalog;
use motcua_app::catalog::{parse_filters, processing_label};
use motcua_domain::access::{self, Permission};
use motcua_domain::catalog::{OnlineClass, ProcedureData, ProcedureField, VersionStatus, checks};
use serde::Deserialize;

pub struct Row {
    code: String,
    name: String,
    field: String,
    time: String,
    online: &'static str,
    postal: &'static str,
}

#[derive(Template)]
#[template(path = "catalog_list.html")]
struct ListPage {
    l: Layout,
    q: String,
    field: String,
    agency: String,
    online: String,
    postal: String,
    agencies: Vec<(String, String)>,
    fields: Vec<(&'static str, &'static str)>,
    onlines: Vec<(&'static str, &'static str)>,
    items: Vec<Row>,
    total: u64,
    /// The results are those of the near words (nothing held the words as typed).
    corrected: bool,
    page: u64,
    pages: u64,
    link_prefix: String,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn error_for(&self, field: &str) -> String {
        crate::error::message_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    postal: Option<String>,
    #[serde(default)]
    page: Option<u64>,
}

const PER_PAGE: u64 = 25;

/// A query value percent-encoded (the unreserved characters of RFC 3986 kept).
fn urlencode(s: &str) -> String {
    crate::multipart::percent(s)
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(p): Query<ListParams>,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/thu-tuc").await;
    // An empty search box means "everything" on the page (the API asks for the parameter's absence).
    let q_text = p.q.clone().unwrap_or_default();
    let q = Some(q_text.as_str()).filter(|q| !q.trim().is_empty());
    let postal = match p.postal.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let page = p.page.unwrap_or(1).clamp(1, 100_000);
    let (items, total, corrected, errors, status) = search(&state, &p, q, postal, page).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let link_prefix = format!(
        "/thu-tuc?q={}&field={}&agency={}&online={}&postal={}&",
        urlencode(&q_text),
        urlencode(p.field.as_deref().unwrap_or("")),
        urlencode(p.agency.as_deref().unwrap_or("")),
        urlencode(p.online.as_deref().unwrap_or("")),
        urlencode(p.postal.as_deref().unwrap_or(""))
    );
    let rows = items.into_iter().map(row).collect();
    let page_view = ListPage {
        l,
        q: q_text,
        field: p.field.unwrap_or_default(),
        agency: p.agency.unwrap_or_default(),
        // The organisation kept in memory (5 s), not a read per page.
        agencies: state
            .org()
            .await?
            .agencies
            .iter()
            .map(|a| (a.organ_id.clone(), a.name.clone()))
            .collect(),
        online: p.online.unwrap_or_default(),
        postal: p.postal.unwrap_or_default(),
        fields: ProcedureField::ALL
            .iter()
            .map(|f| (f.code(), f.label_vi()))
            .collect(),
        onlines: OnlineClass::ALL
            .iter()
            .map(|o| (o.code(), o.label_vi()))
            .collect(),
        items: rows,
        total,
        corrected,
        page,
        pages,
        link_prefix,
        errors,
    };
    Ok(html(status, &page_view))
}

/// One page of the search the list page asks for: rows, total, whether the words were corrected,
/// and the problems of its filters (with the page's status).
async fn search(
    state: &AppState,
    p: &ListParams,
    q: Option<&str>,
    postal: Option<bool>,
    page: u64,
) -> PageResult<(
    Vec<catalog::ProcedureRow>,
    u64,
    bool,
    Vec<FieldError>,
    StatusCode,
)> {
    let filters = parse_filters(
        q,
        p.field.as_deref(),
        p.agency.as_deref(),
        p.online.as_deref(),
        postal,
    );
    Ok(match filters {
        Ok(mut sq) => {
            sq.offset = (page - 1) * PER_PAGE;
            sq.limit = PER_PAGE;
            let found = catalog::search_page(state, &sq).await?;
            (
                found.rows,
                found.total,
                found.corrected,
                Vec::new(),
                StatusCode::OK,
            )
        }
        Err(problems) => (
            Vec::new(),
            0,
            false,
            problems.into_iter().map(FieldError::from).collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    })
}

/// A procedure's row in the list.
fn row(r: catalog::ProcedureRow) -> Row {
    Row {
        time: processing_label(r.processing_value, &r.processing_unit),
        field: ProcedureField::parse(&r.field)
            .map(|f| f.label_vi().to_owned())
            .unwrap_or_default(),
        online: OnlineClass::parse(&r.online_class).map_or("", OnlineClass::label_vi),
        postal: if r.postal_receipt || r.postal_return {
            "Có"
        } else {
            "Không"
        },
        code: r.code,
        name: r.name,
    }
}

#[derive(Template)]
#[template(path = "catalog_detail.html")]
struct DetailPage {
    l: Layout,
    d: ProcedureData,
    field_name: &'static str,
    level: &'static str,
    applicants: String,
    channels: String,
    time: String,
    cutoff: String,
    online: &'static str,
    result_kind: &'static str,
    fees: Vec<String>,
    legal: Vec<String>,
    decision: String,
    published: bool,
    status_label: &'static str,
    permalink: String,
    show_checks: bool,
    checks: Vec<(String, bool, String)>,
    /// Filing links: online for everyone who may file online (or is not signed in yet), at the
    /// desk for desk officers.
    file_online: bool,
    file_desk: bool,
}

/// The absolute address of a procedure's page.
fn permalink(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    format!("{}/thu-tuc/{code}", super::base_url(state, headers))
}

fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

pub async fn detail(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let editor = viewer
        .0
        .as_ref()
        .is_some_and(|c| access::allows(c.role, Permission::ManageCatalog));
    let (_, v) = catalog::shown(&state, &code, editor)
        .await?
        .ok_or(PageError::NotFound)?;
    let cal = state.calendar();
    let check_rows = checks(&cal.working, &v.data, &v.publication)
        .into_iter()
        .map(|c| (c.source.to_owned(), c.passed, c.detail))
        .collect();
    let l = Layout::build(&state, &viewer, &csrf, "/thu-tuc").await;
    let d = v.data;
    let page = DetailPage {
        field_name: d.field.label_vi(),
        level: d.level.label_vi(),
        applicants: d
            .applicants
            .iter()
            .map(|a| a.label_vi())
            .collect::<Vec<_>>()
            .join("; "),
        channels: d
            .channels
            .iter()
            .map(|c| c.label_vi())
            .collect::<Vec<_>>()
            .join("; "),
        time: d.processing_time.label_vi(),
        cutoff: d
            .cutoff
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        online: d.online_class.label_vi(),
        result_kind: d.result_kind.label_vi(),
        fees: d
            .fees
            .iter()
            .map(|f| {
                format!(
                    "{}: {}{}",
                    f.name,
                    vnd(f.amount_vnd),
                    if f.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.note)
                    }
                )
            })
            .collect(),
        legal: d
            .legal_basis
            .iter()
            .map(|a| {
                format!(
                    "{} {} (ban hành {}, hiệu lực {})",
                    a.title,
                    a.number,
                    a.issued_on.format("%d/%m/%Y"),
                    a.effective_on.format("%d/%m/%Y")
                )
            })
            .collect(),
        decision: match (&v.publication.decision_number, v.publication.decision_date) {
            (Some(n), Some(dd)) => format!("Quyết định số {n} ngày {}", dd.format("%d/%m/%Y")),
            _ => String::new(),
        },
        published: v.status == VersionStatus::Published,
        status_label: v.status.label_vi(),
        permalink: permalink(&state, &headers, d.code.as_str()),
        show_checks: editor,
        file_online: d
            .channels
            .contains(&motcua_domain::catalog::procedure::Channel::Online)
            && viewer.0.as_ref().is_none_or(|v| {
                motcua_domain::access::allows(v.role, motcua_domain::access::Permission::FileOnline)
            }),
        file_desk: viewer.0.as_ref().is_some_and(|v| {
            motcua_domain::access::allows(v.role, motcua_domain::access::Permission::FileAtDesk)
        }),
        checks: check_rows,
        l,
        d,
    };
    Ok(html(StatusCode::OK, &page))
}

/// The QR code of a procedure's permalink, as SVG.
pub async fn qr(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let found = catalog::find(&state, &code)
        .await?
        .ok_or(PageError::NotFound)?;
    // Only what the public may see has a public QR code.
    if !found.procedure.published {
        return Err(PageError::NotFound);
    }
    let link = permalink(&state, &headers, &found.procedure.code);
    let svg = super::qr_svg(&link).map_err(PageError::Internal)?;
    let mut r = svg.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(r)
}

pub struct CheckRow {
    code: String,
    name: String,
    status: &'static str,
    failed: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_catalog.html")]
struct ChecksPage {
    l: Layout,
    published: usize,
    competent: usize,
    timely: usize,
    complete: usize,
    drafts: usize,
    competent_pct: String,
    timely_pct: String,
    rows: Vec<CheckRow>,
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", a as f64 * 100.0 / b as f64).replace('.', ",")
    }
}

/// The publication checks of every procedure (editors, admins).
pub async fn checks_page(
    State(state): State<AppState>,
    _user: crate::auth::PageUser<crate::auth::ManageCatalog>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/admin/catalog").await;
    let cal = state.calendar();
    let versions = catalog::all_current(&state).await?;
    let (mut published, mut competent, mut timely, mut complete, mut drafts) = (0, 0, 0, 0, 0);
    let mut rows = Vec::new();
    for input in versions {
        if input.status == VersionStatus::Draft {
            drafts += 1;
        }
        if input.status != VersionStatus::Published {
            continue;
        }
        published += 1;
        let results = checks(&cal.working, &input.data, &input.publication);
        let ok = |id: &str| results.iter().any(|c| c.id == id && c.passed);
        competent += usize::from(ok("competent_authority"));
        timely += usize::from(ok("announced_in_time") && ok("published_in_time"));
        complete += usize::from(ok("complete"));
        let failed: Vec<String> = results
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.detail.clone())
            .collect();
        if !failed.is_empty() {
            rows.push(CheckRow {
                code: input.data.code.to_string(),
                name: input.data.name,
                status: input.status.label_vi(),
                failed,
            });
        }
    }
    let page = ChecksPage {
        l,
        competent_pct: pct(competent, published),
        timely_pct: pct(timely, published),
        published,
        competent,
        timely,
        complete,
        drafts,
        rows,
    };
    Ok(html(StatusCode::OK, &page))
}

/// `/tep-mau/{id}`: a procedure's form or template file, for everyone once a published version
/// links it (for the catalogue's editors of the agency before); downloaded under its own name.
pub async fn form_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<uuid::Uuid>,
) -> PageResult<Response> {
    let viewer_may_edit = |agency_id: uuid::Uuid| {
        viewer.0.as_ref().is_some_and(|c| {
            c.user.agency_id == agency_id && access::allows(c.role, Permission::ManageCatalog)
        })
    };
    let (m, bytes, editor) = catalog::form_file(&state, id, viewer_may_edit)
        .await?
        .ok_or(PageError::NotFound)?;
    let ext = m.file_name.rsplit('.').next().unwrap_or("bin");
    let disposition = format!(
        "attachment; filename=\"mau.{ext}\"; filename*=UTF-8''{}",
        crate::multipart::percent(&m.file_name)
    );
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, m.content_type.as_str()),
        (header::CONTENT_DISPOSITION, disposition.as_str()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CACHE_CONTROL,
            if editor {
                "private, no-store"
            } else {
                // A withdrawn form leaves shared caches within 5 minutes.
                "public, max-age=300"
            },
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    Ok(resp)
}
