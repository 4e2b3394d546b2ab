//! `motcua calendar`, `motcua lunar` and `motcua deadline`: the working calendar for people and for
//! checks. They use the bundled schedules and the law; `--corrections` adds the admin corrections
//! recorded in the configured database.

use crate::Failure;
use chrono::{DateTime, NaiveDate, NaiveTime};
use motcua_domain::calendar::lunar::{self, LunarDate, MAX_YEAR, MIN_YEAR};
use motcua_domain::calendar::schedule::{official_days, year_schedule};
use motcua_domain::calendar::{RecordedDay, WorkDuration, WorkingCalendar, WorkingHours};
use motcua_domain::time::VN_OFFSET;
use serde_json::json;

/// The calendar's recorded corrections (days swapped or added by decision), read from the database.
pub async fn load_corrections(config: &motcua_app::Config) -> Result<Vec<RecordedDay>, Failure> {
    let db = crate::connect(config).await?;
    Ok(motcua_store::calendar::corrections(db.conn()).await?)
}

pub fn check_year(year: i32) -> Result<(), Failure> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(Failure::input(format!("year {year} is outside 1900–2199")))
    }
}

pub fn calendar(year: i32, as_json: bool, corrections: &[RecordedDay]) -> Result<(), Failure> {
    check_year(year)?;
    let s = year_schedule(year, &official_days(), corrections)
        .map_err(|e| Failure::input(e.to_string()))?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string(&s).map_err(|e| Failure {
                code: 1,
                message: e.to_string()
            })?
        );
        return Ok(());
    }
    println!("Lịch làm việc năm {year} (cơ quan nhà nước, thứ Hai – thứ Sáu)\n");
    println!(
        "Ngày thường không làm việc ({}):",
        s.non_working_weekdays.len()
    );
    for d in &s.non_working_weekdays {
        println!(
            "  {}  {:<3}  {}\n                  {}",
            d.date.format("%d/%m/%Y"),
            d.date.format("%a"),
            d.name,
            d.source
        );
    }
    println!(
        "\nThứ Bảy, Chủ nhật làm việc ({}):",
        s.working_weekend_days.len()
    );
    for d in &s.working_weekend_days {
        println!(
            "  {}  {:<3}  {}\n                  {}",
            d.date.format("%d/%m/%Y"),
            d.date.format("%a"),
            d.name,
            d.source
        );
    }
    Ok(())
}

fn parse_date(raw: &str, what: &str) -> Result<(i32, u32, u32), Failure> {
    let parts: Vec<&str> = raw.trim().split('-').collect();
    let bad = || Failure::input(format!("{what}: «{raw}» is not a date YYYY-MM-DD"));
    if parts.len() != 3 {
        return Err(bad());
    }
    Ok((
        parts[0].parse().map_err(|_| bad())?,
        parts[1].parse().map_err(|_| bad())?,
        parts[2].parse().map_err(|_| bad())?,
    ))
}

pub fn lunar(
    solar: Option<&str>,
    lunar_date: Option<&str>,
    leap: bool,
    as_json: bool,
) -> Result<(), Failure> {
    let (solar, lunar) = match (solar, lunar_date) {
        (Some(s), None) => {
            if leap {
                return Err(Failure::input("--leap goes with --lunar"));
            }
            let (y, m, d) = parse_date(s, "--solar")?;
            check_year(y)?;
            let date = NaiveDate::from_ymd_opt(y, m, d)
                .ok_or_else(|| Failure::input(format!("--solar: {s} does not exist")))?;
            (
                date,
                lunar::solar_to_lunar(date).map_err(|e| Failure::input(e.to_string()))?,
            )
        }
        (None, Some(l)) => {
            let (y, m, d) = parse_date(l, "--lunar")?;
            check_year(y)?;
            let lunar = LunarDate {
                day: d,
                month: m,
                year: y,
                leap,
            };
            (
                lunar::lunar_to_solar(lunar).map_err(|e| Failure::input(e.to_string()))?,
                lunar,
            )
        }
        _ => {
            return Err(Failure::input(
                "give exactly one of --solar DATE or --lunar DATE",
            ));
        }
    };
    if as_json {
        println!(
            "{}",
            json!({ "solar": solar.to_string(), "lunar_day": lunar.day, "lunar_month": lunar.month,
                    "lunar_year": lunar.year, "leap_month": lunar.leap })
        );
    } else {
        println!(
            "dương lịch {} = âm lịch {}/{}{}/{}",
            solar.format("%d/%m/%Y"),
            lunar.day,
            lunar.month,
            if lunar.leap { " (nhuận)" } else { "" },
            lunar.year
        );
    }
    Ok(())
}

pub fn deadline(
    received: &str,
    duration: &str,
    cutoff: Option<&str>,
    as_json: bool,
    hours: WorkingHours,
    corrections: &[RecordedDay],
) -> Result<(), Failure> {
    let received_at = DateTime::parse_from_rfc3339(received.trim()).map_err(|_| {
        Failure::input(format!("--received: «{received}» is not an RFC 3339 time with offset, e.g. 2026-02-13T16:30:00+07:00"))
    })?;
    let duration: WorkDuration = duration
        .parse()
        .map_err(|e| Failure::input(format!("--duration: {e}")))?;
    let cutoff = cutoff
        .map(|c| {
            NaiveTime::parse_from_str(c.trim(), "%H:%M")
                .map_err(|_| Failure::input(format!("--cutoff: «{c}» is not HH:MM")))
        })
        .transpose()?;
    let local = received_at.with_timezone(&VN_OFFSET).naive_local();
    check_year(chrono::Datelike::year(&local))?;
    let cal = WorkingCalendar::build(&official_days(), corrections, hours)
        .map_err(|e| Failure::input(e.to_string()))?;
    let due = cal
        .due(local, duration, cutoff)
        .map_err(|e| Failure::input(e.to_string()))?;
    let due = due
        .and_local_timezone(VN_OFFSET)
        .single()
        .ok_or_else(|| Failure {
            code: 1,
            message: "no local time for the due date".into(),
        })?;
    if as_json {
        println!("{}", json!({ "due_at": due.to_rfc3339() }));
    } else {
        println!(
            "hạn trả kết quả: {} ({})",
            due.format("%H:%M %d/%m/%Y"),
            due.to_rfc3339()
        );
    }
    Ok(())
}
