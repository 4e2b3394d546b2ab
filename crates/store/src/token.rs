//! Random secrets (session cookies, API tokens) and the hashes stored in their place.

use crate::error::{Result, StoreError};
use sea_orm::DbErr;
use sha2::{Digest, Sha256};

/// 32 random bytes from the operating system, as 64 hex characters.
pub fn new_secret() -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Db(DbErr::Custom(format!("no randomness: {e}"))))?;
    Ok(hex::encode(buf))
}

/// What is stored for a secret: its SHA-256. A stolen database gives no usable session or token.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
