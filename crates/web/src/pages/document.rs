//! `/van-ban`: the register of outgoing documents of a year (Decree 30/2020/NĐ-CP Annex IV), with
//! its CSV and XLSX, and target T7.1 for the year.

use super::{Layout, html};
use crate::auth::{CsrfToken, ManageDocuments, PageUser, Viewer};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use motcua_domain::access::Scope;
use motcua_store::document as store;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    nam: Option<i32>,
    #[serde(default)]
    dinh_dang: Option<String>,
}

#[derive(Template)]
#[template(path = "document_register.html")]
struct RegisterPage {
    l: Layout,
    year: i32,
    years: Vec<i32>,
    rows: Vec<Vec<String>>,
    drafts: Vec<(String, String, String)>,
    electronic: usize,
    total: usize,
    share: String,
}

pub async fn register(
    State(state): State<AppState>,
    user: PageUser<ManageDocuments>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<RegisterQuery>,
) -> PageResult<Response> {
    let this_year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let year = q
        .nam
        .filter(|y| (2000..=this_year + 1).contains(y))
        .unwrap_or(this_year);
    let caller = &user.caller;
    let mut docs = store::register(state.db.conn(), caller.user.agency_id, "out", year).await?;
    let mut drafts = store::drafts(state.db.conn(), caller.user.agency_id).await?;
    if user.scope == Scope::OwnUnit {
        let units = state.org().await?.subtree(caller.user.unit_id);
        docs.retain(|d| d.drafting_unit_id.is_some_and(|u| units.contains(&u)));
        drafts.retain(|d| d.drafting_unit_id.is_some_and(|u| units.contains(&u)));
    }
    if let Some(f @ ("csv" | "xlsx")) = q.dinh_dang.as_deref() {
        return crate::api::document::register_file(&docs, "out", year, f)
            .map_err(|e| PageError::Internal(anyhow::anyhow!(e)));
    }
    let rows: Vec<Vec<String>> = docs
        .iter()
        .map(crate::api::document::register_row)
        .collect();
    let electronic = docs.iter().filter(|d| d.electronic).count();
    let total = docs.len();
    let share = if total == 0 {
        "chưa có văn bản".to_owned()
    } else {
        format!("{:.1}%", electronic as f64 * 100.0 / total as f64).replace('.', ",")
    };
    let page = RegisterPage {
        l: Layout::build(&state, &viewer, &csrf, "/van-ban").await,
        year,
        years: (2021..=this_year).rev().collect(),
        rows,
        drafts: drafts
            .into_iter()
            .map(|d| {
                let t = motcua_domain::document::DocType::parse(&d.doc_type).map_or("", |t| t.name);
                (t.to_owned(), d.notation, d.subject)
            })
            .collect(),
        electronic,
        total,
        share,
    };
    Ok(html(StatusCode::OK, &page))
}
