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
    let limit = state.config.upload_limit_bytes;
    let (mut fields, files) = match read_multipart(&headers, body, limit).await {
        Ok(v) => v,
        Err(ApiError::PayloadTooLarge) => return Ok(too_large(limit)),
        Err(e) => return Err(api_to_page(e)),
    };
    let token = fields.get("csrf_token").map_or("", String::as_str);
    verify_csrf(&method, &headers, token)?;
    let code = path
        .map(|Path(c)| c)
        .or(q.thu_tuc)
        .or_else(|| fields.get("procedure_code").cloned())
        .unwrap_or_default();
    let p = procedure_for_filing(&state, &code).await?;
    let desk = caller.role != Role::Applicant;
    let mut errors = store_chosen_files(&state, &caller, &p, files, &mut fields).await?;
    let form = form_of(&fields);
    let req = request_of(&p, &form, &fields, desk);
    let step = fields.get("step").cloned().unwrap_or_default();
    if !errors.is_empty() {
        // A refused file: say also what else is wrong, all at once.
        if let Err(motcua_app::Error::Invalid(more)) =
            svc::filing::prepare(&state, &caller.actor(), req, None).await
        {
            let more = field_errors(more).into_iter();
            errors.extend(more.filter(|e| !e.field.starts_with("components")));
        }
    } else if step == "edit" {
        let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, Vec::new()).await;
        return Ok(html(StatusCode::OK, &page));
    } else {
        let answered = if step == "submit" {
            submit(&state, &caller, req, &fields).await?
        } else {
            let shown = Shown {
                state: &state,
                viewer: &viewer,
                csrf: &csrf,
                caller: &caller,
                p: &p,
                desk,
            };
            check_answers(shown, &form, &fields, req).await?
        };
        match answered {
            Ok(response) => return Ok(response),
            Err(e) => errors = e,
        }
    }
    let errors = errors
        .into_iter()
        .map(|e| FieldError::new(page_field(&e.field), e.message))
        .collect();
    let page = file_page(&state, &viewer, &csrf, &p, desk, form, &fields, errors).await;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The page for a file over the upload limit.
fn too_large(limit: usize) -> Response {
    super::super::render_error_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Tệp quá lớn",
        &format!(
            "Mỗi tệp tối đa {} MB. Quay lại, chọn tệp nhỏ hơn (ví dụ quét ở độ phân giải thấp hơn) rồi gửi lại.",
            limit / (1024 * 1024)
        ),
    )
}

/// Files chosen now are stored at once, so they are kept across a correction of other fields:
/// each becomes `upload_{component}` (and its name) in `fields`; a refused one is a problem beside
/// its component.
async fn store_chosen_files(
    state: &AppState,
    caller: &Caller,
    p: &ProcedureData,
    files: Vec<(String, String, Vec<u8>)>,
    fields: &mut HashMap<String, String>,
) -> PageResult<Vec<FieldError>> {
    let mut errors = Vec::new();
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
        let m = svc::save_upload(state, &caller.actor(), name, bytes)
            .await
            .map_err(app_to_page)?;
        fields.insert(format!("upload_{component}"), m.id.to_string());
        fields.insert(format!("upload_name_{component}"), m.file_name);
    }
    Ok(errors)
}

/// `step=submit`: file (idempotent on the form's nonce) and go to the dossier, or the problems.
async fn submit(
    state: &AppState,
    caller: &Caller,
    req: FileRequest,
    fields: &HashMap<String, String>,
) -> PageResult<Result<Response, Vec<FieldError>>> {
    let nonce = fields.get("nonce").cloned().unwrap_or_default();
    let key = (!nonce.is_empty()).then(|| {
        (
            format!("{}:page:{nonce}", caller.user.id),
            store::request_digest(nonce.as_bytes()),
        )
    });
    match svc::filing::file(state, &caller.actor(), req, key).await {
        Ok(Filed::Created(d) | Filed::Replayed(d)) => {
            Ok(Ok(
                Redirect::to(&format!("/ho-so/{}?moi=1", d.code)).into_response()
            ))
        }
        Ok(Filed::KeyReused) => Ok(Err(vec![FieldError::new(
            "components",
            "hồ sơ này đã được nộp",
        )])),
        Err(motcua_app::Error::Invalid(e)) => Ok(Err(field_errors(e))),
        Err(e) => Err(app_to_page(e)),
    }
}

/// What the check-your-answers page is shown with.
struct Shown<'a> {
    state: &'a AppState,
    viewer: &'a Viewer,
    csrf: &'a CsrfToken,
    caller: &'a Caller,
    p: &'a ProcedureData,
    desk: bool,
}

/// `step=check`: the answers as they would be filed, with the appointment, or the problems.
async fn check_answers(
    shown: Shown<'_>,
    form: &FileFormData,
    fields: &HashMap<String, String>,
    req: FileRequest,
) -> PageResult<Result<Response, Vec<FieldError>>> {
    let Shown {
        state,
        viewer,
        csrf,
        caller,
        p,
        desk,
    } = shown;
    let new = match svc::filing::prepare(state, &caller.actor(), req, None).await {
        Ok(new) => new,
        Err(motcua_app::Error::Invalid(e)) => return Ok(Err(field_errors(e))),
        Err(e) => return Err(app_to_page(e)),
    };
    let nonce = svc::new_lookup_code().map_err(app_to_page)?;
    let page = CheckPage {
        l: Layout::build(state, viewer, csrf, "/ho-so").await,
        code: p.code.to_string(),
        procedure_name: p.name.clone(),
        desk,
        form: form.clone(),
        rows: answer_rows(form, &new),
        components: components_of(p, fields, desk),
        due: format_vn(new.due_at),
        received: format_vn(new.received_at),
        nonce: format!("{nonce}{}", Uuid::now_v7().simple()),
    };
    Ok(Ok(html(StatusCode::OK, &page)))
}
