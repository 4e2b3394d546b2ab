//! What the public may do with a dossier's code and look-up code (Decree 61/2018 art. 11, 18:
//! the progress is public to whoever holds the codes; Decree 13/2023: nothing personal shown):
//! look it up, and rate the service once it has a result.

use crate::{App, Error, Problem, Result};
use motcua_domain::dossier::state::DossierState;
use motcua_store::dossier as store;
use motcua_store::entity::dossier;

/// Whether `given` is the stored look-up code (any case), compared in constant time; with no
/// dossier the comparison still runs, against a code no one can type.
fn lookup_matches(stored: Option<&str>, given: &str) -> bool {
    same(
        stored.unwrap_or("\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}"),
        &given.trim().to_ascii_uppercase(),
    )
}

/// Constant-time equality of two short texts.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

/// The dossier a code and look-up code name, or `None` (same work either way).
pub async fn lookup(app: &App, code: &str, lookup_code: &str) -> Result<Option<dossier::Model>> {
    let found = if code.len() <= 40 {
        store::by_code(app.db.conn(), code).await?
    } else {
        None
    };
    let ok = lookup_matches(found.as_ref().map(|d| d.lookup_code.as_str()), lookup_code);
    Ok(found.filter(|_| ok))
}

/// The public view a dossier code and look-up code name, or `None`: one query either way, and
/// the look-up code compared in constant time.
pub async fn public_lookup(
    app: &App,
    code: &str,
    lookup_code: &str,
) -> Result<Option<store::PublicView>> {
    let found = if code.len() <= 40 {
        store::public_view(&app.db, code).await?
    } else {
        None
    };
    let ok = lookup_matches(found.as_ref().map(|d| d.lookup_code.as_str()), lookup_code);
    Ok(found.filter(|_| ok))
}

/// The applicant's rating of a dossier with a result (1–5, a note of at most 1,000 characters),
/// once (`StoreError::AlreadyRated` on a second one).
pub async fn rate(
    app: &App,
    d: &dossier::Model,
    rating: i16,
    note: &str,
    request_id: &str,
) -> Result<()> {
    if !(1..=5).contains(&rating) {
        return Err(Error::Invalid(vec![Problem::new(
            "rating",
            "mức đánh giá từ 1 đến 5",
        )]));
    }
    if note.chars().count() > 1000 {
        return Err(Error::Invalid(vec![Problem::new(
            "note",
            "góp ý tối đa 1.000 ký tự",
        )]));
    }
    let st = super::state_of(d);
    if !matches!(st, DossierState::Resolved | DossierState::Returned) {
        return Err(Error::Refused(
            "chỉ đánh giá sau khi hồ sơ đã có kết quả".into(),
        ));
    }
    let mut ctx = motcua_store::AuditCtx::system(request_id.to_owned());
    ctx.actor_role = "applicant".into();
    ctx.agency_id = Some(d.agency_id);
    store::rate(&app.db, &ctx, d.id, rating, note).await?;
    Ok(())
}
