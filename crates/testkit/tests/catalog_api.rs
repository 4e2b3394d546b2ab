//! The catalogue over HTTP: browsing and searching, bad input, the editors' actions and who may
//! take them, the public pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};

fn procedure(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name": name, "field": "buu-chinh", "level": "central", "agency": "000.00.00.G22", "unit": "VP",
        "authority": "Bộ Thông tin và Truyền thông", "applicants": ["business"], "channels": ["online", "counter", "postal"],
        "postal_receipt": true, "postal_return": true, "processing_time": {"value": 10.0, "unit": "working_days"},
        "online_class": "full", "legacy_level": 4, "result_name": "Giấy phép bưu chính", "result_kind": "electronic",
        "steps": [{"order": 1, "description": "Nộp hồ sơ"}],
        "components": [{"code": "TP1", "name": "Đơn đề nghị", "originals": 1, "copies": 0, "required": true}],
        "fees": [{"name": "Phí thẩm định", "amount_vnd": 5500000}],
        "legal_basis": [{"number": "49/2010/QH12", "title": "Luật Bưu chính", "issued_on": "2010-06-17", "effective_on": "2027-07-01"}]
    })
}

/// A publication: decision 1234/QĐ-BTTTT of 3 May 2027 by the minister, the law in force on 1 July.
fn decision() -> Value {
    json!({"decision_number": "1234/QĐ-BTTTT", "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"})
}

async fn an_editor_drafts_publishes_and_the_public_finds_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let token = app.token("bientap@test.vn").await;
    let r = app
        .post_json(
            "/api/v1/procedures",
            Some(&token),
            &procedure("1.004495", "Cấp giấy phép bưu chính"),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(
        (created["status"].as_str(), created["version"].as_i64()),
        (Some("draft"), Some(1))
    );
    // Drafts are not public.
    assert_eq!(
        app.get("/api/v1/procedures/1.004495", None).await.status(),
        404
    );
    assert_eq!(
        app.get("/api/v1/procedures?q=buu%20chinh", None)
            .await
            .json::<Value>()
            .await
            .unwrap()["total"],
        0
    );

    let publish = decision();
    let r = app
        .post_json(
            "/api/v1/procedures/1.004495/publish",
            Some(&token),
            &publish,
        )
        .await;
    assert_eq!(r.status(), 200);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], "published");
    let failed: Vec<&str> = p["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // Published now (2026), more than 10 working days after a 2027 decision is impossible: the
    // publication is before the decision, which counts as in time; the decision is 40 working days
    // before the law takes effect.
    assert!(failed.is_empty(), "{failed:?}");

    let page: Value = app
        .get(
            "/api/v1/procedures?q=c%E1%BA%A5p%20gi%E1%BA%A5y%20ph%C3%A9p%20b%C6%B0u",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&page["total"], &page["corrected"]),
        (&json!(1), &json!(false))
    );
    // A typo: nothing holds "chinhh", the near word is searched and the answer says so.
    let typo: Value = app
        .get("/api/v1/procedures?q=giay%20phep%20buu%20chinhh", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &typo["total"],
            &typo["corrected"],
            &typo["items"][0]["code"]
        ),
        (&json!(1), &json!(true), &json!("1.004495"))
    );
    let item = &page["items"][0];
    assert_eq!(
        (
            item["code"].as_str(),
            item["online_class"].as_str(),
            item["legacy_level"].as_i64()
        ),
        (Some("1.004495"), Some("full"), Some(4))
    );
    assert_eq!(item["processing_time"]["label"], "10 ngày làm việc");
    let detail: Value = app
        .get("/api/v1/procedures/1.004495", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["components"][0]["code"], "TP1");
    assert_eq!(detail["channels"], json!(["online", "counter", "postal"]));
    assert_eq!(
        (
            detail["postal_receipt"].as_bool(),
            detail["postal_return"].as_bool()
        ),
        (Some(true), Some(true))
    );

    // An edit is a new draft; the public still sees version 1 until it is published.
    let mut edited = procedure("1.004495", "Cấp giấy phép bưu chính (sửa đổi)");
    edited["processing_time"]["value"] = json!(7.0);
    let r = app
        .client()
        .put(app.url("/api/v1/procedures/1.004495"))
        .bearer_auth(&token)
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let public: Value = app
        .get("/api/v1/procedures/1.004495", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (public["name"].as_str(), public["version"].as_i64()),
        (Some("Cấp giấy phép bưu chính"), Some(1))
    );

    let r = app
        .post_json(
            "/api/v1/procedures/1.004495/abolish",
            Some(&token),
            &json!({"decision_number": "99/QĐ-BTTTT", "decision_date": "2027-09-01"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.get("/api/v1/procedures/1.004495", None).await.status(),
        404,
        "abolished procedures leave the public catalogue"
    );
    let audit: Value = app
        .get("/api/v1/audit?limit=20", Some(&app.token_for_admin().await))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("procedure."))
        .collect();
    assert!(actions.len() >= 4, "{actions:?}");
}
backend_test!(
    catalog_story,
    an_editor_drafts_publishes_and_the_public_finds_it
);

async fn bad_catalogue_input_is_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let token = app.token("bientap@test.vn").await;
    let field = |v: &Value| {
        v["error"]["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    for (path, expected) in [
        ("/api/v1/procedures?q=", "q"),
        ("/api/v1/procedures?field=nong-nghiep", "field"),
        ("/api/v1/procedures?online=level4", "online"),
        ("/api/v1/procedures?per_page=1000", "per_page"),
        ("/api/v1/procedures?page=5", "page"),
        ("/api/v1/procedures?agency=BTTTT", "agency"),
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status(), 422, "{path}");
        assert_eq!(field(&r.json().await.unwrap()), [expected], "{path}");
    }
    let long = format!("/api/v1/procedures?q={}", "a".repeat(1000));
    let r = app.get(&long, None).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.json::<Value>()
            .await
            .unwrap()
            .to_string()
            .contains("1000 ký tự")
    );

    let mut no_unit = procedure("1.004496", "Cấp phép thử");
    no_unit["processing_time"] = json!({"value": 10.0});
    let r = app
        .post_json("/api/v1/procedures", Some(&token), &no_unit)
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(field(&r.json().await.unwrap()), ["processing_time.unit"]);
    let mut no_components = procedure("1.004496", "Cấp phép thử");
    no_components["components"] = json!([]);
    let r = app
        .post_json("/api/v1/procedures", Some(&token), &no_components)
        .await;
    assert_eq!(field(&r.json().await.unwrap()), ["components"]);
    let r = app
        .post_json(
            "/api/v1/procedures",
            Some(&token),
            &procedure("1.0044", "Cấp phép thử"),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        app.post_json(
            "/api/v1/procedures",
            Some(&token),
            &procedure("1.004496", "Cấp phép thử")
        )
        .await
        .status()
        .is_success()
    );
    let dup = app
        .post_json(
            "/api/v1/procedures",
            Some(&token),
            &procedure("1.004496", "Cấp phép thử"),
        )
        .await;
    assert_eq!(dup.status(), 409);
    let r = app.post_json("/api/v1/procedures/1.004496/publish", Some(&token), &json!({"decision_number": "1/QĐ", "decision_date": "2027-05-03", "decision_authority": "chairman", "effective_date": "2027-07-01"})).await;
    assert_eq!(field(&r.json().await.unwrap()), ["decision_authority"]);
}
backend_test!(catalog_bad_input, bad_catalogue_input_is_named);

async fn only_editors_and_admins_change_the_catalogue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let roles = [
        (Role::Applicant, "a@test.vn", "MOTCUA", false),
        (Role::DeskOfficer, "d@test.vn", "MOTCUA", false),
        (Role::Officer, "o@test.vn", "CVT", false),
        (Role::UnitLeader, "l@test.vn", "CVT", false),
        (Role::ParOfficer, "p@test.vn", "VP", false),
        (Role::Editor, "e@test.vn", "TTTT", true),
        (Role::Admin, "m@test.vn", "TTTT", true),
    ];
    let mut failures = Vec::new();
    for (i, (role, email, unit, allowed)) in roles.into_iter().enumerate() {
        app.user(email, role, unit).await;
        let token = app.token(email).await;
        let code = format!("1.00450{i}");
        let c = app.client();
        let publish = json!({"decision_number": "1/QĐ-BTTTT", "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"});
        let statuses = [
            (
                "POST /api/v1/procedures",
                c.post(app.url("/api/v1/procedures"))
                    .bearer_auth(&token)
                    .json(&procedure(&code, "Thủ tục thử"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
            ),
            (
                "PUT /api/v1/procedures/{code}",
                c.put(app.url(&format!("/api/v1/procedures/{code}")))
                    .bearer_auth(&token)
                    .json(&procedure(&code, "Thủ tục thử 2"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
            ),
            (
                "POST …/publish",
                c.post(app.url(&format!("/api/v1/procedures/{code}/publish")))
                    .bearer_auth(&token)
                    .json(&publish)
                    .send()
                    .await
                    .unwrap()
                    .status(),
            ),
            (
                "POST …/abolish",
                c.post(app.url(&format!("/api/v1/procedures/{code}/abolish")))
                    .bearer_auth(&token)
                    .json(&json!({"decision_number": "2/QĐ-BTTTT", "decision_date": "2027-09-01"}))
                    .send()
                    .await
                    .unwrap()
                    .status(),
            ),
        ];
        for (route, status) in statuses {
            let ok = if allowed {
                status.is_success()
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!("{role:?} {route}: {status}"));
            }
        }
    }
    assert_eq!(
        app.post_json("/api/v1/procedures", None, &procedure("1.009999", "x"))
            .await
            .status(),
        401
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
backend_test!(
    catalog_permissions,
    only_editors_and_admins_change_the_catalogue
);

async fn the_public_pages_search_and_print_with_a_qr_code(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let token = app.token("bientap@test.vn").await;
    app.post_json(
        "/api/v1/procedures",
        Some(&token),
        &procedure("1.004495", "Cấp giấy phép bưu chính"),
    )
    .await;
    let publish = decision();
    app.post_json(
        "/api/v1/procedures/1.004495/publish",
        Some(&token),
        &publish,
    )
    .await;

    let list = app
        .get("/thu-tuc?q=buu+chinh", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("1 thủ tục khớp") && list.contains("href=\"/thu-tuc/1.004495\""),
        "{list}"
    );
    let typo = app
        .get("/thu-tuc?q=buu+chinhh", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        typo.contains("Không có thủ tục nào chứa đúng các từ «buu chinhh»; 1 thủ tục gần đúng")
            && typo.contains("href=\"/thu-tuc/1.004495\""),
        "{typo}"
    );
    let by_agency = app
        .get("/thu-tuc?agency=000.00.00.G22&field=buu-chinh", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(by_agency.contains("href=\"/thu-tuc/1.004495\""));
    assert_eq!(app.get("/thu-tuc?agency=BTTTT", None).await.status(), 422);
    let bad = app
        .get(&format!("/thu-tuc?q={}", "x".repeat(1000)), None)
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("từ khóa quá dài"));
    let page = app
        .get("/thu-tuc/1.004495", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Cấp giấy phép bưu chính")
            && page.contains("5.500.000 đồng")
            && page.contains("Quyết định số 1234/QĐ-BTTTT")
    );
    assert!(
        page.contains(&format!("http://{}/thu-tuc/1.004495", app.addr)),
        "absolute permalink"
    );
    assert!(
        !page.contains("Kiểm tra công bố"),
        "the public does not see the editors' checks"
    );
    let qr = app.get("/thu-tuc/1.004495/qr.svg", None).await;
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().starts_with("<?xml"));
    assert_eq!(app.get("/thu-tuc/1.000000", None).await.status(), 404);
}
backend_test!(
    catalog_pages,
    the_public_pages_search_and_print_with_a_qr_code
);

async fn the_reform_office_keeps_a_review_plan_and_its_completion(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    let editor = app.token("bientap@test.vn").await;
    let par = app.token("cchc@test.vn").await;
    let officer = app.token("chuyenvien@test.vn").await;
    for code in ["1.004495", "1.004496", "1.004497", "1.004498"] {
        assert_eq!(
            app.post_json(
                "/api/v1/procedures",
                Some(&editor),
                &procedure(code, "Thủ tục rà soát")
            )
            .await
            .status(),
            201
        );
    }
    let body = json!({"year": 2021, "name": "Kế hoạch rà soát năm 2021", "decision_number": "310/QĐ-BTTTT",
                      "procedures": ["1.004495", "1.004496", "1.004497", "1.004498"]});
    assert_eq!(
        app.post_json("/api/v1/review-plans", Some(&officer), &body)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_json("/api/v1/review-plans", Some(&editor), &body)
            .await
            .status(),
        403
    );
    let r = app
        .post_json("/api/v1/review-plans", Some(&par), &body)
        .await;
    assert_eq!(r.status(), 201);
    let plan: Value = r.json().await.unwrap();
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["reviewed_share"], 0.0);

    let put = |code: &str, body: Value| {
        app.client()
            .put(app.url(&format!("/api/v1/review-plans/{id}/items/{code}")))
            .bearer_auth(&par)
            .json(&body)
            .send()
    };
    put("1.004495", json!({"reviewed": true, "status": "no_issue"}))
        .await
        .unwrap();
    put("1.004496", json!({"reviewed": true, "status": "proposed", "finding": "Yêu cầu bản sao chứng thực", "proposal": "Bỏ chứng thực"})).await.unwrap();
    let r = put(
        "1.004497",
        json!({"reviewed": true, "status": "open", "finding": "Mẫu đơn chưa thống nhất"}),
    )
    .await
    .unwrap();
    let v: Value = r.json().await.unwrap();
    // 3 of 4 reviewed; 1 of the 2 problems proposed for handling.
    assert_eq!(
        (
            v["reviewed_share"].as_f64(),
            v["problems_handled_share"].as_f64()
        ),
        (Some(0.75), Some(0.5))
    );
    let r = put(
        "1.004498",
        json!({"reviewed": false, "status": "handled", "finding": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let r = put("1.004498", json!({"reviewed": true, "status": "open"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a problem needs its finding");
    assert_eq!(
        put("1.999999", json!({"reviewed": true, "status": "no_issue"}))
            .await
            .unwrap()
            .status(),
        404
    );
    let bad = app
        .post_json(
            "/api/v1/review-plans",
            Some(&par),
            &json!({"year": 2021, "name": "x", "procedures": ["1.000001", "abc"]}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let listed: Value = app
        .get("/api/v1/review-plans", Some(&par))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["items_total"], 4);
    let b = app.signed_in_browser("cchc@test.vn").await;
    let page = b
        .get(app.url("/admin/review-plans"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Kế hoạch rà soát năm 2021")
            && page.contains("75,0%")
            && page.contains("Mẫu đơn chưa thống nhất")
    );
    let csrf = motcua_testkit::csrf_of(&b, &app.url("/admin/review-plans")).await;
    let r = b
        .post(app.url(&format!("/admin/review-plans/{id}/items/1.004498")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("reviewed", "true"),
            ("status", "open"),
            ("finding", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let shown = b
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("Thủ tục 1.004498: ghi rõ vướng mắc"),
        "the page applies the API's rule"
    );
}
backend_test!(
    review_plans,
    the_reform_office_keeps_a_review_plan_and_its_completion
);

async fn the_checks_page_counts_t31_and_t32(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    app.post_json(
        "/api/v1/procedures",
        Some(&editor),
        &procedure("1.004495", "Thủ tục đúng hạn"),
    )
    .await;
    app.post_json(
        "/api/v1/procedures",
        Some(&editor),
        &procedure("1.004496", "Thủ tục ký sai thẩm quyền"),
    )
    .await;
    let ok = json!({"decision_number": "1/QĐ-BTTTT", "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"});
    let wrong = json!({"decision_number": "2/QĐ-CVT", "decision_date": "2027-05-03", "decision_authority": "other", "effective_date": "2027-07-01"});
    app.post_json("/api/v1/procedures/1.004495/publish", Some(&editor), &ok)
        .await;
    app.post_json("/api/v1/procedures/1.004496/publish", Some(&editor), &wrong)
        .await;
    let b = app.signed_in_browser("bientap@test.vn").await;
    let page = b
        .get(app.url("/admin/catalog"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("1 / 2 (50,0%)"), "T3.1 share on the page");
    assert!(page.contains("Quyết định 2/QĐ-CVT không do Bộ trưởng ban hành."));
}
backend_test!(checks_page, the_checks_page_counts_t31_and_t32);

async fn review_findings_are_fixed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    let admin = app.token_for_admin().await;
    let publish = json!({"decision_number": "1/QĐ-BTTTT", "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"});

    // Texts are normalised the same way by the API and by files: an export of an API-written
    // procedure with stray spaces imports back unchanged.
    let mut spaced = procedure("1.004495", "  Cấp giấy phép bưu chính ");
    spaced["authority"] = json!(" Bộ Thông tin và Truyền thông  ");
    assert_eq!(
        app.post_json("/api/v1/procedures", Some(&editor), &spaced)
            .await
            .status(),
        201
    );
    let csv = app
        .get("/api/v1/procedures/export?format=csv", Some(&editor))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let r: Value = app
        .client()
        .post(app.url("/api/v1/procedures/import"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["unchanged"], 1, "{r}");

    // A procedure cannot move to another agency, by the API or by a file.
    let mut moved = procedure("1.004495", "Cấp giấy phép bưu chính");
    moved["agency"] = json!("000.00.00.H99");
    let r = app
        .client()
        .put(app.url("/api/v1/procedures/1.004495"))
        .bearer_auth(&editor)
        .json(&moved)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Publishing, then a pending draft, then abolishing: the draft's content is kept as its own
    // version, the published version is superseded, the public history shows no draft.
    assert_eq!(
        app.post_json(
            "/api/v1/procedures/1.004495/publish",
            Some(&editor),
            &publish
        )
        .await
        .status(),
        200
    );
    let mut draft = procedure("1.004495", "Cấp giấy phép bưu chính (dự thảo sửa đổi)");
    draft["processing_time"]["value"] = json!(5.0);
    assert_eq!(
        app.client()
            .put(app.url("/api/v1/procedures/1.004495"))
            .bearer_auth(&editor)
            .json(&draft)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let public: Value = app
        .get("/api/v1/procedures/1.004495", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        public["versions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["status"] != "draft"),
        "{}",
        public["versions"]
    );
    let too_long = json!({"decision_number": "x".repeat(65), "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"});
    let r: Value = app
        .post_json(
            "/api/v1/procedures/1.004495/publish",
            Some(&editor),
            &too_long,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["error"]["details"]["fields"][0]["field"],
        "decision_number"
    );
    let r = app
        .post_json(
            "/api/v1/procedures/1.004495/abolish",
            Some(&editor),
            &json!({"decision_number": "9/QĐ-BTTTT", "decision_date": "2027-09-01"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let found = motcua_store::catalog::find(app.db.conn(), "1.004495")
        .await
        .unwrap()
        .unwrap();
    let versions = motcua_store::catalog::versions(app.db.conn(), found.procedure.id)
        .await
        .unwrap();
    let statuses: Vec<(i32, &str)> = versions
        .iter()
        .map(|v| (v.version_no, v.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [(3, "abolished"), (2, "draft"), (1, "superseded")],
        "the draft survives; nothing stays published"
    );
    assert!(versions[1].data.contains("dự thảo sửa đổi"));
    assert_eq!(
        app.get("/thu-tuc/1.004495/qr.svg", None).await.status(),
        404,
        "no public QR for what the public cannot see"
    );
    assert!(motcua_store::audit::verify(&app.db).await.unwrap() > 0);
}
backend_test!(review_fixes, review_findings_are_fixed);

/// Forms and templates are uploaded files: checked by name and bytes, served under their own
/// name once a published version links them, hidden before, refused when wrong.
async fn forms_are_uploaded_and_published_with_the_procedure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    app.user("canbo@test.vn", Role::Officer, "TTTT").await;
    let token = app.token("bientap@test.vn").await;
    let officer = app.token("canbo@test.vn").await;
    let docx: Vec<u8> = [b"PK\x03\x04".as_slice(), &[7u8; 3000]].concat();
    let pdf = b"%PDF-1.7\n% mau don\n".to_vec();
    let r = app
        .post_file(
            "/api/v1/procedure-files",
            &token,
            "Mẫu 01 - Tờ khai.docx",
            &docx,
        )
        .await;
    assert_eq!(r.status(), 201);
    let form: Value = r.json().await.unwrap();
    assert_eq!(
        form["content_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let form_url = form["url"].as_str().unwrap().to_owned();
    assert!(form_url.starts_with("/tep-mau/"), "{form_url}");
    let r = app
        .post_file("/api/v1/procedure-files", &token, "don.pdf", &pdf)
        .await;
    let template_url = r.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();

    // Refused: a name that lies about the bytes, a kind that is not a form, an empty file, too
    // large, someone who does not edit the catalogue.
    for (name, bytes) in [
        ("mau.docx", pdf.clone()),
        ("anh.png", b"\x89PNG\r\n\x1a\n....".to_vec()),
        ("mau.pdf", Vec::new()),
    ] {
        let r = app
            .post_file("/api/v1/procedure-files", &token, name, &bytes)
            .await;
        assert_eq!(r.status(), 422, "{name}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(
            e["error"]["details"]["fields"][0]["field"], "file",
            "{name}"
        );
    }
    let big: Vec<u8> = [b"%PDF-1.7\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    let r = app
        .post_file("/api/v1/procedure-files", &token, "lon.pdf", &big)
        .await;
    assert_eq!(r.status(), 413);
    let r = app
        .post_file("/api/v1/procedure-files", &officer, "don.pdf", &pdf)
        .await;
    assert_eq!(r.status(), 403);

    // Linked from a draft: the editor sees it, the public does not.
    let mut p = procedure("1.004495", "Cấp giấy phép bưu chính");
    p["forms"] = json!([{"name": "Tờ khai đề nghị cấp giấy phép", "url": form_url}]);
    p["components"][0]["template_url"] = json!(template_url);
    let r = app.post_json("/api/v1/procedures", Some(&token), &p).await;
    assert_eq!(r.status(), 201);
    assert_eq!(app.get(&form_url, None).await.status(), 404);
    let publish = decision();
    let r = app
        .post_json(
            "/api/v1/procedures/1.004495/publish",
            Some(&token),
            &publish,
        )
        .await;
    assert_eq!(r.status(), 200);

    // Published: everyone downloads it, byte for byte, under its own name.
    let r = app.get(&form_url, None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"mau.docx\"; filename*=UTF-8''M%E1%BA%ABu%2001%20-%20T%E1%BB%9D%20khai.docx"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), docx.as_slice());
    let r = app.get(&template_url, None).await;
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["content-type"].to_str().unwrap()
        ),
        (200, "application/pdf")
    );
    let page = app
        .get("/thu-tuc/1.004495", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("href=\"{form_url}\""))
            && page.contains("Tờ khai đề nghị cấp giấy phép"),
        "{page}"
    );
    // A portal picture is not a form, whatever the address.
    let png = app
        .post_file(
            "/api/v1/media",
            &token,
            "anh.png",
            b"\x89PNG\r\n\x1a\n0123456789",
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/tep-mau/{}", png["id"].as_str().unwrap()), None)
            .await
            .status(),
        404
    );
}
backend_test!(
    procedure_files,
    forms_are_uploaded_and_published_with_the_procedure
);
