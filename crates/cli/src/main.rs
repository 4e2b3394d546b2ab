//! `motcua`: the one binary. `serve` runs the web application; the other commands administer
//! the same database from the command line.
//!
//! Exit codes: 0 success; 1 failure (including a broken audit chain); 2 bad input (unknown role,
//! unit, malformed option); 3 no usable database (missing, unreachable, not migrated).
#![forbid(unsafe_code)]

mod backup_cmd;
mod calendar_cmd;
mod catalog_cmd;
mod database;
mod demo;
mod demo_catalog;
mod demo_records;
mod edxml_cmd;
mod failure;
mod history_cmd;
mod pki_cmd;
mod scorecard_cmd;
mod serve_cmd;
mod user_cmd;

use clap::{Args, Parser, Subcommand};
use motcua_app::Config;
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_store::migration;
use motcua_store::{AuditCtx, Db, StoreError};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use database::{connect, create_or_open};
use failure::Failure;
use history_cmd::{demo_with_migrations, generate};
use serve_cmd::serve;
use user_cmd::user;

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
    /// Copy the database while it serves into a new FILE (SQLite: a consistent copy; PostgreSQL:
    /// a pg_dump archive of one snapshot). The signing keys' passphrase is not in it.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into an empty database, then check its audit chain and counts.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[arg(long)]
        json: bool,
    },
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
                calendar_cmd::load_corrections(&config).await?
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
                calendar_cmd::load_corrections(&config).await?
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
            let db = create_or_open(&config).await?;
            let n = migrate(&db).await?;
            println!("applied {n} migration(s); the schema is current");
            Ok(())
        }
        Command::Demo(args) => {
            let db = create_or_open(&config).await?;
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
        Command::Backup { out, json } => backup_cmd::backup(&config, &out, json).await,
        Command::Restore { from, json } => backup_cmd::restore(&config, &from, json).await,
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
