//! Sign-in and sign-out pages.

use super::{Layout, html};
use crate::auth::{
    self, ClientIp, CsrfToken, SESSION_COOKIE, Via, Viewer, set_cookie, verify_csrf,
};
use crate::error::PageResult;
use crate::operation::operation_id;
use crate::signin::{self, Outcome};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The form's state before the layout is known.
#[derive(Default)]
struct LoginPage {
    next: String,
    email: String,
    form_error: String,
    email_error: String,
    password_error: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginView {
    l: Layout,
    next: String,
    email: String,
    form_error: String,
    email_error: String,
    password_error: String,
}

impl LoginPage {
    fn view(self, l: Layout) -> LoginView {
        LoginView {
            l,
            next: self.next,
            email: self.email,
            form_error: self.form_error,
            email_error: self.email_error,
            password_error: self.password_error,
        }
    }
}

/// Only local paths are followed after sign-in (no open redirect): a single leading `/`, then
/// printable ASCII only. Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would
/// become `//evil.example`; control characters, spaces and backslashes are therefore refused.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.len() <= 512
                && n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if viewer.0.is_some() {
        return Redirect::to(&next).into_response();
    }
    let l = Layout::build(&state, &viewer, &csrf, "/login").await;
    html(
        StatusCode::OK,
        &LoginPage {
            next,
            ..Default::default()
        }
        .view(l),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn post(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    csrf: CsrfToken,
    Form(form): Form<LoginForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &form.csrf_token)?;
    let next = safe_next(Some(&form.next));
    let mut page = LoginPage {
        next: next.clone(),
        email: form.email.trim().to_owned(),
        ..Default::default()
    };
    if form.email.trim().is_empty() {
        page.email_error = "Nhập địa chỉ thư điện tử.".into();
    }
    if form.password.is_empty() {
        page.password_error = "Nhập mật khẩu.".into();
    }
    let status = if !page.email_error.is_empty() || !page.password_error.is_empty() {
        page.form_error = "Vui lòng điền đủ các trường bên dưới.".into();
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match signin::check(
            &state,
            &client,
            &form.email,
            &form.password,
            &operation_id(),
        )
        .await?
        {
            Outcome::Accepted(user) => {
                let issued =
                    motcua_app::account::open_session(&state, &operation_id(), &user).await?;
                let mut resp = Redirect::to(&next).into_response();
                let cookie = set_cookie(
                    SESSION_COOKIE,
                    &issued.secret,
                    Some(motcua_app::account::session_ttl(&state).num_seconds()),
                    state.config.behind_tls(),
                );
                resp.headers_mut().append(header::SET_COOKIE, cookie);
                return Ok(resp);
            }
            Outcome::Rejected => {
                page.form_error = "Thư điện tử hoặc mật khẩu không đúng.".into();
                StatusCode::UNAUTHORIZED
            }
            Outcome::Limited => {
                let minutes = signin::retry_after(&state).as_secs().div_ceil(60).max(1);
                page.form_error = format!(
                    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng {minutes} phút hoặc liên hệ quản trị hệ thống."
                );
                StatusCode::TOO_MANY_REQUESTS
            }
        }
    };
    let l = Layout::build(&state, &viewer, &csrf, "/login").await;
    Ok(html(status, &page.view(l)))
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn logout(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    viewer: Viewer,
    Form(form): Form<LogoutForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &form.csrf_token)?;
    if let Some(caller) = viewer.0
        && let Via::Session(secret) = &caller.via
    {
        motcua_app::account::close_session(&state, &operation_id(), &caller.user, secret).await?;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", Some(0), state.config.behind_tls()),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/admin/users?created=1")),
            "/admin/users?created=1"
        );
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\\evil.example",
            "https://evil.example",
            "/ /x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
