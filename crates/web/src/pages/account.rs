//! The signed-in user's own account page.

use super::{Layout, html, vn_time};
use crate::auth::{CsrfToken, PageUser, ViewOwnAccount, Viewer};
use crate::error::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    name: String,
    email: String,
    role_label: String,
    unit_name: String,
    last_login: String,
}

pub async fn get(
    State(state): State<AppState>,
    user: PageUser<ViewOwnAccount>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/account").await;
    let u = &user.caller.user;
    let page = AccountPage {
        name: u.full_name.clone(),
        email: u.email.clone(),
        role_label: user.caller.role.label_vi().to_owned(),
        unit_name: l
            .viewer
            .as_ref()
            .map(|v| v.unit_name.clone())
            .unwrap_or_default(),
        last_login: u.last_login_at.map_or_else(|| "—".to_owned(), vn_time),
        l,
    };
    Ok(html(StatusCode::OK, &page))
}
