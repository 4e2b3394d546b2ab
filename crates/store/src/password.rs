//! Password hashing with argon2id (RFC 9106) at the crate's default cost (19 MiB, t=2, p=1, the
//! OWASP minimum). Hashing is CPU-bound and runs on the blocking pool so it never stalls requests.

use crate::error::{Result, StoreError};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use sea_orm::DbErr;

/// At most this many hashes at once: each takes 19 MiB and a core for ~20 ms, so an unbounded
/// number of concurrent sign-ins could exhaust memory (4 × 19 MiB = 76 MiB at most).
const CONCURRENT_HASHES: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

pub async fn hash(password: String) -> Result<String> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("password hashing closed: {e}"))))?;
    tokio::task::spawn_blocking(move || {
        let hashed: std::result::Result<PasswordHash, _> =
            Argon2::default().hash_password(password.as_bytes());
        hashed
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Db(DbErr::Custom(format!("password hashing failed: {e}"))))
    })
    .await
    .map_err(|e| StoreError::Db(DbErr::Custom(format!("password hashing task failed: {e}"))))?
}

/// Whether `password` matches the PHC string `stored`. A malformed stored hash never matches.
pub async fn verify(password: String, stored: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A valid hash of a password nobody knows, verified against when the e-mail is unknown so that an
/// unknown account and a wrong password take the same time.
pub async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash("motcua-no-such-account-8d1f".to_owned())
                .await
                .unwrap_or_default()
        })
        .await
        .clone()
}
