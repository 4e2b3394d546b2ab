//! The real application on port 0 with its own database, and typed helpers to call it as a
//! browser, a client with a token or a signed-in officer would.

use super::*;

pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm-1";

/// A running application with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub test_db: TestDb,
    pub config: Config,
    pub state: motcua_web::state::AppState,
    pub(crate) shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub(crate) server: Option<tokio::task::JoinHandle<()>>,
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
        let resp = self.sign_in_page(&b, email).await;
        assert_eq!(resp.status(), 303, "page sign-in of {email}");
        b
    }

    /// The login page's form sent by `b` for `email` with the test password; the answer.
    pub async fn sign_in_page(&self, b: &reqwest::Client, email: &str) -> reqwest::Response {
        let csrf = csrf_of(b, &self.url("/login")).await;
        b.post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
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
