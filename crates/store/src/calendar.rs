//! Admin corrections of the working calendar. Changes apply to new calculations only: dossiers keep
//! the appointment computed when they were received.

use crate::audit::{self, AuditCtx, Change};
use crate::db::Db;
use crate::entity::calendar_day;
use crate::error::Result;
use chrono::{NaiveDate, Utc};
use motcua_domain::calendar::{DayKind, RecordedDay};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryOrder, Set};
use serde_json::json;

fn to_domain(m: calendar_day::Model) -> Option<RecordedDay> {
    Some(RecordedDay {
        date: m.day,
        kind: DayKind::parse(&m.kind)?,
        name: m.name,
        source: m.source,
    })
}

/// Every correction, by date.
pub async fn corrections(conn: &impl ConnectionTrait) -> Result<Vec<RecordedDay>> {
    let rows = calendar_day::Entity::find()
        .order_by_asc(calendar_day::Column::Day)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(to_domain).collect())
}

/// Record (or replace) the correction of one day; audited.
pub async fn record_day(db: &Db, ctx: &AuditCtx, day: RecordedDay) -> Result<RecordedDay> {
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let existing = calendar_day::Entity::find_by_id(day.date).one(&txn).await?;
    let before = existing.as_ref().map_or(
        json!(null),
        |e| json!({ "kind": e.kind, "name": e.name, "source": e.source }),
    );
    match existing {
        Some(e) => {
            let mut a = e.into_active_model();
            a.kind = Set(day.kind.as_str().to_owned());
            a.name = Set(day.name.clone());
            a.source = Set(day.source.clone());
            a.updated_by = Set(ctx.actor_id);
            a.updated_at = Set(now);
            a.update(&txn).await?;
        }
        None => {
            calendar_day::ActiveModel {
                day: Set(day.date),
                kind: Set(day.kind.as_str().to_owned()),
                name: Set(day.name.clone()),
                source: Set(day.source.clone()),
                updated_by: Set(ctx.actor_id),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "calendar.day_set",
            object_type: "calendar_day",
            object_id: day.date.to_string(),
            before,
            after: json!({ "kind": day.kind.as_str(), "name": day.name, "source": day.source }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(day)
}

/// Remove the correction of one day (the bundled schedule or the law applies again); audited.
/// Returns whether there was one.
pub async fn remove_day(db: &Db, ctx: &AuditCtx, date: NaiveDate) -> Result<bool> {
    let txn = db.begin_write().await?;
    let Some(existing) = calendar_day::Entity::find_by_id(date).one(&txn).await? else {
        txn.commit().await?;
        return Ok(false);
    };
    calendar_day::Entity::delete_by_id(date).exec(&txn).await?;
    audit::append(
        db,
        &txn,
        ctx,
        Change {
            action: "calendar.day_removed",
            object_type: "calendar_day",
            object_id: date.to_string(),
            before: json!({ "kind": existing.kind, "name": existing.name, "source": existing.source }),
            after: json!(null),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
