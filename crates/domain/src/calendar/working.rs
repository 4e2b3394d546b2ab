//! Working-time arithmetic over a precomputed calendar.
//!
//! [`WorkingCalendar`] marks every day of 1900–2199 as worked or not (the Monday–Friday week, the
//! year schedules, admin corrections) and keeps two tables: `cum[i]`, the number of working days
//! before day `i`, and `nth[k]`, the day of the k-th working day. With them every operation below
//! is O(1): adding working days or hours, the working time between two instants, counting working
//! days. Both tables together take about 750 KB for the 300 years (`memory_bytes`).
//!
//! All times are local Vietnam time (UTC+7) as `NaiveDateTime`; callers convert at the edge.
//!
//! Rules (Civil Code 2015):
//! - art. 147.1: a period in hours starts at the moment stated; a period in days starts on the day
//!   after the event, so the day of receipt is not counted;
//! - art. 148: a period ends at the end of its last day; when that day is a rest day, at the end of
//!   the next working day (automatic here: only working days are counted).
//!   One-stop practice (domain rules §1.4): the end of a day is the end of working hours; a receipt
//!   outside working time counts from the next working time; after a procedure's same-day cut-off
//!   (e.g. 15:00, Decree 23/2015 art. 21 for certification) it counts from the next working day.

use super::lunar::{MAX_YEAR, MIN_YEAR};
use super::schedule::{RecordedDay, year_schedule};
use super::{CalendarError, WorkDuration};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use std::collections::BTreeMap;

/// The daily working hours: sorted, non-overlapping intervals within a day, in seconds since midnight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    intervals: Vec<(u32, u32)>,
    per_day: u32,
}

impl WorkingHours {
    /// 8:00–12:00 and 13:00–17:00, the default of state agencies (Decision 188/1999/QĐ-TTg: 40 hours
    /// a week, 8 a day; the exact hours are set by each agency).
    pub fn standard() -> Self {
        Self {
            intervals: vec![(8 * 3600, 12 * 3600), (13 * 3600, 17 * 3600)],
            per_day: 8 * 3600,
        }
    }

    /// Custom hours, e.g. `[(7:30, 11:30), (13:30, 17:30)]`.
    pub fn new(intervals: &[(NaiveTime, NaiveTime)]) -> Result<Self, CalendarError> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (s, e) in intervals {
            let (s, e) = (s.num_seconds_from_midnight(), e.num_seconds_from_midnight());
            if e <= s || out.last().is_some_and(|&(_, last_end)| s < last_end) {
                return Err(CalendarError::BadWorkingHours);
            }
            out.push((s, e));
        }
        let per_day = out.iter().map(|(s, e)| e - s).sum();
        if per_day == 0 {
            return Err(CalendarError::BadWorkingHours);
        }
        Ok(Self {
            intervals: out,
            per_day,
        })
    }

    pub fn per_day_seconds(&self) -> u32 {
        self.per_day
    }

    pub fn start_of_day(&self) -> u32 {
        self.intervals.first().map_or(0, |i| i.0)
    }

    pub fn end_of_day(&self) -> u32 {
        self.intervals.last().map_or(0, |i| i.1)
    }

    /// Working seconds of a working day elapsed at `t` (seconds since midnight).
    fn worked_before(&self, t: u32) -> u32 {
        self.intervals.iter().map(|&(s, e)| t.clamp(s, e) - s).sum()
    }

    /// The earliest time of day at which `w` working seconds (0 < w <= per_day) have elapsed.
    fn time_at(&self, mut w: u32) -> u32 {
        for &(s, e) in &self.intervals {
            if w <= e - s {
                return s + w;
            }
            w -= e - s;
        }
        self.end_of_day()
    }

    /// The first working moment at or after `t` on a working day, if any remains that day.
    fn next_start_same_day(&self, t: u32) -> Option<u32> {
        self.intervals
            .iter()
            .find(|&&(_, e)| t < e)
            .map(|&(s, _)| t.max(s))
    }
}

/// Every day of 1900–2199 marked as worked or not, with the tables for O(1) arithmetic.
#[derive(Clone, Debug)]
pub struct WorkingCalendar {
    first: NaiveDate,
    /// `cum[i]`: working days among days `0..i`; one more entry than days.
    cum: Vec<u32>,
    /// `nth[k]`: the day index of the k-th working day (0-based).
    nth: Vec<u32>,
    hours: WorkingHours,
}

fn time_of(secs: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0).unwrap_or(NaiveTime::MIN)
}

impl WorkingCalendar {
    /// Build from the bundled official schedules (or the law for other years) and the corrections.
    pub fn build(
        official: &BTreeMap<i32, Vec<RecordedDay>>,
        corrections: &[RecordedDay],
        hours: WorkingHours,
    ) -> Result<Self, CalendarError> {
        let first = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).ok_or(CalendarError::OutOfRange)?;
        let last = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).ok_or(CalendarError::OutOfRange)?;
        let days = (last - first).num_days() as usize + 1;
        let mut working: Vec<bool> = first
            .iter_days()
            .take(days)
            .map(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        for year in MIN_YEAR..=MAX_YEAR {
            let s = year_schedule(year, official, corrections)?;
            for d in &s.non_working_weekdays {
                if let Some(slot) = working.get_mut((d.date - first).num_days() as usize) {
                    *slot = false;
                }
            }
            for d in &s.working_weekend_days {
                if let Some(slot) = working.get_mut((d.date - first).num_days() as usize) {
                    *slot = true;
                }
            }
        }
        let mut cum = Vec::with_capacity(days + 1);
        let mut nth = Vec::with_capacity(days * 5 / 7 + 1);
        let mut count = 0u32;
        for (i, w) in working.iter().enumerate() {
            cum.push(count);
            if *w {
                nth.push(i as u32);
                count += 1;
            }
        }
        cum.push(count);
        Ok(Self {
            first,
            cum,
            nth,
            hours,
        })
    }

    /// The calendar of the bundled data and the law, standard hours, no corrections.
    pub fn standard() -> Result<Self, CalendarError> {
        Self::build(
            &super::schedule::official_days(),
            &[],
            WorkingHours::standard(),
        )
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// Heap memory held by the tables.
    pub fn memory_bytes(&self) -> usize {
        (self.cum.capacity() + self.nth.capacity()) * std::mem::size_of::<u32>()
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let i = (date - self.first).num_days();
        if i < 0 || i as usize >= self.cum.len() - 1 {
            return Err(CalendarError::OutOfRange);
        }
        Ok(i as usize)
    }

    fn date_of(&self, index: u32) -> NaiveDate {
        self.first + chrono::Duration::days(i64::from(index))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.cum[i + 1] > self.cum[i])
    }

    /// Working days `d` with `from < d <= to` (0 when `to <= from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        Ok(self.cum[b + 1].saturating_sub(self.cum[a + 1]))
    }

    /// The `n`-th working day after `date` (n >= 1); `date` itself is never counted.
    pub fn nth_working_day_after(
        &self,
        date: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let k = self.cum[self.index(date)? + 1] as usize + n.max(1) as usize - 1;
        self.nth
            .get(k)
            .map(|&i| self.date_of(i))
            .ok_or(CalendarError::OutOfRange)
    }

    /// Working seconds from the start of the calendar to `t`: the O(1) clock behind the rest.
    fn clock(&self, t: NaiveDateTime) -> Result<u64, CalendarError> {
        let i = self.index(t.date())?;
        let before = u64::from(self.cum[i]) * u64::from(self.hours.per_day);
        let today = if self.cum[i + 1] > self.cum[i] {
            self.hours
                .worked_before(t.time().num_seconds_from_midnight())
        } else {
            0
        };
        Ok(before + u64::from(today))
    }

    /// The earliest instant at which the clock reads `f` (f > 0).
    fn at_clock(&self, f: u64) -> Result<NaiveDateTime, CalendarError> {
        let per_day = u64::from(self.hours.per_day);
        let k = (f - 1) / per_day;
        let w = (f - k * per_day) as u32;
        let day = self.nth.get(k as usize).ok_or(CalendarError::OutOfRange)?;
        Ok(self.date_of(*day).and_time(time_of(self.hours.time_at(w))))
    }

    /// Working time between two instants, in seconds (0 when `b <= a`).
    pub fn working_seconds_between(
        &self,
        a: NaiveDateTime,
        b: NaiveDateTime,
    ) -> Result<u64, CalendarError> {
        Ok(self.clock(b)?.saturating_sub(self.clock(a)?))
    }

    /// The first working moment at or after `t`.
    pub fn next_working_time(&self, t: NaiveDateTime) -> Result<NaiveDateTime, CalendarError> {
        if self.is_working_day(t.date())?
            && let Some(s) = self
                .hours
                .next_start_same_day(t.time().num_seconds_from_midnight())
        {
            return Ok(t.date().and_time(time_of(s)).max(t));
        }
        let next = self.nth_working_day_after(t.date(), 1)?;
        Ok(next.and_time(time_of(self.hours.start_of_day())))
    }

    /// The moment a period starts for a receipt at `received`: the next working time, or the start
    /// of the next working day when the receipt is at or after the same-day `cutoff`.
    pub fn effective_receipt(
        &self,
        received: NaiveDateTime,
        cutoff: Option<NaiveTime>,
    ) -> Result<NaiveDateTime, CalendarError> {
        if let Some(cut) = cutoff
            && self.is_working_day(received.date())?
            && received.time() >= cut
        {
            let next = self.nth_working_day_after(received.date(), 1)?;
            return Ok(next.and_time(time_of(self.hours.start_of_day())));
        }
        self.next_working_time(received)
    }

    /// `t` plus `seconds` of working time. Zero gives the next working time.
    pub fn add_working_seconds(
        &self,
        t: NaiveDateTime,
        seconds: u64,
    ) -> Result<NaiveDateTime, CalendarError> {
        if seconds == 0 {
            return self.next_working_time(t);
        }
        self.at_clock(self.clock(t)? + seconds)
    }

    /// The appointment for a receipt at `received` with processing time `duration`.
    ///
    /// Days: the day of (effective) receipt is not counted; the period ends at the end of working
    /// hours of its last working day; half days end at the middle of the working day (12:00).
    /// `0d` ends at the end of the receipt day. Hours: counted from the effective receipt.
    pub fn due(
        &self,
        received: NaiveDateTime,
        duration: WorkDuration,
        cutoff: Option<NaiveTime>,
    ) -> Result<NaiveDateTime, CalendarError> {
        let start = self.effective_receipt(received, cutoff)?;
        let per_day = u64::from(self.hours.per_day);
        match duration {
            WorkDuration::Seconds(s) => self.add_working_seconds(start, s),
            WorkDuration::CalendarDays(n) => {
                // The n-th calendar day after the receipt day; on a rest day, the next working day.
                let last = start.date() + chrono::Duration::days(i64::from(n));
                let day = if self.is_working_day(last)? {
                    last
                } else {
                    self.nth_working_day_after(last, 1)?
                };
                Ok(day.and_time(time_of(self.hours.end_of_day())))
            }
            WorkDuration::HalfDays(h) => {
                let day_index = u64::from(self.cum[self.index(start.date())?]);
                // The clock at the end of the receipt day, then h half days on.
                self.at_clock((day_index + 1) * per_day + u64::from(h) * (per_day / 2))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::build(&BTreeMap::new(), &[], WorkingHours::standard())
            .unwrap_or_else(|_| unreachable_cal())
    }

    fn unreachable_cal() -> WorkingCalendar {
        WorkingCalendar {
            first: NaiveDate::MIN,
            cum: vec![0],
            nth: vec![],
            hours: WorkingHours::standard(),
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn the_calendar_fits_in_under_a_megabyte() {
        let c = cal();
        assert!(c.memory_bytes() < 1_000_000, "{} bytes", c.memory_bytes());
    }

    #[test]
    fn days_count_from_the_day_after_receipt_and_end_at_close_of_business() {
        let c = cal();
        // Tuesday 2026-03-10 09:00, 3 days -> Friday 13th 17:00.
        assert_eq!(
            c.due(at("2026-03-10 09:00"), WorkDuration::HalfDays(6), None),
            Ok(at("2026-03-13 17:00"))
        );
        // Half days end at noon.
        assert_eq!(
            c.due(at("2026-03-10 09:00"), WorkDuration::HalfDays(1), None),
            Ok(at("2026-03-11 12:00"))
        );
        assert_eq!(
            c.due(at("2026-03-10 09:00"), WorkDuration::HalfDays(0), None),
            Ok(at("2026-03-10 17:00"))
        );
    }

    #[test]
    fn calendar_days_count_every_day_and_end_on_a_working_day() {
        let c = cal();
        // Tuesday 10/3/2026 + 4 days = Saturday 14/3 -> Monday 16/3 at close of business.
        assert_eq!(
            c.due(at("2026-03-10 09:00"), WorkDuration::CalendarDays(4), None),
            Ok(at("2026-03-16 17:00"))
        );
        assert_eq!(
            c.due(at("2026-03-10 09:00"), WorkDuration::CalendarDays(3), None),
            Ok(at("2026-03-13 17:00"))
        );
    }

    #[test]
    fn hours_count_from_the_moment_of_receipt() {
        let c = cal();
        assert_eq!(
            c.due(
                at("2026-03-10 09:00"),
                WorkDuration::Seconds(4 * 3600),
                None
            ),
            Ok(at("2026-03-10 14:00"))
        );
        assert_eq!(
            c.due(
                at("2026-03-10 16:00"),
                WorkDuration::Seconds(8 * 3600),
                None
            ),
            Ok(at("2026-03-11 16:00"))
        );
        // Outside working time: from the next working time.
        assert_eq!(
            c.due(at("2026-03-10 20:00"), WorkDuration::Seconds(3600), None),
            Ok(at("2026-03-11 09:00"))
        );
        assert_eq!(
            c.due(at("2026-03-10 12:30"), WorkDuration::Seconds(3600), None),
            Ok(at("2026-03-10 14:00"))
        );
    }

    #[test]
    fn a_receipt_after_the_cutoff_counts_from_the_next_working_day() {
        let c = cal();
        let cut = NaiveTime::from_hms_opt(15, 0, 0);
        assert_eq!(
            c.due(at("2026-03-10 15:30"), WorkDuration::HalfDays(0), cut),
            Ok(at("2026-03-11 17:00"))
        );
        assert_eq!(
            c.due(at("2026-03-10 14:59"), WorkDuration::HalfDays(0), cut),
            Ok(at("2026-03-10 17:00"))
        );
        // Friday after the cut-off: Monday is the receipt day.
        assert_eq!(
            c.due(at("2026-03-13 16:00"), WorkDuration::HalfDays(2), cut),
            Ok(at("2026-03-17 17:00"))
        );
    }

    #[test]
    fn working_time_between_instants() {
        let c = cal();
        assert_eq!(
            c.working_seconds_between(at("2026-03-10 11:00"), at("2026-03-10 14:00")),
            Ok(2 * 3600)
        );
        // Friday 16:00 to Monday 09:00: one hour on each side.
        assert_eq!(
            c.working_seconds_between(at("2026-03-13 16:00"), at("2026-03-16 09:00")),
            Ok(2 * 3600)
        );
        assert_eq!(
            c.working_seconds_between(at("2026-03-16 09:00"), at("2026-03-13 16:00")),
            Ok(0)
        );
    }

    #[test]
    fn out_of_range_dates_are_errors() {
        let c = cal();
        assert_eq!(
            c.due(at("2199-12-31 09:00"), WorkDuration::HalfDays(10), None),
            Err(CalendarError::OutOfRange)
        );
        assert_eq!(
            c.is_working_day(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()),
            Err(CalendarError::OutOfRange)
        );
    }
}
