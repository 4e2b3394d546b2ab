//! Two motcua installations exchanging a document over HTTP as edXML (QCVN 102:2016), on both
//! backends: the ministry (instance A, 000.00.00.G22) sends an issued decision to the city (instance
//! B, 000.00.00.H26), which registers it with an arrival number and acknowledges it (03); a repeated
//! delivery registers nothing new; a misaddressed one is refused (02); a stranger's token is
//! refused; the ministry recalls the document and the city agrees (13 → 14).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_domain::org::OrganId;
use motcua_store::AuditCtx;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};

const SECRET: &str = "bi-mat-lien-thong-G22-H26-2026";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app.post_json(path, Some(token), &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn two_installations_exchange_and_recall(backend: Backend) {
    let a = TestApp::spawn(backend).await;
    let b = TestApp::spawn(backend).await;
    let ctx = AuditCtx::system("test");
    let city = motcua_store::org::ensure_agency(
        &b.db,
        &ctx,
        &OrganId::parse("000.00.00.H26").unwrap(),
        "UBND thành phố Hà Nội",
        "UBND",
    )
    .await
    .unwrap();
    motcua_store::exchange::upsert_partner(
        &a.db,
        &ctx,
        "000.00.00.H26",
        "UBND thành phố Hà Nội",
        &b.url("/api/v1/edxml/inbox"),
        SECRET,
    )
    .await
    .unwrap();
    motcua_store::exchange::upsert_partner(
        &b.db,
        &ctx,
        "000.00.00.G22",
        "Bộ Thông tin và Truyền thông",
        &a.url("/api/v1/edxml/inbox"),
        SECRET,
    )
    .await
    .unwrap();
    a.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let officer = a.token("chuyenvien@test.vn").await;

    let (s, d) = post(&a, &officer, "/api/v1/documents", json!({
        "doc_type": "quyet_dinh", "subject": "Về việc giao chỉ tiêu cải cách hành chính năm 2026",
        "signer_name": "Nguyễn Huy Dũng", "signer_position": "Thứ trưởng", "authority_mark": "KT.",
        "recipients": [{"organ_id": "000.00.00.H26", "name": "UBND thành phố Hà Nội"}]
    })).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_owned();
    // Not issued yet: nothing to send.
    let (s, _) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/send"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!(s, 409);
    let (s, issued) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/issue"),
        json!({"version": 1}),
    )
    .await;
    assert_eq!(s, 200, "{issued}");

    // The city's installation is down at first: the package waits in the outbox, nothing arrives.
    motcua_store::exchange::upsert_partner(
        &a.db,
        &ctx,
        "000.00.00.H26",
        "UBND thành phố Hà Nội",
        "http://127.0.0.1:9/api/v1/edxml/inbox",
        SECRET,
    )
    .await
    .unwrap();
    let (s, queued) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/send"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!(
        (s, queued["exchange_status"].as_str()),
        (200, Some("queued")),
        "{queued}"
    );
    // It comes back: the notifier's next round delivers it (back-off of one second after a failure).
    motcua_store::exchange::upsert_partner(
        &a.db,
        &ctx,
        "000.00.00.H26",
        "UBND thành phố Hà Nội",
        &b.url("/api/v1/edxml/inbox"),
        SECRET,
    )
    .await
    .unwrap();
    let mut delivered = Value::Null;
    for _ in 0..40 {
        motcua_app::notify::deliver_due(&a.state).await.unwrap();
        let doc = motcua_store::document::find(a.db.conn(), id.parse().unwrap())
            .await
            .unwrap();
        if doc.exchange_status.as_deref() == Some("03") {
            delivered = motcua_web::api::document::doc_json(&doc);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(
        delivered["exchange_status"], "03",
        "delivered after the partner came back"
    );
    let (s, sent) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/send"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!(s, 200, "{sent}");
    assert_eq!(sent["exchange_status"], "03", "{sent}");
    assert!(
        sent["exchange_description"]
            .as_str()
            .unwrap()
            .contains("số đến 01"),
        "{sent}"
    );
    let external = sent["external_id"].as_str().unwrap().to_owned();
    assert!(
        external.starts_with("000.00.00.G22,") && external.ends_with(",01/QĐ-BTTTT"),
        "{external}"
    );

    // B registered it once, with its arrival number, sender and DocumentId.
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y")
        .to_string()
        .parse()
        .unwrap();
    let incoming = motcua_store::document::register(b.db.conn(), city.id, "in", year)
        .await
        .unwrap();
    assert_eq!(incoming.len(), 1);
    let got = &incoming[0];
    assert_eq!(
        (
            got.number,
            got.code.as_deref(),
            got.sender_organ_id.as_deref()
        ),
        (Some(1), Some("01/QĐ-BTTTT"), Some("000.00.00.G22"))
    );
    assert_eq!(got.external_id.as_deref(), Some(external.as_str()));
    assert_eq!(
        got.subject,
        "Về việc giao chỉ tiêu cải cách hành chính năm 2026"
    );
    assert_eq!(got.doc_type, "quyet_dinh");

    // Delivered again (a retry): the same answer, nothing new registered.
    let (s, again) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/send"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!((s, again["exchange_status"].as_str()), (200, Some("03")));
    assert_eq!(
        motcua_store::document::register(b.db.conn(), city.id, "in", year)
            .await
            .unwrap()
            .len(),
        1
    );

    // A stranger's token is refused; so is a package naming another sender than the token's.
    let package = motcua_edxml::Package {
        header: motcua_edxml::MessageHeader {
            from: motcua_edxml::Organ {
                organ_id: "000.00.00.G01".into(),
                organ_name: "Văn phòng Chính phủ".into(),
                ..Default::default()
            },
            to: vec![motcua_edxml::Organ {
                organ_id: "000.00.00.H26".into(),
                organ_name: "UBND".into(),
                ..Default::default()
            }],
            document_id: "000.00.00.G01,2026/11/26,1/TB-VPCP".into(),
            code: motcua_edxml::Code {
                code_number: "1".into(),
                code_notation: "TB-VPCP".into(),
            },
            promulgation_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
            document_type: 2,
            type_name: "Thông báo".into(),
            subject: "Thử".into(),
            signer_full_name: "A".into(),
            ..Default::default()
        },
        trace: vec![],
        attachments: vec![],
    };
    let inbox = b.url("/api/v1/edxml/inbox");
    let r = b
        .client()
        .post(&inbox)
        .bearer_auth("wrong-token")
        .body(package.to_xml())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = b
        .client()
        .post(&inbox)
        .bearer_auth(SECRET)
        .body(package.to_xml())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "the token is the ministry's, the package says the Government Office"
    );

    // A package whose attachment is not base64: refused with 02 naming it, nothing registered.
    let mut broken = package.clone();
    broken.header.from = motcua_edxml::Organ {
        organ_id: "000.00.00.G22".into(),
        organ_name: "Bộ TTTT".into(),
        ..Default::default()
    };
    broken.attachments = vec![motcua_edxml::Attachment::new(
        "cid:1",
        "application/pdf",
        "a.pdf",
        b"%PDF-1.7".to_vec(),
    )];
    let bad = String::from_utf8(broken.to_xml()).unwrap().replace(
        "<edXML:ContentTransferEncoded>",
        "<edXML:ContentTransferEncoded>@@",
    );
    let r = b
        .client()
        .post(&inbox)
        .bearer_auth(SECRET)
        .body(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer = motcua_edxml::StatusMessage::parse(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(answer.status, motcua_edxml::StatusCode::Refused);
    assert!(
        answer.description.contains("cid:1") && answer.description.contains("base64"),
        "{}",
        answer.description
    );
    assert_eq!(
        motcua_store::document::register(b.db.conn(), city.id, "in", year)
            .await
            .unwrap()
            .len(),
        1
    );

    // Misaddressed: refused with 02 and the reason, recorded on the sender's document.
    motcua_store::exchange::upsert_partner(
        &a.db,
        &ctx,
        "000.00.00.X99",
        "Cơ quan khác",
        &b.url("/api/v1/edxml/inbox"),
        SECRET,
    )
    .await
    .unwrap();
    let (_, d2) = post(
        &a,
        &officer,
        "/api/v1/documents",
        json!({
            "doc_type": "cong_van", "subject": "Gửi nhầm nơi", "signer_name": "Nguyễn Huy Dũng"
        }),
    )
    .await;
    let id2 = d2["id"].as_str().unwrap().to_owned();
    post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id2}/issue"),
        json!({"version": 1}),
    )
    .await;
    let (s, refused) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id2}/send"),
        json!({"organ_id": "000.00.00.X99"}),
    )
    .await;
    assert_eq!(s, 200, "{refused}");
    assert_eq!(refused["exchange_status"], "02", "{refused}");
    assert!(
        refused["exchange_description"]
            .as_str()
            .unwrap()
            .contains("gửi nhầm"),
        "{refused}"
    );
    assert_eq!(
        motcua_store::document::register(b.db.conn(), city.id, "in", year)
            .await
            .unwrap()
            .len(),
        1
    );

    // Recall: the ministry asks (13), the city agrees (14); both record it.
    let (s, recalled) = post(
        &a,
        &officer,
        &format!("/api/v1/documents/{id}/recall"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!(s, 200, "{recalled}");
    assert_eq!(recalled["exchange_status"], "14", "{recalled}");
    let at_b = motcua_store::document::by_external(b.db.conn(), city.id, "in", &external)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_b.exchange_status.as_deref(), Some("14"));
    a.stop().await;
    b.stop().await;
}
backend_test!(exchange, two_installations_exchange_and_recall);
