//! The procedure catalogue as the public and the editors read it: the search filters (each
//! problem named by its parameter) and how a processing time reads (Decree 63/2010/NĐ-CP art. 8.2:
//! the time limit is part of every published procedure).

use crate::Problem;
use motcua_domain::catalog::fold::query_terms;
use motcua_domain::catalog::{OnlineClass, ProcedureField, TimeUnit};
use motcua_store::catalog::SearchQuery;

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
