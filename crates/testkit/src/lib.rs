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

pub const POSTGRES_VAR: &str = "MOTCUA_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `mod NAME { fn sqlite(); fn postgres() }` running the async story `BODY(Backend)`.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(motcua_pg),
                ignore = "MOTCUA_TEST_POSTGRES_URL was not set at build time"
            )]
            async fn postgres() {
                super::$body($crate::Backend::Postgres).await
            }
        }
    };
}

/// A database that exists for one test: a file in a fresh folder, or a fresh PostgreSQL database
/// dropped when the test ends.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let id = uuid::Uuid::now_v7().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("motcua-test-{id}"));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}", dir.join("motcua.db").display());
                Self {
                    url,
                    backend,
                    dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let admin = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
                    panic!("{POSTGRES_VAR} must be set to run the PostgreSQL variant of this test")
                });
                let name = format!("motcua_test_{id}");
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to the PostgreSQL admin database");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let url = replace_db_name(&admin, &name);
                Self {
                    url,
                    backend,
                    dir: None,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    pub async fn connect(&self) -> Db {
        Db::connect(
            &self.url,
            &DbOptions {
                max_connections: 8,
                ..DbOptions::default()
            },
        )
        .await
        .unwrap()
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async: use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The fixture organisation of every test app: (code, name, kind, parent code).
pub const UNITS: &[(&str, &str, UnitKind, Option<&str>)] = &[
    ("VP", "Văn phòng Bộ", UnitKind::Office, None),
    (
        "MOTCUA",
        "Bộ phận Một cửa",
        UnitKind::OneStopDesk,
        Some("VP"),
    ),
    ("CVT", "Cục Viễn thông", UnitKind::Directorate, None),
    (
        "CVT-QLTT",
        "Phòng Quản lý thị trường",
        UnitKind::Department,
        Some("CVT"),
    ),
    ("TTTT", "Trung tâm Thông tin", UnitKind::Centre, None),
];

pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm-1";

/// A running application with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub test_db: TestDb,
    pub config: Config,
    pub state: motcua_web::state::AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Start with the default configuration changed by `tweak` (database and port are the test's).
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on(TestDb::new(backend).await, tweak).await
    }

    /// Start on a test database prepared beforehand (e.g. by `motcua demo`); the fixture
    /// organisation is added where missing.
    pub async fn spawn_on(test_db: TestDb, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config {
            database_url: test_db.url.clone(),
            listen: "127.0.0.1:0".into(),
            ..Config::default()
        };
        tweak(&mut config);
        let db = test_db.connect().await;
        motcua_store::migration::apply_pending(&db).await.unwrap();
        load_fixture_org(&db).await;
        let app = Application::bind(config.clone(), db.clone()).await.unwrap();
        let addr = app.addr().unwrap();
        let state = app.state();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.run_until(async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self {
            addr,
            db,
            test_db,
            config,
            state,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client that keeps cookies and does not follow redirects (tests look at them).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// `GET path` with an optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// `POST path` with a JSON body and an optional bearer token.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut req = self.client().post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// Create an account directly in storage; returns its id.
    pub async fn user(&self, email: &str, role: Role, unit_code: &str) -> uuid::Uuid {
        let unit = motcua_store::org::find_unit(self.db.conn(), unit_code)
            .await
            .unwrap()
            .expect("fixture unit");
        let new = motcua_store::account::NewUser {
            unit,
            email: Email::parse(email).unwrap(),
            name: PersonName::parse("Nguyễn Văn Thử").unwrap(),
            role,
            password: NewPassword::parse(PASSWORD).unwrap(),
        };
        motcua_store::account::create_user(&self.db, &AuditCtx::system("test"), new)
            .await
            .unwrap()
            .id
    }

    /// An account created in storage (as [`TestApp::user`]) and the use-case actor it is.
    pub async fn actor(&self, email: &str, role: Role, unit_code: &str) -> motcua_app::Actor {
        let id = self.user(email, role, unit_code).await;
        let u = motcua_store::account::find(self.db.conn(), id)
            .await
            .unwrap()
            .expect("the account just made");
        motcua_app::Actor {
            account_id: id,
            agency_id: u.agency_id,
            unit_id: u.unit_id,
            role,
            request_id: "test".into(),
        }
    }

    /// `POST path` with one multipart field `file` (any status; the caller looks at it).
    pub async fn post_file(
        &self,
        path: &str,
        token: &str,
        name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let boundary = "----motcua-test-file";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.client()
            .post(self.url(path))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Upload one file through the API (`POST /api/v1/uploads`); returns the upload's id.
    pub async fn upload(
        &self,
        token: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let boundary = "----motcua-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .client()
            .post(self.url("/api/v1/uploads"))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "upload of {name}");
        let v: serde_json::Value = r.json().await.unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    /// Apply a dossier action through the API with the version just read (`If-Match`); the
    /// answer must be 200. Returns the dossier as answered.
    pub async fn act(&self, token: &str, code: &str, body: serde_json::Value) -> serde_json::Value {
        let r = self
            .get(&format!("/api/v1/dossiers/{code}"), Some(token))
            .await;
        let version = r.json::<serde_json::Value>().await.unwrap()["version"]
            .as_i64()
            .unwrap();
        let r = self
            .client()
            .post(self.url(&format!("/api/v1/dossiers/{code}/actions")))
            .bearer_auth(token)
            .header("if-match", format!("\"{version}\""))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(status, 200, "{body} -> {v}");
        v
    }

    /// Sign in through the API and return the bearer token.
    pub async fn token(&self, email: &str) -> String {
        let resp = self
            .client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "sign-in of {email}");
        let body: serde_json::Value = resp.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// A bearer token of a fresh admin account (created on first use).
    pub async fn token_for_admin(&self) -> String {
        let email = "quantri.kiemtra@test.vn";
        let exists =
            motcua_store::account::find_by_email(self.db.conn(), &Email::parse(email).unwrap())
                .await
                .unwrap();
        if exists.is_none() {
            self.user(email, Role::Admin, "TTTT").await;
        }
        self.token(email).await
    }

    /// Sign in through the login page with a cookie-keeping client.
    pub async fn signed_in_browser(&self, email: &str) -> reqwest::Client {
        let b = self.browser();
        let csrf = csrf_of(&b, &self.url("/login")).await;
        let resp = b
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "page sign-in of {email}");
        b
    }

    /// Create and publish a procedure of unit CVT (all channels, TP1 required, TP2 optional,
    /// `days` working days) through the API, as an editor whose token is given.
    pub async fn publish_procedure(&self, token: &str, code: &str, name: &str, days: f64) {
        let p = serde_json::json!({
            "code": code, "name": name, "field": "buu-chinh", "level": "central", "agency": "000.00.00.G22", "unit": "CVT",
            "authority": "Bộ Thông tin và Truyền thông", "applicants": ["citizen", "business"], "channels": ["online", "counter", "postal"],
            "postal_receipt": true, "postal_return": true, "processing_time": {"value": days, "unit": "working_days"},
            "online_class": "full", "legacy_level": 4, "result_name": "Giấy phép bưu chính", "result_kind": "both",
            "steps": [{"order": 1, "description": "Nộp hồ sơ"}],
            "components": [
                {"code": "TP1", "name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": true},
                {"code": "TP2", "name": "Bản sao giấy chứng nhận đăng ký doanh nghiệp", "originals": 0, "copies": 1, "required": false}
            ],
            "fees": [{"name": "Phí thẩm định", "amount_vnd": 5500000}],
            "legal_basis": [{"number": "49/2010/QH12", "title": "Luật Bưu chính", "issued_on": "2010-06-17", "effective_on": "2027-07-01"}]
        });
        let r = self.post_json("/api/v1/procedures", Some(token), &p).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let publish = serde_json::json!({"decision_number": "1234/QĐ-BTTTT", "decision_date": "2027-05-03", "decision_authority": "minister", "effective_date": "2027-07-01"});
        let r = self
            .post_json(
                &format!("/api/v1/procedures/{code}/publish"),
                Some(token),
                &publish,
            )
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    /// Stops the server as an operator does (graceful shutdown: requests in flight finish, the
    /// portal's counters are written) and starts a new one on the same database and
    /// configuration: a restart of the process.
    pub async fn restart(mut self) -> Self {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        // The database moves to the new server; what is left behind deletes nothing.
        let test_db = TestDb {
            url: self.test_db.url.clone(),
            backend: self.test_db.backend,
            dir: self.test_db.dir.take(),
            pg: self.test_db.pg.take(),
        };
        let config = self.config.clone();
        drop(self);
        Self::spawn_on(test_db, move |c| {
            let (url, listen) = (c.database_url.clone(), c.listen.clone());
            *c = config;
            c.database_url = url;
            c.listen = listen;
        })
        .await
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            s.abort();
        }
    }
}

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

pub async fn count(db: &Db, sql: &str) -> i64 {
    db.conn()
        .query_one_raw(motcua_store::sea_orm::Statement::from_string(
            db.backend().sea(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

/// The use cases without HTTP: a fresh migrated database with the fixture organisation and the
/// `App` built on it as `serve` builds it. Keep the `TestDb` alive as long as the `App`.
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

pub async fn load_fixture_org(db: &Db) {
    let ctx = AuditCtx::system("fixture");
    let agency = ensure_agency(
        db,
        &ctx,
        &OrganId::parse("000.00.00.G22").unwrap(),
        "Bộ Thông tin và Truyền thông",
        "BTTTT",
    )
    .await
    .unwrap();
    let mut ids = std::collections::HashMap::new();
    for (code, name, kind, parent) in UNITS {
        let parent_id = parent.and_then(|p| ids.get(p).copied());
        let unit = ensure_unit(
            db,
            &ctx,
            agency.id,
            NewUnit {
                code: UnitCode::parse(code).unwrap(),
                name: (*name).to_owned(),
                kind: *kind,
                parent_id,
            },
        )
        .await
        .unwrap();
        ids.insert(*code, unit.id);
    }
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
