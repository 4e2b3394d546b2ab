//! Processing times as procedures state them (thời hạn giải quyết): whole or half working days
//! (`5d`, `4.5d`, `0d` for "within the day") or working hours (`8h`).

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkDuration {
    /// Working days counted in halves; the day of receipt is not counted (Civil Code 2015 art. 147).
    HalfDays(u32),
    /// Working hours, counted from the moment of receipt (Civil Code 2015 art. 147.1), in seconds.
    Seconds(u64),
    /// Calendar days ("ngày"): counted from the day after receipt; a period ending on a rest day
    /// ends on the next working day (Civil Code 2015 art. 147–148).
    CalendarDays(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("thời hạn trống")]
    Empty,
    #[error("thời hạn không được âm")]
    Negative,
    #[error(
        "đơn vị thời hạn không hợp lệ «{0}»: dùng d (ngày làm việc), h (giờ làm việc) hoặc cd (ngày), ví dụ 5d, 4.5d, 8h, 30cd"
    )]
    UnknownUnit(String),
    #[error(
        "số lượng không hợp lệ «{0}»: ngày làm việc là số nguyên hoặc nửa ngày (x.5), giờ là số nguyên"
    )]
    BadNumber(String),
    #[error("thời hạn quá dài (tối đa 3.650 ngày làm việc)")]
    TooLong,
}

const MAX_DAYS: u32 = 3650;

impl FromStr for WorkDuration {
    type Err = DurationError;
    fn from_str(raw: &str) -> Result<Self, DurationError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DurationError::Empty);
        }
        if s.starts_with('-') {
            return Err(DurationError::Negative);
        }
        let unit_at = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| DurationError::UnknownUnit(String::new()))?;
        let (number, unit) = s.split_at(unit_at);
        match unit {
            "d" => {
                let (whole, half) = match number.split_once('.') {
                    None => (number, false),
                    Some((w, "5")) => (w, true),
                    Some((w, "0")) => (w, false),
                    Some(_) => return Err(DurationError::BadNumber(number.to_owned())),
                };
                let whole: u32 = whole
                    .parse()
                    .map_err(|_| DurationError::BadNumber(number.to_owned()))?;
                if whole > MAX_DAYS {
                    return Err(DurationError::TooLong);
                }
                Ok(Self::HalfDays(whole * 2 + u32::from(half)))
            }
            "cd" => {
                let days: u32 = number
                    .parse()
                    .map_err(|_| DurationError::BadNumber(number.to_owned()))?;
                if days > MAX_DAYS {
                    return Err(DurationError::TooLong);
                }
                Ok(Self::CalendarDays(days))
            }
            "h" => {
                let hours: u64 = number
                    .parse()
                    .map_err(|_| DurationError::BadNumber(number.to_owned()))?;
                if hours > u64::from(MAX_DAYS) * 24 {
                    return Err(DurationError::TooLong);
                }
                Ok(Self::Seconds(hours * 3600))
            }
            other => Err(DurationError::UnknownUnit(other.to_owned())),
        }
    }
}

impl fmt::Display for WorkDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HalfDays(h) if h % 2 == 0 => write!(f, "{}d", h / 2),
            Self::HalfDays(h) => write!(f, "{}.5d", h / 2),
            Self::Seconds(s) if s % 3600 == 0 => write!(f, "{}h", s / 3600),
            Self::Seconds(s) => write!(f, "{}s", s),
            Self::CalendarDays(d) => write!(f, "{d}cd"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_as_procedures_write_them() {
        assert_eq!("5d".parse(), Ok(WorkDuration::HalfDays(10)));
        assert_eq!("4.5d".parse(), Ok(WorkDuration::HalfDays(9)));
        assert_eq!("0.5d".parse(), Ok(WorkDuration::HalfDays(1)));
        assert_eq!("0d".parse(), Ok(WorkDuration::HalfDays(0)));
        assert_eq!("8h".parse(), Ok(WorkDuration::Seconds(28_800)));
        assert_eq!(
            " 20d ".parse::<WorkDuration>().map(|d| d.to_string()),
            Ok("20d".into())
        );
        assert_eq!("30cd".parse(), Ok(WorkDuration::CalendarDays(30)));
    }

    #[test]
    fn bad_durations_say_what_is_wrong() {
        assert_eq!("".parse::<WorkDuration>(), Err(DurationError::Empty));
        assert_eq!("-3d".parse::<WorkDuration>(), Err(DurationError::Negative));
        assert_eq!(
            "5w".parse::<WorkDuration>(),
            Err(DurationError::UnknownUnit("w".into()))
        );
        assert_eq!(
            "5".parse::<WorkDuration>(),
            Err(DurationError::UnknownUnit(String::new()))
        );
        assert_eq!(
            "4.25d".parse::<WorkDuration>(),
            Err(DurationError::BadNumber("4.25".into()))
        );
        assert_eq!(
            "1.5h".parse::<WorkDuration>(),
            Err(DurationError::BadNumber("1.5".into()))
        );
        assert_eq!(
            "99999d".parse::<WorkDuration>(),
            Err(DurationError::TooLong)
        );
    }
}
