//! A procedure (thủ tục hành chính) and its parts, as Decree 63/2010 art. 8.2 lists them: name,
//! steps, channels, dossier components, processing time, applicants, implementing agency, result,
//! fees and charges, legal basis, forms.

use crate::calendar::WorkDuration;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The national code of a procedure in the National Database of Administrative Procedures, e.g.
/// `1.004495` (a digit, a dot, six digits).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

impl ProcedureCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let b = s.as_bytes();
        let ok = b.len() == 8
            && b[0].is_ascii_digit()
            && b[1] == b'.'
            && b[2..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "mã thủ tục «{s}» không đúng dạng quốc gia (ví dụ 1.004495)"
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        Self::parse(&v)
    }
}

impl From<ProcedureCode> for String {
    fn from(v: ProcedureCode) -> Self {
        v.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            pub fn label_vi(self) -> &'static str { match self { $($name::$variant => $label,)* } }
            pub fn parse(raw: &str) -> Option<Self> {
                let raw = raw.trim();
                Self::ALL.iter().copied().find(|v| v.code() == raw)
            }
        }
    };
}

code_enum!(
    /// Lĩnh vực: the fields of the ministry's procedures.
    ProcedureField {
        Postal = "buu-chinh", "Bưu chính";
        Telecom = "vien-thong", "Viễn thông";
        RadioFrequency = "tan-so", "Tần số vô tuyến điện";
        Press = "bao-chi", "Báo chí";
        Publishing = "xuat-ban", "Xuất bản, in và phát hành";
        Broadcasting = "phat-thanh-truyen-hinh", "Phát thanh, truyền hình và thông tin điện tử";
        InformationTechnology = "cong-nghe-thong-tin", "Công nghệ thông tin";
        CyberSecurity = "an-toan-thong-tin", "An toàn thông tin mạng";
        ElectronicTransactions = "giao-dich-dien-tu", "Giao dịch điện tử và chữ ký số";
    }
);

code_enum!(
    /// Cấp thực hiện.
    Level {
        Central = "central", "Cấp Trung ương";
        Province = "province", "Cấp tỉnh";
        District = "district", "Cấp huyện";
        Commune = "commune", "Cấp xã";
    }
);

code_enum!(
    /// Đối tượng thực hiện.
    Applicant {
        Citizen = "citizen", "Công dân Việt Nam";
        Business = "business", "Doanh nghiệp, tổ chức";
    }
);

code_enum!(
    /// Kênh nộp hồ sơ.
    Channel {
        Online = "online", "Trực tuyến";
        Counter = "counter", "Trực tiếp tại Bộ phận Một cửa";
        Postal = "postal", "Qua dịch vụ bưu chính công ích";
    }
);

code_enum!(
    /// Dịch vụ công trực tuyến toàn trình / một phần (Decree 42/2022 art. 11).
    OnlineClass {
        Full = "full", "Toàn trình";
        Partial = "partial", "Một phần";
        None = "none", "Không cung cấp trực tuyến";
    }
);

code_enum!(
    /// The unit of a processing time (đơn vị tính).
    TimeUnit {
        WorkingDays = "working_days", "ngày làm việc";
        WorkingHours = "working_hours", "giờ làm việc";
        Days = "days", "ngày";
    }
);

code_enum!(
    ResultKind {
        Paper = "paper", "Bản giấy";
        Electronic = "electronic", "Bản điện tử";
        Both = "both", "Bản giấy và bản điện tử";
    }
);

code_enum!(
    /// Who signed the announcing decision (quyết định công bố).
    DecisionAuthority {
        Minister = "minister", "Bộ trưởng";
        DeputyMinister = "deputy_minister", "Thứ trưởng (ký thay)";
        Other = "other", "Người khác";
    }
);

code_enum!(
    /// Where a version of a procedure stands.
    VersionStatus {
        Draft = "draft", "Dự thảo";
        Published = "published", "Đang áp dụng";
        Superseded = "superseded", "Đã được thay thế";
        Abolished = "abolished", "Đã bãi bỏ";
    }
);

/// Mức độ dịch vụ công trực tuyến 1–4 of Decree 43/2011 (the 2021 plan's T7.3 and T7.4 speak of
/// levels 3 and 4; Decree 42/2022 replaced them with toàn trình / một phần).
pub type LegacyLevel = u8;

/// Thời hạn giải quyết: a value and its unit. Days may be halves; hours are whole.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTime {
    pub value: f64,
    pub unit: TimeUnit,
}

impl ProcessingTime {
    pub fn validate(&self) -> Result<(), String> {
        let v = self.value;
        let ok = v.is_finite()
            && (0.0..=3650.0).contains(&v)
            && match self.unit {
                TimeUnit::WorkingHours => v.fract() == 0.0,
                _ => (v * 2.0).fract() == 0.0,
            };
        if ok {
            Ok(())
        } else {
            Err("thời hạn phải là số không âm (ngày: nguyên hoặc nửa ngày; giờ: nguyên)".to_owned())
        }
    }

    /// As the calendar counts it (a half calendar day rounds up to the whole day).
    pub fn as_work_duration(&self) -> WorkDuration {
        match self.unit {
            TimeUnit::WorkingDays => WorkDuration::HalfDays((self.value * 2.0) as u32),
            TimeUnit::WorkingHours => WorkDuration::Seconds(self.value as u64 * 3600),
            TimeUnit::Days => WorkDuration::CalendarDays(self.value.ceil() as u32),
        }
    }

    /// "15 ngày làm việc", "4 giờ làm việc", "0,5 ngày làm việc".
    pub fn label_vi(&self) -> String {
        let v = if self.value.fract() == 0.0 {
            format!("{}", self.value as u64)
        } else {
            format!("{}", self.value).replace('.', ",")
        };
        format!("{v} {}", self.unit.label_vi())
    }
}

/// Thành phần hồ sơ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub code: String,
    pub name: String,
    pub originals: u8,
    pub copies: u8,
    pub required: bool,
    /// Whether data already digitised (e.g. in the national databases) can stand in for it.
    #[serde(default)]
    pub reusable: bool,
    /// The template to fill in (mẫu đơn, tờ khai), as a link, when the component has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_url: Option<String>,
}

/// Phí, lệ phí, in đồng.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub name: String,
    pub amount_vnd: u64,
    #[serde(default)]
    pub note: String,
}

/// Căn cứ pháp lý: one legal act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalAct {
    /// E.g. `49/2017/QH14`, `47/2011/NĐ-CP`.
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
}

/// One step of the procedure (trình tự thực hiện).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub order: u16,
    pub description: String,
}

/// How the processing time is split among internal steps (by unit code or role).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub step: String,
    pub assignee: String,
    pub value: f64,
}

/// A form (mẫu đơn, tờ khai) to download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub name: String,
    pub url: String,
}

/// Everything a procedure says, as one version carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureData {
    pub code: ProcedureCode,
    pub name: String,
    pub field: ProcedureField,
    pub level: Level,
    /// The implementing agency's OrganId and unit code.
    pub agency: String,
    pub unit: String,
    /// The authority that decides (cơ quan có thẩm quyền quyết định).
    pub authority: String,
    pub applicants: Vec<Applicant>,
    pub channels: Vec<Channel>,
    pub postal_receipt: bool,
    pub postal_return: bool,
    pub processing_time: ProcessingTime,
    #[serde(default)]
    pub cutoff: Option<NaiveTime>,
    pub online_class: OnlineClass,
    pub legacy_level: LegacyLevel,
    pub result_name: String,
    pub result_kind: ResultKind,
    #[serde(default = "yes")]
    pub dossier_required: bool,
    pub steps: Vec<Step>,
    pub components: Vec<Component>,
    pub fees: Vec<Fee>,
    pub legal_basis: Vec<LegalAct>,
    #[serde(default)]
    pub forms: Vec<Form>,
    #[serde(default)]
    pub allocation: Vec<Allocation>,
}

fn yes() -> bool {
    true
}

/// A problem with one field, with a Vietnamese message for the form or the import report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        field: field.into(),
        message: message.into(),
    }
}

impl ProcedureData {
    /// The one normal form of every text of a procedure, applied by the API and by every file reader
    /// before validation and storage: trimmed, NFC, the cut-off to the minute. Two inputs that mean
    /// the same thing therefore hash the same (idempotent imports, exact round trips).
    pub fn normalise(&mut self) {
        use super::fold::nfc;
        let n = |s: &mut String| *s = nfc(s.trim());
        n(&mut self.name);
        n(&mut self.agency);
        n(&mut self.unit);
        n(&mut self.authority);
        n(&mut self.result_name);
        self.cutoff = self.cutoff.and_then(|t| {
            use chrono::Timelike;
            chrono::NaiveTime::from_hms_opt(t.hour(), t.minute(), 0)
        });
        for s in &mut self.steps {
            n(&mut s.description);
        }
        for c in &mut self.components {
            n(&mut c.code);
            n(&mut c.name);
            if let Some(u) = &mut c.template_url {
                n(u);
            }
            if c.template_url.as_deref() == Some("") {
                c.template_url = None;
            }
        }
        for f in &mut self.fees {
            n(&mut f.name);
            n(&mut f.note);
        }
        for a in &mut self.legal_basis {
            n(&mut a.number);
            n(&mut a.title);
        }
        for f in &mut self.forms {
            n(&mut f.name);
            n(&mut f.url);
        }
        for a in &mut self.allocation {
            n(&mut a.step);
            n(&mut a.assignee);
        }
    }

    /// Every problem that makes this procedure unusable (not the publication checks, which are
    /// findings about a valid procedure).
    pub fn validate(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        let name_len = self.name.trim().chars().count();
        if !(3..=500).contains(&name_len) {
            p.push(problem("name", "tên thủ tục bắt buộc, từ 3 đến 500 ký tự"));
        }
        if crate::org::OrganId::parse(&self.agency).is_err() {
            p.push(problem(
                "agency",
                "mã định danh cơ quan thực hiện không đúng định dạng (ví dụ 000.00.00.G22)",
            ));
        }
        for (field, value, max) in [
            ("unit", &self.unit, 32),
            ("authority", &self.authority, 500),
            ("result_name", &self.result_name, 500),
        ] {
            if value.chars().count() > max {
                p.push(problem(field, format!("tối đa {max} ký tự")));
            }
        }
        if self.authority.trim().is_empty() {
            p.push(problem(
                "authority",
                "cơ quan có thẩm quyền quyết định bắt buộc",
            ));
        }
        if self.applicants.is_empty() {
            p.push(problem("applicants", "cần ít nhất một đối tượng thực hiện"));
        }
        if self.channels.is_empty() {
            p.push(problem("channels", "cần ít nhất một kênh nộp hồ sơ"));
        }
        if self.postal_receipt != self.channels.contains(&Channel::Postal) {
            p.push(problem(
                "postal_receipt",
                "tiếp nhận qua bưu chính phải khớp với kênh nộp «postal»",
            ));
        }
        if let Err(e) = self.processing_time.validate() {
            p.push(problem("processing_time", e));
        }
        if !(1..=4).contains(&self.legacy_level) {
            p.push(problem(
                "legacy_level",
                "mức độ (Nghị định 43/2011) phải từ 1 đến 4",
            ));
        }
        if self.online_class != OnlineClass::None && !self.channels.contains(&Channel::Online) {
            p.push(problem(
                "online_class",
                "dịch vụ trực tuyến cần kênh nộp «online»",
            ));
        }
        if self.result_name.trim().is_empty() {
            p.push(problem("result_name", "kết quả thực hiện bắt buộc"));
        }
        if self.dossier_required && self.components.is_empty() {
            p.push(problem(
                "components",
                "thủ tục có hồ sơ phải có ít nhất một thành phần hồ sơ",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.components.iter().enumerate() {
            if c.code.trim().is_empty() || c.name.trim().is_empty() {
                p.push(problem(
                    format!("components[{i}]"),
                    "thành phần hồ sơ cần mã và tên",
                ));
            }
            if !seen.insert(c.code.trim().to_owned()) {
                p.push(problem(
                    format!("components[{i}].code"),
                    format!("mã thành phần «{}» bị trùng", c.code),
                ));
            }
            if let Some(url) = &c.template_url
                && !is_link(url)
            {
                p.push(problem(
                    format!("components[{i}].template_url"),
                    "đường dẫn mẫu phải bắt đầu bằng https://, http:// hoặc /",
                ));
            }
            if c.originals == 0 && c.copies == 0 {
                p.push(problem(
                    format!("components[{i}]"),
                    "số bản chính và bản sao không thể cùng bằng 0",
                ));
            }
        }
        for (i, st) in self.steps.iter().enumerate() {
            if st.description.trim().is_empty() {
                p.push(problem(
                    format!("steps[{i}].description"),
                    "nội dung bước bắt buộc",
                ));
            }
        }
        for (i, f) in self.fees.iter().enumerate() {
            if f.name.trim().is_empty() {
                p.push(problem(format!("fees[{i}].name"), "tên khoản phí bắt buộc"));
            }
        }
        for (i, f) in self.forms.iter().enumerate() {
            if f.name.trim().is_empty() || f.url.trim().is_empty() {
                p.push(problem(
                    format!("forms[{i}]"),
                    "biểu mẫu cần tên và đường dẫn",
                ));
            } else if !is_link(&f.url) {
                p.push(problem(
                    format!("forms[{i}].url"),
                    "đường dẫn biểu mẫu phải bắt đầu bằng https://, http:// hoặc /",
                ));
            }
        }
        for (i, a) in self.allocation.iter().enumerate() {
            if a.step.trim().is_empty() || a.assignee.trim().is_empty() {
                p.push(problem(
                    format!("allocation[{i}]"),
                    "phân bổ cần tên bước và đơn vị hoặc vai trò",
                ));
            }
        }
        for (i, a) in self.legal_basis.iter().enumerate() {
            if a.title.trim().is_empty() {
                p.push(problem(
                    format!("legal_basis[{i}].title"),
                    "tên văn bản bắt buộc",
                ));
            }
            if a.number.trim().is_empty() {
                p.push(problem(
                    format!("legal_basis[{i}].number"),
                    "số hiệu văn bản bắt buộc",
                ));
            }
            if a.effective_on < a.issued_on {
                p.push(problem(
                    format!("legal_basis[{i}].effective_on"),
                    "ngày hiệu lực không thể trước ngày ban hành",
                ));
            }
        }
        if !self.allocation.is_empty() {
            let sum: f64 = self.allocation.iter().map(|a| a.value).sum();
            if (sum - self.processing_time.value).abs() > 1e-9 {
                p.push(problem(
                    "allocation",
                    format!(
                        "phân bổ thời gian ({sum}) phải bằng tổng thời hạn ({})",
                        self.processing_time.value
                    ),
                ));
            }
        }
        p
    }

    /// The text indexed for search (folded).
    pub fn search_text(&self) -> String {
        super::fold::fold(&format!(
            "{} {} {} {}",
            self.code,
            self.name,
            self.field.label_vi(),
            self.result_name
        ))
    }
}

/// A link a public page may carry: to another site over HTTP(S), or to a path of this one (a
/// stored form, `/tep-mau/{id}`) — never `javascript:`, `data:` or a protocol-relative `//host`.
fn is_link(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> ProcedureData {
        ProcedureData {
            code: ProcedureCode::parse("1.004495").unwrap(),
            name: "Cấp giấy phép bưu chính".into(),
            field: ProcedureField::Postal,
            level: Level::Central,
            agency: "000.00.00.G22".into(),
            unit: "BC".into(),
            authority: "Bộ Thông tin và Truyền thông".into(),
            applicants: vec![Applicant::Business],
            channels: vec![Channel::Online, Channel::Counter, Channel::Postal],
            postal_receipt: true,
            postal_return: true,
            processing_time: ProcessingTime {
                value: 30.0,
                unit: TimeUnit::WorkingDays,
            },
            cutoff: None,
            online_class: OnlineClass::Full,
            legacy_level: 4,
            result_name: "Giấy phép bưu chính".into(),
            result_kind: ResultKind::Electronic,
            dossier_required: true,
            steps: vec![Step {
                order: 1,
                description: "Nộp hồ sơ".into(),
            }],
            components: vec![Component {
                code: "TP1".into(),
                name: "Đơn đề nghị cấp giấy phép bưu chính".into(),
                originals: 1,
                copies: 0,
                required: true,
                reusable: false,
                template_url: None,
            }],
            fees: vec![Fee {
                name: "Phí thẩm định".into(),
                amount_vnd: 5_500_000,
                note: String::new(),
            }],
            legal_basis: vec![LegalAct {
                number: "49/2010/QH12".into(),
                title: "Luật Bưu chính".into(),
                issued_on: NaiveDate::from_ymd_opt(2010, 6, 17).unwrap(),
                effective_on: NaiveDate::from_ymd_opt(2011, 1, 1).unwrap(),
            }],
            forms: vec![],
            allocation: vec![],
        }
    }

    #[test]
    fn codes_have_the_national_shape() {
        assert!(ProcedureCode::parse("1.004495").is_ok());
        for bad in ["1004495", "1.00449", "a.004495", "1.0044950", ""] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_complete_procedure_has_no_problem() {
        assert_eq!(sample().validate(), vec![]);
    }

    #[test]
    fn problems_are_named_by_field() {
        let mut p = sample();
        p.components.clear();
        p.postal_receipt = false;
        p.processing_time.value = 2.25;
        p.allocation = vec![Allocation {
            step: "Thẩm định".into(),
            assignee: "BC".into(),
            value: 3.0,
        }];
        let fields: Vec<String> = p.validate().into_iter().map(|x| x.field).collect();
        assert_eq!(
            fields,
            [
                "postal_receipt",
                "processing_time",
                "components",
                "allocation"
            ]
        );
    }

    #[test]
    fn a_form_must_be_a_link() {
        let mut p = sample();
        for bad in ["javascript:alert(1)", "//evil.example/x.pdf", "mau.docx"] {
            p.forms = vec![Form {
                name: "Tờ khai".into(),
                url: bad.into(),
            }];
            let fields: Vec<String> = p.validate().into_iter().map(|x| x.field).collect();
            assert_eq!(fields, ["forms[0].url"], "{bad}");
        }
        p.forms[0].url = "/tep-mau/01a21b94-a4c9-770a-927c-122eeaf7cd92".into();
        assert!(p.validate().is_empty());
    }

    #[test]
    fn a_component_template_must_be_a_link() {
        let mut p = sample();
        p.components[0].template_url = Some("C:\\mau.docx".into());
        assert_eq!(
            p.validate()
                .into_iter()
                .map(|x| x.field)
                .collect::<Vec<_>>(),
            ["components[0].template_url"]
        );
        p.components[0].template_url = Some("https://dichvucong.gov.vn/mau.docx".into());
        assert!(p.validate().is_empty());
    }

    #[test]
    fn processing_times_read_in_vietnamese() {
        assert_eq!(
            ProcessingTime {
                value: 0.5,
                unit: TimeUnit::WorkingDays
            }
            .label_vi(),
            "0,5 ngày làm việc"
        );
        assert_eq!(
            ProcessingTime {
                value: 4.0,
                unit: TimeUnit::WorkingHours
            }
            .label_vi(),
            "4 giờ làm việc"
        );
    }
}
