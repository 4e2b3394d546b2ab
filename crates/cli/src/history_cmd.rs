//! `motcua demo --dossiers N --years Y --seed S`: the generated history of dossiers, and the demo
//! data loaded after the migrations.

use super::*;

/// `demo --dossiers N --years Y --seed S`: the generated history, with a progress bar and a summary.
pub(crate) async fn generate(db: &Db, config: &Config, args: &DemoArgs) -> Result<(), Failure> {
    let hours = config.parsed_working_hours().map_err(Failure::input)?;
    let corrections = motcua_store::calendar::corrections(db.conn()).await?;
    let cal = motcua_domain::calendar::WorkingCalendar::build(
        &motcua_domain::calendar::schedule::official_days(),
        &corrections,
        hours,
    )
    .map_err(|e| Failure::input(e.to_string()))?;
    let opts = motcua_store::history::Options {
        dossiers: args.dossiers,
        years: args.years,
        seed: args.seed,
        now: chrono::Utc::now(),
        chunk: 20_000,
    };
    let total = usize::try_from(args.dossiers).unwrap_or(usize::MAX);
    let bar = catalog_cmd::progress_bar(total);
    let started = std::time::Instant::now();
    let report =
        motcua_store::history::generate(db, &config.database_url, &cal, &opts, &run_id(), &|n| {
            bar(usize::try_from(n).unwrap_or(usize::MAX));
        })
        .await?;
    if report.already_present {
        println!(
            "a history with seed {} is already in the database: nothing generated",
            args.seed
        );
        return Ok(());
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {} dossiers ({} events, {} open) over {} year(s), seed {}, in {:.1} s: {:.0} dossiers/s",
        report.dossiers,
        report.events,
        report.open,
        args.years,
        args.seed,
        secs,
        report.dossiers as f64 / secs.max(1e-9)
    );
    Ok(())
}

/// `demo` on a new database applies the migrations first; on an older schema it asks for `migrate`.
pub(crate) async fn demo_with_migrations(db: &Db, config: &Config) -> Result<(), Failure> {
    let (applied, pending) = migration::status(db).await?;
    if applied == 0 {
        migrate(db).await?;
    } else if pending > 0 {
        return Err(Failure::input(format!(
            "{pending} migration(s) pending: run `motcua migrate` first"
        )));
    }
    demo::load(db, config, &run_id()).await
}
