//! edXML packages and status messages: round trips, every refusal with its reason, and no panic on
//! any input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use motcua_edxml::*;
use proptest::prelude::*;

fn sample() -> Package {
    let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let code = Code {
        code_number: "15".into(),
        code_notation: "QĐ-BTTTT".into(),
    };
    Package {
        header: MessageHeader {
            from: Organ {
                organ_id: "000.00.00.G22".into(),
                organ_name: "Bộ Thông tin và Truyền thông".into(),
                organ_add: "18 Nguyễn Du, Hà Nội".into(),
                email: "vanthu@mic.gov.vn".into(),
                ..Organ::default()
            },
            to: vec![
                Organ {
                    organ_id: "000.00.00.H26".into(),
                    organ_name: "UBND thành phố Hà Nội".into(),
                    ..Organ::default()
                },
                Organ {
                    organ_id: "000.00.00.G01".into(),
                    organ_name: "Văn phòng Chính phủ".into(),
                    ..Organ::default()
                },
            ],
            document_id: document_id("000.00.00.G22", date, &code),
            code,
            place: "Hà Nội".into(),
            promulgation_date: Some(date),
            document_type: 2,
            type_detail: "2".into(),
            type_name: "Quyết định".into(),
            subject: "Về việc ban hành Kế hoạch cải cách hành chính năm 2021 & <các> chỉ tiêu"
                .into(),
            content: "".into(),
            signer_competence: "KT.".into(),
            signer_position: "Thứ trưởng".into(),
            signer_full_name: "Nguyễn Huy Dũng".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 10),
            to_places: vec!["Như Điều 3".into(), "Lưu: VT, VP".into()],
            priority: Priority::Urgent,
            sphere_of_promulgation: "Toàn quốc".into(),
            typer_notation: "NTH".into(),
            promulgation_amount: 20,
            page_amount: 2,
            steering_type: 1,
        },
        trace: vec![TraceHeader {
            organ_id: "000.00.00.G22".into(),
            timestamp: NaiveDate::from_ymd_opt(2026, 11, 26)
                .unwrap()
                .and_hms_opt(9, 30, 0),
        }],
        attachments: vec![
            Attachment::new(
                "cid:1",
                "application/pdf",
                "15-QD-BTTTT.pdf",
                b"%PDF-1.7\n\x00\xff binary".to_vec(),
            ),
            Attachment::new("cid:2", "application/pdf", "Phụ lục.pdf", vec![7u8; 5000]),
        ],
    }
}

#[test]
fn a_package_round_trips() {
    let p = sample();
    let xml = p.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains("xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\""));
    assert!(
        text.contains("<edXML:DocumentId>000.00.00.G22,2026/11/26,15/QĐ-BTTTT</edXML:DocumentId>")
    );
    assert!(text.contains("&amp; &lt;các&gt;"));
    let back = Package::parse(&xml).unwrap();
    assert_eq!(back, p);
    assert_eq!(kind_of(&xml).unwrap(), Kind::Package);
}

#[test]
fn every_status_round_trips() {
    for code in StatusCode::ALL {
        let s = StatusMessage {
            response_for_organ_id: "000.00.00.G22".into(),
            response_for_code: "15/QĐ-BTTTT".into(),
            response_for_date: NaiveDate::from_ymd_opt(2026, 11, 26),
            response_for_document_id: "000.00.00.G22,2026/11/26,15/QĐ-BTTTT".into(),
            from: Organ {
                organ_id: "000.00.00.H26".into(),
                organ_name: "UBND thành phố Hà Nội".into(),
                ..Organ::default()
            },
            staff_department: "Văn thư".into(),
            staff_name: "Lê Thị Mai".into(),
            staff_email: "".into(),
            staff_mobile: "".into(),
            status: code,
            description: format!("{} — {}", code.code(), code.label_vi()),
            timestamp: NaiveDate::from_ymd_opt(2026, 11, 26)
                .unwrap()
                .and_hms_opt(10, 0, 5)
                .unwrap(),
        };
        let xml = s.to_xml();
        assert_eq!(kind_of(&xml).unwrap(), Kind::Status);
        assert_eq!(StatusMessage::parse(&xml).unwrap(), s);
        assert!(String::from_utf8(xml).unwrap().contains(&format!(
            "<edXML:StatusCode>{}</edXML:StatusCode>",
            code.code()
        )));
    }
}

fn without(xml: &str, element: &str) -> Vec<u8> {
    let open = format!("<edXML:{element}>");
    let close = format!("</edXML:{element}>");
    let a = xml.find(&open).unwrap();
    let b = xml[a..].find(&close).unwrap() + a + close.len();
    format!("{}{}", &xml[..a], &xml[b..]).into_bytes()
}

#[test]
fn refusals_name_what_is_wrong() {
    let xml = String::from_utf8(sample().to_xml()).unwrap();
    for (element, field) in [
        ("Subject", "Subject"),
        ("DocumentId", "DocumentId"),
        ("Code", "Code"),
        ("SignerInfo", "SignerInfo"),
        ("PromulgationInfo", "PromulgationInfo"),
        ("DocumentType", "DocumentType"),
    ] {
        let err = Package::parse(&without(&xml, element)).unwrap_err();
        assert_eq!(err, EdxmlError::MissingField(field), "without {element}");
        assert!(err.to_string().contains(field));
    }
    let blank_subject = xml.replace(
        "<edXML:Subject>Về việc ban hành Kế hoạch cải cách hành chính năm 2021 &amp; &lt;các&gt; chỉ tiêu</edXML:Subject>",
        "<edXML:Subject>  </edXML:Subject>",
    );
    assert_eq!(
        Package::parse(blank_subject.as_bytes()).unwrap_err(),
        EdxmlError::MissingField("Subject")
    );

    let bad_b64 = xml.replacen(
        "<edXML:ContentTransferEncoded>",
        "<edXML:ContentTransferEncoded>!!",
        1,
    );
    assert_eq!(
        Package::parse(bad_b64.as_bytes()).unwrap_err(),
        EdxmlError::BadBase64("cid:1".into())
    );

    let i = xml.find("<edXML:AttachmentEncoded>").unwrap();
    let j = xml.find("</edXML:Attachment>").unwrap() + "</edXML:Attachment>".len();
    let missing = format!("{}<edXML:AttachmentEncoded>{}", &xml[..i], &xml[j..]);
    assert_eq!(
        Package::parse(missing.as_bytes()).unwrap_err(),
        EdxmlError::MissingAttachment("cid:1".into())
    );

    let dup = xml.replace(
        "<edXML:ContentId>cid:2</edXML:ContentId>",
        "<edXML:ContentId>cid:1</edXML:ContentId>",
    );
    assert_eq!(
        Package::parse(dup.as_bytes()).unwrap_err(),
        EdxmlError::DuplicateContentId("cid:1".into())
    );

    let bad_priority = xml.replace(
        "<edXML:Priority>1</edXML:Priority>",
        "<edXML:Priority>9</edXML:Priority>",
    );
    assert!(matches!(
        Package::parse(bad_priority.as_bytes()),
        Err(EdxmlError::BadField {
            field: "OtherInfo/Priority",
            ..
        })
    ));

    assert!(
        matches!(Package::parse(b"<html><body/></html>"), Err(EdxmlError::NotEdxml(n)) if n == "html")
    );
    assert!(matches!(
        Package::parse(b"<edXML:edXMLEnvelope"),
        Err(EdxmlError::Xml(_))
    ));
    assert!(matches!(
        Package::parse(&[0xff, 0xfe, 0x00]),
        Err(EdxmlError::Xml(_))
    ));
    let doctype = format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{xml}");
    assert!(matches!(
        Package::parse(doctype.as_bytes()),
        Err(EdxmlError::Xml(_))
    ));
    let deep = format!("<edXML:edXMLEnvelope>{}", "<a>".repeat(100));
    assert_eq!(
        Package::parse(deep.as_bytes()).unwrap_err(),
        EdxmlError::TooComplex("độ sâu")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Package::parse(&bytes);
        let _ = StatusMessage::parse(&bytes);
    }

    #[test]
    fn any_text_round_trips(subject in "\\PC{1,200}", name in "[\\p{L} .,&<>'\"-]{1,60}") {
        prop_assume!(!subject.trim().is_empty());
        let mut p = sample();
        p.header.subject = subject.trim().to_owned();
        p.header.signer_full_name = name.trim().to_owned();
        prop_assume!(!p.header.signer_full_name.is_empty());
        let back = Package::parse(&p.to_xml()).unwrap();
        prop_assert_eq!(back, p);
    }
}
