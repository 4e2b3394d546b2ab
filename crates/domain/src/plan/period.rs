//! Periods of the scorecard and of the Decision 766 index: whole months in Vietnam time, and the
//! month, quarter or year a report names (`2026-05`, `2026-Q2`, `2026`).

use chrono::{Datelike, NaiveDate};

/// A period of whole months, `from..=to` (Vietnam time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The calendar year.
    pub fn year(year: i32) -> Option<Self> {
        Some(Self {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    /// From the first day of month `from` to the last day of month `to` (`YYYY-MM`).
    pub fn months(from: &str, to: &str) -> Option<Self> {
        let first =
            |s: &str| NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok();
        let from = first(from)?;
        let to_first = first(to)?;
        let to = to_first
            .checked_add_months(chrono::Months::new(1))?
            .pred_opt()?;
        (from <= to && from.year() >= 2000 && to.year() <= 2100).then_some(Self { from, to })
    }

    pub fn from_month(&self) -> i32 {
        self.from.year() * 100 + self.from.month() as i32
    }

    pub fn to_month(&self) -> i32 {
        self.to.year() * 100 + self.to.month() as i32
    }

    /// `[start, end)` as instants.
    pub fn instants(&self) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
        let at = |d: NaiveDate| crate::time::from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default());
        (at(self.from), at(self.to.succ_opt().unwrap_or(self.to)))
    }

    /// Whether the period has ended at `now` (Vietnam time).
    pub fn over_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now.with_timezone(&crate::time::VN_OFFSET).date_naive() > self.to
    }
}

/// A period of the index: a month (`2026-05`), a quarter (`2026-Q2`) or a year (`2026`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexPeriod {
    pub key: PeriodKey,
    pub months: Period,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKey {
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
    /// Whole months from one to another, as the scorecard's `?from=&to=` (`yyyymm`).
    Span(i32, i32),
}

impl IndexPeriod {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let key = if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            let q: u32 = q.parse().ok()?;
            (1..=4).contains(&q).then_some(())?;
            PeriodKey::Quarter(y.parse().ok()?, q)
        } else if let Some((y, m)) = s.split_once('-') {
            let m: u32 = m.parse().ok()?;
            (1..=12).contains(&m).then_some(())?;
            PeriodKey::Month(y.parse().ok()?, m)
        } else {
            PeriodKey::Year(s.parse().ok()?)
        };
        Self::of(key)
    }

    /// The index over the scorecard's period.
    pub fn over(months: Period) -> Self {
        let (a, b) = (months.from_month(), months.to_month());
        let key = if a % 100 == 1 && b % 100 == 12 && a / 100 == b / 100 {
            PeriodKey::Year(a / 100)
        } else {
            PeriodKey::Span(a, b)
        };
        Self { key, months }
    }

    pub fn of(key: PeriodKey) -> Option<Self> {
        let (y, first, last) = match key {
            PeriodKey::Span(..) => return None,
            PeriodKey::Month(y, m) => (y, m, m),
            PeriodKey::Quarter(y, q) => (y, q * 3 - 2, q * 3),
            PeriodKey::Year(y) => (y, 1, 12),
        };
        if !(2000..=2100).contains(&y) {
            return None;
        }
        let months = Period::months(&format!("{y}-{first:02}"), &format!("{y}-{last:02}"))?;
        Some(Self { key, months })
    }

    /// The current quarter (Vietnam time).
    pub fn current_quarter(today: NaiveDate) -> Self {
        let q = today.month0() / 3 + 1;
        let from = NaiveDate::from_ymd_opt(today.year(), q * 3 - 2, 1).unwrap_or(today);
        let to = from
            .checked_add_months(chrono::Months::new(3))
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        Self {
            key: PeriodKey::Quarter(today.year(), q),
            months: Period { from, to },
        }
    }

    /// `2026-05`, `2026-Q2` or `2026`.
    pub fn code(&self) -> String {
        match self.key {
            PeriodKey::Month(y, m) => format!("{y}-{m:02}"),
            PeriodKey::Quarter(y, q) => format!("{y}-Q{q}"),
            PeriodKey::Year(y) => y.to_string(),
            PeriodKey::Span(a, b) => {
                format!("{}-{:02}..{}-{:02}", a / 100, a % 100, b / 100, b % 100)
            }
        }
    }

    /// `tháng 5/2026`, `quý II/2026`, `năm 2026`.
    pub fn label(&self) -> String {
        match self.key {
            PeriodKey::Month(y, m) => format!("tháng {m}/{y}"),
            PeriodKey::Quarter(y, q) => {
                format!("quý {}/{y}", ["I", "II", "III", "IV"][(q - 1) as usize])
            }
            PeriodKey::Year(y) => format!("năm {y}"),
            PeriodKey::Span(a, b) => format!(
                "từ tháng {}/{} đến tháng {}/{}",
                a % 100,
                a / 100,
                b % 100,
                b / 100
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_run_from_the_first_of_one_to_the_last_of_the_other() {
        let p = Period::months("2024-02", "2024-02").unwrap();
        assert_eq!((p.from, p.to), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!((p.from_month(), p.to_month()), (202402, 202402));
        assert_eq!(Period::months("2026-05", "2026-04"), None);
        assert_eq!(Period::months("1999-12", "2000-01"), None);
        assert_eq!(Period::months("2026-13", "2026-12"), None);
        assert_eq!(Period::year(2026), Period::months("2026-01", "2026-12"));
    }

    #[test]
    fn a_period_is_over_the_day_after_its_last_day_in_vietnam() {
        let p = Period::year(2025).unwrap();
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        assert!(!p.over_at(at("2025-12-31T16:59:59Z")));
        assert!(p.over_at(at("2025-12-31T17:00:00Z")));
        let (start, end) = p.instants();
        assert_eq!(start, at("2024-12-31T17:00:00Z"));
        assert_eq!(end, at("2025-12-31T17:00:00Z"));
    }

    #[test]
    fn periods_read_as_months_quarters_and_years() {
        let q = IndexPeriod::parse("2026-Q2").unwrap();
        assert_eq!(
            (q.code(), q.label()),
            ("2026-Q2".into(), "quý II/2026".into())
        );
        assert_eq!(q.months.from, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(q.months.to, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        let m = IndexPeriod::parse("2024-02").unwrap();
        assert_eq!(m.months.to, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.label(), "tháng 2/2024");
        assert_eq!(IndexPeriod::parse("2026").unwrap().label(), "năm 2026");
        for bad in ["2026-13", "2026-Q0", "2026-Q5", "x", "", "1999", "2026-00"] {
            assert!(IndexPeriod::parse(bad).is_none(), "{bad}");
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(IndexPeriod::current_quarter(today).code(), "2026-Q4");
        assert_eq!(
            IndexPeriod::current_quarter(today).months.to,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        let over = IndexPeriod::over(Period::months("2026-01", "2026-06").unwrap());
        assert_eq!(over.code(), "2026-01..2026-06");
        assert_eq!(
            IndexPeriod::over(Period::year(2026).unwrap()).code(),
            "2026"
        );
    }
}
