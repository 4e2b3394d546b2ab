//! The editor's pages: the list of articles in every state, the form to write, schedule and
//! publish, with every refused field shown beside it.

use super::*;

#[derive(Template)]
#[template(path = "news_editor.html")]
pub(super) struct EditorList {
    pub(super) l: Layout,
    pub(super) cards: Vec<Card>,
    pub(super) notice: String,
}

#[derive(Deserialize)]
pub struct EditorQuery {
    #[serde(default)]
    pub(super) da_luu: Option<String>,
}

/// `/bien-tap`: every article (drafts, scheduled, published), newest first.
pub async fn editor_list(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<EditorQuery>,
) -> PageResult<Response> {
    let agency_id = user.caller.user.agency_id;
    let cats = news::categories(&state, agency_id).await?;
    let (rows, _) =
        motcua_app::portal::articles(&state, agency_id, &news::ArticleFilter::default(), 200, 0)
            .await?;
    let p = EditorList {
        l: Layout::build(&state, &viewer, &csrf, "/bien-tap").await,
        cards: rows.iter().map(|a| card(&state, a, &cats)).collect(),
        notice: q
            .da_luu
            .map(|t| format!("Đã lưu bài “{t}”."))
            .unwrap_or_default(),
    };
    Ok(html(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "news_form.html")]
pub(super) struct FormPage {
    pub(super) l: Layout,
    pub(super) action: String,
    pub(super) categories: Vec<(String, String)>,
    pub(super) f: ArticleIn,
    pub(super) publish_local: String,
    pub(super) cover: String,
    pub(super) video: String,
    pub(super) poster: String,
    pub(super) captions: String,
    pub(super) errors: Vec<FieldError>,
}

impl FormPage {
    pub(super) fn error_for(&self, field: &str) -> String {
        message_for(&self.errors, field)
    }
    pub(super) fn has(id: &Option<Uuid>) -> String {
        id.map(|i| i.to_string()).unwrap_or_default()
    }
}

pub(super) async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &CsrfToken,
    agency_id: Uuid,
    action: String,
    f: ArticleIn,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let cats = news::categories(state, agency_id).await?;
    let publish_local = f.publish_at.clone().unwrap_or_default();
    let p = FormPage {
        l: Layout::build(state, viewer, csrf, "/bien-tap").await,
        action,
        categories: cats
            .iter()
            .map(|c| (c.slug.clone(), c.name.clone()))
            .collect(),
        cover: FormPage::has(&f.cover_media_id),
        video: FormPage::has(&f.video_media_id),
        poster: FormPage::has(&f.poster_media_id),
        captions: FormPage::has(&f.captions_media_id),
        f,
        publish_local,
        errors: errors.clone(),
    };
    Ok(html(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &p,
    ))
}

/// `/bien-tap/bai-moi`: the form for a new article.
pub async fn new_form(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let f = ArticleIn {
        category: "tin-tuc-su-kien".into(),
        byline: user.caller.user.full_name.clone(),
        ..Default::default()
    };
    form_page(
        &state,
        &viewer,
        &csrf,
        user.caller.user.agency_id,
        "/bien-tap/bai-moi".into(),
        f,
        Vec::new(),
    )
    .await
}

/// `/bien-tap/bai/{id}`: the form of an existing article.
pub async fn edit_form(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let a = motcua_app::portal::article(&state, id).await?;
    if a.agency_id != user.caller.user.agency_id {
        return Err(PageError::NotFound);
    }
    let cats = news::categories(&state, a.agency_id).await?;
    let f = ArticleIn {
        category: cats
            .iter()
            .find(|c| c.id == a.category_id)
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        title: a.title.clone(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        byline: a.byline.clone(),
        cover_media_id: a.cover_id,
        cover_alt: a.cover_alt.clone(),
        video_media_id: a.video_id,
        poster_media_id: a.poster_id,
        captions_media_id: a.captions_id,
        status: a.status.clone(),
        publish_at: a.publish_at.map(|t| {
            t.with_timezone(&VN_OFFSET)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        }),
        version: Some(a.version),
    };
    form_page(
        &state,
        &viewer,
        &csrf,
        a.agency_id,
        format!("/bien-tap/bai/{id}"),
        f,
        Vec::new(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn save(
    state: &AppState,
    user: PageUser<PublishNews>,
    viewer: &Viewer,
    csrf: &CsrfToken,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    id: Option<Uuid>,
) -> PageResult<Response> {
    let agency_id = user.caller.user.agency_id;
    let (fields, files) = read_multipart(headers, body, state.config.media_limit_bytes)
        .await
        .map_err(api_to_page)?;
    verify_csrf(
        method,
        headers,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let mut f = article_in(&fields);
    let actor = user.caller.actor();
    let mut errors: Vec<FieldError> = Vec::new();
    for (field, name, bytes) in files {
        match news::attach_file(state, &actor, &mut f, &field, &name, &bytes).await {
            Ok(()) => {}
            Err(motcua_app::Error::Invalid(fs)) => {
                errors.extend(fs.into_iter().map(FieldError::from))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let action = id.map_or_else(
        || "/bien-tap/bai-moi".to_owned(),
        |i| format!("/bien-tap/bai/{i}"),
    );
    let (write, slug) = match checked(state, agency_id, &f)
        .await
        .map_err(PageError::Internal)?
    {
        Ok(w) if errors.is_empty() => w,
        Ok(_) => return form_page(state, viewer, csrf, agency_id, action, f, errors).await,
        Err(more) => {
            errors.extend(more.into_iter().map(FieldError::from));
            return form_page(state, viewer, csrf, agency_id, action, f, errors).await;
        }
    };
    let version = id.map(|id| (id, f.version.unwrap_or(-1)));
    match news::save(state, &actor, version, write, &slug).await {
        Ok(a) => {
            let title: String = form_urlencoded::byte_serialize(a.title.as_bytes()).collect();
            Ok(Redirect::to(&format!("/bien-tap?da_luu={title}")).into_response())
        }
        Err(motcua_app::Error::Store(motcua_app::StoreError::Conflict(_))) => {
            let taken = vec![FieldError::new("title", news::SLUG_TAKEN)];
            form_page(state, viewer, csrf, agency_id, action, f, taken).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The article as the editor's form gives it (its text fields; the files come after).
fn article_in(fields: &std::collections::HashMap<String, String>) -> ArticleIn {
    let g = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let uuid = |k: &str| Uuid::parse_str(g(k).trim()).ok();
    ArticleIn {
        category: g("category"),
        title: g("title"),
        summary: g("summary"),
        body: g("body"),
        byline: g("byline"),
        cover_media_id: uuid("cover_media_id"),
        cover_alt: g("cover_alt"),
        video_media_id: uuid("video_media_id"),
        poster_media_id: uuid("poster_media_id"),
        captions_media_id: uuid("captions_media_id"),
        status: if g("publish") == "draft" {
            "draft"
        } else {
            "published"
        }
        .into(),
        publish_at: Some(g("publish_at")).filter(|s| !s.trim().is_empty()),
        version: g("version").parse().ok(),
    }
}

/// `POST /bien-tap/bai-moi`.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> PageResult<Response> {
    save(&state, user, &viewer, &csrf, &method, &headers, body, None).await
}

/// `POST /bien-tap/bai/{id}`.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    State(state): State<AppState>,
    user: PageUser<PublishNews>,
    viewer: Viewer,
    csrf: CsrfToken,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    body: Body,
) -> PageResult<Response> {
    save(
        &state,
        user,
        &viewer,
        &csrf,
        &method,
        &headers,
        body,
        Some(id),
    )
    .await
}
