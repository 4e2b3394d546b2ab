//! The permission matrix: every role against every protected route, API and pages. The expected
//! table is written here by hand, independently of `motcua_domain::access`, so a change of the
//! rules there shows up as a failing cell here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, csrf_of, new_officer};
use serde_json::Value;

const ROLES: [(Role, &str, &str); 7] = [
    (Role::Applicant, "congdan@test.vn", "MOTCUA"),
    (Role::DeskOfficer, "motcua@test.vn", "MOTCUA"),
    (Role::Officer, "chuyenvien@test.vn", "CVT"),
    (Role::UnitLeader, "lanhdao@test.vn", "CVT"),
    (Role::ParOfficer, "cchc@test.vn", "VP"),
    (Role::Editor, "bientap@test.vn", "TTTT"),
    (Role::Admin, "quantri@test.vn", "TTTT"),
];

/// Which roles may use each route ("A" applicant, "D" desk officer, "O" officer, "L" unit leader,
/// "P" reform office, "E" editor, "M" admin).
const API: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/me", "ADOLPEM"),
    ("GET", "/api/v1/units", "DOLPEM"),
    ("GET", "/api/v1/users", "LM"),
    ("POST", "/api/v1/users", "M"),
    ("POST", "/api/v1/users/{victim}/unlock", "M"),
    ("GET", "/api/v1/audit", "LM"),
    ("PUT", "/api/v1/calendar/days/2030-06-03", "M"),
    ("DELETE", "/api/v1/calendar/days/2030-06-03", "M"),
    // Applicants list their own dossiers; staff who handle dossiers their units' queue.
    ("GET", "/api/v1/dossiers", "ADOLM"),
    (
        "GET",
        "/api/v1/stats/dossiers?from=2026-01&to=2026-12",
        "LPM",
    ),
    (
        "GET",
        "/api/v1/dossiers/export?from=2026-01-01&to=2026-01-31",
        "PM",
    ),
];

const PAGES: &[(&str, &str, &str)] = &[
    ("GET", "/account", "ADOLPEM"),
    ("GET", "/admin/units", "DOLPEM"),
    ("GET", "/admin/users", "LM"),
    ("GET", "/admin/audit", "LM"),
    ("POST", "/admin/users", "M"),
    ("POST", "/admin/users/{victim}/unlock", "M"),
    ("GET", "/admin/calendar", "M"),
    ("POST", "/admin/calendar", "M"),
];

fn letter(role: Role) -> char {
    match role {
        Role::Applicant => 'A',
        Role::DeskOfficer => 'D',
        Role::Officer => 'O',
        Role::UnitLeader => 'L',
        Role::ParOfficer => 'P',
        Role::Editor => 'E',
        Role::Admin => 'M',
    }
}

fn calendar_day_body() -> Value {
    serde_json::json!({"kind": "off", "name": "Nghỉ thử", "source": "Văn bản thử"})
}

fn new_user_body(n: usize) -> Value {
    new_officer(&format!("moi{n}@test.vn"))
}

async fn every_role_gets_exactly_the_api_routes_it_is_allowed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = app.user("nannhan@test.vn", Role::Officer, "CVT").await;
    let mut failures = Vec::new();
    let mut n = 0;
    for (role, email, unit) in ROLES {
        app.user(email, role, unit).await;
        let token = app.token(email).await;
        for (method, path, allowed) in API {
            n += 1;
            let url = app.url(&path.replace("{victim}", &victim.to_string()));
            let c = app.client();
            let req = match *method {
                "GET" => c.get(&url),
                "PUT" => c.put(&url).json(&calendar_day_body()),
                "DELETE" => c.delete(&url),
                _ => c.post(&url).json(&new_user_body(n)),
            };
            let status = req
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let expect_allowed = allowed.contains(letter(role));
            let ok = if expect_allowed {
                (200..300).contains(&status)
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{role:?} {method} {path}: {status} (allowed: {expect_allowed})"
                ));
            }
        }
    }
    // Without a token every protected route is 401.
    for (method, path, _) in API {
        let url = app.url(&path.replace("{victim}", &victim.to_string()));
        let c = app.client();
        let req = match *method {
            "GET" => c.get(&url),
            "PUT" => c.put(&url).json(&calendar_day_body()),
            "DELETE" => c.delete(&url),
            _ => c.post(&url).json(&new_user_body(0)),
        };

        let status = req.send().await.unwrap().status().as_u16();
        if status != 401 {
            failures.push(format!("anonymous {method} {path}: {status}"));
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix:\n{}",
        failures.join("\n")
    );
}
backend_test!(
    api_matrix,
    every_role_gets_exactly_the_api_routes_it_is_allowed
);

async fn every_role_gets_exactly_the_pages_it_is_allowed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = app.user("nannhan@test.vn", Role::Officer, "CVT").await;
    let mut failures = Vec::new();
    let mut n = 0;
    for (role, email, unit) in ROLES {
        app.user(email, role, unit).await;
        let b = app.signed_in_browser(email).await;
        let csrf = csrf_of(&b, &app.url("/account")).await;
        for (method, path, allowed) in PAGES {
            n += 1;
            let url = app.url(&path.replace("{victim}", &victim.to_string()));
            let resp = match *method {
                "GET" => b.get(&url).send().await.unwrap(),
                _ => {
                    let email = format!("trang{n}@test.vn");
                    b.post(&url)
                        .form(&[
                            ("csrf_token", csrf.as_str()),
                            ("email", &email),
                            ("full_name", "Trần Thị Mới"),
                            ("role", "officer"),
                            ("unit", "CVT"),
                            ("password", "mat-khau-dai-du"),
                            ("date", "2030-06-04"),
                            ("kind", "off"),
                            ("name", "Nghỉ thử"),
                            ("source", "Văn bản thử"),
                        ])
                        .send()
                        .await
                        .unwrap()
                }
            };
            let status = resp.status().as_u16();
            let expect_allowed = allowed.contains(letter(role));
            let ok = match (expect_allowed, *method) {
                (true, "GET") => status == 200,
                (true, _) => status == 303,
                (false, _) => status == 403,
            };
            if !ok {
                failures.push(format!(
                    "{role:?} {method} {path}: {status} (allowed: {expect_allowed})"
                ));
            }
        }
    }
    for (method, path, _) in PAGES {
        let url = app.url(&path.replace("{victim}", &victim.to_string()));
        let b = app.browser();
        let resp = if *method == "GET" {
            b.get(&url).send().await.unwrap()
        } else {
            b.post(&url).form(&[("x", "y")]).send().await.unwrap()
        };
        let to_login = resp
            .headers()
            .get("location")
            .is_some_and(|l| l.to_str().unwrap().starts_with("/login?next="));
        if resp.status() != 303 || !to_login {
            failures.push(format!(
                "anonymous {method} {path}: {} (expected a redirect to sign-in)",
                resp.status()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "page permission matrix:\n{}",
        failures.join("\n")
    );
}
backend_test!(page_matrix, every_role_gets_exactly_the_pages_it_is_allowed);

async fn unit_leaders_see_only_their_units_accounts_and_audit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    let below = app.user("phong@test.vn", Role::Officer, "CVT-QLTT").await;
    let elsewhere = app.user("vanphong@test.vn", Role::Officer, "VP").await;
    let leader = app.token("lanhdao@test.vn").await;
    let _ = app.token("phong@test.vn").await;
    let _ = app.token("vanphong@test.vn").await;

    let users: Value = app
        .client()
        .get(app.url("/api/v1/users"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&below.to_string().as_str()),
        "a sub-unit's officer is in scope"
    );
    assert!(
        !ids.contains(&elsewhere.to_string().as_str()),
        "another unit's officer is not"
    );

    let audit: Value = app
        .client()
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actors: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["actor_id"].as_str())
        .collect();
    assert!(actors.contains(&below.to_string().as_str()));
    assert!(
        !actors.contains(&elsewhere.to_string().as_str()),
        "no entry of another unit's people"
    );
}
backend_test!(
    unit_scope,
    unit_leaders_see_only_their_units_accounts_and_audit
);
