//! Sessions, CSRF, API tokens (expiry and revocation), rate limits and lock-out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_store::sea_orm::ConnectionTrait;
use motcua_testkit::{Backend, PASSWORD, TestApp, backend_test, csrf_of};
use serde_json::{Value, json};

async fn expire_all(app: &TestApp, table: &str) {
    // Moving expiry into the past stands for the passage of time.
    let sql = format!("UPDATE {table} SET expires_at = created_at");
    app.db.conn().execute_unprepared(&sql).await.unwrap();
}

async fn a_session_signs_in_shows_the_account_and_signs_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let b = app.browser();
    // Signed out: the account page sends to the sign-in page with the way back.
    let r = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/account");

    let csrf = csrf_of(&b, &app.url("/login")).await;
    let r = b
        .post(app.url("/login"))
        .form(&[
            ("email", "ChuyenVien@Test.vn"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("motcua_session="));
    let cookie = cookie.expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: no Secure flag"
    );

    let page = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("chuyenvien@test.vn") && html.contains("Chuyên viên"),
        "account page shows the account"
    );

    // Sign-out needs the CSRF token too.
    let r = b
        .post(app.url("/logout"))
        .form(&[("csrf_token", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let csrf = csrf_of(&b, &app.url("/account")).await;
    let r = b
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        b.get(app.url("/account")).send().await.unwrap().status(),
        303,
        "signed out"
    );
}
backend_test!(
    session_lifecycle,
    a_session_signs_in_shows_the_account_and_signs_out
);

async fn forms_without_the_csrf_token_or_from_another_site_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let b = app.browser();
    let csrf = csrf_of(&b, &app.url("/login")).await;
    let creds = [("email", "chuyenvien@test.vn"), ("password", PASSWORD)];

    let r = b.post(app.url("/login")).form(&creds).send().await.unwrap();
    assert_eq!(r.status(), 403, "no token");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Phiên biểu mẫu không hợp lệ")
    );

    let r = b
        .post(app.url("/login"))
        .form(&[creds[0], creds[1], ("csrf_token", &"f".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a token that is not this browser's");

    let r = b
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[creds[0], creds[1], ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "another origin");

    let r = b
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[creds[0], creds[1], ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a cross-site form");

    // A fresh browser with no CSRF cookie cannot replay someone else's token either.
    let other = app.browser();
    let r = other
        .post(app.url("/login"))
        .form(&[creds[0], creds[1], ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let r = b
        .post(app.url("/login"))
        .form(&[creds[0], creds[1], ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the genuine form still works");
}
backend_test!(
    csrf,
    forms_without_the_csrf_token_or_from_another_site_are_refused
);

async fn expired_sessions_no_longer_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let b = app.signed_in_browser("chuyenvien@test.vn").await;
    assert_eq!(
        b.get(app.url("/account")).send().await.unwrap().status(),
        200
    );
    expire_all(&app, "user_session").await;
    assert_eq!(
        b.get(app.url("/account")).send().await.unwrap().status(),
        303
    );
}
backend_test!(session_expiry, expired_sessions_no_longer_sign_in);

async fn tokens_expire_and_can_be_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let c = app.client();

    let login = c
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "chuyenvien@test.vn", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let body: Value = login.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let expires: chrono::DateTime<chrono::Utc> =
        body["expires_at"].as_str().unwrap().parse().unwrap();
    let hours = (expires - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!(
        (11.9..=12.0).contains(&hours),
        "default token lifetime is 12 h, got {hours}"
    );

    let me = c
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap()["role"], "officer");

    // Revoked by logout.
    assert_eq!(
        c.post(app.url("/api/v1/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        c.get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Expired.
    let token2 = app.token("chuyenvien@test.vn").await;
    assert_eq!(
        c.get(app.url("/api/v1/me"))
            .bearer_auth(&token2)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    expire_all(&app, "api_token").await;
    assert_eq!(
        c.get(app.url("/api/v1/me"))
            .bearer_auth(&token2)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Only the hash is stored.
    let stored =
        <motcua_store::entity::api_token::Entity as motcua_store::sea_orm::EntityTrait>::find()
            .all(app.db.conn())
            .await
            .unwrap();
    assert!(
        stored
            .iter()
            .all(|t| t.token_hash != token && t.token_hash != token2)
    );
}
backend_test!(token_lifecycle, tokens_expire_and_can_be_revoked);

async fn repeated_failures_lock_the_account_until_an_admin_lifts_it(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_attempts_per_minute = 100).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let victim = app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let admin_token = app.token("quantri@test.vn").await;
    let c = app.client();
    let attempt = |password: &'static str| {
        c.post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "chuyenvien@test.vn", "password": password}))
            .send()
    };
    for i in 0..4 {
        assert_eq!(
            attempt("sai-mat-khau").await.unwrap().status(),
            401,
            "failure {i}"
        );
    }
    // The fifth failure locks the account, and then even the right password is refused.
    assert_eq!(attempt("sai-mat-khau").await.unwrap().status(), 429);
    let r = attempt(PASSWORD).await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));

    let listed: Value = c
        .get(app.url("/api/v1/users"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == victim.to_string())
        .unwrap()
        .clone();
    assert!(row["locked_until"].is_string(), "{row}");

    let r = c
        .post(app.url(&format!("/api/v1/users/{victim}/unlock")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap()["locked_until"].is_null());

    // The per-account limit of failed attempts still holds for this minute; the durable lock is gone.
    let stored = motcua_store::account::find(app.db.conn(), victim)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.failed_logins, 0);
    assert!(stored.locked_until.is_none());

    let audit: Value = c
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"auth.lockout") && actions.contains(&"user.unlock"),
        "{actions:?}"
    );
}
backend_test!(
    lockout,
    repeated_failures_lock_the_account_until_an_admin_lifts_it
);

async fn a_client_guessing_many_accounts_is_slowed_down(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_attempts_per_minute = 3).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let c = app.client();
    for i in 0..3 {
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": format!("doan{i}@test.vn"), "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "chuyenvien@test.vn", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the client used its budget of failures");
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "rate_limited"
    );
}
backend_test!(
    client_rate_limit,
    a_client_guessing_many_accounts_is_slowed_down
);

async fn successful_sign_ins_are_never_rate_limited(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_attempts_per_minute = 2).await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    for _ in 0..8 {
        app.token("motcua@test.vn").await;
    }
}
backend_test!(
    successes_not_limited,
    successful_sign_ins_are_never_rate_limited
);

async fn a_locked_account_and_an_unknown_e_mail_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_attempts_per_minute = 100).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let attempt = |email: &'static str, password: &'static str| {
        app.client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..5 {
        attempt("chuyenvien@test.vn", "sai-mat-khau").await.unwrap();
        attempt("khongco@test.vn", "sai-mat-khau").await.unwrap();
    }
    let known = attempt("chuyenvien@test.vn", PASSWORD).await.unwrap();
    let unknown = attempt("khongco@test.vn", PASSWORD).await.unwrap();
    assert_eq!(known.status(), 429);
    assert_eq!(unknown.status(), 429);
    assert_eq!(
        known.headers()["retry-after"],
        unknown.headers()["retry-after"]
    );
    let (k, u): (Value, Value) = (known.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(k["error"]["code"], u["error"]["code"]);
    assert_eq!(k["error"]["message"], u["error"]["message"]);
}
backend_test!(
    lock_reveals_nothing,
    a_locked_account_and_an_unknown_e_mail_get_the_same_answer
);

async fn after_sign_in_only_local_paths_are_followed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    for next in [
        "/\t/evil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        let b = app.browser();
        let csrf = csrf_of(&b, &app.url("/login")).await;
        let r = b
            .post(app.url("/login"))
            .form(&[
                ("email", "chuyenvien@test.vn"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/", "next={next:?}");
    }
}
backend_test!(
    no_open_redirect,
    after_sign_in_only_local_paths_are_followed
);
