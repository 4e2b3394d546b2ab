//! The state shared by every handler.

use crate::config::Config;
use crate::limiter::RateLimiter;
use metrics_exporter_prometheus::PrometheusHandle;
use motcua_store::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub metrics: PrometheusHandle,
    /// Failed sign-in attempts per client address.
    pub login_by_client: RateLimiter,
    /// Failed sign-in attempts per e-mail typed (known or not, so the answer does not reveal accounts).
    pub login_by_account: RateLimiter,
}

impl AppState {
    pub fn new(db: Db, config: Config, metrics: PrometheusHandle) -> Self {
        let per_min = config.login_attempts_per_minute;
        let per_account = u32::try_from(config.login_max_failures.max(1)).unwrap_or(5);
        Self(Arc::new(Inner {
            db,
            config,
            metrics,
            login_by_client: RateLimiter::per_minute(per_min),
            login_by_account: RateLimiter::per_minute(per_account),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
