//! The home page.

use super::{Layout, html};
use crate::auth::{CsrfToken, Viewer};
use crate::error::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    organ_id: String,
    unit_count: usize,
}

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/").await;
    let agencies = motcua_store::org::agencies(state.db.conn()).await?;
    let units = motcua_store::org::units(state.db.conn()).await?;
    let organ_id = agencies
        .first()
        .map_or_else(|| "—".to_owned(), |a| a.organ_id.clone());
    Ok(html(
        StatusCode::OK,
        &Home {
            l,
            organ_id,
            unit_count: units.len(),
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
