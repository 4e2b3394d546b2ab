//! Official documents from drafting to completion between two installations, on both backends:
//! the ministry (A, 000.00.00.G22) drafts a decision with content; issuing it typesets it in the
//! Annex I layout and signs it (the issuing leader, then the agency's seal), and our verifier and
//! pyHanko judge the PDF valid; it goes to the city (B, 000.00.00.H26) with the PDF, which B checks
//! on arrival and registers; B's office presents it to a leader, who assigns a unit and a due date;
//! the unit starts and completes it, and each step reaches A as status 04, 05, 06. Refusals: a
//! step out of order, a stale version, a past due date, a unit outside the leader's reach, an
//! officer presenting, and an officer of another unit who cannot see it. The city answers with a
//! signed letter, which A registers and assigns: T7.2 counts the ministry's unit that both sent
//! and received signed documents.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_domain::org::{OrganId, UnitCode, UnitKind};
use motcua_sign::pki::Holder;
use motcua_store::AuditCtx;
use motcua_testkit::{Backend, TestApp, backend_test};
use motcua_web::signing::{self, KeyPassphrase, Owner};
use serde_json::{Value, json};

const SECRET: &str = "bi-mat-lien-thong-G22-H26-xu-ly";
const PASSPHRASE: &str = "document-handling-test-passphrase";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app.post_json(path, Some(token), &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// A certificate for a person and one for the agency, from the installation's development PKI.
async fn certificates(app: &TestApp, person: uuid::Uuid, name: &str, organ_id: &str, agency: &str) {
    let ctx = AuditCtx::system("test");
    let pass = KeyPassphrase::load(&app.config, false).unwrap();
    let (pki, _) = signing::ensure_dev_pki(&app.db, &ctx, &pass, agency)
        .await
        .unwrap();
    let holder = Holder::Person {
        full_name: name,
        email: "lanhdao@test.vn",
        organisation: agency,
    };
    signing::issue_dev(&app.db, &ctx, &pass, &pki, &holder, Owner::Account(person))
        .await
        .unwrap();
    let org = Holder::Organisation {
        organ_id,
        name: agency,
    };
    signing::issue_dev(&app.db, &ctx, &pass, &pki, &org, Owner::Organ(organ_id))
        .await
        .unwrap();
}

/// Runs the notifier until A's document shows `status` (a delivery failure is retried).
async fn wait_status(app: &TestApp, id: &str, status: &str) -> motcua_store::document::Document {
    for _ in 0..40 {
        motcua_app::notify::deliver_due(&app.state).await.unwrap();
        let d = motcua_store::document::find(app.db.conn(), id.parse().unwrap())
            .await
            .unwrap();
        if d.exchange_status.as_deref() == Some(status) {
            return d;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("status {status} never reached document {id}");
}

async fn documents_are_issued_signed_exchanged_and_handled(backend: Backend) {
    let with_keys = |c: &mut motcua_web::config::Config| {
        c.signing_key_passphrase = Some(PASSPHRASE.into());
    };
    let a = TestApp::spawn_with(backend, with_keys).await;
    let b = TestApp::spawn_with(backend, with_keys).await;
    let ctx = AuditCtx::system("test");
    // B is the city: its agency and two departments.
    let city = motcua_store::org::ensure_agency(
        &b.db,
        &ctx,
        &OrganId::parse("000.00.00.H26").unwrap(),
        "UBND thành phố Hà Nội",
        "UBND",
    )
    .await
    .unwrap();
    for (code, name) in [
        ("STTTT", "Sở Thông tin và Truyền thông"),
        ("SNV", "Sở Nội vụ"),
    ] {
        motcua_store::org::ensure_unit(
            &b.db,
            &ctx,
            city.id,
            motcua_store::org::NewUnit {
                code: UnitCode::parse(code).unwrap(),
                name: name.to_owned(),
                kind: UnitKind::Department,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    }
    for (app, organ, name, url) in [
        (
            &a,
            "000.00.00.H26",
            "UBND thành phố Hà Nội",
            b.url("/api/v1/edxml/inbox"),
        ),
        (
            &b,
            "000.00.00.G22",
            "Bộ Thông tin và Truyền thông",
            a.url("/api/v1/edxml/inbox"),
        ),
    ] {
        motcua_store::exchange::upsert_partner(&app.db, &ctx, organ, name, &url, SECRET)
            .await
            .unwrap();
    }
    // A: a leader of the Directorate of Telecommunications who drafts, issues and signs.
    let a_leader_id = a.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    let a_admin_id = a.user("vanthu@test.vn", Role::Admin, "VP").await;
    let _ = a_admin_id;
    let ministry = motcua_store::org::agencies(a.db.conn())
        .await
        .unwrap()
        .remove(0);
    certificates(
        &a,
        a_leader_id,
        "Nguyễn Huy Dũng",
        &ministry.organ_id,
        &ministry.name,
    )
    .await;
    let a_leader = a.token("lanhdao@test.vn").await;
    let a_office = a.token("vanthu@test.vn").await;
    // B: the office, a leader of the Department of Information, officers of two departments.
    let b_leader_id = b.user("lanhdao@test.vn", Role::UnitLeader, "STTTT").await;
    b.user("vanthu@test.vn", Role::Admin, "STTTT").await;
    b.user("chuyenvien@test.vn", Role::Officer, "STTTT").await;
    let b_stranger_id = b.user("khac@test.vn", Role::Officer, "SNV").await;
    certificates(
        &b,
        b_leader_id,
        "Trần Văn Hà",
        "000.00.00.H26",
        "UBND thành phố Hà Nội",
    )
    .await;
    let (b_office, b_leader, b_officer, b_stranger) = (
        b.token("vanthu@test.vn").await,
        b.token("lanhdao@test.vn").await,
        b.token("chuyenvien@test.vn").await,
        b.token("khac@test.vn").await,
    );

    // Drafted with content; too long a content is refused beside the field.
    let (s, e) = post(
        &a,
        &a_leader,
        "/api/v1/documents",
        json!({
            "doc_type": "quyet_dinh", "subject": "Thử", "signer_name": "Nguyễn Huy Dũng",
            "content": "x".repeat(50_001)
        }),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("content")),
        "{e}"
    );
    let content = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;\n\nGiao Ủy ban nhân dân thành phố Hà Nội chỉ tiêu cải cách hành chính năm 2026 theo Phụ lục kèm theo.\n\nQuyết định này có hiệu lực kể từ ngày ký.";
    let (s, d) = post(&a, &a_leader, "/api/v1/documents", json!({
        "doc_type": "quyet_dinh", "subject": "Về việc giao chỉ tiêu cải cách hành chính năm 2026",
        "signer_name": "Nguyễn Huy Dũng", "signer_position": "Thứ trưởng", "authority_mark": "KT.",
        "on_behalf_of": "Bộ trưởng",
        "recipients": [{"organ_id": "000.00.00.H26", "name": "UBND thành phố Hà Nội"}],
        "content": content
    })).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["signer"]["on_behalf_of"], "Bộ trưởng");
    let id = d["id"].as_str().unwrap().to_owned();
    // "Signed for" only goes with KT., TM., TL., TUQ.
    let (s, e) = post(
        &a,
        &a_leader,
        "/api/v1/documents",
        json!({
            "doc_type": "cong_van", "subject": "Thử", "signer_name": "Nguyễn Huy Dũng",
            "on_behalf_of": "Bộ trưởng"
        }),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("on_behalf_of")),
        "{e}"
    );
    let (s, issued) = post(
        &a,
        &a_leader,
        &format!("/api/v1/documents/{id}/issue"),
        json!({"version": 1}),
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    assert_eq!(issued["code"], "01/QĐ-BTTTT");
    assert_eq!(issued["signature_state"], "valid", "{issued}");
    assert!(issued.get("signing_problem").is_none(), "{issued}");
    let pdf_path = issued["pdf"].as_str().unwrap().to_owned();
    let r = a.get(&pdf_path, Some(&a_leader)).await;
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap().to_vec();
    let trust = signing::trust_store(&a.db).await.unwrap();
    let report = motcua_sign::verify_pdf(&pdf, &trust, chrono::Utc::now().timestamp()).unwrap();
    assert!(report.valid, "{report:#?}");
    let signers: Vec<&str> = report
        .signatures
        .iter()
        .map(|s| s.signer.as_str())
        .collect();
    assert_eq!(signers, ["Nguyễn Huy Dũng", ministry.name.as_str()]);
    motcua_testkit::outside_validators_judge_valid(
        &std::env::temp_dir().join(format!("motcua-doc-{}-{backend:?}", std::process::id())),
        &signing::roots_pem(&a.db).await.unwrap(),
        &pdf,
        2,
    );
    // Signing twice is refused.
    let (s, _) = post(
        &a,
        &a_leader,
        &format!("/api/v1/documents/{id}/sign"),
        json!({}),
    )
    .await;
    assert_eq!(s, 409);

    // Sent with its PDF; B checks the signatures (intact; A's root is not among B's) and registers.
    let (s, sent) = post(
        &a,
        &a_leader,
        &format!("/api/v1/documents/{id}/send"),
        json!({"organ_id": "000.00.00.H26"}),
    )
    .await;
    assert_eq!(
        (s, sent["exchange_status"].as_str()),
        (200, Some("03")),
        "{sent}"
    );
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let (s, list) = {
        let r = b
            .get(
                &format!("/api/v1/documents?direction=in&year={year}"),
                Some(&b_office),
            )
            .await;
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(s, 200);
    assert_eq!(list["total"], 1, "{list}");
    let incoming = list["items"][0].clone();
    assert_eq!(incoming["signature_state"], "untrusted", "{incoming}");
    assert_eq!(incoming["handling"]["status"], "registered");
    let in_id = incoming["id"].as_str().unwrap().to_owned();
    let r = b
        .get(&format!("/api/v1/documents/{in_id}/pdf"), Some(&b_office))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().await.unwrap().to_vec(),
        pdf,
        "B keeps the signed file as it came"
    );
    // Before it is assigned, the department's officer does not see it.
    let r = b
        .get(
            &format!("/api/v1/documents?direction=in&year={year}"),
            Some(&b_officer),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 0);

    let step = |token: &str, body: Value| {
        let (b, token, in_id) = (&b, token.to_owned(), in_id.clone());
        async move {
            post(
                b,
                &token,
                &format!("/api/v1/documents/{in_id}/handling"),
                body,
            )
            .await
        }
    };
    // Out of order, by the wrong person, to the wrong leader: refused, nothing changes.
    let (s, e) = step(&b_office, json!({"step": "start", "version": 1})).await;
    assert_eq!(s, 409, "{e}");
    let (s, e) = step(
        &b_office,
        json!({"step": "present", "version": 1, "leader_id": b_stranger_id}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("leader_id")),
        "{e}"
    );
    let (s, _) = step(
        &b_officer,
        json!({"step": "present", "version": 1, "leader_id": b_leader_id}),
    )
    .await;
    assert_eq!(
        s, 404,
        "an officer cannot reach an unassigned incoming document"
    );
    let (s, e) = step(&b_office, json!({"step": "fly", "version": 1})).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("step")),
        "{e}"
    );

    let (s, presented) = step(
        &b_office,
        json!({"step": "present", "version": 1, "leader_id": b_leader_id}),
    )
    .await;
    assert_eq!(s, 200, "{presented}");
    assert_eq!(presented["handling"]["status"], "presented");
    let (s, _) = step(
        &b_office,
        json!({"step": "present", "version": 2, "leader_id": b_leader_id}),
    )
    .await;
    assert_eq!(s, 409, "presented once");
    // The leader assigns: a past date, another department outside his reach, a stale version.
    let (s, e) = step(
        &b_leader,
        json!({"step": "assign", "version": 2, "unit": "STTTT", "due_date": "2020-01-01"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("due_date")),
        "{e}"
    );
    let due = (chrono::Utc::now() + chrono::Duration::days(10))
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y-%m-%d")
        .to_string();
    let (s, e) = step(
        &b_leader,
        json!({"step": "assign", "version": 2, "unit": "SNV", "due_date": due}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("unit")),
        "{e}"
    );
    let (s, _) = step(
        &b_leader,
        json!({"step": "assign", "version": 1, "unit": "STTTT", "due_date": due}),
    )
    .await;
    assert_eq!(s, 409, "stale version");
    let (s, assigned) = step(
        &b_leader,
        json!({
            "step": "assign", "version": 2, "unit": "STTTT", "due_date": due,
            "note": "Sở TTTT chủ trì, báo cáo trước hạn."
        }),
    )
    .await;
    assert_eq!(s, 200, "{assigned}");
    assert_eq!(assigned["handling"]["due_date"], due.as_str());
    wait_status(&a, &id, "04").await;

    // Now the department's officer sees it; the other department's does not.
    let r = b
        .get(
            &format!("/api/v1/documents?direction=in&year={year}"),
            Some(&b_officer),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 1);
    let r = b
        .get(
            &format!("/api/v1/documents?direction=in&year={year}"),
            Some(&b_stranger),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 0);
    let (s, _) = step(&b_stranger, json!({"step": "start", "version": 3})).await;
    assert_eq!(s, 404);
    let (s, started) = step(&b_officer, json!({"step": "start", "version": 3})).await;
    assert_eq!(
        (s, started["handling"]["status"].as_str()),
        (200, Some("in_progress"))
    );
    wait_status(&a, &id, "05").await;
    let (s, done) = step(
        &b_officer,
        json!({"step": "complete", "version": 4, "note": "Đã triển khai."}),
    )
    .await;
    assert_eq!(
        (s, done["handling"]["status"].as_str()),
        (200, Some("completed")),
        "{done}"
    );
    let at_a = wait_status(&a, &id, "06").await;
    assert!(at_a.exchange_note.unwrap().contains("Hoàn thành"));
    let (s, _) = step(&b_officer, json!({"step": "complete", "version": 5})).await;
    assert_eq!(s, 409, "completed once");

    // The incoming register as a file carries the handling.
    let r = b
        .get(
            &format!("/api/v1/documents?direction=in&year={year}&format=csv"),
            Some(&b_office),
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
    assert!(
        csv.contains("Số đến")
            && csv.contains("01/QĐ-BTTTT")
            && csv.contains("Hoàn thành")
            && csv.contains("Sở Thông tin và Truyền thông"),
        "{csv}"
    );

    // The city answers with a signed letter; A registers it and assigns it to the Directorate.
    let (s, reply) = post(&b, &b_leader, "/api/v1/documents", json!({
        "doc_type": "cong_van", "subject": "Báo cáo kết quả thực hiện chỉ tiêu cải cách hành chính",
        "signer_name": "Trần Văn Hà", "signer_position": "Giám đốc",
        "recipients": [{"organ_id": "000.00.00.G22", "name": "Bộ Thông tin và Truyền thông"}],
        "content": "Sở Thông tin và Truyền thông báo cáo kết quả như sau."
    })).await;
    assert_eq!(s, 201, "{reply}");
    let reply_id = reply["id"].as_str().unwrap().to_owned();
    let (s, r) = post(
        &b,
        &b_leader,
        &format!("/api/v1/documents/{reply_id}/issue"),
        json!({"version": 1}),
    )
    .await;
    assert_eq!(
        (s, r["signature_state"].as_str()),
        (200, Some("valid")),
        "{r}"
    );
    let (s, r) = post(
        &b,
        &b_leader,
        &format!("/api/v1/documents/{reply_id}/send"),
        json!({"organ_id": "000.00.00.G22"}),
    )
    .await;
    assert_eq!((s, r["exchange_status"].as_str()), (200, Some("03")), "{r}");
    let r = a
        .get(
            &format!("/api/v1/documents?direction=in&year={year}"),
            Some(&a_office),
        )
        .await;
    let list: Value = r.json().await.unwrap();
    assert_eq!(list["total"], 1, "{list}");
    let a_in = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, r) = post(
        &a,
        &a_office,
        &format!("/api/v1/documents/{a_in}/handling"),
        json!({"step": "present", "version": 1, "leader_id": a_leader_id}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = post(
        &a,
        &a_leader,
        &format!("/api/v1/documents/{a_in}/handling"),
        json!({"step": "assign", "version": 2, "unit": "CVT-QLTT", "due_date": due}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    wait_status(&b, &reply_id, "04").await;

    // T7.2 on A: of the ministry's top-level units, the Directorate both sent and received signed
    // documents (its department received); T7.1 counts both registered documents as electronic.
    let r = a
        .get(
            &format!("/api/v1/documents/indicators?year={year}"),
            Some(&a_office),
        )
        .await;
    let ind: Value = r.json().await.unwrap();
    assert_eq!(ind["t7_1"]["electronic"], 2, "{ind}");
    assert_eq!(ind["t7_1"]["total"], 2, "{ind}");
    assert_eq!(ind["t7_2"]["units_signing"], 1, "{ind}");
    let top_units = motcua_testkit::UNITS
        .iter()
        .filter(|u| u.3.is_none())
        .count();
    assert_eq!(ind["t7_2"]["units"], top_units, "{ind}");
    let cvt = ind["t7_2"]["per_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Cục Viễn thông")
        .unwrap();
    assert_eq!(
        (
            cvt["sent_signed"].as_bool(),
            cvt["received_signed"].as_bool()
        ),
        (Some(true), Some(true)),
        "{ind}"
    );
    // On B the Department sent and received too (its own unit is top-level there).
    let r = b
        .get(
            &format!("/api/v1/documents/indicators?year={year}"),
            Some(&b_office),
        )
        .await;
    let ind: Value = r.json().await.unwrap();
    assert_eq!(
        (
            ind["t7_2"]["units_signing"].as_u64(),
            ind["t7_2"]["units"].as_u64()
        ),
        (Some(1), Some(2)),
        "{ind}"
    );

    // The page shows the incoming register with the handling, and the step forms work.
    let browser = b.signed_in_browser("vanthu@test.vn").await;
    let page = browser
        .get(b.url(&format!("/van-ban?huong=den&nam={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Sổ đăng ký văn bản đến năm")
            && html.contains("01/QĐ-BTTTT")
            && html.contains("Hoàn thành"),
        "{html}"
    );
    a.stop().await;
    b.stop().await;
}
backend_test!(
    document_handling,
    documents_are_issued_signed_exchanged_and_handled
);
