//! The plan's registers on both backends: items added one by one and imported from XLSX (a file
//! with bad rows is refused whole, every problem named by row and column, nothing added); progress
//! recorded with evidence and confirmed by the person who recorded it (a counting status without
//! evidence is refused, so is another unit's leader); the register targets of the scorecard follow
//! the items (no data without items, never 0% or 100%), and the register's page lists them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app.post_json(path, Some(token), &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn target(app: &TestApp, token: &str, year: i32, id: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/plans/{year}/scorecard"), Some(token))
        .await;
    assert_eq!(r.status(), 200);
    let card: Value = r.json().await.unwrap();
    card["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap()
        .clone()
}

async fn import(app: &TestApp, token: &str, path: &str, rows: &[Vec<String>]) -> (u16, Value) {
    let header = motcua_app::plan::registers::IMPORT_HEADER;
    let bytes = motcua_render::table::xlsx("So", &header, rows).unwrap();
    let r = app
        .client()
        .post(app.url(path))
        .bearer_auth(token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

async fn registers_feed_the_scorecard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("lanhdao-ttt@test.vn", Role::UnitLeader, "TTTT")
        .await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("chanhvanphong@test.vn", Role::UnitLeader, "VP")
        .await;
    let (office, leader, other_leader, officer) = (
        app.token("cchc@test.vn").await,
        app.token("lanhdao@test.vn").await,
        app.token("lanhdao-ttt@test.vn").await,
        app.token("chuyenvien@test.vn").await,
    );
    // This year's plan: its period is still running, so a target below its threshold is at risk.
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let (s, plan) = post(&app, &office, "/api/v1/plans", json!({"year": year})).await;
    assert_eq!(s, 201, "{plan}");
    let (s, _) = post(&app, &officer, "/api/v1/plans", json!({"year": year + 1})).await;
    assert_eq!(s, 403, "an officer does not keep the plan");
    let (s, again) = post(&app, &office, "/api/v1/plans", json!({"year": year})).await;
    assert_eq!(s, 409, "one plan per year: {again}");
    assert_eq!(
        again["error"]["message"],
        format!("đã có kế hoạch cải cách hành chính năm {year}"),
        "{again}"
    );

    let t11 = target(&app, &office, year, "T1.1").await;
    assert_eq!(
        (t11["status"].as_str(), t11["value"].clone()),
        (Some("no_data"), Value::Null)
    );

    // One by one; refusals beside the field.
    let base = format!("/api/v1/plans/{year}/registers/t1_1");
    let (s, e) = post(&app, &office, &base, json!({"title": "  "})).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("title"))
    );
    let (s, e) = post(
        &app,
        &office,
        &base,
        json!({"title": "Nhiệm vụ", "unit": "KHONG-CO"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("unit"))
    );
    let (s, _) = post(
        &app,
        &office,
        &format!("/api/v1/plans/{year}/registers/t9_9"),
        json!({"title": "x"}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = post(&app, &leader, &base, json!({"title": "x"})).await;
    assert_eq!(s, 403, "items are added by the reform office");
    let (s, first) = post(&app, &office, &base, json!({
        "title": "Xây dựng Nghị định về quản lý dịch vụ bưu chính", "unit": "CVT", "due_date": "2026-06-30"
    })).await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["status"], "planned");

    // A file with bad rows: refused whole, each problem named.
    let (s, e) = import(
        &app,
        &office,
        &format!("{base}/import"),
        &[
            row(&[
                "Báo cáo Thủ tướng về chuyển đổi số",
                "CVT",
                "2026-09-30",
                "",
                "",
                "",
            ]),
            row(&["", "CVT", "31/02/2026", "", "", ""]),
            row(&["Đề án xã hội số", "KHONG-CO", "", "xong", "", ""]),
        ],
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("import_rejected")),
        "{e}"
    );
    let problems: Vec<(i64, String)> = e["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for want in [
        (3, "Nội dung"),
        (3, "Hạn hoàn thành"),
        (4, "Đơn vị chủ trì"),
        (4, "Trạng thái"),
    ] {
        assert!(
            problems.contains(&(want.0, want.1.to_owned())),
            "{want:?} in {problems:?}"
        );
    }
    let r = app.get(&base, Some(&office)).await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing half-imported"
    );
    let (s, e) = import(&app, &office, &format!("{base}/import"), &[]).await;
    assert_eq!(s, 422, "{e}");
    let (s, ok) = import(
        &app,
        &office,
        &format!("{base}/import"),
        &[
            row(&[
                "Báo cáo Thủ tướng về chuyển đổi số",
                "CVT",
                "2026-09-30",
                "",
                "",
                "",
            ]),
            row(&[
                "Tổng kết Nghị quyết 76/NQ-CP",
                "VP",
                "15/12/2026",
                "in_progress",
                "",
                "giao Văn phòng",
            ]),
            row(&["Nhiệm vụ đã điều chỉnh", "VP", "", "cancelled", "", ""]),
        ],
    )
    .await;
    assert_eq!((s, ok["imported"].as_u64()), (201, Some(3)), "{ok}");

    // 4 items, one cancelled: 0 of 3 done, at risk while the year runs.
    let t11 = target(&app, &office, year, "T1.1").await;
    assert_eq!(
        (t11["numerator"].as_f64(), t11["denominator"].as_f64()),
        (Some(0.0), Some(3.0)),
        "{t11}"
    );

    // Progress: done needs evidence; the leader of the responsible unit confirms with a file.
    let id = first["id"].as_str().unwrap().to_owned();
    let record = format!("/api/v1/register-items/{id}");
    let (s, e) = post(
        &app,
        &leader,
        &record,
        json!({"version": 1, "status": "done"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("evidence_upload_ids")),
        "{e}"
    );
    let (s, _) = post(
        &app,
        &other_leader,
        &record,
        json!({"version": 1, "status": "in_progress"}),
    )
    .await;
    assert_eq!(s, 403, "another unit's leader");
    let (s, _) = post(
        &app,
        &officer,
        &record,
        json!({"version": 1, "status": "in_progress"}),
    )
    .await;
    assert_eq!(s, 403, "an officer");
    let (s, e) = post(
        &app,
        &leader,
        &record,
        json!({"version": 1, "status": "xong"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("status"))
    );
    let file = app
        .upload(
            &leader,
            "bien-ban.pdf",
            "application/pdf",
            &motcua_sign::pdf::simple_document(&["Bien ban nghiem thu"]),
        )
        .await;
    let (s, e) = post(
        &app,
        &leader,
        &record,
        json!({"version": 1, "status": "done", "evidence_upload_ids": [uuid::Uuid::now_v7()]}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("evidence_upload_ids"))
    );
    let (s, done) = post(&app, &leader, &record, json!({"version": 1, "status": "done", "evidence_upload_ids": [file], "note": "Đã trình Chính phủ"})).await;
    assert_eq!(s, 200, "{done}");
    assert!(
        done["confirmed_by"].is_string() && done["confirmed_at"].is_string(),
        "{done}"
    );
    let (s, body) = post(
        &app,
        &leader,
        &record,
        json!({"version": 1, "status": "in_progress"}),
    )
    .await;
    assert_eq!(s, 409, "stale version");
    assert_eq!(
        (&body["error"]["code"], &body["error"]["message"]),
        (
            &json!("conflict"),
            &json!("mục này đã được người khác cập nhật; tải lại để xem")
        ),
        "{body}"
    );
    let t11 = target(&app, &office, year, "T1.1").await;
    assert_eq!(
        (t11["numerator"].as_f64(), t11["denominator"].as_f64()),
        (Some(1.0), Some(3.0)),
        "{t11}"
    );
    assert_eq!(t11["status"], "at_risk", "{t11}");

    // Money: disbursed / planned; a count register counts items done.
    let t61 = format!("/api/v1/plans/{year}/registers/t6_1");
    let (s, e) = post(&app, &office, &t61, json!({"title": "Dự án hạ tầng số"})).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("planned_amount"))
    );
    let (_, inv) = post(
        &app,
        &office,
        &t61,
        json!({"title": "Dự án hạ tầng số", "planned_amount": 1000000000.0, "unit": "VP"}),
    )
    .await;
    let (s, r) = post(
        &app,
        &office,
        &format!("/api/v1/register-items/{}", inv["id"].as_str().unwrap()),
        json!({"version": 1, "status": "in_progress", "actual_amount": 900000000.0}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    // The reform office corrects what is to be done and by when; a leader may not, nor name a
    // unit that does not exist; nothing else changes.
    let inv_record = format!("/api/v1/register-items/{}", inv["id"].as_str().unwrap());
    // The Office's own leader records progress on the item, but may not rewrite it.
    let vp_leader = app.token("chanhvanphong@test.vn").await;
    let (s, _) = post(
        &app,
        &vp_leader,
        &inv_record,
        json!({"version": 2, "status": "in_progress", "title": "Đổi tên"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, e) = post(
        &app,
        &office,
        &inv_record,
        json!({"version": 2, "status": "in_progress", "unit": "KHONGCO"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("unit"))
    );
    let (s, r) = post(
        &app,
        &office,
        &inv_record,
        json!({"version": 2, "status": "in_progress", "title": "Dự án hạ tầng số giai đoạn 2",
               "due_date": format!("{year}-12-15")}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["title"], "Dự án hạ tầng số giai đoạn 2");
    assert_eq!(r["due_date"], format!("{year}-12-15"));
    assert_eq!(r["actual_amount"].as_f64(), Some(900000000.0), "{r}");
    let t61v = target(&app, &office, year, "T6.1").await;
    assert_eq!(t61v["value"].as_f64(), Some(0.9), "{t61v}");

    // The ranking (M3): the Office answers for T1.1 (1 of 3 done) and T7.2 (no unit signs yet,
    // 0 of the 3 top-level units); its other targets have no data and do not count.
    let r = app
        .get(&format!("/api/v1/plans/{year}/ranking"), Some(&office))
        .await;
    assert_eq!(r.status(), 200);
    let ranking: Value = r.json().await.unwrap();
    assert!(
        ranking["rule"]
            .as_str()
            .unwrap()
            .contains("min(1; kết quả / mục tiêu)")
    );
    let vp = ranking["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Văn phòng Bộ")
        .unwrap()
        .clone();
    assert_eq!(vp["score"].as_f64(), Some(16.67), "{vp}");
    assert_eq!(vp["with_data"], 2, "{vp}");
    assert_eq!(vp["below"], json!(["T7.2", "T1.1"]), "{vp}");
    assert_eq!(ranking["units"][0]["rank"], 1);

    // The Office's leader hears once that T1.1 is at risk (outbox, e-mail); watching again sends
    // nothing new.
    let changed = motcua_app::plan::watch(&app.state).await.unwrap();
    assert!(
        changed >= 27,
        "every target seen for the first time: {changed}"
    );
    let t11_mail = "SELECT COUNT(*) AS n FROM outbox WHERE topic = 'target_at_risk' \
                    AND payload LIKE '%\"code\":\"T1.1\"%' AND payload LIKE '%chanhvanphong@test.vn%'";
    assert_eq!(motcua_testkit::count(&app.db, t11_mail).await, 1);
    assert_eq!(motcua_app::plan::watch(&app.state).await.unwrap(), 0);
    assert_eq!(
        motcua_testkit::count(&app.db, t11_mail).await,
        1,
        "reported once"
    );
    // The Information Centre answers for T3.5, T7.3 and T7.4, which have no data here: a target
    // without data is not reported as at risk.
    let no_data = "SELECT COUNT(*) AS n FROM outbox WHERE topic = 'target_at_risk' \
                   AND payload LIKE '%lanhdao-ttt@test.vn%'";
    assert_eq!(motcua_testkit::count(&app.db, no_data).await, 0);

    // The reform office edits the plan: a share's threshold outside 0–100% and a target without a
    // known source are refused beside the field; a lower threshold changes the status; a new
    // target joins the scorecard.
    let put = |id: &str, body: Value| {
        let (app, office, path) = (
            &app,
            office.clone(),
            format!("/api/v1/plans/{year}/targets/{id}"),
        );
        async move {
            let r = app
                .client()
                .put(app.url(&path))
                .bearer_auth(&office)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let t11_body = |threshold: f64, source: &str| {
        json!({
            "field": "direction", "text": "Hoàn thành nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao",
            "measure": "share", "threshold": threshold, "source": source, "unit": "VP"
        })
    };
    let (s, e) = put("T1.1", t11_body(1.5, "register:t1_1")).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("threshold")),
        "{e}"
    );
    let (s, e) = put("T9.1", t11_body(0.5, "")).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("source")),
        "{e}"
    );
    let (s, e) = put("T9.1", t11_body(0.5, "formula:khong_co")).await;
    assert_eq!(
        (s, e["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("source")),
        "{e}"
    );
    let r = app
        .client()
        .put(app.url(&format!("/api/v1/plans/{year}/targets/T1.1")))
        .bearer_auth(&leader)
        .json(&t11_body(0.3, "register:t1_1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a unit leader does not edit the plan");
    let (s, t) = put("T1.1", t11_body(0.3, "register:t1_1")).await;
    assert_eq!(s, 200, "{t}");
    let t11 = target(&app, &office, year, "T1.1").await;
    assert_eq!(
        (t11["threshold"].as_f64(), t11["status"].as_str()),
        (Some(0.3), Some("on_track")),
        "{t11}"
    );
    let (s, _) = put("T8.1", json!({
        "field": "modernisation", "text": "Tối thiểu 50% hồ sơ nộp trực tuyến", "measure": "share",
        "threshold": 0.5, "source": "formula:t7_4"
    })).await;
    assert_eq!(s, 200);
    let t81 = target(&app, &office, year, "T8.1").await;
    assert_eq!(t81["status"], "no_data", "no dossier in this test: {t81}");

    // The register's page and the drill-down link from the scorecard.
    let browser = app.signed_in_browser("cchc@test.vn").await;
    let html = browser
        .get(app.url(&format!("/ke-hoach?nam={year}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/ke-hoach/so/t1_1?nam={year}")),
        "drill-down link"
    );
    let html = browser
        .get(app.url(&format!("/ke-hoach/so/t1_1?nam={year}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "Nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao",
        "Xây dựng Nghị định về quản lý dịch vụ bưu chính",
        "Hoàn thành",
        "1 tệp",
        "Hủy, điều chỉnh",
    ] {
        assert!(html.contains(want), "«{want}» not on the page");
    }
    let _ = plan;
    app.stop().await;
}
backend_test!(registers, registers_feed_the_scorecard);
