//! Fault drills (issue 6). The quick form runs with the test suite; `bench/run` runs the full form
//! (`MOTCUA_DRILL_ROUNDS=10`). Each drill prints a `DRILL` line with what it saw.
//!
//! - `killed_during_filing` (both backends): the server is killed (SIGKILL) while desk officers file
//!   as fast as they can, round after round. After every restart each filing answered 201 is present
//!   and intact (its own marker in the address), none is duplicated, no dossier is half written
//!   (first event, audit entry, counters), the daily sequence has no gap, the audit chain verifies
//!   and the SQLite file passes `PRAGMA integrity_check`.
//! - `postgres_restarted_under_load`: a private PostgreSQL cluster is stopped hard and started again
//!   while filings go on: `/readyz` answers 503, then 200 by itself, and nothing acknowledged is lost.
//! - `two_servers_race`: two `motcua serve` on one PostgreSQL database, 32 clients racing the same
//!   dossiers through their states with `If-Match`: no lost update, no transition applied twice,
//!   dossier codes unique and without gaps.
//! - `backup_under_load` (both backends): `motcua backup` while desk officers file; `motcua restore`
//!   into an empty database: every filing acknowledged before the backup began is there and
//!   intact, none half written, the audit chain and `scorecard verify` pass, and a second restore
//!   over the restored data is refused.
//! - `full_disk`: SQLite on a small tmpfs filled up: filings answer 507 with the error envelope,
//!   reads go on, nothing is corrupted, and filing works again once space returns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::sign_in;
use motcua_store::sea_orm::{ConnectionTrait, Statement};
use motcua_testkit::{Backend, TestDb, backend_test, count};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rounds() -> usize {
    std::env::var("MOTCUA_DRILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}

fn drill(line: &str) {
    println!("DRILL {line}");
}

/// Tools a drill needs from the machine: with MOTCUA_REQUIRE_TOOLS=1 (the test command sets it) a
/// missing tool fails the drill; otherwise the drill says why it did not run.
fn unavailable(why: &str) {
    assert!(
        std::env::var("MOTCUA_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "drill cannot run: {why}"
    );
    eprintln!("drill not run: {why}");
}

fn start(url: &str, demo: bool) -> (Child, String) {
    common::serve(url, demo, "warn", Stdio::null())
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A counter filing of a demo procedure handled by unit CVT, with no required document.
async fn fileable(base: &str, token: &str) -> Value {
    let body = json!({
        "applicant": {"kind": "business", "name": "Công ty TNHH Bưu chính Sao Mai", "id_number": "0101234567", "phone": "0243826111", "email": "", "address": "Hà Nội"},
        "return_channel": "counter"
    });
    common::counter_filing(base, token, Some("CVT"), body)
        .await
        .0
}

fn audit_verify(url: &str) {
    let verify = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["audit", "verify"])
        .env("MOTCUA_DATABASE_URL", url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "audit verify: {}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

async fn integrity_ok(db: &motcua_store::Db) {
    if db.backend() != motcua_store::Backend::Sqlite {
        return;
    }
    let r = db
        .conn()
        .query_one_raw(Statement::from_string(
            db.backend().sea(),
            "PRAGMA integrity_check".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.try_get::<String>("", "integrity_check").unwrap(), "ok");
}

/// Nothing half written: every dossier has its first event, audit entry and counters, and the daily
/// sequence is gapless.
async fn whole(db: &motcua_store::Db) -> i64 {
    let dossiers = count(db, "SELECT COUNT(*) AS n FROM dossier").await;
    assert_eq!(
        count(db, "SELECT COUNT(*) AS n FROM dossier_event WHERE seq = 1").await,
        dossiers
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM dossier_event e WHERE NOT EXISTS (SELECT 1 FROM dossier d WHERE d.id = e.dossier_id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM audit_entry WHERE action = 'dossier.file'"
        )
        .await,
        dossiers
    );
    assert_eq!(
        count(
            db,
            "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT) AS n FROM dossier_stat"
        )
        .await,
        count(
            db,
            "SELECT COUNT(*) AS n FROM dossier_event WHERE (action = 'file' AND to_state = 2) OR action = 'receive'"
        )
        .await
    );
    assert_eq!(
        count(
            db,
            "SELECT CAST(COALESCE(SUM(last), 0) AS BIGINT) AS n FROM dossier_sequence"
        )
        .await,
        dossiers
    );
    dossiers
}

/// Filing workers: each filing carries its own marker in the address; the answered ones are kept.
struct Load {
    acknowledged: Arc<Mutex<Vec<(String, String)>>>,
    running: Arc<AtomicBool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    /// `persist`: keep going through errors (a database restart) until stopped.
    fn start(base: &str, token: &str, filing: &Value, tag: &str, n: usize, persist: bool) -> Self {
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let running = Arc::new(AtomicBool::new(true));
        let workers = (0..n)
            .map(|w| {
                let (base, token, mut filing, ack, running, tag) = (
                    base.to_owned(),
                    token.to_owned(),
                    filing.clone(),
                    acknowledged.clone(),
                    running.clone(),
                    tag.to_owned(),
                );
                tokio::spawn(async move {
                    let c = reqwest::Client::builder()
                        .timeout(Duration::from_secs(20))
                        .build()
                        .unwrap();
                    let mut k = 0;
                    while running.load(Ordering::Relaxed) {
                        k += 1;
                        let marker = format!("Mốc kiểm tra {tag}-{w}-{k}");
                        filing["applicant"]["address"] = json!(marker);
                        let r = c
                            .post(format!("{base}/api/v1/dossiers"))
                            .bearer_auth(&token)
                            .json(&filing)
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status() == 201 => {
                                let Ok(v) = r.json::<Value>().await else {
                                    if persist {
                                        continue;
                                    }
                                    return;
                                };
                                ack.lock()
                                    .unwrap()
                                    .push((v["code"].as_str().unwrap().to_owned(), marker));
                            }
                            Ok(r) if r.status() == 422 => {
                                let b: Value = r.json().await.unwrap_or_default();
                                panic!("filing refused: {b}");
                            }
                            _ if persist => tokio::time::sleep(Duration::from_millis(50)).await,
                            _ => return,
                        }
                    }
                })
            })
            .collect();
        Self {
            acknowledged,
            running,
            workers,
        }
    }

    async fn finish(self) -> Vec<(String, String)> {
        self.running.store(false, Ordering::Relaxed);
        for w in self.workers {
            w.await.unwrap();
        }
        self.acknowledged.lock().unwrap().clone()
    }
}

/// Every acknowledged filing is there, with its own data.
async fn all_present(base: &str, token: &str, acknowledged: &[(String, String)]) {
    let c = reqwest::Client::new();
    for (code, marker) in acknowledged {
        let r = c
            .get(format!("{base}/api/v1/dossiers/{code}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged filing {code} lost");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["applicant"]["address"], json!(marker), "{code} altered");
    }
}

async fn no_duplicates(db: &motcua_store::Db) {
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM (SELECT applicant_address FROM dossier WHERE applicant_address LIKE 'Mốc kiểm tra %' GROUP BY applicant_address HAVING COUNT(*) > 1) t"
        )
        .await,
        0,
        "a filing was written twice"
    );
}

async fn a_killed_server_keeps_every_acknowledged_filing_round_after_round(backend: Backend) {
    let db = TestDb::new(backend).await;
    let rounds = rounds();
    let mut acknowledged = Vec::new();
    let mut filing = Value::Null;
    for round in 1..=rounds {
        let (child, base) = start(&db.url, true);
        let token = sign_in(&base, "motcua@demo.motcua.vn").await;
        if filing.is_null() {
            filing = fileable(&base, &token).await;
        }
        let load = Load::start(&base, &token, &filing, &format!("r{round}"), 8, false);
        // Kill at a different moment each round.
        tokio::time::sleep(Duration::from_millis(400 + (round as u64 * 137) % 500)).await;
        stop(child);
        let acked = load.finish().await;
        assert!(
            acked.len() >= 5,
            "round {round}: too few filings before the kill: {}",
            acked.len()
        );
        acknowledged.extend(acked);
        // After each restart, everything acknowledged so far is there.
        let (child, base) = start(&db.url, false);
        let token = sign_in(&base, "motcua@demo.motcua.vn").await;
        all_present(&base, &token, &acknowledged).await;
        stop(child);
    }
    let conn = db.connect().await;
    no_duplicates(&conn).await;
    let dossiers = whole(&conn).await;
    integrity_ok(&conn).await;
    audit_verify(&db.url);
    drill(&format!(
        "kill -9 during filing on {backend:?}: {rounds} rounds, {} acknowledged filings all present and intact after each restart, none duplicated, {dossiers} dossiers whole, sequence gapless, audit chain verified{}",
        acknowledged.len(),
        if backend == Backend::Sqlite {
            ", integrity_check ok"
        } else {
            ""
        }
    ));
}
backend_test!(
    killed_during_filing,
    a_killed_server_keeps_every_acknowledged_filing_round_after_round
);

/// `motcua ARGS` on the database `url`; the output.
fn motcua_on(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env("MOTCUA_DATABASE_URL", url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

async fn a_backup_under_filing_load_restores_every_filing_acknowledged_before_it(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (child, base) = start(&db.url, true);
    let token = sign_in(&base, "motcua@demo.motcua.vn").await;
    let filing = fileable(&base, &token).await;
    let load = Load::start(&base, &token, &filing, "backup", 8, false);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // What was acknowledged before the backup began must be in it.
    let before = load.acknowledged.lock().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("motcua-backup-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("motcua.backup");
    let file_arg = file.display().to_string();
    let taken = {
        let url = db.url.clone();
        let f = file_arg.clone();
        tokio::task::spawn_blocking(move || motcua_on(&url, &["backup", "--out", &f, "--json"]))
            .await
            .unwrap()
    };
    assert!(
        taken.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&taken.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = load.finish().await;
    stop(child);
    let backed: Value = serde_json::from_slice(&taken.stdout).unwrap();
    let in_backup = backed["counts"]["dossiers"].as_i64().unwrap();
    assert!(
        before.len() >= 5 && all.len() > before.len(),
        "filings went on around the backup: {} before, {} in all",
        before.len(),
        all.len()
    );
    // A backup file is never written over.
    let again = motcua_on(&db.url, &["backup", "--out", &file_arg]);
    assert_eq!(again.status.code(), Some(2));

    let target = TestDb::new(backend).await;
    if let Some(path) = motcua_store::db::sqlite_file(&target.url) {
        // A journal of an earlier database beside the target: refused, nothing written.
        let wal = format!("{}-wal", path.display());
        std::fs::write(&wal, b"stale").unwrap();
        let refused = motcua_on(&target.url, &["restore", "--from", &file_arg]);
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        assert!(!path.exists(), "nothing restored beside a stale journal");
        std::fs::remove_file(&wal).unwrap();
    }
    let restored = motcua_on(&target.url, &["restore", "--from", &file_arg, "--json"]);
    assert!(
        restored.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let r: Value = serde_json::from_slice(&restored.stdout).unwrap();
    assert_eq!(
        r["counts"], backed["counts"],
        "the restore holds what the backup counted"
    );
    assert!(r["audit_entries_verified"].as_i64().unwrap() > 0);
    let conn = target.connect().await;
    let dossiers = whole(&conn).await;
    assert_eq!(dossiers, in_backup);
    no_duplicates(&conn).await;
    integrity_ok(&conn).await;
    drop(conn);
    let (child, base) = start(&target.url, false);
    let token = sign_in(&base, "motcua@demo.motcua.vn").await;
    all_present(&base, &token, &before).await;
    stop(child);
    audit_verify(&target.url);
    let year = chrono::Utc::now().format("%Y").to_string();
    let verified = motcua_on(&target.url, &["scorecard", "verify", "--year", &year]);
    assert!(
        verified.status.success(),
        "scorecard verify on the restore: {}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    // Restoring over data is refused, and changes nothing.
    let over = motcua_on(&target.url, &["restore", "--from", &file_arg]);
    assert_eq!(
        over.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&over.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    drill(&format!(
        "backup under filing load on {backend:?}: {} filings acknowledged before the backup began, all restored intact; the backup holds {in_backup} dossiers ({} acknowledged in all); restore into an empty database verified the audit chain ({} entries) and scorecard verify passed; a restore over data refused",
        before.len(),
        all.len(),
        r["audit_entries_verified"]
    ));
}
backend_test!(
    backup_under_load,
    a_backup_under_filing_load_restores_every_filing_acknowledged_before_it
);

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// A private PostgreSQL cluster in a temporary folder, owned by the `postgres` system user.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn new() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())?;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
            l.local_addr().ok()?.port()
        };
        let dir = std::env::temp_dir().join(format!("motcua-drill-pg-{port}"));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .ok()?
            .success()
            && Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(bin.join("initdb"))
                .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
                .arg(dir.join("data"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .ok()?
                .success();
        let c = Self { bin, dir, port };
        (ok && c.pg_ctl(&["start", "-w"])).then_some(c)
    }

    fn pg_ctl(&self, args: &[&str]) -> bool {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-o", &opts, "-l"])
            .arg(self.dir.join("log"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.pg_ctl(&["stop", "-m", "immediate"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn readyz(c: &reqwest::Client, base: &str) -> u16 {
    c.get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(motcua_pg),
    ignore = "MOTCUA_TEST_POSTGRES_URL was not set at build time"
)]
async fn postgres_restarted_under_load() {
    let Some(cluster) = Cluster::new() else {
        unavailable("no PostgreSQL server binaries, or not root (initdb runs as postgres)");
        return;
    };
    let url = cluster.url();
    let (child, base) = start(&url, true);
    let token = sign_in(&base, "motcua@demo.motcua.vn").await;
    let filing = fileable(&base, &token).await;
    let load = Load::start(&base, &token, &filing, "pg", 8, true);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(cluster.pg_ctl(&["stop", "-m", "immediate"]));
    let c = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let t0 = Instant::now();
    let mut saw_503 = false;
    while t0.elapsed() < Duration::from_secs(20) {
        if readyz(&c, &base).await == 503 {
            saw_503 = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saw_503, "/readyz never said 503 while PostgreSQL was down");
    assert!(cluster.pg_ctl(&["start", "-w"]));
    let t1 = Instant::now();
    while readyz(&c, &base).await != 200 {
        assert!(
            t1.elapsed() < Duration::from_secs(60),
            "/readyz did not come back to 200 by itself"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let back = t1.elapsed();
    // Filings go on after the restart.
    let before = load.acknowledged.lock().unwrap().len();
    let t2 = Instant::now();
    while load.acknowledged.lock().unwrap().len() < before + 5 {
        assert!(
            t2.elapsed() < Duration::from_secs(30),
            "filing did not resume"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let acknowledged = load.finish().await;
    all_present(&base, &token, &acknowledged).await;
    stop(child);
    let conn = motcua_store::Db::connect(&url, &motcua_store::DbOptions::default())
        .await
        .unwrap();
    no_duplicates(&conn).await;
    let dossiers = whole(&conn).await;
    audit_verify(&url);
    drill(&format!(
        "PostgreSQL stopped hard and restarted under filing load: /readyz 503 while down, 200 again {:.1} s after PostgreSQL accepted connections, without restarting motcua; {} acknowledged filings all present, none duplicated, {dossiers} dossiers whole, audit chain verified",
        back.as_secs_f64(),
        acknowledged.len()
    ));
}

/// The next step of the race's path for a dossier as read, with who takes it.
fn next_step(d: &Value) -> Option<(&'static str, bool)> {
    // (action, by the desk officer rather than the unit leader): the desk hands a received dossier
    // to the unit (control slip) and takes the supplement; the leader does the rest.
    match d["state"].as_i64()? {
        2 => Some(("assign", true)),
        4 if d["supplement_count"] == 0 => Some(("request_supplement", false)),
        5 => Some(("supplement", true)),
        4 if d["approved"] == false => Some(("approve", false)),
        4 => Some(("stop", false)),
        _ => None,
    }
}

const PATH: [&str; 5] = [
    "assign",
    "request_supplement",
    "supplement",
    "approve",
    "stop",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(motcua_pg),
    ignore = "MOTCUA_TEST_POSTGRES_URL was not set at build time"
)]
async fn two_servers_race() {
    let db = TestDb::new(Backend::Postgres).await;
    let (a, base_a) = start(&db.url, true);
    let (b, base_b) = start(&db.url, false);
    let bases = [base_a.clone(), base_b.clone()];
    let desk = sign_in(&base_a, "motcua@demo.motcua.vn").await;
    let leader = sign_in(&base_b, "lanhdao@demo.motcua.vn").await;
    let filing = fileable(&base_a, &desk).await;

    // Codes: 16 clients, half on each server, file at once.
    let mut filers = Vec::new();
    for i in 0..16 {
        let (base, desk, filing) = (bases[i % 2].clone(), desk.clone(), filing.clone());
        filers.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let mut codes = Vec::new();
            for _ in 0..5 {
                let r = c
                    .post(format!("{base}/api/v1/dossiers"))
                    .bearer_auth(&desk)
                    .json(&filing)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                codes.push(
                    r.json::<Value>().await.unwrap()["code"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                );
            }
            codes
        }));
    }
    let mut codes = Vec::new();
    for f in filers {
        codes.extend(f.await.unwrap());
    }
    let unique: HashSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "a dossier code was given twice");
    let conn = db.connect().await;
    whole(&conn).await;

    // 32 clients race ten dossiers through the same path, half through each server.
    let targets: Arc<Vec<String>> = Arc::new(codes.iter().take(10).cloned().collect());
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut racers = Vec::new();
    for i in 0..32 {
        let (base, desk, leader, targets, acked) = (
            bases[i % 2].clone(),
            desk.clone(),
            leader.clone(),
            targets.clone(),
            acked.clone(),
        );
        racers.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let t0 = Instant::now();
            let mut k = i;
            let (mut ok, mut conflicts) = (0usize, 0usize);
            while t0.elapsed() < Duration::from_secs(90) {
                k = (k * 7 + 3) % targets.len();
                let code = &targets[k];
                let r = c
                    .get(format!("{base}/api/v1/dossiers/{code}"))
                    .bearer_auth(&leader)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                let etag = r.headers()["etag"].to_str().unwrap().to_owned();
                let d: Value = r.json().await.unwrap();
                let Some((action, by_desk)) = next_step(&d) else {
                    // This one is done; stop when all are.
                    let mut all_done = true;
                    for code in targets.iter() {
                        let d: Value = c
                            .get(format!("{base}/api/v1/dossiers/{code}"))
                            .bearer_auth(&leader)
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        all_done &= next_step(&d).is_none();
                    }
                    if all_done {
                        return (ok, conflicts);
                    }
                    continue;
                };
                let r = c
                    .post(format!("{base}/api/v1/dossiers/{code}/actions"))
                    .bearer_auth(if by_desk { &desk } else { &leader })
                    .header("if-match", &etag)
                    .json(&json!({"action": action, "reason": "Kiểm tra đồng thời", "unit": "CVT"}))
                    .send()
                    .await
                    .unwrap();
                match r.status().as_u16() {
                    200 => {
                        ok += 1;
                        acked
                            .lock()
                            .unwrap()
                            .push((code.clone(), action.to_owned()));
                    }
                    409 => {
                        // Stale: someone else moved it first. Said so, not as a duplicate.
                        let body: Value = r.json().await.unwrap();
                        assert!(
                            body["error"]["message"]
                                .as_str()
                                .is_some_and(|m| m.contains("người khác cập nhật")),
                            "{action} on {code}: {body}"
                        );
                        conflicts += 1;
                    }
                    s => panic!(
                        "{action} on {code}: {s} {}",
                        r.text().await.unwrap_or_default()
                    ),
                }
            }
            panic!("the race did not finish in 90 s");
        }));
    }
    let (mut ok, mut conflicts) = (0, 0);
    for r in racers {
        let (o, c) = r.await.unwrap();
        ok += o;
        conflicts += c;
    }
    stop(a);
    stop(b);

    // Every acknowledged transition is in the log once, in the path's order, and nothing else is.
    let acked = acked.lock().unwrap().clone();
    let mut per: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (code, action) in &acked {
        per.entry(code.clone()).or_default().push(action.clone());
    }
    for code in targets.iter() {
        let rows = conn
            .conn()
            .query_all_raw(Statement::from_string(
                conn.backend().sea(),
                format!(
                    "SELECT e.action AS action FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code = '{code}' AND e.seq > 1 ORDER BY e.seq"
                ),
            ))
            .await
            .unwrap();
        let log: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "action").unwrap())
            .collect();
        assert_eq!(log, PATH, "{code}: transitions in the log");
        let mut mine = per.get(code).cloned().unwrap_or_default();
        mine.sort();
        let mut path: Vec<String> = PATH.iter().map(|s| (*s).to_owned()).collect();
        path.sort();
        assert_eq!(mine, path, "{code}: acknowledged transitions");
        assert_eq!(
            count(
                &conn,
                &format!("SELECT version AS n FROM dossier WHERE code = '{code}'")
            )
            .await,
            PATH.len() as i64 + 1
        );
    }
    audit_verify(&db.url);
    drill(&format!(
        "two servers on one PostgreSQL database: {} codes filed at once by 16 clients, unique and gapless; 32 clients raced 10 dossiers through {} transitions: {ok} acknowledged, {conflicts} refused as stale (409), every acknowledged transition in the log exactly once, none lost",
        codes.len(),
        PATH.len()
    ));
}

fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    std::fs::create_dir_all(dir).is_ok()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn free_bytes(dir: &Path) -> u64 {
    let out = Command::new("df")
        .args(["-B1", "--output=avail"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk() {
    let dir = std::env::temp_dir().join(format!("motcua-drill-full-{}", std::process::id()));
    if !mount_tmpfs(&dir, "48m") {
        let _ = std::fs::remove_dir(&dir);
        unavailable("cannot mount a tmpfs (not root?)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _guard = Unmount(dir.clone());
    let url = format!("sqlite://{}", dir.join("motcua.db").display());
    let (child, base) = start(&url, true);
    let token = sign_in(&base, "motcua@demo.motcua.vn").await;
    let filing = fileable(&base, &token).await;
    // Another program fills the disk, leaving a little room.
    let filler = dir.join("filler");
    let room = 256 * 1024;
    std::fs::write(
        &filler,
        vec![0u8; (free_bytes(&dir).saturating_sub(room)) as usize],
    )
    .unwrap();
    let c = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    let mut full = None;
    for k in 0..5000 {
        let mut f = filing.clone();
        let marker = format!("Mốc kiểm tra đĩa-{k}");
        f["applicant"]["address"] = json!(marker);
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .bearer_auth(&token)
            .json(&f)
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            201 => acknowledged.push((
                r.json::<Value>().await.unwrap()["code"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                marker,
            )),
            s => {
                let body: Value = r.json().await.unwrap();
                full = Some((s, body));
                break;
            }
        }
    }
    let (status, body) = full.expect("the disk never filled up");
    assert!(
        status == 507 || status == 503,
        "a full disk answered {status}: {body}"
    );
    assert!(
        body["error"]["code"].is_string(),
        "no error envelope: {body}"
    );
    // Reads go on while the disk is full.
    assert_eq!(readyz(&c, &base).await, 200);
    all_present(&base, &token, &acknowledged).await;
    // Space returns: filing works again, without a restart.
    std::fs::remove_file(&filler).unwrap();
    let t0 = Instant::now();
    loop {
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .bearer_auth(&token)
            .json(&filing)
            .send()
            .await
            .unwrap();
        if r.status() == 201 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "filing did not come back after space returned: {}",
            r.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(child);
    let conn = motcua_store::Db::connect(&url, &motcua_store::DbOptions::default())
        .await
        .unwrap();
    no_duplicates(&conn).await;
    let dossiers = whole(&conn).await;
    integrity_ok(&conn).await;
    conn.close().await.unwrap();
    audit_verify(&url);
    drill(&format!(
        "full disk (SQLite on a 48 MB tmpfs, filled by another file): filing answered {status} `{}` after {} acknowledged filings; reads went on; filing worked again once space returned; {dossiers} dossiers whole, integrity_check ok, audit chain verified",
        body["error"]["code"].as_str().unwrap_or(""),
        acknowledged.len()
    ));
}
