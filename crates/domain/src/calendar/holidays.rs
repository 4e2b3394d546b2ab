//! Public holidays and the days off they cause, computed from the law when no official yearly
//! schedule is known for a year.
//!
//! - Labour Code 2019 art. 112 (from 2021): 1/1; Tết, 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4;
//!   1/5; Quốc khánh 2/9 and one adjacent day.
//! - Labour Code 2012 art. 115 (2013–2020): the same without the day next to 2/9.
//! - Labour Code 1994 art. 73 as amended by Law 84/2007/QH11 (2007–2012): Tết 4 days; Giỗ Tổ added
//!   in 2007. Before 2007: no Giỗ Tổ.
//! - Compensatory days (art. 111.3 of the 2019 code, art. 110.3 of 2012): a holiday on a weekly rest
//!   day is made up on the next working day.
//! - The working week of state agencies is Monday–Friday (Decision 188/1999/QĐ-TTg). motcua applies
//!   it to every year it supports, before 1999 included.
//!
//! Documented defaults where the law leaves the choice to the Prime Minister each year:
//! - Tết: the last day of the lunar year and the first four days of the new year (2013 onwards), or
//!   the last day and the first three (before 2013).
//! - The day adjacent to 2/9: 3/9 when 2/9 is a Thursday or a Monday (a four-day weekend), otherwise
//!   1/9; when that day is a weekend day its compensatory day follows the rule above.

use super::lunar::{self, LunarDate, LunarError};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Where a computed day comes from.
pub const LAW_2019: &str = "Bộ luật Lao động 2019, Điều 112";
pub const LAW_2012: &str = "Bộ luật Lao động 2012, Điều 115";
pub const LAW_1994: &str = "Bộ luật Lao động 1994, Điều 73 (sửa đổi 2007)";
pub const COMPENSATORY_2019: &str = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù)";
pub const COMPENSATORY_2012: &str = "Bộ luật Lao động 2012, Điều 110 khoản 3 (nghỉ bù)";

/// One public holiday (a day of the law's list, before compensation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: &'static str,
    pub source: &'static str,
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The holidays of solar year `year` under the labour code in force that year.
pub fn holidays(year: i32) -> Result<Vec<Holiday>, LunarError> {
    let source = match year {
        2021.. => LAW_2019,
        2013..=2020 => LAW_2012,
        _ => LAW_1994,
    };
    let mut out = Vec::new();
    let mut push = |d: Option<NaiveDate>, name: &'static str| {
        if let Some(date) = d {
            out.push(Holiday { date, name, source });
        }
    };
    push(date(year, 1, 1), "Tết Dương lịch");
    let tet = lunar::tet(year)?;
    let tet_days = if year >= 2013 { 4 } else { 3 };
    push(tet.pred_opt(), "Tết Âm lịch (ngày cuối năm)");
    for i in 0..tet_days {
        push(Some(tet + Duration::days(i)), "Tết Âm lịch");
    }
    if year >= 2007 {
        push(
            Some(lunar::lunar_to_solar(LunarDate {
                day: 10,
                month: 3,
                year,
                leap: false,
            })?),
            "Giỗ Tổ Hùng Vương",
        );
    }
    push(date(year, 4, 30), "Ngày Chiến thắng");
    push(date(year, 5, 1), "Ngày Quốc tế Lao động");
    push(date(year, 9, 2), "Quốc khánh");
    if year >= 2021
        && let Some(national_day) = date(year, 9, 2)
    {
        let adjacent = match national_day.weekday() {
            Weekday::Thu | Weekday::Mon => national_day.succ_opt(),
            _ => national_day.pred_opt(),
        };
        push(adjacent, "Quốc khánh (ngày liền kề)");
    }
    out.sort_by_key(|h| h.date);
    out.dedup_by_key(|h| h.date);
    Ok(out)
}

/// A weekday on which state agencies do not work, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayOff {
    pub date: NaiveDate,
    pub name: String,
    pub source: String,
}

/// The Monday–Friday days off of `year` computed from the law: holidays on weekdays, and for each
/// holiday on a weekend day a compensatory day on the next weekday that is not itself a holiday.
pub fn computed_days_off(year: i32) -> Result<Vec<DayOff>, LunarError> {
    let hs = holidays(year)?;
    let compensatory_source = if year >= 2021 {
        COMPENSATORY_2019
    } else {
        COMPENSATORY_2012
    };
    let mut off: Vec<DayOff> = hs
        .iter()
        .filter(|h| !is_weekend(h.date))
        .map(|h| DayOff {
            date: h.date,
            name: h.name.to_owned(),
            source: h.source.to_owned(),
        })
        .collect();
    for h in hs.iter().filter(|h| is_weekend(h.date)) {
        let mut d = h.date;
        loop {
            d += Duration::days(1);
            if !is_weekend(d) && !off.iter().any(|o| o.date == d) && !hs.iter().any(|x| x.date == d)
            {
                break;
            }
        }
        off.push(DayOff {
            date: d,
            name: format!("Nghỉ bù {}", h.name),
            source: compensatory_source.to_owned(),
        });
    }
    off.sort_by_key(|o| o.date);
    // A compensatory day may spill into the next year (30/12 and 31/12 are never holidays, so only
    // 1/1 on a weekend can push into January of the same year; nothing crosses backwards).
    Ok(off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(year: i32) -> Vec<NaiveDate> {
        computed_days_off(year)
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.date)
            .collect()
    }

    #[test]
    fn labour_code_2019_has_eleven_holidays() {
        assert_eq!(holidays(2026).map(|h| h.len()), Ok(11));
        assert_eq!(
            holidays(2020).map(|h| h.len()),
            Ok(10),
            "the 2012 code: no day next to 2/9"
        );
        assert_eq!(
            holidays(2010).map(|h| h.len()),
            Ok(9),
            "Tết 4 days, Giỗ Tổ since 2007"
        );
        assert_eq!(holidays(2005).map(|h| h.len()), Ok(8));
    }

    #[test]
    fn a_holiday_on_a_weekend_gives_the_next_weekday_off() {
        // 2022: 1/1 on a Saturday -> Monday 3/1 off.
        assert!(dates(2022).contains(&d(2022, 1, 3)));
        // 2022: 30/4 Saturday and 1/5 Sunday -> Monday 2/5 and Tuesday 3/5 off.
        let y = dates(2022);
        assert!(y.contains(&d(2022, 5, 2)) && y.contains(&d(2022, 5, 3)));
    }

    #[test]
    fn computed_days_off_are_weekdays_only() {
        for year in [1990, 2000, 2010, 2021, 2026, 2100, 2199] {
            assert!(dates(year).iter().all(|d| !is_weekend(*d)), "{year}");
        }
    }
}
