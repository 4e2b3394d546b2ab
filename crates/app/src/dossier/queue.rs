//! The work queue: which dossiers an officer, a desk or a leader sees, by due time (the units of
//! their scope, Decree 61/2018/NĐ-CP art. 8 for who handles what), and an applicant's own.

use super::Dossier;
use crate::{Actor, App, Error, Problem, Result};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::dossier::state::DossierState;
use motcua_domain::time::from_local;
use motcua_store::dossier::QueueQuery;

/// What a queue is filtered by, as the API's query and the queue page give it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Sync code(s) 1–10, comma-separated; default: every state still needing work.
    pub state: Option<String>,
    pub procedure: Option<String>,
    /// `online`, `counter` or `postal`.
    pub channel: Option<String>,
    /// `today` (due by the end of today), `soon` (within one working day), `overdue`.
    pub due: Option<String>,
    /// A unit code within the actor's scope.
    pub unit: Option<String>,
    /// `true`: only dossiers handed to the actor.
    pub mine: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The states that still need someone's work.
pub const WORK_STATES: [DossierState; 6] = [
    DossierState::Submitted,
    DossierState::Received,
    DossierState::Processing,
    DossierState::SupplementRequested,
    DossierState::FinancialObligation,
    DossierState::Resolved,
];

/// The queue query of `actor` within `scope`; each problem names its parameter.
pub async fn queue_query(
    app: &App,
    actor: &Actor,
    scope: Scope,
    p: &QueueFilter,
) -> Result<QueueQuery> {
    let mut errors = Vec::new();
    let mut q = QueueQuery {
        agency_id: actor.agency_id,
        limit: p.per_page.unwrap_or(50).clamp(1, 200),
        ..QueueQuery::default()
    };
    let page = p.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        errors.push(Problem::new("page", "trang từ 1 đến 10.000"));
    }
    q.offset = (page.clamp(1, 10_000) - 1) * q.limit;
    q.units = actor.units_in(app, scope).await?;
    if let Some(code) = p.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        let org = app.org().await?;
        match org.unit(code) {
            Some(u) if q.units.as_ref().is_none_or(|us| us.contains(&u.id)) => {
                q.units = Some(org.subtree(u.id));
            }
            _ => errors.push(Problem::new(
                "unit",
                "đơn vị không có hoặc ngoài phạm vi của tài khoản",
            )),
        }
    }
    if p.mine == Some(true) {
        q.handler_id = Some(actor.account_id);
    }
    match p.state.as_deref().filter(|s| !s.trim().is_empty()) {
        None => q.states = WORK_STATES.iter().map(|s| s.sync_code() as i16).collect(),
        Some(list) => {
            for part in list.split(',') {
                match part
                    .trim()
                    .parse::<u8>()
                    .ok()
                    .and_then(DossierState::from_sync_code)
                {
                    Some(s) => q.states.push(s.sync_code() as i16),
                    None => errors.push(Problem::new(
                        "state",
                        "trạng thái là mã 1–10, cách nhau bởi dấu phẩy",
                    )),
                }
            }
        }
    }
    q.procedure_code = p
        .procedure
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if let Some(c) = p.channel.as_deref().filter(|s| !s.trim().is_empty()) {
        match motcua_domain::catalog::procedure::Channel::parse(c.trim()) {
            Some(c) => q.channel = Some(c.code().to_owned()),
            None => errors.push(Problem::new(
                "channel",
                "kênh là online, counter hoặc postal",
            )),
        }
    }
    let now = app.now();
    let cal = app.calendar();
    let local = motcua_domain::time::to_local(now);
    let due_filter = p.due.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if due_filter.is_some() && p.state.as_deref().is_none_or(|s| s.trim().is_empty()) {
        // Deadlines concern dossiers whose clock runs: not those waiting for the applicant or
        // already resolved and waiting to be collected.
        q.states = [
            DossierState::Submitted,
            DossierState::Received,
            DossierState::Processing,
            DossierState::FinancialObligation,
        ]
        .iter()
        .map(|s| s.sync_code() as i16)
        .collect();
    }
    match due_filter {
        None => {}
        Some("overdue") => q.due_before = Some(now),
        Some("today") => {
            q.due_from = Some(now);
            q.due_before = Some(from_local(
                local
                    .date()
                    .succ_opt()
                    .unwrap_or(local.date())
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or(local),
            ));
        }
        Some("soon") => {
            q.due_from = Some(now);
            let limit = cal
                .working
                .add_working_seconds(local, u64::from(cal.working.hours().per_day_seconds()))
                .map(from_local)
                .unwrap_or(now);
            q.due_before = Some(limit);
        }
        Some(_) => errors.push(Problem::new("due", "hạn là today, soon hoặc overdue")),
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(q)
}

/// The queue `actor` sees, one page of it and how many dossiers in all. Staff see the dossiers of
/// the units within their role's scope for handling (`Permission::HandleDossiers`; `Forbidden`
/// without it), filtered by `p`. An applicant sees only their own dossiers, in every state unless
/// `p.state` narrows them, and of the rest of the filter only the page.
pub async fn list(app: &App, actor: &Actor, p: &QueueFilter) -> Result<(Vec<Dossier>, u64)> {
    let q = if actor.role == Role::Applicant {
        own(app, actor, p).await?
    } else {
        queue_query(app, actor, handling_scope(actor)?, p).await?
    };
    Ok(motcua_store::dossier::queue(&app.db, &q).await?)
}

/// The queue query of an applicant's own dossiers.
async fn own(app: &App, actor: &Actor, p: &QueueFilter) -> Result<QueueQuery> {
    let filter = QueueFilter {
        state: p.state.clone().or(Some("1,2,3,4,5,6,7,8,9,10".into())),
        page: p.page,
        per_page: p.per_page,
        ..QueueFilter::default()
    };
    let mut q = queue_query(app, actor, Scope::All, &filter).await?;
    q.units = None;
    q.agency_id = actor.agency_id;
    q.applicant_user_id = Some(actor.account_id);
    Ok(q)
}

/// The scope of the actor's role for handling dossiers; `Forbidden` without it.
fn handling_scope(actor: &Actor) -> Result<Scope> {
    access::scope(actor.role, Permission::HandleDossiers).ok_or(Error::Forbidden)
}

/// The deadlines an officer watches at the head of the queue: how many dossiers of their scope
/// are overdue, due today, due within one working day (`due` filter values, in that order).
/// Empty for an applicant.
pub async fn due_counts(app: &App, actor: &Actor) -> Result<Vec<(&'static str, u64)>> {
    if actor.role == Role::Applicant {
        return Ok(Vec::new());
    }
    let scope = handling_scope(actor)?;
    let mut counts = Vec::new();
    for key in ["overdue", "today", "soon"] {
        let p = QueueFilter {
            due: Some(key.to_owned()),
            ..QueueFilter::default()
        };
        counts.push((
            key,
            count(app, &queue_query(app, actor, scope, &p).await?).await?,
        ));
    }
    Ok(counts)
}

/// How many dossiers wait in a queue (the count beside "Hồ sơ" on every staff page).
pub async fn count(app: &App, q: &QueueQuery) -> Result<u64> {
    Ok(motcua_store::dossier::queue_count(&app.db, q).await?)
}
