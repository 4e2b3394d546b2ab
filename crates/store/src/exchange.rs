//! Exchange partners: the agencies this installation sends documents to and accepts them from.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::exchange_partner;
use crate::error::Result;
use chrono::Utc;
use sea_orm::DatabaseTransaction;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

pub use exchange_partner::Model as Partner;

/// Adds or replaces a partner; audited (never the token).
pub async fn upsert_partner(
    db: &Db,
    ctx: &AuditCtx,
    organ_id: &str,
    name: &str,
    inbox_url: &str,
    token: &str,
) -> Result<Partner> {
    let txn = db.begin_write().await?;
    let existing = exchange_partner::Entity::find_by_id(organ_id.to_owned())
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(p) => {
            let mut a = p.into_active_model();
            a.name = Set(name.to_owned());
            a.inbox_url = Set(inbox_url.to_owned());
            a.token = Set(token.to_owned());
            a.update(&txn).await?
        }
        None => {
            exchange_partner::ActiveModel {
                organ_id: Set(organ_id.to_owned()),
                name: Set(name.to_owned()),
                inbox_url: Set(inbox_url.to_owned()),
                token: Set(token.to_owned()),
                created_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?
        }
    };
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "exchange.partner_saved",
            object_type: "exchange_partner",
            object_id: organ_id.to_owned(),
            before: json!(null),
            after: json!({"name": name, "inbox_url": inbox_url}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Every partner, by OrganId.
pub async fn partners(conn: &impl ConnectionTrait) -> Result<Vec<Partner>> {
    use sea_orm::QueryOrder;
    Ok(exchange_partner::Entity::find()
        .order_by_asc(exchange_partner::Column::OrganId)
        .all(conn)
        .await?)
}

pub async fn partner(conn: &impl ConnectionTrait, organ_id: &str) -> Result<Option<Partner>> {
    Ok(exchange_partner::Entity::find_by_id(organ_id.to_owned())
        .one(conn)
        .await?)
}

/// The partner presenting `token`, compared in constant time.
pub async fn partner_by_token(conn: &impl ConnectionTrait, token: &str) -> Result<Option<Partner>> {
    let all = exchange_partner::Entity::find().all(conn).await?;
    Ok(all
        .into_iter()
        .find(|p| constant_time_eq(p.token.as_bytes(), token.as_bytes())))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The outbox topic of edXML deliveries.
pub const EDXML_TOPIC: &str = "edxml_send";

/// What an outbox message of [`EDXML_TOPIC`] carries: the package (or a status message) to post
/// to a partner's inbox, and the document it is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExchangePayload {
    pub document_id: Uuid,
    /// The partner's OrganId.
    pub organ_id: String,
    /// The edXML text to post.
    pub package: String,
    /// A handling status (04–06) we report: the partner's acknowledgement is only logged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub status_only: bool,
}

pub(crate) async fn enqueue(
    txn: &DatabaseTransaction,
    agency_id: Uuid,
    payload: &ExchangePayload,
) -> Result<()> {
    let payload = serde_json::to_value(payload)
        .map_err(|e| crate::error::StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    crate::document::queue_message(txn, agency_id, EDXML_TOPIC, payload).await
}
