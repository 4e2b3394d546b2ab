//! An official document typeset in the layout of Decree 30/2020/NĐ-CP, Annex I, with the place of
//! the signer's signature image (Annex I §II.6: between the position and the name) so that the
//! digital signature can be drawn there.

use crate::FormError;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Label, Str};
use typst::utils::PicoStr;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

static TEMPLATE: &str = include_str!("../templates/official.typ");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([crate::SERIF, crate::SERIF_BOLD, crate::SERIF_ITALIC])
        .build()
});

/// The document as a PDF and where its signature goes.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// 1-based page of the signature.
    pub signature_page: usize,
    /// The room for the signature image: lower-left x, lower-left y, upper-right x, upper-right
    /// y, in PDF points from the page's lower-left corner.
    pub signature_rect: [f32; 4],
}

/// Width of the signer's column in the template (8 cm), in points.
const SIGNER_COLUMN: f64 = 8.0 / 2.54 * 72.0;
/// Height of the room for the signature (2.6 cm), in points.
const SIGNATURE_HEIGHT: f64 = 2.6 / 2.54 * 72.0;

/// Typesets an official document. `data` holds (all strings unless said): `parent` (the governing
/// body, may be empty), `agency`, `number_text` (`05`), `notation` (`QĐ-BTTTT`), `code`,
/// `is_letter` (bool: a công văn), `type_name`, `subject`, `urgency` and `secrecy` (labels or
/// empty), `place`, `date_words`, `paragraphs` (array of strings), `recipients` (array of
/// `{name}`), `drafting_unit`, `authority_mark`, `on_behalf_of` (optional: the position signed for
/// with KT., TM., TL., TUQ.), `position`, `signer`.
pub fn render(data: &serde_json::Value) -> Result<Rendered, FormError> {
    let mut inputs = Dict::new();
    inputs.insert(Str::from("data"), data.to_string().into_value());
    let doc: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| FormError::Typeset(format!("{e:?}")))?;
    let introspector = doc.introspector();
    let label = Label::new(PicoStr::intern("signature-slot"))
        .ok_or_else(|| FormError::Typeset("bad label".into()))?;
    let slot = introspector
        .elements()
        .query_label(label)
        .map_err(|e| FormError::Typeset(e.to_string()))?;
    let position = slot
        .location()
        .and_then(|l| introspector.position(l))
        .ok_or_else(|| FormError::Typeset("the signature slot was not laid out".into()))?;
    let page = position.page.get();
    let height = doc
        .pages()
        .get(page - 1)
        .map(|p| p.frame.height().to_pt())
        .ok_or_else(|| FormError::Typeset("no page for the signature".into()))?;
    let x = position.point.x.to_pt();
    let top = height - position.point.y.to_pt();
    // The image is fitted into the middle three quarters of the column, the full height of the room.
    let margin = SIGNER_COLUMN / 8.0;
    let rect = [
        (x + margin) as f32,
        (top - SIGNATURE_HEIGHT) as f32,
        (x + SIGNER_COLUMN - margin) as f32,
        top as f32,
    ];
    let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| FormError::Pdf(format!("{e:?}")))?;
    Ok(Rendered {
        pdf,
        signature_page: page,
        signature_rect: rect,
    })
}
