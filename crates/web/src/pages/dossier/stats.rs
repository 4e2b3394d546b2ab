//! The dossiers' statistics page.

use super::*;

#[derive(Template)]
#[template(path = "dossier_stats.html")]
pub(super) struct StatsPage {
    pub(super) l: Layout,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) s: Option<StatsFacts>,
    pub(super) rows: Vec<(String, i64, i64, i64, i64, i64, i64)>,
    pub(super) on_time: String,
    pub(super) error: String,
}

/// The period's figures as the statistics page lists them.
pub(super) struct StatsFacts {
    pub(super) received: i64,
    pub(super) carried_over: i64,
    pub(super) resolved: i64,
    pub(super) early: i64,
    pub(super) on_time: i64,
    pub(super) late: i64,
    pub(super) within_time: i64,
    pub(super) overdue: i64,
    pub(super) returned_online: i64,
    pub(super) returned_counter: i64,
    pub(super) returned_postal: i64,
    pub(super) postal_received: i64,
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
}

pub async fn stats(
    State(state): State<AppState>,
    user: PageUser<ViewDossierStats>,
    viewer: Viewer,
    csrf: CsrfToken,
    Query(q): Query<StatsQuery>,
) -> PageResult<Response> {
    use chrono::Datelike;
    let now = state.now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let from = if q.from.is_empty() {
        format!("{}-01", now.year())
    } else {
        q.from.clone()
    };
    let to = if q.to.is_empty() {
        format!("{}-{:02}", now.year(), now.month())
    } else {
        q.to.clone()
    };
    let parse = |s: &str| {
        chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .map(|d| d.year() * 100 + d.month() as i32)
    };
    let (mut stats, mut error) = (None, String::new());
    match (parse(&from), parse(&to)) {
        (Some(f), Some(t)) if f <= t => {
            let filter = svc::stats::StatFilter {
                agency_id: user.caller.user.agency_id,
                units: user.caller.units_in(&state, user.scope).await?,
                procedure_code: None,
            };
            stats = Some(
                svc::stats::statistics(&state, &filter, f, t)
                    .await
                    .map_err(app_to_page)?,
            );
        }
        _ => error = "Chọn tháng đầu và tháng cuối (tháng cuối không trước tháng đầu).".into(),
    }
    use motcua_domain::dossier::stats::Counter as C;
    let rows = stats
        .iter()
        .flat_map(|s| &s.by_month)
        .map(|(m, t)| {
            (
                m.parse::<i32>()
                    .map(svc::stats::month_label)
                    .unwrap_or_default(),
                t.get(C::Received),
                t.get(C::ResolvedEarly),
                t.get(C::ResolvedOnTime),
                t.get(C::ResolvedLate),
                t.get(C::ReturnedOnline) + t.get(C::ReturnedCounter) + t.get(C::ReturnedPostal),
                t.get(C::ReceivedPostal),
            )
        })
        .collect();
    let on_time = stats
        .as_ref()
        .and_then(svc::stats::Statistics::on_time_share)
        .map_or("—".to_owned(), |v| {
            format!("{:.1}%", v * 100.0).replace('.', ",")
        });
    let s = stats.map(|s| StatsFacts {
        received: s.count(C::Received),
        carried_over: s.carried_over,
        resolved: s.resolved(),
        early: s.count(C::ResolvedEarly),
        on_time: s.count(C::ResolvedOnTime),
        late: s.count(C::ResolvedLate),
        within_time: s.within_time,
        overdue: s.overdue,
        returned_online: s.count(C::ReturnedOnline),
        returned_counter: s.count(C::ReturnedCounter),
        returned_postal: s.count(C::ReturnedPostal),
        postal_received: s.count(C::ReceivedPostal),
    });
    let page = StatsPage {
        l: Layout::build(&state, &viewer, &csrf, "/thong-ke/ho-so").await,
        from,
        to,
        s,
        rows,
        on_time,
        error,
    };
    Ok(html(StatusCode::OK, &page))
}
