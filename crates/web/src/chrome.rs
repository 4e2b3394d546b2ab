//! The page chrome shared by every HTML answer: the layout's data (site and agency names, the
//! viewer, the navigation filtered by role, the reading aids of seed P4, the footer counters),
//! rendering a template with its status, and the Vietnamese error page with the operation id.
//! Below the pages and the error types: it names neither (`pages` builds a `Layout` for a
//! signed-in viewer; `error` and `ops` render the error page from here).

use crate::operation::operation_id;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use motcua_domain::access::{self, Permission};
use motcua_domain::account::Role;

pub(crate) const SITE_NAME: &str = "Hệ thống một cửa điện tử";
pub(crate) const FALLBACK_AGENCY: &str = "Cơ quan chưa được khai báo";

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
    pub reading: Reading,
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
pub(crate) static AGENCY_NAME: std::sync::RwLock<String> = std::sync::RwLock::new(String::new());

pub(crate) fn remember_agency(name: &str) {
    let mut guard = AGENCY_NAME
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if *guard != name {
        name.clone_into(&mut guard);
    }
}

pub(crate) fn last_agency() -> String {
    let guard = AGENCY_NAME
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if guard.is_empty() {
        FALLBACK_AGENCY.to_owned()
    } else {
        guard.clone()
    }
}

/// The navigation, filtered by the permissions of the viewer's role (`domain::access`).
pub(crate) fn nav_for(role: Option<Role>, current: &str) -> Vec<NavItem> {
    let applicant = role == Some(Role::Applicant);
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
            Some(p) => role.is_some_and(|r| access::allows(r, *p)),
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
    /// For pages rendered without request context (errors from outside our handlers).
    pub(crate) fn bare() -> Self {
        Self {
            site_name: SITE_NAME,
            agency_name: last_agency(),
            viewer: None,
            nav: nav_for(None, ""),
            csrf: String::new(),
            version: env!("CARGO_PKG_VERSION"),
            reading: Reading::current(),
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

/// The cookie holding the reader's choice: `s{size}c{0|1}`, e.g. `s2c1`.
pub const READING_COOKIE: &str = "doc";

/// Text size steps: −1 (87.5%) … 3 (150%).
pub const MIN_SIZE: i8 = -1;
pub const MAX_SIZE: i8 = 3;

/// The reader's choice for this request, and where the request was (for the links back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    pub size: i8,
    pub contrast: bool,
    /// Path and query of the page being read.
    pub here: String,
}

tokio::task_local! {
    pub(crate) static READING: Reading;
}

impl Reading {
    pub fn parse(cookie: &str) -> (i8, bool) {
        let c = cookie.trim();
        let Some(rest) = c.strip_prefix('s') else {
            return (0, false);
        };
        let (size, contrast) = rest.split_once('c').unwrap_or((rest, "0"));
        let size = size.parse::<i8>().unwrap_or(0).clamp(MIN_SIZE, MAX_SIZE);
        (size, contrast == "1")
    }

    /// The reader's choice for the request being served (default outside a request).
    pub fn current() -> Self {
        READING.try_with(Clone::clone).unwrap_or_default()
    }

    /// The classes of `<html>`: `text-2 contrast`.
    pub fn classes(&self) -> String {
        let mut c = String::new();
        if self.size != 0 {
            c.push_str(&format!("text{}", self.size));
        }
        if self.contrast {
            if !c.is_empty() {
                c.push(' ');
            }
            c.push_str("contrast");
        }
        c
    }

    fn link(&self, what: &str) -> String {
        format!("/tuy-chon-doc?chon={what}&ve={}", utf8_percent(&self.here))
    }
    pub fn smaller(&self) -> String {
        self.link("nho")
    }
    pub fn larger(&self) -> String {
        self.link("lon")
    }
    pub fn toggle_contrast(&self) -> String {
        self.link(if self.contrast {
            "thuong"
        } else {
            "tuong-phan"
        })
    }
}

fn utf8_percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
