//! The portal's counting middleware (seed P2, P3): every public page answered 200 with HTML
//! counts for its visitor in `motcua_app::portal::Counters` (in memory; the app writes them every
//! few seconds). Robots are served and not counted; no address is stored (see `app::portal`).

use crate::state::AppState;

/// Counts a public page for the visitor making the request (GET answered 200 with HTML).
pub async fn count_pages(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let counted = req.method() == axum::http::Method::GET;
    let ua = req
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let ip = crate::auth::client_ip(req.headers(), peer, &state.config.trusted_proxies);
    let resp = next.run(req).await;
    let html = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    if counted && html && resp.status() == axum::http::StatusCode::OK {
        let now = state.now();
        if let Some(v) = state.portal.visitor(&ip, &ua, now) {
            state.portal.page(v, now.timestamp());
        }
    }
    resp
}
