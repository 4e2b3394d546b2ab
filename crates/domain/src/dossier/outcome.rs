//! Early, on time or late (trước hạn / đúng hạn / quá hạn).
//!
//! Decision 766/QĐ-TTg, indicator 2.1 (formula in domain rules §1.3):
//! - a dossier is on time when its end of processing is not after its appointment (`due_at`);
//! - the time the applicant takes to supplement the dossier is not counted: every closed pause
//!   (supplement requested → supplied) moves the appointment by its working time;
//! - while a supplement is awaited, the dossier is judged at the moment it was requested;
//! - more than one supplement request makes the dossier late (the desk may ask once, Decree
//!   61/2018 art. 9 and 15.3, so a second request is the agency's fault);
//! - a dossier not finished when a period ends is judged at that moment;
//! - "early" means finished on a day before the appointment's day.
//!
//! An apology letter with a new date (form 04, Decree 61/2018 art. 19.3) does not make a late
//! dossier on time: the indicator measures the appointment given at receipt. The new date is kept
//! for the applicant and for the staff queue, not for this judgement.

use crate::calendar::{CalendarError, WorkingCalendar};
use chrono::NaiveDateTime;

/// A supplement request and, once supplied, its answer (local Vietnam time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub requested_at: NaiveDateTime,
    pub supplied_at: Option<NaiveDateTime>,
}

/// What is known of a dossier's timing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline<'a> {
    pub received_at: NaiveDateTime,
    /// The appointment computed at receipt.
    pub due_at: NaiveDateTime,
    pub pauses: &'a [Pause],
    /// The end of processing: the first of resolved, returned, stopped or refused.
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Early,
    OnTime,
    Late,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Self::Early, Self::OnTime, Self::Late];

    /// The stored and serialised code: `early`, `on_time`, `late`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on_time",
            Self::Late => "late",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Trước hạn / Đúng hạn / Quá hạn, as reports write them.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Early => "Trước hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Quá hạn",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Finished(Outcome),
    /// Not finished, still within time (đang giải quyết trong hạn).
    WithinTime,
    /// Not finished and past its appointment (đang giải quyết quá hạn).
    Overdue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub progress: Progress,
    /// The appointment moved by the closed pauses.
    pub effective_due: NaiveDateTime,
    /// Working time the agency used (pauses excluded), in seconds.
    pub working_seconds_used: u64,
    /// Working time spent waiting for the applicant, in seconds.
    pub paused_working_seconds: u64,
}

/// Judge a dossier at `at` (now, or the end of a reporting period).
pub fn assess(
    cal: &WorkingCalendar,
    t: &Timeline<'_>,
    at: NaiveDateTime,
) -> Result<Assessment, CalendarError> {
    let mut paused = 0u64;
    let mut waiting_since: Option<NaiveDateTime> = None;
    for p in t.pauses {
        match p.supplied_at {
            Some(end) if end <= at => paused += cal.working_seconds_between(p.requested_at, end)?,
            _ if p.requested_at <= at => {
                waiting_since =
                    Some(waiting_since.map_or(p.requested_at, |w| w.min(p.requested_at)))
            }
            _ => {}
        }
    }
    let effective_due = cal.add_working_seconds(t.due_at, paused)?;
    // Nothing can be added to an appointment at the end of a day: keep the end-of-day form.
    let effective_due = if paused == 0 { t.due_at } else { effective_due };
    let finished = t.finished_at.filter(|f| *f <= at);
    let end = finished.or(waiting_since).unwrap_or(at);
    let too_many_requests = t.pauses.len() > 1;
    let late = too_many_requests || end > effective_due;
    let progress = match finished {
        Some(_) if late => Progress::Finished(Outcome::Late),
        Some(f) if f.date() < effective_due.date() => Progress::Finished(Outcome::Early),
        Some(_) => Progress::Finished(Outcome::OnTime),
        None if late => Progress::Overdue,
        None => Progress::WithinTime,
    };
    let used = cal
        .working_seconds_between(t.received_at, end)?
        .saturating_sub(paused);
    Ok(Assessment {
        progress,
        effective_due,
        working_seconds_used: used,
        paused_working_seconds: paused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkDuration;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::standard().unwrap()
    }

    #[test]
    fn outcome_codes_are_the_serialised_names_and_parse_back() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.code()), Some(o));
            assert_eq!(
                serde_json::to_value(o).ok(),
                Some(serde_json::Value::from(o.code()))
            );
        }
        assert_eq!(Outcome::parse("on time"), None);
    }

    #[test]
    fn finished_before_the_appointment_day_is_early_on_the_day_is_on_time_after_is_late() {
        let c = cal();
        let received = at("2026-03-10 09:00");
        let due = c.due(received, WorkDuration::HalfDays(6), None).unwrap();
        assert_eq!(due, at("2026-03-13 17:00"));
        let judge = |finished: &str| {
            let t = Timeline {
                received_at: received,
                due_at: due,
                pauses: &[],
                finished_at: Some(at(finished)),
            };
            assess(&c, &t, at("2026-12-31 00:00")).map(|a| a.progress)
        };
        assert_eq!(
            judge("2026-03-12 16:00"),
            Ok(Progress::Finished(Outcome::Early))
        );
        assert_eq!(
            judge("2026-03-13 16:59"),
            Ok(Progress::Finished(Outcome::OnTime))
        );
        assert_eq!(
            judge("2026-03-16 08:30"),
            Ok(Progress::Finished(Outcome::Late))
        );
    }

    #[test]
    fn the_applicants_time_is_not_counted_and_a_second_request_is_late() {
        let c = cal();
        let received = at("2026-03-10 09:00");
        let due = at("2026-03-13 17:00");
        // Waiting 11th 09:00 → 16th 09:00 = 3 working days: the appointment moves to the 18th.
        let pause = [Pause {
            requested_at: at("2026-03-11 09:00"),
            supplied_at: Some(at("2026-03-16 09:00")),
        }];
        let t = Timeline {
            received_at: received,
            due_at: due,
            pauses: &pause,
            finished_at: Some(at("2026-03-18 10:00")),
        };
        let a = assess(&c, &t, at("2026-04-01 00:00"));
        assert_eq!(
            a.map(|a| (a.progress, a.effective_due, a.paused_working_seconds)),
            Ok((
                Progress::Finished(Outcome::OnTime),
                at("2026-03-18 17:00"),
                3 * 8 * 3600
            ))
        );
        let two = [
            pause[0],
            Pause {
                requested_at: at("2026-03-17 09:00"),
                supplied_at: Some(at("2026-03-17 10:00")),
            },
        ];
        let t = Timeline { pauses: &two, ..t };
        assert_eq!(
            assess(&c, &t, at("2026-04-01 00:00")).map(|a| a.progress),
            Ok(Progress::Finished(Outcome::Late))
        );
    }

    #[test]
    fn open_dossiers_are_judged_at_the_period_end_or_when_a_supplement_was_requested() {
        let c = cal();
        let received = at("2026-03-10 09:00");
        let due = at("2026-03-13 17:00");
        let t = Timeline {
            received_at: received,
            due_at: due,
            pauses: &[],
            finished_at: None,
        };
        assert_eq!(
            assess(&c, &t, at("2026-03-12 00:00")).map(|a| a.progress),
            Ok(Progress::WithinTime)
        );
        assert_eq!(
            assess(&c, &t, at("2026-03-31 00:00")).map(|a| a.progress),
            Ok(Progress::Overdue)
        );
        let waiting = [Pause {
            requested_at: at("2026-03-12 10:00"),
            supplied_at: None,
        }];
        let t = Timeline {
            pauses: &waiting,
            ..t
        };
        assert_eq!(
            assess(&c, &t, at("2026-03-31 00:00")).map(|a| a.progress),
            Ok(Progress::WithinTime),
            "waiting for the applicant since before the appointment"
        );
    }
}
