//! Building the application: the one function used by `motcua serve` and by the tests.

use crate::config::Config;
use crate::ops::{self, Hsts};
use crate::state::AppState;
use crate::{api, auth, health, pages};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use motcua_app::Db;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The process-wide Prometheus recorder (installed once, shared by every app in the process).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ])
                .map(PrometheusBuilder::build_recorder)
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            // Fails only when another recorder is installed; the handle still renders ours.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The whole router with its layers.
pub fn router(state: AppState) -> Router {
    let config = &state.config;
    let (api_routes, openapi) = api::router();
    let openapi_json = openapi.to_json().unwrap_or_else(|_| "{}".to_owned());

    let pages = Router::new()
        .route("/", get(pages::home::get))
        .route("/login", get(pages::login::get).post(pages::login::post))
        .route("/logout", post(pages::login::logout))
        .route("/account", get(pages::account::get))
        .route("/admin/units", get(pages::admin::units))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::create_user),
        )
        .route("/admin/users/{id}/unlock", post(pages::admin::unlock_user))
        .route("/admin/audit", get(pages::admin::audit))
        .route("/thu-tuc", get(pages::catalog::list))
        .route("/admin/catalog", get(pages::catalog::checks_page))
        .route("/admin/review-plans", get(pages::review::get))
        .route(
            "/admin/review-plans/{id}/items/{code}",
            post(pages::review::post_item),
        )
        .route("/thu-tuc/{code}", get(pages::catalog::detail))
        .route(
            "/thu-tuc/{code}/nop",
            get(pages::dossier::file_form).post(pages::dossier::file_post),
        )
        .route(
            "/ho-so/tiep-nhan",
            get(pages::dossier::file_form).post(pages::dossier::file_post),
        )
        .route("/ho-so", get(pages::dossier::queue))
        .route("/ho-so/{code}", get(pages::dossier::view))
        .route("/ho-so/{code}/thao-tac", post(pages::dossier::act))
        .route("/ho-so/{code}/mau/{number}", get(pages::dossier::form_pdf))
        .route("/ho-so/{code}/tep/{id}", get(pages::dossier::file_download))
        .route("/tra-cuu", get(pages::dossier::lookup))
        .route("/van-ban", get(pages::document::register))
        .route("/ke-hoach", get(pages::plan::get))
        .route("/ke-hoach/tai-ve", get(pages::plan::download))
        .route("/ke-hoach/so/{register}", get(pages::plan::register_page))
        .route("/ke-hoach/ho-so/{target}", get(pages::plan::dossiers_page))
        .route("/ke-hoach/chi-so-766", get(pages::index766::get))
        .route("/ke-hoach/don-vi/{unit}", get(pages::index766::unit))
        .route("/van-ban/{id}/xu-ly", post(pages::document::handle))
        .route("/van-ban/{id}/pdf", get(pages::document::pdf))
        .route(
            "/kiem-tra-chu-ky",
            get(pages::signature::get).post(pages::signature::post),
        )
        .route("/tra-cuu/danh-gia", post(pages::dossier::rate))
        .route("/thong-ke/ho-so", get(pages::dossier::stats))
        .route("/thu-tuc/{code}/qr.svg", get(pages::catalog::qr))
        .route("/tep-mau/{id}", get(pages::catalog::form_file))
        .route(
            "/admin/calendar",
            get(pages::calendar::get).post(pages::calendar::post),
        )
        .route(
            "/admin/calendar/{date}/remove",
            post(pages::calendar::remove),
        )
        .route("/tuy-chon-doc", get(pages::reading::choose))
        .route("/thong-ke", get(pages::public_stats::page))
        .route("/thong-ke/tai-ve.csv", get(pages::public_stats::csv))
        .route("/tin-tuc", get(pages::news::list))
        .route("/tin-tuc/atom.xml", get(pages::news::atom))
        .route("/tin-tuc/chuyen-muc/{slug}", get(pages::news::category))
        .route("/tin-tuc/{slug}", get(pages::news::article))
        .route("/media/{id}", get(pages::news::media))
        .route("/bien-tap", get(pages::news::editor_list))
        .route(
            "/bien-tap/bai-moi",
            get(pages::news::new_form).post(pages::news::create),
        )
        .route(
            "/bien-tap/bai/{id}",
            get(pages::news::edit_form).post(pages::news::update),
        )
        .route("/tiep-can", get(pages::home::accessibility))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_cookie,
        ))
        .route_layer(axum::middleware::from_fn(pages::reading::reading_prefs))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::portal::count_pages,
        ));

    let operator = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route(
            "/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }
            }),
        )
        .route("/assets/app.css", get(pages::app_css));

    let hsts = Hsts(config.behind_tls());
    Router::new()
        .merge(pages)
        .merge(api_routes)
        .merge(operator)
        .fallback(pages::not_found)
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        // Extractors stop at `body_limit_bytes`; only the upload handlers read further, up to
        // `upload_limit_bytes` (`media_limit_bytes` for the portal's videos; they count the bytes
        // themselves and answer 413).
        .layer(RequestBodyLimitLayer::new(
            config
                .body_limit_bytes
                .max(config.upload_limit_bytes + 64 * 1024)
                .max(config.media_limit_bytes + 256 * 1024),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_secs.max(1)),
        ))
        .layer(CatchPanicLayer::custom(ops::panic_response))
        .layer(axum::middleware::from_fn(move |req, next| {
            ops::around_request(hsts, req, next)
        }))
        .with_state(state)
}

/// A bound listener and the app to serve on it. Tests bind port 0 and read [`Application::addr`].
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn bind(config: Config, db: Db) -> std::io::Result<Self> {
        let state = AppState::new(db, config, metrics_handle()).map_err(std::io::Error::other)?;
        state
            .reload_calendar()
            .await
            .map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(&state.config.listen).await?;
        pages::load_agency_name(&state).await;
        // The stored visit total is read before the first request: after a restart the footer
        // shows it at once, not after the first flush.
        if let Err(e) = state.portal.flush(&state).await {
            tracing::warn!(cause = %e, "could not read the portal's counters at start");
        }
        Ok(Self {
            router: router(state.clone()),
            listener,
            state,
        })
    }

    /// The shared state (tests move its dossier clock).
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until `shutdown` resolves, then finish the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.state.clone()));
        let notifier = tokio::spawn(motcua_app::notify::run(self.state.app.clone()));
        let (stop_counters, counters_stopped) = tokio::sync::oneshot::channel();
        let counters = tokio::spawn(motcua_app::portal::run(
            self.state.app.clone(),
            counters_stopped,
        ));
        let result = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        housekeeping.abort();
        notifier.abort();
        // The counters write what was counted before the stop, after any flush under way.
        let _ = stop_counters.send(());
        let _ = counters.await;
        result
    }
}

/// Periodic chores: forget idle rate-limit buckets; delete expired sessions.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut minutes = 0u64;
    loop {
        tick.tick().await;
        state.login_by_client.prune();
        state.login_by_account.prune();
        if minutes.is_multiple_of(60) {
            let run_id = format!("housekeeping-{}", uuid::Uuid::now_v7().simple());
            if let Err(e) = motcua_app::account::purge_expired_sessions(&state, &run_id).await {
                tracing::warn!(cause = %e, "could not purge expired sessions");
            }
        }
        // Targets turning at risk are reported to their units (outbox) within a quarter of an hour;
        // not at start-up, where an operator (or a test) may still be setting the organisation up
        // and the organisation snapshot read now would be kept for its TTL.
        if minutes > 0 && minutes.is_multiple_of(15) {
            match motcua_app::plan::watch(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(targets = n, "plan targets changed status"),
                Err(e) => tracing::warn!(cause = %e, "could not watch the plan's targets"),
            }
        }
        minutes += 1;
    }
}
