//! The commands as a new user runs them, in a folder of their own (issue 18): those that need no
//! database (`pdf verify`, `pdf sign`, `edxml unpack`, `calendar`, `lunar`, `deadline`,
//! `default-config`) answer with their documented output and exit codes and create no file; those
//! that need one and find none — no file, no server, no motcua schema, a schema behind — stop with
//! exit code 3 and one line in Vietnamese and English, never a raw SQL error, and create nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `motcua ARGS` in `dir` with nothing of the test's environment that configures motcua: the
/// default configuration, as on a new machine, unless `envs` says otherwise.
fn motcua(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MOTCUA_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-anywhere-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every path under `dir`, relative, files and folders.
fn listing(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(at).unwrap() {
            let p = e.unwrap().path();
            out.insert(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl is required (scripts/test installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        text(&out.stderr)
    );
}

/// A self-signed signer (`c.pem`, `a.p12` with password `p12-pass`) made in `dir` by openssl.
fn signer(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "30",
            "-subj",
            "/C=VN/O=So Thong tin/CN=Tran Thi Binh",
            "-addext",
            "keyUsage=critical,digitalSignature,nonRepudiation",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "k.pem",
            "-in",
            "c.pem",
            "-out",
            "a.p12",
            "-passout",
            "pass:p12-pass",
        ],
    );
}

/// The stderr of a failed command: one line naming what to run.
fn one_line(out: &Output) -> String {
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, not: {err}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&out.stdout)
    );
    lines[0].to_owned()
}

#[test]
fn commands_that_need_no_database_leave_an_empty_folder_as_they_found_it() {
    let keys = temp_dir("keys");
    signer(&keys);
    let tools = keys.display().to_string();
    std::fs::write(
        keys.join("in.pdf"),
        motcua_sign::pdf::simple_document(&["Quyet dinh so 7/QD-STTTT", "Trang 2"]),
    )
    .unwrap();

    // `pdf sign` writes the signed file it was asked for, and nothing else.
    let dir = temp_dir("sign");
    let out = motcua(
        &dir,
        &[
            "pdf",
            "sign",
            "--in",
            &format!("{tools}/in.pdf"),
            "--out",
            "signed.pdf",
            "--cert",
            &format!("{tools}/a.p12"),
            "--password-env",
            "P12_PASSWORD",
        ],
        &[("P12_PASSWORD", "p12-pass")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(listing(&dir), BTreeSet::from(["signed.pdf".to_owned()]));

    // `pdf verify --json` with no installation here: the verdict (intact, not trusted), exit 1.
    let before = listing(&dir);
    let out = motcua(&dir, &["pdf", "verify", "signed.pdf", "--json"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("a JSON verdict ({e}): {}", text(&out.stdout)));
    assert_eq!(v["valid"], false);
    assert_eq!(v["signatures"][0]["intact"], true);
    assert_eq!(v["signatures"][0]["covers_whole_document"], true);
    assert_eq!(v["signatures"][0]["trusted"], false);
    assert!(
        text(&out.stderr).contains("--trust"),
        "it says how to trust a root: {}",
        text(&out.stderr)
    );
    assert_eq!(listing(&dir), before, "no database, no folder left behind");

    // The same with the signer's certificate trusted: valid, exit 0.
    let out = motcua(
        &dir,
        &[
            "pdf",
            "verify",
            "signed.pdf",
            "--json",
            "--trust",
            &format!("{tools}/c.pem"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["signatures"][0]["trusted"], true);
    assert_eq!(listing(&dir), before);

    // The human verdict, too.
    let out = motcua(&dir, &["pdf", "verify", "signed.pdf"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("KẾT LUẬN: KHÔNG HỢP LỆ"),
        "{}",
        text(&out.stdout)
    );

    // Not a PDF: exit 2.
    std::fs::write(dir.join("note.txt"), "không phải PDF").unwrap();
    let before = listing(&dir);
    let out = motcua(&dir, &["pdf", "verify", "note.txt", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(listing(&dir), before);

    // The calendar, the lunar date, the appointment, the configuration, an edXML check.
    let empty = temp_dir("empty");
    let runs: [(&[&str], i32, &str); 6] = [
        (&["calendar", "2026", "--json"], 0, "2026-02-16"),
        // Tết Bính Ngọ: the first day of the first lunar month.
        (
            &["lunar", "--solar", "2026-02-17", "--json"],
            0,
            "\"lunar_day\":1,\"lunar_month\":1,",
        ),
        (
            &[
                "deadline",
                "--received",
                "2026-02-13T16:30:00+07:00",
                "--duration",
                "5d",
                "--json",
            ],
            0,
            "due_at",
        ),
        (&["default-config"], 0, "database_url"),
        (&["edxml", "unpack", "missing.edxml", "--json"], 2, ""),
        (&["lunar", "--solar", "2026-13-40"], 2, ""),
    ];
    for (args, code, shows) in runs {
        let out = motcua(&empty, args, &[]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(shows),
            "{args:?}: {}",
            text(&out.stdout)
        );
        assert!(
            listing(&empty).is_empty(),
            "{args:?} left {:?}",
            listing(&empty)
        );
    }
}

#[test]
fn commands_that_need_a_database_and_find_none_exit_3_with_one_line_and_create_nothing() {
    let empty = temp_dir("nodb");
    let needs: [&[&str]; 9] = [
        &["unit", "list", "--json"],
        &["audit", "verify"],
        &["scorecard", "verify", "--year", "2025", "--json"],
        &["user", "unlock", "--email", "a@b.vn"],
        &["pki", "init"],
        &["pki", "list", "--json"],
        &["catalog", "export", "--format", "json"],
        &["calendar", "2026", "--corrections"],
        &["edxml", "partners"],
    ];
    for args in needs {
        let out = motcua(&empty, args, &[]);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let line = one_line(&out);
        assert!(
            line.contains("chưa có cơ sở dữ liệu")
                && line.contains("no database at data/motcua.db"),
            "{args:?}: {line}"
        );
        assert!(line.contains("motcua migrate"), "{args:?}: {line}");
        assert!(
            listing(&empty).is_empty(),
            "{args:?} left {:?}",
            listing(&empty)
        );
    }

    // A SQLite file that is not motcua's: said so, not "no such table".
    let other = temp_dir("other");
    let db = other.join("other.db");
    std::fs::write(&db, b"").unwrap();
    let url = format!("sqlite://{}", db.display());
    let out = motcua(&other, &["unit", "list"], &[("MOTCUA_DATABASE_URL", &url)]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let line = one_line(&out);
    assert!(
        line.contains("chưa được khởi tạo") && line.contains("no motcua schema"),
        "{line}"
    );
    assert!(!line.contains("no such table"), "{line}");

    // Once migrated, the same command answers.
    let out = motcua(&other, &["migrate"], &[("MOTCUA_DATABASE_URL", &url)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = motcua(
        &other,
        &["unit", "list", "--json"],
        &[("MOTCUA_DATABASE_URL", &url)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "[]");

    // A schema behind the code: the pending migrations are named by count.
    let conn = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             c.execute(\"DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)\"); c.commit()",
        ])
        .arg(&db)
        .output()
        .expect("python3");
    assert!(conn.status.success(), "{}", text(&conn.stderr));
    let out = motcua(&other, &["unit", "list"], &[("MOTCUA_DATABASE_URL", &url)]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let line = one_line(&out);
    assert!(line.contains("1 migration(s) behind"), "{line}");
}

#[test]
fn on_postgresql_a_missing_or_empty_database_exits_3_with_one_line() {
    let Some(base) = std::env::var("MOTCUA_TEST_POSTGRES_URL").ok() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs this test on PostgreSQL (scripts/test sets MOTCUA_TEST_POSTGRES_URL)"
        );
        eprintln!("NOT RUN on PostgreSQL: MOTCUA_TEST_POSTGRES_URL is not set");
        return;
    };
    let server = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(s, _)| s)
        .to_owned();
    let dir = temp_dir("pg");
    let missing = format!("{server}/motcua_no_such_database_{}", std::process::id());
    let out = motcua(
        &dir,
        &["unit", "list"],
        &[("MOTCUA_DATABASE_URL", &missing)],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let line = one_line(&out);
    assert!(
        line.contains("không mở được cơ sở dữ liệu") && line.contains("cannot open"),
        "{line}"
    );

    let name = format!("motcua_empty_{}", std::process::id());
    let psql = |sql: &str| {
        let out = Command::new("psql")
            .args([&base, "-qAtc", sql])
            .output()
            .expect("psql (scripts/test installs postgresql-client)");
        assert!(out.status.success(), "{sql}: {}", text(&out.stderr));
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    let empty = format!("{server}/{name}");
    let out = motcua(
        &dir,
        &["audit", "verify"],
        &[("MOTCUA_DATABASE_URL", &empty)],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let line = one_line(&out);
    assert!(line.contains("no motcua schema"), "{line}");
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    assert!(listing(&dir).is_empty(), "left {:?}", listing(&dir));
}
