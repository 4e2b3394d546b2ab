//! motcua in real Chromium, on both backends: `e2e/story.mjs` (playwright-core driving Debian's
//! Chromium, axe-core run in each page) walks an applicant from the catalogue search to an online
//! filing and its look-up, the desk, the unit's leader and officer through to the returned result,
//! the reform office's pages, and the reading aids; axe-core must find no serious or critical
//! violation of WCAG 2.x A/AA on any page audited. Screenshots are kept in
//! `e2e/artifacts/{backend}/`. The dossier's end state is then read back from storage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, PASSWORD, TestApp, backend_test};
use serde_json::{Value, json};
use std::path::PathBuf;

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../e2e")
}

/// Whether the browser runner can run here; without it the test fails under the test command
/// (`MOTCUA_REQUIRE_TOOLS`) and reports NOT RUN otherwise.
fn runner_present() -> bool {
    let chromium = std::path::Path::new("/usr/bin/chromium").exists();
    let modules = e2e_dir().join("node_modules/playwright-core").exists()
        && e2e_dir().join("node_modules/axe-core").exists();
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok();
    if chromium && modules && node {
        return true;
    }
    assert!(
        std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
        "the browser tests need /usr/bin/chromium, node and e2e/node_modules (scripts/test installs them)"
    );
    eprintln!("NOT RUN: Chromium, node or e2e/node_modules missing");
    false
}

async fn story_in_chromium(backend: Backend) {
    if !runner_present() {
        return;
    }
    let app = TestApp::spawn(backend).await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    let editor = app.token("bientap@test.vn").await;
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    // A plan for this year, so the scorecard page has its targets.
    let office = app.token("cchc@test.vn").await;
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let r = app
        .post_json("/api/v1/plans", Some(&office), &json!({ "year": year }))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let artifacts = e2e_dir().join("artifacts").join(match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    });
    let config = json!({
        "password": PASSWORD, "applicant": "congdan@test.vn", "desk": "motcua@test.vn",
        "leader": "lanhdao@test.vn", "officer": "chuyenvien@test.vn", "office": "cchc@test.vn",
        "procedure": "1.004495", "unit": "CVT", "editor": "bientap@test.vn",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
    });
    let base = app.url("");
    let base = base.trim_end_matches('/').to_owned();
    let dir = e2e_dir();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .current_dir(&dir)
            .arg("story.mjs")
            .arg(&base)
            .arg(&artifacts)
            .arg(config.to_string())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no report from the browser run:\n{stdout}\n{stderr}"));
    for s in report["steps"].as_array().unwrap() {
        eprintln!(
            "{} {}",
            if s["ok"] == true { "ok  " } else { "FAIL" },
            s["name"]
        );
    }
    for (page, found) in report["axe"].as_object().unwrap() {
        let ids: Vec<String> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{} ({})", v["id"], v["impact"]))
            .collect();
        eprintln!("axe {page}: {}", ids.join(", "));
    }
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ok"] != true)
        .collect();
    assert!(
        failed.is_empty() && out.status.success(),
        "browser steps failed: {failed:#?}\nstderr: {stderr}"
    );
    // Every page of the list was audited.
    for page in [
        "home",
        "catalogue",
        "procedure",
        "filing",
        "lookup",
        "work-queue",
        "scorecard",
        "statistics",
        "public-statistics",
        "article",
        "video",
        "home-with-news",
    ] {
        assert!(report["axe"][page].is_array(), "{page} not audited");
    }
    // The dossier the browser filed reached its end: result returned.
    let code = report["facts"]["code"].as_str().unwrap();
    let d = motcua_store::dossier::by_code(app.db.conn(), code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((d.state, d.channel.as_str()), (10, "online"));
    app.stop().await;
}

backend_test!(browser, story_in_chromium);
