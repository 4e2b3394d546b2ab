//! Bad input to the API gets the error envelope with the right status and loses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, new_officer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Checks the envelope and returns its `error` object.
async fn envelope(resp: reqwest::Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    let op_header = resp
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = resp.json().await.expect("a JSON envelope");
    let err = body["error"].clone();
    assert!(err["code"].is_string(), "{body}");
    assert!(err["message"].is_string(), "{body}");
    assert!(err.get("details").is_some(), "{body}");
    assert_eq!(
        err["operation_id"].as_str().map(str::to_owned),
        op_header,
        "operation id in body and header"
    );
    err
}

async fn malformed_and_mistyped_bodies_are_400_and_422_with_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = app.client();
    let url = app.url("/api/v1/auth/login");
    let send = |body: &'static str| {
        c.post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let e = envelope(send("{\"email\": ").await.unwrap(), 400).await;
    assert_eq!(e["code"], "malformed_request");

    let e = envelope(
        send(r#"{"email": 42, "password": "x"}"#).await.unwrap(),
        422,
    )
    .await;
    assert_eq!(e["details"]["fields"][0]["field"], "email");

    let e = envelope(
        send(r#"{"email": "a@b.vn", "password": "x", "role": "admin"}"#)
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(
        e["details"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field"),
        "{e}"
    );

    let e = envelope(send(r#"{"email": "a@b.vn"}"#).await.unwrap(), 422).await;
    assert_eq!(e["details"]["fields"][0]["field"], "password", "{e}");

    let e = envelope(
        c.post(&url)
            .header("content-type", "text/plain")
            .body("x")
            .send()
            .await
            .unwrap(),
        415,
    )
    .await;
    assert_eq!(e["code"], "unsupported_media_type");
}
backend_test!(
    malformed_and_mistyped_bodies,
    malformed_and_mistyped_bodies_are_400_and_422_with_fields
);

async fn an_oversized_body_is_413_and_creates_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.body_limit_bytes = 1024).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let token = app.token("quantri@test.vn").await;
    let before = motcua_store::account::list(app.db.conn(), None)
        .await
        .unwrap()
        .len();
    let big = "x".repeat(4096);
    let resp = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "moi@test.vn", "full_name": big, "role": "officer", "unit": "CVT", "password": "mat-khau-dai-du"}))
        .send()
        .await
        .unwrap();
    let e = envelope(resp, 413).await;
    assert_eq!(e["code"], "payload_too_large");
    assert_eq!(
        motcua_store::account::list(app.db.conn(), None)
            .await
            .unwrap()
            .len(),
        before
    );
}
backend_test!(oversized_body, an_oversized_body_is_413_and_creates_nothing);

async fn unknown_routes_are_404_envelopes_in_the_api_and_vietnamese_pages_elsewhere(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let e = envelope(
        app.client()
            .get(app.url("/api/v1/khong-co"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(e["code"], "not_found");

    let resp = app
        .client()
        .get(app.url("/khong-co-trang-nay"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let op = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = resp.text().await.unwrap();
    assert!(html.contains("lang=\"vi\""));
    assert!(html.contains("Không tìm thấy trang"));
    assert!(
        html.contains("Bộ Thông tin và Truyền thông"),
        "the error page names the agency"
    );
    assert!(html.contains(&op), "the page shows the operation id");

    let e = envelope(
        app.client()
            .delete(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap(),
        405,
    )
    .await;
    assert_eq!(e["code"], "method_not_allowed");
}
backend_test!(
    unknown_routes,
    unknown_routes_are_404_envelopes_in_the_api_and_vietnamese_pages_elsewhere
);

async fn wrong_credentials_are_401_without_saying_which_part(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let c = app.client();
    let url = app.url("/api/v1/auth/login");
    let wrong_password = envelope(
        c.post(&url)
            .json(&json!({"email": "chuyenvien@test.vn", "password": "sai-mat-khau"}))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    let unknown_user = envelope(
        c.post(&url)
            .json(&json!({"email": "khongco@test.vn", "password": "sai-mat-khau"}))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    assert_eq!(wrong_password["code"], unknown_user["code"]);
    assert_eq!(wrong_password["message"], unknown_user["message"]);

    let no_token = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert!(no_token.headers().contains_key("www-authenticate"));
    envelope(no_token, 401).await;
    envelope(
        c.get(app.url("/api/v1/me"))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}
backend_test!(
    wrong_credentials,
    wrong_credentials_are_401_without_saying_which_part
);

async fn invalid_account_fields_are_named_in_vietnamese(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let token = app.token("quantri@test.vn").await;
    let resp = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"email": "khong-hop-le", "full_name": "A", "role": "root", "unit": "KHONGCO", "password": "ngan"}))
        .send()
        .await
        .unwrap();
    let e = envelope(resp, 422).await;
    let fields: Vec<&str> = e["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "full_name", "role", "password", "unit"]);
    let text = e["details"]["fields"].to_string();
    assert!(
        text.contains("không hợp lệ") && text.contains("vai trò không tồn tại"),
        "{text}"
    );

    // A duplicate e-mail is refused too, and nothing is written twice.
    let ok = new_officer("moi@test.vn");
    let first = app.post_json("/api/v1/users", Some(&token), &ok).await;
    assert_eq!(first.status(), 201);
    let again = app.post_json("/api/v1/users", Some(&token), &ok).await;
    let e = envelope(again, 422).await;
    assert_eq!(e["details"]["fields"][0]["field"], "email");
}
backend_test!(
    invalid_account_fields,
    invalid_account_fields_are_named_in_vietnamese
);

async fn query_and_path_parameters_of_the_wrong_type_are_422_with_their_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let token = app.token("quantri@test.vn").await;
    let e = envelope(app.get("/api/v1/audit?limit=abc", Some(&token)).await, 422).await;
    assert_eq!(e["details"]["fields"][0]["field"], "limit");
    let e = envelope(app.get("/api/v1/audit?limit=0", Some(&token)).await, 422).await;
    assert_eq!(e["details"]["fields"][0]["field"], "limit");
    let e = envelope(app.get("/api/v1/audit?lmit=5", Some(&token)).await, 422).await;
    assert!(
        e["details"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field"),
        "{e}"
    );
    let body = serde_json::json!({});
    let e = envelope(
        app.post_json("/api/v1/users/khong-phai-uuid/unlock", Some(&token), &body)
            .await,
        422,
    )
    .await;
    assert_eq!(e["code"], "validation_failed");
}
backend_test!(
    query_parameters,
    query_and_path_parameters_of_the_wrong_type_are_422_with_their_name
);
