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

/// A procedure being assembled from its rows.
struct Builder {
    row: usize,
    base: Option<(ProcedureData, VersionStatus, Publication)>,
    steps: Vec<Step>,
    components: Vec<Component>,
    fees: Vec<Fee>,
    legal: Vec<LegalAct>,
    forms: Vec<Form>,
    allocation: Vec<Allocation>,
}

struct Cells<'a> {
    row: usize,
    cells: &'a [String],
    errors: &'a mut Vec<RowError>,
}

impl Cells<'_> {
    fn s(&self, name: &str) -> String {
        self.cells
            .get(col(name))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }
    fn req(&mut self, name: &str) -> String {
        let v = self.s(name);
        if v.is_empty() {
            self.errors
                .push(err(self.row, name, "bắt buộc, đang để trống"));
        }
        v
    }
    fn parse<T>(&mut self, name: &str, f: impl FnOnce(&str) -> Option<T>, what: &str) -> Option<T> {
        let v = self.s(name);
        let out = f(&v);
        if out.is_none() {
            let shown = if v.is_empty() {
                "trống".to_owned()
            } else {
                format!("«{v}»")
            };
            self.errors.push(err(
                self.row,
                name,
                format!("{what}: giá trị {shown} không hợp lệ"),
            ));
        }
        out
    }
    fn opt<T>(&mut self, name: &str, f: impl FnOnce(&str) -> Option<T>, what: &str) -> Option<T> {
        if self.s(name).is_empty() {
            None
        } else {
            self.parse(name, f, what)
        }
    }
    fn boolean(&mut self, name: &str) -> bool {
        self.parse(
            name,
            parse_bool,
            "giá trị đúng/sai (true, false, có, không)",
        )
        .unwrap_or(false)
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "true" | "có" | "1" | "yes" => Some(true),
        "false" | "không" | "0" | "no" => Some(false),
        _ => None,
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn list<T>(s: &str, f: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split('|').map(|x| f(x.trim())).collect()
}

fn read_rows(rows: Rows) -> Result<Vec<Entry>, Vec<RowError>> {
    let mut errors = Vec::new();
    let Some((_, header)) = rows.first() else {
        return Err(vec![err(0, "", "tệp trống")]);
    };
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    if header != COLUMNS {
        let first_bad = COLUMNS
            .iter()
            .zip(header.iter().chain(std::iter::repeat(&"")))
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        return Err(vec![err(
            1,
            COLUMNS.get(first_bad).copied().unwrap_or(""),
            format!(
                "dòng tiêu đề phải gồm đúng các cột: {} (cột {} khác)",
                COLUMNS.join(","),
                first_bad + 1
            ),
        )]);
    }
    let mut builders: BTreeMap<String, Builder> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut c = Cells {
            row: *row,
            cells,
            errors: &mut errors,
        };
        let record = c.s("record");
        let code_raw = c.req("code");
        let Ok(code) = ProcedureCode::parse(&code_raw) else {
            if !code_raw.is_empty() {
                c.errors.push(err(
                    *row,
                    "code",
                    format!("mã thủ tục «{code_raw}» không đúng dạng (ví dụ 1.004495)"),
                ));
            }
            continue;
        };
        let key = code.as_str().to_owned();
        if !builders.contains_key(&key) {
            order.push(key.clone());
        }
        let b = builders.entry(key.clone()).or_insert(Builder {
            row: *row,
            base: None,
            steps: vec![],
            components: vec![],
            fees: vec![],
            legal: vec![],
            forms: vec![],
            allocation: vec![],
        });
        match record.as_str() {
            "procedure" => {
                if b.base.is_some() {
                    c.errors.push(err(*row, "code", format!("mã thủ tục {key} trùng với dòng {}", b.row)));
                    continue;
                }
                b.row = *row;
                b.base = procedure_row(&mut c, code);
            }
            "step" => {
                let order = c.parse("item_code", |s| s.parse().ok(), "số thứ tự bước");
                let description = c.req("name");
                if let Some(order) = order {
                    b.steps.push(Step { order, description });
                }
            }
            "component" => {
                let code = c.req("item_code");
                let name = c.req("name");
                let originals = c.parse("originals", |s| s.parse().ok(), "số bản chính");
                let copies = c.parse("copies", |s| s.parse().ok(), "số bản sao");
                let required = c.boolean("required");
                let reusable = c.boolean("reusable");
                let template_url = Some(c.s("url")).filter(|u| !u.is_empty());
                if let (Some(originals), Some(copies)) = (originals, copies) {
                    b.components.push(Component { code, name, originals, copies, required, reusable, template_url });
                }
            }
            "fee" => {
                let name = c.req("name");
                if let Some(amount_vnd) = c.parse("amount_vnd", |s| s.parse().ok(), "số tiền (đồng, số nguyên)") {
                    b.fees.push(Fee { name, amount_vnd, note: c.s("note") });
                }
            }
            "legal_basis" => {
                let number = c.req("number");
                let title = c.req("name");
                let issued = c.parse("issued_on", date, "ngày ban hành (YYYY-MM-DD)");
                let effective = c.parse("effective_on", date, "ngày hiệu lực (YYYY-MM-DD)");
                if let (Some(issued_on), Some(effective_on)) = (issued, effective) {
                    b.legal.push(LegalAct { number, title, issued_on, effective_on });
                }
            }
            "form" => {
                let name = c.req("name");
                let url = c.req("url");
                b.forms.push(Form { name, url });
            }
            "allocation" => {
                let step = c.req("name");
                let assignee = c.req("assignee");
                if let Some(value) = c.parse("value", |s| s.parse().ok(), "thời gian phân bổ") {
                    b.allocation.push(Allocation { step, assignee, value });
                }
            }
            other => c.errors.push(err(*row, "record", format!("loại dòng «{other}» không hợp lệ (procedure, step, component, fee, legal_basis, form, allocation)"))),
        }
    }
    let mut out = Vec::new();
    for key in order {
        let Some(b) = builders.remove(&key) else {
            continue;
        };
        let Some((mut data, status, publication)) = b.base else {
            if !errors.iter().any(|e| e.row == b.row) {
                errors.push(err(
                    b.row,
                    "code",
                    format!("thủ tục {key} không có dòng «procedure»"),
                ));
            }
            continue;
        };
        data.steps = b.steps;
        data.components = b.components;
        data.fees = b.fees;
        data.legal_basis = b.legal;
        data.forms = b.forms;
        data.allocation = b.allocation;
        out.push((
            b.row,
            Entry {
                status,
                publication,
                data,
            },
        ));
    }
    finish(out, errors)
}

fn procedure_row(
    c: &mut Cells<'_>,
    code: ProcedureCode,
) -> Option<(ProcedureData, VersionStatus, Publication)> {
    let name = c.req("name");
    let field = c.parse("field", ProcedureField::parse, "lĩnh vực");
    let level = c.parse("level", Level::parse, "cấp thực hiện");
    let agency = c.req("agency");
    let unit = c.s("unit");
    let authority = c.req("authority");
    let applicants = c.parse(
        "applicants",
        |s| list(s, Applicant::parse),
        "đối tượng (citizen|business)",
    );
    let channels = c.parse(
        "channels",
        |s| list(s, Channel::parse),
        "kênh nộp (online|counter|postal)",
    );
    let postal_receipt = c.boolean("postal_receipt");
    let postal_return = c.boolean("postal_return");
    let value = c.parse("processing_value", |s| s.parse::<f64>().ok(), "thời hạn");
    let unit_t = c.parse(
        "processing_unit",
        TimeUnit::parse,
        "đơn vị thời hạn (working_days, working_hours, days)",
    );
    let cutoff = c.opt(
        "cutoff",
        |s| NaiveTime::parse_from_str(s, "%H:%M").ok(),
        "giờ chốt (HH:MM)",
    );
    let online_class = c.parse(
        "online_class",
        OnlineClass::parse,
        "mức trực tuyến (full, partial, none)",
    );
    let legacy_level = c.parse("legacy_level", |s| s.parse::<u8>().ok(), "mức độ 1–4");
    let result_name = c.req("result_name");
    let result_kind = c.parse(
        "result_kind",
        ResultKind::parse,
        "loại kết quả (paper, electronic, both)",
    );
    let dossier_required = if c.s("dossier_required").is_empty() {
        true
    } else {
        c.boolean("dossier_required")
    };
    let status = c.parse(
        "status",
        VersionStatus::parse,
        "trạng thái (draft, published, superseded, abolished)",
    );
    let publication = Publication {
        decision_number: Some(c.s("decision_number")).filter(|s| !s.is_empty()),
        decision_date: c.opt("decision_date", date, "ngày quyết định (YYYY-MM-DD)"),
        decision_authority: c.opt(
            "decision_authority",
            DecisionAuthority::parse,
            "người ký (minister, deputy_minister, other)",
        ),
        effective_date: c.opt("effective_date", date, "ngày áp dụng (YYYY-MM-DD)"),
        published_at: c.opt(
            "published_at",
            |s| {
                DateTime::parse_from_rfc3339(s)
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            },
            "thời điểm đăng tải (RFC 3339)",
        ),
    };
    Some((
        ProcedureData {
            code,
            name,
            field: field?,
            level: level?,
            agency,
            unit,
            authority,
            applicants: applicants?,
            channels: channels?,
            postal_receipt,
            postal_return,
            processing_time: ProcessingTime {
                value: value?,
                unit: unit_t?,
            },
            cutoff,
            online_class: online_class?,
            legacy_level: legacy_level?,
            result_name,
            result_kind: result_kind?,
            dossier_required,
            steps: vec![],
            components: vec![],
            fees: vec![],
            legal_basis: vec![],
            forms: vec![],
            allocation: vec![],
        },
        status?,
        publication,
    ))
}

/// Validate the assembled procedures and give them back, or every problem.
fn finish(
    mut entries: Vec<(usize, Entry)>,
    mut errors: Vec<RowError>,
) -> Result<Vec<Entry>, Vec<RowError>> {
    // The same normal form as the API, so a file and the API never disagree about a procedure.
    for (_, e) in &mut entries {
        e.data.normalise();
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, e) in &entries {
        if let Some(first) = seen.insert(e.data.code.as_str().to_owned(), *row) {
            errors.push(err(
                *row,
                "code",
                format!("mã thủ tục {} trùng với dòng {first}", e.data.code),
            ));
        }
        for (field, message) in e.publication.problems() {
            errors.push(err(
                *row,
                field,
                format!("thủ tục {}: {message}", e.data.code),
            ));
        }
        for p in e.data.validate() {
            errors.push(err(
                *row,
                &p.field,
                format!("thủ tục {}: {}", e.data.code, p.message),
            ));
        }
    }
    if errors.is_empty() {
        Ok(entries.into_iter().map(|(_, e)| e).collect())
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

fn join<T>(items: &[T], f: impl Fn(&T) -> &'static str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join("|")
}

/// The rows of the long table for these entries.
pub fn to_rows(entries: &[Entry]) -> Vec<Vec<String>> {
    let mut rows = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    let blank = || vec![String::new(); COLUMNS.len()];
    for e in entries {
        let d = &e.data;
        let p = &e.publication;
        let mut r = blank();
        let mut set = |name: &str, v: String| r[col(name)] = v;
        set("record", "procedure".into());
        set("code", d.code.to_string());
        set("name", d.name.clone());
        set("field", d.field.code().into());
        set("level", d.level.code().into());
        set("agency", d.agency.clone());
        set("unit", d.unit.clone());
        set("authority", d.authority.clone());
        set("applicants", join(&d.applicants, |a| a.code()));
        set("channels", join(&d.channels, |c| c.code()));
        set("postal_receipt", d.postal_receipt.to_string());
        set("postal_return", d.postal_return.to_string());
        set("processing_value", d.processing_time.value.to_string());
        set("processing_unit", d.processing_time.unit.code().into());
        set(
            "cutoff",
            d.cutoff
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
        );
        set("online_class", d.online_class.code().into());
        set("legacy_level", d.legacy_level.to_string());
        set("result_name", d.result_name.clone());
        set("result_kind", d.result_kind.code().into());
        set("dossier_required", d.dossier_required.to_string());
        set("status", e.status.code().into());
        set(
            "decision_number",
            p.decision_number.clone().unwrap_or_default(),
        );
        set(
            "decision_date",
            p.decision_date.map(|x| x.to_string()).unwrap_or_default(),
        );
        set(
            "decision_authority",
            p.decision_authority
                .map(|x| x.code().to_owned())
                .unwrap_or_default(),
        );
        set(
            "effective_date",
            p.effective_date.map(|x| x.to_string()).unwrap_or_default(),
        );
        set(
            "published_at",
            p.published_at
                .map(|x| x.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                .unwrap_or_default(),
        );
        rows.push(r);
        let child = |record: &str, fields: &[(&str, String)]| {
            let mut r = blank();
            r[col("record")] = record.to_owned();
            r[col("code")] = d.code.to_string();
            for (k, v) in fields {
                r[col(k)] = v.clone();
            }
            r
        };
        rows.extend(d.steps.iter().map(|s| {
            child(
                "step",
                &[
                    ("item_code", s.order.to_string()),
                    ("name", s.description.clone()),
                ],
            )
        }));
        rows.extend(d.components.iter().map(|c| {
            child(
                "component",
                &[
                    ("item_code", c.code.clone()),
                    ("name", c.name.clone()),
                    ("originals", c.originals.to_string()),
                    ("copies", c.copies.to_string()),
                    ("required", c.required.to_string()),
                    ("reusable", c.reusable.to_string()),
                    ("url", c.template_url.clone().unwrap_or_default()),
                ],
            )
        }));
        rows.extend(d.fees.iter().map(|f| {
            child(
                "fee",
                &[
                    ("name", f.name.clone()),
                    ("amount_vnd", f.amount_vnd.to_string()),
                    ("note", f.note.clone()),
                ],
            )
        }));
        rows.extend(d.legal_basis.iter().map(|a| {
            child(
                "legal_basis",
                &[
                    ("number", a.number.clone()),
                    ("name", a.title.clone()),
                    ("issued_on", a.issued_on.to_string()),
                    ("effective_on", a.effective_on.to_string()),
                ],
            )
        }));
        rows.extend(
            d.forms
                .iter()
                .map(|f| child("form", &[("name", f.name.clone()), ("url", f.url.clone())])),
        );
        rows.extend(d.allocation.iter().map(|a| {
            child(
                "allocation",
                &[
                    ("name", a.step.clone()),
                    ("assignee", a.assignee.clone()),
                    ("value", a.value.to_string()),
                ],
            )
        }));
    }
    rows
}

/// Write the entries in a format.
pub fn write(entries: &[Entry], format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Json => serde_json::to_vec_pretty(entries).map_err(|e| e.to_string()),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in to_rows(entries) {
                w.write_record(&r).map_err(|e| e.to_string())?;
            }
            w.into_inner().map_err(|e| e.to_string())
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("ThuTuc").map_err(|e| e.to_string())?;
            for (i, r) in to_rows(entries).iter().enumerate() {
                for (j, v) in r.iter().enumerate() {
                    if !v.is_empty() {
                        sheet
                            .write_string(i as u32, j as u16, v)
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            book.save_to_buffer().map_err(|e| e.to_string())
        }
    }
}
