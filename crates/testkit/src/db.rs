//! A fresh database per test, on SQLite or PostgreSQL, with the fixture organisation.

use super::*;

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
    pub(crate) dir: Option<PathBuf>,
    pub(crate) pg: Option<(String, String)>,
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

pub(crate) fn replace_db_name(url: &str, name: &str) -> String {
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
