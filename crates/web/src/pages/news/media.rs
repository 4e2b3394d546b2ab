//! The portal's media served in byte ranges (video) and the Atom feed of published articles.

use super::*;

/// `/media/{id}`: a picture or video of a published article (editors: any), with
/// `Range: bytes=…` answered 206 with only the chunks needed, 416 beyond the end.
pub async fn media(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let m = news::media_meta(&state, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let editor = viewer.0.as_ref().is_some_and(|c| {
        c.user.agency_id == m.agency_id
            && motcua_domain::access::allows(c.role, motcua_domain::access::Permission::PublishNews)
    });
    if !editor && !news::media_is_public(&state, id).await? {
        return Err(PageError::NotFound);
    }
    let size = m.size as u64;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let etag = format!("\"{}\"", m.sha256);
    let mut resp = match motcua_domain::portal::byte_range(range, size) {
        Err(()) => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
        Ok(Some((first, last))) => {
            let bytes = news::media_bytes(&state, id, first, last).await?;
            let mut r = (StatusCode::PARTIAL_CONTENT, bytes).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        Ok(None) => {
            let bytes = if size == 0 {
                Vec::new()
            } else {
                news::media_bytes(&state, id, 0, size - 1).await?
            };
            (StatusCode::OK, bytes).into_response()
        }
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&m.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if editor {
            "private, no-store"
        } else {
            "public, max-age=86400"
        }),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `/tin-tuc/atom.xml`: the 20 latest articles as an Atom feed (RFC 4287).
pub async fn atom(State(state): State<AppState>) -> PageResult<Response> {
    let agency_id = agency(&state).await?;
    let (rows, _) = motcua_app::portal::articles(
        &state,
        agency_id,
        &news::ArticleFilter {
            public_at: Some(state.now()),
            ..Default::default()
        },
        20,
        0,
    )
    .await?;
    let base = state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.config.listen))
        .trim_end_matches('/')
        .to_owned();
    let org = state.org().await?;
    let agency_name = org
        .agencies
        .first()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let updated = rows
        .iter()
        .filter_map(|a| a.publish_at)
        .max()
        .unwrap_or_else(|| state.now());
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n",
    );
    x.push_str(&format!(
        "<title>Tin tức — {}</title>\n<id>{base}/tin-tuc</id>\n<link rel=\"self\" href=\"{base}/tin-tuc/atom.xml\"/>\n<link href=\"{base}/tin-tuc\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
        xml_escape(&agency_name),
        updated.to_rfc3339(),
        xml_escape(&agency_name)
    ));
    for a in &rows {
        let summary = if a.summary.is_empty() {
            motcua_render::markdown::to_text(&a.body)
                .chars()
                .take(300)
                .collect()
        } else {
            a.summary.clone()
        };
        x.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n<link href=\"{base}/tin-tuc/{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n{}<summary>{}</summary>\n</entry>\n",
            xml_escape(&a.title),
            a.id,
            xml_escape(&a.slug),
            a.publish_at.unwrap_or(a.created_at).to_rfc3339(),
            a.updated_at.to_rfc3339(),
            if a.byline.is_empty() {
                String::new()
            } else {
                format!("<author><name>{}</name></author>\n", xml_escape(&a.byline))
            },
            xml_escape(&summary)
        ));
    }
    x.push_str("</feed>\n");
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        x,
    )
        .into_response())
}
