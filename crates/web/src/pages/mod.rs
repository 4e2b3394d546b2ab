//! HTML pages: one askama template per page, the shared layout, the error page and the assets.
//! Every form works as a plain POST without JavaScript.

pub mod account;
pub mod admin;
pub mod calendar;
pub mod catalog;
pub mod document;
pub mod dossier;
pub mod home;
pub mod index766;
pub mod login;
pub mod news;
pub mod plan;
pub mod public_stats;
pub mod reading;
pub mod review;
pub mod signature;

use crate::auth::{Caller, CsrfToken, Viewer};
use crate::ops::operation_id;
use crate::state::AppState;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use motcua_domain::access::{self, Permission};

const SITE_NAME: &str = "Hệ thống một cửa điện tử";
const FALLBACK_AGENCY: &str = "Cơ quan chưa được khai báo";

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct ViewerInfo {
    pub name: String,
    pub role_label: String,
    pub unit_name: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub current: bool,
    /// A number beside the label (dossiers waiting in the viewer's queue).
    pub count: Option<u64>,
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub site_name: &'static str,
    pub agency_name: String,
    pub viewer: Option<ViewerInfo>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub version: &'static str,
    /// The reader's text size and colours (`reading`).
    pub reading: reading::Reading,
    /// The site's visits and the visitors online now (footer; `None` outside a request).
    pub counters: Option<(String, String)>,
}

/// A count with dots between thousands, as Vietnamese pages write it: `1.234.567`.
pub fn vn_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The agency name last read from the database, for pages rendered without database access.
static AGENCY_NAME: std::sync::RwLock<String> = std::sync::RwLock::new(String::new());

fn remember_agency(name: &str) {
    let mut guard = AGENCY_NAME
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if *guard != name {
        name.clone_into(&mut guard);
    }
}

fn last_agency() -> String {
    let guard = AGENCY_NAME
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if guard.is_empty() {
        FALLBACK_AGENCY.to_owned()
    } else {
        guard.clone()
    }
}

/// Read the agency name once at start, so even the first error page names it.
pub async fn load_agency_name(state: &AppState) {
    if let Ok(agencies) = motcua_store::org::agencies(state.db.conn()).await
        && let Some(a) = agencies.first()
    {
        remember_agency(&a.name);
    }
}

/// The navigation, filtered by the permissions of the viewer (`domain::access`).
fn nav_for(viewer: Option<&Caller>, current: &str) -> Vec<NavItem> {
    let applicant = viewer.is_some_and(|v| v.role == motcua_domain::account::Role::Applicant);
    let items: [(&str, &str, &str, Option<Permission>); 18] = [
        ("/", "Trang chủ", "Giới thiệu hệ thống", None),
        ("/tin-tuc", "Tin tức", "Tin tức, sự kiện và video", None),
        (
            "/thong-ke",
            "Thống kê",
            "Kết quả giải quyết hồ sơ theo đơn vị, thủ tục, tháng",
            None,
        ),
        (
            "/thu-tuc",
            "Thủ tục hành chính",
            "Danh mục thủ tục đang áp dụng",
            None,
        ),
        (
            "/ho-so",
            if applicant {
                "Hồ sơ của tôi"
            } else {
                "Hồ sơ"
            },
            "Hồ sơ cần xử lý, sắp theo hạn",
            Some(if applicant {
                Permission::FileOnline
            } else {
                Permission::HandleDossiers
            }),
        ),
        ("/tra-cuu", "Tra cứu hồ sơ", "Tiến độ hồ sơ theo mã", None),
        (
            "/van-ban",
            "Văn bản",
            "Sổ văn bản đi, đến; xử lý văn bản đến",
            Some(Permission::ManageDocuments),
        ),
        (
            "/ke-hoach",
            "Kế hoạch CCHC",
            "Kết quả thực hiện các chỉ tiêu của kế hoạch năm",
            Some(Permission::ViewScorecard),
        ),
        (
            "/bien-tap",
            "Biên tập tin",
            "Viết, hẹn giờ và đăng tin bài",
            Some(Permission::PublishNews),
        ),
        (
            "/kiem-tra-chu-ky",
            "Kiểm tra chữ ký số",
            "Kiểm tra văn bản PDF đã ký số",
            None,
        ),
        (
            "/thong-ke/ho-so",
            "Thống kê hồ sơ",
            "Tiếp nhận, giải quyết đúng hạn, trả kết quả",
            Some(Permission::ViewDossierStats),
        ),
        (
            "/admin/units",
            "Cơ cấu tổ chức",
            "Các đơn vị của cơ quan",
            Some(Permission::ViewOrganisation),
        ),
        (
            "/admin/users",
            "Tài khoản",
            "Tài khoản người dùng và khóa đăng nhập",
            Some(Permission::ListUsers),
        ),
        (
            "/admin/audit",
            "Nhật ký thay đổi",
            "Ai đã thay đổi gì, khi nào",
            Some(Permission::ViewAudit),
        ),
        (
            "/admin/catalog",
            "Kiểm tra công bố",
            "Thủ tục công bố đúng thẩm quyền, đúng hạn (T3.1, T3.2)",
            Some(Permission::ManageCatalog),
        ),
        (
            "/admin/review-plans",
            "Rà soát thủ tục",
            "Kế hoạch rà soát, đánh giá thủ tục (T3.3)",
            Some(Permission::ManageReviews),
        ),
        (
            "/admin/calendar",
            "Lịch làm việc",
            "Ngày nghỉ, ngày làm bù theo thông báo của Chính phủ",
            Some(Permission::ManageCalendar),
        ),
        (
            "/account",
            "Tài khoản của tôi",
            "Thông tin tài khoản đang đăng nhập",
            Some(Permission::ViewOwnAccount),
        ),
    ];
    items
        .into_iter()
        .filter(|(_, _, _, perm)| match perm {
            None => true,
            Some(p) => viewer.is_some_and(|v| access::allows(v.role, *p)),
        })
        .map(|(href, label, hint, _)| NavItem {
            href,
            label,
            hint,
            current: href == current,
            count: None,
        })
        .collect()
}

impl Layout {
    pub async fn build(state: &AppState, viewer: &Viewer, csrf: &CsrfToken, current: &str) -> Self {
        // The agency's name changes only when the organisation is loaded (demo, import); it is read
        // once and kept, rather than queried on every page.
        if AGENCY_NAME.read().map(|n| n.is_empty()).unwrap_or(true) {
            load_agency_name(state).await;
        }
        let agency_name = last_agency();
        let viewer_info = match &viewer.0 {
            Some(c) => {
                let unit_name =
                    motcua_store::org::find_unit(state.db.conn(), &c.user.unit_id.to_string())
                        .await
                        .ok()
                        .flatten()
                        .map(|u| u.name)
                        .unwrap_or_default();
                Some(ViewerInfo {
                    name: c.user.full_name.clone(),
                    role_label: c.role.label_vi().to_owned(),
                    unit_name,
                })
            }
            None => None,
        };
        let mut nav = nav_for(viewer.0.as_ref(), current);
        // Staff see how many dossiers wait in their queue, on every page.
        if let Some(c) = &viewer.0
            && let Some(scope) = access::scope(c.role, Permission::HandleDossiers)
            && let Ok(q) = motcua_app::dossier::queue::queue_query(
                state,
                &c.actor(),
                scope,
                &Default::default(),
            )
            .await
            && let Ok(n) = motcua_store::dossier::queue_count(&state.db, &q).await
            && let Some(item) = nav.iter_mut().find(|i| i.href == "/ho-so")
        {
            item.count = Some(n);
        }
        Self {
            site_name: SITE_NAME,
            agency_name,
            viewer: viewer_info,
            nav,
            csrf: csrf.0.clone(),
            version: env!("CARGO_PKG_VERSION"),
            reading: reading::Reading::current(),
            counters: {
                let (visits, online) = state.portal.footer();
                Some((vn_count(visits), vn_count(online)))
            },
        }
    }

    /// For pages rendered without request context (errors from outside our handlers).
    fn bare() -> Self {
        Self {
            site_name: SITE_NAME,
            agency_name: last_agency(),
            viewer: None,
            nav: nav_for(None, ""),
            csrf: String::new(),
            version: env!("CARGO_PKG_VERSION"),
            reading: reading::Reading::current(),
            counters: None,
        }
    }
}

/// Render a template with a status; a template failure is a logged 500.
pub fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(operation_id = %operation_id(), cause = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><html lang=\"vi\"><title>Lỗi</title><p>Hệ thống gặp lỗi.</p></html>"))
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    title: &'a str,
    text: &'a str,
    status: u16,
    operation_id: String,
}

/// The Vietnamese error page, with the operation id to quote to the help desk.
pub fn render_error_page(status: StatusCode, title: &str, text: &str) -> Response {
    let page = ErrorPage {
        l: Layout::bare(),
        title,
        text,
        status: status.as_u16(),
        operation_id: operation_id(),
    };
    html(status, &page)
}

/// The 404 of unknown addresses: the envelope under `/api/`, the Vietnamese page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::error::ApiError::NotFound.into_response()
    } else {
        crate::error::PageError::NotFound.into_response()
    }
}

const APP_CSS: &str = include_str!("../../assets/app.css");

pub async fn app_css() -> Response {
    let mut r = APP_CSS.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub use motcua_domain::time::format_vn as vn_time;

pub use crate::links::base_url;

/// A QR code of `link`, as SVG.
pub fn qr_svg(link: &str) -> Result<String, anyhow::Error> {
    Ok(motcua_render::qr::svg(link)?)
}
