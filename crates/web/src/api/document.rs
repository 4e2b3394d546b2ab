//! Outgoing official documents over the API: drafts, issuing with number and notation, the register
//! of a year (Decree 30/2020/NĐ-CP art. 14–19, Annex III, Annex IV).

use super::ErrorEnvelope;
use crate::auth::{Api, ManageDocuments};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::Datelike;
use motcua_domain::document::{self as rules, AUTHORITY_MARKS, DocType, Secrecy, Urgency};
use motcua_store::document as store;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A recipient (nơi nhận): an agency by OrganId, or a unit or person by name.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    #[serde(default)]
    pub organ_id: String,
    pub name: String,
}

/// A new outgoing document (a draft).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// One of the 29 types (`quyet_dinh`, `cong_van`, …) or a legal type (`thong_tu`).
    pub doc_type: String,
    /// Trích yếu, at most 500 characters.
    pub subject: String,
    /// `normal`, `urgent`, `very_urgent`, `flash`.
    #[serde(default)]
    pub urgency: String,
    /// `none`, `mat`, `toi_mat`, `tuyet_mat`.
    #[serde(default)]
    pub secrecy: String,
    pub signer_name: String,
    #[serde(default)]
    pub signer_position: String,
    /// TM., Q., KT., TL., TUQ. or empty.
    #[serde(default)]
    pub authority_mark: String,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Handled electronically (true) or a paper document registered in the system.
    #[serde(default = "yes")]
    pub electronic: bool,
}

fn yes() -> bool {
    true
}

fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

/// The document as the API shows it.
pub fn doc_json(d: &store::Document) -> Value {
    let t = DocType::parse(&d.doc_type);
    json!({
        "id": d.id, "direction": d.direction, "status": d.status, "doc_type": d.doc_type,
        "type_name": t.map_or("", |t| t.name), "series": d.series, "year": d.year, "number": d.number,
        "notation": d.notation, "code": d.code, "subject": d.subject, "urgency": d.urgency,
        "secrecy": d.secrecy,
        "signer": {"name": d.signer_name, "position": d.signer_position, "authority_mark": d.authority_mark},
        "recipients": d.recipients, "electronic": d.electronic, "issued_at": d.issued_at,
        "version": d.version, "external_id": d.external_id, "sender_organ_id": d.sender_organ_id,
        "exchange_status": d.exchange_status, "exchange_description": d.exchange_note,
    })
}

/// Drafts an outgoing document for the caller's unit; the notation is formed now, the number when
/// it is issued.
#[utoipa::path(post, path = "/api/v1/documents", tag = "document", operation_id = "draft_document",
    request_body = DraftRequest, security(("bearer" = [])),
    responses((status = 201, description = "the draft"), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn draft_document(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManageDocuments>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let mut errors = Vec::new();
    let doc_type = DocType::parse(&req.doc_type);
    if doc_type.is_none() {
        errors.push(FieldError::new(
            "doc_type",
            "loại văn bản không có trong danh mục (Nghị định 30/2020, Phụ lục III)",
        ));
    }
    let subject = nfc(&req.subject);
    if subject.is_empty() || subject.chars().count() > 500 {
        errors.push(FieldError::new(
            "subject",
            "trích yếu bắt buộc, tối đa 500 ký tự",
        ));
    }
    let urgency = Urgency::parse(&req.urgency);
    if urgency.is_none() {
        errors.push(FieldError::new(
            "urgency",
            "độ khẩn: normal, urgent, very_urgent hoặc flash",
        ));
    }
    let secrecy = Secrecy::parse(&req.secrecy);
    if secrecy.is_none() {
        errors.push(FieldError::new(
            "secrecy",
            "độ mật: none, mat, toi_mat hoặc tuyet_mat",
        ));
    }
    let signer_name = nfc(&req.signer_name);
    if signer_name.is_empty() || signer_name.chars().count() > 200 {
        errors.push(FieldError::new("signer_name", "họ tên người ký bắt buộc"));
    }
    let mark = req.authority_mark.trim().to_owned();
    if !mark.is_empty() && !AUTHORITY_MARKS.contains(&mark.as_str()) {
        errors.push(FieldError::new(
            "authority_mark",
            "thẩm quyền ký: TM., Q., KT., TL. hoặc TUQ.",
        ));
    }
    let mut recipients = Vec::new();
    for (i, r) in req.recipients.iter().enumerate() {
        let name = nfc(&r.name);
        if name.is_empty() {
            errors.push(FieldError::new(
                format!("recipients[{i}].name"),
                "tên nơi nhận bắt buộc",
            ));
        }
        recipients.push(json!({"organ_id": r.organ_id.trim(), "name": name}));
    }
    let (Some(doc_type), Some(urgency), Some(secrecy), true) =
        (doc_type, urgency, secrecy, errors.is_empty())
    else {
        return Err(ApiError::Invalid(errors));
    };
    let org = state.org().await?;
    let agency = org
        .agency(caller.user.agency_id)
        .ok_or(ApiError::Forbidden)?;
    let unit = org
        .unit_by_id(caller.user.unit_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let new = store::NewDocument {
        agency_id: agency.id,
        direction: "out",
        doc_type: doc_type.code.to_owned(),
        series: rules::series(&doc_type, secrecy),
        notation: rules::notation(&doc_type, &agency.short_name, &unit),
        subject,
        urgency: urgency.code().to_owned(),
        secrecy: secrecy.code().to_owned(),
        drafting_unit_id: Some(caller.user.unit_id),
        signer_name,
        signer_position: nfc(&req.signer_position),
        authority_mark: mark,
        recipients: Value::Array(recipients),
        electronic: req.electronic,
        pdf_upload_id: None,
        created_by: Some(caller.user.id),
    };
    let d = store::create_draft(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        new,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(doc_json(&d))))
}

/// The version the caller last saw.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub version: i64,
}

/// Issues a draft: the next number of its series for the year (never reused or skipped, also
/// under concurrency), the printed code such as `15/QĐ-BTTTT`.
#[utoipa::path(post, path = "/api/v1/documents/{id}/issue", tag = "document", operation_id = "issue_document",
    request_body = IssueRequest, security(("bearer" = [])),
    responses((status = 200, description = "the issued document"), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn issue_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<IssueRequest>,
) -> ApiResult<axum::Json<Value>> {
    let d = store::find(state.db.conn(), id).await?;
    visible(&state, &caller, scope, &d).await?;
    let d = store::issue(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        id,
        req.version,
        chrono::Utc::now(),
    )
    .await?;
    Ok(axum::Json(doc_json(&d)))
}

pub(crate) async fn visible(
    state: &AppState,
    caller: &crate::auth::Caller,
    scope: motcua_domain::access::Scope,
    d: &store::Document,
) -> ApiResult<()> {
    if d.agency_id != caller.user.agency_id {
        return Err(ApiError::NotFound);
    }
    if scope == motcua_domain::access::Scope::OwnUnit {
        let units = state.org().await?.subtree(caller.user.unit_id);
        if !d.drafting_unit_id.is_some_and(|u| units.contains(&u)) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    /// `out` (default) or `in`.
    pub direction: Option<String>,
    /// The calendar year (default: this year, Vietnam time).
    pub year: Option<i32>,
    /// `json` (default), or `csv` / `xlsx` for the register as a file.
    pub format: Option<String>,
}

/// The register's columns (Decree 30/2020 Annex IV).
pub(crate) const REGISTER_HEADER: [&str; 10] = [
    "Số, ký hiệu",
    "Ngày ban hành",
    "Tên loại",
    "Trích yếu",
    "Người ký",
    "Nơi nhận",
    "Độ khẩn",
    "Độ mật",
    "Sổ",
    "Điện tử",
];

/// One row of the register (Decree 30/2020 Annex IV: number and notation, date, type, subject,
/// signer, recipients, urgency, secrecy, series, electronic).
pub(crate) fn register_row(d: &store::Document) -> Vec<String> {
    let recipients: Vec<String> = d
        .recipients
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect();
    vec![
        d.code.clone().unwrap_or_default(),
        d.issued_at
            .map(|t| {
                t.with_timezone(&motcua_domain::time::VN_OFFSET)
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        DocType::parse(&d.doc_type).map_or(String::new(), |t| t.name.to_owned()),
        d.subject.clone(),
        format!("{} {}", d.authority_mark, d.signer_name)
            .trim()
            .to_owned(),
        recipients.join(", "),
        Urgency::parse(&d.urgency)
            .map_or("", Urgency::label_vi)
            .to_owned(),
        Secrecy::parse(&d.secrecy)
            .map_or("", Secrecy::label_vi)
            .to_owned(),
        d.series.clone(),
        if d.electronic {
            "Có".into()
        } else {
            "Không".into()
        },
    ]
}

/// The register of a year as a download: `csv` (BOM, `;`) or `xlsx`, named `so-van-ban-di-2026.xlsx`.
pub(crate) fn register_file(
    docs: &[store::Document],
    direction: &str,
    year: i32,
    format: &str,
) -> Result<axum::response::Response, String> {
    let table: Vec<Vec<String>> = docs.iter().map(register_row).collect();
    let (slug, sheet) = if direction == "out" {
        ("di", "VanBanDi")
    } else {
        ("den", "VanBanDen")
    };
    let (bytes, content_type) = if format == "csv" {
        (
            motcua_render::table::csv(&REGISTER_HEADER, &table)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            motcua_render::table::xlsx(sheet, &REGISTER_HEADER, &table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    let name = format!("so-van-ban-{slug}-{year}.{format}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The register of issued documents of a year, by series and number (Annex IV).
#[utoipa::path(get, path = "/api/v1/documents", tag = "document", operation_id = "document_register",
    params(RegisterQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"items\":[…],\"total\":N}, or CSV with format=csv")))]
pub async fn document_register(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> ApiResult<axum::response::Response> {
    let direction = match q.direction.as_deref().unwrap_or("out") {
        "out" => "out",
        "in" => "in",
        _ => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "direction",
                "out hoặc in",
            )]));
        }
    };
    let year = q.year.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .year()
    });
    let mut rows = store::register(state.db.conn(), caller.user.agency_id, direction, year).await?;
    if scope == motcua_domain::access::Scope::OwnUnit {
        let units = state.org().await?.subtree(caller.user.unit_id);
        rows.retain(|d| d.drafting_unit_id.is_some_and(|u| units.contains(&u)));
    }
    match q.format.as_deref() {
        None | Some("json") => {}
        Some(f @ ("csv" | "xlsx")) => {
            return register_file(&rows, direction, year, f)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)));
        }
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "format",
                "json, csv hoặc xlsx",
            )]));
        }
    }
    let items: Vec<Value> = rows.iter().map(doc_json).collect();
    Ok(axum::Json(
        json!({"items": items, "total": items.len(), "year": year, "direction": direction}),
    )
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    /// The calendar year (default: this year, Vietnam time).
    pub year: Option<i32>,
}

/// Target T7.1 of the 2021 plan, live: documents handled electronically among all registered
/// documents of the year (outgoing and incoming; paper ones are registered too). T7.2 (units that
/// both send and receive digitally signed documents) needs the incoming register, not built yet:
/// it is answered as `null` with the reason.
#[utoipa::path(get, path = "/api/v1/documents/indicators", tag = "document", operation_id = "document_indicators",
    params(IndicatorQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"t7_1\":{\"electronic\",\"total\",\"ratio\"},\"t7_2\":null}")))]
pub async fn document_indicators(
    State(state): State<AppState>,
    Api { caller, .. }: Api<ManageDocuments>,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> ApiResult<axum::Json<Value>> {
    let year = q.year.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .year()
    });
    let mut total = 0usize;
    let mut electronic = 0usize;
    for direction in ["out", "in"] {
        for d in store::register(state.db.conn(), caller.user.agency_id, direction, year).await? {
            total += 1;
            electronic += usize::from(d.electronic);
        }
    }
    let ratio = if total == 0 {
        Value::Null
    } else {
        json!((electronic as f64 / total as f64 * 10_000.0).round() / 10_000.0)
    };
    Ok(axum::Json(json!({
        "year": year,
        "t7_1": {"electronic": electronic, "total": total, "ratio": ratio, "goal": 0.9},
        "t7_2": Value::Null,
        "t7_2_reason": "sổ văn bản đến chưa được xây dựng; chỉ tiêu 7.2 chưa tính được",
    })))
}
