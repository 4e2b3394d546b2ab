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
use chrono::Datelike;
use motcua_app::portal::HomeReads;
use motcua_store::portal as store;
use std::time::{Duration, Instant};

/// How long the home page's reads are reused.
const FRESH: Duration = Duration::from_secs(5);

fn share(n: i64, d: i64) -> String {
    if d == 0 {
        "chưa có số liệu".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

async fn read(state: &AppState) -> anyhow::Result<Option<HomeReads>> {
    if let Ok(r) = state.portal.home.lock()
        && let Some(r) = r.as_ref()
        && r.at.is_some_and(|t| t.elapsed() < FRESH)
    {
        return Ok(Some(r.clone()));
    }
    let Some(agency_id) = motcua_app::portal::portal_agency(state).await? else {
        return Ok(None);
    };
    let now = state.now();
    let categories = store::categories(&state.db, agency_id).await?;
    let public = |video| store::ArticleFilter {
        public_at: Some(now),
        video: Some(video),
        ..Default::default()
    };
    let (news, _) = motcua_app::portal::articles(state, agency_id, &public(false), 6, 0).await?;
    let (videos, _) = motcua_app::portal::articles(state, agency_id, &public(true), 2, 0).await?;
    let local = now.with_timezone(&motcua_domain::time::VN_OFFSET);
    let month = local.year() * 100 + local.month() as i32;
    let totals = motcua_store::dossier::stat_totals(
        &state.db,
        &motcua_store::dossier::StatFilter {
            agency_id,
            units: None,
            procedure_code: None,
        },
        month,
        month,
        Some("channel"),
    )
    .await?;
    let label = format!("tháng {}/{}", local.month(), local.year());
    let mut sums = super::public_stats::Sums::default();
    for (channel, t) in &totals {
        sums.add_channel(channel, t);
    }
    let super::public_stats::Sums {
        received,
        online,
        in_time,
        late,
        returned,
        ..
    } = sums;
    let resolved = in_time + late;
    let midnight = motcua_domain::time::from_local(
        local.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default(),
    );
    let today = store::received_since(&state.db, agency_id, midnight).await?;
    let r = HomeReads {
        today,
        at: Some(Instant::now()),
        news,
        videos,
        categories,
        figures: (label, received, online, resolved, in_time, returned),
    };
    if let Ok(mut slot) = state.portal.home.lock() {
        *slot = Some(r.clone());
    }
    Ok(Some(r))
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
    let r = read(&state)
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
