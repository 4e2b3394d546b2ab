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
    /// With KT., TM., TL. or TUQ.: the position or collective signed for ("Bộ trưởng"), printed
    /// after the mark, the signer's own position on the next line (Annex I).
    #[serde(default)]
    pub on_behalf_of: String,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Handled electronically (true) or a paper document registered in the system.
    #[serde(default = "yes")]
    pub electronic: bool,
    /// The content (paragraphs separated by blank lines), rendered to the Annex I layout and
    /// signed when the document is issued; at most 50,000 characters.
    #[serde(default)]
    pub content: Option<String>,
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
        "signer": {"name": d.signer_name, "position": d.signer_position, "authority_mark": d.authority_mark, "on_behalf_of": d.on_behalf_of},
        "recipients": d.recipients, "electronic": d.electronic, "issued_at": d.issued_at,
        "drafting_unit_id": d.drafting_unit_id,
        "version": d.version, "external_id": d.external_id, "sender_organ_id": d.sender_organ_id,
        "exchange_status": d.exchange_status, "exchange_description": d.exchange_note,
        "content": d.content, "signature_state": d.signature_state,
        "pdf": d.pdf_upload_id.map(|_| format!("/api/v1/documents/{}/pdf", d.id)),
        "handling": {
            "status": d.handling_status, "leader_id": d.leader_id, "unit_id": d.handling_unit_id,
            "due_date": d.due_date, "note": d.handling_note, "completed_at": d.completed_at,
        },
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
    let on_behalf_of = nfc(&req.on_behalf_of);
    if on_behalf_of.chars().count() > 200 {
        errors.push(FieldError::new("on_behalf_of", "tối đa 200 ký tự"));
    }
    if !on_behalf_of.is_empty() && !matches!(mark.as_str(), "KT." | "TM." | "TL." | "TUQ.") {
        errors.push(FieldError::new(
            "on_behalf_of",
            "chỉ ghi khi ký thay (KT.), thay mặt (TM.), thừa lệnh (TL.) hoặc thừa ủy quyền (TUQ.)",
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
    let content = req
        .content
        .as_deref()
        .map(|c| motcua_domain::catalog::fold::nfc(c.trim()))
        .filter(|c| !c.is_empty());
    if content.as_ref().is_some_and(|c| c.chars().count() > 50_000) {
        errors.push(FieldError::new("content", "nội dung tối đa 50.000 ký tự"));
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
        content,
        signature_state: None,
        on_behalf_of: (!on_behalf_of.is_empty()).then_some(on_behalf_of),
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
    let ctx = caller.audit_ctx(crate::ops::operation_id());
    let d = store::issue(&state.db, &ctx, id, req.version, chrono::Utc::now())
        .await
        .map_err(crate::official::says)?;
    // The number exists once the issuing transaction committed; the document is then typeset
    // with it and signed. A failure here leaves the document issued without its PDF, which
    // `POST /api/v1/documents/{id}/sign` makes again; the answer says why.
    match crate::official::render_and_sign(&state, &caller, &d).await {
        Ok(Some(signed)) => Ok(axum::Json(doc_json(&signed))),
        Ok(None) => Ok(axum::Json(doc_json(&d))),
        Err(problem) => {
            let mut v = doc_json(&d);
            v["signing_problem"] = json!(problem);
            Ok(axum::Json(v))
        }
    }
}

/// Typesets an issued document that has drafted content (Annex I) and signs it again, e.g. after
/// the signing service was unavailable when it was issued.
#[utoipa::path(post, path = "/api/v1/documents/{id}/sign", tag = "document", operation_id = "sign_document",
    security(("bearer" = [])),
    responses((status = 200, description = "the document with its signed PDF"), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn sign_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Value>> {
    let d = store::find(state.db.conn(), id).await?;
    visible(&state, &caller, scope, &d).await?;
    if d.direction != "out" || d.status != "issued" {
        return Err(ApiError::Conflict(
            "chỉ ký được văn bản đi đã ban hành (đã có số)".into(),
        ));
    }
    if d.pdf_upload_id.is_some() {
        return Err(ApiError::Conflict("văn bản đã được ký số".into()));
    }
    match crate::official::render_and_sign(&state, &caller, &d).await {
        Ok(Some(signed)) => Ok(axum::Json(doc_json(&signed))),
        Ok(None) => Err(ApiError::Conflict(
            "văn bản không có nội dung soạn thảo để dàn trang".into(),
        )),
        Err(problem) => Err(ApiError::Conflict(problem)),
    }
}

/// The PDF of a document: the signed Annex I rendering of an outgoing one, the signed file that
/// came with an incoming one.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "document", operation_id = "document_pdf",
    security(("bearer" = [])),
    responses((status = 200, description = "application/pdf"), (status = 404, body = ErrorEnvelope)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::response::Response> {
    let d = store::find(state.db.conn(), id).await?;
    visible(&state, &caller, scope, &d).await?;
    let upload = d.pdf_upload_id.ok_or(ApiError::NotFound)?;
    let file = motcua_store::dossier::upload_content(state.db.conn(), upload).await?;
    Ok(pdf_response(&d, file.content))
}

/// A document's PDF file name: its number and notation, `15_QĐ-BTTTT.pdf`.
pub(crate) fn pdf_name(d: &store::Document) -> String {
    format!(
        "{}.pdf",
        d.code
            .as_deref()
            .unwrap_or("van-ban")
            .replace(['/', '\\', '"'], "_")
    )
}

/// A document's PDF as a response, named after its number and notation.
pub(crate) fn pdf_response(d: &store::Document, content: Vec<u8>) -> axum::response::Response {
    let name = pdf_name(d);
    // An ASCII name for old clients and the exact one in RFC 6266/5987 form (`15_QĐ-BTTTT.pdf`).
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        content,
    )
        .into_response()
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
        if !in_reach(d, &units, caller.user.id) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(())
}

/// Whether a document is within the reach of a unit-scoped caller: drafted in their units, or
/// incoming and assigned to one of them, or presented to them as the leader.
pub(crate) fn in_reach(d: &store::Document, units: &[Uuid], account: Uuid) -> bool {
    let mine = |u: Option<Uuid>| u.is_some_and(|u| units.contains(&u));
    if d.direction == "in" {
        mine(d.handling_unit_id) || d.leader_id == Some(account)
    } else {
        mine(d.drafting_unit_id)
    }
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

/// The incoming register's columns (Decree 30/2020 Annex IV, sổ đăng ký văn bản đến), with the
/// handling the leader recorded (art. 24) and the state of the digital signatures.
pub(crate) const INCOMING_HEADER: [&str; 11] = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Tên loại và trích yếu nội dung",
    "Độ khẩn",
    "Đơn vị hoặc người nhận",
    "Hạn xử lý",
    "Tình trạng xử lý",
    "Chữ ký số",
    "Ghi chú",
];

/// One row of the incoming register.
pub(crate) fn incoming_row(d: &store::Document, org: &crate::state::OrgSnapshot) -> Vec<String> {
    let sender = d
        .recipients
        .as_array()
        .and_then(|a| a.first())
        .and_then(|r| r["name"].as_str())
        .unwrap_or_default()
        .to_owned();
    let type_name = DocType::parse(&d.doc_type).map_or(d.doc_type.as_str(), |t| t.name);
    vec![
        d.issued_at
            .map(|t| {
                t.with_timezone(&motcua_domain::time::VN_OFFSET)
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        d.number
            .map(|n| rules::number_text(i64::from(n)))
            .unwrap_or_default(),
        sender,
        d.code.clone().unwrap_or_default(),
        format!("{type_name}: {}", d.subject),
        Urgency::parse(&d.urgency)
            .map_or("", Urgency::label_vi)
            .to_owned(),
        d.handling_unit_id
            .and_then(|u| org.unit_by_id(u))
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        d.due_date
            .map(|t| t.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        rules::handling_label_vi(d.handling_status.as_deref().unwrap_or_default()).to_owned(),
        match d.signature_state.as_deref() {
            Some("valid") => "Hợp lệ",
            Some("untrusted") => "Nguyên vẹn, chưa tin cậy gốc",
            Some("none") => "Không có",
            _ => "",
        }
        .to_owned(),
        d.handling_note.clone().unwrap_or_default(),
    ]
}

/// The register of a year as a download: `csv` (BOM, `;`) or `xlsx`, named `so-van-ban-di-2026.xlsx`.
pub(crate) fn register_file(
    docs: &[store::Document],
    direction: &str,
    year: i32,
    format: &str,
    org: &crate::state::OrgSnapshot,
) -> Result<axum::response::Response, String> {
    let (header_row, table): (&[&str], Vec<Vec<String>>) = if direction == "out" {
        (&REGISTER_HEADER, docs.iter().map(register_row).collect())
    } else {
        (
            &INCOMING_HEADER,
            docs.iter().map(|d| incoming_row(d, org)).collect(),
        )
    };
    let (slug, sheet) = if direction == "out" {
        ("di", "VanBanDi")
    } else {
        ("den", "VanBanDen")
    };
    let (bytes, content_type) = if format == "csv" {
        (
            motcua_render::table::csv(header_row, &table)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            motcua_render::table::xlsx(sheet, header_row, &table)?,
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
        rows.retain(|d| in_reach(d, &units, caller.user.id));
    }
    match q.format.as_deref() {
        None | Some("json") => {}
        Some(f @ ("csv" | "xlsx")) => {
            let org = state.org().await?;
            return register_file(&rows, direction, year, f, &org)
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

/// Targets T7.1 and T7.2 of the 2021 plan, live from the registers of the year
/// ([`crate::official::indicators`]): T7.1 documents handled electronically among all registered
/// ones (outgoing and incoming, paper ones too); T7.2 units that both sent and received digitally
/// signed documents among all units, with each unit's two flags.
#[utoipa::path(get, path = "/api/v1/documents/indicators", tag = "document", operation_id = "document_indicators",
    params(IndicatorQuery), security(("bearer" = [])),
    responses((status = 200, description = "{\"t7_1\":{\"electronic\",\"total\",\"ratio\",\"goal\"},\"t7_2\":{\"units_signing\",\"units\",\"ratio\",\"goal\",\"per_unit\":[…]}}")))]
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
    Ok(axum::Json(
        crate::official::indicators(&state, caller.user.agency_id, year)
            .await
            .map_err(ApiError::Internal)?,
    ))
}

/// A step in handling an incoming document.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingRequest {
    /// `present` (to the leader), `assign` (a unit and a due date), `start`, `complete`.
    pub step: String,
    /// The version the caller last saw.
    pub version: i64,
    /// present: the leader's account (a unit leader or an administrator of the agency).
    #[serde(default)]
    pub leader_id: Option<Uuid>,
    /// assign: the unit that handles it (id or code).
    #[serde(default)]
    pub unit: Option<String>,
    /// assign: the due date, `YYYY-MM-DD`, not before today.
    #[serde(default)]
    pub due_date: Option<String>,
    /// The leader's instruction or the unit's report (at most 2,000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Takes an incoming document one step further (Decree 30/2020/NĐ-CP art. 24): the office presents
/// it to the leader, the leader assigns a unit and a due date, the unit starts and completes it.
/// The sender is told with the status 04, 05, 06 through the outbox.
#[utoipa::path(post, path = "/api/v1/documents/{id}/handling", tag = "document", operation_id = "handle_document",
    request_body = HandlingRequest, security(("bearer" = [])),
    responses((status = 200, description = "the document with its `handling`"), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn handle_document(
    State(state): State<AppState>,
    Api { caller, scope, .. }: Api<ManageDocuments>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<HandlingRequest>,
) -> ApiResult<axum::Json<Value>> {
    let d = store::find(state.db.conn(), id).await?;
    visible(&state, &caller, scope, &d).await?;
    if d.direction != "in" {
        return Err(ApiError::NotFound);
    }
    let d = crate::official::handle(&state, &caller, &d, &req).await?;
    Ok(axum::Json(doc_json(&d)))
}
