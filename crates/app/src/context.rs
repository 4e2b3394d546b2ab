//! [`App`]: what every use case runs with — the database, the configuration, the working
//! calendar in force, the organisation, the procedure versions read, the signing keys and the
//! clock. `motcua serve`, the command line, the benchmarks and the tests build it the same way,
//! with [`App::new`].

use crate::config::Config;
use crate::signing::SigningService;
use motcua_domain::calendar::schedule::{official_days, year_schedule};
use motcua_domain::calendar::{
    CalendarError, RecordedDay, WorkingCalendar, WorkingHours, YearSchedule,
};
use motcua_domain::catalog::procedure::ProcedureData;
use motcua_store::entity::{agency, unit};
use motcua_store::{Db, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long the organisation read from the database is reused: units are created by operators
/// (demo, command line), and a new unit shows within this time.
pub const ORG_TTL: Duration = Duration::from_secs(5);

/// The application: cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct App(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    /// Signing keys of people and agencies, decrypted on first use.
    pub signing: SigningService,
    hours: WorkingHours,
    official: BTreeMap<i32, Vec<RecordedDay>>,
    calendar: RwLock<Arc<CalendarState>>,
    /// Milliseconds added to the system clock for the dossier rules (0 in service; drills and
    /// tests move it to replay a holiday or a late dossier without waiting for one). Milliseconds,
    /// not seconds: a clock set to 10:00 reads 10:00:00.000 plus the time since, so the whole
    /// seconds the rules keep do not jump by the lost fraction.
    clock_offset_ms: AtomicI64,
    /// The agency and its units, re-read at most every [`ORG_TTL`].
    org: RwLock<Option<(Instant, Arc<OrgSnapshot>)>>,
    /// Procedure versions by id. The content of a version never changes once stored under an id
    /// that a dossier or the catalogue's current pointer names, so it is kept (status is not).
    versions: Mutex<HashMap<Uuid, Arc<ProcedureData>>>,
    /// Decision 766 indexes computed in the last 30 s, by agency and period (`crate::index766`).
    pub(crate) index766: Mutex<HashMap<(Uuid, String), KeptIndex>>,
    /// The portal's visit and view counters and the public pages' reads (`crate::portal`).
    pub portal: crate::portal::Counters,
}

/// A computed Decision 766 index and when it was computed.
pub type KeptIndex = (Instant, crate::index766::Index);

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.db.backend())
            .field("signing", &self.signing)
            .finish_non_exhaustive()
    }
}

/// The agencies and units, as read at one moment.
#[derive(Debug)]
pub struct OrgSnapshot {
    pub agencies: Vec<agency::Model>,
    pub units: Vec<unit::Model>,
}

impl OrgSnapshot {
    /// A unit by code (any case) or id.
    pub fn unit(&self, code_or_id: &str) -> Option<&unit::Model> {
        let key = code_or_id.trim();
        if let Ok(id) = Uuid::parse_str(key) {
            return self.units.iter().find(|u| u.id == id);
        }
        self.units.iter().find(|u| u.code.eq_ignore_ascii_case(key))
    }

    pub fn unit_by_id(&self, id: Uuid) -> Option<&unit::Model> {
        self.units.iter().find(|u| u.id == id)
    }

    /// `root` and the units below it.
    pub fn subtree(&self, root: Uuid) -> Vec<Uuid> {
        motcua_store::org::subtree(&self.units, root)
    }

    pub fn agency(&self, id: Uuid) -> Option<&agency::Model> {
        self.agencies.iter().find(|a| a.id == id)
    }
}

/// The calendar in force: rebuilt (never edited in place) when an admin records a correction, so
/// a calculation in flight keeps the calendar it started with.
pub struct CalendarState {
    pub working: WorkingCalendar,
    pub corrections: Vec<RecordedDay>,
}

impl App {
    /// The application on `db`, with the calendar built from the bundled schedules only; call
    /// [`App::reload_calendar`] to add the database's corrections. Fails on a configuration
    /// whose working hours do not parse.
    pub fn new(db: Db, config: Config) -> Result<Self, String> {
        let hours = config.parsed_working_hours()?;
        let official = official_days();
        let working =
            WorkingCalendar::build(&official, &[], hours.clone()).map_err(|e| e.to_string())?;
        Ok(Self(Arc::new(Inner {
            signing: SigningService::new(&config),
            db,
            config,
            hours,
            official,
            clock_offset_ms: AtomicI64::new(0),
            org: RwLock::new(None),
            versions: Mutex::new(HashMap::new()),
            index766: Mutex::new(HashMap::new()),
            portal: crate::portal::Counters::default(),
            calendar: RwLock::new(Arc::new(CalendarState {
                working,
                corrections: Vec::new(),
            })),
        })))
    }

    /// Now, as the dossier rules see it (the system clock plus the drill offset).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
            + chrono::Duration::milliseconds(self.clock_offset_ms.load(Ordering::Relaxed))
    }

    /// Move the dossier clock so that it reads `at` now (drills and tests only: the production
    /// binary never calls it).
    pub fn set_clock(&self, at: chrono::DateTime<chrono::Utc>) {
        let offset = (at - chrono::Utc::now()).num_milliseconds();
        self.clock_offset_ms.store(offset, Ordering::Relaxed);
    }

    /// The organisation, from memory when read less than [`ORG_TTL`] ago.
    pub async fn org(&self) -> Result<Arc<OrgSnapshot>, StoreError> {
        if let Some((at, snap)) = self
            .org
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && at.elapsed() < ORG_TTL
        {
            return Ok(snap.clone());
        }
        let snap = Arc::new(OrgSnapshot {
            agencies: motcua_store::org::agencies(self.db.conn()).await?,
            units: motcua_store::org::units(self.db.conn()).await?,
        });
        *self.org.write().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), snap.clone()));
        Ok(snap)
    }

    /// The data of a procedure version (read once per id).
    pub async fn version_data(&self, id: Uuid) -> Result<Option<Arc<ProcedureData>>, StoreError> {
        if let Some(v) = self
            .versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
        let mut map = self.versions.lock().unwrap_or_else(PoisonError::into_inner);
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
            .unwrap_or_else(PoisonError::into_inner)
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
    pub async fn reload_calendar(&self) -> crate::Result<()> {
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
        .map_err(|e| anyhow::anyhow!("calendar build task: {e}"))?
        .map_err(|e| anyhow::anyhow!("calendar build: {e}"))?;
        *self
            .calendar
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(built);
        Ok(())
    }
}

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
