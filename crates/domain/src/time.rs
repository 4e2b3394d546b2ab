//! Vietnam time. Vietnam keeps UTC+7 all year (no daylight saving, Decision 121/1967 and since):
//! times are stored in UTC and shown in this offset.

use chrono::{DateTime, FixedOffset, Utc};

#[allow(
    clippy::panic,
    reason = "evaluated at compile time; 7 hours is a valid offset"
)]
pub const VN_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(o) => o,
    None => panic!("invalid offset"),
};

/// `dd/mm/yyyy HH:MM` in Vietnam time, as Vietnamese forms write it.
pub fn format_vn(t: DateTime<Utc>) -> String {
    t.with_timezone(&VN_OFFSET)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The Vietnam wall-clock time of an instant (what the calendar engine works in).
pub fn to_local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&VN_OFFSET).naive_local()
}

/// The instant of a Vietnam wall-clock time (UTC+7 has no gaps or overlaps).
pub fn from_local(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(t - chrono::Duration::hours(7), Utc)
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn utc_evening_is_next_morning_in_vietnam() {
        let t = DateTime::parse_from_rfc3339("2026-02-16T18:30:00Z").map(|t| t.with_timezone(&Utc));
        assert_eq!(t.map(format_vn).ok().as_deref(), Some("17/02/2026 01:30"));
    }
}
