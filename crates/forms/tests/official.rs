//! Official documents in the Annex I layout: the text reads back, the signature's room is on the
//! page that holds the signer's name, between the position and the name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_forms::official::render;
use std::process::Command;

fn sample(paragraphs: usize, letter: bool) -> serde_json::Value {
    serde_json::json!({
        "parent": "",
        "agency": "Bộ Thông tin và Truyền thông",
        "number_text": "05",
        "notation": if letter { "BTTTT-VP" } else { "QĐ-BTTTT" },
        "code": if letter { "05/BTTTT-VP" } else { "05/QĐ-BTTTT" },
        "is_letter": letter,
        "type_name": "Quyết định",
        "subject": "Về việc ban hành Kế hoạch cải cách hành chính năm 2026",
        "urgency": "Khẩn",
        "secrecy": "",
        "place": "Hà Nội",
        "date_words": "ngày 05 tháng 02 năm 2026",
        "paragraphs": (0..paragraphs).map(|i| format!("Đoạn {i}: căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư; xét đề nghị của Chánh Văn phòng, các đơn vị triển khai thực hiện đúng tiến độ.")).collect::<Vec<_>>(),
        "recipients": [{"name": "Văn phòng Chính phủ"}, {"name": "Các đơn vị thuộc Bộ"}],
        "drafting_unit": "VP",
        "authority_mark": "KT.",
        "on_behalf_of": "Bộ trưởng",
        "position": "Thứ trưởng",
        "signer": "Nguyễn Văn An",
    })
}

fn text_of(pdf: &[u8], page: usize) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("motcua-official-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("doc-{}.pdf", pdf.len()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
        .arg(&path)
        .arg("-")
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8(o.stdout).unwrap()),
        _ => {
            // scripts/test installs poppler-utils; outside it the text check cannot run.
            assert!(
                std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
                "pdftotext missing"
            );
            None
        }
    }
}

#[test]
fn a_decision_reads_back_and_has_room_for_the_signature() {
    let r = render(&sample(3, false)).unwrap();
    assert!(r.pdf.starts_with(b"%PDF-"));
    assert_eq!(r.signature_page, 1);
    let [x0, y0, x1, y1] = r.signature_rect;
    // On the right half of an A4 page (595 × 842 pt), about 2.6 cm high.
    assert!(x0 > 297.0 && x1 < 595.0 - 56.0, "{:?}", r.signature_rect);
    assert!(y0 > 56.0 && y1 < 842.0 - 56.0, "{:?}", r.signature_rect);
    assert!((y1 - y0 - 73.7).abs() < 1.0, "{:?}", r.signature_rect);
    if let Some(text) = text_of(&r.pdf, 1) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            // The agency's name wraps in its column (Annex I allows two lines).
            "BỘ THÔNG TIN VÀ TRUYỀN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 05/QĐ-BTTTT",
            "Hà Nội, ngày 05 tháng 02 năm 2026",
            "QUYẾT ĐỊNH",
            "Về việc ban hành Kế hoạch cải cách hành chính năm 2026",
            "Nơi nhận:",
            "- Văn phòng Chính phủ;",
            "- Các đơn vị thuộc Bộ;",
            "- Lưu: VT, VP.",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            "Nguyễn Văn An",
            "KHẨN",
        ] {
            assert!(flat.contains(want), "«{want}» not in {flat}");
        }
    }
}

#[test]
fn a_long_letter_puts_the_signature_on_the_page_with_the_name() {
    let r = render(&sample(40, true)).unwrap();
    assert!(r.signature_page >= 2, "40 paragraphs fit on one page?");
    if let Some(text) = text_of(&r.pdf, r.signature_page) {
        assert!(text.contains("Nguyễn Văn An"), "{text}");
        assert!(text.contains("KT. BỘ TRƯỞNG"), "{text}");
    }
    if let Some(first) = text_of(&r.pdf, 1) {
        let flat = first.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("V/v Về việc ban hành"), "{flat}");
        assert!(
            flat.contains("Kính gửi: Văn phòng Chính phủ; Các đơn vị thuộc Bộ."),
            "{flat}"
        );
        assert!(!flat.contains("QUYẾT ĐỊNH"), "{flat}");
    }
}
