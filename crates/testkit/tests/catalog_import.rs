//! Importing and exporting the catalogue: all or nothing, problems reported by row and column,
//! NFC normalisation, exact round trips in CSV, XLSX and JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_render::catalog_sheet::{COLUMNS, Format, read};
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// A CSV row from (column, value) pairs.
fn row(cells: &[(&str, &str)]) -> String {
    COLUMNS
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(k, _)| k == c)
                .map_or(String::new(), |(_, v)| {
                    if v.contains(',') || v.contains('"') {
                        format!("\"{}\"", v.replace('"', "\"\""))
                    } else {
                        (*v).to_owned()
                    }
                })
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn procedure_rows(code: &str, name: &str) -> Vec<String> {
    vec![
        row(&[
            ("record", "procedure"),
            ("code", code),
            ("name", name),
            ("field", "vien-thong"),
            ("level", "central"),
            ("agency", "000.00.00.G22"),
            ("unit", "CVT"),
            ("authority", "Bộ Thông tin và Truyền thông"),
            ("applicants", "business"),
            ("channels", "online|counter|postal"),
            ("postal_receipt", "true"),
            ("postal_return", "có"),
            ("processing_value", "15"),
            ("processing_unit", "working_days"),
            ("online_class", "partial"),
            ("legacy_level", "3"),
            ("result_name", "Giấy phép"),
            ("result_kind", "electronic"),
            ("status", "published"),
            ("decision_number", "12/QĐ-BTTTT"),
            ("decision_date", "2024-05-10"),
            ("decision_authority", "minister"),
            ("effective_date", "2024-07-01"),
            ("published_at", "2024-05-13T03:00:00Z"),
        ]),
        row(&[
            ("record", "step"),
            ("code", code),
            ("item_code", "1"),
            ("name", "Nộp hồ sơ"),
        ]),
        row(&[
            ("record", "component"),
            ("code", code),
            ("item_code", "TP1"),
            ("name", "Đơn đề nghị, theo mẫu"),
            ("originals", "1"),
            ("copies", "0"),
            ("required", "true"),
            ("reusable", "false"),
            ("url", "https://dichvucong.example.gov.vn/mau/TP1.docx"),
        ]),
        row(&[
            ("record", "fee"),
            ("code", code),
            ("name", "Phí thẩm định"),
            ("amount_vnd", "1500000"),
        ]),
        row(&[
            ("record", "legal_basis"),
            ("code", code),
            ("number", "24/2023/QH15"),
            ("name", "Luật Viễn thông"),
            ("issued_on", "2023-11-24"),
            ("effective_on", "2024-07-01"),
        ]),
    ]
}

fn csv(procedures: &[(&str, &str)]) -> String {
    let mut lines = vec![COLUMNS.join(",")];
    for (code, name) in procedures {
        lines.extend(procedure_rows(code, name));
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_file_with_any_bad_row_gives_every_problem_and_nothing_else() {
    let mut lines: Vec<String> = csv(&[
        ("1.000201", "Cấp giấy phép thiết lập mạng viễn thông"),
        ("1.000202", "Gia hạn giấy phép"),
    ])
    .lines()
    .map(str::to_owned)
    .collect();
    lines[1] = lines[1].replace(",15,working_days,", ",15,,"); // processing time without a unit
    lines.push(lines[6].clone()); // the second procedure's row again: a duplicate code
    lines.push(row(&[
        ("record", "fee"),
        ("code", "1.000202"),
        ("name", "Lệ phí"),
        ("amount_vnd", "mười nghìn"),
    ]));
    lines.push(row(&[
        ("record", "component"),
        ("code", "1.999999"),
        ("item_code", "TP1"),
        ("name", "X"),
        ("originals", "1"),
        ("copies", "0"),
        ("required", "true"),
        ("reusable", "false"),
    ]));
    let errors = read(lines.join("\n").as_bytes(), Format::Csv).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        found,
        [
            (2, "processing_unit"),
            (12, "code"),
            (13, "amount_vnd"),
            (14, "code")
        ],
        "{errors:#?}"
    );
    assert!(errors[0].message.contains("đơn vị thời hạn"));
    assert!(errors[1].message.contains("trùng với dòng 7"));
    assert!(errors[3].message.contains("không có dòng «procedure»"));
}

#[test]
fn nfd_text_and_a_bom_are_accepted_and_stored_as_nfc() {
    let text: String = csv(&[("1.000201", "Cấp giấy phép thiết lập mạng viễn thông")])
        .nfd()
        .collect();
    let with_bom = format!("\u{feff}{text}");
    let entries = read(with_bom.as_bytes(), Format::Csv).unwrap();
    assert_eq!(
        entries[0].data.name,
        "Cấp giấy phép thiết lập mạng viễn thông"
    );
    assert_eq!(entries[0].data.components[0].name, "Đơn đề nghị, theo mẫu");
    assert_eq!(
        entries[0].data.components[0].template_url.as_deref(),
        Some("https://dichvucong.example.gov.vn/mau/TP1.docx")
    );
    assert!(entries[0].data.postal_return, "«có» reads as true");
}

#[test]
fn a_file_that_is_not_utf8_is_refused_clearly() {
    let latin1: Vec<u8> = b"record,code\nprocedure,1.000201,C\xe1p\n".to_vec();
    let errors = read(&latin1, Format::Csv).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("không phải UTF-8"),
        "{}",
        errors[0].message
    );
    let header = read(b"code,name\n", Format::Csv).unwrap_err();
    assert!(header[0].message.contains("dòng tiêu đề"));
}

async fn import_is_all_or_nothing_idempotent_and_round_trips(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let admin = app.token("quantri@test.vn").await;
    let editor = app.token("bientap@test.vn").await;
    let post = |token: String, ct: &'static str, body: Vec<u8>| {
        app.client()
            .post(app.url("/api/v1/procedures/import"))
            .bearer_auth(token)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let good = csv(&[
        ("1.000201", "Cấp giấy phép thiết lập mạng viễn thông"),
        ("1.000202", "Gia hạn giấy phép thiết lập mạng viễn thông"),
    ]);

    // Editors may not import; a bad file imports nothing.
    assert_eq!(
        post(editor.clone(), "text/csv", good.clone().into_bytes())
            .await
            .unwrap()
            .status(),
        403
    );
    let bad = good.replace("minister", "king");
    let r = post(admin.clone(), "text/csv", bad.into_bytes())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "import_rejected");
    assert_eq!(
        v["error"]["details"]["rows"].as_array().unwrap().len(),
        2,
        "{v}"
    );
    let listed: Value = app
        .get("/api/v1/procedures", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 0, "nothing half-imported");

    let r = post(admin.clone(), "text/csv", good.clone().into_bytes())
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["total"].as_u64(), report["created"].as_u64()),
        (Some(2), Some(2))
    );
    let again: Value = post(admin.clone(), "text/csv", good.clone().into_bytes())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["unchanged"], 2,
        "re-importing the same file changes nothing"
    );
    let audit: Value = app
        .get("/api/v1/audit?limit=10", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let creates = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "procedure.create")
        .count();
    assert_eq!(creates, 2, "one audit entry per imported procedure");
    assert!(
        motcua_store::audit::verify(&app.db).await.unwrap() > 0,
        "the chain written in bulk verifies"
    );

    for (format, ct) in [
        ("csv", "text/csv"),
        ("json", "application/json"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let file = app
            .get(
                &format!("/api/v1/procedures/export?format={format}"),
                Some(&editor),
            )
            .await;
        assert_eq!(file.status(), 200, "{format}");
        let bytes = file.bytes().await.unwrap().to_vec();
        let report: Value = post(admin.clone(), ct, bytes)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (report["unchanged"].as_u64(), report["total"].as_u64()),
            (Some(2), Some(2)),
            "{format} round trip: {report}"
        );
    }
    let r = app
        .client()
        .post(app.url("/api/v1/procedures/import"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let unknown = good.replace("000.00.00.G22", "000.00.00.H99");
    let v: Value = post(admin.clone(), "text/csv", unknown.into_bytes())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"]["details"]["rows"][0]["column"], "agency");
}
backend_test!(
    import_round_trip,
    import_is_all_or_nothing_idempotent_and_round_trips
);

async fn an_import_cannot_move_a_code_to_another_agency(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let admin = app.token("quantri@test.vn").await;
    let other = motcua_domain::org::OrganId::parse("000.00.00.H99").unwrap();
    motcua_store::org::ensure_agency(
        &app.db,
        &motcua_store::AuditCtx::system("test"),
        &other,
        "Cơ quan khác",
        "CQK",
    )
    .await
    .unwrap();
    let post = |body: String| {
        app.client()
            .post(app.url("/api/v1/procedures/import"))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let first = csv(&[("1.000201", "Cấp giấy phép thiết lập mạng viễn thông")]);
    assert_eq!(post(first.clone()).await.unwrap().status(), 200);
    let r = post(first.replace("000.00.00.G22", "000.00.00.H99"))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["details"]["rows"][0]["column"], "agency", "{v}");
    let found = motcua_store::catalog::find(app.db.conn(), "1.000201")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found.procedure.agency_organ, "000.00.00.G22",
        "nothing moved"
    );
}
backend_test!(
    import_agency_move,
    an_import_cannot_move_a_code_to_another_agency
);
