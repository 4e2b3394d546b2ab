//! The working calendar over HTTP: public year and deadline endpoints, admin corrections.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, csrf_of};
use serde_json::{Value, json};

async fn the_year_and_the_deadline_are_public(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let r = app.get("/api/v1/calendar/2026", None).await;
    assert_eq!(r.status(), 200);
    let y: Value = r.json().await.unwrap();
    assert_eq!(y["year"], 2026);
    assert_eq!(y["working_weekend_days"].as_array().unwrap().len(), 2);
    assert_eq!(y["non_working_weekdays"][1]["date"], "2026-01-02");

    let r = app
        .get(
            "/api/v1/deadline?received_at=2026-02-13T16:30:00%2B07:00&duration=5d",
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["due_at"], "2026-02-27T17:00:00+07:00");
    assert_eq!(d["counted_from"], "2026-02-13T16:30:00+07:00");
    let r = app
        .get(
            "/api/v1/deadline?received_at=2026-02-13T16:30:00%2B07:00&duration=5d&cutoff=15:00",
            None,
        )
        .await;
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["counted_from"], "2026-02-23T08:00:00+07:00");
    assert_eq!(d["due_at"], "2026-03-02T17:00:00+07:00");
}
backend_test!(public_calendar, the_year_and_the_deadline_are_public);

async fn bad_calendar_input_is_422_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let field = |v: Value| {
        v["error"]["details"]["fields"][0]["field"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (path, expected) in [
        ("/api/v1/calendar/1899", "year"),
        ("/api/v1/calendar/abc", "path"),
        (
            "/api/v1/deadline?received_at=2026-02-13T16:30:00%2B07:00&duration=5w",
            "duration",
        ),
        (
            "/api/v1/deadline?received_at=2026-02-13T16:30:00%2B07:00&duration=-5d",
            "duration",
        ),
        (
            "/api/v1/deadline?received_at=2026-02-30T16:30:00%2B07:00&duration=5d",
            "received_at",
        ),
        (
            "/api/v1/deadline?received_at=2026-02-13T16:30:00%2B07:00&duration=5d&cutoff=3pm",
            "cutoff",
        ),
        ("/api/v1/deadline?duration=5d", "received_at"),
        (
            "/api/v1/deadline?received_at=2199-12-30T10:00:00%2B07:00&duration=30d",
            "received_at",
        ),
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status(), 422, "{path}");
        assert_eq!(field(r.json().await.unwrap()), expected, "{path}");
    }
}
backend_test!(
    calendar_bad_input,
    bad_calendar_input_is_422_naming_the_field
);

async fn the_public_calculator_is_rate_limited_per_client(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.public_requests_per_minute = 5).await;
    let path = "/api/v1/deadline?received_at=2026-03-02T09:00:00%2B07:00&duration=1d";
    for _ in 0..5 {
        assert_eq!(app.get(path, None).await.status(), 200);
    }
    let r = app.get(path, None).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}
backend_test!(
    deadline_rate_limit,
    the_public_calculator_is_rate_limited_per_client
);

async fn an_admin_correction_changes_new_calculations_and_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let token = app.token("quantri@test.vn").await;
    let path = "/api/v1/deadline?received_at=2027-03-01T09:00:00%2B07:00&duration=1d";
    let before: Value = app.get(path, None).await.json().await.unwrap();
    assert_eq!(before["due_at"], "2027-03-02T17:00:00+07:00");

    let day =
        json!({"kind": "off", "name": "Nghỉ đột xuất", "source": "Công văn thử nghiệm 1/VPCP"});
    let r = app
        .client()
        .put(app.url("/api/v1/calendar/days/2027-03-02"))
        .bearer_auth(&token)
        .json(&day)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let after: Value = app.get(path, None).await.json().await.unwrap();
    assert_eq!(
        after["due_at"], "2027-03-03T17:00:00+07:00",
        "the new day off moves new appointments"
    );
    let y: Value = app
        .get("/api/v1/calendar/2027", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        y["non_working_weekdays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2027-03-02")
    );

    // A Saturday made a working day.
    let sat = json!({"kind": "work", "name": "Làm bù", "source": "Công văn thử nghiệm 2/VPCP"});
    let r = app
        .client()
        .put(app.url("/api/v1/calendar/days/2027-03-06"))
        .bearer_auth(&token)
        .json(&sat)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fri: Value = app
        .get(
            "/api/v1/deadline?received_at=2027-03-05T09:00:00%2B07:00&duration=1d",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fri["due_at"], "2027-03-06T17:00:00+07:00");

    let r = app
        .client()
        .delete(app.url("/api/v1/calendar/days/2027-03-02"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let back: Value = app.get(path, None).await.json().await.unwrap();
    assert_eq!(back["due_at"], "2027-03-02T17:00:00+07:00");
    let r = app
        .client()
        .delete(app.url("/api/v1/calendar/days/2027-03-02"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let bad = json!({"kind": "holiday", "name": "", "source": ""});
    let r = app
        .client()
        .put(app.url("/api/v1/calendar/days/2027-02-30"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = app
        .client()
        .put(app.url("/api/v1/calendar/days/2027-03-09"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "name", "source"]);

    let audit: Value = app
        .get("/api/v1/audit", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "calendar.day_set").count(),
        2
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "calendar.day_removed")
            .count(),
        1
    );
    assert!(motcua_store::audit::verify(&app.db).await.unwrap() > 0);
}
backend_test!(
    calendar_corrections,
    an_admin_correction_changes_new_calculations_and_is_audited
);

async fn the_calendar_page_records_a_correction_with_errors_beside_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let b = app.signed_in_browser("quantri@test.vn").await;
    let page = b
        .get(app.url("/admin/calendar?year=2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Lịch làm việc năm 2026") && page.contains("Thông báo 9441/TB-BNV"));
    let csrf = csrf_of(&b, &app.url("/admin/calendar?year=2026")).await;
    let r = b
        .post(app.url("/admin/calendar"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("date", "2026-13-01"),
            ("kind", "off"),
            ("name", ""),
            ("source", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Chọn một ngày có thật") && html.contains("Nhập lý do"));
    let r = b
        .post(app.url("/admin/calendar"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("date", "2026-11-24"),
            ("kind", "off"),
            ("name", "Ngày Văn hóa Việt Nam"),
            ("source", "Bộ luật Lao động sửa đổi (thử nghiệm)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = b
        .get(app.url("/admin/calendar?year=2026&saved=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ngày Văn hóa Việt Nam") && page.contains("điều chỉnh"));
    let csrf = csrf_of(&b, &app.url("/admin/calendar?year=2026")).await;
    let r = b
        .post(app.url("/admin/calendar/2026-11-24/remove"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}
backend_test!(
    calendar_page,
    the_calendar_page_records_a_correction_with_errors_beside_fields
);
