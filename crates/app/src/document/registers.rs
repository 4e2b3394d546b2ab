//! The registers of outgoing and incoming documents (Decree 30/2020/NĐ-CP art. 15, 22; Annex
//! IV), on screen and as CSV or XLSX files.

use super::{Document, in_reach};
use crate::{Actor, App, Error, OrgSnapshot, Problem, Result};
use motcua_domain::access::Scope;
use motcua_domain::document::{self as rules, DocType, Secrecy, Urgency};
use motcua_store::document as store;

/// `out` or `in`, checked.
pub fn direction(asked: Option<&str>) -> Result<&'static str> {
    match asked.unwrap_or("out") {
        "out" => Ok("out"),
        "in" => Ok("in"),
        _ => Err(Error::Invalid(vec![Problem::new(
            "direction",
            "out hoặc in",
        )])),
    }
}

/// The register of a year in the actor's reach: every document of the agency, or with a unit
/// scope those in [`in_reach`].
pub async fn register(
    app: &App,
    actor: &Actor,
    scope: Scope,
    direction: &str,
    year: i32,
) -> Result<Vec<Document>> {
    let mut rows = store::register(app.db.conn(), actor.agency_id, direction, year).await?;
    if scope == Scope::OwnUnit {
        let units = app.org().await?.subtree(actor.unit_id);
        rows.retain(|d| in_reach(d, &units, actor.account_id));
    }
    Ok(rows)
}

/// The drafts (not yet issued) of the agency in the actor's reach: with a unit scope, those
/// drafted in their units.
pub async fn drafts(app: &App, actor: &Actor, scope: Scope) -> Result<Vec<Document>> {
    let mut drafts = store::drafts(app.db.conn(), actor.agency_id).await?;
    if scope == Scope::OwnUnit {
        let units = app.org().await?.subtree(actor.unit_id);
        drafts.retain(|d| d.drafting_unit_id.is_some_and(|u| units.contains(&u)));
    }
    Ok(drafts)
}

/// A register as a file to download.
#[derive(Debug)]
pub struct File {
    /// `so-van-ban-di-2026.xlsx`.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The register's columns (Decree 30/2020 Annex IV).
pub const REGISTER_HEADER: [&str; 10] = [
    "Số, ký hiệu",
    "Ngày ban hành",
    "Tên loại",
    "Trích yếu",
    "Người ký",
    "Nơi nhận",
    "Độ khẩn",
    "Độ mật",
    "Sổ",
    "Điện tử",
];

/// One row of the register (Decree 30/2020 Annex IV: number and notation, date, type, subject,
/// signer, recipients, urgency, secrecy, series, electronic).
pub fn register_row(d: &Document) -> Vec<String> {
    let recipients: Vec<String> = d
        .recipients
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect();
    vec![
        d.code.clone().unwrap_or_default(),
        d.issued_at
            .map(|t| {
                t.with_timezone(&motcua_domain::time::VN_OFFSET)
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        DocType::parse(&d.doc_type).map_or(String::new(), |t| t.name.to_owned()),
        d.subject.clone(),
        format!("{} {}", d.authority_mark, d.signer_name)
            .trim()
            .to_owned(),
        recipients.join(", "),
        Urgency::parse(&d.urgency)
            .map_or("", Urgency::label_vi)
            .to_owned(),
        Secrecy::parse(&d.secrecy)
            .map_or("", Secrecy::label_vi)
            .to_owned(),
        d.series.clone(),
        if d.electronic {
            "Có".into()
        } else {
            "Không".into()
        },
    ]
}

/// The incoming register's columns (Decree 30/2020 Annex IV, sổ đăng ký văn bản đến), with the
/// handling the leader recorded (art. 24) and the state of the digital signatures.
pub const INCOMING_HEADER: [&str; 11] = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Tên loại và trích yếu nội dung",
    "Độ khẩn",
    "Đơn vị hoặc người nhận",
    "Hạn xử lý",
    "Tình trạng xử lý",
    "Chữ ký số",
    "Ghi chú",
];

/// One row of the incoming register.
pub fn incoming_row(d: &Document, org: &OrgSnapshot) -> Vec<String> {
    let sender = d
        .recipients
        .as_array()
        .and_then(|a| a.first())
        .and_then(|r| r["name"].as_str())
        .unwrap_or_default()
        .to_owned();
    let type_name = DocType::parse(&d.doc_type).map_or(d.doc_type.as_str(), |t| t.name);
    vec![
        d.issued_at
            .map(|t| {
                t.with_timezone(&motcua_domain::time::VN_OFFSET)
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        d.number
            .map(|n| rules::number_text(i64::from(n)))
            .unwrap_or_default(),
        sender,
        d.code.clone().unwrap_or_default(),
        format!("{type_name}: {}", d.subject),
        Urgency::parse(&d.urgency)
            .map_or("", Urgency::label_vi)
            .to_owned(),
        d.handling_unit_id
            .and_then(|u| org.unit_by_id(u))
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        d.due_date
            .map(|t| t.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        rules::handling_label_vi(d.handling_status.as_deref().unwrap_or_default()).to_owned(),
        match d.signature_state.as_deref() {
            Some("valid") => "Hợp lệ",
            Some("untrusted") => "Nguyên vẹn, chưa tin cậy gốc",
            Some("none") => "Không có",
            _ => "",
        }
        .to_owned(),
        d.handling_note.clone().unwrap_or_default(),
    ]
}

/// The register of a year as a download: `csv` (BOM, `;`) or `xlsx`, named `so-van-ban-di-2026.xlsx`.
pub fn register_file(
    docs: &[Document],
    direction: &str,
    year: i32,
    format: &str,
    org: &OrgSnapshot,
) -> Result<File> {
    let (header_row, table): (&[&str], Vec<Vec<String>>) = if direction == "out" {
        (&REGISTER_HEADER, docs.iter().map(register_row).collect())
    } else {
        (
            &INCOMING_HEADER,
            docs.iter().map(|d| incoming_row(d, org)).collect(),
        )
    };
    let (slug, sheet) = if direction == "out" {
        ("di", "VanBanDi")
    } else {
        ("den", "VanBanDen")
    };
    let (bytes, content_type) = if format == "csv" {
        (
            motcua_render::table::csv(header_row, &table).map_err(anyhow::Error::msg)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            motcua_render::table::xlsx(sheet, header_row, &table).map_err(anyhow::Error::msg)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    Ok(File {
        name: format!("so-van-ban-{slug}-{year}.{format}"),
        content_type,
        bytes,
    })
}
