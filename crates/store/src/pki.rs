//! The installation's certification authorities and signing credentials. The store keeps blobs:
//! certificates as DER, keys as encrypted PKCS#8; `motcua-sign` gives them meaning. Every change is
//! audited (Decree 13/2023/NĐ-CP art. 27, from 1/1/2026 Law 91/2025/QH15; the credential's key
//! never enters the audit entry).

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::{pki_authority, signing_credential};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

pub use pki_authority::Model as Authority;
pub use signing_credential::Model as Credential;

/// A CA to store.
#[derive(Debug, Clone)]
pub struct NewAuthority {
    pub kind: &'static str,
    pub subject: String,
    pub certificate: Vec<u8>,
    pub key_encrypted: Option<Vec<u8>>,
    pub not_after: DateTime<Utc>,
}

/// Every CA, roots first, oldest first.
pub async fn authorities(conn: &impl ConnectionTrait) -> Result<Vec<Authority>> {
    Ok(pki_authority::Entity::find()
        .order_by_desc(pki_authority::Column::Kind)
        .order_by_asc(pki_authority::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Stores a root and its issuing CA in one transaction; audited.
pub async fn save_authorities(
    db: &Db,
    ctx: &AuditCtx,
    root: NewAuthority,
    issuing: NewAuthority,
) -> Result<(Uuid, Uuid)> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let root_id = Uuid::now_v7();
    let issuing_id = Uuid::now_v7();
    for (id, parent, a) in [
        (root_id, None, &root),
        (issuing_id, Some(root_id), &issuing),
    ] {
        pki_authority::ActiveModel {
            id: Set(id),
            kind: Set(a.kind.to_owned()),
            parent_id: Set(parent),
            subject: Set(a.subject.clone()),
            certificate: Set(a.certificate.clone()),
            key_encrypted: Set(a.key_encrypted.clone()),
            not_after: Set(a.not_after),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "pki.authorities_created",
            object_type: "pki_authority",
            object_id: root_id.to_string(),
            before: json!(null),
            after: json!({ "root": root.subject, "issuing": issuing.subject }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((root_id, issuing_id))
}

/// A credential to store.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub holder: &'static str,
    pub account_id: Option<Uuid>,
    pub organ_id: Option<String>,
    pub label: String,
    pub certificate: Vec<u8>,
    pub chain: Vec<u8>,
    pub key_encrypted: Vec<u8>,
    pub image: Option<Vec<u8>>,
    pub source: &'static str,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// Stores a credential; audited (holder, label and validity; never the key).
pub async fn add_credential(db: &Db, ctx: &AuditCtx, c: NewCredential) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let txn = db.begin_write().await?;
    signing_credential::ActiveModel {
        id: Set(id),
        holder: Set(c.holder.to_owned()),
        account_id: Set(c.account_id),
        organ_id: Set(c.organ_id.clone()),
        label: Set(c.label.clone()),
        certificate: Set(c.certificate),
        chain: Set(c.chain),
        key_encrypted: Set(c.key_encrypted),
        image: Set(c.image),
        source: Set(c.source.to_owned()),
        not_before: Set(c.not_before),
        not_after: Set(c.not_after),
        revoked_at: Set(None),
        revocation_reason: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "pki.credential_added",
            object_type: "signing_credential",
            object_id: id.to_string(),
            before: json!(null),
            after: json!({
                "holder": c.holder, "account_id": c.account_id, "organ_id": c.organ_id,
                "label": c.label, "source": c.source,
                "not_before": c.not_before, "not_after": c.not_after,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Every credential, newest first.
pub async fn credentials(conn: &impl ConnectionTrait) -> Result<Vec<Credential>> {
    Ok(signing_credential::Entity::find()
        .order_by_desc(signing_credential::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The credential a person signs with now: not revoked, valid now, the latest to expire.
pub async fn credential_of_account(
    conn: &impl ConnectionTrait,
    account_id: Uuid,
) -> Result<Option<Credential>> {
    usable(
        signing_credential::Entity::find()
            .filter(signing_credential::Column::AccountId.eq(account_id))
            .all(conn)
            .await?,
    )
}

/// The credential an agency signs with now (its organisation signature).
pub async fn credential_of_organ(
    conn: &impl ConnectionTrait,
    organ_id: &str,
) -> Result<Option<Credential>> {
    usable(
        signing_credential::Entity::find()
            .filter(signing_credential::Column::OrganId.eq(organ_id))
            .filter(signing_credential::Column::Holder.eq("organisation"))
            .all(conn)
            .await?,
    )
}

fn usable(rows: Vec<Credential>) -> Result<Option<Credential>> {
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .filter(|c| c.revoked_at.is_none() && c.not_before <= now && now <= c.not_after)
        .max_by_key(|c| c.not_after))
}

/// Revokes a credential; audited. Signatures made with it stop being trusted.
pub async fn revoke(db: &Db, ctx: &AuditCtx, id: Uuid, reason: &str) -> Result<Credential> {
    let txn = db.begin_write().await?;
    let found = signing_credential::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if found.revoked_at.is_some() {
        txn.commit().await?;
        return Ok(found);
    }
    let mut a = found.into_active_model();
    a.revoked_at = Set(Some(Utc::now()));
    a.revocation_reason = Set(Some(reason.to_owned()));
    let updated = a.update(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "pki.credential_revoked",
            object_type: "signing_credential",
            object_id: id.to_string(),
            before: json!({ "revoked_at": null }),
            after: json!({ "revoked_at": updated.revoked_at, "reason": reason }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
