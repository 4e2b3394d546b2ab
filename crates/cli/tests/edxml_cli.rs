//! `motcua edxml unpack FILE --json`: the parsed header and attachment list; refusals exit 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use motcua_edxml::{Attachment, Code, MessageHeader, Organ, Package, document_id};
use std::process::Command;

#[test]
fn unpack_prints_the_header_and_attachments() {
    let dir = std::env::temp_dir().join(format!("motcua-edxml-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let code = Code {
        code_number: "05".into(),
        code_notation: "BTTTT-VP".into(),
    };
    let p = Package {
        header: MessageHeader {
            from: Organ {
                organ_id: "000.00.00.G22".into(),
                organ_name: "Bộ Thông tin và Truyền thông".into(),
                ..Organ::default()
            },
            to: vec![Organ {
                organ_id: "000.00.00.H26".into(),
                organ_name: "UBND thành phố Hà Nội".into(),
                ..Organ::default()
            }],
            document_id: document_id("000.00.00.G22", date, &code),
            code,
            promulgation_date: Some(date),
            document_type: 2,
            type_name: "Công văn".into(),
            subject: "Về việc báo cáo kết quả cải cách hành chính".into(),
            signer_full_name: "Nguyễn Văn Hùng".into(),
            ..MessageHeader::default()
        },
        trace: vec![],
        attachments: vec![Attachment::new(
            "cid:1",
            "application/pdf",
            "../../etc/cong-van.pdf",
            b"%PDF-1.7 test".to_vec(),
        )],
    };
    std::fs::write(dir.join("p.edxml"), p.to_xml()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["edxml", "unpack", "p.edxml", "--json", "--extract", "files"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "package");
    assert_eq!(
        v["header"]["document_id"],
        "000.00.00.G22,2026/11/26,05/BTTTT-VP"
    );
    assert_eq!(v["header"]["from"]["organ_id"], "000.00.00.G22");
    assert_eq!(
        v["header"]["subject"],
        "Về việc báo cáo kết quả cải cách hành chính"
    );
    assert_eq!(v["attachments"][0]["name"], "../../etc/cong-van.pdf");
    assert_eq!(v["attachments"][0]["size"], 13);
    // The attachment is written under its bare file name, inside the directory given.
    assert_eq!(
        std::fs::read(dir.join("files/cong-van.pdf")).unwrap(),
        b"%PDF-1.7 test"
    );

    let broken = String::from_utf8(p.to_xml()).unwrap().replace(
        "<edXML:Subject>Về việc báo cáo kết quả cải cách hành chính</edXML:Subject>",
        "",
    );
    std::fs::write(dir.join("bad.edxml"), broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["edxml", "unpack", "bad.edxml", "--json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Thiếu trường bắt buộc Subject"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn partners_are_added_and_listed_without_their_secret() {
    let dir = std::env::temp_dir().join(format!("motcua-edxml-partners-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str], secret: &str| {
        Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(args)
            .current_dir(&dir)
            .env(
                "MOTCUA_DATABASE_URL",
                format!("sqlite://{}/x.db", dir.display()),
            )
            .env("MOTCUA_LOG_LEVEL", "warn")
            .env("SHARED", secret)
            .output()
            .unwrap()
    };
    let add = [
        "edxml",
        "partner-add",
        "--organ",
        "000.00.00.H26",
        "--name",
        "UBND thành phố Hà Nội",
        "--url",
        "https://motcua.hanoi.example/api/v1/edxml/inbox",
        "--token-env",
        "SHARED",
    ];
    let out = run(&add, "ngan");
    assert_eq!(out.status.code(), Some(2), "a short secret is refused");
    let out = run(&add, "mot-bi-mat-du-dai-cho-lien-thong-2026");
    assert_eq!(
        out.status.code(),
        Some(3),
        "no database yet: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(run(&["migrate"], "").status.success());
    let out = run(&add, "mot-bi-mat-du-dai-cho-lien-thong-2026");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["edxml", "partners"], "");
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listed.contains(
            "000.00.00.H26  UBND thành phố Hà Nội  https://motcua.hanoi.example/api/v1/edxml/inbox"
        ),
        "{listed}"
    );
    assert!(
        !listed.contains("mot-bi-mat"),
        "the secret is never printed"
    );
}
