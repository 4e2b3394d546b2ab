//! The scorecard report: "Báo cáo kết quả thực hiện Kế hoạch cải cách hành chính năm …" with a
//! bar chart per field, typeset by typst (templates/report.typ).

use crate::FormError;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Str};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

static TEMPLATE: &str = include_str!("../templates/report.typ");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([crate::SERIF, crate::SERIF_BOLD, crate::SERIF_ITALIC])
        .build()
});

/// Typesets the report. `data` holds: `agency`, `place`, `date_words`, `title`, `period`,
/// `counts` (`[{label, n}]`), `fields` (`[{label, rows: [{id, text, value, threshold, status,
/// bar (0–1 or null), mark (0–1), ok (bool)}]}]`), `ranking` (`[{rank, name, score, below}]`),
/// `rule`.
pub fn render(data: &serde_json::Value) -> Result<Vec<u8>, FormError> {
    let mut inputs = Dict::new();
    inputs.insert(Str::from("data"), data.to_string().into_value());
    let doc: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| FormError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| FormError::Pdf(format!("{e:?}")))
}
