//! Files of a procedure's forms and component templates (mẫu đơn, tờ khai: published with the
//! procedure, Decree 63/2010/NĐ-CP art. 8.2). The kind
//! comes from the file name and must agree with the bytes: a `.docx` is a ZIP container, a `.doc`
//! an OLE2 compound file, a `.pdf` starts with `%PDF-`; anything else is refused.

/// Largest form file accepted (forms are a few pages).
pub const FORM_LIMIT: usize = 10 * 1024 * 1024;

/// The path a stored form file is served at (public once a published procedure links it).
pub fn form_url(id: impl std::fmt::Display) -> String {
    format!("/tep-mau/{id}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormFileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Ods,
    Doc,
    Xls,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl FormFileType {
    /// The kind of a file named `name` whose bytes begin with `head`, when both agree.
    pub fn of(name: &str, head: &[u8]) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        let t = match ext.as_str() {
            "pdf" => Self::Pdf,
            "docx" => Self::Docx,
            "xlsx" => Self::Xlsx,
            "odt" => Self::Odt,
            "ods" => Self::Ods,
            "doc" => Self::Doc,
            "xls" => Self::Xls,
            _ => return None,
        };
        let magic: &[u8] = match t {
            Self::Pdf => b"%PDF-",
            Self::Docx | Self::Xlsx | Self::Odt | Self::Ods => ZIP,
            Self::Doc | Self::Xls => OLE2,
        };
        head.starts_with(magic).then_some(t)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Doc => "application/msword",
            Self::Xls => "application/vnd.ms-excel",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_and_the_bytes_must_agree() {
        assert_eq!(
            FormFileType::of("To khai.PDF", b"%PDF-1.7\n"),
            Some(FormFileType::Pdf)
        );
        assert_eq!(
            FormFileType::of("mau-01.docx", b"PK\x03\x04rest"),
            Some(FormFileType::Docx)
        );
        assert_eq!(FormFileType::of("mau.xls", OLE2), Some(FormFileType::Xls));
        assert_eq!(FormFileType::of("mau.docx", b"%PDF-1.7"), None);
        assert_eq!(FormFileType::of("mau.pdf", b"PK\x03\x04"), None);
        assert_eq!(FormFileType::of("mau.exe", b"MZ"), None);
        assert_eq!(FormFileType::of("mau", b"%PDF-"), None);
        assert_eq!(form_url("abc"), "/tep-mau/abc");
    }
}
