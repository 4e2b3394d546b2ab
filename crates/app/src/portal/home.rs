//! The portal's public figures: the home page's reads (the latest news and videos, this month's
//! dossier figures, the dossiers received today), kept a few seconds, and the public statistics
//! of dossier processing by month, unit, procedure and channel (seed P1–P3; T3.5). Aggregates
//! only: no dossier and no personal data.

use super::{HomeReads, articles, portal_agency};
use crate::App;
use chrono::Datelike;
use motcua_domain::dossier::stats::Counter;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub use motcua_store::dossier::Totals;
pub use motcua_store::portal::StatRow;

/// The public statistics of dossier processing (seed P3; T3.5: progress is public): the live
/// counters of months `from`–`to` (`YYYYMM`) of the portal's agency by month, receiving unit,
/// procedure and channel, for one unit or procedure if asked. Aggregates only: no dossier and
/// no personal data.
pub async fn statistics(
    app: &App,
    agency_id: Uuid,
    (from, to): (i32, i32),
    unit: Option<Uuid>,
    procedure_code: Option<&str>,
) -> Result<Vec<StatRow>, motcua_store::StoreError> {
    motcua_store::portal::stat_rows(&app.db, agency_id, from, to, unit, procedure_code).await
}

/// How long the home page's reads are reused.
pub const HOME_FRESH: Duration = Duration::from_secs(5);

/// The sums of one line of the public statistics (a month, a unit, a procedure or the whole):
/// filed, of which online and by post, resolved in time and late, returned.
#[derive(Clone, Debug, Default)]
pub struct Sums {
    pub received: i64,
    pub online: i64,
    pub postal: i64,
    pub in_time: i64,
    pub late: i64,
    pub returned: i64,
}

impl Sums {
    /// Adds one channel's counters.
    pub fn add_channel(&mut self, channel: &str, t: &Totals) {
        let filed = t.filed(channel);
        self.received += filed;
        if channel == "online" {
            self.online += filed;
        }
        self.postal += t.get(Counter::ReceivedPostal);
        self.in_time += t.resolved_in_time();
        self.late += t.get(Counter::ResolvedLate);
        self.returned += t.returned();
    }

    /// Adds one group of the public statistics.
    pub fn add(&mut self, r: &StatRow) {
        self.add_channel(&r.channel, &r.totals);
    }
}

/// What the home page shows (seed P1–P3): the latest six news articles and two videos, this
/// month's figures of dossier processing and the dossiers received today, of the portal's
/// agency; `None` before an agency exists. Kept for [`HOME_FRESH`] (one read serves every visitor
/// meanwhile) and dropped when an editor saves an article (`forget_pages`).
pub async fn home(app: &App) -> anyhow::Result<Option<HomeReads>> {
    if let Ok(r) = app.portal.home.lock()
        && let Some(r) = r.as_ref()
        && r.at.is_some_and(|t| t.elapsed() < HOME_FRESH)
    {
        return Ok(Some(r.clone()));
    }
    let Some(agency_id) = portal_agency(app).await? else {
        return Ok(None);
    };
    let now = app.now();
    let categories = motcua_store::portal::categories(&app.db, agency_id).await?;
    let public = |video| motcua_store::portal::ArticleFilter {
        public_at: Some(now),
        video: Some(video),
        ..Default::default()
    };
    let (news, _) = articles(app, agency_id, &public(false), 6, 0).await?;
    let (videos, _) = articles(app, agency_id, &public(true), 2, 0).await?;
    let local = now.with_timezone(&motcua_domain::time::VN_OFFSET);
    let month = local.year() * 100 + local.month() as i32;
    let totals = motcua_store::dossier::stat_totals(
        &app.db,
        &motcua_store::dossier::StatFilter {
            agency_id,
            units: None,
            procedure_code: None,
        },
        month,
        month,
        Some("channel"),
    )
    .await?;
    let label = format!("tháng {}/{}", local.month(), local.year());
    let mut sums = Sums::default();
    for (channel, t) in &totals {
        sums.add_channel(channel, t);
    }
    let Sums {
        received,
        online,
        in_time,
        late,
        returned,
        ..
    } = sums;
    let resolved = in_time + late;
    let midnight = motcua_domain::time::from_local(
        local.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default(),
    );
    let today = motcua_store::portal::received_since(&app.db, agency_id, midnight).await?;
    let r = HomeReads {
        today,
        at: Some(Instant::now()),
        news,
        videos,
        categories,
        figures: (label, received, online, resolved, in_time, returned),
    };
    if let Ok(mut slot) = app.portal.home.lock() {
        *slot = Some(r.clone());
    }
    Ok(Some(r))
}
