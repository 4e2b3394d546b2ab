//! The procedure catalogue: public browsing and search, and the editors' actions (create, edit,
//! publish, abolish), each audited.

use super::ErrorEnvelope;
use crate::auth::{Api, ManageCatalog};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_app::catalog::editing::{self, PublishIn};
use motcua_app::catalog::{self as catalog, ProcedureRow, VersionInput};
use motcua_domain::catalog::{ProcedureData, ProcedureField, VersionStatus, checks};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Words to find (Vietnamese with or without marks); each is matched as a prefix.
    q: Option<String>,
    /// A field code, e.g. `buu-chinh`.
    field: Option<String>,
    /// The implementing agency's OrganId.
    agency: Option<String>,
    /// `full`, `partial` or `none`.
    online: Option<String>,
    /// `true`: procedures that receive or return by post; `false`: those that do not.
    postal: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProcessingTimeView {
    value: f64,
    unit: String,
    /// E.g. "15 ngày làm việc".
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureItem {
    code: String,
    name: String,
    field: String,
    field_name: String,
    online_class: String,
    legacy_level: i16,
    processing_time: ProcessingTimeView,
    postal_receipt: bool,
    postal_return: bool,
    agency: String,
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedurePage {
    items: Vec<ProcedureItem>,
    total: u64,
    page: u64,
    per_page: u64,
    /// No procedure held the words as typed: the items are those of the near words (typo
    /// tolerance).
    corrected: bool,
}

pub fn item(p: ProcedureRow) -> ProcedureItem {
    ProcedureItem {
        field_name: ProcedureField::parse(&p.field)
            .map(|f| f.label_vi().to_owned())
            .unwrap_or_default(),
        processing_time: ProcessingTimeView {
            label: processing_label(p.processing_value, &p.processing_unit),
            value: p.processing_value,
            unit: p.processing_unit,
        },
        code: p.code,
        name: p.name,
        field: p.field,
        online_class: p.online_class,
        legacy_level: p.legacy_level,
        postal_receipt: p.postal_receipt,
        postal_return: p.postal_return,
        agency: p.agency_organ,
        status: p.status,
    }
}

pub use motcua_app::catalog::{MAX_QUERY_CHARS, parse_filters, processing_label};

/// The public catalogue: browse by field, agency, online class and postal service; search.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalog", operation_id = "list_procedures",
    params(ListQuery),
    responses((status = 200, body = ProcedurePage), (status = 422, body = ErrorEnvelope)))]
pub async fn list_procedures(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<axum::Json<ProcedurePage>> {
    let mut sq = parse_filters(
        q.q.as_deref(),
        q.field.as_deref(),
        q.agency.as_deref(),
        q.online.as_deref(),
        q.postal,
    )
    .map_err(|p| ApiError::Invalid(p.into_iter().map(FieldError::from).collect()))?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(20);
    let mut errors = Vec::new();
    if page == 0 || page > 100_000 {
        errors.push(FieldError::new("page", "trang phải từ 1"));
    }
    if !(1..=100).contains(&per_page) {
        errors.push(FieldError::new(
            "per_page",
            "số mục mỗi trang phải từ 1 đến 100",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    sq.offset = (page - 1) * per_page;
    sq.limit = per_page;
    let catalog::SearchPage {
        rows,
        total,
        corrected,
    } = catalog::search_page(&state, &sq).await?;
    if page > 1 && sq.offset >= total {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "page",
            format!(
                "trang {page} vượt quá số trang ({})",
                total.div_ceil(per_page).max(1)
            ),
        )]));
    }
    Ok(axum::Json(ProcedurePage {
        items: rows.into_iter().map(item).collect(),
        total,
        page,
        per_page,
        corrected,
    }))
}

/// The whole procedure as the public sees it, with its publication checks and version history.
pub async fn procedure_json(state: &AppState, code: &str, editor: bool) -> ApiResult<Value> {
    let (found, v) = catalog::shown(state, code, editor)
        .await?
        .ok_or(ApiError::NotFound)?;
    let shown = if editor {
        &found.latest
    } else {
        &found.current
    };
    let cal = state.calendar();
    let checks = checks(&cal.working, &v.data, &v.publication);
    let history = catalog::versions(state, found.procedure.id).await?;
    let mut out = serde_json::to_value(&v.data).map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(obj) = out.as_object_mut() {
        obj.insert("field_name".into(), json!(v.data.field.label_vi()));
        obj.insert(
            "processing_time_label".into(),
            json!(v.data.processing_time.label_vi()),
        );
        obj.insert("status".into(), json!(v.status.code()));
        obj.insert("version".into(), json!(shown.version_no));
        obj.insert("publication".into(), json!(v.publication));
        obj.insert("checks".into(), json!(checks));
        obj.insert(
            "versions".into(),
            json!(history
                .iter()
                .filter(|h| editor || h.status != VersionStatus::Draft.code())
                .map(|h| json!({"version": h.version_no, "status": h.status, "published_at": h.published_at, "decision_number": h.decision_number}))
                .collect::<Vec<_>>()),
        );
    }
    Ok(out)
}

/// One procedure (published; its latest draft for editors through the editor endpoints).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalog", operation_id = "get_procedure",
    params(("code" = String, Path, description = "National code, e.g. 1.004495")),
    responses((status = 200, description = "The procedure: the fields of ProcedureData plus status, version, publication, checks, versions", body = Object), (status = 404, body = ErrorEnvelope)))]
pub async fn get_procedure(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<axum::Json<Value>> {
    Ok(axum::Json(procedure_json(&state, &code, false).await?))
}

/// Uploads a form or component template (PDF, DOCX, XLSX, ODT, ODS, DOC, XLS ≤ 10 MiB; the name's
/// extension must agree with the bytes). The answer's `url` goes into a procedure's `forms[].url`
/// or `components[].template_url`; the file is public once a published version links it.
/// Audited.
#[utoipa::path(post, path = "/api/v1/procedure-files", tag = "catalog", operation_id = "upload_procedure_file",
    security(("bearer" = [])), request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, description = "{\"id\",\"name\",\"content_type\",\"size\",\"url\"}"),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn upload_procedure_file(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManageCatalog>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    use motcua_domain::catalog::form_file::{FORM_LIMIT, form_url};
    let (name, bytes) = crate::multipart::read_one_file(&headers, body, FORM_LIMIT).await?;
    let m = editing::upload_form_file(&state, &caller.actor(), &name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "id": m.id, "name": m.file_name, "content_type": m.content_type, "size": m.size,
            "url": form_url(m.id),
        })),
    ))
}

/// Create a procedure as a draft (editors, admins).
#[utoipa::path(post, path = "/api/v1/procedures", tag = "catalog", operation_id = "create_procedure",
    security(("bearer" = [])), request_body(content = Object, description = "ProcedureData: code, name, field, level, agency, unit, authority, applicants, channels, postal_receipt, postal_return, processing_time{value,unit}, cutoff, online_class, legacy_level, result_name, result_kind, steps, components, fees, legal_basis, forms, allocation"),
    responses((status = 201, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_procedure(
    State(state): State<AppState>,
    caller: Api<ManageCatalog>,
    ApiJson(data): ApiJson<ProcedureData>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let code = editing::create(&state, &caller.caller.actor(), data).await?;
    let json = axum::Json(procedure_json(&state, &code, true).await?);
    Ok((StatusCode::CREATED, json))
}

/// Edit a procedure: the latest draft is updated, or a new draft version is started.
#[utoipa::path(put, path = "/api/v1/procedures/{code}", tag = "catalog", operation_id = "update_procedure",
    security(("bearer" = [])), request_body = Object, params(("code" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_procedure(
    State(state): State<AppState>,
    caller: Api<ManageCatalog>,
    ApiPath(code): ApiPath<String>,
    ApiJson(data): ApiJson<ProcedureData>,
) -> ApiResult<axum::Json<Value>> {
    editing::update(&state, &caller.caller.actor(), &code, data).await?;
    Ok(axum::Json(procedure_json(&state, &code, true).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The announcing decision, e.g. `1234/QĐ-BTTTT`.
    decision_number: String,
    decision_date: NaiveDate,
    /// `minister`, `deputy_minister` or `other`.
    decision_authority: String,
    /// When the version applies.
    effective_date: NaiveDate,
}

/// Publish the latest draft under an announcing decision (editors, admins); the previous
/// published version is superseded. The publication time is now.
#[utoipa::path(post, path = "/api/v1/procedures/{code}/publish", tag = "catalog", operation_id = "publish_procedure",
    security(("bearer" = [])), request_body = PublishRequest, params(("code" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn publish_procedure(
    State(state): State<AppState>,
    caller: Api<ManageCatalog>,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> ApiResult<axum::Json<Value>> {
    let p = PublishIn {
        decision_number: req.decision_number,
        decision_date: req.decision_date,
        decision_authority: req.decision_authority,
        effective_date: req.effective_date,
    };
    editing::publish(&state, &caller.caller.actor(), &code, &p).await?;
    Ok(axum::Json(procedure_json(&state, &code, true).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbolishRequest {
    decision_number: String,
    decision_date: NaiveDate,
}

/// Abolish a procedure (editors, admins): it leaves the public catalogue; its history stays.
#[utoipa::path(post, path = "/api/v1/procedures/{code}/abolish", tag = "catalog", operation_id = "abolish_procedure",
    security(("bearer" = [])), request_body = AbolishRequest, params(("code" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn abolish_procedure(
    State(state): State<AppState>,
    caller: Api<ManageCatalog>,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<AbolishRequest>,
) -> ApiResult<axum::Json<Value>> {
    editing::abolish(
        &state,
        &caller.caller.actor(),
        &code,
        &req.decision_number,
        req.decision_date,
    )
    .await?;
    Ok(axum::Json(procedure_json(&state, &code, true).await?))
}

/// Import a whole catalogue file (admins): CSV, XLSX or JSON by `Content-Type`. All or nothing:
/// any bad row imports nothing and the answer lists every problem with its row and column.
#[utoipa::path(post, path = "/api/v1/procedures/import", tag = "catalog", operation_id = "import_procedures",
    security(("bearer" = [])),
    request_body(content = String, description = "The file; Content-Type text/csv, application/json or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet. Layout: docs/CATALOG-FORMAT.md"),
    responses((status = 200, body = Object, description = "{total, created, new_versions, updated_drafts, unchanged}"),
              (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope),
              (status = 415, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn import_procedures(
    State(state): State<AppState>,
    caller: Api<crate::auth::ImportCatalog>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    use motcua_render::catalog_sheet::{Format, read};
    let format = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::of_content_type)
        .ok_or(ApiError::UnsupportedMediaType)?;
    let entries = read(&body, format).map_err(|rows| ApiError::ImportRejected(json!(rows)))?;
    let inputs: Vec<VersionInput> = entries
        .into_iter()
        .map(|e| VersionInput {
            data: e.data,
            status: e.status,
            publication: e.publication,
        })
        .collect();
    let report = editing::import(&state, &caller.caller.actor(), &inputs).await?;
    Ok(axum::Json(json!(report)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (default), `xlsx` or `json`.
    format: Option<String>,
}

/// The latest version of every procedure as a file (editors, admins); importing it back changes nothing.
#[utoipa::path(get, path = "/api/v1/procedures/export", tag = "catalog", operation_id = "export_procedures",
    security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn export_procedures(
    State(state): State<AppState>,
    _caller: Api<ManageCatalog>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    use motcua_render::catalog_sheet::{Entry, Format, write};
    let format = match q.format.as_deref() {
        None => Format::Csv,
        Some(f) => Format::parse(f).ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new("format", "csv, xlsx hoặc json")])
        })?,
    };
    let entries: Vec<Entry> = editing::latest_versions(&state)
        .await?
        .into_iter()
        .map(|i| Entry {
            status: i.status,
            publication: i.publication,
            data: i.data,
        })
        .collect();
    let bytes = write(&entries, format).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Json => "json",
    };
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                format.content_type().to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"thu-tuc.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
