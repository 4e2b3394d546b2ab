//! Personal data never reaches the log (Law 91/2025/QH15 on personal data protection, before it
//! Decree 13/2023/NĐ-CP; issue 18): `motcua serve` at the most verbose level the operators use
//! (`debug`, every request logged), a whole story about one applicant with recognisable values —
//! a counter filing, the receipt form, the dossier read back, the public look-up, a failed and a
//! good sign-in with the applicant's e-mail, a refused filing that names the fields — then the
//! log is searched for each value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const PASSWORD: &str = "motcua-demo-2026";
const NAME: &str = "Phạm Thị Riêng Tư";
const ID_NUMBER: &str = "079199004321";
const PHONE: &str = "0987650123";
const EMAIL: &str = "rieng.tu.kiemtra@example.vn";
const ADDRESS: &str = "99 Ngõ Bí Mật, Hoàn Kiếm, Hà Nội";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_story_leaves_no_personal_value_in_the_debug_log() {
    let dir = std::env::temp_dir().join(format!("motcua-logs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env(
            "MOTCUA_DATABASE_URL",
            format!("sqlite://{}/m.db", dir.display()),
        )
        .env("MOTCUA_LOG_LEVEL", "debug")
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve stopped");
    }
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let c = reqwest::Client::new();
    let token = |email: &'static str| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            let r = c
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "sign-in of {email}");
            r.json::<Value>().await.unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let desk = token("motcua@demo.motcua.vn").await;

    // A counter filing of the first demo procedure that takes one, with every required component.
    let list: Value = c
        .get(format!("{base}/api/v1/procedures?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let applicant = json!({"kind": "citizen", "name": NAME, "id_number": ID_NUMBER, "phone": PHONE,
                           "email": EMAIL, "address": ADDRESS});
    let mut filed = None;
    for item in list["items"].as_array().unwrap() {
        let code = item["code"].as_str().unwrap();
        let p: Value = c
            .get(format!("{base}/api/v1/procedures/{code}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = if p["data"].is_object() {
            &p["data"]
        } else {
            &p
        };
        let required: Vec<Value> = data["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["required"] == true)
            .map(|k| json!({"code": k["code"]}))
            .collect();
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .bearer_auth(&desk)
            .json(&json!({"procedure_code": code, "channel": "counter", "applicant": applicant,
                          "components": required, "return_channel": "postal", "return_address": ADDRESS}))
            .send()
            .await
            .unwrap();
        if r.status() == 201 {
            filed = Some(r.json::<Value>().await.unwrap());
            break;
        }
    }
    let filed = filed.expect("a demo procedure takes a counter filing");
    let code = filed["code"].as_str().unwrap();
    let lookup = filed["lookup_code"].as_str().unwrap_or_default();
    for path in [
        format!("/api/v1/dossiers/{code}"),
        format!("/api/v1/dossiers/{code}/forms/01"),
    ] {
        let r = c
            .get(format!("{base}{path}"))
            .bearer_auth(&desk)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = c
        .get(format!(
            "{base}/api/v1/public/dossiers/{code}?lookup={lookup}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A sign-in with the applicant's e-mail (no such account), and a filing refused field by field
    // whose values are the applicant's.
    let r = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": EMAIL, "password": "sai-mat-khau-123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .post(format!("{base}/api/v1/dossiers"))
        .bearer_auth(&desk)
        .json(&json!({"procedure_code": "9.999999", "channel": "counter",
                      "applicant": {"kind": "citizen", "name": NAME, "id_number": "12", "phone": PHONE,
                                    "email": EMAIL, "address": ADDRESS},
                      "components": [], "return_channel": "counter"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    child.kill().unwrap();
    child.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.lines().filter(|l| l.contains("request")).count() >= 8,
        "the debug log records the requests (else this test proves nothing):\n{log}"
    );
    for value in [
        NAME,
        ID_NUMBER,
        PHONE,
        EMAIL,
        ADDRESS,
        "Riêng Tư",
        "rieng.tu.kiemtra",
    ] {
        assert!(!log.contains(value), "the log holds {value:?}:\n{log}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
