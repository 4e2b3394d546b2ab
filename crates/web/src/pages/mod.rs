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

use crate::auth::{CsrfToken, Viewer};
use crate::chrome::{AGENCY_NAME, SITE_NAME, last_agency, nav_for, remember_agency};
pub use crate::chrome::{Layout, NavItem, ViewerInfo, html, render_error_page, vn_count};
use crate::state::AppState;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use motcua_domain::access::{self, Permission};

/// Read the agency name once at start, so even the first error page names it.
pub async fn load_agency_name(state: &AppState) {
    if let Ok(agencies) = motcua_app::account::agencies(state).await
        && let Some(a) = agencies.first()
    {
        remember_agency(&a.name);
    }
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
                let unit_name = motcua_app::account::unit(state, &c.user.unit_id.to_string())
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
        let mut nav = nav_for(viewer.0.as_ref().map(|c| c.role), current);
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
            && let Ok(n) = motcua_app::dossier::queue::count(state, &q).await
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
            reading: crate::chrome::Reading::current(),
            counters: {
                let (visits, online) = state.portal.footer();
                Some((vn_count(visits), vn_count(online)))
            },
        }
    }
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
