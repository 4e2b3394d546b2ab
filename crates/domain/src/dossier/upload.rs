//! What an uploaded dossier file may be: its name's extension names one of the accepted types,
//! and its bytes really are of that type (a renamed executable is refused). Decree 45/2020/NĐ-CP
//! art. 9 (electronic dossier components as files) and Circular 01/2018/TT-VPCP art. 12 name no
//! formats; the list is the one motcua's forms and results use.

/// The file types accepted, by extension, and how their content is recognised.
const TYPES: [(&str, &str); 6] = [
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// The content type of a file whose bytes really are what its name says; `Err` with the reason
/// otherwise.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, ct)) = TYPES.iter().find(|(e, _)| *e == ext) else {
        return Err("chỉ nhận tệp PDF, PNG, JPEG, DOCX hoặc XLSX".into());
    };
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let ok = match ext.as_str() {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" => bytes.starts_with(b"PK\x03\x04") && contains(b"word/"),
        "xlsx" => bytes.starts_with(b"PK\x03\x04") && contains(b"xl/"),
        _ => false,
    };
    if bytes.is_empty() {
        return Err("tệp rỗng".into());
    }
    if !ok {
        return Err(format!(
            "nội dung tệp không phải là {} như tên tệp cho biết",
            ext.to_uppercase()
        ));
    }
    Ok(ct)
}

/// The name an uploaded file is kept under: NFC, without a client's folders (`C:\\…\\x.pdf`,
/// `../x.pdf`) or control characters, at most 200 characters.
pub fn kept_name(name: &str) -> String {
    crate::catalog::fold::nfc(name.trim())
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::check_file;

    #[test]
    fn a_file_is_what_its_name_says_or_it_is_refused() {
        assert_eq!(check_file("don.PDF", b"%PDF-1.7\n"), Ok("application/pdf"));
        assert_eq!(
            check_file("anh.png", b"\x89PNG\r\n\x1a\n..."),
            Ok("image/png")
        );
        assert!(check_file("don.pdf", b"MZ\x90\x00").is_err());
        assert!(check_file("don.pdf", b"").is_err());
        assert!(check_file("chuong-trinh.exe", b"MZ").is_err());
        assert!(check_file("khong-duoi", b"%PDF-").is_err());
    }
}
