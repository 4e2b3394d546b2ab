//! Golden answers: what the API and the pages answer for one fixed story (the same users,
//! procedures and dossiers, the dossier clock set before every step), compared byte for byte with
//! the files in `tests/golden/` after the values that differ from run to run are replaced by
//! placeholders: ids by `<uuid-N>`, numbered by first appearance in the story (so an answer naming
//! another row than before differs); look-up codes, CSRF tokens, operation ids and the port;
//! motcua's wall-clock stamps (any instant between the story's start and now) by `<wall-clock>`;
//! the seconds of the dossier clock's instants by `<s>`, keeping whether they have a fraction.
//!
//! They pin the wire while the use cases move between crates (issue 17): a change of any field,
//! status, header named here, or page text fails the test on both backends, against the same
//! file. To record new answers after a deliberate change: `MOTCUA_BLESS=1 cargo test -p
//! motcua-testkit --test golden sqlite`, then read the diff of `tests/golden/` before committing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};
use std::path::PathBuf;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// At Vietnam wall-clock `s` (`YYYY-MM-DD HH:MM`).
fn vn(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_str(&format!("{s} +0700"), "%Y-%m-%d %H:%M %z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Collects every answer of the story, normalised, under a name.
struct Recorder {
    answers: Vec<(String, String)>,
    /// Values that differ between runs and are not ids (look-up codes), with their placeholder.
    volatile: Vec<(String, String)>,
    /// Every UUID seen, in the order of its first appearance in the story: the same id is the same
    /// `<uuid-N>` in every answer, so an answer naming the wrong row differs.
    ids: Vec<String>,
    /// When the story started on the wall clock: instants from then to now are motcua's own
    /// stamps (a publication), not the dossier clock's.
    started: DateTime<Utc>,
}

impl Recorder {
    fn normalise(&mut self, text: &str) -> String {
        let mut out = text.to_owned();
        for (value, placeholder) in &self.volatile {
            out = out.replace(value, placeholder);
        }
        let uuid = regex::Regex::new(
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        )
        .unwrap();
        let ids = &mut self.ids;
        let out = uuid.replace_all(&out, |c: &regex::Captures| {
            let id = c[0].to_ascii_lowercase();
            let n = match ids.iter().position(|x| *x == id) {
                Some(i) => i + 1,
                None => {
                    ids.push(id);
                    ids.len()
                }
            };
            format!("<uuid-{n}>")
        });
        // What motcua stamps with the wall clock, not the dossier clock (a publication): any
        // instant between the story's start and now, whatever the date (a run across midnight).
        let (from, to) = (
            self.started - chrono::Duration::seconds(2),
            Utc::now() + chrono::Duration::seconds(2),
        );
        let instant =
            regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
                .unwrap();
        let out = instant.replace_all(
            &out,
            |c: &regex::Captures| match DateTime::parse_from_rfc3339(&c[0]) {
                Ok(t) if (from..=to).contains(&t.with_timezone(&Utc)) => "<wall-clock>".to_owned(),
                _ => c[0].to_owned(),
            },
        );
        // Operation ids (32 hex digits) are new for every request.
        let op = regex::Regex::new(r"\b[0-9a-f]{32}\b").unwrap();
        let out = op.replace_all(&out, "<operation-id>");
        // The dossier clock reads the time set plus the time since: keep minutes, hide the seconds,
        // keep whether the instant has a fraction (its shape on the wire).
        let seconds =
            regex::Regex::new(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
                .unwrap();
        let out = seconds.replace_all(&out, |c: &regex::Captures| {
            let fraction = if c.get(2).is_some() { ".<f>" } else { "" };
            format!("{}:<s>{fraction}{}", &c[1], &c[3])
        });
        // The register's year menu runs up to the wall clock's year.
        let years = regex::Regex::new(r#"(<select id="nam" name="nam">).*?(</select>)"#).unwrap();
        let out = years.replace_all(&out, "$1<years>$2");
        let csrf = regex::Regex::new(r#"name="csrf_token" value="[^"]*""#).unwrap();
        let out = csrf.replace_all(&out, r#"name="csrf_token" value="<csrf>""#);
        let meta = regex::Regex::new(r#"name="csrf-token" content="[^"]*""#).unwrap();
        let out = meta.replace_all(&out, r#"name="csrf-token" content="<csrf>""#);
        out.into_owned()
    }

    async fn json(&mut self, name: &str, response: reqwest::Response) -> Value {
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        let pretty = serde_json::to_string_pretty(&json!({
            "status": status,
            "content_type": content_type,
            "etag": etag,
            "body": body,
        }))
        .unwrap();
        let normalised = self.normalise(&pretty);
        self.answers.push((format!("{name}.json"), normalised));
        body
    }

    async fn page(&mut self, name: &str, response: reqwest::Response) {
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        let text = format!("status: {status}\ncontent-type: {content_type}\n\n{body}");
        let normalised = self.normalise(&text);
        self.answers.push((format!("{name}.html"), normalised));
    }

    /// Compare with the files (or write them with `MOTCUA_BLESS=1`); every difference is named.
    fn check(&self) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let bless = std::env::var("MOTCUA_BLESS").is_ok_and(|v| v == "1");
        let mut differ = Vec::new();
        for (name, text) in &self.answers {
            let path = dir.join(name);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, text).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("no golden answer {}", path.display()));
            if &expected != text {
                let line = expected
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(expected.lines().count().min(text.lines().count()));
                let was = expected.lines().nth(line).unwrap_or("<end>");
                let now = text.lines().nth(line).unwrap_or("<end>");
                differ.push(format!(
                    "{name}, line {}:\n  golden: {was}\n  now:    {now}",
                    line + 1
                ));
            }
        }
        assert!(
            differ.is_empty(),
            "answers differ from tests/golden/:\n{}",
            differ.join("\n")
        );
        if !bless {
            // Every golden file is still answered: none is left behind unchecked.
            let names: Vec<&str> = self.answers.iter().map(|(n, _)| n.as_str()).collect();
            for entry in std::fs::read_dir(&dir).unwrap() {
                let file = entry.unwrap().file_name().into_string().unwrap();
                assert!(names.contains(&file.as_str()), "{file} is not answered");
            }
        }
    }
}

async fn upload(app: &TestApp, token: &str) -> String {
    let r = app
        .post_file("/api/v1/uploads", token, "don-de-nghi.pdf", PDF)
        .await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_owned()
}

fn applicant() -> Value {
    json!({"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345",
           "phone": "0912345678", "email": "ngoc.tran@example.vn",
           "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội"})
}

/// Take an action at the dossier's current version, at Vietnam time `at`.
async fn act(app: &TestApp, token: &str, code: &str, at: &str, body: Value) -> Value {
    let v: Value = app
        .get(&format!("/api/v1/dossiers/{code}"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    let version = v["version"].as_i64().unwrap();
    // Set just before the write, so the whole seconds the rules keep (working time used) are
    // those of the story, not of how long the steps before it took.
    app.state.set_clock(vn(at));
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/dossiers/{code}/actions")))
        .bearer_auth(token)
        .header("if-match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{body} -> {answer}");
    answer
}

async fn the_wire_answers_as_recorded(backend: Backend) {
    let started = Utc::now();
    let app = TestApp::spawn(backend).await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let officer_id = app.user("chuyenvien@test.vn", Role::Officer, "CVT").await;
    app.user("lanhdao@test.vn", Role::UnitLeader, "CVT").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    let editor = app.token("bientap@test.vn").await;
    let applicant_t = app.token("congdan@test.vn").await;
    let desk = app.token("motcua@test.vn").await;
    let officer = app.token("chuyenvien@test.vn").await;
    let leader = app.token("lanhdao@test.vn").await;
    let office = app.token("cchc@test.vn").await;
    app.state.set_clock(vn("2026-03-02 08:00"));
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    app.publish_procedure(&editor, "1.004496", "Sửa đổi giấy phép bưu chính", 2.0)
        .await;

    // One online dossier to its return, one at the counter in process.
    let up = upload(&app, &applicant_t).await;
    app.state.set_clock(vn("2026-03-09 09:00"));
    let r = app
        .post_json(
            "/api/v1/dossiers",
            Some(&applicant_t),
            &json!({"procedure_code": "1.004495", "channel": "online", "applicant": applicant(),
                    "components": [{"code": "TP1", "upload_ids": [up]}], "return_channel": "online"}),
        )
        .await;
    let mut rec = Recorder {
        answers: Vec::new(),
        volatile: Vec::new(),
        ids: Vec::new(),
        started,
    };
    // The test server listens on a port of its own each run.
    rec.volatile.push((app.addr.to_string(), "<addr>".into()));
    let filed: Value = r.json().await.unwrap();
    let online = filed["code"].as_str().unwrap().to_owned();
    let lookup = filed["lookup_code"].as_str().unwrap().to_owned();
    rec.volatile.push((lookup.clone(), "<lookup>".into()));
    act(
        &app,
        &desk,
        &online,
        "2026-03-09 09:30",
        json!({"action": "receive"}),
    )
    .await;
    act(
        &app,
        &desk,
        &online,
        "2026-03-09 09:40",
        json!({"action": "assign", "unit": "CVT", "officer_id": officer_id}),
    )
    .await;
    act(
        &app,
        &leader,
        &online,
        "2026-03-10 10:00",
        json!({"action": "approve"}),
    )
    .await;
    app.state.set_clock(vn("2026-03-10 10:10"));
    let result = upload(&app, &officer).await;
    act(
        &app,
        &officer,
        &online,
        "2026-03-10 10:20",
        json!({"action": "resolve", "upload_ids": [result]}),
    )
    .await;
    act(
        &app,
        &desk,
        &online,
        "2026-03-11 08:30",
        json!({"action": "return_result"}),
    )
    .await;

    app.state.set_clock(vn("2026-03-11 09:00"));
    let r = app
        .post_json(
            "/api/v1/dossiers",
            Some(&desk),
            &json!({"procedure_code": "1.004496", "channel": "counter", "applicant": applicant(),
                    "components": [{"code": "TP1", "upload_ids": []}], "return_channel": "postal",
                    "return_address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội"}),
        )
        .await;
    let counter: Value = r.json().await.unwrap();
    let counter = counter["code"].as_str().unwrap().to_owned();
    let counter_lookup = app
        .get(&format!("/api/v1/dossiers/{counter}"), Some(&desk))
        .await
        .json::<Value>()
        .await
        .unwrap()["lookup_code"]
        .as_str()
        .map(str::to_owned);
    if let Some(l) = counter_lookup {
        rec.volatile.push((l, "<lookup2>".into()));
    }
    act(
        &app,
        &desk,
        &counter,
        "2026-03-11 09:10",
        json!({"action": "assign", "unit": "CVT", "officer_id": officer_id}),
    )
    .await;

    // What the API answers.
    app.state.set_clock(vn("2026-03-12 10:00"));
    rec.json(
        "api-dossier-returned",
        app.get(&format!("/api/v1/dossiers/{online}"), Some(&desk))
            .await,
    )
    .await;
    rec.json(
        "api-dossier-in-process",
        app.get(&format!("/api/v1/dossiers/{counter}"), Some(&desk))
            .await,
    )
    .await;
    rec.json(
        "api-dossier-as-applicant",
        app.get(&format!("/api/v1/dossiers/{online}"), Some(&applicant_t))
            .await,
    )
    .await;
    rec.json(
        "api-queue-desk",
        app.get("/api/v1/dossiers", Some(&desk)).await,
    )
    .await;
    rec.json(
        "api-public-lookup",
        app.get(
            &format!("/api/v1/public/dossiers/{online}?lookup={lookup}"),
            None,
        )
        .await,
    )
    .await;
    rec.json(
        "api-public-lookup-wrong",
        app.get(
            &format!("/api/v1/public/dossiers/{online}?lookup=XXXXXXXX"),
            None,
        )
        .await,
    )
    .await;
    rec.json(
        "api-stats",
        app.get(
            "/api/v1/stats/dossiers?from=2026-03&to=2026-03",
            Some(&office),
        )
        .await,
    )
    .await;
    rec.json(
        "api-procedure",
        app.get("/api/v1/procedures/1.004495", None).await,
    )
    .await;
    rec.json(
        "api-procedures-search",
        app.get("/api/v1/procedures?q=buu%20chinh", None).await,
    )
    .await;
    rec.json(
        "api-document-indicators",
        app.get("/api/v1/documents/indicators?year=2026", Some(&leader))
            .await,
    )
    .await;
    let r = app
        .post_json("/api/v1/plans", Some(&office), &json!({"year": 2026}))
        .await;
    assert_eq!(r.status(), 201);
    rec.json(
        "api-scorecard",
        app.get(
            "/api/v1/plans/2026/scorecard?from=2026-03&to=2026-03",
            Some(&office),
        )
        .await,
    )
    .await;
    rec.json(
        "api-ranking",
        app.get(
            "/api/v1/plans/2026/ranking?from=2026-03&to=2026-03",
            Some(&office),
        )
        .await,
    )
    .await;
    rec.json(
        "api-index766",
        app.get("/api/v1/index766?period=2026-03", Some(&leader))
            .await,
    )
    .await;
    rec.json(
        "api-action-not-allowed",
        app.client()
            .post(app.url(&format!("/api/v1/dossiers/{online}/actions")))
            .bearer_auth(&desk)
            .header("if-match", "\"6\"")
            .json(&json!({"action": "receive"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.json(
        "api-filing-invalid",
        app.post_json(
            "/api/v1/dossiers",
            Some(&applicant_t),
            &json!({"procedure_code": "1.004495", "channel": "online",
                    "applicant": {"kind": "citizen", "name": "", "id_number": "12", "phone": "x",
                                  "email": "not-an-email", "address": ""},
                    "components": [], "return_channel": "online"}),
        )
        .await,
    )
    .await;

    // What the pages answer, to the public and to the desk.
    let public = app.client();
    for (name, path) in [
        ("page-catalog", "/thu-tuc".to_owned()),
        ("page-procedure", "/thu-tuc/1.004495".to_owned()),
        (
            "page-lookup",
            format!("/tra-cuu?ma={online}&tra_cuu={lookup}"),
        ),
        ("page-public-stats", "/thong-ke".to_owned()),
    ] {
        rec.page(name, public.get(app.url(&path)).send().await.unwrap())
            .await;
    }
    let browser = app.signed_in_browser("motcua@test.vn").await;
    for (name, path) in [
        ("page-queue", "/ho-so".to_owned()),
        ("page-dossier", format!("/ho-so/{online}")),
        ("page-dossier-in-process", format!("/ho-so/{counter}")),
    ] {
        rec.page(name, browser.get(app.url(&path)).send().await.unwrap())
            .await;
    }
    let browser = app.signed_in_browser("cchc@test.vn").await;
    for (name, path) in [
        (
            "page-scorecard",
            "/ke-hoach?nam=2026&tu=2026-03&den=2026-03".to_owned(),
        ),
        (
            "page-index766",
            "/ke-hoach/chi-so-766?ky=2026-03".to_owned(),
        ),
        (
            "page-dossier-stats",
            "/thong-ke/ho-so?from=2026-03&to=2026-03".to_owned(),
        ),
    ] {
        rec.page(name, browser.get(app.url(&path)).send().await.unwrap())
            .await;
    }
    let browser = app.signed_in_browser("lanhdao@test.vn").await;
    rec.page(
        "page-documents",
        browser
            .get(app.url("/van-ban?nam=2026"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.check();
}

backend_test!(the_wire_answers_as_recorded, the_wire_answers_as_recorded);
