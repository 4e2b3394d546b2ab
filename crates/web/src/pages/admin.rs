//! Administration pages: the unit tree, accounts (list, create, unlock) and the audit trail.

use super::{Layout, html, vn_time};
use crate::auth::{
    CsrfToken, ListUsers, ManageUsers, PageUser, UnlockAccounts, ViewAudit, ViewOrganisation,
    Viewer, verify_csrf,
};
use crate::error::{FieldError, PageResult};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::account::{RawNewUser, Unit};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::org::UnitKind;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub struct UnitRow {
    code: String,
    name: String,
    kind: &'static str,
    parent: String,
    depth: usize,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    l: Layout,
    agency_name: String,
    organ_id: String,
    rows: Vec<UnitRow>,
}

/// Units in tree order (each parent followed by its children), with their depth.
fn tree_rows(units: &[Unit]) -> Vec<UnitRow> {
    let by_id: HashMap<Uuid, &Unit> = units.iter().map(|u| (u.id, u)).collect();
    let mut out = Vec::with_capacity(units.len());
    let mut stack: Vec<(&Unit, usize)> = units
        .iter()
        .filter(|u| u.parent_id.is_none_or(|p| !by_id.contains_key(&p)))
        .rev()
        .map(|u| (u, 0))
        .collect();
    while let Some((u, depth)) = stack.pop() {
        out.push(UnitRow {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: UnitKind::parse(&u.kind).map_or("—", UnitKind::label_vi),
            parent: u
                .parent_id
                .and_then(|p| by_id.get(&p))
                .map_or_else(String::new, |p| p.name.clone()),
            depth: depth.min(3),
        });
        if out.len() > units.len() {
            break;
        }
        let mut children: Vec<&Unit> = units.iter().filter(|c| c.parent_id == Some(u.id)).collect();
        children.sort_by(|a, b| b.name.cmp(&a.name));
        stack.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    out
}

pub async fn units(
    State(state): State<AppState>,
    _user: PageUser<ViewOrganisation>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/admin/units").await;
    let agencies = motcua_app::account::agencies(&state).await?;
    let all = motcua_app::account::units(&state).await?;
    let (agency_name, organ_id) = agencies.first().map_or_else(
        || (String::new(), String::new()),
        |a| (a.name.clone(), a.organ_id.clone()),
    );
    Ok(html(
        StatusCode::OK,
        &UnitsPage {
            l,
            agency_name,
            organ_id,
            rows: tree_rows(&all),
        },
    ))
}

pub struct UserRow {
    id: Uuid,
    name: String,
    email: String,
    role: &'static str,
    unit: String,
    locked: bool,
    locked_until: String,
}

#[derive(Default)]
pub struct UserForm {
    email: String,
    full_name: String,
    role: String,
    unit: String,
    errors: Vec<FieldError>,
}

impl UserForm {
    fn error_for(&self, field: &str) -> String {
        crate::error::message_for(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    l: Layout,
    rows: Vec<UserRow>,
    scoped: bool,
    can_manage: bool,
    notice: String,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
}

async fn users_page(
    state: &AppState,
    user: &PageUser<ListUsers>,
    viewer: &Viewer,
    csrf: &CsrfToken,
    form: UserForm,
    notice: String,
) -> PageResult<UsersPage> {
    let l = Layout::build(state, viewer, csrf, "/admin/users").await;
    let units_in = user.caller.units_in(state, user.scope).await?;
    let list = motcua_app::account::list(state, units_in.as_deref()).await?;
    let all_units = motcua_app::account::units(state).await?;
    let unit_name: HashMap<Uuid, String> =
        all_units.iter().map(|u| (u.id, u.name.clone())).collect();
    let now = chrono::Utc::now();
    let rows = list
        .into_iter()
        .map(|u| {
            let locked_until = u.locked_until.filter(|t| *t > now);
            UserRow {
                id: u.id,
                name: u.full_name,
                email: u.email,
                role: Role::parse(&u.role).map_or("—", Role::label_vi),
                unit: unit_name.get(&u.unit_id).cloned().unwrap_or_default(),
                locked: locked_until.is_some(),
                locked_until: locked_until.map(vn_time).unwrap_or_default(),
            }
        })
        .collect();
    Ok(UsersPage {
        l,
        rows,
        scoped: user.scope == Scope::OwnUnit,
        can_manage: access::allows(user.caller.role, Permission::ManageUsers),
        notice,
        form,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_vi()))
            .collect(),
        units: all_units
            .iter()
            .map(|u| (u.code.clone(), format!("{} ({})", u.name, u.code)))
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    unlocked: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    user: PageUser<ListUsers>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<NoticeQuery>,
) -> PageResult<Response> {
    let notice = match (q.created, q.unlocked) {
        (Some(_), _) => "Đã tạo tài khoản.".to_owned(),
        (_, Some(_)) => "Đã mở khóa tài khoản.".to_owned(),
        _ => String::new(),
    };
    let page = users_page(&state, &user, &viewer, &csrf, UserForm::default(), notice).await?;
    Ok(html(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct CreateUserForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    password: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    State(state): State<AppState>,
    manager: PageUser<ManageUsers>,
    lister: PageUser<ListUsers>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    Form(form): Form<CreateUserForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &form.csrf_token)?;
    let raw = RawNewUser {
        email: form.email.clone(),
        full_name: form.full_name.clone(),
        role: form.role.clone(),
        unit: form.unit.clone(),
        password: form.password,
    };
    match motcua_app::account::create(&state, &manager.caller.actor(), &raw).await {
        Ok(_) => Ok(Redirect::to("/admin/users?created=1").into_response()),
        Err(motcua_app::Error::Invalid(problems)) => {
            let form = UserForm {
                email: form.email,
                full_name: form.full_name,
                role: form.role,
                unit: form.unit,
                errors: problems.into_iter().map(FieldError::from).collect(),
            };
            let page = users_page(&state, &lister, &viewer, &csrf, form, String::new()).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

pub async fn unlock_user(
    State(state): State<AppState>,
    admin: PageUser<UnlockAccounts>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Form(form): Form<CsrfOnly>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &form.csrf_token)?;
    motcua_app::account::unlock(&state, &admin.caller.actor(), id).await?;
    Ok(Redirect::to("/admin/users?unlocked=1").into_response())
}

pub struct AuditRow {
    seq: i64,
    at: String,
    role: String,
    action: String,
    object: String,
    request_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    rows: Vec<AuditRow>,
    scoped: bool,
}

pub async fn audit(
    State(state): State<AppState>,
    user: PageUser<ViewAudit>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let l = Layout::build(&state, &viewer, &csrf, "/admin/audit").await;
    let units_in = user.caller.units_in(&state, user.scope).await?;
    let entries = motcua_app::account::audit_trail(&state, units_in.as_deref(), 200).await?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: chrono::DateTime::from_timestamp_micros(e.at_us)
                .map(vn_time)
                .unwrap_or_default(),
            role: Role::parse(&e.actor_role)
                .map_or_else(|_| "Hệ thống".to_owned(), |r| r.label_vi().to_owned()),
            action: e.action,
            object: format!("{} {}", e.object_type, e.object_id),
            request_id: e.request_id,
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        &AuditPage {
            l,
            rows,
            scoped: user.scope == Scope::OwnUnit,
        },
    ))
}
