//! Official documents (Decree 30/2020/NĐ-CP): drafting and issuing ([`draft`]), typesetting in
//! the Annex I layout and signing ([`signing`]), handling an incoming document ([`handling`]),
//! the registers ([`registers`]), the live indicators T7.1 and T7.2 ([`indicators`]) and the
//! edXML exchange with other installations ([`exchange`]).
//!
//! Who sees a document: an actor of its agency; with a unit scope (officers, leaders), only the
//! documents drafted in their units, assigned to one of them or presented to them as the leader
//! ([`in_reach`]). A document the actor may not see is `NotFound`, never `Forbidden`.

pub mod draft;
pub mod exchange;
pub mod handling;
pub mod indicators;
pub mod registers;
pub mod signing;

use crate::{Actor, App, Error, Result};
use motcua_domain::access::Scope;
use motcua_store::StoreError;
use motcua_store::document as store;
pub use motcua_store::document::Document;
use uuid::Uuid;

/// A document the actor may see, or `NotFound`.
pub async fn find(app: &App, actor: &Actor, scope: Scope, id: Uuid) -> Result<Document> {
    let d = store::find(app.db.conn(), id).await?;
    visible(app, actor, scope, &d).await?;
    Ok(d)
}

/// `Ok` when the actor may see `d`, else `NotFound`.
pub async fn visible(app: &App, actor: &Actor, scope: Scope, d: &Document) -> Result<()> {
    if d.agency_id != actor.agency_id {
        return Err(Error::NotFound);
    }
    if scope == Scope::OwnUnit {
        let units = app.org().await?.subtree(actor.unit_id);
        if !in_reach(d, &units, actor.account_id) {
            return Err(Error::NotFound);
        }
    }
    Ok(())
}

/// Whether a document is within the reach of a unit-scoped actor: drafted in their units, or
/// incoming and assigned to one of them, or presented to them as the leader.
pub fn in_reach(d: &Document, units: &[Uuid], account: Uuid) -> bool {
    let mine = |u: Option<Uuid>| u.is_some_and(|u| units.contains(&u));
    if d.direction == "in" {
        mine(d.handling_unit_id) || d.leader_id == Some(account)
    } else {
        mine(d.drafting_unit_id)
    }
}

/// A document's PDF file name: its number and notation, `15_QĐ-BTTTT.pdf`.
pub fn pdf_name(d: &Document) -> String {
    format!(
        "{}.pdf",
        d.code
            .as_deref()
            .unwrap_or("van-ban")
            .replace(['/', '\\', '"'], "_")
    )
}

/// The PDF of a document the actor may see: the signed Annex I rendering of an outgoing one, the
/// signed file that came with an incoming one. `NotFound` when it has none.
pub async fn pdf(app: &App, actor: &Actor, scope: Scope, id: Uuid) -> Result<(Document, Vec<u8>)> {
    let d = find(app, actor, scope, id).await?;
    let upload = d.pdf_upload_id.ok_or(Error::NotFound)?;
    let file = motcua_store::dossier::upload_content(app.db.conn(), upload).await?;
    Ok((d, file.content))
}

/// The reason when a document changed since the actor read it.
pub const CHANGED_SINCE_READ: &str = "văn bản đã được người khác cập nhật; tải lại để xem";
/// The reason when a document to issue was issued before (it has its number).
pub const ALREADY_ISSUED: &str = "văn bản đã được ban hành, đã có số";

/// A storage error of a document's write said in the use case's terms: a changed version, a
/// document issued before, a handling step the domain refuses now (its reason,
/// `HandlingStep::allowed_from`).
pub fn refusal(e: StoreError) -> Error {
    match e {
        StoreError::WrongState => Error::Refused(ALREADY_ISSUED.into()),
        StoreError::Rule(why) => Error::Refused(why.into()),
        e => Error::stale_as(CHANGED_SINCE_READ)(e),
    }
}

/// Trimmed and in Unicode NFC, as every text the user typed is stored.
fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_write_refused_by_the_store_is_said_in_the_use_case_terms() {
        assert!(matches!(refusal(StoreError::Stale), Error::Stale(m) if m == CHANGED_SINCE_READ));
        assert!(
            matches!(refusal(StoreError::WrongState), Error::Refused(m) if m == ALREADY_ISSUED)
        );
        assert!(matches!(
            refusal(StoreError::Rule("văn bản đã được xử lý xong")),
            Error::Refused(m) if m == "văn bản đã được xử lý xong"
        ));
        // A unique constraint's name is storage's business, never the user's message.
        assert!(matches!(
            refusal(StoreError::Conflict("document_number".into())),
            Error::Store(StoreError::Conflict(_))
        ));
    }
}
