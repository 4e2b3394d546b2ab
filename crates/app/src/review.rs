//! Review plans for procedures (T3.3; Decree 63/2010 art. 28–30, as amended by Decree 48/2013,
//! as `domain::catalog::review` cites): a plan of a year over a list
//! of published procedures, each item recorded as reviewed with what was found and what was
//! done; the plan's completion gives the two shares of T3.3.

use crate::{Actor, App, Error, Problem, Result};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::catalog::review::check_item;
use motcua_store::review as store;
use uuid::Uuid;

pub use motcua_store::entity::review_item::Model as ReviewItem;
pub use motcua_store::entity::review_plan::Model as ReviewPlan;

/// A plan and its items, ordered by procedure code.
#[derive(Clone, Debug)]
pub struct Plan {
    pub plan: ReviewPlan,
    pub items: Vec<ReviewItem>,
}

impl Plan {
    /// The shares of items reviewed and of problems handled (`None` without items to count).
    pub fn completion(&self) -> (Option<f64>, Option<f64>) {
        store::completion_of(&self.items)
    }
}

async fn with_items(app: &App, plan: ReviewPlan) -> Result<Plan> {
    let items = store::items(app.db.conn(), plan.id).await?;
    Ok(Plan { plan, items })
}

/// Every review plan, newest year first, with its items.
pub async fn plans(app: &App) -> Result<Vec<Plan>> {
    let mut out = Vec::new();
    for p in store::plans(app.db.conn()).await? {
        out.push(with_items(app, p).await?);
    }
    Ok(out)
}

/// One plan with its items; not found when there is none.
pub async fn plan(app: &App, id: Uuid) -> Result<Plan> {
    let p = store::plan(app.db.conn(), id)
        .await?
        .ok_or(Error::NotFound)?;
    with_items(app, p).await
}

/// A review plan as the reform office submits it.
#[derive(Clone, Debug, Default)]
pub struct NewReviewPlan {
    pub year: i32,
    pub name: String,
    pub decision_number: Option<String>,
    /// National codes of the procedures to review.
    pub procedures: Vec<String>,
}

/// Creates a review plan of the actor's agency; every bad field is a problem (the year, the name,
/// each procedure unknown to the catalogue or listed twice, named `procedures[i]`).
pub async fn create_plan(app: &App, actor: &Actor, req: NewReviewPlan) -> Result<Plan> {
    let mut errors = Vec::new();
    if !(2000..=2199).contains(&req.year) {
        errors.push(Problem::new("year", "năm kế hoạch phải từ 2000 đến 2199"));
    }
    if req.name.trim().is_empty() {
        errors.push(Problem::new("name", "tên kế hoạch bắt buộc"));
    }
    if req.procedures.is_empty() {
        errors.push(Problem::new("procedures", "cần ít nhất một thủ tục"));
    }
    let mut codes = Vec::new();
    for (i, c) in req.procedures.iter().enumerate() {
        match ProcedureCode::parse(c) {
            Ok(code)
                if motcua_store::catalog::find(app.db.conn(), code.as_str())
                    .await?
                    .is_some() =>
            {
                if codes.contains(&code.to_string()) {
                    errors.push(Problem::new(
                        format!("procedures[{i}]"),
                        format!("thủ tục {code} bị lặp"),
                    ));
                } else {
                    codes.push(code.to_string());
                }
            }
            Ok(code) => errors.push(Problem::new(
                format!("procedures[{i}]"),
                format!("không có thủ tục {code} trong danh mục"),
            )),
            Err(e) => errors.push(Problem::new(format!("procedures[{i}]"), e)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let new = store::NewPlan {
        agency_id: actor.agency_id,
        year: req.year,
        name: req.name.trim().to_owned(),
        decision_number: req.decision_number.filter(|d| !d.trim().is_empty()),
        procedure_codes: codes,
    };
    let plan = store::create_plan(&app.db, &actor.audit_ctx(), new).await?;
    with_items(app, plan).await
}

/// The review of one procedure as recorded.
#[derive(Clone, Debug, Default)]
pub struct ItemReview {
    pub reviewed: bool,
    /// `no_issue`, `open`, `proposed` or `handled`.
    pub status: String,
    pub finding: String,
    pub proposal: String,
}

/// Records the review of one procedure of plan `id`: whether it was reviewed, its status
/// (`no_issue`, `open`, `proposed`, `handled`), what was found and what was proposed. The rule of
/// an item (`domain::catalog::review::check_item`) refuses with the field at fault; an unknown
/// plan or procedure of it is not found.
pub async fn review_item(
    app: &App,
    actor: &Actor,
    id: Uuid,
    code: &str,
    r: &ItemReview,
) -> Result<()> {
    let status = check_item(r.reviewed, &r.status, &r.finding)
        .map_err(|e| Error::invalid(e.field, e.message))?;
    let update = store::ItemUpdate {
        reviewed: r.reviewed,
        status,
        finding: r.finding.trim().to_owned(),
        proposal: r.proposal.trim().to_owned(),
    };
    match store::update_item(&app.db, &actor.audit_ctx(), id, code, update).await {
        Err(motcua_store::StoreError::NotFound) => Err(Error::NotFound),
        other => other.map(|_| ()).map_err(Error::from),
    }
}
