//! `motcua`: the one binary. `serve` runs the web application; the other commands administer
//! the same database from the command line.
//!
//! Exit codes: 0 success; 1 failure (including a broken audit chain); 2 bad input (unknown role,
//! unit, malformed option); 3 the database cannot be reached.
#![forbid(unsafe_code)]

mod calendar_cmd;
mod catalog_cmd;
mod demo;
mod demo_catalog;
mod demo_records;
mod edxml_cmd;
mod pki_cmd;
mod scorecard_cmd;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use motcua_app::Config;
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_store::migration;
use motcua_store::{AuditCtx, Db, DbOptions, StoreError};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "One-stop back office, e-office and reform scorecard of a ministry"
)]
struct Cli {
    /// Configuration file (default: ./motcua.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application.
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the demo organisation and accounts (idempotent); with `--dossiers`, also a generated
    /// history of dossiers at scale (deterministic by seed; skipped when that seed is present).
    Demo(DemoArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Show units.
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Import or export the procedure catalogue.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Keys and certificates: the development PKI, people's and agencies' signing credentials.
    #[command(subcommand)]
    Pki(pki_cmd::PkiCommand),
    /// Sign a PDF (PAdES B-B) or verify every signature in one.
    #[command(subcommand)]
    Pdf(pki_cmd::PdfCommand),
    /// Read edXML packages and status messages (QCVN 102:2016).
    #[command(subcommand)]
    Edxml(edxml_cmd::EdxmlCommand),
    /// The reform plan's scorecard: check the live figures against the records.
    #[command(subcommand)]
    Scorecard(scorecard_cmd::ScorecardCommand),
    /// Print the documented default configuration (TOML).
    DefaultConfig,
    /// Show a year's days off and working weekend days.
    Calendar {
        /// 1900–2199.
        year: i32,
        #[arg(long)]
        json: bool,
        /// Also apply the corrections recorded in the configured database.
        #[arg(long)]
        corrections: bool,
    },
    /// Convert between the solar and the Vietnamese lunar calendar.
    Lunar {
        /// A solar date YYYY-MM-DD.
        #[arg(long, conflicts_with = "lunar")]
        solar: Option<String>,
        /// A lunar date YYYY-MM-DD (year-month-day of the lunar calendar).
        #[arg(long)]
        lunar: Option<String>,
        /// The lunar month is the leap (nhuận) month.
        #[arg(long)]
        leap: bool,
        #[arg(long)]
        json: bool,
    },
    /// Compute an appointment from a receipt time and a processing time.
    Deadline {
        /// RFC 3339 with offset, e.g. 2026-02-13T16:30:00+07:00.
        #[arg(long)]
        received: String,
        /// Nd (working days), N.5d, or Nh (working hours).
        #[arg(long)]
        duration: String,
        /// Same-day cut-off HH:MM (e.g. 15:00).
        #[arg(long)]
        cutoff: Option<String>,
        #[arg(long)]
        json: bool,
        /// Also apply the corrections recorded in the configured database.
        #[arg(long)]
        corrections: bool,
    },
}

#[derive(Args)]
struct DemoArgs {
    /// Also generate this many dossiers of history (0: none).
    #[arg(long, default_value_t = 0)]
    dossiers: u64,
    /// Years of history, ending now.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    years: u32,
    /// Seed of the generated history: the same seed gives the same history.
    #[arg(long, default_value_t = 2021)]
    seed: u64,
}

#[derive(Args)]
struct ServeArgs {
    /// Do not apply pending migrations at start.
    #[arg(long)]
    no_migrate: bool,
    /// Load the demo data when the database is empty.
    #[arg(long)]
    demo: bool,
    /// Address to listen on (overrides the configuration).
    #[arg(long)]
    listen: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account and print its id.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// applicant, desk_officer, officer, unit_leader, par_officer, editor or admin.
        #[arg(long)]
        role: String,
        /// The unit's code (e.g. MOTCUA) or id.
        #[arg(long)]
        unit: String,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Lift the lock-out of an account after repeated failed sign-ins.
    Unlock {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum UnitCommand {
    /// List the units.
    List {
        /// Print `[{"id","code","name","parent_id"}]`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Import a CSV, XLSX or JSON file: all or nothing, every problem reported with its row.
    Import {
        file: String,
        /// csv, xlsx or json (default: from the file name).
        #[arg(long)]
        format: Option<String>,
    },
    /// Export the latest version of every procedure.
    Export {
        /// csv (default), xlsx or json.
        #[arg(long)]
        format: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the whole hash chain; exit 1 naming the first bad entry.
    Verify,
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        let unavailable = e.chain().any(|c| {
            matches!(
                c.downcast_ref::<StoreError>(),
                Some(StoreError::Unavailable(_))
            )
        });
        Self {
            code: if unavailable { 3 } else { 1 },
            message: format!("{e:#}"),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        anyhow::Error::new(e).into()
    }
}

/// A use case's error: storage faults keep their exit code (3 when the database is unreachable),
/// refusals of the input exit 2 with their message.
impl From<motcua_app::Error> for Failure {
    fn from(e: motcua_app::Error) -> Self {
        use motcua_app::Error as E;
        match e {
            E::Store(e) => e.into(),
            E::Internal(e) => e.into(),
            E::Invalid(problems) => Self::input(
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            E::Refused(why) | E::Stale(why) | E::Partner(why) => Self::input(why),
            E::NotAllowed { reason, .. } => Self::input(reason),
            other => anyhow::Error::new(other).into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("motcua: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motcua: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("motcua: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn connect(config: &Config) -> Result<Db, Failure> {
    let options = DbOptions {
        max_connections: config.db_max_connections.max(1),
        ..DbOptions::default()
    };
    Db::connect(&config.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                motcua_app::config::redact_url(&config.database_url)
            )
        })
        .map_err(Failure::from)
}

fn run_id() -> String {
    format!("cli-{}", uuid_like())
}

/// A unique id for a command-line run, written into its audit entries.
fn uuid_like() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{t:x}-{}", std::process::id())
}

async fn migrate(db: &Db) -> Result<usize, Failure> {
    Ok(migration::apply_pending(db).await?)
}

async fn run(command: Command, mut config: Config) -> Result<(), Failure> {
    match command {
        Command::DefaultConfig => {
            print!("{}", motcua_app::config::DEFAULT_CONFIG_TOML);
            Ok(())
        }
        Command::Calendar {
            year,
            json,
            corrections,
        } => {
            let days = if corrections {
                load_corrections(&config).await?
            } else {
                Vec::new()
            };
            calendar_cmd::calendar(year, json, &days)
        }
        Command::Lunar {
            solar,
            lunar,
            leap,
            json,
        } => calendar_cmd::lunar(solar.as_deref(), lunar.as_deref(), leap, json),
        Command::Deadline {
            received,
            duration,
            cutoff,
            json,
            corrections,
        } => {
            let hours = config.parsed_working_hours().map_err(Failure::input)?;
            let days = if corrections {
                load_corrections(&config).await?
            } else {
                Vec::new()
            };
            calendar_cmd::deadline(&received, &duration, cutoff.as_deref(), json, hours, &days)
        }
        Command::Catalog(cmd) => {
            let db = connect(&config).await?;
            match cmd {
                CatalogCommand::Import { file, format } => {
                    catalog_cmd::import(&db, &run_id(), &file, format.as_deref()).await
                }
                CatalogCommand::Export { format, out } => {
                    catalog_cmd::export(&db, format.as_deref(), out.as_deref()).await
                }
            }
        }
        Command::Migrate => {
            let db = connect(&config).await?;
            let n = migrate(&db).await?;
            println!("applied {n} migration(s); the schema is current");
            Ok(())
        }
        Command::Demo(args) => {
            let db = connect(&config).await?;
            demo_with_migrations(&db, &config).await?;
            if args.dossiers > 0 {
                generate(&db, &config, &args).await?;
            }
            Ok(())
        }
        Command::Serve(args) => {
            if let Some(listen) = args.listen {
                config.listen = listen;
            }
            serve(args.no_migrate, args.demo, config).await
        }
        Command::User(cmd) => user(cmd, &config).await,
        Command::Pki(cmd) => pki_cmd::pki(cmd, &config).await,
        Command::Pdf(cmd) => pki_cmd::pdf(cmd, &config).await,
        Command::Edxml(cmd) => edxml_cmd::run(cmd, &config).await,
        Command::Scorecard(cmd) => scorecard_cmd::run(cmd, &config).await,
        Command::Unit(UnitCommand::List { json }) => {
            let db = connect(&config).await?;
            let units = motcua_store::org::units(db.conn()).await?;
            if json {
                let rows: Vec<_> = units
                    .iter()
                    .map(|u| serde_json::json!({ "id": u.id, "code": u.code, "name": u.name, "parent_id": u.parent_id }))
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else {
                println!("{:<10} {:<60} ID", "CODE", "NAME");
                for u in &units {
                    println!("{:<10} {:<60} {}", u.code, u.name, u.id);
                }
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = connect(&config).await?;
            match motcua_store::audit::verify(&db).await {
                Ok(n) => {
                    println!("audit chain intact: {n} entries verified");
                    Ok(())
                }
                Err(motcua_store::audit::VerifyError::Broken(b)) => Err(Failure {
                    code: 1,
                    message: format!("audit chain broken at entry {}: {b}", b.seq()),
                }),
                Err(motcua_store::audit::VerifyError::Store(e)) => Err(e.into()),
            }
        }
    }
}

/// `demo --dossiers N --years Y --seed S`: the generated history, with a progress bar and a summary.
async fn generate(db: &Db, config: &Config, args: &DemoArgs) -> Result<(), Failure> {
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
async fn demo_with_migrations(db: &Db, config: &Config) -> Result<(), Failure> {
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

async fn serve(no_migrate: bool, with_demo: bool, config: Config) -> Result<(), Failure> {
    let db = connect(&config).await?;
    if !no_migrate {
        let n = migrate(&db).await?;
        if n > 0 {
            tracing::info!(migrations = n, "applied pending migrations");
        }
    }
    if with_demo && motcua_store::org::agencies(db.conn()).await?.is_empty() {
        demo::load(&db, &config, &run_id()).await?;
    }
    tracing::info!(backend = db.backend().as_str(), "database ready");
    let app = motcua_web::Application::bind(config.clone(), db)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = app.addr().context("no local address")?;
    println!("motcua listening on http://{addr}");
    app.run_until(shutdown_signal())
        .await
        .context("server stopped with an error")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

async fn user(cmd: UserCommand, config: &Config) -> Result<(), Failure> {
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            unit,
            password_stdin: _,
        } => {
            let role = Role::parse(&role).map_err(|e| Failure::input(e.to_string()))?;
            let email =
                Email::parse(&email).map_err(|e| Failure::input(format!("--email: {e}")))?;
            let name =
                PersonName::parse(&name).map_err(|e| Failure::input(format!("--name: {e}")))?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            let password =
                NewPassword::parse(&line).map_err(|e| Failure::input(format!("password: {e}")))?;
            let db = connect(config).await?;
            let unit_row = motcua_store::org::find_unit(db.conn(), &unit)
                .await?
                .ok_or_else(|| {
                    Failure::input(format!("unknown unit «{unit}» (see `motcua unit list`)"))
                })?;
            if motcua_store::account::find_by_email(db.conn(), &email)
                .await?
                .is_some()
            {
                return Err(Failure::input("an account with this e-mail already exists"));
            }
            let new = motcua_store::account::NewUser {
                unit: unit_row,
                email,
                name,
                role,
                password,
            };
            let user =
                motcua_store::account::create_user(&db, &AuditCtx::system(run_id()), new).await?;
            println!("{}", user.id);
            Ok(())
        }
        UserCommand::Unlock { email } => {
            let email =
                Email::parse(&email).map_err(|e| Failure::input(format!("--email: {e}")))?;
            let db = connect(config).await?;
            let user = motcua_store::account::find_by_email(db.conn(), &email)
                .await?
                .ok_or_else(|| Failure::input("no account with this e-mail"))?;
            motcua_store::account::unlock(&db, &AuditCtx::system(run_id()), user.id).await?;
            println!("unlocked {}", user.id);
            Ok(())
        }
    }
}

async fn load_corrections(
    config: &Config,
) -> Result<Vec<motcua_domain::calendar::RecordedDay>, Failure> {
    let db = connect(config).await?;
    Ok(motcua_store::calendar::corrections(db.conn()).await?)
}
