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
