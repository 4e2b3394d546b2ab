//! The plan's registers over the API: the items behind the targets measured on other work than
//! dossiers and documents (T1.1, T2, T4.1, T5, T6), with evidence files and who confirmed them,
//! added one by one or imported from XLSX (all or nothing, every bad row named).

use super::ErrorEnvelope;
use crate::auth::{Api, Caller, ManagePlans, ViewScorecard};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath};
use crate::state::{AppState, OrgSnapshot};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use motcua_domain::account::Role;
use motcua_domain::plan::{Register, RegisterKind, item_status_label, register};
use motcua_store::register as store;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

fn register_named(id: &str) -> ApiResult<Register> {
    register(id).ok_or(ApiError::NotFound)
}

/// An item as the API shows it.
pub fn item_json(i: &store::Item) -> Value {
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
    let r = register_named(&id)?;
    let items = store::items(state.db.conn(), caller.user.agency_id, year, Some(r.id)).await?;
    let f = motcua_app::plan::fraction_of(r.kind, &items);
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

fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

/// Checks one item's fields; errors name the field (`prefix` for rows of a file).
fn check_item(
    org: &OrgSnapshot,
    agency_id: Uuid,
    kind: RegisterKind,
    req: &NewItemRequest,
    status: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<store::NewItem> {
    let title = nfc(&req.title);
    let before = errors.len();
    if title.is_empty() || title.chars().count() > 1_000 {
        errors.push(FieldError::new(
            "title",
            "nội dung bắt buộc, tối đa 1.000 ký tự",
        ));
    }
    let unit = match req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => match org.unit(u).filter(|x| x.agency_id == agency_id) {
            Some(x) => Some(x.id),
            None => {
                errors.push(FieldError::new("unit", format!("không có đơn vị «{u}»")));
                None
            }
        },
    };
    let due = match req
        .due_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(d, "%d/%m/%Y"))
        {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "due_date",
                    "ngày theo dạng YYYY-MM-DD hoặc dd/mm/yyyy",
                ));
                None
            }
        },
    };
    let planned = req.planned_amount.unwrap_or(0.0);
    if !planned.is_finite() || planned < 0.0 {
        errors.push(FieldError::new("planned_amount", "số tiền không âm"));
    }
    if kind == RegisterKind::Amount && planned <= 0.0 {
        errors.push(FieldError::new(
            "planned_amount",
            "kế hoạch vốn (VNĐ) bắt buộc với sổ giải ngân",
        ));
    }
    let status = match status {
        None => kind.statuses()[0].to_owned(),
        Some(s) if kind.statuses().contains(&s) => s.to_owned(),
        Some(s) => {
            errors.push(FieldError::new(
                "status",
                format!(
                    "trạng thái «{s}» không có trong sổ này ({})",
                    kind.statuses().join(", ")
                ),
            ));
            String::new()
        }
    };
    (errors.len() == before).then(|| store::NewItem {
        title,
        responsible_unit_id: unit,
        due_date: due,
        status,
        planned_amount: planned,
        actual_amount: 0.0,
        note: req.note.as_deref().map(nfc).unwrap_or_default(),
    })
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
    let r = register_named(&id)?;
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::NotFound);
    }
    let org = state.org().await?;
    let mut errors = Vec::new();
    let Some(item) = check_item(&org, caller.user.agency_id, r.kind, &req, None, &mut errors)
    else {
        return Err(ApiError::Invalid(errors));
    };
    let added = store::add(
        &state.db,
        &caller.audit_ctx(crate::operation::operation_id()),
        caller.user.agency_id,
        year,
        r.id,
        vec![item],
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(item_json(&added[0]))))
}

/// The columns of a register file (the header row, in this order).
pub const IMPORT_HEADER: [&str; 6] = [
    "Nội dung",
    "Đơn vị chủ trì",
    "Hạn hoàn thành",
    "Trạng thái",
    "Kế hoạch (VNĐ)",
    "Ghi chú",
];

/// Imports a register's items from XLSX (the body; the header row as [`IMPORT_HEADER`]): all or
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
    let r = register_named(&id)?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !ct.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let rows = motcua_render::catalog_sheet::xlsx_rows(&body)
        .map_err(|rows| ApiError::ImportRejected(json!(rows)))?;
    let org = state.org().await?;
    let mut problems = Vec::new();
    let mut items = Vec::new();
    let mut data = rows.into_iter();
    match data.next() {
        Some((_, header))
            if header
                .iter()
                .map(|h| h.trim())
                .eq(IMPORT_HEADER.iter().copied()) => {}
        _ => {
            return Err(ApiError::ImportRejected(json!([{
                "row": 1, "column": "", "message": format!("dòng tiêu đề phải là: {}", IMPORT_HEADER.join(" | "))
            }])));
        }
    }
    for (row, cells) in data {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| {
            cells
                .get(i)
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        let planned = match cell(4) {
            s if s.is_empty() => None,
            s => {
                match s.replace(['.', ' '], "").parse::<f64>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        problems.push(json!({"row": row, "column": IMPORT_HEADER[4], "message": "không phải số"}));
                        continue;
                    }
                }
            }
        };
        let req = NewItemRequest {
            title: cell(0),
            unit: Some(cell(1)),
            due_date: Some(cell(2)),
            planned_amount: planned,
            note: Some(cell(5)),
        };
        let status = cell(3);
        let mut errors = Vec::new();
        match check_item(
            &org,
            caller.user.agency_id,
            r.kind,
            &req,
            (!status.is_empty()).then_some(status.as_str()),
            &mut errors,
        ) {
            Some(i) => items.push(i),
            None => {
                for e in errors {
                    let column = match e.field.as_str() {
                        "title" => IMPORT_HEADER[0],
                        "unit" => IMPORT_HEADER[1],
                        "due_date" => IMPORT_HEADER[2],
                        "status" => IMPORT_HEADER[3],
                        "planned_amount" => IMPORT_HEADER[4],
                        _ => "",
                    };
                    problems.push(json!({"row": row, "column": column, "message": e.message}));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::ImportRejected(json!(problems)));
    }
    if items.is_empty() {
        return Err(ApiError::ImportRejected(
            json!([{"row": 2, "column": "", "message": "tệp không có dòng dữ liệu nào"}]),
        ));
    }
    let n = items.len();
    store::add(
        &state.db,
        &caller.audit_ctx(crate::operation::operation_id()),
        caller.user.agency_id,
        year,
        r.id,
        items,
    )
    .await?;
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

/// Whether the caller may record progress on the item: the reform office and admins, or the
/// leader of the responsible unit (M1: the head of a unit runs its reform work).
fn may_record(caller: &Caller, org: &OrgSnapshot, item: &store::Item) -> bool {
    match caller.role {
        Role::Admin | Role::ParOfficer => true,
        Role::UnitLeader => item
            .responsible_unit_id
            .is_some_and(|u| org.subtree(caller.user.unit_id).contains(&u)),
        _ => false,
    }
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
    let item = store::find(state.db.conn(), id).await?;
    if item.agency_id != caller.user.agency_id {
        return Err(ApiError::NotFound);
    }
    let org = state.org().await?;
    if !may_record(&caller, &org, &item) {
        return Err(ApiError::Forbidden);
    }
    let r = register_named(&item.register)?;
    let mut errors = Vec::new();
    let status = req.status.trim();
    if !r.kind.statuses().contains(&status) {
        errors.push(FieldError::new(
            "status",
            format!("trạng thái của sổ này: {}", r.kind.statuses().join(", ")),
        ));
    }
    let actual = req.actual_amount.unwrap_or(item.actual_amount);
    if !actual.is_finite() || actual < 0.0 {
        errors.push(FieldError::new("actual_amount", "số tiền không âm"));
    }
    if req.evidence_upload_ids.len() > 20 {
        errors.push(FieldError::new(
            "evidence_upload_ids",
            "tối đa 20 tệp minh chứng",
        ));
    }
    let metas =
        motcua_store::dossier::upload_meta(state.db.conn(), &req.evidence_upload_ids).await?;
    let mut unique = req.evidence_upload_ids.clone();
    unique.sort();
    unique.dedup();
    if metas.len() != unique.len() || metas.iter().any(|m| m.agency_id != caller.user.agency_id) {
        errors.push(FieldError::new(
            "evidence_upload_ids",
            "tệp minh chứng không tồn tại hoặc không thuộc cơ quan",
        ));
    }
    let counts = r.kind.counts(status);
    if counts && unique.is_empty() {
        errors.push(FieldError::new(
            "evidence_upload_ids",
            "cần ít nhất một tệp minh chứng để xác nhận kết quả",
        ));
    }
    let note = req
        .note
        .as_deref()
        .map(nfc)
        .unwrap_or_else(|| item.note.clone());
    if note.chars().count() > 2_000 {
        errors.push(FieldError::new("note", "ghi chú tối đa 2.000 ký tự"));
    }
    // The item's substance: changed by the reform office only, checked as when it was added.
    let changes_substance = req.title.is_some()
        || req.unit.is_some()
        || req.due_date.is_some()
        || req.planned_amount.is_some();
    if changes_substance && !matches!(caller.role, Role::Admin | Role::ParOfficer) {
        return Err(ApiError::Forbidden);
    }
    let substance = NewItemRequest {
        title: req.title.clone().unwrap_or_else(|| item.title.clone()),
        unit: match &req.unit {
            Some(u) => Some(u.clone()),
            None => item.responsible_unit_id.map(|u| u.to_string()),
        },
        due_date: match &req.due_date {
            Some(d) => Some(d.clone()),
            None => item.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
        },
        planned_amount: Some(req.planned_amount.unwrap_or(item.planned_amount)),
        note: None,
    };
    let checked = check_item(
        &org,
        caller.user.agency_id,
        r.kind,
        &substance,
        None,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let Some(checked) = checked else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "title",
            "nội dung không hợp lệ",
        )]));
    };
    let updated = store::update(
        &state.db,
        &caller.audit_ctx(crate::operation::operation_id()),
        id,
        req.version,
        store::ItemUpdate {
            status: status.to_owned(),
            actual_amount: actual,
            evidence: unique,
            note,
            confirmed_by: counts.then_some(caller.user.id),
            title: checked.title,
            responsible_unit_id: checked.responsible_unit_id,
            due_date: checked.due_date,
            planned_amount: checked.planned_amount,
        },
    )
    .await
    .map_err(motcua_app::document::refusal)?;
    Ok(axum::Json(item_json(&updated)))
}
