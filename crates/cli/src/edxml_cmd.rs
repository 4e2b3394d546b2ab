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
}

pub fn run(cmd: EdxmlCommand) -> Result<(), Failure> {
    let EdxmlCommand::Unpack {
        file,
        json,
        extract,
    } = cmd;
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
