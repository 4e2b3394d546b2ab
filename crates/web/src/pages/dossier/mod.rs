//! Dossier pages: filing online (applicants) and at the desk (counter, post) with a check-your-
//! answers step, the work queue, the dossier page with only the actions allowed now, the forms,
//! the public look-up with the rating, and the statistics. Every form is a plain POST.

use super::{Layout, html};
use crate::auth::{Caller, CsrfToken, PageUser, ViewDossierStats, Viewer, verify_csrf};
use crate::error::{ApiError, FieldError, PageError, PageResult, api_to_page, message_for};
use crate::multipart::read_multipart;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::dossier::Dossier;
use motcua_app::dossier::action::{ActionError, ActionRequest, DeliveryAttempt};
use motcua_app::dossier::filing::{ApplicantIn, ComponentIn, FileRequest, PostalIn};
use motcua_app::dossier::queue::QueueFilter as Filter;
use motcua_app::dossier::records::{self as store, Filed};
use motcua_app::dossier::{self as svc};
use motcua_domain::access::{self, Permission};
use motcua_domain::account::Role;
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::state::{Action, DossierState};
use motcua_domain::dossier::upload::check_file;
use motcua_domain::time::format_vn;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

mod filing;
mod filing_form;
mod lookup;
mod stats;
mod view;

pub use filing::*;
use filing_form::*;
pub use lookup::*;
pub use stats::*;
pub use view::*;

/// A use case's error on a page, as the API's would be ([`api_to_page`]).
fn app_to_page(e: motcua_app::Error) -> PageError {
    api_to_page(e.into())
}

/// The problems of a use case as the fields of a form.
fn field_errors(problems: Vec<motcua_app::Problem>) -> Vec<FieldError> {
    problems.into_iter().map(FieldError::from).collect()
}

/// The signed-in viewer or a redirect to the sign-in page.
fn signed_in(viewer: &Viewer, next: &str) -> Result<Caller, Box<Response>> {
    viewer
        .0
        .clone()
        .ok_or_else(|| Box::new(Redirect::to(&format!("/login?next={next}")).into_response()))
}

// ---------------------------------------------------------------------------------------------
// Queue

pub struct QueueRow {
    code: String,
    procedure: String,
    channel: &'static str,
    state: &'static str,
    received: String,
    due: String,
    overdue: bool,
    applicant: String,
}

#[derive(Template)]
#[template(path = "dossier_queue.html")]
struct QueuePage {
    l: Layout,
    applicant: bool,
    rows: Vec<QueueRow>,
    total: u64,
    page: u64,
    pages: u64,
    f: QueueFilter,
    errors: Vec<FieldError>,
    counts: Vec<(&'static str, &'static str, u64)>,
    states: Vec<(u8, &'static str)>,
    query_base: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct QueueFilter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    page: Option<u64>,
}

impl QueuePage {
    fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(f): Query<QueueFilter>,
) -> PageResult<Response> {
    let caller = match signed_in(&viewer, "/ho-so") {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    let applicant = caller.role == Role::Applicant;
    let actor = caller.actor();
    let params = Filter {
        state: Some(f.state.clone()).filter(|s| !s.is_empty()),
        procedure: Some(f.procedure.clone()).filter(|s| !s.is_empty()),
        channel: Some(f.channel.clone()).filter(|s| !s.is_empty()),
        due: Some(f.due.clone()).filter(|s| !s.is_empty()),
        unit: None,
        mine: Some(f.mine == "1"),
        page: f.page,
        per_page: Some(50),
    };
    let (rows, total, errors) =
        match motcua_app::dossier::queue::list(&state, &actor, &params).await {
            Ok((rows, total)) => (rows, total, Vec::new()),
            Err(motcua_app::Error::Invalid(e)) => {
                (Vec::new(), 0, e.into_iter().map(FieldError::from).collect())
            }
            Err(e) => return Err(e.into()),
        };
    let labels = |key| match key {
        "overdue" => "Quá hạn",
        "today" => "Đến hạn hôm nay",
        _ => "Đến hạn trong 1 ngày làm việc",
    };
    let counts = motcua_app::dossier::queue::due_counts(&state, &actor)
        .await?
        .into_iter()
        .map(|(key, n)| (key, labels(key), n))
        .collect();
    let now = state.now();
    let page_no = f.page.unwrap_or(1).max(1);
    let query_base = format!(
        "state={}&procedure={}&channel={}&due={}&mine={}",
        enc(&f.state),
        enc(&f.procedure),
        enc(&f.channel),
        enc(&f.due),
        enc(&f.mine)
    );
    let page = QueuePage {
        l: Layout::build(&state, &viewer, &csrf, "/ho-so").await,
        applicant,
        rows: rows.iter().map(|d| queue_row(d, now)).collect(),
        total,
        page: page_no,
        pages: total.div_ceil(50).max(1),
        f,
        errors,
        counts,
        states: DossierState::ALL
            .iter()
            .map(|s| (s.sync_code(), s.label_vi()))
            .collect(),
        query_base,
    };
    Ok(html(StatusCode::OK, &page))
}

/// A dossier's row in the queue page.
fn queue_row(d: &Dossier, now: chrono::DateTime<chrono::Utc>) -> QueueRow {
    QueueRow {
        code: d.code.clone(),
        procedure: d.procedure_code.clone(),
        channel: Channel::parse(&d.channel).map_or("", Channel::label_vi),
        state: svc::state_of(d).label_vi(),
        received: format_vn(d.received_at),
        due: format_vn(d.due_at),
        overdue: svc::running_late(d, now),
        applicant: d.applicant_name.clone(),
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
