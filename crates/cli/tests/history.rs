//! `motcua demo --dossiers N --years Y --seed S` (issue 6): the generated history is deterministic
//! by seed, is not generated twice, keeps the statistics counters equal to the events, keeps the
//! daily sequences gapless, leaves the audit chain intact and the SQLite file sound, and has the
//! shape asked for (skewed popularity, a channel mix moving online, open and late dossiers). On
//! both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_store::entity::dossier;
use motcua_store::sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};
use motcua_testkit::{Backend, TestDb, backend_test, count};
use std::collections::HashMap;
use std::process::{Command, Output};

fn motcua(db: &TestDb, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env("MOTCUA_DATABASE_URL", &db.url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "motcua {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

type Row = (String, i16, String, String, String, Option<String>, String);

async fn rows(db: &motcua_store::Db) -> Vec<Row> {
    dossier::Entity::find()
        .order_by_asc(dossier::Column::Code)
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .filter(|d| {
            d.idempotency_key
                .as_deref()
                .is_some_and(|k| k.starts_with("generated:"))
        })
        .map(|d| {
            (
                d.code,
                d.state,
                d.lookup_code,
                d.received_at.to_rfc3339(),
                d.due_at.to_rfc3339(),
                d.outcome,
                d.channel,
            )
        })
        .collect()
}

const N: usize = 3000;

async fn a_generated_history_is_deterministic_consistent_and_realistic(backend: Backend) {
    let (a, b) = (TestDb::new(backend).await, TestDb::new(backend).await);
    let gen_args = ["demo", "--dossiers", "3000", "--years", "2", "--seed", "11"];
    let out = motcua(&a, &gen_args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("generated 3000 dossiers"), "{text}");
    motcua(&b, &gen_args);
    let (da, db_) = (a.connect().await, b.connect().await);
    let ra = rows(&da).await;
    assert_eq!(ra.len(), N);
    assert_eq!(ra, rows(&db_).await, "the same seed gives the same history");

    // A second run with the same seed writes nothing; another seed adds another history.
    let again = motcua(&a, &gen_args);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already in the database"));
    assert_eq!(rows(&da).await.len(), N);

    let c = |sql: &'static str| count(&da, sql);
    // Every dossier has its events numbered 1..n, and its version is the number of events.
    assert_eq!(
        c("SELECT COUNT(*) AS n FROM dossier d WHERE d.idempotency_key LIKE 'generated:%' AND (d.version <> (SELECT COUNT(*) FROM dossier_event e WHERE e.dossier_id = d.id) OR d.version <> (SELECT MAX(seq) FROM dossier_event e WHERE e.dossier_id = d.id))").await,
        0
    );
    // The state is the last event's.
    assert_eq!(
        c("SELECT COUNT(*) AS n FROM dossier d JOIN dossier_event e ON e.dossier_id = d.id AND e.seq = d.version WHERE d.idempotency_key LIKE 'generated:%' AND e.to_state <> d.state").await,
        0
    );
    // Counters equal the events, as for live dossiers.
    assert_eq!(
        c("SELECT CAST(SUM(received) AS BIGINT) AS n FROM dossier_stat").await,
        c("SELECT COUNT(*) AS n FROM dossier_event WHERE (action = 'file' AND to_state = 2) OR action = 'receive'").await
    );
    assert_eq!(
        c("SELECT CAST(SUM(resolved_early + resolved_on_time + resolved_late) AS BIGINT) AS n FROM dossier_stat").await,
        c("SELECT COUNT(*) AS n FROM dossier WHERE resolved_at IS NOT NULL").await
    );
    assert_eq!(
        c("SELECT CAST(SUM(resolved_late) AS BIGINT) AS n FROM dossier_stat").await,
        c("SELECT COUNT(*) AS n FROM dossier WHERE outcome = 'late'").await
    );
    assert_eq!(
        c("SELECT CAST(SUM(returned_postal) AS BIGINT) AS n FROM dossier_stat").await,
        c("SELECT COUNT(*) AS n FROM dossier WHERE returned_at IS NOT NULL AND return_channel = 'postal'").await
    );
    // Gapless daily sequences: the last number of each day is the day's count.
    assert_eq!(
        c("SELECT CAST(COALESCE(SUM(last), 0) AS BIGINT) AS n FROM dossier_sequence").await,
        c("SELECT COUNT(*) AS n FROM dossier").await
    );

    // The shape: a few procedures take most dossiers; online grows; some are open, late, postal.
    let (mut early_online, mut early_n, mut late_online, mut late_n) = (0, 0, 0, 0);
    let half = ra.len() / 2;
    for (i, r) in ra.iter().enumerate() {
        let online = usize::from(r.6 == "online");
        if i < half {
            early_online += online;
            early_n += 1;
        } else {
            late_online += online;
            late_n += 1;
        }
    }
    let top = dossier::Entity::find()
        .all(da.conn())
        .await
        .unwrap()
        .into_iter()
        .fold(HashMap::<String, usize>::new(), |mut m, d| {
            *m.entry(d.procedure_code).or_default() += 1;
            m
        });
    let mut counts: Vec<usize> = top.values().copied().collect();
    counts.sort_unstable_by(|x, y| y.cmp(x));
    let top3: usize = counts.iter().take(3).sum();
    assert!(
        top3 * 100 / N >= 25 && counts.len() >= 20,
        "popularity not skewed: top three {top3} of {N} over {} procedures",
        counts.len()
    );
    // Codes sort by day, so the first half is the older year.
    assert!(
        late_online * early_n > early_online * late_n,
        "the online share does not grow: {early_online}/{early_n} then {late_online}/{late_n}"
    );
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE state IN (1, 2, 4, 5, 6, 9) AND idempotency_key IS NOT NULL").await > 0);
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE outcome = 'late'").await > 0);
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE channel = 'postal'").await > 0);
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE supplement_requests = 1").await > 0);
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE extended").await > 0);
    assert!(c("SELECT COUNT(*) AS n FROM dossier WHERE rating IS NOT NULL").await > 0);

    motcua(&a, &["audit", "verify"]);
    if backend == Backend::Sqlite {
        let r = da
            .conn()
            .query_one_raw(Statement::from_string(
                da.backend().sea(),
                "PRAGMA integrity_check".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.try_get::<String>("", "integrity_check").unwrap(), "ok");
    }
}
backend_test!(
    generated_history,
    a_generated_history_is_deterministic_consistent_and_realistic
);
