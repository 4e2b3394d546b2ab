//! Who is calling: session cookies for pages, bearer tokens for the API, the permission check of
//! `motcua_domain::access` as extractors (so that it runs before the body is read), and CSRF.

use crate::error::{ApiError, PageError};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::account::{self, Account};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "motcua_session";
pub const CSRF_COOKIE: &str = "motcua_csrf";
/// The hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// A signed-in user and how they signed in. Its `Debug` shows ids and the role only: the account
/// row holds personal data and the password hash.
#[derive(Clone)]
pub struct Caller {
    pub user: Account,
    pub role: Role,
    pub via: Via,
}

#[derive(Clone)]
pub enum Via {
    /// The session cookie's secret.
    Session(String),
    /// The API token's id.
    Token(Uuid),
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user.id", &self.user.id)
            .field("role", &self.role)
            .field("via", &self.via)
            .finish()
    }
}

impl std::fmt::Debug for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Session(_) => f.write_str("Session(***)"),
            Self::Token(id) => write!(f, "Token({id})"),
        }
    }
}

impl Caller {
    fn new(user: Account, via: Via) -> Option<Self> {
        let role = Role::parse(&user.role).ok()?;
        Some(Self { user, role, via })
    }

    /// The caller as the use cases see them: ids, role and this request's operation id, without
    /// the account row (personal data, password hash) or the session secret.
    pub fn actor(&self) -> motcua_app::Actor {
        motcua_app::Actor {
            account_id: self.user.id,
            agency_id: self.user.agency_id,
            unit_id: self.user.unit_id,
            role: self.role,
            request_id: crate::operation::operation_id(),
        }
    }

    /// The unit ids reachable in `scope`: `None` means every unit.
    pub async fn units_in(
        &self,
        state: &AppState,
        scope: Scope,
    ) -> Result<Option<Vec<Uuid>>, motcua_app::StoreError> {
        match scope {
            Scope::All => Ok(None),
            Scope::OwnUnit => Ok(Some(state.org().await?.subtree(self.user.unit_id))),
        }
    }
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when served over TLS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The client's address: the peer, or for a trusted reverse proxy the last address it forwarded.
pub fn client_ip(
    parts_headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted: &[String],
) -> String {
    let peer_ip = peer.map(|p| p.ip());
    let trusted_peer =
        peer_ip.is_some_and(|ip| trusted.iter().any(|t| t.parse::<IpAddr>().ok() == Some(ip)));
    if trusted_peer
        && let Some(fwd) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = fwd
            .rsplit(',')
            .map(str::trim)
            .find(|s| s.parse::<IpAddr>().is_ok())
    {
        return last.to_owned();
    }
    peer_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The client address of a request, as an extractor.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Self(client_ip(
            &parts.headers,
            peer,
            &state.config.trusted_proxies,
        )))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// An API caller with a valid bearer token; 401 otherwise.
#[derive(Clone, Debug)]
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        let (t, user) = account::token_account(state, token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Caller::new(user, Via::Token(t.id))
            .map(Self)
            .ok_or(ApiError::Unauthorized)
    }
}

/// A permission, as a type, so that handlers declare what they need in their signature.
pub trait Perm: Send + Sync + 'static {
    const PERM: Permission;
}

macro_rules! perms {
    ($($name:ident),*) => {$(
        #[derive(Debug)]
        pub struct $name;
        impl Perm for $name { const PERM: Permission = Permission::$name; }
    )*};
}
perms!(
    ViewOwnAccount,
    ViewOrganisation,
    ListUsers,
    ManageUsers,
    UnlockAccounts,
    ViewAudit,
    ManageCalendar,
    ManageCatalog,
    ImportCatalog,
    ManageReviews,
    FileOnline,
    FileAtDesk,
    HandleDossiers,
    ViewDossierStats,
    ExportDossiers,
    ManageDocuments,
    ViewScorecard,
    ManagePlans,
    PublishNews
);

/// An API caller holding permission `P` (in the returned scope); 401 or 403 otherwise.
#[derive(Debug)]
pub struct Api<P: Perm> {
    pub caller: Caller,
    pub scope: Scope,
    _p: PhantomData<P>,
}

impl<P: Perm> FromRequestParts<AppState> for Api<P> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ApiCaller(caller) = ApiCaller::from_request_parts(parts, state).await?;
        let scope = access::scope(caller.role, P::PERM).ok_or(ApiError::Forbidden)?;
        Ok(Self {
            caller,
            scope,
            _p: PhantomData,
        })
    }
}

/// The signed-in user of a page, if any.
#[derive(Clone, Debug)]
pub struct Viewer(pub Option<Caller>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let viewer = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(secret) => account::session_account(state, &secret)
                .await?
                .and_then(|u| Caller::new(u, Via::Session(secret))),
            None => None,
        };
        let v = Viewer(viewer);
        parts.extensions.insert(v.clone());
        Ok(v)
    }
}

/// A page user holding permission `P`: signed-out users are sent to the sign-in page, others
/// without the permission get the 403 page.
#[derive(Debug)]
pub struct PageUser<P: Perm> {
    pub caller: Caller,
    pub scope: Scope,
    _p: PhantomData<P>,
}

impl<P: Perm> FromRequestParts<AppState> for PageUser<P> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Viewer(viewer) = Viewer::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(caller) = viewer else {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let target = format!("/login?next={}", urlencode(next));
            return Err(Redirect::to(&target).into_response());
        };
        let scope = access::scope(caller.role, P::PERM)
            .ok_or_else(|| PageError::Forbidden.into_response())?;
        Ok(Self {
            caller,
            scope,
            _p: PhantomData,
        })
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The CSRF token of this browser, for the hidden field of forms.
#[derive(Clone)]
pub struct CsrfToken(pub String);

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfToken(***)")
    }
}

impl FromRequestParts<AppState> for CsrfToken {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .or_else(|| cookie(&parts.headers, CSRF_COOKIE).map(CsrfToken))
            .unwrap_or_else(|| CsrfToken(String::new())))
    }
}

/// Give every browser a CSRF cookie on its first page (double-submit token: the form carries the
/// same value, which another site can neither read nor set).
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() == 64);
    let fresh = match existing {
        Some(_) => None,
        None => account::new_secret().ok(),
    };
    if let Some(t) = &fresh {
        req.extensions_mut().insert(CsrfToken(t.clone()));
    }
    let mut resp = next.run(req).await;
    if let Some(t) = fresh {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &t, None, state.config.behind_tls()),
        );
    }
    resp
}

/// Check a state-changing form: the token in the form equals the browser's CSRF cookie, and the
/// browser does not report the form as sent from another site.
pub fn verify_csrf(
    method: &Method,
    headers: &HeaderMap,
    form_token: &str,
) -> Result<(), PageError> {
    if *method == Method::GET || *method == Method::HEAD {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(PageError::Csrf);
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin_host != host {
            return Err(PageError::Csrf);
        }
    }
    let cookie = cookie(headers, CSRF_COOKIE).ok_or(PageError::Csrf)?;
    if cookie.len() == 64 && constant_time_eq(cookie.as_bytes(), form_token.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::Csrf)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; motcua_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 5.6.7.8"),
        );
        let peer: SocketAddr = "10.0.0.1:5000"
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        assert_eq!(client_ip(&h, Some(peer), &[]), "10.0.0.1");
        assert_eq!(client_ip(&h, Some(peer), &["10.0.0.1".into()]), "5.6.7.8");
    }

    #[test]
    fn csrf_needs_the_cookie_value_in_the_form() {
        let t = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("motcua_csrf={t}"))
                .unwrap_or(HeaderValue::from_static("")),
        );
        assert!(verify_csrf(&Method::POST, &h, &t).is_ok());
        assert!(verify_csrf(&Method::POST, &h, "b").is_err());
        assert!(verify_csrf(&Method::POST, &HeaderMap::new(), &t).is_err());
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(verify_csrf(&Method::POST, &h, &t).is_err());
    }
}
