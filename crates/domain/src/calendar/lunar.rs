//! The Vietnamese lunar calendar (âm lịch), by Hồ Ngọc Đức's published algorithm: new moons and
//! solar longitude from Meeus' series, evaluated at **UTC+7**. Vietnam's calendar follows the
//! Vietnamese meridian since 1968 (Decree 121/1967), which is why Tết 2030 falls on 2 February here
//! and on 3 February in the Chinese (UTC+8) calendar.
//!
//! Valid for 1900–2199 (the range motcua supports; the algorithm itself is good far beyond).

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// Vietnam's time zone, in hours, for the astronomical computations.
const TIME_ZONE: f64 = 7.0;

/// First and last solar years supported.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2199;

/// A day of the lunar calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct LunarDate {
    pub day: u32,
    pub month: u32,
    pub year: i32,
    /// Whether the month is the intercalary (nhuận) month of its year.
    pub leap: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    #[error("năm {0} nằm ngoài khoảng hỗ trợ 1900–2199")]
    YearOutOfRange(i32),
    #[error("ngày âm lịch không tồn tại: {day}/{month}{leap}/{year}", leap = if *.leap { " nhuận" } else { "" })]
    NoSuchDay {
        day: u32,
        month: u32,
        year: i32,
        leap: bool,
    },
}

fn floor(x: f64) -> i64 {
    x.floor() as i64
}

/// Julian day number of a proleptic Gregorian date (Julian calendar before 15 Oct 1582).
pub fn jd_from_date(day: i64, month: i64, year: i64) -> i64 {
    let a = (14 - month).div_euclid(12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    let jd = day + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        - 32045;
    if jd < 2_299_161 {
        day + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - 32083
    } else {
        jd
    }
}

/// The date of a Julian day number.
pub fn jd_to_date(jd: i64) -> (i64, i64, i64) {
    let (b, c) = if jd > 2_299_160 {
        let a = jd + 32044;
        let b = (4 * a + 3).div_euclid(146_097);
        (b, a - (b * 146_097).div_euclid(4))
    } else {
        (0, jd + 32082)
    };
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    let year = b * 100 + d - 4800 + m.div_euclid(10);
    (day, month, year)
}

/// Julian day (fractional, UT) of the k-th new moon after 1 Jan 1900 (Meeus, ch. 49, abridged).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude at Julian day `jdn` (UT), in radians, normalised to [0, 2π).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// The solar term sector (0–11) at the start of local day `day_number`.
fn sun_sector(day_number: i64) -> i64 {
    floor(sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0)
}

/// The local day on which the k-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    floor(new_moon(k) + 0.5 + TIME_ZONE / 24.0)
}

/// The day the 11th lunar month (the one containing the winter solstice) starts, for solar year `year`.
fn lunar_month_11(year: i64) -> i64 {
    let off = jd_from_date(31, 12, year) - 2_415_021;
    let k = floor(off as f64 / 29.530_588_853);
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Which month after month 11 (at `a11`) is the leap month: the first without a major solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = floor((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

fn check_year(year: i32) -> Result<(), LunarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(LunarError::YearOutOfRange(year))
    }
}

/// The lunar date of a solar date.
pub fn solar_to_lunar(date: NaiveDate) -> Result<LunarDate, LunarError> {
    check_year(date.year())?;
    let (dd, mm, yy) = (
        i64::from(date.day()),
        i64::from(date.month()),
        i64::from(date.year()),
    );
    let day_number = jd_from_date(dd, mm, yy);
    let k = floor((day_number as f64 - 2_415_021.076_998_695) / 29.530_588_853);
    let mut month_start = new_moon_day(k + 1);
    if month_start > day_number {
        month_start = new_moon_day(k);
    }
    let mut a11 = lunar_month_11(yy);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let lunar_day = day_number - month_start + 1;
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            lunar_month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    if lunar_month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Ok(LunarDate {
        day: lunar_day as u32,
        month: lunar_month as u32,
        year: lunar_year as i32,
        leap,
    })
}

/// The solar date of a lunar date; an error when the day does not exist (day 30 of a short month,
/// or a leap month the year does not have).
pub fn lunar_to_solar(lunar: LunarDate) -> Result<NaiveDate, LunarError> {
    let no_such = LunarError::NoSuchDay {
        day: lunar.day,
        month: lunar.month,
        year: lunar.year,
        leap: lunar.leap,
    };
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return Err(no_such);
    }
    let year = i64::from(lunar.year);
    let month = i64::from(lunar.month);
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1), lunar_month_11(year))
    } else {
        (lunar_month_11(year), lunar_month_11(year + 1))
    };
    let k = floor(0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853);
    let mut off = month - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && month != leap_month {
            return Err(no_such);
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return Err(no_such);
    }
    let month_start = new_moon_day(k + off);
    let month_len = new_moon_day(k + off + 1) - month_start;
    if i64::from(lunar.day) > month_len {
        return Err(no_such);
    }
    let (d, m, y) = jd_to_date(month_start + i64::from(lunar.day) - 1);
    let date = NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).ok_or(no_such.clone())?;
    check_year(date.year())?;
    // Round trip: guards against a leap flag on a month that is not the leap month.
    if solar_to_lunar(date)? == lunar {
        Ok(date)
    } else {
        Err(no_such)
    }
}

/// Tết Nguyên đán (1/1 lunar) of the lunar year that starts in solar year `year`.
pub fn tet(year: i32) -> Result<NaiveDate, LunarError> {
    lunar_to_solar(LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tet_falls_on_the_vietnamese_days() {
        // Golden dates checked against the PyPI lunar-vn oracle (see tests/lunar_golden.rs).
        for (year, date) in [
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
            (2030, d(2030, 2, 2)),
        ] {
            assert_eq!(tet(year), Ok(date), "{year}");
        }
    }

    #[test]
    fn hung_kings_day_is_10_3_lunar() {
        for date in [d(2024, 4, 18), d(2025, 4, 7), d(2026, 4, 26)] {
            assert_eq!(
                solar_to_lunar(date).map(|l| (l.day, l.month, l.leap)),
                Ok((10, 3, false))
            );
        }
    }

    #[test]
    fn the_issue_example_round_trips() {
        assert_eq!(
            solar_to_lunar(d(2026, 2, 17)),
            Ok(LunarDate {
                day: 1,
                month: 1,
                year: 2026,
                leap: false
            })
        );
        assert_eq!(
            lunar_to_solar(LunarDate {
                day: 10,
                month: 3,
                year: 2026,
                leap: false
            }),
            Ok(d(2026, 4, 26))
        );
    }

    #[test]
    fn leap_months_exist_only_where_the_year_has_one() {
        // 2023 had a leap 2nd month (22 Mar – 19 Apr 2023).
        assert_eq!(
            lunar_to_solar(LunarDate {
                day: 1,
                month: 2,
                year: 2023,
                leap: true
            }),
            Ok(d(2023, 3, 22))
        );
        assert!(
            lunar_to_solar(LunarDate {
                day: 1,
                month: 3,
                year: 2023,
                leap: true
            })
            .is_err()
        );
        assert!(
            lunar_to_solar(LunarDate {
                day: 1,
                month: 2,
                year: 2024,
                leap: true
            })
            .is_err()
        );
    }

    #[test]
    fn impossible_days_and_years_are_refused() {
        assert!(
            lunar_to_solar(LunarDate {
                day: 31,
                month: 1,
                year: 2026,
                leap: false
            })
            .is_err()
        );
        assert!(
            lunar_to_solar(LunarDate {
                day: 1,
                month: 13,
                year: 2026,
                leap: false
            })
            .is_err()
        );
        assert_eq!(
            solar_to_lunar(d(1899, 12, 31)),
            Err(LunarError::YearOutOfRange(1899))
        );
        assert_eq!(
            solar_to_lunar(d(2200, 1, 1)),
            Err(LunarError::YearOutOfRange(2200))
        );
    }

    #[test]
    fn julian_day_numbers_round_trip() {
        for jd in [2_299_160, 2_299_161, 2_415_021, 2_451_545, 2_488_070] {
            let (dd, mm, yy) = jd_to_date(jd);
            assert_eq!(jd_from_date(dd, mm, yy), jd);
        }
    }
}
