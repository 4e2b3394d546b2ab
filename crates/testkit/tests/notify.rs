//! Notifications leave through the outbox: written with the event, delivered at least once to the
//! configured SMTP relay with the outbox id as Message-ID, retried with back-off when the relay is
//! down, never lost. The relay here is a minimal SMTP server in the test (an outside party, not
//! our storage).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A relay that accepts every message and keeps its text.
async fn relay() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let keep = keep.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 relay\r\n").await.unwrap();
                let mut line = String::new();
                let mut data = false;
                let mut text = String::new();
                while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                    if data {
                        if line == ".\r\n" {
                            data = false;
                            keep.lock().unwrap().push(std::mem::take(&mut text));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            text.push_str(&line);
                        }
                    } else if line.starts_with("DATA") {
                        data = true;
                        w.write_all(b"354 go on\r\n").await.unwrap();
                    } else if line.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        w.write_all(b"250 ok\r\n").await.unwrap();
                    }
                    line.clear();
                }
            });
        }
    });
    (addr, got)
}

async fn file_with_email(app: &TestApp) -> String {
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    let desk = app.token("motcua@test.vn").await;
    let r = app
        .post_json("/api/v1/dossiers", Some(&desk), &json!({
            "procedure_code": "1.004495", "channel": "counter",
            "applicant": {"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345", "phone": "0912345678", "email": "ngoc.tran@example.vn", "address": "Hà Nội"},
            "components": [{"code": "TP1"}], "return_channel": "counter"
        }))
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn outbox(app: &TestApp, code: &str) -> Vec<motcua_store::entity::outbox::Model> {
    let d = motcua_store::dossier::by_code(app.db.conn(), code)
        .await
        .unwrap()
        .unwrap();
    motcua_store::dossier::messages_of(app.db.conn(), d.id)
        .await
        .unwrap()
}

async fn the_receipt_reaches_the_relay_once_with_its_message_id(backend: Backend) {
    let (addr, got) = relay().await;
    let app = TestApp::spawn_with(backend, |c| c.notify_sink = format!("smtp://{addr}")).await;
    let code = file_with_email(&app).await;
    let mut delivered = None;
    for _ in 0..100 {
        let m = outbox(&app, &code).await;
        if m.iter().all(|m| m.delivered_at.is_some()) {
            delivered = Some(m);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let messages = delivered.expect("delivered within 10 s");
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (messages[0].topic.as_str(), messages[0].attempts),
        ("receipt", 1)
    );
    let texts = got.lock().unwrap().clone();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains(&format!("Message-ID: <{}@motcua>", messages[0].id)),
        "{}",
        texts[0]
    );
    assert!(texts[0].contains("To: <ngoc.tran@example.vn>"));
    app.stop().await;
}
backend_test!(
    delivered,
    the_receipt_reaches_the_relay_once_with_its_message_id
);

async fn a_relay_that_is_down_gets_retries_and_nothing_is_lost(backend: Backend) {
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let app = TestApp::spawn_with(backend, |c| c.notify_sink = format!("smtp://{closed}")).await;
    let code = file_with_email(&app).await;
    let mut failed = None;
    for _ in 0..100 {
        let m = outbox(&app, &code).await;
        if m.iter().all(|m| m.attempts >= 1) {
            failed = Some(m);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let m = failed.expect("an attempt within 10 s");
    assert!(m[0].delivered_at.is_none());
    assert!(
        m[0].last_error
            .as_deref()
            .is_some_and(|e| e.contains("connect")),
        "{:?}",
        m[0].last_error
    );
    assert!(
        m[0].next_attempt_at > m[0].created_at,
        "a later retry is scheduled"
    );
    app.stop().await;
}
backend_test!(
    relay_down,
    a_relay_that_is_down_gets_retries_and_nothing_is_lost
);
