//! Watching the plan: targets that fall behind their schedule raise a notice to the reform office.

use super::scorecard::{scorecard, shown, status_label};
use crate::App;
use chrono::Datelike;
use motcua_domain::plan::period::Period;
use motcua_store::plan as store;

/// Looks at this year's plan of every agency and tells the leaders of the responsible unit, by
/// e-mail through the outbox, when one of their targets turns at risk or missed (rule M1: the head
/// of a unit answers for its reform work). Each change is reported once. Returns the number of
/// targets whose status changed.
pub async fn watch(app: &App) -> anyhow::Result<usize> {
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let Some(period) = Period::year(year) else {
        return Ok(0);
    };
    let org = app.org().await?;
    let accounts = motcua_store::account::list(app.db.conn(), None).await?;
    let mut changed = 0;
    for agency in &org.agencies {
        let Some(plan) = store::plan_of(app.db.conn(), agency.id, year).await? else {
            continue;
        };
        let Some(card) = scorecard(app, agency.id, year, period).await? else {
            continue;
        };
        let seen = card
            .targets
            .iter()
            .map(|t| {
                let alarming = matches!(t.status, "at_risk" | "missed");
                let messages = if alarming {
                    accounts
                        .iter()
                        .filter(|a| {
                            a.active
                                && Some(a.unit_id) == t.responsible_unit_id
                                && a.role == motcua_domain::account::Role::UnitLeader.as_str()
                        })
                        .map(|a| {
                            serde_json::json!({
                                "code": t.id,
                                "to_email": a.email,
                                "subject": format!("Chỉ tiêu {} {}", t.id, status_label(t.status).to_lowercase()),
                                "body": format!(
                                    "Chỉ tiêu {} của {}: {}.\nKết quả đến nay: {} (mục tiêu ≥ {}); {}.\nXem chi tiết tại trang Kế hoạch CCHC của hệ thống.",
                                    t.id, card.title, t.text, shown(t.value, &t.measure),
                                    shown(Some(t.threshold), &t.measure), status_label(t.status)
                                ),
                            })
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                store::Observed {
                    target_id: t.id.clone(),
                    status: t.status.to_owned(),
                    messages_if_changed: messages,
                }
            })
            .collect();
        changed += store::observe(&app.db, agency.id, plan.id, seen)
            .await?
            .len();
    }
    Ok(changed)
}
