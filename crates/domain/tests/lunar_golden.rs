//! The lunar calendar against an independent implementation: `tests/data/lunar_golden.csv` was
//! generated once by `scripts/gen-lunar-golden` from PyPI lunar-vn 1.4.0 (UTC+7) and covers every
//! Tết and every Giỗ Tổ (10/3) of 1900–2100 plus 4,000 random days. Both directions are checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use motcua_domain::calendar::lunar::{LunarDate, lunar_to_solar, solar_to_lunar};

#[test]
fn every_golden_day_converts_both_ways() {
    let data = include_str!("data/lunar_golden.csv");
    let mut checked = 0;
    let mut tet = 0;
    let mut failures = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split(',').collect();
        let solar = NaiveDate::parse_from_str(f[0], "%Y-%m-%d").unwrap();
        let lunar = LunarDate {
            day: f[1].parse().unwrap(),
            month: f[2].parse().unwrap(),
            year: f[3].parse().unwrap(),
            leap: f[4] == "1",
        };
        if lunar.day == 1 && lunar.month == 1 && !lunar.leap {
            tet += 1;
        }
        if solar_to_lunar(solar) != Ok(lunar) {
            failures.push(format!(
                "{solar}: expected {lunar:?}, got {:?}",
                solar_to_lunar(solar)
            ));
        }
        if lunar_to_solar(lunar) != Ok(solar) {
            failures.push(format!(
                "{lunar:?}: expected {solar}, got {:?}",
                lunar_to_solar(lunar)
            ));
        }
        checked += 1;
    }
    assert!(checked > 4_000, "the golden file has {checked} rows");
    assert_eq!(tet, 201, "every Tết of 1900–2100");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
