//! A dossier's result is signed when the dossier is resolved: the resolving officer's signature,
//! then the agency's seal, on both backends; the signed copy is what the dossier keeps, and our
//! verifier and pyHanko judge it valid against the installation's root.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use motcua_domain::account::Role;
use motcua_sign::pki::Holder;
use motcua_store::AuditCtx;
use motcua_testkit::{Backend, TestApp, backend_test};
use motcua_web::signing::{self, KeyPassphrase, Owner};
use serde_json::{Value, json};

const PASSPHRASE: &str = "signed-results-test-passphrase";

fn vn(s: &str) -> DateTime<Utc> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    motcua_domain::time::from_local(t)
}

/// A two-page PDF with a classic cross-reference table.
fn two_page_pdf() -> Vec<u8> {
    motcua_sign::pdf::simple_document(&["Giay phep buu chinh so 15/GP-BTTTT", "Trang 2"])
}

async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    app.act(token, code, body).await
}

async fn results_are_signed_by_the_officer_and_the_agency(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.signing_key_passphrase = Some(PASSPHRASE.into())
    })
    .await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let officer_id = app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;

    // The installation's PKI, a certificate for the officer and one for the agency.
    let ctx = AuditCtx::system("test");
    let pass = KeyPassphrase::load(&app.config, false).unwrap();
    let (pki, created) = signing::ensure_dev_pki(&app.db, &ctx, &pass, "Bộ TTTT")
        .await
        .unwrap();
    assert!(created);
    let agency = motcua_store::org::agencies(app.db.conn())
        .await
        .unwrap()
        .remove(0);
    let officer = Holder::Person {
        full_name: "Lê Minh Đức",
        email: "chuyenvien@test.vn",
        organisation: &agency.name,
    };
    signing::issue_dev(
        &app.db,
        &ctx,
        &pass,
        &pki,
        &officer,
        Owner::Account(officer_id),
    )
    .await
    .unwrap();
    let org = Holder::Organisation {
        organ_id: &agency.organ_id,
        name: &agency.name,
    };
    signing::issue_dev(
        &app.db,
        &ctx,
        &pass,
        &pki,
        &org,
        Owner::Organ(&agency.organ_id),
    )
    .await
    .unwrap();

    let (applicant, desk, officer, leader) = (
        app.token("congdan@test.vn").await,
        app.token("motcua@test.vn").await,
        app.token("chuyenvien@test.vn").await,
        app.token("lanhdao@test.vn").await,
    );
    app.state.set_clock(vn("2026-03-09 09:00"));
    let component = app
        .upload(&applicant, "don.pdf", "application/pdf", &two_page_pdf())
        .await;
    let r = app
        .post_json(
            "/api/v1/dossiers",
            Some(&applicant),
            &json!({
                "procedure_code": "1.004495", "channel": "online",
                "applicant": {"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345", "phone": "0912345678", "email": "ngoc@example.vn", "address": "12 Hàng Bài, Hà Nội"},
                "components": [{"code": "TP1", "upload_ids": [component]}], "return_channel": "online"
            }),
        )
        .await;
    assert_eq!(r.status(), 201);
    let code = r.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    act(&app, &desk, &code, json!({"action": "receive"})).await;
    act(
        &app,
        &desk,
        &code,
        json!({"action": "assign", "unit": "CVT", "officer_id": officer_id}),
    )
    .await;
    app.state.set_clock(vn("2026-03-10 10:00"));
    act(&app, &leader, &code, json!({"action": "approve"})).await;
    let unsigned = two_page_pdf();
    let result = app
        .upload(&officer, "giay-phep.pdf", "application/pdf", &unsigned)
        .await;
    let v = act(
        &app,
        &officer,
        &code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    let resolve = v["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(resolve["action"], "resolve");
    assert_eq!(resolve["data"]["signed"], true, "{resolve}");
    let kept = resolve["data"]["upload_ids"][0].as_str().unwrap();
    assert_ne!(kept, result, "the dossier keeps the signed copy");

    let signed = motcua_store::dossier::upload_content(app.db.conn(), kept.parse().unwrap())
        .await
        .unwrap();
    assert!(
        signed.content.starts_with(&unsigned),
        "the signatures are incremental updates of the result"
    );
    let trust = signing::trust_store(&app.db).await.unwrap();
    let report = motcua_sign::verify_pdf(&signed.content, &trust, Utc::now().timestamp()).unwrap();
    assert!(report.valid, "{report:#?}");
    let signers: Vec<&str> = report
        .signatures
        .iter()
        .map(|s| s.signer.as_str())
        .collect();
    assert_eq!(signers, ["Lê Minh Đức", agency.name.as_str()]);

    motcua_testkit::outside_validators_judge_valid(
        &std::env::temp_dir().join(format!(
            "motcua-signed-result-{}-{backend:?}",
            std::process::id()
        )),
        &signing::roots_pem(&app.db).await.unwrap(),
        &signed.content,
        2,
    );

    // The public verification API and page say the same; a changed byte and a non-PDF are refused.
    let verify = |bytes: Vec<u8>| {
        let app = &app;
        async move {
            let r = app
                .client()
                .post(app.url("/api/v1/signatures/verify"))
                .header("content-type", "application/pdf")
                .body(bytes)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, v) = verify(signed.content.clone()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["signatures"][0]["signer"], "Lê Minh Đức");
    assert_eq!(v["signatures"][1]["covers_whole_document"], true);
    let mut tampered = signed.content.clone();
    let at = tampered.windows(6).position(|w| w == b"15/GP-").unwrap();
    tampered[at] = b'7';
    let (status, v) = verify(tampered).await;
    assert_eq!((status, &v["valid"]), (200, &json!(false)), "{v}");
    assert_eq!(v["signatures"][0]["intact"], false);
    let (status, v) = verify(b"not a pdf".to_vec()).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["details"]["fields"][0]["field"], "file", "{v}");
    let roots = app
        .get("/api/v1/pki/roots", None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(roots.matches("BEGIN CERTIFICATE").count(), 1);

    let browser = app.browser();
    let csrf = motcua_testkit::csrf_of(&browser, &app.url("/kiem-tra-chu-ky")).await;
    let boundary = "----motcua-check-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"giay-phep.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").into_bytes();
    body.extend_from_slice(&signed.content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let page = browser
        .post(app.url("/kiem-tra-chu-ky"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("<strong>Hợp lệ.</strong>"), "{page}");
    assert!(page.contains("Lê Minh Đức") && page.contains(&agency.name));

    // A revoked certificate is no longer offered for signing.
    let cred = motcua_store::pki::credential_of_account(app.db.conn(), officer_id)
        .await
        .unwrap()
        .unwrap();
    motcua_store::pki::revoke(&app.db, &ctx, cred.id, "Nghỉ hưu")
        .await
        .unwrap();
    assert!(
        motcua_store::pki::credential_of_account(app.db.conn(), officer_id)
            .await
            .unwrap()
            .is_none()
    );
    app.stop().await;
}
backend_test!(
    signed_results,
    results_are_signed_by_the_officer_and_the_agency
);
