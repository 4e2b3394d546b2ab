//! Dossiers over HTTP, as stories on both backends: every channel from filing to return, a
//! supplement across a holiday, a late dossier with its apology, refusal, withdrawal, concurrent
//! actions, idempotent retries, a look-up that leaks nothing, statistics equal to a recount.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

struct World {
    app: TestApp,
    applicant: String,
    desk: String,
    officer: String,
    officer_id: uuid::Uuid,
    leader: String,
}

/// At Vietnam wall-clock `s` (`YYYY-MM-DD HH:MM`).
fn vn(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_str(&format!("{s} +0700"), "%Y-%m-%d %H:%M %z")
        .unwrap()
        .with_timezone(&Utc)
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

async fn world(backend: Backend) -> World {
    world_with(backend, |_| {}).await
}

async fn world_with(backend: Backend, tweak: impl FnOnce(&mut motcua_web::Config)) -> World {
    let app = TestApp::spawn_with(backend, tweak).await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let officer_id = app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    app.publish_procedure(&editor, "1.004496", "Sửa đổi giấy phép bưu chính", 2.0)
        .await;
    World {
        applicant: app.token("congdan@test.vn").await,
        desk: app.token("motcua@test.vn").await,
        officer: app.token("chuyenvien@test.vn").await,
        leader: app.token("lanhdao@test.vn").await,
        officer_id,
        app,
    }
}

async fn upload_named(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    let boundary = "----motcua-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.client()
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn upload(app: &TestApp, token: &str) -> String {
    let r = upload_named(app, token, "don-de-nghi.pdf", PDF).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_owned()
}

fn applicant() -> Value {
    json!({"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345", "phone": "0912345678", "email": "ngoc.tran@example.vn", "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội"})
}

async fn file(w: &World, token: &str, body: &Value) -> (u16, Value) {
    let r = w.app.post_json("/api/v1/dossiers", Some(token), body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn file_online(w: &World, code: &str) -> Value {
    let up = upload(&w.app, &w.applicant).await;
    let (s, v) = file(
        w,
        &w.applicant,
        &json!({
            "procedure_code": code, "channel": "online", "applicant": applicant(),
            "components": [{"code": "TP1", "upload_ids": [up]}], "return_channel": "online"
        }),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v
}

async fn file_counter(w: &World, code: &str, return_channel: &str) -> Value {
    let mut body = json!({
        "procedure_code": code, "channel": "counter", "applicant": applicant(),
        "components": [{"code": "TP1", "upload_ids": []}], "return_channel": return_channel
    });
    if return_channel == "postal" {
        body["return_address"] = json!("12 Hàng Bài, Hoàn Kiếm, Hà Nội");
    }
    let (s, v) = file(w, &w.desk, &body).await;
    assert_eq!(s, 201, "{v}");
    v
}

async fn get(w: &World, token: &str, code: &str) -> Value {
    let r = w
        .app
        .get(&format!("/api/v1/dossiers/{code}"), Some(token))
        .await;
    assert_eq!(r.status(), 200, "{code}");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let v: Value = r.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", v["version"]));
    v
}

async fn act_raw(
    w: &World,
    token: &str,
    code: &str,
    version: Option<i64>,
    body: &Value,
) -> (u16, Value) {
    let mut req = w
        .app
        .client()
        .post(w.app.url(&format!("/api/v1/dossiers/{code}/actions")))
        .bearer_auth(token)
        .json(body);
    if let Some(v) = version {
        req = req.header("if-match", format!("\"{v}\""));
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// Take an action at the current version; it must succeed.
async fn act(w: &World, token: &str, code: &str, body: Value) -> Value {
    let version = get(w, token, code).await["version"].as_i64().unwrap();
    let (s, v) = act_raw(w, token, code, Some(version), &body).await;
    assert_eq!(s, 200, "{body} -> {v}");
    assert_eq!(v["version"].as_i64(), Some(version + 1));
    v
}

/// Form `n` of a dossier as text (through poppler's pdftotext, an outside reader), or the status.
async fn form_text(w: &World, token: &str, code: &str, n: &str) -> Result<String, u16> {
    let r = w
        .app
        .get(&format!("/api/v1/dossiers/{code}/forms/{n}"), Some(token))
        .await;
    if r.status() != 200 {
        return Err(r.status().as_u16());
    }
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let path = std::env::temp_dir().join(format!("motcua-{}-{n}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    let _ = std::fs::remove_file(&path);
    Ok(String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}

fn code_of(v: &Value) -> String {
    v["code"].as_str().unwrap().to_owned()
}

async fn an_online_dossier_goes_from_filing_to_return(backend: Backend) {
    let w = world(backend).await;
    w.app.state.set_clock(vn("2026-03-09 09:00"));
    let filed = file_online(&w, "1.004495").await;
    let code = code_of(&filed);
    assert!(code.starts_with("000.00.00.G22-260309-"), "{code}");
    assert_eq!(code.len(), "000.00.00.G22-260309-000001".len());
    assert_eq!(
        (filed["state"].as_i64(), filed["version"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(filed["lookup_code"].as_str().unwrap().len(), 8);
    // Received Monday 9/3 09:00 + 5 working days = Monday 16/3 at close of business.
    assert_eq!(instant(&filed["due_at"]), vn("2026-03-16 17:00"));

    // The applicant sees it; another applicant does not (404, not 403: nothing is revealed).
    assert_eq!(
        get(&w, &w.applicant, &code).await["applicant"]["name"],
        "Trần Thị Bích Ngọc"
    );
    w.app
        .user("nguoikhac@test.vn", Role::Applicant, "MOTCUA")
        .await;
    let other = w.app.token("nguoikhac@test.vn").await;
    assert_eq!(
        w.app
            .get(&format!("/api/v1/dossiers/{code}"), Some(&other))
            .await
            .status(),
        404
    );

    act(&w, &w.desk, &code, json!({"action": "receive"})).await;
    let v = act(
        &w,
        &w.desk,
        &code,
        json!({"action": "assign", "unit": "CVT", "officer_id": w.officer_id}),
    )
    .await;
    assert_eq!(v["state"], 4);
    let assign = v["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(assign["data"]["unit"], "CVT");
    assert!(assign["data"]["internal_due_at"].is_string());

    // The officer's queue has it; the applicant's data is not needed to find it.
    let q: Value = w
        .app
        .get("/api/v1/dossiers?mine=true", Some(&w.officer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 1, "{q}");
    assert_eq!(q["items"][0]["code"], code);

    w.app.state.set_clock(vn("2026-03-10 10:00"));
    act(&w, &w.leader, &code, json!({"action": "approve"})).await;
    let result = upload(&w.app, &w.officer).await;
    let v = act(
        &w,
        &w.officer,
        &code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(
        (v["state"].as_i64(), v["outcome"].as_str()),
        (Some(9), Some("early"))
    );
    let v = act(&w, &w.desk, &code, json!({"action": "return_result"})).await;
    assert_eq!(v["state"], 10);
    let actions: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "file",
            "receive",
            "assign",
            "approve",
            "resolve",
            "return_result"
        ]
    );
    assert!(v["allowed_actions"].as_array().unwrap().is_empty());
    assert_eq!(v["files"].as_array().unwrap().len(), 2);

    // Notifications were queued in the same transactions: receipt, result ready, result returned.
    let d = motcua_store::dossier::by_code(w.app.db.conn(), &code)
        .await
        .unwrap()
        .unwrap();
    let topics: Vec<String> = motcua_store::dossier::messages_of(w.app.db.conn(), d.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.topic)
        .collect();
    assert_eq!(topics, ["receipt", "result_ready", "result_returned"]);

    // The public look-up and the rating (once).
    let lookup = filed["lookup_code"].as_str().unwrap();
    let r = w
        .app
        .get(
            &format!("/api/v1/public/dossiers/{code}?lookup={lookup}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    for personal in [
        "Trần Thị Bích Ngọc",
        "001190012345",
        "0912345678",
        "ngoc.tran@example.vn",
        "Hàng Bài",
    ] {
        assert!(!text.contains(personal), "{personal} leaked: {text}");
    }
    let public: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (public["state"].as_i64(), public["can_rate"].as_bool()),
        (Some(10), Some(true))
    );
    assert_eq!(public["steps"].as_array().unwrap().len(), 6);
    let rate = json!({"lookup": lookup, "rating": 5, "note": "Nhanh, chu đáo"});
    let r = w
        .app
        .post_json(
            &format!("/api/v1/public/dossiers/{code}/rating"),
            None,
            &rate,
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = w
        .app
        .post_json(
            &format!("/api/v1/public/dossiers/{code}/rating"),
            None,
            &rate,
        )
        .await;
    assert_eq!(r.status(), 409);
    w.app.stop().await;
}
backend_test!(online_story, an_online_dossier_goes_from_filing_to_return);

async fn counter_and_postal_filings_return_on_the_chosen_channel(backend: Backend) {
    let w = world(backend).await;
    w.app.state.set_clock(vn("2026-03-09 10:00"));
    // At the counter: received at once (state 2), result by post.
    let v = file_counter(&w, "1.004496", "postal").await;
    assert_eq!(v["state"], 2);
    let code = code_of(&v);
    act(
        &w,
        &w.desk,
        &code,
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(&w, &w.leader, &code, json!({"action": "approve"})).await;
    let result = upload(&w.app, &w.leader).await;
    act(
        &w,
        &w.leader,
        &code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    // A postal return needs the tracking number and the delivery attempts, the last delivered.
    let version = get(&w, &w.desk, &code).await["version"].as_i64().unwrap();
    let (s, e) = act_raw(
        &w,
        &w.desk,
        &code,
        Some(version),
        &json!({"action": "return_result"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("tracking_number"))
    );
    let v = act(
        &w,
        &w.desk,
        &code,
        json!({"action": "return_result", "tracking_number": "EB123456789VN", "delivery_attempts": [
        {"at": "2026-03-11T09:00:00+07:00", "outcome": "failed", "note": "Không có người nhận"},
        {"at": "2026-03-12T09:00:00+07:00", "outcome": "delivered"}]}),
    )
    .await;
    assert_eq!(v["state"], 10);
    assert_eq!(
        v["events"].as_array().unwrap().last().unwrap()["data"]["delivery_attempts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // By post: the hand-over time is the legal receipt time.
    let body = json!({
        "procedure_code": "1.004496", "channel": "postal", "applicant": applicant(),
        "components": [{"code": "TP1"}], "return_channel": "counter",
        "postal": {"receipt_no": "PG-2026-000123", "handed_over_at": "2026-03-06T15:30:00+07:00", "fees_vnd": 30000}
    });
    let (s, v) = file(&w, &w.desk, &body).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(instant(&v["received_at"]), vn("2026-03-06 15:30"));
    // Friday 6/3 15:30 + 2 working days = Tuesday 10/3 17:00; the code carries the receipt day.
    assert_eq!(instant(&v["due_at"]), vn("2026-03-10 17:00"));
    assert!(code_of(&v).contains("-260306-"), "{v}");
    // The postal dossier to its return at the counter; the counters know it came by post.
    let postal = code_of(&v);
    act(
        &w,
        &w.desk,
        &postal,
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(&w, &w.leader, &postal, json!({"action": "approve"})).await;
    let result = upload(&w.app, &w.leader).await;
    let v = act(
        &w,
        &w.leader,
        &postal,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(v["outcome"], "early", "{v}");
    let v = act(&w, &w.desk, &postal, json!({"action": "return_result"})).await;
    assert_eq!(
        (v["state"].as_i64(), v["postal_receipt_no"].as_str()),
        (Some(10), Some("PG-2026-000123"))
    );
    w.app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    let par = w.app.token("cchc@test.vn").await;
    let stats: Value = w
        .app
        .get("/api/v1/stats/dossiers?from=2026-03&to=2026-03", Some(&par))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stats["postal"]["received"].as_i64(),
            stats["postal"]["returned"].as_i64()
        ),
        (Some(1), Some(1)),
        "{stats}"
    );
    assert_eq!(stats["returned"]["counter"], 1, "{stats}");
    // Without the hand-over record, or from an applicant's account: refused with the field named.
    let mut no_record = body.clone();
    no_record.as_object_mut().unwrap().remove("postal");
    let (s, v) = file(&w, &w.desk, &no_record).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("postal"))
    );
    let (s, v) = file(&w, &w.applicant, &body).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("channel"))
    );
    w.app.stop().await;
}
backend_test!(
    counter_and_postal,
    counter_and_postal_filings_return_on_the_chosen_channel
);

async fn a_supplement_across_a_holiday_stops_the_clock(backend: Backend) {
    let w = world(backend).await;
    w.app.state.set_clock(vn("2026-04-23 09:00"));
    let v = file_counter(&w, "1.004495", "counter").await;
    let code = code_of(&v);
    // The calendar's own answer for the same receipt (tested on its own in calendar_api).
    let expected: Value = w
        .app
        .get(
            "/api/v1/deadline?received_at=2026-04-23T09:00:00%2B07:00&duration=5d",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(instant(&v["due_at"]), instant(&expected["due_at"]));
    act(
        &w,
        &w.desk,
        &code,
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    w.app.state.set_clock(vn("2026-04-29 10:00"));
    let v = act(&w, &w.officer, &code, json!({"action": "request_supplement", "reason": "Bổ sung bản sao giấy chứng nhận đăng ký doanh nghiệp"})).await;
    assert_eq!(v["state"], 5);
    let f02 = form_text(&w, &w.desk, &code, "02").await.unwrap();
    assert!(
        f02.contains("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
            && f02.contains("Bổ sung bản sao giấy chứng nhận đăng ký doanh nghiệp"),
        "{f02}"
    );
    // A second request is never possible, even after the supplement.
    w.app.state.set_clock(vn("2026-05-04 10:00"));
    let v = act(&w, &w.desk, &code, json!({"action": "supplement"})).await;
    assert_eq!(v["state"], 4);
    // Waited Wednesday 29/4 10:00–17:00 (6 h) and Monday 4/5 08:00–10:00 (2 h): 30/4, 1/5 and the
    // weekend are not working time.
    assert_eq!(v["paused_working_hours"].as_f64(), Some(8.0));
    let six: Value = w
        .app
        .get(
            "/api/v1/deadline?received_at=2026-04-23T09:00:00%2B07:00&duration=6d",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(instant(&v["due_at"]), instant(&six["due_at"]), "{v}");
    let (s, e) = act_raw(
        &w,
        &w.officer,
        &code,
        Some(v["version"].as_i64().unwrap()),
        &json!({"action": "request_supplement", "reason": "lần hai"}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert!(
        !e["error"]["details"]["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "request_supplement")
    );
    // Finished within the moved appointment: on time, with the pause recorded.
    w.app.state.set_clock(vn("2026-05-06 16:00"));
    act(&w, &w.leader, &code, json!({"action": "approve"})).await;
    let result = upload(&w.app, &w.officer).await;
    let v = act(
        &w,
        &w.officer,
        &code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(v["outcome"], "on_time", "{v}");
    w.app.stop().await;
}
backend_test!(
    supplement_across_holiday,
    a_supplement_across_a_holiday_stops_the_clock
);

async fn a_late_dossier_gets_one_apology_and_is_counted_late(backend: Backend) {
    let w = world(backend).await;
    w.app.state.set_clock(vn("2026-03-02 09:00"));
    let code = code_of(&file_online(&w, "1.004496").await);
    act(&w, &w.desk, &code, json!({"action": "receive"})).await;
    act(
        &w,
        &w.desk,
        &code,
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    // Due Wednesday 4/3 17:00. On the due day it is too late to apologise.
    w.app.state.set_clock(vn("2026-03-04 09:00"));
    let version = get(&w, &w.officer, &code).await["version"]
        .as_i64()
        .unwrap();
    let extend = json!({"action": "extend", "reason": "Cần lấy ý kiến Cục Viễn thông", "new_due_date": "2026-03-06"});
    let (s, e) = act_raw(&w, &w.officer, &code, Some(version), &extend).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("new_due_date")),
        "{e}"
    );
    // The day before, it is allowed, once.
    w.app.state.set_clock(vn("2026-03-03 15:00"));
    let v = act(&w, &w.officer, &code, extend.clone()).await;
    assert_eq!(instant(&v["due_at"]), vn("2026-03-06 17:00"));
    assert_eq!(instant(&v["original_due_at"]), vn("2026-03-04 17:00"));
    let (s, _) = act_raw(
        &w,
        &w.officer,
        &code,
        Some(v["version"].as_i64().unwrap()),
        &extend,
    )
    .await;
    assert_eq!(s, 409);
    // Overdue against the first appointment: the queue shows it when the new date has passed too.
    w.app.state.set_clock(vn("2026-03-09 10:00"));
    let q: Value = w
        .app
        .get("/api/v1/dossiers?due=overdue", Some(&w.officer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 1, "{q}");
    act(&w, &w.leader, &code, json!({"action": "approve"})).await;
    let result = upload(&w.app, &w.officer).await;
    let v = act(
        &w,
        &w.officer,
        &code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(v["outcome"], "late");
    // Resolved, it waits for collection: no longer in the overdue queue.
    let q: Value = w
        .app
        .get("/api/v1/dossiers?due=overdue", Some(&w.officer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 0, "{q}");
    let d = motcua_store::dossier::by_code(w.app.db.conn(), &code)
        .await
        .unwrap()
        .unwrap();
    let topics: Vec<String> = motcua_store::dossier::messages_of(w.app.db.conn(), d.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.topic)
        .collect();
    assert!(topics.contains(&"apology".to_owned()), "{topics:?}");
    w.app.stop().await;
}
backend_test!(
    late_with_apology,
    a_late_dossier_gets_one_apology_and_is_counted_late
);

async fn refusal_and_withdrawal_end_a_dossier(backend: Backend) {
    let w = world(backend).await;
    let code = code_of(&file_online(&w, "1.004495").await);
    let version = get(&w, &w.desk, &code).await["version"].as_i64().unwrap();
    let (s, e) = act_raw(
        &w,
        &w.desk,
        &code,
        Some(version),
        &json!({"action": "refuse"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let v = act(
        &w,
        &w.desk,
        &code,
        json!({"action": "refuse", "reason": "Thủ tục không thuộc thẩm quyền của Bộ"}),
    )
    .await;
    assert_eq!(v["state"], 3);
    let (s, e) = act_raw(
        &w,
        &w.desk,
        &code,
        Some(v["version"].as_i64().unwrap()),
        &json!({"action": "receive"}),
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(e["error"]["code"], "action_not_allowed");
    assert_eq!(e["error"]["details"]["allowed_actions"], json!([]));

    // The applicant withdraws another one; an officer may not withdraw on the applicant's behalf.
    let code = code_of(&file_online(&w, "1.004495").await);
    let version = get(&w, &w.desk, &code).await["version"].as_i64().unwrap();
    let (s, e) = act_raw(
        &w,
        &w.officer,
        &code,
        Some(version),
        &json!({"action": "withdraw"}),
    )
    .await;
    assert!(s == 404 || s == 409, "{s} {e}");
    let v = act(
        &w,
        &w.applicant,
        &code,
        json!({"action": "withdraw", "reason": "Nộp nhầm thủ tục"}),
    )
    .await;
    assert_eq!(v["state"], 7);
    w.app.stop().await;
}
backend_test!(refusal_and_withdrawal, refusal_and_withdrawal_end_a_dossier);

async fn bad_input_is_refused_with_the_field_named(backend: Backend) {
    let w = world_with(backend, |c| c.upload_limit_bytes = 4096).await;
    // Too large: 413. A file that is not what its name says: refused.
    let r = upload_named(&w.app, &w.applicant, "to.pdf", &[b'%'; 10_000]).await;
    assert_eq!(r.status(), 413);
    let r = upload_named(
        &w.app,
        &w.applicant,
        "anh-chup.pdf",
        b"\x89PNG\r\n\x1a\nnot a pdf",
    )
    .await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["details"]["fields"][0]["field"], "file");
    let r = upload_named(&w.app, &w.applicant, "virus.exe", b"MZ\x90\x00").await;
    assert_eq!(r.status(), 422);
    let r = upload_named(&w.app, &w.applicant, "don.pdf", PDF).await;
    let up: Value = r.json().await.unwrap();
    assert_eq!(up["size"].as_u64(), Some(PDF.len() as u64));
    assert_eq!(up["sha256"].as_str().unwrap().len(), 64);

    // Missing required component, bad applicant fields, unknown procedure: all fields named.
    let (s, v) = file(&w, &w.applicant, &json!({
        "procedure_code": "1.004495", "channel": "online",
        "applicant": {"kind": "citizen", "name": "", "id_number": "123", "phone": "12345", "email": "không-phải-thư"},
        "components": [{"code": "TP2", "upload_ids": [up["id"]]}], "return_channel": "online"
    })).await;
    assert_eq!(s, 422, "{v}");
    let fields: Vec<&str> = v["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in [
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "applicant.email",
        "components.TP1",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    assert!(
        v["error"]["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["message"].as_str().unwrap().is_empty())
    );
    let (s, v) = file(&w, &w.applicant, &json!({"procedure_code": "9.999999", "channel": "online", "applicant": applicant(), "return_channel": "online"})).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("procedure_code"))
    );
    let (s, _) = file(&w, &w.officer, &json!({"procedure_code": "1.004495", "channel": "counter", "applicant": applicant(), "return_channel": "counter"})).await;
    assert_eq!(s, 403);
    // Nothing was half-written: no dossier exists yet, and the upload is still free to use.
    let q: Value = w
        .app
        .get("/api/v1/dossiers", Some(&w.desk))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 0);

    // Actions: If-Match required (428), stale (409), unknown action (422).
    let code = code_of(&file_online(&w, "1.004495").await);
    let (s, _) = act_raw(&w, &w.desk, &code, None, &json!({"action": "receive"})).await;
    assert_eq!(s, 428);
    let (s, _) = act_raw(&w, &w.desk, &code, Some(7), &json!({"action": "receive"})).await;
    assert_eq!(s, 409);
    let (s, e) = act_raw(
        &w,
        &w.desk,
        &code,
        Some(1),
        &json!({"action": "approve_all"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("action"))
    );
    let (s, e) = act_raw(&w, &w.desk, &code, Some(1), &json!({"action": "resolve"})).await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(
        e["error"]["details"]["allowed_actions"],
        json!(["receive", "refuse", "withdraw"])
    );
    w.app.stop().await;
}
backend_test!(bad_input, bad_input_is_refused_with_the_field_named);

async fn two_officers_acting_at_once_one_wins(backend: Backend) {
    let w = world(backend).await;
    w.app
        .user("motcua2@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let desk2 = w.app.token("motcua2@test.vn").await;
    for _ in 0..5 {
        let code = code_of(&file_online(&w, "1.004495").await);
        let (ja, jb) = (
            json!({"action": "receive"}),
            json!({"action": "refuse", "reason": "Không thuộc thẩm quyền"}),
        );
        let a = act_raw(&w, &w.desk, &code, Some(1), &ja);
        let b = act_raw(&w, &desk2, &code, Some(1), &jb);
        let ((sa, _), (sb, _)) = tokio::join!(a, b);
        let mut got = [sa, sb];
        got.sort_unstable();
        assert_eq!(got, [200, 409], "{code}");
        let v = get(&w, &w.desk, &code).await;
        assert_eq!(v["version"], 2);
        assert_eq!(v["events"].as_array().unwrap().len(), 2);
    }
    w.app.stop().await;
}
backend_test!(concurrent_actions, two_officers_acting_at_once_one_wins);

async fn retries_with_the_same_key_file_once(backend: Backend) {
    let w = world(backend).await;
    let up = upload(&w.app, &w.applicant).await;
    let body = json!({"procedure_code": "1.004495", "channel": "online", "applicant": applicant(),
        "components": [{"code": "TP1", "upload_ids": [up]}], "return_channel": "online"});
    let send = |key: &'static str, body: Value| {
        let client = w.app.client();
        let url = w.app.url("/api/v1/dossiers");
        let token = w.applicant.clone();
        async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let s = r.status().as_u16();
            (s, r.json::<Value>().await.unwrap())
        }
    };
    // Five concurrent retries of one request: one dossier.
    let results = futures_join(vec![
        send("k-1", body.clone()),
        send("k-1", body.clone()),
        send("k-1", body.clone()),
        send("k-1", body.clone()),
        send("k-1", body.clone()),
    ])
    .await;
    let codes: std::collections::BTreeSet<String> = results
        .iter()
        .map(|(s, v)| {
            assert!(*s == 201 || *s == 200, "{s} {v}");
            code_of(v)
        })
        .collect();
    assert_eq!(codes.len(), 1, "{results:?}");
    assert_eq!(results.iter().filter(|(s, _)| *s == 201).count(), 1);
    let first = &results[0].1;
    assert!(
        results
            .iter()
            .all(|(_, v)| v["lookup_code"] == first["lookup_code"])
    );
    // The same key with another body: 422.
    let mut other = body.clone();
    other["return_channel"] = json!("counter");
    let (s, v) = send("k-1", other).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("Idempotency-Key"))
    );
    let q: Value = w
        .app
        .get("/api/v1/dossiers", Some(&w.desk))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 1);
    w.app.stop().await;
}
backend_test!(idempotent_retry, retries_with_the_same_key_file_once);

async fn futures_join<F: std::future::Future<Output = (u16, Value)> + Send + 'static>(
    fs: Vec<F>,
) -> Vec<(u16, Value)> {
    let handles: Vec<_> = fs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn a_lookup_leaks_nothing(backend: Backend) {
    let w = world(backend).await;
    let filed = file_online(&w, "1.004495").await;
    let code = code_of(&filed);
    let unknown = w
        .app
        .get(
            "/api/v1/public/dossiers/000.00.00.G22-260101-999999?lookup=ABCDEFGH",
            None,
        )
        .await;
    let wrong = w
        .app
        .get(
            &format!("/api/v1/public/dossiers/{code}?lookup=ABCDEFGH"),
            None,
        )
        .await;
    assert_eq!(
        (unknown.status(), wrong.status()),
        (
            reqwest::StatusCode::NOT_FOUND,
            reqwest::StatusCode::NOT_FOUND
        )
    );
    let strip = |v: Value| {
        let mut e = v["error"].clone();
        e.as_object_mut().unwrap().remove("operation_id");
        e
    };
    assert_eq!(
        strip(unknown.json().await.unwrap()),
        strip(wrong.json().await.unwrap())
    );
    // Case does not matter for the look-up code; personal data never appears.
    let lower = filed["lookup_code"].as_str().unwrap().to_lowercase();
    let ok: Value = w
        .app
        .get(
            &format!("/api/v1/public/dossiers/{code}?lookup={lower}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ok["state"], 1);
    assert!(ok.get("applicant").is_none() && !ok.to_string().contains("Trần Thị"));
    w.app.stop().await;
}
backend_test!(lookup_leaks_nothing, a_lookup_leaks_nothing);

/// Counters per (month, channel) recomputed from the event log alone, by rules written here.
async fn recount(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let mut c: BTreeMap<&'static str, i64> = BTreeMap::new();
    let ds = motcua_store::dossier::received_between(
        app.db.conn(),
        app_agency(app).await,
        vn("2000-01-01 00:00"),
        vn("2100-01-01 00:00"),
    )
    .await
    .unwrap();
    for d in ds {
        let events = motcua_store::dossier::events(app.db.conn(), d.id)
            .await
            .unwrap();
        let mut received = false;
        for e in &events {
            match e.action.as_str() {
                "file" | "receive" if e.to_state == 2 => {
                    received = true;
                    *c.entry("received").or_default() += 1;
                    if d.channel == "postal" {
                        *c.entry("received_postal").or_default() += 1;
                    }
                }
                "file" => *c.entry("submitted").or_default() += 1,
                "refuse" | "withdraw" | "stop" => {
                    *c.entry(match e.action.as_str() {
                        "refuse" => "refused",
                        "withdraw" => "withdrawn",
                        _ => "stopped",
                    })
                    .or_default() += 1;
                    if received {
                        *c.entry("finished").or_default() += 1;
                    }
                }
                "resolve" => {
                    *c.entry("finished").or_default() += 1;
                    let data: Value = serde_json::from_str(&e.data).unwrap();
                    let key = match data["outcome"].as_str().unwrap() {
                        "early" => "resolved_early",
                        "on_time" => "resolved_on_time",
                        _ => "resolved_late",
                    };
                    *c.entry(key).or_default() += 1;
                }
                "return_result" => {
                    let data: Value = serde_json::from_str(&e.data).unwrap();
                    let key = match data["channel"].as_str().unwrap() {
                        "online" => "returned_online",
                        "postal" => "returned_postal",
                        _ => "returned_counter",
                    };
                    *c.entry(key).or_default() += 1;
                }
                "request_supplement" => *c.entry("supplement_requests").or_default() += 1,
                _ => {}
            }
        }
    }
    c
}

async fn app_agency(app: &TestApp) -> uuid::Uuid {
    motcua_store::org::agencies(app.db.conn()).await.unwrap()[0].id
}

async fn statistics_story(backend: Backend) {
    let w = world(backend).await;
    w.app.state.set_clock(vn("2026-03-02 09:00"));
    let mut codes = Vec::new();
    for i in 0..6 {
        let code = if i % 2 == 0 {
            code_of(&file_online(&w, "1.004495").await)
        } else {
            code_of(&file_counter(&w, "1.004496", "counter").await)
        };
        codes.push(code);
    }
    act(
        &w,
        &w.desk,
        &codes[0],
        json!({"action": "refuse", "reason": "Sai thẩm quyền"}),
    )
    .await;
    act(
        &w,
        &w.desk,
        &codes[1],
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(
        &w,
        &w.leader,
        &codes[1],
        json!({"action": "stop", "reason": "Doanh nghiệp giải thể"}),
    )
    .await;
    act(&w, &w.desk, &codes[2], json!({"action": "receive"})).await;
    act(
        &w,
        &w.desk,
        &codes[2],
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(&w, &w.leader, &codes[2], json!({"action": "approve"})).await;
    let r = upload(&w.app, &w.leader).await;
    act(
        &w,
        &w.leader,
        &codes[2],
        json!({"action": "resolve", "upload_ids": [r]}),
    )
    .await;
    act(&w, &w.desk, &codes[2], json!({"action": "return_result"})).await;
    act(
        &w,
        &w.desk,
        &codes[3],
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(
        &w,
        &w.officer,
        &codes[3],
        json!({"action": "request_supplement", "reason": "Bổ sung bản sao"}),
    )
    .await;
    act(&w, &w.applicant, &codes[4], json!({"action": "withdraw"})).await;
    // Next month: one resolved late, after its appointment.
    w.app.state.set_clock(vn("2026-04-06 09:00"));
    act(
        &w,
        &w.desk,
        &codes[5],
        json!({"action": "assign", "unit": "CVT"}),
    )
    .await;
    act(&w, &w.leader, &codes[5], json!({"action": "approve"})).await;
    let r = upload(&w.app, &w.leader).await;
    let v = act(
        &w,
        &w.leader,
        &codes[5],
        json!({"action": "resolve", "upload_ids": [r]}),
    )
    .await;
    assert_eq!(v["outcome"], "late");
    // And a postal filing in April.
    let (s, _) = file(&w, &w.desk, &json!({"procedure_code": "1.004496", "channel": "postal", "applicant": applicant(), "components": [{"code": "TP1"}], "return_channel": "counter", "postal": {"receipt_no": "PG-1", "handed_over_at": "2026-04-03T10:00:00+07:00"}})).await;
    assert_eq!(s, 201);

    w.app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    let par = w.app.token("cchc@test.vn").await;
    let stats: Value = w
        .app
        .get("/api/v1/stats/dossiers?from=2026-01&to=2026-12", Some(&par))
        .await
        .json()
        .await
        .unwrap();
    let expected = recount(&w.app).await;
    let got = |path: &str| -> i64 {
        let mut v = &stats;
        for p in path.split('.') {
            v = &v[p];
        }
        v.as_i64().unwrap_or_else(|| panic!("{path} in {stats}"))
    };
    let e = |k: &str| expected.get(k).copied().unwrap_or(0);
    assert_eq!(got("received.new"), e("received"), "{stats}");
    assert_eq!(got("received.online_submitted"), e("submitted"));
    assert_eq!(got("finished"), e("finished"));
    assert_eq!(got("refused"), e("refused"));
    assert_eq!(got("withdrawn"), e("withdrawn"));
    assert_eq!(got("stopped"), e("stopped"));
    assert_eq!(got("resolved.early"), e("resolved_early"));
    assert_eq!(got("resolved.on_time"), e("resolved_on_time"));
    assert_eq!(got("resolved.late"), e("resolved_late"));
    assert_eq!(got("returned.counter"), e("returned_counter"));
    assert_eq!(got("postal.received"), e("received_postal"));
    assert_eq!(got("supplement_requests"), e("supplement_requests"));
    // The story's own numbers, so that the recount itself is checked.
    assert_eq!(
        (
            got("received.new"),
            got("received.online_submitted"),
            got("finished")
        ),
        (5, 3, 3),
        "{stats}"
    );
    // Open now (6/4): the one waiting for a supplement (asked before its appointment) and the
    // postal filing, both within time.
    assert_eq!(
        (
            got("in_process_now.within_time"),
            got("in_process_now.overdue")
        ),
        (2, 0),
        "{stats}"
    );
    // April alone carries over what March left open: 3 received in March (codes 1, 3, 5 at the
    // counter) + 1 online received (code 2) − finished in March (stopped 1, resolved 1; the online
    // one withdrawn before receipt was never received, so it neither adds nor finishes).
    let april: Value = w
        .app
        .get("/api/v1/stats/dossiers?from=2026-04&to=2026-04", Some(&par))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(april["received"]["carried_over"], 2, "{april}");
    assert_eq!(april["resolved"]["late"], 1);
    // The export lists every dossier received, without personal data.
    let r = w
        .app
        .get(
            "/api/v1/dossiers/export?from=2026-03-01&to=2026-04-30",
            Some(&par),
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "code,procedure,channel,received_at,due_at,resolved_at,returned_at,return_channel,outcome,supplement_count,paused_working_hours"
    );
    assert_eq!(lines.len(), 1 + 7);
    assert!(!csv.contains("Trần Thị"));
    // Officers have no statistics; unit leaders only their own units'.
    assert_eq!(
        w.app
            .get(
                "/api/v1/stats/dossiers?from=2026-01&to=2026-12",
                Some(&w.officer)
            )
            .await
            .status(),
        403
    );
    let leader: Value = w
        .app
        .get(
            "/api/v1/stats/dossiers?from=2026-01&to=2026-12",
            Some(&w.leader),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(leader["received"]["new"], 5);
    let r = w
        .app
        .get("/api/v1/stats/dossiers?from=2026-13&to=2026-12", Some(&par))
        .await;
    assert_eq!(r.status(), 422);
    w.app.stop().await;
}
backend_test!(statistics_recount, statistics_story);
