//! `motcua scorecard verify --year Y`: recomputes the dossier targets of the year (T3.4, T3.5,
//! T7.3–T7.7) from the dossiers and their event log and compares them with the live counters the
//! scorecard reads; exit 1 on any difference.

use crate::Failure;
use clap::Subcommand;
use motcua_app::config::Config;
use motcua_app::plan::{Fraction, Period, catalogue, dossier_fractions, raw_dossier_fractions};
use std::time::Instant;

#[derive(Subcommand)]
pub enum ScorecardCommand {
    /// Recompute the year's dossier targets from raw records and compare with the live figures.
    Verify {
        #[arg(long)]
        year: i32,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn shown(f: Option<Fraction>) -> String {
    f.map_or_else(
        || "no data".to_owned(),
        |f| format!("{}/{}", f.numerator, f.denominator),
    )
}

pub async fn run(cmd: ScorecardCommand, config: &Config) -> Result<(), Failure> {
    let ScorecardCommand::Verify { year, json } = cmd;
    let period = Period::year(year).ok_or_else(|| Failure::input("--year: 2000–2100"))?;
    let db = crate::connect(config).await?;
    let app = motcua_app::App::new(db.clone(), config.clone())
        .map_err(|e| Failure::from(anyhow::anyhow!(e)))?;
    app.reload_calendar().await?;
    let mut differences = 0;
    let mut report = Vec::new();
    let catalogue = catalogue(&app).await?;
    for agency in motcua_store::org::agencies(db.conn()).await? {
        let started = Instant::now();
        let live = dossier_fractions(&app, agency.id, period, &catalogue).await?;
        let live_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let raw = raw_dossier_fractions(&app, agency.id, period, &catalogue).await?;
        let raw_ms = started.elapsed().as_secs_f64() * 1000.0;
        if !json {
            println!(
                "{} ({}), {year}: live figures in {live_ms:.1} ms, recomputed from records in {raw_ms:.1} ms",
                agency.name, agency.organ_id
            );
        }
        for (formula, l) in &live {
            let r = raw.get(formula).copied().flatten();
            let same = *l == r;
            differences += usize::from(!same);
            if json {
                report.push(serde_json::json!({
                    "agency": agency.organ_id, "formula": formula,
                    "live": l.map(|f| [f.numerator, f.denominator]),
                    "recomputed": r.map(|f| [f.numerator, f.denominator]),
                    "same": same,
                }));
            } else {
                println!(
                    "  {:<5} live {:<16} recomputed {:<16} {}",
                    formula.replace('_', ".").to_uppercase(),
                    shown(*l),
                    shown(r),
                    if same { "ok" } else { "DIFFERENT" }
                );
            }
        }
        if json {
            report.push(serde_json::json!({"agency": agency.organ_id, "live_ms": live_ms, "recomputed_ms": raw_ms}));
        }
    }
    if json {
        println!(
            "{}",
            serde_json::json!({"year": year, "differences": differences, "rows": report})
        );
    }
    if differences > 0 {
        return Err(Failure {
            code: 1,
            message: format!(
                "{differences} figure(s) differ between the live counters and the records"
            ),
        });
    }
    if !json {
        println!("scorecard verified: live figures equal the records");
    }
    Ok(())
}
