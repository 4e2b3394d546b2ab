//! The working calendar on real cases from the Government's schedules 2021–2026, and properties
//! that must hold for any receipt time and duration.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use motcua_domain::calendar::schedule::{official_days, year_schedule};
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use motcua_domain::dossier::{Outcome, Pause, Progress, Timeline, assess};
use proptest::prelude::*;
use std::sync::OnceLock;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::standard().unwrap())
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn days(n: u32) -> WorkDuration {
    WorkDuration::HalfDays(2 * n)
}

fn cutoff(h: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, 0, 0)
}

#[test]
fn a_dossier_received_on_the_friday_before_tet_2026_at_16_30_with_5_days() {
    // Tết Bính Ngọ: Monday 16 to Friday 20 February 2026 off (Thông báo 9441/TB-BNV).
    assert_eq!(
        cal().due(at("2026-02-13 16:30"), days(5), None),
        Ok(at("2026-02-27 17:00"))
    );
    // With a 15:00 cut-off the receipt counts from Monday 23, so Monday is the day not counted.
    assert_eq!(
        cal().due(at("2026-02-13 16:30"), days(5), cutoff(15)),
        Ok(at("2026-03-02 17:00"))
    );
}

#[test]
fn a_dossier_received_on_a_swapped_working_saturday() {
    // Saturday 10 January 2026 is worked in exchange for Friday 2 January (Công văn 12729/VPCP-KGVX).
    assert_eq!(cal().is_working_day(d("2026-01-10")), Ok(true));
    assert_eq!(cal().is_working_day(d("2026-01-02")), Ok(false));
    assert_eq!(
        cal().due(at("2026-01-10 09:00"), days(2), None),
        Ok(at("2026-01-13 17:00"))
    );
    // A Friday receipt with one day is due on the working Saturday.
    assert_eq!(
        cal().due(at("2026-01-09 10:00"), days(1), None),
        Ok(at("2026-01-10 17:00"))
    );
    // Received on the swapped-out Friday: counts from Monday 5, which is not counted.
    assert_eq!(
        cal().due(at("2026-01-02 10:00"), days(2), None),
        Ok(at("2026-01-07 17:00"))
    );
}

#[test]
fn a_supplement_paused_across_the_30_4_holidays_of_2025() {
    // Received Thursday 24/4/2025, 5 days: Fri 25, Sat 26 (worked, swap for Fri 2/5), Mon 28,
    // Tue 29, then 30/4–4/5 off, Mon 5/5.
    let received = at("2025-04-24 09:00");
    let due = cal().due(received, days(5), None).unwrap();
    assert_eq!(due, at("2025-05-05 17:00"));
    // Supplement requested Mon 28/4 10:00, supplied Tue 6/5 10:00: 6 h + 8 h + 8 h + 2 h = 3 days.
    let pauses = [Pause {
        requested_at: at("2025-04-28 10:00"),
        supplied_at: Some(at("2025-05-06 10:00")),
    }];
    let t = Timeline {
        received_at: received,
        due_at: due,
        pauses: &pauses,
        finished_at: Some(at("2025-05-08 16:00")),
    };
    let a = assess(cal(), &t, at("2025-12-31 00:00")).unwrap();
    assert_eq!(a.paused_working_seconds, 3 * 8 * 3600);
    assert_eq!(a.effective_due, at("2025-05-08 17:00"));
    assert_eq!(a.progress, Progress::Finished(Outcome::OnTime));
}

#[test]
fn official_schedules_list_every_swap_and_compensatory_day() {
    let official = official_days();
    assert_eq!(
        official.keys().copied().collect::<Vec<_>>(),
        (2021..=2026).collect::<Vec<_>>()
    );
    let y2026 = year_schedule(2026, &official, &[]).unwrap();
    let worked: Vec<String> = y2026
        .working_weekend_days
        .iter()
        .map(|x| x.date.to_string())
        .collect();
    assert_eq!(worked, ["2026-01-10", "2026-08-22"]);
    let off: Vec<String> = y2026
        .non_working_weekdays
        .iter()
        .map(|x| x.date.to_string())
        .collect();
    for day in [
        "2026-01-01",
        "2026-01-02",
        "2026-02-16",
        "2026-02-20",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-08-31",
        "2026-09-01",
        "2026-09-02",
    ] {
        assert!(off.contains(&day.to_owned()), "{day} is a day off in 2026");
    }
    assert_eq!(off.len(), 13);
    assert!(
        y2026
            .non_working_weekdays
            .iter()
            .all(|x| x.source.contains("http") || x.source.contains("Bộ luật"))
    );
    // 2024: the 29/4 ↔ 4/5 swap that the law alone cannot know.
    let y2024 = year_schedule(2024, &official, &[]).unwrap();
    assert!(
        y2024
            .working_weekend_days
            .iter()
            .any(|x| x.date == d("2024-05-04"))
    );
    let computed = year_schedule(2024, &Default::default(), &[]).unwrap();
    assert!(
        !computed
            .non_working_weekdays
            .iter()
            .any(|x| x.date == d("2024-04-29"))
    );
}

#[test]
fn years_without_an_official_schedule_use_the_documented_defaults() {
    // Tết Đinh Mùi 2027 is Saturday 6 February: last day of the year Friday 5/2, mùng 1–4 Sat–Tue,
    // so Mon 8 and Tue 9 are off, and the Saturday and Sunday holidays are made up Wed 10 and Thu 11.
    let y = year_schedule(2027, &official_days(), &[]).unwrap();
    let off: Vec<String> = y
        .non_working_weekdays
        .iter()
        .map(|x| x.date.to_string())
        .collect();
    for day in [
        "2027-02-05",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-02-11",
    ] {
        assert!(off.contains(&day.to_owned()), "{day}: {off:?}");
    }
    assert!(y.working_weekend_days.is_empty());
}

fn receipt() -> impl Strategy<Value = NaiveDateTime> {
    // Any minute of 2021–2026, working time or not.
    (0i64..(6 * 365 * 24 * 60)).prop_map(|m| at("2021-01-01 00:00") + chrono::Duration::minutes(m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn adding_n_days_then_counting_gives_n_and_never_a_rest_day(t in receipt(), n in 0u32..=60, cut in proptest::option::of(13u32..17)) {
        let c = cal();
        let due = c.due(t, days(n), cut.and_then(cutoff)).unwrap();
        let start = c.effective_receipt(t, cut.and_then(cutoff)).unwrap();
        prop_assert_eq!(c.working_days_between(start.date(), due.date()).unwrap(), n);
        prop_assert!(c.is_working_day(due.date()).unwrap());
        prop_assert_eq!(due.time(), NaiveTime::from_hms_opt(17, 0, 0).unwrap());
        prop_assert!(due >= t);
    }

    #[test]
    fn hours_added_are_hours_counted(t in receipt(), h in 1u64..=200) {
        let c = cal();
        let due = c.due(t, WorkDuration::Seconds(h * 3600), None).unwrap();
        let start = c.effective_receipt(t, None).unwrap();
        prop_assert_eq!(c.working_seconds_between(start, due).unwrap(), h * 3600);
        prop_assert!(c.is_working_day(due.date()).unwrap());
    }

    #[test]
    fn a_pause_of_k_working_days_moves_the_due_date_by_k_working_days(t in receipt(), n in 1u32..=30, k in 1u32..=20) {
        let c = cal();
        let due = c.due(t, days(n), None).unwrap();
        let moved = c.add_working_seconds(due, u64::from(k) * 8 * 3600).unwrap();
        prop_assert_eq!(c.working_days_between(due.date(), moved.date()).unwrap(), k);
        prop_assert_eq!(moved.time(), due.time());
    }

    #[test]
    fn results_are_monotonic_in_the_receipt_time(a in receipt(), b in receipt(), n in 0u32..=30, half in any::<bool>(), cut in proptest::option::of(13u32..17)) {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        let dur = WorkDuration::HalfDays(2 * n + u32::from(half));
        let c = cal();
        prop_assert!(c.due(early, dur, cut.and_then(cutoff)).unwrap() <= c.due(late, dur, cut.and_then(cutoff)).unwrap());
    }
}
