//! The statistics of dossier processing over whole months, in the actor's scope: received new and
//! carried over, resolved early, on time and late (the split of the reports, domain rules §1.3 and
//! Decision 766 indicator 2.1), in process now within time or overdue, returned by channel, by
//! post; by month and by channel. Read from the live counters
//! (`dossier_stat`), moved in the same transaction as each event, so the cost is a few grouped
//! sums whatever the number of dossiers.

use crate::{App, Result};
use motcua_domain::dossier::stats::Counter;
use motcua_store::dossier as store;

pub use store::{StatFilter, Totals};

/// The statistics of months `from`–`to` (`YYYYMM`, inclusive).
#[derive(Clone, Debug)]
pub struct Statistics {
    pub from: i32,
    pub to: i32,
    /// The counters of the period.
    pub period: Totals,
    /// Received before the period and not finished before it.
    pub carried_over: i64,
    /// In process now, within their time and overdue.
    pub within_time: i64,
    pub overdue: i64,
    /// `(YYYYMM, counters)` in order.
    pub by_month: Vec<(String, Totals)>,
    /// `(channel, counters)`.
    pub by_channel: Vec<(String, Totals)>,
}

impl Statistics {
    /// A counter of the period.
    pub fn count(&self, c: Counter) -> i64 {
        self.period.get(c)
    }

    /// Resolved in the period, early, on time or late.
    pub fn resolved(&self) -> i64 {
        self.count(Counter::ResolvedEarly)
            + self.count(Counter::ResolvedOnTime)
            + self.count(Counter::ResolvedLate)
    }

    /// Resolved early or on time among those resolved; `None` when none was resolved.
    pub fn on_time_share(&self) -> Option<f64> {
        let d = self.resolved();
        (d > 0).then(|| self.period.resolved_in_time() as f64 / d as f64)
    }

    /// Carried over and received, less finished: still open at the end of the period.
    pub fn pending_at_end(&self) -> i64 {
        self.carried_over + self.count(Counter::Received) - self.count(Counter::Finished)
    }
}

/// A month `YYYYMM` as `YYYY-MM`.
pub fn month_label(m: i32) -> String {
    format!("{:04}-{:02}", m / 100, m % 100)
}

/// The statistics of months `from`–`to` under `filter` (the actor's agency and units).
pub async fn statistics(app: &App, filter: &StatFilter, from: i32, to: i32) -> Result<Statistics> {
    let first =
        |rows: Vec<(String, Totals)>| rows.into_iter().next().map(|(_, t)| t).unwrap_or_default();
    let period = first(store::stat_totals(&app.db, filter, from, to, None).await?);
    let before = first(store::stat_totals(&app.db, filter, 190001, from - 1, None).await?);
    let by_month = store::stat_totals(&app.db, filter, from, to, Some("month")).await?;
    let by_channel = store::stat_totals(&app.db, filter, from, to, Some("channel")).await?;
    let (within_time, overdue) = store::open_now(&app.db, filter, app.now()).await?;
    Ok(Statistics {
        from,
        to,
        period,
        carried_over: before.get(Counter::Received) - before.get(Counter::Finished),
        within_time,
        overdue,
        by_month,
        by_channel,
    })
}
