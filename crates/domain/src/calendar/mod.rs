//! The working calendar of Vietnamese state agencies: the lunar calendar, public holidays, the
//! Government's yearly schedules and working-time arithmetic. Pure functions, no I/O.

pub mod duration;
pub mod holidays;
pub mod lunar;
pub mod schedule;
pub mod working;

pub use duration::{DurationError, WorkDuration};
pub use lunar::{LunarDate, LunarError};
pub use schedule::{DayKind, RecordedDay, ScheduledDay, YearSchedule};
pub use working::{WorkingCalendar, WorkingHours};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("ngày nằm ngoài khoảng lịch hỗ trợ (1900–2199)")]
    OutOfRange,
    #[error("giờ làm việc không hợp lệ: các khoảng phải tăng dần, không chồng nhau")]
    BadWorkingHours,
    #[error(transparent)]
    Lunar(#[from] LunarError),
}
