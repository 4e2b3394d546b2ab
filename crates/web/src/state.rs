//! The state shared by every handler.

use crate::config::Config;
use crate::limiter::RateLimiter;
use metrics_exporter_prometheus::PrometheusHandle;
use motcua_domain::calendar::schedule::{official_days, year_schedule};
use motcua_domain::calendar::{
    CalendarError, RecordedDay, WorkingCalendar, WorkingHours, YearSchedule,
};
use motcua_domain::catalog::procedure::ProcedureData;
use motcua_store::{Db, StoreError};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub metrics: PrometheusHandle,
    /// Failed sign-in attempts per client address.
    pub login_by_client: RateLimiter,
    /// Failed sign-in attempts per e-mail typed (known or not, so the answer does not reveal accounts).
    pub login_by_account: RateLimiter,
    /// Requests per client to public calculators.
    pub public_by_client: RateLimiter,
    hours: WorkingHours,
    official: BTreeMap<i32, Vec<RecordedDay>>,
    calendar: RwLock<Arc<CalendarState>>,
    /// Milliseconds added to the system clock for the dossier rules (0 in service; drills and
    /// tests move it to replay a holiday or a late dossier without waiting for one). Milliseconds,
    /// not seconds: a clock set to 10:00 reads 10:00:00.000 plus the time since, so the whole
    /// seconds the rules keep do not jump by the lost fraction.
    clock_offset_ms: std::sync::atomic::AtomicI64,
    /// The agency and its units, re-read at most every [`ORG_TTL`].
    org: RwLock<Option<(std::time::Instant, Arc<OrgSnapshot>)>>,
    /// Procedure versions by id. The content of a version never changes once stored under an id
    /// that a dossier or the catalogue's current pointer names, so it is kept (status is not).
    versions: std::sync::Mutex<std::collections::HashMap<uuid::Uuid, Arc<ProcedureData>>>,
    /// Signing keys of people and agencies, decrypted on first use.
    pub signing: crate::signing::SigningService,
    /// The portal's visit and view counters (`crate::portal`).
    pub portal: crate::portal::Counters,
    /// Decision 766 indexes computed in the last 30 s, by agency and period.
    pub index766: std::sync::Mutex<std::collections::HashMap<(uuid::Uuid, String), KeptIndex>>,
}

/// A computed Decision 766 index and when it was computed.
pub type KeptIndex = (std::time::Instant, crate::index766::Index);

/// How long the organisation read from the database is reused: units are created by operators
/// (demo, command line), and a new unit shows within this time.
pub const ORG_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// The agencies and units, as read at one moment.
#[derive(Debug)]
pub struct OrgSnapshot {
    pub agencies: Vec<motcua_store::entity::agency::Model>,
    pub units: Vec<motcua_store::entity::unit::Model>,
}

impl OrgSnapshot {
    /// A unit by code (any case) or id.
    pub fn unit(&self, code_or_id: &str) -> Option<&motcua_store::entity::unit::Model> {
        let key = code_or_id.trim();
        if let Ok(id) = uuid::Uuid::parse_str(key) {
            return self.units.iter().find(|u| u.id == id);
        }
        self.units.iter().find(|u| u.code.eq_ignore_ascii_case(key))
    }

    pub fn unit_by_id(&self, id: uuid::Uuid) -> Option<&motcua_store::entity::unit::Model> {
        self.units.iter().find(|u| u.id == id)
    }

    /// `root` and the units below it.
    pub fn subtree(&self, root: uuid::Uuid) -> Vec<uuid::Uuid> {
        motcua_store::org::subtree(&self.units, root)
    }

    pub fn agency(&self, id: uuid::Uuid) -> Option<&motcua_store::entity::agency::Model> {
        self.agencies.iter().find(|a| a.id == id)
    }
}

/// The calendar in force: rebuilt (never edited in place) when an admin records a correction, so
/// a calculation in flight keeps the calendar it started with.
pub struct CalendarState {
    pub working: WorkingCalendar,
    pub corrections: Vec<RecordedDay>,
}

impl AppState {
    /// The state, with the calendar built from the bundled schedules only; call
    /// [`AppState::reload_calendar`] to add the database's corrections.
    pub fn new(db: Db, config: Config, metrics: PrometheusHandle) -> Result<Self, String> {
        let per_min = config.login_attempts_per_minute;
        let per_account = u32::try_from(config.login_max_failures.max(1)).unwrap_or(5);
        let hours = config.parsed_working_hours()?;
        let official = official_days();
        let working =
            WorkingCalendar::build(&official, &[], hours.clone()).map_err(|e| e.to_string())?;
        Ok(Self(Arc::new(Inner {
            public_by_client: RateLimiter::per_minute(config.public_requests_per_minute),
            signing: crate::signing::SigningService::new(&config),
            portal: crate::portal::Counters::default(),
            index766: std::sync::Mutex::new(std::collections::HashMap::new()),
            db,
            config,
            metrics,
            login_by_client: RateLimiter::per_minute(per_min),
            login_by_account: RateLimiter::per_minute(per_account),
            hours,
            official,
            clock_offset_ms: std::sync::atomic::AtomicI64::new(0),
            org: RwLock::new(None),
            versions: std::sync::Mutex::new(std::collections::HashMap::new()),
            calendar: RwLock::new(Arc::new(CalendarState {
                working,
                corrections: Vec::new(),
            })),
        })))
    }

    /// Now, as the dossier rules see it (the system clock plus the drill offset).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
            + chrono::Duration::milliseconds(
                self.clock_offset_ms
                    .load(std::sync::atomic::Ordering::Relaxed),
            )
    }

    /// Move the dossier clock so that it reads `at` now (drills and tests only: the production
    /// binary never calls it).
    pub fn set_clock(&self, at: chrono::DateTime<chrono::Utc>) {
        let offset = (at - chrono::Utc::now()).num_milliseconds();
        self.clock_offset_ms
            .store(offset, std::sync::atomic::Ordering::Relaxed);
    }

    /// The organisation, from memory when read less than [`ORG_TTL`] ago.
    pub async fn org(&self) -> Result<Arc<OrgSnapshot>, StoreError> {
        if let Some((at, snap)) = self
            .org
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            && at.elapsed() < ORG_TTL
        {
            return Ok(snap.clone());
        }
        let snap = Arc::new(OrgSnapshot {
            agencies: motcua_store::org::agencies(self.db.conn()).await?,
            units: motcua_store::org::units(self.db.conn()).await?,
        });
        *self
            .org
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((std::time::Instant::now(), snap.clone()));
        Ok(snap)
    }

    /// The data of a procedure version (read once per id).
    pub async fn version_data(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<Arc<ProcedureData>>, StoreError> {
        if let Some(v) = self
            .versions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
        {
            return Ok(Some(v.clone()));
        }
        let Some(v) = motcua_store::catalog::version_by_id(self.db.conn(), id).await? else {
            return Ok(None);
        };
        let draft = v.status == motcua_domain::catalog::VersionStatus::Draft;
        let data = Arc::new(v.data);
        if draft {
            // A draft may still be edited in place: never kept.
            return Ok(Some(data));
        }
        let mut map = self
            .versions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= 4096 {
            map.clear();
        }
        map.insert(id, data.clone());
        Ok(Some(data))
    }

    /// The calendar in force now.
    pub fn calendar(&self) -> Arc<CalendarState> {
        self.calendar
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The schedule of `year` as it applies now (bundled data or law, then corrections).
    pub fn year_schedule(&self, year: i32) -> Result<YearSchedule, CalendarError> {
        Ok(year_schedule(
            year,
            &self.official,
            &self.calendar().corrections,
        )?)
    }

    /// Rebuild the calendar from the bundled schedules and the corrections in the database.
    pub async fn reload_calendar(&self) -> Result<(), StoreError> {
        let corrections = motcua_store::calendar::corrections(self.db.conn()).await?;
        let official = self.official.clone();
        let hours = self.hours.clone();
        let built = tokio::task::spawn_blocking(move || {
            WorkingCalendar::build(&official, &corrections, hours).map(|w| CalendarState {
                working: w,
                corrections,
            })
        })
        .await
        .map_err(|e| {
            StoreError::Db(motcua_store::sea_orm::DbErr::Custom(format!(
                "calendar build task: {e}"
            )))
        })?
        .map_err(|e| {
            StoreError::Db(motcua_store::sea_orm::DbErr::Custom(format!(
                "calendar build: {e}"
            )))
        })?;
        *self
            .calendar
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(built);
        Ok(())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
