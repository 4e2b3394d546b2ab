//! The home page of the portal (seed P1–P3): the latest news and video, the procedure search, the
//! dossier look-up box, this month's figures of dossier processing (T3.5: progress is public) and
//! the visitor counters; and the accessibility statement.
//!
//! What the page reads is kept for a few seconds (one read of articles and counters serves every
//! visitor meanwhile) and dropped at once when an editor saves an article, so a published article
//! shows on the next request.

use super::news::{Card, card};
use super::{Layout, html, vn_count};
use crate::auth::{CsrfToken, Viewer};
use crate::error::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

fn share(n: i64, d: i64) -> String {
    if d == 0 {
        "chưa có số liệu".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    news: Vec<Card>,
    videos: Vec<Card>,
    month: String,
    today: String,
    received: String,
    online_share: String,
    resolved: String,
    on_time_share: String,
    returned: String,
}

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/").await;
    let r = motcua_app::portal::home(&state)
        .await
        .map_err(crate::error::PageError::Internal)?;
    let today = r.as_ref().map_or(0, |r| r.today);
    let (news, videos, f) = match &r {
        Some(r) => (
            r.news
                .iter()
                .map(|a| card(&state, a, &r.categories))
                .collect(),
            r.videos
                .iter()
                .map(|a| card(&state, a, &r.categories))
                .collect(),
            r.figures.clone(),
        ),
        None => (Vec::new(), Vec::new(), Default::default()),
    };
    let (month, received, online, resolved, in_time, returned) = f;
    Ok(html(
        StatusCode::OK,
        &Home {
            l,
            news,
            videos,
            month,
            today: vn_count(today),
            received: vn_count(received),
            online_share: share(online, received),
            resolved: vn_count(resolved),
            on_time_share: share(in_time, resolved),
            returned: vn_count(returned),
        },
    ))
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct Accessibility {
    l: Layout,
}

/// `/tiep-can`: the accessibility statement (WCAG 2.2 AA; how to use the reading aids; known
/// limits; how to report a barrier).
pub async fn accessibility(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/tiep-can").await;
    Ok(html(StatusCode::OK, &Accessibility { l }))
}
