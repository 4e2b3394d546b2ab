//! Checking a sign-in, shared by the login page and `POST /api/v1/auth/login`: the limits on failed attempts
//! per client and per account, then the password and the durable lock-out of the account.

use crate::state::AppState;
use chrono::Utc;
use motcua_domain::account::Email;
use motcua_store::account::{self, LockoutPolicy, SignIn};
use motcua_store::entity::app_user;
use motcua_store::{StoreError, password};
use std::time::Duration;

#[derive(Debug)]
pub enum Outcome {
    Accepted(Box<app_user::Model>),
    /// Wrong e-mail or password: never say which.
    Rejected,
    /// Too many attempts from this client or on this account; try again after the duration.
    Limited(Duration),
}

pub async fn check(
    state: &AppState,
    client: &str,
    email_raw: &str,
    password_given: &str,
    request_id: &str,
) -> Result<Outcome, StoreError> {
    if let Err(wait) = state.login_by_client.check(client) {
        return Ok(Outcome::Limited(wait));
    }
    let key = email_raw.trim().to_lowercase();
    if let Err(wait) = state.login_by_account.check(&key) {
        return Ok(Outcome::Limited(wait));
    }
    let Ok(email) = Email::parse(email_raw) else {
        password::verify(password_given.to_owned(), password::dummy_hash().await).await;
        state.login_by_client.charge(client);
        state.login_by_account.charge(&key);
        return Ok(Outcome::Rejected);
    };
    let policy = LockoutPolicy {
        max_failures: state.config.login_max_failures.max(1),
        duration: chrono::Duration::minutes(state.config.lockout_minutes.max(1)),
    };
    Ok(
        match account::sign_in(&state.db, request_id, &email, password_given, policy).await? {
            SignIn::Accepted(user) => {
                tracing::info!(user.id = %user.id, "signed in");
                Outcome::Accepted(user)
            }
            SignIn::Rejected => {
                state.login_by_client.charge(client);
                state.login_by_account.charge(&key);
                Outcome::Rejected
            }
            SignIn::Locked(until) => {
                tracing::warn!("sign-in refused: account locked");
                let left = (until - Utc::now())
                    .to_std()
                    .unwrap_or(Duration::from_secs(1));
                Outcome::Limited(left)
            }
        },
    )
}
