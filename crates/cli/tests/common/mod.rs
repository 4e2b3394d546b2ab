//! What the command-line tests that run `motcua serve` as a process share: starting it, signing in
//! and a counter filing of a demo procedure.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const PASSWORD: &str = "motcua-demo-2026";

/// `motcua serve` on `url` at log level `level` (with `--demo` if asked), its stderr to `stderr`,
/// on a free port; returns the process and its base address once it listens.
pub fn serve(url: &str, demo: bool, level: &str, stderr: Stdio) -> (Child, String) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    if demo {
        args.push("--demo");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(&args)
        .env("MOTCUA_DATABASE_URL", url)
        .env("MOTCUA_LOG_LEVEL", level)
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "serve stopped before listening"
        );
    }
    // Keep reading (and discarding) so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    let addr = line.trim().rsplit(' ').next().unwrap().to_owned();
    (child, addr)
}

/// A bearer token of the demo account `email`.
pub async fn sign_in(base: &str, email: &str) -> String {
    let r = reqwest::Client::new()
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

/// Files at the counter, as `token`, the first demo procedure (of `unit`, when given) that takes
/// a counter filing, with every required component and the rest of the body from `body`
/// (applicant, return channel…); returns the body sent and the answer.
pub async fn counter_filing(
    base: &str,
    token: &str,
    unit: Option<&str>,
    body: Value,
) -> (Value, Value) {
    let c = reqwest::Client::new();
    let list: Value = c
        .get(format!("{base}/api/v1/procedures?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
        let counter = data["channels"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c == "counter"));
        if !counter || unit.is_some_and(|u| data["unit"] != u) {
            continue;
        }
        let mut b = body.clone();
        b["procedure_code"] = json!(code);
        b["channel"] = json!("counter");
        b["components"] = data["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["required"] == true)
            .map(|k| json!({"code": k["code"]}))
            .collect();
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .bearer_auth(token)
            .json(&b)
            .send()
            .await
            .unwrap();
        if r.status() == 201 {
            return (b, r.json().await.unwrap());
        }
    }
    panic!("no demo procedure takes a counter filing (unit {unit:?})");
}
