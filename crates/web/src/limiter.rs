//! In-process token buckets for sign-in attempts, per client address and per account.
//!
//! Kept in memory: a limit is a brake on guessing, not a record. The durable lock-out after
//! repeated failures lives on the account row (see `motcua_app::account::sign_in`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` attempts per minute, with a burst of the same size.
    pub fn per_minute(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self {
            capacity,
            per_second: capacity / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one attempt for `key` before doing the work; when none is left, say how long until
    /// one is. Taking first (and refunding successes with [`RateLimiter::refund`]) means parallel
    /// attempts cannot all slip through before the first failure is counted; refunding means an
    /// office of officers signing in behind one address at 8:00 is never held up by its own successes.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.with_bucket(key, |b, per_second| {
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
                Ok(())
            } else {
                Err(Duration::from_secs_f64((1.0 - b.tokens) / per_second))
            }
        })
    }

    /// Give back an attempt taken for `key` (the sign-in succeeded).
    pub fn refund(&self, key: &str) {
        let cap = self.capacity;
        self.with_bucket(key, |b, _| b.tokens = (b.tokens + 1.0).min(cap));
    }

    fn with_bucket<T>(&self, key: &str, f: impl FnOnce(&mut Bucket, f64) -> T) -> T {
        let now = Instant::now();
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            let (cap, rate) = (self.capacity, self.per_second);
            map.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < cap);
        }
        let b = map.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.updated).as_secs_f64() * self.per_second)
            .min(self.capacity);
        b.updated = now;
        f(b, self.per_second)
    }

    /// Forget buckets that are full again (called periodically).
    pub fn prune(&self) {
        let now = Instant::now();
        let (cap, rate) = (self.capacity, self.per_second);
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < cap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refunded_attempts_never_use_up_the_budget() {
        let l = RateLimiter::per_minute(2);
        for _ in 0..10 {
            assert!(l.take("a").is_ok());
            l.refund("a");
        }
    }

    #[test]
    fn attempts_beyond_the_limit_are_refused_per_key() {
        let l = RateLimiter::per_minute(3);
        for _ in 0..3 {
            assert!(l.take("a").is_ok());
        }
        let wait = l.take("a");
        assert!(
            matches!(wait, Err(d) if d > Duration::from_secs(1)),
            "{wait:?}"
        );
        assert!(l.take("b").is_ok(), "another key has its own bucket");
    }
}
