//! The long table's rows read back into entries: each procedure assembled from its own row and
//! the rows of its lists, every bad cell named with its row and column.

use super::*;

/// A procedure being assembled from its rows.
pub(super) struct Builder {
    pub(super) row: usize,
    pub(super) base: Option<(ProcedureData, VersionStatus, Publication)>,
    pub(super) steps: Vec<Step>,
    pub(super) components: Vec<Component>,
    pub(super) fees: Vec<Fee>,
    pub(super) legal: Vec<LegalAct>,
    pub(super) forms: Vec<Form>,
    pub(super) allocation: Vec<Allocation>,
}

pub(super) struct Cells<'a> {
    pub(super) row: usize,
    pub(super) cells: &'a [String],
    pub(super) errors: &'a mut Vec<RowError>,
}

impl Cells<'_> {
    pub(super) fn s(&self, name: &str) -> String {
        self.cells
            .get(col(name))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }
    pub(super) fn req(&mut self, name: &str) -> String {
        let v = self.s(name);
        if v.is_empty() {
            self.errors
                .push(err(self.row, name, "bắt buộc, đang để trống"));
        }
        v
    }
    pub(super) fn parse<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&str) -> Option<T>,
        what: &str,
    ) -> Option<T> {
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
    pub(super) fn opt<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&str) -> Option<T>,
        what: &str,
    ) -> Option<T> {
        if self.s(name).is_empty() {
            None
        } else {
            self.parse(name, f, what)
        }
    }
    pub(super) fn boolean(&mut self, name: &str) -> bool {
        self.parse(
            name,
            parse_bool,
            "giá trị đúng/sai (true, false, có, không)",
        )
        .unwrap_or(false)
    }
}

pub(super) fn parse_bool(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "true" | "có" | "1" | "yes" => Some(true),
        "false" | "không" | "0" | "no" => Some(false),
        _ => None,
    }
}

pub(super) fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub(super) fn list<T>(s: &str, f: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split('|').map(|x| f(x.trim())).collect()
}

pub(super) fn read_rows(rows: Rows) -> Result<Vec<Entry>, Vec<RowError>> {
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

pub(super) fn procedure_row(
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
pub(super) fn finish(
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
