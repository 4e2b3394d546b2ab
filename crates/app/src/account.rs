//! Accounts as they sign in and out: browser sessions and API tokens (their secrets are kept as
//! hashes only; every issue and end is audited, `store::session`), the expired sessions purged,
//! accounts created (checked field by field), listed within a scope and unlocked, and what staff
//! may read about the organisation and its audit trail within their scope.

use crate::{Actor, App, Error, Problem, Result};
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_store::account::NewUser;
use uuid::Uuid;

pub use motcua_store::entity::app_user::Model as Account;
pub use motcua_store::entity::unit::Model as Unit;
pub use motcua_store::session::Issued;

/// Opens a browser session for an account that has just signed in, for the configured lifetime
/// (`session_ttl_hours`, at least one hour).
pub async fn open_session(app: &App, request_id: &str, account: &Account) -> Result<Issued> {
    let ttl = session_ttl(app);
    Ok(motcua_store::session::open_session(&app.db, request_id, account, ttl).await?)
}

/// How long a browser session lasts (`session_ttl_hours`, at least one hour): the session's
/// expiry and its cookie's `Max-Age`.
pub fn session_ttl(app: &App) -> chrono::Duration {
    chrono::Duration::hours(app.config.session_ttl_hours.max(1))
}

/// Ends the browser session whose secret the account holds.
pub async fn close_session(
    app: &App,
    request_id: &str,
    account: &Account,
    secret: &str,
) -> Result<()> {
    Ok(motcua_store::session::close_session(&app.db, request_id, account, secret).await?)
}

/// Issues an API token to an account that has just given its credentials, for the configured
/// lifetime (`token_ttl_hours`, at least one hour).
pub async fn issue_token(app: &App, request_id: &str, account: &Account) -> Result<Issued> {
    let ttl = chrono::Duration::hours(app.config.token_ttl_hours.max(1));
    Ok(motcua_store::session::issue_token(&app.db, request_id, account, ttl).await?)
}

/// Revokes one of the account's API tokens.
pub async fn revoke_token(
    app: &App,
    request_id: &str,
    account: &Account,
    token_id: Uuid,
) -> Result<()> {
    Ok(motcua_store::session::revoke_token(&app.db, request_id, account, token_id).await?)
}

/// Deletes the sessions past their expiry; how many went.
pub async fn purge_expired_sessions(app: &App, request_id: &str) -> Result<u64> {
    Ok(motcua_store::session::purge_expired_sessions(&app.db, request_id).await?)
}

pub use motcua_store::entity::agency::Model as Agency;

/// The agencies of the installation, by organ id (the first is the one the portal serves).
pub async fn agencies(app: &App) -> Result<Vec<Agency>> {
    Ok(motcua_store::org::agencies(app.db.conn()).await?)
}

/// A unit by its code or id, read now (not from the organisation snapshot).
pub async fn unit(app: &App, code_or_id: &str) -> Result<Option<Unit>> {
    Ok(motcua_store::org::find_unit(app.db.conn(), code_or_id).await?)
}

/// Every unit of the installation, ordered by code.
pub async fn units(app: &App) -> Result<Vec<Unit>> {
    Ok(motcua_store::org::units(app.db.conn()).await?)
}

pub use motcua_store::entity::audit_entry::Model as AuditEntry;

/// The latest `limit` audit entries about `units` (`None`: every unit), newest first.
pub async fn audit_trail(app: &App, units: Option<&[Uuid]>, limit: u64) -> Result<Vec<AuditEntry>> {
    Ok(motcua_store::audit::recent(app.db.conn(), units, limit).await?)
}

/// Account input as typed. Never printed: it holds a password and personal data.
#[derive(Default, Clone)]
pub struct RawNewUser {
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub unit: String,
    pub password: String,
}

/// Checks account input field by field (one Vietnamese message per field at fault): the e-mail,
/// name, role and password as the domain parses them, the unit by code or id, and no other
/// account with that e-mail.
pub async fn validate(
    app: &App,
    raw: &RawNewUser,
) -> Result<Result<NewUser, Vec<Problem>>, motcua_store::StoreError> {
    let mut errors = Vec::new();
    let email = Email::parse(&raw.email)
        .map_err(|e| errors.push(Problem::new("email", e.to_string())))
        .ok();
    let name = PersonName::parse(&raw.full_name)
        .map_err(|e| errors.push(Problem::new("full_name", e.to_string())))
        .ok();
    let role = Role::parse(&raw.role)
        .map_err(|e| errors.push(Problem::new("role", e.to_string())))
        .ok();
    let password = NewPassword::parse(&raw.password)
        .map_err(|e| errors.push(Problem::new("password", e.to_string())))
        .ok();
    let unit = motcua_store::org::find_unit(app.db.conn(), &raw.unit).await?;
    if unit.is_none() {
        errors.push(Problem::new(
            "unit",
            format!("không có đơn vị có mã hoặc định danh «{}»", raw.unit.trim()),
        ));
    }
    if let Some(e) = &email
        && motcua_store::account::find_by_email(app.db.conn(), e)
            .await?
            .is_some()
    {
        errors.push(Problem::new(
            "email",
            "đã có tài khoản dùng địa chỉ thư điện tử này",
        ));
    }
    Ok(match (email, name, role, password, unit) {
        (Some(email), Some(name), Some(role), Some(password), Some(unit)) if errors.is_empty() => {
            Ok(NewUser {
                unit,
                email,
                name,
                role,
                password,
            })
        }
        _ => Err(errors),
    })
}

/// Creates an account from checked input (audited as the actor's).
pub async fn create(app: &App, actor: &Actor, raw: &RawNewUser) -> Result<Account> {
    let new = validate(app, raw).await?.map_err(Error::Invalid)?;
    Ok(motcua_store::account::create_user(&app.db, &actor.audit_ctx(), new).await?)
}

/// The accounts of `units` (`None`: every unit).
pub async fn list(app: &App, units: Option<&[Uuid]>) -> Result<Vec<Account>> {
    Ok(motcua_store::account::list(app.db.conn(), units).await?)
}

/// Lifts the lock-out of account `id` after failed sign-ins (audited); not found when there is
/// no such account.
pub async fn unlock(app: &App, actor: &Actor, id: Uuid) -> Result<Account> {
    match motcua_store::account::unlock(&app.db, &actor.audit_ctx(), id).await {
        Err(motcua_store::StoreError::NotFound) => Err(Error::NotFound),
        other => Ok(other?),
    }
}

/// What a sign-in with an e-mail and a password came to.
#[derive(Debug)]
pub enum SignIn {
    Accepted(Box<Account>),
    /// Wrong e-mail or password: never say which.
    Rejected,
    /// The account is locked after too many failures (`login_max_failures` within the policy,
    /// for `lockout_minutes`).
    Locked,
}

/// Checks an e-mail and a password (the password's hash is compared even when the e-mail does
/// not parse, so the time taken does not tell); failures count towards the account's durable
/// lock-out. The limits per client and per e-mail typed are the HTTP layer's.
pub async fn sign_in(
    app: &App,
    request_id: &str,
    email_raw: &str,
    password_given: &str,
) -> Result<SignIn> {
    use motcua_store::{account, password};
    let Ok(email) = Email::parse(email_raw) else {
        password::verify(password_given.to_owned(), password::dummy_hash().await).await;
        return Ok(SignIn::Rejected);
    };
    let policy = account::LockoutPolicy {
        max_failures: app.config.login_max_failures.max(1),
        duration: chrono::Duration::minutes(app.config.lockout_minutes.max(1)),
    };
    Ok(
        match account::sign_in(&app.db, request_id, &email, password_given, policy).await? {
            account::SignIn::Accepted(user) => SignIn::Accepted(user),
            account::SignIn::Rejected => SignIn::Rejected,
            account::SignIn::Locked(_) => SignIn::Locked,
        },
    )
}

/// The account holding browser session `secret`, if the session is open and not expired.
pub async fn session_account(app: &App, secret: &str) -> Result<Option<Account>> {
    Ok(motcua_store::session::session_user(app.db.conn(), secret).await?)
}

pub use motcua_store::entity::api_token::Model as ApiToken;

/// The API token of `secret` and its account, if the token is valid now.
pub async fn token_account(app: &App, secret: &str) -> Result<Option<(ApiToken, Account)>> {
    Ok(motcua_store::session::token_user(app.db.conn(), secret).await?)
}

/// A fresh random secret (32 bytes from the system's generator, hex): session and CSRF tokens.
pub fn new_secret() -> Result<String> {
    Ok(motcua_store::token::new_secret()?)
}
