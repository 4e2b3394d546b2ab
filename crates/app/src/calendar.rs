//! Corrections of the working calendar by an administrator (a holiday moved or a day worked in
//! exchange, as the Government's notice says; its number goes in `source`). Each is audited and
//! the calendar in force is rebuilt at once; dossiers keep the appointment computed when they were
//! received (`store::calendar`).

use crate::{Actor, App, Error, Result};
use chrono::NaiveDate;
use motcua_domain::calendar::RecordedDay;

/// Records the correction of one day (a new one or a change) and puts the calendar in force.
pub async fn record_day(app: &App, actor: &Actor, day: RecordedDay) -> Result<RecordedDay> {
    let saved = motcua_store::calendar::record_day(&app.db, &actor.audit_ctx(), day).await?;
    app.reload_calendar().await?;
    Ok(saved)
}

/// Removes the correction of one day: the bundled schedule or the law applies again. Not found
/// when the day has no correction.
pub async fn remove_day(app: &App, actor: &Actor, date: NaiveDate) -> Result<()> {
    if !motcua_store::calendar::remove_day(&app.db, &actor.audit_ctx(), date).await? {
        return Err(Error::NotFound);
    }
    app.reload_calendar().await?;
    Ok(())
}

/// The appointment for a dossier received at `received` with processing time `duration`, on the
/// calendar in force (the rules of `motcua_domain::calendar::working`: Civil Code 2015 art. 147–148,
/// a receipt after the same-day `cutoff` counted from the next working day):
/// `(counted_from, due)`, in Vietnam time. A time outside the calendar's years is a problem of
/// `received_at`.
pub fn deadline(
    app: &App,
    received: chrono::DateTime<chrono::FixedOffset>,
    duration: motcua_domain::calendar::WorkDuration,
    cutoff: Option<chrono::NaiveTime>,
) -> Result<(
    chrono::DateTime<chrono::FixedOffset>,
    chrono::DateTime<chrono::FixedOffset>,
)> {
    use motcua_domain::calendar::lunar::{MAX_YEAR, MIN_YEAR};
    use motcua_domain::time::VN_OFFSET;
    let local = received.with_timezone(&VN_OFFSET).naive_local();
    let cal = app.calendar();
    let out_of_range = |_| {
        Error::invalid(
            "received_at",
            format!("ngoài khoảng lịch hỗ trợ {MIN_YEAR}–{MAX_YEAR}"),
        )
    };
    let counted_from = cal
        .working
        .effective_receipt(local, cutoff)
        .map_err(out_of_range)?;
    let due = cal
        .working
        .due(local, duration, cutoff)
        .map_err(out_of_range)?;
    let vn = |t: chrono::NaiveDateTime| {
        t.and_local_timezone(VN_OFFSET)
            .single()
            .unwrap_or_else(|| received.with_timezone(&VN_OFFSET))
    };
    Ok((vn(counted_from), vn(due)))
}
