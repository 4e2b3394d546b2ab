//! The days off and working weekend days of a year: the official schedule the Government announced
//! when motcua has it (bundled for 2021–2026 in `data/official_days.csv`), otherwise the days
//! computed from the law (`holidays`), and on top of either the corrections an admin recorded.

use super::holidays::{self, is_weekend};
use super::lunar::{self, LunarError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A day that differs from the Monday–Friday week, with its reason and source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduledDay {
    pub date: NaiveDate,
    pub name: String,
    pub source: String,
}

/// Whether a recorded day is not worked (a weekday off) or worked (a weekend day made a working day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Off,
    Work,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Work => "work",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "off" => Some(Self::Off),
            "work" => Some(Self::Work),
            _ => None,
        }
    }
}

/// One recorded day: from the bundled official data or from an admin's correction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    pub source: String,
}

/// What a year looks like, as `motcua calendar YEAR --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearSchedule {
    pub year: i32,
    /// Every Monday–Friday that is not worked.
    pub non_working_weekdays: Vec<ScheduledDay>,
    /// Every Saturday or Sunday that is worked.
    pub working_weekend_days: Vec<ScheduledDay>,
}

const OFFICIAL_CSV: &str = include_str!("../../data/official_days.csv");

/// The official schedules bundled with motcua: (year → days). A year present here replaces the
/// computed defaults for that year entirely.
pub fn official_days() -> BTreeMap<i32, Vec<RecordedDay>> {
    let mut by_year: BTreeMap<i32, Vec<RecordedDay>> = BTreeMap::new();
    for line in OFFICIAL_CSV.lines().skip(1) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.splitn(4, ',');
        let (Some(date), Some(kind), Some(name), Some(source)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let (Ok(date), Some(kind)) = (
            NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d"),
            DayKind::parse(kind),
        ) else {
            continue;
        };
        by_year.entry(date.year()).or_default().push(RecordedDay {
            date,
            kind,
            name: name.trim().to_owned(),
            source: source.trim().to_owned(),
        });
    }
    by_year
}

/// Build the schedule of `year` from the official data (or the law) and `corrections` (an admin's
/// recorded days, which win over both; a correction that makes a day ordinary again is a `Work` on
/// a weekday or an `Off` on a weekend day).
pub fn year_schedule(
    year: i32,
    official: &BTreeMap<i32, Vec<RecordedDay>>,
    corrections: &[RecordedDay],
) -> Result<YearSchedule, LunarError> {
    if !(lunar::MIN_YEAR..=lunar::MAX_YEAR).contains(&year) {
        return Err(LunarError::YearOutOfRange(year));
    }
    let mut days: BTreeMap<NaiveDate, (DayKind, String, String)> = BTreeMap::new();
    match official.get(&year) {
        Some(list) => {
            for d in list {
                days.insert(d.date, (d.kind, d.name.clone(), d.source.clone()));
            }
        }
        None => {
            for d in holidays::computed_days_off(year)? {
                days.insert(d.date, (DayKind::Off, d.name, d.source));
            }
        }
    }
    for c in corrections.iter().filter(|c| c.date.year() == year) {
        days.insert(c.date, (c.kind, c.name.clone(), c.source.clone()));
    }
    let mut schedule = YearSchedule {
        year,
        non_working_weekdays: Vec::new(),
        working_weekend_days: Vec::new(),
    };
    for (date, (kind, name, source)) in days {
        let day = ScheduledDay { date, name, source };
        match (kind, is_weekend(date)) {
            (DayKind::Off, false) => schedule.non_working_weekdays.push(day),
            (DayKind::Work, true) => schedule.working_weekend_days.push(day),
            // An off weekend day or a worked weekday is the ordinary week: nothing to list.
            _ => {}
        }
    }
    Ok(schedule)
}
