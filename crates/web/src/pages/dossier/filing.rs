//! Filing: the form online (applicants) and at the desk (counter, post), the check-your-answers
//! step, and the filing itself with every refused field shown beside it.

use super::*;

pub struct ComponentField {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) required: bool,
    pub(super) note: String,
    pub(super) upload_id: String,
    pub(super) upload_name: String,
    pub(super) paper: bool,
}

#[derive(Default, Clone)]
pub struct FileFormData {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) id_number: String,
    pub(super) phone: String,
    pub(super) email: String,
    pub(super) address: String,
    pub(super) return_channel: String,
    pub(super) return_address: String,
    pub(super) channel: String,
    pub(super) receipt_no: String,
    pub(super) handed_over_at: String,
    pub(super) fees_vnd: String,
}

#[derive(Template)]
#[template(path = "dossier_file.html")]
pub(super) struct FilePage {
    pub(super) l: Layout,
    pub(super) code: String,
    pub(super) procedure_name: String,
    pub(super) processing: String,
    pub(super) desk: bool,
    pub(super) online_return: bool,
    pub(super) postal_return: bool,
    pub(super) postal_receipt: bool,
    pub(super) form: FileFormData,
    pub(super) components: Vec<ComponentField>,
    pub(super) errors: Vec<FieldError>,
}

impl FilePage {
    pub(super) fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "dossier_check.html")]
pub(super) struct CheckPage {
    pub(super) l: Layout,
    pub(super) code: String,
    pub(super) procedure_name: String,
    pub(super) desk: bool,
    pub(super) form: FileFormData,
    pub(super) rows: Vec<(String, String)>,
    pub(super) components: Vec<ComponentField>,
    pub(super) due: String,
    pub(super) received: String,
    pub(super) nonce: String,
}

pub(super) async fn procedure_for_filing(
    state: &AppState,
    code: &str,
) -> PageResult<ProcedureData> {
    motcua_app::catalog::shown_procedure(state, code)
        .await?
        .ok_or(PageError::NotFound)
}

pub(super) fn may_file(caller: &Caller) -> bool {
    access::allows(caller.role, Permission::FileOnline)
        || access::allows(caller.role, Permission::FileAtDesk)
}

pub(super) fn components_of(
    p: &ProcedureData,
    fields: &HashMap<String, String>,
    desk: bool,
) -> Vec<ComponentField> {
    p.components
        .iter()
        .map(|c| ComponentField {
            code: c.code.clone(),
            name: c.name.clone(),
            required: c.required,
            note: format!(
                "{} bản chính, {} bản sao{}",
                c.originals,
                c.copies,
                if c.required {
                    ""
                } else {
                    " — không bắt buộc"
                }
            ),
            upload_id: fields
                .get(&format!("upload_{}", c.code))
                .cloned()
                .unwrap_or_default(),
            upload_name: fields
                .get(&format!("upload_name_{}", c.code))
                .cloned()
                .unwrap_or_default(),
            paper: desk && fields.get(&format!("paper_{}", c.code)).is_some(),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    pub(super) thu_tuc: Option<String>,
}

/// `GET /thu-tuc/{code}/nop` (applicants) and `GET /ho-so/tiep-nhan?thu_tuc=` (the desk).
pub async fn file_form(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    path: Option<Path<String>>,
    Query(q): Query<FileQuery>,
) -> PageResult<Response> {
    let code = path.map(|Path(c)| c).or(q.thu_tuc).unwrap_or_default();
    let caller = match signed_in(&viewer, &format!("/thu-tuc/{code}/nop")) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    if !may_file(&caller) {
        return Err(PageError::Forbidden);
    }
    let p = procedure_for_filing(&state, &code).await?;
    let desk = caller.role != Role::Applicant;
    let form = FileFormData {
        kind: "citizen".into(),
        name: if desk {
            String::new()
        } else {
            caller.user.full_name.clone()
        },
        email: if desk {
            String::new()
        } else {
            caller.user.email.clone()
        },
        return_channel: if desk { "counter" } else { "online" }.into(),
        channel: if desk { "counter" } else { "online" }.into(),
        ..FileFormData::default()
    };
    let page = file_page(
        &state,
        &viewer,
        &csrf,
        &p,
        desk,
        form,
        &HashMap::new(),
        Vec::new(),
    )
    .await;
    Ok(html(StatusCode::OK, &page))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn file_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    p: &ProcedureData,
    desk: bool,
    form: FileFormData,
    fields: &HashMap<String, String>,
    errors: Vec<FieldError>,
) -> FilePage {
    FilePage {
        l: Layout::build(state, viewer, csrf, "/ho-so").await,
        code: p.code.to_string(),
        procedure_name: p.name.clone(),
        processing: p.processing_time.label_vi(),
        desk,
        online_return: p.result_kind != motcua_domain::catalog::procedure::ResultKind::Paper,
        postal_return: p.postal_return,
        postal_receipt: p.postal_receipt,
        form,
        components: components_of(p, fields, desk),
        errors,
    }
}

/// `POST` of the filing form: `step=check` shows the answers, `step=submit` files.
#[allow(clippy::too_many_arguments, reason = "axum extractors")]
pub async fn file_post(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    path: Option<Path<String>>,
    Query(q): Query<FileQuery>,
    body: Body,
) -> PageResult<Response> {
    let caller = viewer.0.clone().ok_or(PageError::Forbidden)?;
    if !may_file(&caller) {
        return Err(PageError::Forbidden);
    }
    let (mut fields, files) = match read_multipart(&headers, body, state.config.upload_limit_bytes)
        .await
    {
        Ok(v) => v,
        Err(ApiError::PayloadTooLarge) => {
            return Ok(super::super::render_error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Tệp quá lớn",
                &format!(
                    "Mỗi tệp tối đa {} MB. Quay lại, chọn tệp nhỏ hơn (ví dụ quét ở độ phân giải thấp hơn) rồi gửi lại.",
                    state.config.upload_limit_bytes / (1024 * 1024)
                ),
            ));
        }
        Err(e) => return Err(api_to_page(e)),
    };
    verify_csrf(
        &method,
        &headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let code = path
        .map(|Path(c)| c)
        .or(q.thu_tuc)
        .or_else(|| fields.get("procedure_code").cloned())
        .unwrap_or_default();
    let p = procedure_for_filing(&state, &code).await?;
    let desk = caller.role != Role::Applicant;
    let mut errors = Vec::new();
    // Files chosen now are stored at once (kept across a correction of other fields).
    for (field, name, bytes) in files {
        let Some(component) = field.strip_prefix("file_") else {
            continue;
        };
        if !p.components.iter().any(|c| c.code == component) {
            continue;
        }
        if let Err(m) = check_file(&name, &bytes) {
            errors.push(FieldError::new(format!("upload_{component}"), m));
            continue;
        }
        let m = svc::save_upload(&state, &caller.actor(), name, bytes)
            .await
            .map_err(app_to_page)?;
        fields.insert(format!("upload_{component}"), m.id.to_string());
        fields.insert(format!("upload_name_{component}"), m.file_name);
    }
    let form = form_of(&fields);
    let req = request_of(&p, &form, &fields, desk);
    let step = fields.get("step").cloned().unwrap_or_default();
    if step == "edit" && errors.is_empty() {
        let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, Vec::new()).await;
        return Ok(html(StatusCode::OK, &page));
    }
    if errors.is_empty() {
        let outcome: Result<(), Vec<FieldError>> = if step == "submit" {
            let nonce = fields.get("nonce").cloned().unwrap_or_default();
            let key = (!nonce.is_empty()).then(|| {
                (
                    format!("{}:page:{nonce}", caller.user.id),
                    store::request_digest(nonce.as_bytes()),
                )
            });
            match svc::filing::file(&state, &caller.actor(), req, key).await {
                Ok(Filed::Created(d) | Filed::Replayed(d)) => {
                    return Ok(Redirect::to(&format!("/ho-so/{}?moi=1", d.code)).into_response());
                }
                Ok(Filed::KeyReused) => {
                    Err(vec![FieldError::new("components", "hồ sơ này đã được nộp")])
                }
                Err(motcua_app::Error::Invalid(e)) => Err(field_errors(e)),
                Err(e) => return Err(app_to_page(e)),
            }
        } else {
            match svc::filing::prepare(&state, &caller.actor(), req, None).await {
                Ok(new) => {
                    let mut rows = vec![
                        (
                            "Đối tượng".to_owned(),
                            if form.kind == "business" {
                                "Doanh nghiệp, tổ chức"
                            } else {
                                "Công dân"
                            }
                            .to_owned(),
                        ),
                        (
                            "Họ tên / tên tổ chức".to_owned(),
                            new.applicant.name.clone(),
                        ),
                        (
                            "Số định danh / mã số doanh nghiệp".to_owned(),
                            new.applicant.id_number.clone(),
                        ),
                        ("Điện thoại".to_owned(), new.applicant.phone.clone()),
                        ("Thư điện tử".to_owned(), new.applicant.email.clone()),
                        ("Địa chỉ".to_owned(), new.applicant.address.clone()),
                        (
                            "Kênh nộp".to_owned(),
                            Channel::parse(&new.channel)
                                .map_or("", Channel::label_vi)
                                .to_owned(),
                        ),
                        (
                            "Nhận kết quả".to_owned(),
                            Channel::parse(&new.return_channel)
                                .map_or("", Channel::label_vi)
                                .to_owned(),
                        ),
                    ];
                    if let Some(a) = &new.return_address {
                        rows.push(("Địa chỉ nhận kết quả".to_owned(), a.clone()));
                    }
                    if let Some(no) = &new.postal_receipt_no {
                        rows.push(("Số phiếu gửi".to_owned(), no.clone()));
                    }
                    let nonce = svc::new_lookup_code().map_err(app_to_page)?;
                    let page = CheckPage {
                        l: Layout::build(&state, &viewer, &csrf, "/ho-so").await,
                        code: p.code.to_string(),
                        procedure_name: p.name.clone(),
                        desk,
                        form,
                        rows,
                        components: components_of(&p, &fields, desk),
                        due: format_vn(new.due_at),
                        received: format_vn(new.received_at),
                        nonce: format!("{nonce}{}", Uuid::now_v7().simple()),
                    };
                    return Ok(html(StatusCode::OK, &page));
                }
                Err(motcua_app::Error::Invalid(e)) => Err(field_errors(e)),
                Err(e) => return Err(app_to_page(e)),
            }
        };
        if let Err(e) = outcome {
            errors = e;
        }
    } else {
        // A refused file: say also what else is wrong, all at once.
        if let Err(motcua_app::Error::Invalid(more)) =
            svc::filing::prepare(&state, &caller.actor(), req, None).await
        {
            errors.extend(
                field_errors(more)
                    .into_iter()
                    .filter(|e| !e.field.starts_with("components")),
            );
        }
    }
    let errors = errors
        .into_iter()
        .map(|e| FieldError::new(page_field(&e.field), e.message))
        .collect();
    let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, errors).await;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
