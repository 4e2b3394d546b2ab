//! Test support: a fresh database per test on SQLite (always) and PostgreSQL (when
//! `MOTCUA_TEST_POSTGRES_URL` is set), the real application on port 0, typed helpers.
//!
//! Crates whose tests use [`backend_test!`] have a `build.rs` that sets `cfg(motcua_pg)` when the
//! variable is set at build time; without it the PostgreSQL variants are reported as ignored, never
//! as passed.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_domain::org::{OrganId, UnitCode, UnitKind};
use motcua_store::org::{NewUnit, ensure_agency, ensure_unit};
use motcua_store::sea_orm::{ConnectionTrait, Database};
use motcua_store::{AuditCtx, Db, DbOptions};
use motcua_web::{Application, Config};
use std::net::SocketAddr;
use std::path::PathBuf;

mod app;
mod db;

pub use app::*;
pub use db::*;

/// A valid `POST /api/v1/users` body for a new officer of CVT.
pub fn new_officer(email: &str) -> serde_json::Value {
    serde_json::json!({"email": email, "full_name": "Trần Thị Mới", "role": "officer", "unit": "CVT",
                       "password": "mat-khau-dai-du"})
}

/// The CSRF token in the hidden field of the form at `url` (fetching it also sets the cookie).
pub async fn csrf_of(client: &reqwest::Client, url: &str) -> String {
    let html = client.get(url).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a form with a CSRF token");
    html[start..start + 64].to_owned()
}

/// One number from SQL written `SELECT … AS n`, on either backend.
/// pyHanko and pdfsig, both trusting `root_pem`, judge every signature of `pdf` valid (`signatures`
/// of them). Without pyHanko the check does not run, which `MOTCUA_REQUIRE_TOOLS` (set by the test
/// command) turns into a failure.
pub fn outside_validators_judge_valid(
    dir: &std::path::Path,
    root_pem: &str,
    pdf: &[u8],
    signatures: usize,
) {
    if std::process::Command::new("pyhanko")
        .arg("--help")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
            "pyhanko is required"
        );
        eprintln!("NOT RUN: pyhanko is not installed");
        return;
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("root.pem"), root_pem).unwrap();
    std::fs::write(dir.join("doc.pdf"), pdf).unwrap();
    let out = std::process::Command::new("pyhanko")
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(dir.join("root.pem"))
        .arg(dir.join("doc.pdf"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.matches("judged VALID").count(), signatures, "{text}");
    // pdfsig (poppler) with an NSS database that trusts the root.
    let nss = dir.join("nss");
    std::fs::create_dir_all(&nss).unwrap();
    let db = format!("sql:{}", nss.display());
    let ok = |c: &mut std::process::Command| {
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{c:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(std::process::Command::new("certutil").args(["-N", "-d", &db, "--empty-password"]));
    ok(std::process::Command::new("certutil")
        .args(["-A", "-d", &db, "-n", "motcua-root", "-t", "CT,C,C", "-i"])
        .arg(dir.join("root.pem")));
    let text = ok(std::process::Command::new("pdfsig")
        .args(["-nssdir", &db])
        .arg(dir.join("doc.pdf")));
    assert_eq!(
        text.matches("Signature is Valid.").count(),
        signatures,
        "{text}"
    );
    assert_eq!(
        text.matches("Certificate is Trusted.").count(),
        signatures,
        "{text}"
    );
    assert!(text.contains("Total document signed"), "{text}");
}

/// A counter filing of `procedure` by a citizen, with component TP1 and the result returned at the
/// counter: the use-case stories' usual dossier.
pub fn counter_filing(procedure: &str) -> motcua_app::dossier::filing::FileRequest {
    use motcua_app::dossier::filing::{ApplicantIn, ComponentIn, FileRequest};
    FileRequest {
        procedure_code: procedure.into(),
        channel: "counter".into(),
        applicant: ApplicantIn {
            kind: "citizen".into(),
            name: "Trần Thị Bích Ngọc".into(),
            id_number: "001190012345".into(),
            phone: "0912345678".into(),
            email: "ngoc.tran@example.vn".into(),
            address: "12 Hàng Bài, Hoàn Kiếm, Hà Nội".into(),
        },
        components: vec![ComponentIn {
            code: "TP1".into(),
            upload_ids: vec![],
        }],
        return_channel: "counter".into(),
        return_address: None,
        postal: None,
    }
}

/// An action on a dossier by its name, with nothing else filled in.
pub fn action(name: &str) -> motcua_app::dossier::action::ActionRequest {
    motcua_app::dossier::action::ActionRequest {
        action: name.into(),
        ..Default::default()
    }
}

/// A Vietnam local time `YYYY-MM-DD HH:MM` (UTC+7) as an instant.
pub fn vn(s: &str) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("YYYY-MM-DD HH:MM");
    motcua_domain::time::VN_OFFSET
        .from_local_datetime(&t)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// The use cases without HTTP: a fresh migrated database with the fixture organisation and the
/// `App` built on it as `serve` builds it. Keep the `TestDb` alive as long as the `App`.
pub async fn use_case_app(backend: Backend) -> (TestDb, motcua_app::App) {
    let test_db = TestDb::new(backend).await;
    let db = test_db.connect().await;
    motcua_store::migration::apply_pending(&db).await.unwrap();
    load_fixture_org(&db).await;
    let config = Config {
        database_url: test_db.url.clone(),
        ..Config::default()
    };
    (test_db, motcua_app::App::new(db, config).unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_in_postgres_urls() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_db_name("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            replace_db_name("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
    }
}
