//! The one-stop forms as PDF (Circular 01/2018/TT-VPCP, annex: forms 01–05) and official documents
//! in the layout of Decree 30/2020/NĐ-CP Annex I ([`official`]), typeset by typst with
//! embedded Liberation Serif (metric-compatible with Times New Roman, which Decree 30/2020 expects;
//! SIL Open Font License, see fonts/LICENSE-LiberationFonts.txt). No system fonts and no packages are
//! loaded: the output depends only on the template and the data.
//!
//! The caller gives the data as JSON (field names in templates/forms.typ); text must be NFC, since
//! PDF text extraction returns what was typeset.
#![forbid(unsafe_code)]

use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Str};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

pub mod official;
pub mod report;

static TEMPLATE: &str = include_str!("../templates/forms.typ");
static SERIF: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
static SERIF_BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
static SERIF_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([SERIF, SERIF_BOLD, SERIF_ITALIC])
        .build()
});

/// The forms of Circular 01/2018's annex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology,
    /// Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSlip,
}

impl Form {
    pub const ALL: [Form; 5] = [
        Self::Receipt,
        Self::SupplementRequest,
        Self::Refusal,
        Self::Apology,
        Self::ControlSlip,
    ];

    /// `01` … `05`.
    pub fn number(self) -> &'static str {
        match self {
            Self::Receipt => "01",
            Self::SupplementRequest => "02",
            Self::Refusal => "03",
            Self::Apology => "04",
            Self::ControlSlip => "05",
        }
    }

    pub fn parse(n: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.number() == n.trim())
    }

    pub fn title_vi(self) -> &'static str {
        match self {
            Self::Receipt => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            Self::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            Self::Refusal => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            Self::Apology => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            Self::ControlSlip => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("PDF export failed: {0}")]
    Pdf(String),
}

/// Typeset `form` with `data` (an object; see templates/forms.typ) into a PDF.
pub fn render(form: Form, data: &serde_json::Value) -> Result<Vec<u8>, FormError> {
    let mut data = data.clone();
    if let Some(o) = data.as_object_mut() {
        o.entry("title")
            .or_insert_with(|| format!("Mẫu {} — {}", form.number(), form.title_vi()).into());
    }
    let mut inputs = Dict::new();
    inputs.insert(Str::from("data"), data.to_string().into_value());
    inputs.insert(Str::from("form"), form.number().into_value());
    let doc: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| FormError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| FormError::Pdf(format!("{e:?}")))
}
