//! Browser sessions and API bearer tokens. Both are random 256-bit secrets handed to the client
//! once; the database keeps only their SHA-256, an expiry, and for tokens a revocation time.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::{api_token, app_user, user_session};
use crate::error::Result;
use crate::token::{new_secret, secret_hash};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// A secret handed to the client, with its expiry. Its `Debug` never shows the secret.
pub struct Issued {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("secret", &"***")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn ctx_for(user: &app_user::Model, request_id: &str) -> AuditCtx {
    AuditCtx {
        agency_id: Some(user.agency_id),
        actor_id: Some(user.id),
        actor_role: user.role.clone(),
        actor_unit: Some(user.unit_id),
        request_id: request_id.to_owned(),
    }
}

/// Open a browser session for `user` (after a successful sign-in).
pub async fn open_session(
    db: &Db,
    request_id: &str,
    user: &app_user::Model,
    ttl: Duration,
) -> Result<Issued> {
    let secret = new_secret()?;
    let now = Utc::now();
    let expires_at = now + ttl;
    let txn = db.begin_write().await?;
    user_session::ActiveModel {
        token_hash: Set(secret_hash(&secret)),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        &ctx_for(user, request_id),
        Change {
            action: "auth.login",
            object_type: "session",
            object_id: user.id.to_string(),
            before: json!(null),
            after: json!({ "channel": "web", "expires_at": expires_at }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Issued { secret, expires_at })
}

/// The active account behind a session cookie, if the session exists and has not expired.
pub async fn session_user(
    conn: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<app_user::Model>> {
    let Some(s) = user_session::Entity::find_by_id(secret_hash(secret))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if s.expires_at <= Utc::now() {
        return Ok(None);
    }
    Ok(app_user::Entity::find_by_id(s.user_id)
        .one(conn)
        .await?
        .filter(|u| u.active))
}

/// Close a session (sign-out). Unknown sessions are ignored.
pub async fn close_session(
    db: &Db,
    request_id: &str,
    user: &app_user::Model,
    secret: &str,
) -> Result<()> {
    let txn = db.begin_write().await?;
    let gone = user_session::Entity::delete_by_id(secret_hash(secret))
        .exec(&txn)
        .await?;
    if gone.rows_affected > 0 {
        audit::append(
            db,
            &txn,
            &ctx_for(user, request_id),
            Change {
                action: "auth.logout",
                object_type: "session",
                object_id: user.id.to_string(),
                before: json!({ "channel": "web" }),
                after: json!(null),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Issue an API bearer token for `user`.
pub async fn issue_token(
    db: &Db,
    request_id: &str,
    user: &app_user::Model,
    ttl: Duration,
) -> Result<Issued> {
    let secret = new_secret()?;
    let now = Utc::now();
    let expires_at = now + ttl;
    let id = Uuid::now_v7();
    let txn = db.begin_write().await?;
    api_token::ActiveModel {
        id: Set(id),
        token_hash: Set(secret_hash(&secret)),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        &ctx_for(user, request_id),
        Change {
            action: "auth.token_issued",
            object_type: "api_token",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({ "expires_at": expires_at }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Issued { secret, expires_at })
}

/// The token row and its active account, if the token exists, is not revoked and has not expired.
pub async fn token_user(
    conn: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<(api_token::Model, app_user::Model)>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secret_hash(secret)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if t.revoked_at.is_some() || t.expires_at <= Utc::now() {
        return Ok(None);
    }
    let user = app_user::Entity::find_by_id(t.user_id)
        .one(conn)
        .await?
        .filter(|u| u.active);
    Ok(user.map(|u| (t, u)))
}

/// Revoke a token (API sign-out).
pub async fn revoke_token(
    db: &Db,
    request_id: &str,
    user: &app_user::Model,
    token_id: Uuid,
) -> Result<()> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let updated = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected > 0 {
        audit::append(
            db,
            &txn,
            &ctx_for(user, request_id),
            Change {
                action: "auth.token_revoked",
                object_type: "api_token",
                object_id: token_id.to_string(),
                before: json!({ "revoked_at": null }),
                after: json!({ "revoked_at": now }),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Delete sessions that expired; one audit entry for the batch. Returns how many were removed.
pub async fn purge_expired_sessions(db: &Db, request_id: &str) -> Result<u64> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let gone = user_session::Entity::delete_many()
        .filter(user_session::Column::ExpiresAt.lte(now))
        .exec(&txn)
        .await?;
    if gone.rows_affected > 0 {
        audit::append(
            db,
            &txn,
            &AuditCtx::system(request_id),
            Change {
                action: "session.purge_expired",
                object_type: "session",
                object_id: "*".to_owned(),
                before: json!({ "expired_sessions": gone.rows_affected }),
                after: json!(null),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(gone.rows_affected)
}
