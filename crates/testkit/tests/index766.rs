//! The Decision 766 index over HTTP on both backends: dossiers filed, processed and rated through
//! the API, then every computed indicator compared with the counts this test knows from its own
//! actions; indicators motcua holds no data for say so; the unit's page and the ranking carry the
//! index; bad periods and units are refused beside the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn vn(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_str(&format!("{s} +0700"), "%Y-%m-%d %H:%M %z")
        .unwrap()
        .with_timezone(&Utc)
}

fn applicant() -> Value {
    json!({"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345", "phone": "0912345678", "email": "ngoc.tran@example.vn", "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội"})
}

async fn upload(app: &TestApp, token: &str) -> String {
    app.upload(token, "don-de-nghi.pdf", "application/pdf", PDF)
        .await
}

async fn file(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_json("/api/v1/dossiers", Some(token), &body).await;
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    v
}

async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    app.act(token, code, body).await
}

fn indicator<'a>(unit: &'a Value, id: &str) -> &'a Value {
    unit["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id} in {unit}"))
}

fn fraction(unit: &Value, id: &str) -> (Option<f64>, Option<f64>) {
    let i = indicator(unit, id);
    (i["numerator"].as_f64(), i["denominator"].as_f64())
}

async fn index_over_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let officer_id = app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    // Two procedures of unit CVT, both offered online (toàn trình), decided on 03/05/2027.
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    app.publish_procedure(&editor, "1.004496", "Sửa đổi giấy phép bưu chính", 2.0)
        .await;
    let applicant_t = app.token("congdan@test.vn").await;
    let desk = app.token("motcua@test.vn").await;
    let officer = app.token("chuyenvien@test.vn").await;
    let leader = app.token("lanhdao@test.vn").await;

    // March 2026: two online filings with their files, one at the counter with no file scanned.
    app.state.set_clock(vn("2026-03-09 09:00"));
    let mut codes = Vec::new();
    let mut lookups = Vec::new();
    for _ in 0..2 {
        let up = upload(&app, &applicant_t).await;
        let v = file(
            &app,
            &applicant_t,
            json!({"procedure_code": "1.004495", "channel": "online", "applicant": applicant(),
                   "components": [{"code": "TP1", "upload_ids": [up]}], "return_channel": "online"}),
        )
        .await;
        codes.push(v["code"].as_str().unwrap().to_owned());
        lookups.push(v["lookup_code"].as_str().unwrap().to_owned());
    }
    let counter = file(
        &app,
        &desk,
        json!({"procedure_code": "1.004495", "channel": "counter", "applicant": applicant(),
               "components": [{"code": "TP1", "upload_ids": []}], "return_channel": "counter"}),
    )
    .await;
    let counter_code = counter["code"].as_str().unwrap().to_owned();

    // The first online dossier: resolved with a signed-off result file, returned, rated 1 of 5.
    let first = codes[0].clone();
    act(&app, &desk, &first, json!({"action": "receive"})).await;
    act(
        &app,
        &desk,
        &first,
        json!({"action": "assign", "unit": "CVT", "officer_id": officer_id}),
    )
    .await;
    app.state.set_clock(vn("2026-03-10 10:00"));
    act(&app, &leader, &first, json!({"action": "approve"})).await;
    let result = upload(&app, &officer).await;
    let v = act(
        &app,
        &officer,
        &first,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(v["state"], 9);
    act(&app, &desk, &first, json!({"action": "return_result"})).await;
    let r = app
        .post_json(
            &format!("/api/v1/public/dossiers/{first}/rating"),
            None,
            &json!({"lookup": lookups[0], "rating": 1, "note": "Chờ lâu"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // The counter dossier: resolved too (motcua needs the result document to resolve).
    act(
        &app,
        &desk,
        &counter_code,
        json!({"action": "assign", "unit": "CVT", "officer_id": officer_id}),
    )
    .await;
    act(&app, &leader, &counter_code, json!({"action": "approve"})).await;
    let result = upload(&app, &officer).await;
    let v = act(
        &app,
        &officer,
        &counter_code,
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    assert_eq!(v["state"], 9);

    // The second online dossier: received and still being processed, within its time.
    act(&app, &desk, &codes[1], json!({"action": "receive"})).await;

    // What this test did, counted by hand:
    // received 3 (2 online); resolved 2, both on time (resolved the next day of 5 working days),
    // both with their result file, 1 rated "not satisfied"; 1 open, not overdue;
    // digitised: the 2 online (files; the resolved one has its result file), not the counter one.
    let r = app
        .get("/api/v1/index766?period=2026-03", Some(&leader))
        .await;
    assert_eq!(r.status(), 200);
    let idx: Value = r.json().await.unwrap();
    assert_eq!(idx["period"], "2026-03");
    assert_eq!(idx["label"], "tháng 3/2026");
    let agency = &idx["agency"];
    assert_eq!(fraction(agency, "2.1"), (Some(3.0), Some(3.0)), "{agency}");
    assert_eq!(fraction(agency, "3.3"), (Some(2.0), Some(3.0)));
    assert_eq!(fraction(agency, "3.2"), (Some(1.0), Some(2.0)));
    assert_eq!(fraction(agency, "3.1"), (Some(2.0), Some(2.0)));
    assert_eq!(fraction(agency, "4.1"), (Some(2.0), Some(2.0)));
    assert_eq!(fraction(agency, "4.2"), (Some(2.0), Some(3.0)));
    // 5.4: 100% − (late 0/2 + not satisfied 1/2) = 50%, scored 0.5 × 6 / 0.9 = 3.33 of 6.
    assert_eq!(fraction(agency, "5.4"), (Some(1.0), Some(2.0)));
    assert_eq!(indicator(agency, "5.4")["score"].as_f64(), Some(3.33));
    assert_eq!(indicator(agency, "5.4")["max"].as_f64(), Some(6.0));
    // 2.1 at 100% carries group 2's 20 points; 3.3 at 66.7% is above its 50% threshold.
    assert_eq!(indicator(agency, "2.1")["score"].as_f64(), Some(20.0));
    assert_eq!(indicator(agency, "3.3")["attainment"].as_f64(), Some(100.0));
    assert_eq!(indicator(agency, "4.2")["attainment"].as_f64(), Some(83.33));
    assert_eq!(indicator(agency, "2.2")["denominator"].as_f64(), Some(2.0));
    // The procedures were decided in 2027: nothing decided in March 2026 (no data, not 0%).
    assert!(indicator(agency, "1.1")["value"].is_null());
    assert_eq!(
        indicator(agency, "1.1")["no_data"],
        "không có số liệu trong kỳ"
    );
    // Data motcua does not hold: said, never guessed.
    for id in ["1.4", "3.5", "3.6", "4.3", "4.4", "4.5", "5.2"] {
        let i = indicator(agency, id);
        assert!(i["value"].is_null(), "{i}");
        assert!(
            i["no_data"].as_str().unwrap().starts_with("motcua chưa"),
            "{i}"
        );
    }
    // Group 2's points: 2.1 only (2.2 is shown, not scored).
    let g2 = agency["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == 2)
        .unwrap();
    assert_eq!(
        (g2["score"].as_f64(), g2["scored_max"].as_f64()),
        (Some(20.0), Some(20.0))
    );
    // Every dossier was received by unit CVT: its index is the agency's.
    let units = idx["units"].as_array().unwrap();
    let cvt = units
        .iter()
        .find(|u| u["code"] == "CVT")
        .unwrap_or_else(|| panic!("CVT not in {units:?}"));
    for id in ["2.1", "3.2", "3.3", "4.1", "4.2", "5.4"] {
        assert_eq!(fraction(cvt, id), fraction(agency, id), "{id}");
    }
    // What pulls CVT down, lowest first: 3.2 (50% of 100%), 5.4 (50% of 90%), 4.2 (66.7% of
    // 80%); 2.1, 3.3 and 4.1 are at full marks.
    let below: Vec<&str> = cvt["below"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let order: Vec<&str> = below
        .iter()
        .copied()
        .filter(|i| ["3.2", "5.4", "4.2"].contains(i))
        .collect();
    assert_eq!(order, ["3.2", "5.4", "4.2"], "{cvt}");
    for full in ["2.1", "3.3", "4.1"] {
        assert!(!below.contains(&full), "{full} in {cvt}");
    }

    // The quarter holds the same dossiers; April has none (no data, not 0% or 100%).
    let q1: Value = app
        .get("/api/v1/index766?period=2026-Q1", Some(&leader))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q1["label"], "quý I/2026");
    assert_eq!(fraction(&q1["agency"], "4.2"), (Some(2.0), Some(3.0)));
    let april: Value = app
        .get("/api/v1/index766?period=2026-04", Some(&leader))
        .await
        .json()
        .await
        .unwrap();
    assert!(indicator(&april["agency"], "3.3")["value"].is_null());
    // The year 2027 holds the publication decisions: both announced ≥ 20 working days before
    // the law takes effect (1.1).
    let y2027: Value = app
        .get("/api/v1/index766?period=2027", Some(&leader))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fraction(&y2027["agency"], "1.1"), (Some(2.0), Some(2.0)));

    // One unit only; the CSV download.
    let one: Value = app
        .get("/api/v1/index766?period=2026-03&unit=CVT", Some(&leader))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["units"].as_array().unwrap().len(), 1);
    let r = app
        .get("/api/v1/index766?period=2026-03&format=csv", Some(&leader))
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Tên chỉ số"), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.contains(";5.4;") && l.contains(";3.33;")),
        "{csv}"
    );

    // Bad input, beside the field.
    for (q, field) in [
        ("period=2026-13", "period"),
        ("period=2026-Q5", "period"),
        ("period=abc", "period"),
        ("period=2026-03&unit=KHONGCO", "unit"),
        ("period=2026-03&format=pdf", "format"),
    ] {
        let r = app
            .get(&format!("/api/v1/index766?{q}"), Some(&leader))
            .await;
        assert_eq!(r.status(), 422, "{q}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["details"]["fields"][0]["field"], field, "{v}");
    }
    // An applicant has no access.
    assert_eq!(
        app.get("/api/v1/index766", Some(&applicant_t))
            .await
            .status(),
        403
    );

    // The public statistics of the same month, for anyone: aggregates only.
    let r = app.get("/thong-ke?tu=2026-03&den=2026-03", None).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<dt>Hồ sơ tiếp nhận</dt><dd>3</dd>")
            && html.contains("<dt>Nộp trực tuyến</dt><dd>66,7%</dd>")
            && html.contains("<dt>Giải quyết đúng hạn, trước hạn</dt><dd>100,0%</dd>"),
        "{html}"
    );
    assert!(!html.contains("Trần Thị Bích Ngọc") && !html.contains(&first));
    let csv = app
        .get(
            "/thong-ke/tai-ve.csv?tu=2026-03&den=2026-03&don_vi=CVT",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    // One line for the procedure in March: 3 received, 2 online, 0 by post, 2 on time, 0 late.
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2026-03;") && l.ends_with(";1.004495;3;2;0;2;0;1")),
        "{csv}"
    );
    let html = app
        .get("/thong-ke?tu=2026-13&den=x", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Chọn tháng đầu và tháng cuối"));

    // The pages: the index, and CVT's page with what pulls it down.
    let b = app.signed_in_browser("lanhdao@test.vn").await;
    let page = b
        .get(app.url("/ke-hoach/chi-so-766?ky=2026-03"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Chỉ số chất lượng phục vụ"), "{html}");
    assert!(html.contains("3,33 / 6"), "{html}");
    assert!(html.contains("motcua chưa kết nối nền tảng thanh toán trực tuyến"));
    let cvt_id = cvt["unit_id"].as_str().unwrap();
    let page = b
        .get(app.url(&format!("/ke-hoach/don-vi/{cvt_id}?nam=2026")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Điều làm giảm điểm"), "{html}");
    assert!(html.contains("Chỉ số 766 3.2"), "{html}");
    app.stop().await;
}

backend_test!(index, index_over_the_api);
