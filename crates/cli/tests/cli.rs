//! The `motcua` binary, run as a user would, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_store::sea_orm::ConnectionTrait;
use motcua_testkit::{Backend, TestDb, backend_test};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn motcua(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.args(args)
        .env("MOTCUA_DATABASE_URL", &db.url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .env(
            "MOTCUA_SIGNING_KEY_PASSPHRASE",
            "cli-test-passphrase-0123456789",
        )
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn demo_is_idempotent_and_units_list_as_json(backend: Backend) {
    let db = TestDb::new(backend).await;
    let first = motcua(&db, &["demo"], None);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("7 demo account(s) created"));
    let second = motcua(&db, &["demo"], None);
    assert!(second.status.success());
    assert!(
        text(&second.stdout).contains("0 demo account(s) created"),
        "{}",
        text(&second.stdout)
    );

    let out = motcua(&db, &["unit", "list", "--json"], None);
    assert!(out.status.success());
    let units: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 15, "the demo's units, once each");
    for u in units {
        let keys: Vec<&String> = u.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "code", "name", "parent_id"]);
    }
    let desk = units.iter().find(|u| u["code"] == "MOTCUA").unwrap();
    let office = units.iter().find(|u| u["code"] == "VP").unwrap();
    assert_eq!(desk["parent_id"], office["id"]);
    assert_eq!(desk["name"], "Bộ phận Một cửa");

    let verify = motcua(&db, &["audit", "verify"], None);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
}
backend_test!(demo_and_units, demo_is_idempotent_and_units_list_as_json);

async fn user_add_creates_an_account_or_says_what_is_wrong(backend: Backend) {
    let db = TestDb::new(backend).await;
    assert!(motcua(&db, &["demo"], None).status.success());
    let add = |role: &str, unit: &str, email: &str| {
        motcua(
            &db,
            &[
                "user",
                "add",
                "--email",
                email,
                "--name",
                "Ngô Thị Lan",
                "--role",
                role,
                "--unit",
                unit,
                "--password-stdin",
            ],
            Some("mat-khau-rat-dai-2026\n"),
        )
    };
    let ok = add("officer", "cvt", "lan.ngo@test.vn");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let id = text(&ok.stdout).trim().to_owned();
    assert!(
        uuid::Uuid::parse_str(&id).is_ok(),
        "prints the new id: {id}"
    );

    let bad_role = add("superuser", "CVT", "x@test.vn");
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(
        text(&bad_role.stderr).contains("superuser"),
        "{}",
        text(&bad_role.stderr)
    );

    let bad_unit = add("officer", "KHONGCO", "y@test.vn");
    assert_eq!(bad_unit.status.code(), Some(2));
    assert!(
        text(&bad_unit.stderr).contains("unknown unit"),
        "{}",
        text(&bad_unit.stderr)
    );

    let dup = add("officer", "CVT", "lan.ngo@test.vn");
    assert_eq!(dup.status.code(), Some(2));

    // The unit may be given by id as well.
    let units: serde_json::Value =
        serde_json::from_slice(&motcua(&db, &["unit", "list", "--json"], None).stdout).unwrap();
    let ttt_id = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "TTTT")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(add("editor", &ttt_id, "bien.tap@test.vn").status.success());
}
backend_test!(user_add, user_add_creates_an_account_or_says_what_is_wrong);

/// Set up a database with a few audit entries; returns it and the entry count.
async fn audited_db(backend: Backend) -> (TestDb, i64) {
    let db = TestDb::new(backend).await;
    assert!(motcua(&db, &["demo"], None).status.success());
    let conn = db.connect().await;
    let n = motcua_store::audit::verify(&conn).await.unwrap();
    assert!(
        n > 20,
        "the demo writes an entry per agency, unit and account"
    );
    (db, n)
}

async fn exec(db: &TestDb, sql: &str) {
    let conn = db.connect().await;
    conn.conn().execute_unprepared(sql).await.unwrap();
    conn.close().await.unwrap();
}

fn assert_broken_at(db: &TestDb, seq: i64) {
    let out = motcua(db, &["audit", "verify"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("broken at entry {seq}:")), "{err}");
}

async fn audit_verify_passes_an_intact_chain(backend: Backend) {
    let (db, n) = audited_db(backend).await;
    let out = motcua(&db, &["audit", "verify"], None);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        format!("audit chain intact: {n} entries verified")
    );
}
backend_test!(audit_intact, audit_verify_passes_an_intact_chain);

async fn audit_verify_names_an_altered_entry(backend: Backend) {
    let (db, _) = audited_db(backend).await;
    exec(
        &db,
        "UPDATE audit_entry SET actor_role = 'admin' WHERE seq = 7",
    )
    .await;
    assert_broken_at(&db, 7);
}
backend_test!(audit_altered, audit_verify_names_an_altered_entry);

async fn audit_verify_finds_a_removed_entry(backend: Backend) {
    let (db, _) = audited_db(backend).await;
    exec(&db, "DELETE FROM audit_entry WHERE seq = 5").await;
    assert_broken_at(&db, 6);
}
backend_test!(audit_removed, audit_verify_finds_a_removed_entry);

async fn audit_verify_finds_reordered_entries(backend: Backend) {
    let (db, _) = audited_db(backend).await;
    // Swap the sequence numbers of entries 3 and 4 (their links and hashes stay as stored).
    exec(&db, "UPDATE audit_entry SET seq = -4 WHERE seq = 4").await;
    exec(&db, "UPDATE audit_entry SET seq = 4 WHERE seq = 3").await;
    exec(&db, "UPDATE audit_entry SET seq = 3 WHERE seq = -4").await;
    assert_broken_at(&db, 3);
}
backend_test!(audit_reordered, audit_verify_finds_reordered_entries);

async fn audit_verify_finds_entries_removed_from_the_end(backend: Backend) {
    let (db, n) = audited_db(backend).await;
    exec(
        &db,
        &format!("DELETE FROM audit_entry WHERE seq > {}", n - 2),
    )
    .await;
    assert_broken_at(&db, n - 1);
}
backend_test!(
    audit_truncated,
    audit_verify_finds_entries_removed_from_the_end
);

async fn audit_verify_finds_a_rewritten_chain_tail(backend: Backend) {
    let (db, n) = audited_db(backend).await;
    // Rewriting the last entry's summary and recomputing only its own stored hash still breaks
    // against the head row.
    exec(
        &db,
        &format!(
            "UPDATE audit_entry SET hash = '{}' WHERE seq = {n}",
            "a".repeat(64)
        ),
    )
    .await;
    assert_broken_at(&db, n);
}
backend_test!(audit_tail, audit_verify_finds_a_rewritten_chain_tail);

#[test]
fn default_config_prints_a_file_the_binary_accepts() {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("default-config")
        .output()
        .unwrap();
    assert!(out.status.success());
    let toml = text(&out.stdout);
    assert!(
        toml.contains("database_url = \"sqlite://data/motcua.db\"")
            && toml.contains("listen = \"127.0.0.1:8080\"")
    );
    let dir = std::env::temp_dir().join(format!("motcua-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("motcua.toml");
    std::fs::write(
        &file,
        toml.replace(
            "sqlite://data/motcua.db",
            &format!("sqlite://{}/db.sqlite", dir.display()),
        ),
    )
    .unwrap();
    let migrate = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(
        dir.join("db.sqlite").exists(),
        "the file's database_url was used"
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "listen = 8080\nunknown_key = 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["--config", bad.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreachable_database_exits_3_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["migrate"])
        .env(
            "MOTCUA_DATABASE_URL",
            "postgres://postgres:hunter2@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot open the database postgres://postgres:***@127.0.0.1:1/none"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the password is never printed");
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

#[test]
fn lunar_converts_both_ways_as_json() {
    let out = run(&["lunar", "--solar", "2026-02-17", "--json"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        r#"{"solar":"2026-02-17","lunar_day":1,"lunar_month":1,"lunar_year":2026,"leap_month":false}"#
    );
    let out = run(&["lunar", "--lunar", "2023-02-10", "--leap", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["solar"].as_str(), v["leap_month"].as_bool()),
        (Some("2023-03-31"), Some(true))
    );
}

#[test]
fn deadline_prints_the_appointment_in_vietnam_time() {
    let out = run(&[
        "deadline",
        "--received",
        "2026-02-13T16:30:00+07:00",
        "--duration",
        "5d",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        r#"{"due_at":"2026-02-27T17:00:00+07:00"}"#
    );
    let out = run(&[
        "deadline",
        "--received",
        "2026-02-13T09:30:00Z",
        "--duration",
        "4h",
        "--cutoff",
        "15:00",
        "--json",
    ]);
    // 09:30 UTC is 16:30 in Vietnam: after the cut-off, so counted from Monday 23/2 08:00.
    assert_eq!(
        text(&out.stdout).trim(),
        r#"{"due_at":"2026-02-23T12:00:00+07:00"}"#
    );
}

#[test]
fn calendar_prints_the_year_as_json() {
    let out = run(&["calendar", "2025", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["year"], 2025);
    let worked: Vec<&str> = v["working_weekend_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(worked, ["2025-04-26"]);
    let first = &v["non_working_weekdays"][0];
    assert_eq!(
        (first["date"].as_str(), first["name"].as_str()),
        (Some("2025-01-01"), Some("Tết Dương lịch"))
    );
    assert!(first["source"].as_str().unwrap().contains("Điều 112"));
    let table = run(&["calendar", "2025"]);
    assert!(text(&table.stdout).contains("Hoán đổi ngày làm việc"));
}

#[test]
fn bad_calendar_input_exits_2_naming_the_problem() {
    let cases: &[(&[&str], &str)] = &[
        (&["calendar", "1899"], "outside 1900–2199"),
        (&["lunar", "--solar", "2026-02-30"], "does not exist"),
        (
            &["lunar", "--lunar", "2024-02-01", "--leap"],
            "không tồn tại",
        ),
        (&["lunar", "--lunar", "2026-01-31"], "không tồn tại"),
        (
            &[
                "deadline",
                "--received",
                "2026-02-13T16:30:00+07:00",
                "--duration",
                "5w",
            ],
            "«w»",
        ),
        (
            &[
                "deadline",
                "--received",
                "2026-02-13T16:30:00+07:00",
                "--duration=-3d",
            ],
            "không được âm",
        ),
        (
            &[
                "deadline",
                "--received",
                "2026-02-13 16:30",
                "--duration",
                "5d",
            ],
            "RFC 3339",
        ),
        (
            &[
                "deadline",
                "--received",
                "2026-02-13T16:30:00+07:00",
                "--duration",
                "5d",
                "--cutoff",
                "3pm",
            ],
            "HH:MM",
        ),
        (
            &[
                "deadline",
                "--received",
                "2199-12-30T10:00:00+07:00",
                "--duration",
                "20d",
            ],
            "ngoài khoảng",
        ),
    ];
    for (args, needle) in cases {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(needle),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
