//! `motcua edxml unpack FILE [--json] [--extract DIR]`: read an edXML package or status message.

use std::path::PathBuf;

use clap::Subcommand;
use motcua_edxml::{Kind, Package, StatusMessage, kind_of};

use crate::Failure;

#[derive(Subcommand)]
pub enum EdxmlCommand {
    /// Parse and check a package (or status message); print its header and attachment list.
    Unpack {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Also write the attachments into this directory.
        #[arg(long, value_name = "DIR")]
        extract: Option<PathBuf>,
    },
    /// Add or replace an exchange partner: an agency whose installation receives our documents at
    /// URL and sends us its own with the same shared secret as bearer token.
    PartnerAdd {
        /// The partner agency's OrganId (QCVN 102).
        #[arg(long)]
        organ: String,
        #[arg(long)]
        name: String,
        /// Its inbox, e.g. https://motcua.hanoi.gov.vn/api/v1/edxml/inbox
        #[arg(long)]
        url: String,
        /// The environment variable holding the shared secret (at least 24 characters).
        #[arg(long, value_name = "VAR")]
        token_env: String,
    },
    /// List exchange partners (never their secrets).
    Partners,
}

pub async fn run(cmd: EdxmlCommand, config: &motcua_app::Config) -> Result<(), Failure> {
    let (file, json, extract) = match cmd {
        EdxmlCommand::Unpack {
            file,
            json,
            extract,
        } => (file, json, extract),
        EdxmlCommand::PartnerAdd {
            organ,
            name,
            url,
            token_env,
        } => {
            motcua_domain::org::OrganId::parse(&organ)
                .map_err(|e| Failure::input(format!("--organ: {e}")))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Failure::input(
                    "--url: an http(s) address of the partner's /api/v1/edxml/inbox",
                ));
            }
            let token = std::env::var(&token_env).map_err(|_| {
                Failure::input(format!("the environment variable {token_env} is not set"))
            })?;
            if token.trim().chars().count() < 24 {
                return Err(Failure::input(
                    "the shared secret must have at least 24 characters",
                ));
            }
            let db = crate::connect(config).await?;
            let ctx = motcua_store::AuditCtx::system(crate::run_id());
            motcua_store::exchange::upsert_partner(
                &db,
                &ctx,
                organ.trim(),
                name.trim(),
                url.trim(),
                token.trim(),
            )
            .await?;
            println!("{}: partner saved", organ.trim());
            return Ok(());
        }
        EdxmlCommand::Partners => {
            let db = crate::connect(config).await?;
            for p in motcua_store::exchange::partners(db.conn()).await? {
                println!("{}  {}  {}", p.organ_id, p.name, p.inbox_url);
            }
            return Ok(());
        }
    };
    let data =
        std::fs::read(&file).map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
    let bad = |e: motcua_edxml::EdxmlError| Failure::input(format!("{}: {e}", file.display()));
    let value = match kind_of(&data).map_err(bad)? {
        Kind::Package => {
            let p = Package::parse(&data).map_err(bad)?;
            if let Some(dir) = &extract {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
                for (i, a) in p.attachments.iter().enumerate() {
                    // Only the file name, never a path the sender chose.
                    let name = std::path::Path::new(&a.name)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .filter(|n| !n.is_empty() && n != "." && n != "..")
                        .unwrap_or_else(|| format!("attachment-{}", i + 1));
                    let path = dir.join(name);
                    std::fs::write(&path, &a.data)
                        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
                }
            }
            let mut v = serde_json::to_value(&p).map_err(|e| Failure::input(e.to_string()))?;
            v["kind"] = "package".into();
            v
        }
        Kind::Status => {
            let s = StatusMessage::parse(&data).map_err(bad)?;
            let mut v = serde_json::to_value(&s).map_err(|e| Failure::input(e.to_string()))?;
            v["kind"] = "status".into();
            v["status_code"] = s.status.code().into();
            v["status_label"] = s.status.label_vi().into();
            v
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| Failure::input(e.to_string()))?
        );
    } else if value["kind"] == "package" {
        let h = &value["header"];
        println!(
            "Văn bản: {}/{} — {}",
            h["code"]["code_number"].as_str().unwrap_or(""),
            h["code"]["code_notation"].as_str().unwrap_or(""),
            h["subject"].as_str().unwrap_or("")
        );
        println!(
            "Nơi gửi: {} ({})",
            h["from"]["organ_name"].as_str().unwrap_or(""),
            h["from"]["organ_id"].as_str().unwrap_or("")
        );
        for a in value["attachments"].as_array().into_iter().flatten() {
            println!(
                "Đính kèm: {} ({}, {} byte)",
                a["name"].as_str().unwrap_or(""),
                a["content_type"].as_str().unwrap_or(""),
                a["size"]
            );
        }
    } else {
        println!(
            "Trạng thái {} — {} — {}",
            value["status_code"].as_str().unwrap_or(""),
            value["status_label"].as_str().unwrap_or(""),
            value["response_for_document_id"].as_str().unwrap_or("")
        );
    }
    Ok(())
}
