//! `/api/v1`: JSON over HTTP, bearer tokens, the error envelope, OpenAPI 3.1 at `/openapi.json`.
//! Every handler is registered once through `utoipa-axum`, so routes and spec cannot drift.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod document;
pub mod dossier;
pub mod dossier_body;
pub mod exchange;
pub mod index766;
pub mod news;
mod openapi;
pub mod org;
pub mod plan;
pub mod register;
pub mod review;
pub mod signature;
pub mod users;

use crate::state::AppState;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua API", description = "API of motcua, the one-stop back office, e-office and reform scorecard of a ministry. Errors always have the shape {\"error\":{\"code\",\"message\",\"details\",\"operation_id\"}}."),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Sign-in and API tokens"), (name = "organisation", description = "Agency, units, accounts"), (name = "audit", description = "The audit trail"), (name = "calendar", description = "Working calendar and legal deadlines"), (name = "catalog", description = "Procedure catalogue (TTHC)"), (name = "dossier", description = "Dossiers: filing, actions, look-up, statistics"), (name = "signature", description = "Verifying signed PDFs; trusted roots"), (name = "document", description = "Official documents: drafts, numbers, registers"), (name = "plan", description = "The yearly reform plan and its scorecard"), (name = "portal", description = "The public portal: news, video, media"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes and their OpenAPI document, completed with the answers every route shares
/// (`openapi::complete`).
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = routes();
    openapi::complete(&mut doc);
    (router, doc)
}

fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(users::me))
        .routes(routes!(org::list_units))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::unlock_user))
        .routes(routes!(audit::list_audit))
        .routes(routes!(calendar::get_calendar_year))
        .routes(routes!(calendar::get_deadline))
        .routes(routes!(
            calendar::put_calendar_day,
            calendar::delete_calendar_day
        ))
        .routes(routes!(catalog::list_procedures, catalog::create_procedure))
        .routes(routes!(catalog::get_procedure, catalog::update_procedure))
        .routes(routes!(catalog::publish_procedure))
        .routes(routes!(catalog::abolish_procedure))
        .routes(routes!(catalog::import_procedures))
        .routes(routes!(catalog::export_procedures))
        .routes(routes!(catalog::upload_procedure_file))
        .routes(routes!(
            review::list_review_plans,
            review::create_review_plan
        ))
        .routes(routes!(review::get_review_plan))
        .routes(routes!(review::update_review_item))
        .routes(routes!(dossier::upload_file))
        .routes(routes!(dossier::list_dossiers, dossier::file_dossier))
        .routes(routes!(dossier::export_dossiers))
        .routes(routes!(dossier::get_dossier))
        .routes(routes!(dossier::get_dossier_file))
        .routes(routes!(dossier::get_dossier_form))
        .routes(routes!(dossier::act_on_dossier))
        .routes(routes!(dossier::public_dossier))
        .routes(routes!(dossier::rate_dossier))
        .routes(routes!(dossier::dossier_stats))
        .routes(routes!(signature::verify_signatures))
        .routes(routes!(signature::pki_roots))
        .routes(routes!(
            document::draft_document,
            document::document_register
        ))
        .routes(routes!(document::issue_document))
        .routes(routes!(document::document_indicators))
        .routes(routes!(document::sign_document))
        .routes(routes!(plan::create_plan))
        .routes(routes!(plan::get_plan))
        .routes(routes!(plan::get_scorecard))
        .routes(routes!(plan::get_ranking))
        .routes(routes!(index766::get_index))
        .routes(routes!(news::categories))
        .routes(routes!(news::list, news::create))
        .routes(routes!(news::update))
        .routes(routes!(news::upload))
        .routes(routes!(plan::put_target))
        .routes(routes!(register::list_items, register::add_item))
        .routes(routes!(register::import_items))
        .routes(routes!(register::record_item))
        .routes(routes!(document::document_pdf))
        .routes(routes!(document::handle_document))
        .routes(routes!(exchange::edxml_inbox))
        .routes(routes!(exchange::send_document))
        .routes(routes!(exchange::recall_document))
        .split_for_parts()
}

/// The error envelope, for the spec.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `validation_failed`.
    code: String,
    /// A Vietnamese message for people.
    message: String,
    /// Field errors (`{"fields":[{"field","message"}]}`) or other details; null when none.
    details: Option<serde_json::Value>,
    /// The operation id to quote to the help desk.
    operation_id: String,
}
