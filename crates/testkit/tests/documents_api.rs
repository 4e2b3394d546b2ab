//! Outgoing official documents on both backends: drafting with checks, numbers assigned when
//! issued (per agency, year and series; never reused or skipped, also when many are issued at
//! once), notation per Annex III, the register with its CSV.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};

async fn draft(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let r = app.post_json("/api/v1/documents", Some(token), &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn issue(app: &TestApp, token: &str, id: &str, version: i64) -> (u16, Value) {
    let r = app
        .post_json(
            &format!("/api/v1/documents/{id}/issue"),
            Some(token),
            &json!({"version": version}),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn body(doc_type: &str, subject: &str) -> Value {
    json!({"doc_type": doc_type, "subject": subject, "signer_name": "Nguyễn Huy Dũng",
           "signer_position": "Thứ trưởng", "authority_mark": "KT.",
           "recipients": [{"organ_id": "000.00.00.H26", "name": "UBND thành phố Hà Nội"}, {"name": "Lưu: VT, CVT"}]})
}

async fn documents_are_numbered_per_series_without_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    let officer = app.token("chuyenvien@test.vn").await;
    let applicant = app.token("congdan@test.vn").await;

    let (s, _) = draft(&app, &applicant, body("quyet_dinh", "Về việc thử")).await;
    assert_eq!(s, 403);
    let (s, v) = draft(
        &app,
        &officer,
        json!({"doc_type": "sac_lenh", "subject": " ", "signer_name": "A", "authority_mark": "XX."}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let fields: Vec<&str> = v["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["doc_type", "subject", "authority_mark"], "{v}");

    // A decision: notation from Annex III, no number until issued.
    let (s, d) = draft(
        &app,
        &officer,
        body(
            "quyet_dinh",
            "Về việc ban hành Kế hoạch cải cách hành chính năm 2026",
        ),
    )
    .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(
        (
            d["status"].as_str(),
            d["notation"].as_str(),
            d["code"].is_null()
        ),
        (Some("draft"), Some("QĐ-BTTTT"), true)
    );
    let (s, issued) = issue(&app, &officer, d["id"].as_str().unwrap(), 1).await;
    assert_eq!(s, 200, "{issued}");
    assert_eq!(issued["code"], "01/QĐ-BTTTT");
    // Issued once only; a stale version is refused.
    let (s, _) = issue(&app, &officer, d["id"].as_str().unwrap(), 2).await;
    assert_eq!(s, 409);
    let (s, cv) = draft(&app, &officer, body("cong_van", "Về việc báo cáo số liệu")).await;
    assert_eq!(s, 201);
    assert_eq!(cv["notation"], "BTTTT-CVT");
    let (s, _) = issue(&app, &officer, cv["id"].as_str().unwrap(), 7).await;
    assert_eq!(s, 409, "stale version");

    // Many issued at once: the shared series numbers them 02.. without gap or repeat.
    let mut drafts = vec![cv["id"].as_str().unwrap().to_owned()];
    for i in 0..15 {
        let (_, d) = draft(
            &app,
            &officer,
            body(
                if i % 2 == 0 { "cong_van" } else { "thong_bao" },
                &format!("Văn bản số {i}"),
            ),
        )
        .await;
        drafts.push(d["id"].as_str().unwrap().to_owned());
    }
    let mut tasks = Vec::new();
    for id in drafts.clone() {
        let (client, url, token) = (
            app.client(),
            app.url(&format!("/api/v1/documents/{id}/issue")),
            officer.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"version": 1}))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        let (s, v) = t.await.unwrap();
        assert_eq!(s, 200, "{v}");
        numbers.push(v["number"].as_i64().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=17).collect::<Vec<i64>>());

    // Secret documents and circulars have series of their own.
    let mut secret = body("quyet_dinh", "Về việc bảo vệ bí mật nhà nước");
    secret["secrecy"] = json!("mat");
    let (_, d) = draft(&app, &officer, secret).await;
    let (_, v) = issue(&app, &officer, d["id"].as_str().unwrap(), 1).await;
    assert_eq!(
        (v["series"].as_str(), v["code"].as_str()),
        (Some("mat"), Some("01/QĐ-BTTTT"))
    );
    let (_, d) = draft(
        &app,
        &officer,
        body("thong_tu", "Quy định về dịch vụ bưu chính công ích"),
    )
    .await;
    let (_, v) = issue(&app, &officer, d["id"].as_str().unwrap(), 1).await;
    assert_eq!(v["code"], "01/TT-BTTTT");

    // The register lists them by series and number; CSV for the office.
    let reg: Value = app
        .get("/api/v1/documents?direction=out", Some(&officer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reg["total"], 19, "{reg}");
    let chung: Vec<i64> = reg["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["series"] == "chung")
        .map(|d| d["number"].as_i64().unwrap())
        .collect();
    assert_eq!(chung, (1..=17).collect::<Vec<i64>>());
    let csv = app
        .get("/api/v1/documents?direction=out&format=csv", Some(&officer))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("\u{feff}Số, ký hiệu;Ngày ban hành;Tên loại;Trích yếu"),
        "{csv}"
    );
    assert!(
        csv.contains("01/QĐ-BTTTT;") && csv.contains(";UBND thành phố Hà Nội, Lưu: VT, CVT;"),
        "{csv}"
    );
    let xlsx = app
        .get("/api/v1/documents?format=xlsx", Some(&officer))
        .await;
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    let bad = app
        .get("/api/v1/documents?format=pdf", Some(&officer))
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(csv.lines().count(), 20);
    // A paper document is registered too: T7.1 counts it in the denominator only.
    let mut paper = body("thong_bao", "Thông báo giấy");
    paper["electronic"] = json!(false);
    let (_, d) = draft(&app, &officer, paper).await;
    issue(&app, &officer, d["id"].as_str().unwrap(), 1).await;
    let ind: Value = app
        .get("/api/v1/documents/indicators", Some(&officer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            ind["t7_1"]["electronic"].as_i64(),
            ind["t7_1"]["total"].as_i64()
        ),
        (Some(19), Some(20)),
        "{ind}"
    );
    assert_eq!(ind["t7_1"]["ratio"], 0.95);
    app.stop().await;
}
backend_test!(
    document_numbers,
    documents_are_numbered_per_series_without_gaps
);
