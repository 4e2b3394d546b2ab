//! A dossier's records as they are read for an answer: the dossier by its code, its events in
//! order, its files, a page of a work queue, the dossiers received in a period (the export), and
//! the digest that ties an idempotency key to the request it first answered. The caller has
//! checked that the actor may see what is read (`super::can_see`, the queue's scope).

use crate::{App, Result};
use chrono::{DateTime, Utc};
use motcua_store::dossier as store;
use uuid::Uuid;

pub use motcua_store::dossier::{Filed, QueueQuery, UploadMeta};
pub use motcua_store::entity::dossier_event::Model as Event;

use super::Dossier;

/// The dossier of `code` (trimmed), if any.
pub async fn by_code(app: &App, code: &str) -> Result<Option<Dossier>> {
    Ok(store::by_code(app.db.conn(), code).await?)
}

/// The dossier's events, in the order they happened.
pub async fn events(app: &App, dossier_id: Uuid) -> Result<Vec<Event>> {
    Ok(store::events(app.db.conn(), dossier_id).await?)
}

/// The files attached to the dossier (components and results), without their bytes.
pub async fn files(app: &App, dossier_id: Uuid) -> Result<Vec<UploadMeta>> {
    Ok(store::uploads_of(app.db.conn(), dossier_id).await?)
}

/// A page of the queue `q` (built by `queue::queue_query` in the actor's scope), by due time,
/// and how many dossiers the queue holds.
pub async fn queue_page(app: &App, q: &QueueQuery) -> Result<(Vec<Dossier>, u64)> {
    Ok(store::queue(&app.db, q).await?)
}

/// The agency's dossiers received in `[from, to)`, in order of receipt (the export).
pub async fn received_between(
    app: &App,
    agency_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Dossier>> {
    Ok(store::received_between(app.db.conn(), agency_id, from, to).await?)
}

/// The digest of a request's body, kept with its idempotency key: the same key with another
/// body is refused (`Filed::KeyReused`).
pub fn request_digest(body: &[u8]) -> String {
    store::sha256_hex(body)
}
