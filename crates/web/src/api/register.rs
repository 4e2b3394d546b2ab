//! The plan's registers over the API: the items behind the targets measured on other work than
//! dossiers and documents (T1.1, T2, T4.1, T5, T6), with evidence files and who confirmed them,
//! added one by one or imported from XLSX (all or nothing, every bad row named). The rules are
//! `app::plan::registers`'.

use super::ErrorEnvelope;
use crate::auth::{Api, ManagePlans, ViewScorecard};
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use motcua_app::plan::registers::{self, Item, ItemIn, ProgressIn};
use motcua_domain::plan::item_status_label;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// An item as the API shows it.
pub fn item_json(i: &Item) -> Value {
    let evidence: Value = serde_json::from_str(&i.evidence).unwrap_or(json!([]));
    json!({
        "id": i.id, "register": i.register, "year": i.year, "title": i.title,
        "responsible_unit_id": i.responsible_unit_id, "due_date": i.due_date, "status": i.status,
        "status_label": item_status_label(&i.status), "planned_amount": i.planned_amount,
        "actual_amount": i.actual_amount, "evidence_upload_ids": evidence,
        "confirmed_by": i.confirmed_by, "confirmed_at": i.confirmed_at, "note": i.note,
        "version": i.version,
    })
}

/// The items of a register for the plan's year, with its figure.
#[utoipa::path(get, path = "/api/v1/plans/{year}/registers/{register}", tag = "plan", operation_id = "register_items",
    security(("bearer" = [])),
    responses((status = 200, description = "{\"register\",\"label\",\"kind\",\"statuses\",\"items\":[…],\"numerator\",\"denominator\"}"),
        (status = 404, body = ErrorEnvelope)))]
pub async fn list_items(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiPath((year, id)): ApiPath<(i32, String)>,
) -> ApiResult<axum::Json<Value>> {
    let (r, items, f) = registers::register_of(&state, caller.user.agency_id, year, &id).await?;
    Ok(axum::Json(json!({
        "register": r.id, "label": r.label, "year": year, "kind": format!("{:?}", r.kind).to_lowercase(),
        "statuses": r.kind.statuses(),
        "items": items.iter().map(item_json).collect::<Vec<_>>(),
        "numerator": f.map(|f| f.0), "denominator": f.map(|f| f.1),
    })))
}

/// A new item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// What is to be done (at most 1,000 characters).
    pub title: String,
    /// The unit answerable for it (id or code).
    #[serde(default)]
    pub unit: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Money planned (VND), for the investment register.
    #[serde(default)]
    pub planned_amount: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
}

impl From<NewItemRequest> for ItemIn {
    fn from(r: NewItemRequest) -> Self {
        Self {
            title: r.title,
            unit: r.unit,
            due_date: r.due_date,
            planned_amount: r.planned_amount,
            note: r.note,
        }
    }
}

/// Adds an item to a register of the year (the reform office).
#[utoipa::path(post, path = "/api/v1/plans/{year}/registers/{register}", tag = "plan", operation_id = "add_register_item",
    request_body = NewItemRequest, security(("bearer" = [])),
    responses((status = 201, description = "the item"), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_item(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManagePlans>,
    ApiPath((year, id)): ApiPath<(i32, String)>,
    ApiJson(req): ApiJson<NewItemRequest>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let added = registers::add_item(&state, &caller.actor(), year, &id, &req.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(item_json(&added))))
}

/// Imports a register's items from XLSX (the body; the header row as
/// [`registers::IMPORT_HEADER`]): all or
/// nothing — a file with any bad row is refused with every problem listed by row and column.
#[utoipa::path(post, path = "/api/v1/plans/{year}/registers/{register}/import", tag = "plan", operation_id = "import_register",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 201, description = "{\"imported\":N}"), (status = 415, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope, description = "import_rejected: details.rows lists {row,column,message}")))]
pub async fn import_items(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManagePlans>,
    ApiPath((year, id)): ApiPath<(i32, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    registers::register_named(&id)?;
    if !ct.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let n = registers::import(&state, &caller.actor(), year, &id, &body).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({"imported": n}))))
}

/// Progress of an item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemProgressRequest {
    pub version: i64,
    pub status: String,
    /// Money disbursed so far (VND), for the investment register.
    #[serde(default)]
    pub actual_amount: Option<f64>,
    /// The evidence: uploads of the caller's agency (`POST /api/v1/uploads`: PDF, images, DOCX,
    /// XLSX within the upload limit). A status that counts toward the target needs at least one.
    #[serde(default)]
    pub evidence_upload_ids: Vec<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
    /// A corrected title, responsible unit (code or id), due date (`YYYY-MM-DD`) or planned
    /// amount: the reform office and admins only (the others record progress on what was set).
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub planned_amount: Option<f64>,
}

/// Records an item's progress with its evidence; a status that counts toward the target is
/// confirmed by the caller (their account and the time are kept).
#[utoipa::path(post, path = "/api/v1/register-items/{id}", tag = "plan", operation_id = "record_register_item",
    request_body = ItemProgressRequest, security(("bearer" = [])),
    responses((status = 200, description = "the item"), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn record_item(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ViewScorecard>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ItemProgressRequest>,
) -> ApiResult<axum::Json<Value>> {
    let p = ProgressIn {
        version: req.version,
        status: req.status,
        actual_amount: req.actual_amount,
        evidence_upload_ids: req.evidence_upload_ids,
        note: req.note,
        title: req.title,
        unit: req.unit,
        due_date: req.due_date,
        planned_amount: req.planned_amount,
    };
    let updated = registers::record(&state, &caller.actor(), id, &p).await?;
    Ok(axum::Json(item_json(&updated)))
}
