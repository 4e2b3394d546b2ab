//! Personal data never reaches the log (Law 91/2025/QH15 on personal data protection, before it
//! Decree 13/2023/NĐ-CP; issue 18): `motcua serve` at the most verbose level the operators use
//! (`debug`, every request logged), a whole story about one applicant with recognisable values —
//! a counter filing, the receipt form, the dossier read back, the public look-up, a failed and a
//! good sign-in with the applicant's e-mail, a refused filing that names the fields — then the
//! log is searched for each value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::json;
use std::process::Stdio;

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
    let url = format!("sqlite://{}/m.db", dir.display());
    let log = std::fs::File::create(&log_path).unwrap();
    let (mut child, base) = common::serve(&url, true, "debug", Stdio::from(log));
    let c = reqwest::Client::new();
    let desk = common::sign_in(&base, "motcua@demo.motcua.vn").await;

    // A counter filing of the first demo procedure that takes one, with every required component.
    let applicant = json!({"kind": "citizen", "name": NAME, "id_number": ID_NUMBER, "phone": PHONE,
                           "email": EMAIL, "address": ADDRESS});
    let body =
        json!({"applicant": applicant, "return_channel": "postal", "return_address": ADDRESS});
    let (_, filed) = common::counter_filing(&base, &desk, None, body).await;
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
