//! The process is killed (SIGKILL) while desk officers file dossiers as fast as they can. After a
//! restart every filing that was answered 201 is there, complete (row, first event, audit entry,
//! counters), no dossier is half written, the daily sequence has no gap, and the audit chain
//! verifies. On both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_store::sea_orm::{ConnectionTrait, Statement};
use motcua_testkit::{Backend, TestDb, backend_test};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn start(db: &TestDb) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("MOTCUA_DATABASE_URL", &db.url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
    let addr = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_else(|| panic!("no address in «{line}»"))
        .to_owned();
    (child, addr)
}

async fn sign_in(base: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "motcua@demo.motcua.vn", "password": "motcua-demo-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn body(code: &str) -> Value {
    json!({
        "procedure_code": code, "channel": "counter",
        "applicant": {"kind": "business", "name": "Công ty TNHH Bưu chính Sao Mai", "id_number": "0101234567", "phone": "0243826111", "email": "", "address": "Hà Nội"},
        "components": [], "return_channel": "counter"
    })
}

/// A demo procedure the desk can file at the counter without documents.
async fn fileable(base: &str, token: &str) -> Value {
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
        if !counter {
            continue;
        }
        let mut b = body(code);
        b["components"] = json!(
            data["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|k| k["required"] == true)
                .map(|k| json!({"code": k["code"]}))
                .collect::<Vec<_>>()
        );
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .bearer_auth(token)
            .json(&b)
            .send()
            .await
            .unwrap();
        if r.status() == 201 {
            return b;
        }
    }
    panic!("no demo procedure accepts a counter filing");
}

async fn count(db: &motcua_store::Db, sql: &str) -> i64 {
    db.conn()
        .query_one_raw(Statement::from_string(db.backend().sea(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

async fn a_killed_server_keeps_every_acknowledged_filing_and_nothing_half_written(
    backend: Backend,
) {
    let db = TestDb::new(backend).await;
    let (mut child, addr) = start(&db);
    let base = addr.clone();
    let token = sign_in(&base).await;
    let filing = fileable(&base, &token).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (base, token, filing, ack) = (
            base.clone(),
            token.clone(),
            filing.clone(),
            acknowledged.clone(),
        );
        workers.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            loop {
                let r = c
                    .post(format!("{base}/api/v1/dossiers"))
                    .bearer_auth(&token)
                    .json(&filing)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 201 => {
                        let v: Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => return,
                        };
                        ack.lock()
                            .unwrap()
                            .push(v["code"].as_str().unwrap().to_owned());
                    }
                    Ok(r) if r.status() == 422 => {
                        let b: Value = r.json().await.unwrap_or_default();
                        panic!("filing refused: {b}");
                    }
                    _ => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 5,
        "too few filings before the kill: {}",
        acknowledged.len()
    );

    let (mut child, base) = start(&db);
    let token = sign_in(&base).await;
    let c = reqwest::Client::new();
    for code in &acknowledged {
        let r = c
            .get(format!("{base}/api/v1/dossiers/{code}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged filing {code} lost");
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let conn = db.connect().await;
    let dossiers = count(&conn, "SELECT COUNT(*) AS n FROM dossier").await;
    // The probe filing plus every acknowledged one (a filing cut off before its answer may be there too).
    assert!(dossiers > acknowledged.len() as i64);
    // Each dossier has its first event, and nothing else exists without its dossier.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) AS n FROM dossier_event WHERE seq = 1"
        )
        .await,
        dossiers
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) AS n FROM dossier_event e WHERE NOT EXISTS (SELECT 1 FROM dossier d WHERE d.id = e.dossier_id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) AS n FROM audit_entry WHERE action = 'dossier.file'"
        )
        .await,
        dossiers
    );
    // The counters moved in the same transactions as the events (the demo's dossiers included).
    assert_eq!(
        count(
            &conn,
            "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT) AS n FROM dossier_stat"
        )
        .await,
        count(
            &conn,
            "SELECT COUNT(*) AS n FROM dossier_event WHERE (action = 'file' AND to_state = 2) OR action = 'receive'"
        )
        .await
    );
    assert_eq!(
        count(
            &conn,
            "SELECT CAST(COALESCE(SUM(submitted), 0) AS BIGINT) AS n FROM dossier_stat"
        )
        .await,
        count(
            &conn,
            "SELECT COUNT(*) AS n FROM dossier_event WHERE action = 'file' AND to_state = 1"
        )
        .await
    );
    // No gap and no duplicate in the daily sequence: its last number equals the count.
    assert_eq!(
        count(
            &conn,
            "SELECT CAST(COALESCE(SUM(last), 0) AS BIGINT) AS n FROM dossier_sequence"
        )
        .await,
        dossiers
    );
    let verify = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["audit", "verify"])
        .env("MOTCUA_DATABASE_URL", &db.url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
backend_test!(
    killed_during_filing,
    a_killed_server_keeps_every_acknowledged_filing_and_nothing_half_written
);
