//! `GET /api/v1/dossiers`: the work queue in the caller's scope.

use super::*;

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Sync code(s) 1–10, comma-separated; default: every state still needing work (1, 2, 4, 5, 6, 9).
    pub state: Option<String>,
    pub procedure: Option<String>,
    /// `online`, `counter` or `postal`.
    pub channel: Option<String>,
    /// `today` (due by the end of today), `soon` (within one working day), `overdue`.
    pub due: Option<String>,
    /// A unit code within the caller's scope.
    pub unit: Option<String>,
    /// `true`: only dossiers handed to the caller.
    pub mine: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

pub use motcua_app::dossier::queue::WORK_STATES;

impl QueueParams {
    /// The use case's filter from the query.
    pub fn filter(&self) -> motcua_app::dossier::queue::QueueFilter {
        motcua_app::dossier::queue::QueueFilter {
            state: self.state.clone(),
            procedure: self.procedure.clone(),
            channel: self.channel.clone(),
            due: self.due.clone(),
            unit: self.unit.clone(),
            mine: self.mine,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// A queue row: no personal data beyond the applicant's name (staff need it at the desk).
pub fn queue_row(d: &Dossier, now: DateTime<Utc>) -> Value {
    let st = svc::state_of(d);
    let overdue = svc::running_late(d, now);
    json!({
        "code": d.code, "procedure_code": d.procedure_code, "channel": d.channel,
        "state": st.sync_code(), "state_label": st.label_vi(), "received_at": d.received_at,
        "due_at": d.due_at, "overdue": overdue, "handler_unit_id": d.handler_unit_id,
        "handler_id": d.handler_id, "applicant_name": d.applicant_name, "version": d.version,
    })
}

/// The work queue of the caller's units (or the caller's own dossiers for an applicant), sorted
/// by due time.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossier", operation_id = "list_dossiers",
    security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = Object, description = "{\"items\":[…],\"total\":N}"), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(p): ApiQuery<QueueParams>,
) -> ApiResult<axum::Json<Value>> {
    let (items, total) =
        motcua_app::dossier::queue::list(&state, &caller.actor(), &p.filter()).await?;
    let now = state.now();
    Ok(axum::Json(json!({
        "items": items.iter().map(|d| queue_row(d, now)).collect::<Vec<_>>(),
        "total": total,
    })))
}
