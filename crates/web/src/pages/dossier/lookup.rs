//! The public look-up by code and look-up code (no personal data) and the applicant's rating.

use super::*;

#[derive(Template)]
#[template(path = "lookup.html")]
pub(super) struct LookupPage {
    pub(super) l: Layout,
    pub(super) code: String,
    pub(super) lookup: String,
    pub(super) found: Option<LookupView>,
    pub(super) error: String,
    pub(super) rated: bool,
}

pub struct LookupView {
    pub(super) code: String,
    pub(super) procedure: String,
    pub(super) state: &'static str,
    pub(super) received: String,
    pub(super) due: String,
    pub(super) outcome: &'static str,
    pub(super) can_rate: bool,
    pub(super) steps: Vec<(String, &'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    #[serde(default)]
    pub(super) ma: String,
    #[serde(default)]
    pub(super) tra_cuu: String,
    #[serde(default)]
    pub(super) da_danh_gia: Option<String>,
}

pub async fn lookup(
    State(state): State<AppState>,
    viewer: Viewer,
    csrf: CsrfToken,
    client: crate::auth::ClientIp,
    Query(q): Query<LookupQuery>,
) -> PageResult<Response> {
    let searched = !q.ma.trim().is_empty() || !q.tra_cuu.trim().is_empty();
    let mut found = None;
    let mut error = String::new();
    let mut status = StatusCode::OK;
    if searched {
        if state
            .public_by_client
            .take(&crate::signin::limiter_key(&client.0))
            .is_err()
        {
            error = "Quá nhiều lần tra cứu; vui lòng thử lại sau ít phút.".into();
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            match svc::public::public_lookup(&state, q.ma.trim(), &q.tra_cuu)
                .await
                .map_err(app_to_page)?
            {
                Some(d) => {
                    let p = svc::public::progress(&state, d)
                        .await
                        .map_err(app_to_page)?;
                    let d = &p.view;
                    found = Some(LookupView {
                        code: d.code.clone(),
                        procedure: d.procedure_name.clone(),
                        state: p.state.label_vi(),
                        received: format_vn(d.received_at),
                        due: format_vn(d.due_at),
                        outcome: d.outcome.as_deref().map_or("", svc::outcome_label),
                        can_rate: p.can_rate,
                        steps: p
                            .steps
                            .iter()
                            .map(|s| {
                                (
                                    format_vn(s.at),
                                    s.label,
                                    s.unit
                                        .clone()
                                        .unwrap_or_else(|| "Người nộp hồ sơ".to_owned()),
                                )
                            })
                            .collect(),
                    });
                }
                None => {
                    error = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Kiểm tra lại hai mã in trên giấy tiếp nhận (mẫu 01).".into();
                    status = StatusCode::NOT_FOUND;
                }
            }
        }
    }
    let page = LookupPage {
        l: Layout::build(&state, &viewer, &csrf, "/tra-cuu").await,
        code: q.ma,
        lookup: q.tra_cuu,
        found,
        error,
        rated: q.da_danh_gia.is_some(),
    };
    Ok(html(status, &page))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    pub(super) csrf_token: String,
    pub(super) ma: String,
    pub(super) tra_cuu: String,
    #[serde(default)]
    pub(super) rating: String,
    #[serde(default)]
    pub(super) note: String,
}

pub async fn rate(
    State(state): State<AppState>,
    client: crate::auth::ClientIp,
    method: Method,
    headers: HeaderMap,
    Form(f): Form<RatingForm>,
) -> PageResult<Response> {
    verify_csrf(&method, &headers, &f.csrf_token)?;
    if state
        .public_by_client
        .take(&crate::signin::limiter_key(&client.0))
        .is_err()
    {
        return Ok(super::super::render_error_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Quá nhiều yêu cầu",
            "Vui lòng thử lại sau ít phút.",
        ));
    }
    let d = svc::public::lookup(&state, f.ma.trim(), &f.tra_cuu)
        .await
        .map_err(app_to_page)?
        .ok_or(PageError::NotFound)?;
    let back = format!("/tra-cuu?ma={}&tra_cuu={}", enc(&d.code), enc(&f.tra_cuu));
    let rating: i16 = f.rating.parse().unwrap_or(0);
    match svc::public::rate(
        &state,
        &d,
        rating,
        &f.note,
        &crate::operation::operation_id(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{back}&da_danh_gia=1")).into_response()),
        Err(motcua_app::Error::Invalid(_) | motcua_app::Error::Refused(_)) => {
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => Err(app_to_page(e)),
    }
}
