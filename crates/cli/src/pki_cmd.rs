//! `motcua pki …` (the installation's keys and certificates) and `motcua pdf sign|verify`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use motcua_app::Config;
use motcua_app::signing::{self, KeyPassphrase, Owner};
use motcua_sign::pdf::Appearance;
use motcua_sign::{SignOptions, SoftwareSigner, TrustStore};
use motcua_store::{AuditCtx, Db};

use crate::{Failure, connect, run_id};

#[derive(Subcommand)]
pub enum PkiCommand {
    /// Create the development PKI (root and issuing CA) when the installation has none.
    Init,
    /// Write the trusted root certificate(s) as PEM.
    Root {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// List signing credentials (holder, certificate, validity, revocation).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import a certificate and key from a PKCS#12 file for a person or an agency.
    Import {
        /// The account (e-mail) the certificate belongs to.
        #[arg(long, conflicts_with = "organ", required_unless_present = "organ")]
        account: Option<String>,
        /// The agency (OrganId) whose organisation certificate this is.
        #[arg(long)]
        organ: Option<String>,
        #[arg(long, value_name = "FILE")]
        p12: PathBuf,
        /// The environment variable holding the PKCS#12 password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
        /// The signature (person) or seal (agency) image, PNG with transparency.
        #[arg(long, value_name = "PNG")]
        image: Option<PathBuf>,
    },
    /// Revoke a credential: it can no longer sign, and its signatures are no longer trusted.
    Revoke {
        id: uuid::Uuid,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum PdfCommand {
    /// Sign a PDF (PAdES B-B) with a PKCS#12 certificate. Writes nothing when signing fails.
    Sign {
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The PKCS#12 file with the certificate and its private key.
        #[arg(long, value_name = "P12")]
        cert: PathBuf,
        /// The environment variable holding the PKCS#12 password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
        /// A visible signature with this image (PNG); invisible without it.
        #[arg(long, value_name = "PNG")]
        image: Option<PathBuf>,
        /// The page of the visible signature (1 = first; default: the last page).
        #[arg(long)]
        page: Option<usize>,
        /// The rectangle of the visible signature in points: x1,y1,x2,y2.
        #[arg(long, value_name = "X1,Y1,X2,Y2")]
        rect: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        location: Option<String>,
    },
    /// Verify every signature of a PDF. Exit 0 when valid, 1 when not, 2 when the file is unreadable.
    Verify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Trusted root certificates (PEM); default: the installation's roots from the database.
        #[arg(long, value_name = "PEM")]
        trust: Vec<PathBuf>,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
}

fn env_secret(var: &str) -> Result<String, Failure> {
    std::env::var(var)
        .map_err(|_| Failure::input(format!("the environment variable {var} is not set")))
}

/// Writes `data` to `path` through a temporary file in the same directory, synced, then renamed:
/// the output appears whole or not at all.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Failure {
            code: 1,
            message: format!("{}: {e}", path.display()),
        });
    }
    Ok(())
}

fn vn_now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET)
}

pub async fn pdf(cmd: PdfCommand, config: &Config) -> Result<(), Failure> {
    match cmd {
        PdfCommand::Sign {
            input,
            out,
            cert,
            password_env,
            image,
            page,
            rect,
            reason,
            location,
        } => {
            let data = read(&input)?;
            let p12 = read(&cert)?;
            let password = env_secret(&password_env)?;
            let signer = SoftwareSigner::from_pkcs12(&p12, &password)
                .map_err(|e| Failure::input(format!("{}: {e}", cert.display())))?;
            let mut options = SignOptions::at(vn_now());
            options.reason = reason;
            options.location = location;
            if let Some(image) = image {
                let png = read(&image)?;
                let image = motcua_sign::image::decode_png(&png)
                    .map_err(|e| Failure::input(format!("{}: {e}", image.display())))?;
                let pages = motcua_sign::pdf::page_count(&data)
                    .map_err(|e| Failure::input(format!("{}: {e}", input.display())))?;
                let rect = match rect {
                    Some(r) => parse_rect(&r)?,
                    None => [360.0, 90.0, 530.0, 160.0],
                };
                options.appearance = Some(Appearance {
                    page: page.unwrap_or(pages.max(1)),
                    rect,
                    image: Some(image),
                });
            }
            let signed = motcua_sign::sign_pdf(&data, &signer, &options)
                .map_err(|e| Failure::input(format!("{}: {e}", input.display())))?;
            write_atomically(&out, &signed)?;
            println!(
                "{}: signed by {}",
                out.display(),
                motcua_sign::trust::common_name(motcua_sign::Signer::certificate(&signer))
            );
            Ok(())
        }
        PdfCommand::Verify { file, json, trust } => {
            let data = read(&file)?;
            let store = if trust.is_empty() {
                // The installation's roots when there is an installation here; otherwise none is
                // trusted and the verdict says so (a signature intact but not trusted: exit 1).
                let store = match connect(config).await {
                    Ok(db) => signing::trust_store(&db).await.map_err(Failure::from)?,
                    Err(f) if f.code == 3 => {
                        eprintln!("motcua: {}", f.message);
                        TrustStore::new()
                    }
                    Err(f) => return Err(f),
                };
                if store.roots().is_empty() {
                    eprintln!(
                        "motcua: không tin cậy chứng thư gốc nào; dùng --trust PEM / no root is \
                         trusted: give --trust PEM (or run `motcua pki init` or `motcua demo`)"
                    );
                }
                store
            } else {
                let mut store = TrustStore::new();
                for path in &trust {
                    let pem = String::from_utf8(read(path)?).map_err(|_| {
                        Failure::input(format!("{}: not a PEM file", path.display()))
                    })?;
                    let n = store
                        .add_pem_bundle(&pem)
                        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
                    if n == 0 {
                        return Err(Failure::input(format!(
                            "{}: no certificate in it",
                            path.display()
                        )));
                    }
                }
                store
            };
            let report = motcua_sign::verify_pdf(&data, &store, chrono::Utc::now().timestamp())
                .map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report)
                        .map_err(|e| Failure::input(e.to_string()))?
                );
            } else {
                for (i, s) in report.signatures.iter().enumerate() {
                    println!(
                        "Chữ ký {}: {} — {} — {}",
                        i + 1,
                        s.signer,
                        s.signed_at.as_deref().unwrap_or("không rõ thời điểm"),
                        s.reason
                    );
                }
                for p in &report.problems {
                    println!("Lưu ý: {p}");
                }
                println!(
                    "{}",
                    if report.valid {
                        "KẾT LUẬN: HỢP LỆ"
                    } else {
                        "KẾT LUẬN: KHÔNG HỢP LỆ"
                    }
                );
            }
            if report.valid {
                Ok(())
            } else {
                Err(Failure {
                    code: 1,
                    message: format!("{}: the signatures are not valid", file.display()),
                })
            }
        }
    }
}

fn parse_rect(s: &str) -> Result<[f32; 4], Failure> {
    let nums: Vec<f32> = s
        .split(',')
        .map(|p| p.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| Failure::input(format!("--rect {s}: four numbers x1,y1,x2,y2 expected")))?;
    let r: [f32; 4] = nums
        .try_into()
        .map_err(|_| Failure::input(format!("--rect {s}: four numbers x1,y1,x2,y2 expected")))?;
    if r[2] <= r[0] || r[3] <= r[1] {
        return Err(Failure::input(format!(
            "--rect {s}: x2 > x1 and y2 > y1 expected"
        )));
    }
    Ok(r)
}

/// The agency name used for the development PKI's subject.
async fn installation_name(db: &Db) -> String {
    match motcua_store::org::agencies(db.conn()).await {
        Ok(list) if !list.is_empty() => list[0].name.clone(),
        _ => "motcua".to_owned(),
    }
}

pub async fn pki(cmd: PkiCommand, config: &Config) -> Result<(), Failure> {
    let db = connect(config).await?;
    let ctx = AuditCtx::system(run_id());
    match cmd {
        PkiCommand::Init => {
            let passphrase = KeyPassphrase::load(config, true)?;
            let name = installation_name(&db).await;
            let (_, created) = signing::ensure_dev_pki(&db, &ctx, &passphrase, &name).await?;
            println!(
                "{}",
                if created {
                    "development PKI created"
                } else {
                    "development PKI already present"
                }
            );
            Ok(())
        }
        PkiCommand::Root { out } => {
            let pem = signing::roots_pem(&db).await?;
            if pem.is_empty() {
                return Err(Failure::input(
                    "no trusted root yet: run `motcua pki init` or `motcua demo`",
                ));
            }
            write_atomically(&out, pem.as_bytes())?;
            println!(
                "{}: {} root certificate(s)",
                out.display(),
                pem.matches("BEGIN CERTIFICATE").count()
            );
            Ok(())
        }
        PkiCommand::List { json } => {
            let rows = motcua_store::pki::credentials(db.conn()).await?;
            if json {
                let items: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "id": c.id, "holder": c.holder, "account_id": c.account_id,
                            "organ_id": c.organ_id, "label": c.label, "source": c.source,
                            "not_before": c.not_before, "not_after": c.not_after,
                            "revoked_at": c.revoked_at, "revocation_reason": c.revocation_reason,
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&items)
                        .map_err(|e| Failure::input(e.to_string()))?
                );
            } else {
                for c in rows {
                    println!(
                        "{}  {:<12} {:<40} đến {}{}",
                        c.id,
                        c.holder,
                        c.label,
                        c.not_after.format("%d/%m/%Y"),
                        if c.revoked_at.is_some() {
                            "  (đã thu hồi)"
                        } else {
                            ""
                        }
                    );
                }
            }
            Ok(())
        }
        PkiCommand::Import {
            account,
            organ,
            p12,
            password_env,
            image,
        } => {
            let passphrase = KeyPassphrase::load(config, true)?;
            let data = read(&p12)?;
            let password = env_secret(&password_env)?;
            let image = match image {
                Some(p) => Some(read(&p)?),
                None => None,
            };
            let owner_account;
            let owner = match (&account, &organ) {
                (Some(email), _) => {
                    let email = motcua_domain::account::Email::parse(email)
                        .map_err(|e| Failure::input(e.to_string()))?;
                    let user = motcua_store::account::find_by_email(db.conn(), &email)
                        .await?
                        .ok_or_else(|| Failure::input(format!("no account {}", email.as_str())))?;
                    owner_account = user.id;
                    Owner::Account(owner_account)
                }
                (None, Some(organ)) => {
                    let known = motcua_store::org::agencies(db.conn()).await?;
                    if !known.iter().any(|a| a.organ_id == organ.trim()) {
                        return Err(Failure::input(format!(
                            "no agency with OrganId {} in this installation",
                            organ.trim()
                        )));
                    }
                    Owner::Organ(organ.trim())
                }
                (None, None) => return Err(Failure::input("give --account or --organ")),
            };
            let id = signing::import_pkcs12(
                &db,
                &ctx,
                &passphrase,
                &data,
                &password,
                owner,
                image.as_deref(),
            )
            .await
            .map_err(|e| Failure::input(format!("{}: {e:#}", p12.display())))?;
            println!("{id}");
            Ok(())
        }
        PkiCommand::Revoke { id, reason } => {
            let c = motcua_store::pki::revoke(&db, &ctx, id, &reason).await?;
            println!("{}: {} revoked", c.id, c.label);
            Ok(())
        }
    }
}
