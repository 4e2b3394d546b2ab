//! Checking a sign-in, shared by the login page and `POST /api/v1/auth/login`: the limits on failed attempts
//! per client and per account, then the password and the durable lock-out of the account.

use crate::state::AppState;
use motcua_app::account::{Account, SignIn, sign_in};
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug)]
pub enum Outcome {
    Accepted(Box<Account>),
    /// Wrong e-mail or password: never say which.
    Rejected,
    /// Too many failed attempts from this client, on this e-mail, or a locked account: one answer
    /// for all three, so the answer does not tell whether the account exists.
    Limited,
}

/// The key of a client address for the limits: an IPv6 client is keyed by its /64 network, since
/// one subscriber usually holds the whole /64.
pub fn limiter_key(client: &str) -> String {
    match client.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => client.to_owned(),
    }
}

pub async fn check(
    state: &AppState,
    client: &str,
    email_raw: &str,
    password_given: &str,
    request_id: &str,
) -> Result<Outcome, motcua_app::Error> {
    let client_key = limiter_key(client);
    if state.login_by_client.take(&client_key).is_err() {
        return Ok(Outcome::Limited);
    }
    let account_key = email_raw.trim().to_lowercase();
    if state.login_by_account.take(&account_key).is_err() {
        state.login_by_client.refund(&client_key);
        return Ok(Outcome::Limited);
    }
    Ok(
        match sign_in(state, request_id, email_raw, password_given).await? {
            SignIn::Accepted(user) => {
                state.login_by_client.refund(&client_key);
                state.login_by_account.refund(&account_key);
                tracing::info!(user.id = %user.id, "signed in");
                Outcome::Accepted(user)
            }
            SignIn::Rejected => Outcome::Rejected,
            SignIn::Locked => {
                tracing::warn!("sign-in refused: account locked");
                Outcome::Limited
            }
        },
    )
}

/// How long a limited client is told to wait: the lock-out duration, whatever the cause, so the
/// answer is the same for a locked account and an exhausted limit.
pub fn retry_after(state: &AppState) -> Duration {
    Duration::from_secs(u64::try_from(state.config.lockout_minutes.max(1)).unwrap_or(15) * 60)
}

#[cfg(test)]
mod tests {
    use super::limiter_key;

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_network() {
        assert_eq!(
            limiter_key("2001:db8:1:2:aaaa::1"),
            limiter_key("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(
            limiter_key("2001:db8:1:2::1"),
            limiter_key("2001:db8:1:3::1")
        );
        assert_eq!(limiter_key("203.0.113.7"), "203.0.113.7");
    }
}
