//! The state shared by every handler: the [`App`] the use cases run with, and what only the HTTP
//! layer needs (metrics, rate limiters). It dereferences to [`App`], so `state.db`, `state.now()`
//! and `state.org()` read the application's.

use crate::config::Config;
use crate::limiter::RateLimiter;
use metrics_exporter_prometheus::PrometheusHandle;
use motcua_app::Db;
use std::sync::Arc;

pub use motcua_app::{CalendarState, ORG_TTL, OrgSnapshot};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub app: motcua_app::App,
    pub metrics: PrometheusHandle,
    /// Failed sign-in attempts per client address.
    pub login_by_client: RateLimiter,
    /// Failed sign-in attempts per e-mail typed (known or not, so the answer does not reveal accounts).
    pub login_by_account: RateLimiter,
    /// Requests per client to public calculators.
    pub public_by_client: RateLimiter,
}

impl AppState {
    /// The state, with the calendar built from the bundled schedules only; call
    /// `reload_calendar` to add the database's corrections.
    pub fn new(db: Db, config: Config, metrics: PrometheusHandle) -> Result<Self, String> {
        let per_min = config.login_attempts_per_minute;
        let per_account = u32::try_from(config.login_max_failures.max(1)).unwrap_or(5);
        let public = config.public_requests_per_minute;
        Ok(Self(Arc::new(Inner {
            app: motcua_app::App::new(db, config)?,
            public_by_client: RateLimiter::per_minute(public),
            metrics,
            login_by_client: RateLimiter::per_minute(per_min),
            login_by_account: RateLimiter::per_minute(per_account),
        })))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl std::ops::Deref for Inner {
    type Target = motcua_app::App;
    fn deref(&self) -> &motcua_app::App {
        &self.app
    }
}
