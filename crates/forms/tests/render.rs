//! Every form renders with correct Vietnamese text, checked by an outside tool: poppler's
//! `pdftotext` (installed by scripts/test) must give back the words we typeset, in NFC.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_forms::{Form, render};
use serde_json::json;
use std::process::Command;

fn sample() -> serde_json::Value {
    json!({
        "agency": "Bộ Thông tin và Truyền thông", "unit": "Bộ phận Một cửa", "place": "Hà Nội",
        "date_words": "ngày 13 tháng 02 năm 2026", "code": "000.00.00.G22-260213-000001",
        "lookup_code": "K7PQ2MXA",
        "qr_svg": "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 2 2\"><rect width=\"1\" height=\"1\"/></svg>",
        "applicant": {"name": "Trần Thị Bích Ngọc", "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội", "phone": "0912345678", "email": "ngoc@example.vn"},
        "procedure_code": "1.004495", "procedure_name": "Cấp giấy phép bưu chính",
        "components": [{"name": "Đơn đề nghị cấp giấy phép bưu chính", "originals": 1, "copies": 0}],
        "processing_time": "5 ngày làm việc", "received_words": "16 giờ 30 phút, ngày 13/02/2026",
        "due_words": "17 giờ 00 phút, ngày 27/02/2026", "return_channel": "Trực tuyến", "channel": "Trực tiếp",
        "register_book": "01/2026", "officer": "Nguyễn Thị Hồng Nhung", "event_words": "14/02/2026",
        "reason": "Bổ sung bản sao giấy chứng nhận đăng ký doanh nghiệp.", "old_due_words": "27/02/2026",
        "new_due_words": "ngày 06/03/2026", "handling_unit": "Cục Viễn thông", "coordinating": "Không",
        "rows": [{"who": "Bộ phận Một cửa → Cục Viễn thông", "when": "13/02/2026 16:30", "what": "Chuyển xử lý", "note": "Hạn bước: 20/02/2026"}],
        "outcome": "Đúng hạn"
    })
}

#[test]
fn every_form_is_a_pdf_whose_text_reads_back_in_vietnamese() {
    let dir = std::env::temp_dir().join(format!("motcua-forms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let have_pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    for form in Form::ALL {
        let pdf = render(form, &sample()).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert!(pdf.starts_with(b"%PDF-"), "{form:?}");
        if !have_pdftotext {
            // scripts/test installs poppler-utils; outside it the text check cannot run.
            assert!(
                std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
                "pdftotext missing"
            );
            continue;
        }
        let path = dir.join(format!("{}.pdf", form.number()));
        std::fs::write(&path, &pdf).unwrap();
        let out = Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "000.00.00.G22-260213-000001",
            &form.title_vi().to_uppercase(),
        ] {
            assert!(flat.contains(want), "{form:?}: «{want}» not in {flat}");
        }
        match form {
            Form::Receipt => {
                assert!(flat.contains("Trần Thị Bích Ngọc"), "{flat}");
                assert!(flat.contains("17 giờ 00 phút, ngày 27/02/2026"), "{flat}");
            }
            Form::SupplementRequest => {
                assert!(flat.contains("Bổ sung bản sao giấy chứng nhận"), "{flat}")
            }
            Form::Apology => assert!(flat.contains("ngày 06/03/2026"), "{flat}"),
            Form::ControlSlip => assert!(flat.contains("Cục Viễn thông"), "{flat}"),
            Form::Refusal => {}
        }
    }
}
