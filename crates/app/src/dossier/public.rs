//! What the public may do with a dossier's code and look-up code (Decree 61/2018 art. 11, 18:
//! the progress is public to whoever holds the codes; Decree 13/2023, from 1/1/2026 Law
//! 91/2025/QH15: nothing personal shown): look it up, and rate the service once it has a result.

use crate::{App, Error, Problem, Result};
use motcua_domain::dossier::state::DossierState;
use motcua_store::dossier as store;
use motcua_store::entity::dossier;

pub use store::PublicView;

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

/// What the public may know of the dossier of `code`, read again (after a rating, say); the
/// caller has already checked the look-up code.
pub async fn view(app: &App, code: &str) -> Result<Option<PublicView>> {
    Ok(store::public_view(&app.db, code).await?)
}

/// A step of a dossier as the public sees it: what was done, when, and by which unit (`None`:
/// by the applicant).
#[derive(Clone, Debug, PartialEq)]
pub struct PublicStep {
    pub action: String,
    /// The action in Vietnamese (`super::action_label`).
    pub label: &'static str,
    pub at: chrono::DateTime<chrono::Utc>,
    pub unit: Option<String>,
}

/// What the public may know of a dossier (T3.5, Decree 61/2018 on the public look-up of a
/// dossier's progress by its code): its stored view, its state, whether the applicant may rate
/// it now (resolved or returned, not rated yet: Decision 766 group 5), and its steps with the
/// acting units' names. No personal data: the view holds none.
#[derive(Clone, Debug)]
pub struct Progress {
    pub view: PublicView,
    pub state: DossierState,
    pub can_rate: bool,
    pub steps: Vec<PublicStep>,
}

/// The progress of a dossier found by a public look-up.
pub async fn progress(app: &App, v: PublicView) -> Result<Progress> {
    let org = app.org().await?;
    let state = super::state_code(v.state);
    let steps = v
        .steps
        .iter()
        .map(|(action, at, unit)| PublicStep {
            action: action.clone(),
            label: super::action_label(action),
            at: *at,
            unit: unit
                .and_then(|id| org.unit_by_id(id))
                .map(|u| u.name.clone()),
        })
        .collect();
    Ok(Progress {
        can_rate: !v.rated && matches!(state, DossierState::Resolved | DossierState::Returned),
        state,
        steps,
        view: v,
    })
}
