//! The procedure catalogue as the public and the editors read it: the search filters (each
//! problem named by its parameter) and how a processing time reads (Decree 63/2010/NĐ-CP art. 8.2:
//! the time limit is part of every published procedure).

use crate::Problem;
use motcua_domain::catalog::fold::query_terms;
use motcua_domain::catalog::{OnlineClass, ProcedureField, TimeUnit};

/// Longest search text accepted.
pub const MAX_QUERY_CHARS: usize = 200;

/// A processing time as the catalogue shows it (`5 ngày làm việc`); empty for an unknown unit.
pub fn processing_label(value: f64, unit: &str) -> String {
    TimeUnit::parse(unit)
        .map(|u| motcua_domain::catalog::ProcessingTime { value, unit: u }.label_vi())
        .unwrap_or_default()
}

/// Parse the catalogue's filters; every problem is named by its parameter.
pub fn parse_filters(
    q: Option<&str>,
    field: Option<&str>,
    agency: Option<&str>,
    online: Option<&str>,
    postal: Option<bool>,
) -> Result<SearchQuery, Vec<Problem>> {
    let mut errors = Vec::new();
    let mut sq = SearchQuery {
        published_only: true,
        postal,
        ..Default::default()
    };
    if let Some(q) = q {
        let chars = q.chars().count();
        if q.trim().is_empty() {
            errors.push(Problem::new(
                "q",
                "từ khóa tìm kiếm trống; bỏ tham số q để xem toàn bộ danh mục",
            ));
        } else if chars > MAX_QUERY_CHARS {
            errors.push(Problem::new(
                "q",
                format!("từ khóa quá dài ({chars} ký tự, tối đa {MAX_QUERY_CHARS})"),
            ));
        } else {
            sq.terms = query_terms(q);
            if sq.terms.is_empty() {
                errors.push(Problem::new("q", "từ khóa không có chữ hoặc số nào"));
            }
        }
    }
    if let Some(f) = field.filter(|f| !f.is_empty()) {
        match ProcedureField::parse(f) {
            Some(f) => sq.field = Some(f),
            None => errors.push(Problem::new(
                "field",
                format!("lĩnh vực «{f}» không tồn tại"),
            )),
        }
    }
    if let Some(a) = agency.filter(|a| !a.is_empty()) {
        match motcua_domain::org::OrganId::parse(a) {
            Ok(a) => sq.agency = Some(a.as_str().to_owned()),
            Err(e) => errors.push(Problem::new("agency", e.to_string())),
        }
    }
    if let Some(o) = online.filter(|o| !o.is_empty()) {
        match OnlineClass::parse(o) {
            Some(o) => sq.online = Some(o),
            None => errors.push(Problem::new(
                "online",
                format!("mức trực tuyến «{o}» không tồn tại (full, partial, none)"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(sq)
    } else {
        Err(errors)
    }
}

/// The procedure of `code` as the public catalogue shows it now (its published version), for
/// filing a dossier; `None` when none is shown.
pub async fn shown_procedure(
    app: &crate::App,
    code: &str,
) -> crate::Result<Option<motcua_domain::catalog::procedure::ProcedureData>> {
    Ok(motcua_store::catalog::shown(app.db.conn(), code, false)
        .await?
        .map(|(_, v)| v.data))
}

pub mod editing;

pub use motcua_store::catalog::{Found, SearchPage, SearchQuery, VersionInput};
pub use motcua_store::entity::procedure::Model as ProcedureRow;
pub use motcua_store::entity::procedure_version::Model as VersionRow;

/// A page of the catalogue's search (`sq.offset`, `sq.limit` set by the caller).
pub async fn search_page(app: &crate::App, sq: &SearchQuery) -> crate::Result<SearchPage> {
    Ok(motcua_store::catalog::search_page(&app.db, sq).await?)
}

/// The procedure of `code` with its current and latest versions, if any.
pub async fn find(app: &crate::App, code: &str) -> crate::Result<Option<Found>> {
    Ok(motcua_store::catalog::find(app.db.conn(), code).await?)
}

/// The procedure of `code` as shown: the published version to the public, the latest to the
/// catalogue's editors (`editor`), with the version's content; `None` when there is nothing to
/// show.
pub async fn shown(
    app: &crate::App,
    code: &str,
    editor: bool,
) -> crate::Result<Option<(Found, VersionInput)>> {
    Ok(motcua_store::catalog::shown(app.db.conn(), code, editor).await?)
}

/// Every version of a procedure, oldest first.
pub async fn versions(
    app: &crate::App,
    procedure_id: uuid::Uuid,
) -> crate::Result<Vec<VersionRow>> {
    Ok(motcua_store::catalog::versions(app.db.conn(), procedure_id).await?)
}

/// The current version of every procedure, read (the publication checks of T3.1 and T3.2).
pub async fn all_current(app: &crate::App) -> crate::Result<Vec<VersionInput>> {
    let rows = motcua_store::catalog::all_current(app.db.conn()).await?;
    Ok(rows
        .iter()
        .map(motcua_store::catalog::version_input)
        .collect::<Result<Vec<_>, _>>()?)
}

/// A procedure's form or template file (`kind` `form`), its description and bytes, if the
/// reader may have it: everyone once a published version links it, the catalogue's editors of
/// its agency (`editor_of(agency_id)`) before.
pub async fn form_file(
    app: &crate::App,
    id: uuid::Uuid,
    editor_of: impl Fn(uuid::Uuid) -> bool,
) -> crate::Result<Option<(motcua_store::portal::Media, Vec<u8>, bool)>> {
    let Some(m) = motcua_store::portal::media_meta(app.db.conn(), id)
        .await?
        .filter(|m| m.kind == "form")
    else {
        return Ok(None);
    };
    let editor = editor_of(m.agency_id);
    if !editor && !motcua_store::catalog::form_linked(&app.db, id).await? {
        return Ok(None);
    }
    let bytes = if m.size == 0 {
        Vec::new()
    } else {
        motcua_store::portal::media_bytes(app.db.conn(), id, 0, m.size as u64 - 1).await?
    };
    Ok(Some((m, bytes, editor)))
}
