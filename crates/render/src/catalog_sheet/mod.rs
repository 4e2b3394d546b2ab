//! The catalogue as a file: CSV, XLSX or JSON. Layout in docs/CATALOG-FORMAT.md.
//!
//! CSV and XLSX use one "long" table: every row has a `record` column (`procedure`, `step`,
//! `component`, `fee`, `legal_basis`, `form`, `allocation`) and the procedure's `code`; a
//! procedure row carries the procedure's own fields, the other rows one item of a list. JSON is an
//! array of `{"status","publication","data"}` objects. Reading is all-or-nothing: every problem is
//! reported with its row, column and a Vietnamese message, and nothing is returned when there is
//! any. Text is normalised to NFC (NFD input and a UTF-8 BOM are accepted); a file that is not
//! UTF-8 is refused.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_domain::catalog::fold::nfc;
use motcua_domain::catalog::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod emit;
mod parse;

pub use emit::*;
use parse::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// The format of a file by its name's ending.
    pub fn of_path(path: &str) -> Option<Self> {
        path.rsplit('.').next().and_then(Self::parse)
    }

    pub fn of_content_type(ct: &str) -> Option<Self> {
        let ct = ct.split(';').next().unwrap_or("").trim();
        match ct {
            "text/csv" => Some(Self::Csv),
            "application/json" => Some(Self::Json),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Some(Self::Xlsx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One procedure version in a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub status: VersionStatus,
    #[serde(default)]
    pub publication: Publication,
    pub data: ProcedureData,
}

/// A problem in a file: the row as a spreadsheet numbers it (the header is row 1), the column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

fn err(row: usize, column: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// The columns of the long table, in order.
pub const COLUMNS: &[&str] = &[
    "record",
    "code",
    "name",
    "field",
    "level",
    "agency",
    "unit",
    "authority",
    "applicants",
    "channels",
    "postal_receipt",
    "postal_return",
    "processing_value",
    "processing_unit",
    "cutoff",
    "online_class",
    "legacy_level",
    "result_name",
    "result_kind",
    "dossier_required",
    "status",
    "decision_number",
    "decision_date",
    "decision_authority",
    "effective_date",
    "published_at",
    "item_code",
    "originals",
    "copies",
    "required",
    "reusable",
    "amount_vnd",
    "note",
    "number",
    "issued_on",
    "effective_on",
    "url",
    "assignee",
    "value",
];

fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap_or(0)
}

/// Read a file of the given format.
pub fn read(bytes: &[u8], format: Format) -> Result<Vec<Entry>, Vec<RowError>> {
    match format {
        Format::Json => read_json(bytes),
        Format::Csv => read_rows(csv_rows(bytes)?),
        Format::Xlsx => read_rows(xlsx_rows(bytes)?),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, Vec<RowError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![err(
            0,
            "",
            format!(
                "tệp không phải UTF-8 (byte lỗi ở vị trí {}); hãy lưu tệp với mã hóa UTF-8",
                e.valid_up_to()
            ),
        )]
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn read_json(bytes: &[u8]) -> Result<Vec<Entry>, Vec<RowError>> {
    let text = utf8(bytes)?;
    let values: Vec<serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| vec![err(e.line(), "", format!("JSON không hợp lệ: {e}"))])?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        match serde_json::from_value::<Entry>(normalise_json(v)) {
            Ok(mut e) => {
                e.data.name = nfc(&e.data.name);
                out.push((i + 1, e));
            }
            Err(e) => errors.push(err(i + 1, "", format!("mục {}: {e}", i + 1))),
        }
    }
    finish(out, errors)
}

fn normalise_json(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as V;
    match v {
        V::String(s) => V::String(nfc(&s)),
        V::Array(a) => V::Array(a.into_iter().map(normalise_json).collect()),
        V::Object(o) => V::Object(o.into_iter().map(|(k, v)| (k, normalise_json(v))).collect()),
        other => other,
    }
}

/// Rows of a sheet: the row number as a spreadsheet shows it (the header is row 1) and its cells.
pub type Rows = Vec<(usize, Vec<String>)>;

fn csv_rows(bytes: &[u8]) -> Result<Rows, Vec<RowError>> {
    let text = utf8(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| vec![err(i + 1, "", format!("dòng CSV không đọc được: {e}"))])?;
        rows.push((i + 1, rec.iter().map(nfc).collect()));
    }
    Ok(rows)
}

/// The cells of the first sheet of an XLSX file, text in NFC.
pub fn xlsx_rows(bytes: &[u8]) -> Result<Rows, Vec<RowError>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| vec![err(0, "", format!("tệp XLSX không mở được: {e}"))])?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| vec![err(0, "", "tệp XLSX không có trang tính nào")])?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| vec![err(0, "", format!("trang tính không đọc được: {e}"))])?;
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let cells = r
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => nfc(s),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Int(n) => n.to_string(),
                    Data::Bool(b) => b.to_string(),
                    other => other.to_string(),
                })
                .collect();
            (i + 1, cells)
        })
        .collect())
}
