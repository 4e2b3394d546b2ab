//! The review plans of procedures (T3.3) for the reform office and admins.

use super::{Layout, html};
use crate::auth::{CsrfToken, ManageReviews, PageUser, Viewer, verify_csrf};
use crate::error::{PageError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::review::{self, ItemReview};
use motcua_domain::catalog::review::FindingStatus;
use serde::Deserialize;
use uuid::Uuid;

pub struct ItemRow {
    code: String,
    reviewed: bool,
    status: String,
    status_label: &'static str,
    finding: String,
    proposal: String,
}

pub struct PlanView {
    id: Uuid,
    name: String,
    year: i32,
    decision: String,
    reviewed: String,
    handled: String,
    items: Vec<ItemRow>,
}

#[derive(Template)]
#[template(path = "review_plans.html")]
struct Page {
    l: Layout,
    plans: Vec<PlanView>,
    statuses: Vec<(&'static str, &'static str)>,
    notice: String,
    error: String,
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(
        || "—".to_owned(),
        |v| format!("{:.1}%", v * 100.0).replace('.', ","),
    )
}

#[derive(Deserialize)]
pub struct Notice {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    item: Option<String>,
}

pub async fn get(
    State(state): State<AppState>,
    _user: PageUser<ManageReviews>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(n): Query<Notice>,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/admin/review-plans").await;
    let mut plans = Vec::new();
    for rp in review::plans(&state).await? {
        let (reviewed, handled) = rp.completion();
        let (p, items) = (rp.plan, rp.items);
        plans.push(PlanView {
            id: p.id,
            name: p.name,
            year: p.year,
            decision: p.decision_number.unwrap_or_default(),
            reviewed: share(reviewed),
            handled: share(handled),
            items: items
                .into_iter()
                .map(|i| ItemRow {
                    status_label: FindingStatus::parse(&i.status)
                        .map_or("", FindingStatus::label_vi),
                    code: i.procedure_code,
                    reviewed: i.reviewed,
                    status: i.status,
                    finding: i.finding,
                    proposal: i.proposal,
                })
                .collect(),
        });
    }
    let page = Page {
        l,
        plans,
        statuses: FindingStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label_vi()))
            .collect(),
        notice: if n.saved.is_some() {
            "Đã lưu kết quả rà soát.".to_owned()
        } else {
            String::new()
        },
        error: match (n.error.as_deref(), n.item.as_deref()) {
            (Some("finding"), Some(code)) => {
                format!(
                    "Thủ tục {code}: ghi rõ vướng mắc phát hiện được trước khi lưu kết quả có vướng mắc."
                )
            }
            (Some(_), Some(code)) => {
                format!("Thủ tục {code}: chưa rà soát thì chưa thể có kết quả rà soát.")
            }
            _ => String::new(),
        },
    };
    Ok(html(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reviewed: Option<String>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    proposal: String,
}

pub async fn post_item(
    State(state): State<AppState>,
    user: PageUser<ManageReviews>,
    method: Method,
    headers: HeaderMap,
    Path((id, code)): Path<(Uuid, String)>,
    Form(f): Form<ItemForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    let r = ItemReview {
        reviewed: f.reviewed.is_some(),
        status: f.status,
        finding: f.finding,
        proposal: f.proposal,
    };
    match review::review_item(&state, &user.caller.actor(), id, &code, &r).await {
        Ok(()) => Ok(Redirect::to("/admin/review-plans?saved=1").into_response()),
        Err(motcua_app::Error::Invalid(problems)) => {
            // Only a well-formed code goes into the redirect (a header value).
            let item = motcua_domain::catalog::ProcedureCode::parse(&code)
                .map(|c| c.to_string())
                .unwrap_or_default();
            let field = problems.first().map_or("status", |p| p.field.as_str());
            let target = format!("/admin/review-plans?error={field}&item={item}");
            Ok(Redirect::to(&target).into_response())
        }
        Err(motcua_app::Error::NotFound) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}
