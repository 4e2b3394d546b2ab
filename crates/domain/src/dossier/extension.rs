//! The apology letter and new appointment (phiếu xin lỗi và hẹn lại ngày trả kết quả, form 04).
//!
//! Decree 61/2018 art. 19.3 (and Circular 01/2018 form 04): when a dossier will be late, the agency
//! notifies the applicant in writing **at least one day before the appointment**, with the reason
//! and a new date; the new appointment may be given **only once**.

use crate::calendar::{CalendarError, WorkingCalendar};
use chrono::NaiveDateTime;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai")]
    AlreadyExtended,
    #[error("phải xin lỗi và hẹn lại chậm nhất một ngày trước ngày hẹn trả")]
    TooLate,
    #[error("ngày hẹn mới phải sau ngày hẹn cũ và là ngày làm việc")]
    NewDateNotLater,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Check an extension issued at `now` for a dossier due at `due_at`, to `new_due_at`.
pub fn check_extension(
    cal: &WorkingCalendar,
    due_at: NaiveDateTime,
    now: NaiveDateTime,
    new_due_at: NaiveDateTime,
    already_extended: bool,
) -> Result<(), ExtensionError> {
    if already_extended {
        return Err(ExtensionError::AlreadyExtended);
    }
    // "At least one day before": issued on a day before the appointment's day.
    if now.date() >= due_at.date() {
        return Err(ExtensionError::TooLate);
    }
    if new_due_at <= due_at || !cal.is_working_day(new_due_at.date())? {
        return Err(ExtensionError::NewDateNotLater);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn an_extension_is_allowed_once_and_only_before_the_due_day() {
        let c = WorkingCalendar::standard().unwrap();
        let due = at("2026-03-13 17:00");
        assert_eq!(
            check_extension(
                &c,
                due,
                at("2026-03-12 16:00"),
                at("2026-03-18 17:00"),
                false
            ),
            Ok(())
        );
        assert_eq!(
            check_extension(
                &c,
                due,
                at("2026-03-13 08:00"),
                at("2026-03-18 17:00"),
                false
            ),
            Err(ExtensionError::TooLate)
        );
        assert_eq!(
            check_extension(
                &c,
                due,
                at("2026-03-12 16:00"),
                at("2026-03-18 17:00"),
                true
            ),
            Err(ExtensionError::AlreadyExtended)
        );
        assert_eq!(
            check_extension(
                &c,
                due,
                at("2026-03-12 16:00"),
                at("2026-03-13 12:00"),
                false
            ),
            Err(ExtensionError::NewDateNotLater)
        );
        // Saturday 14/3/2026 is not a working day.
        assert_eq!(
            check_extension(
                &c,
                due,
                at("2026-03-12 16:00"),
                at("2026-03-14 17:00"),
                false
            ),
            Err(ExtensionError::NewDateNotLater)
        );
    }
}
