//! Accounts: creation, sign-in checks with lock-out, and unlocking.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::{app_user, unit};
use crate::error::Result;
use crate::password;
use chrono::{DateTime, Duration, Utc};
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

/// An account to create, already validated.
#[derive(Debug)]
pub struct NewUser {
    pub unit: unit::Model,
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
    pub password: NewPassword,
}

/// The fields of an account that may appear in an audit summary: never the password hash, and the
/// e-mail only as the login name the change is about.
fn audit_view(u: &app_user::Model) -> serde_json::Value {
    json!({ "email": u.email, "role": u.role, "unit_id": u.unit_id, "active": u.active,
            "locked_until": u.locked_until })
}

pub async fn create_user(db: &Db, ctx: &AuditCtx, new: NewUser) -> Result<app_user::Model> {
    let hash = password::hash(new.password.expose().to_owned()).await?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let model = app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        agency_id: Set(new.unit.agency_id),
        unit_id: Set(new.unit.id),
        email: Set(new.email.as_str().to_owned()),
        full_name: Set(new.name.as_str().to_owned()),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(hash),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "user.create",
            object_type: "user",
            object_id: model.id.to_string(),
            before: json!(null),
            after: audit_view(&model),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<app_user::Model>> {
    Ok(app_user::Entity::find_by_id(id).one(conn).await?)
}

pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?)
}

/// Accounts ordered by name; only those of `units` when given.
pub async fn list(
    conn: &impl ConnectionTrait,
    units: Option<&[Uuid]>,
) -> Result<Vec<app_user::Model>> {
    let mut q = app_user::Entity::find().order_by_asc(app_user::Column::FullName);
    if let Some(units) = units {
        q = q.filter(app_user::Column::UnitId.is_in(units.iter().copied()));
    }
    Ok(q.all(conn).await?)
}

/// How many failed sign-ins lock an account, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct LockoutPolicy {
    pub max_failures: i32,
    pub duration: Duration,
}

/// The result of checking a sign-in.
#[derive(Debug)]
pub enum SignIn {
    Accepted(Box<app_user::Model>),
    /// Unknown account, inactive account or wrong password: the caller must not say which.
    Rejected,
    /// Too many failures: locked until the time given or until an admin lifts it.
    Locked(DateTime<Utc>),
}

/// Check an e-mail and password. Failures are counted (and audited); reaching the policy's limit
/// locks the account. A locked account does the same work as any other attempt (a full password
/// check), so neither the answer nor its timing tells a locked account from a wrong password.
pub async fn sign_in(
    db: &Db,
    request_id: &str,
    email: &Email,
    given_password: &str,
    policy: LockoutPolicy,
) -> Result<SignIn> {
    let Some(user) = find_by_email(db.conn(), email).await? else {
        // Same work as for a known account, so timing does not tell whether the account exists.
        password::verify(given_password.to_owned(), password::dummy_hash().await).await;
        return Ok(SignIn::Rejected);
    };
    let ok = password::verify(given_password.to_owned(), user.password_hash.clone()).await;
    let now = Utc::now();
    let ctx = AuditCtx {
        agency_id: Some(user.agency_id),
        actor_id: Some(user.id),
        actor_role: user.role.clone(),
        actor_unit: Some(user.unit_id),
        request_id: request_id.to_owned(),
    };
    let txn = db.begin_write().await?;
    // Decide inside the write transaction, on the current row: a lock set by a concurrent failure
    // must hold, and concurrent failures must all count.
    let Some(current) = app_user::Entity::find_by_id(user.id).one(&txn).await? else {
        txn.commit().await?;
        return Ok(SignIn::Rejected);
    };
    if let Some(until) = current.locked_until
        && until > now
    {
        txn.commit().await?;
        return Ok(SignIn::Locked(until));
    }
    // A lock that has run out starts a fresh count.
    let failures_before = if current.locked_until.is_some() {
        0
    } else {
        current.failed_logins
    };
    let mut active = current.clone().into_active_model();
    let (outcome, action) = if ok && current.active {
        active.failed_logins = Set(0);
        active.locked_until = Set(None);
        active.last_login_at = Set(Some(now));
        (
            SignIn::Accepted(Box::new(current.clone())),
            "auth.sign_in_checked",
        )
    } else {
        let failures = failures_before + 1;
        active.failed_logins = Set(failures);
        if failures >= policy.max_failures {
            let until = now + policy.duration;
            active.locked_until = Set(Some(until));
            (SignIn::Locked(until), "auth.lockout")
        } else {
            active.locked_until = Set(None);
            (SignIn::Rejected, "auth.sign_in_failed")
        }
    };
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    audit::append(
        db,
        &txn,
        &ctx,
        Change {
            action,
            object_type: "user",
            object_id: updated.id.to_string(),
            before: json!({ "failed_logins": current.failed_logins,
                            "locked_until": current.locked_until }),
            after: json!({ "failed_logins": updated.failed_logins, "locked_until": updated.locked_until }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(match outcome {
        SignIn::Accepted(_) => SignIn::Accepted(Box::new(updated)),
        other => other,
    })
}

/// Lift a lock-out (admin).
pub async fn unlock(db: &Db, ctx: &AuditCtx, user_id: Uuid) -> Result<app_user::Model> {
    let txn = db.begin_write().await?;
    let current = app_user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    let before = audit_view(&current);
    let mut active = current.into_active_model();
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "user.unlock",
            object_type: "user",
            object_id: updated.id.to_string(),
            before,
            after: audit_view(&updated),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
