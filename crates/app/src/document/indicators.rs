//! Targets T7.1 and T7.2 of the 2021 plan, live from the registers of a year (the plan in
//! `shared/seed/README.md`; documents handled electronically, Decree 30/2020/NĐ-CP art. 3).

use crate::{App, OrgSnapshot, Result};
use motcua_store::document as store;
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

/// T7.1 and T7.2 of a year; serialised as the API answers them.
#[derive(Debug, Clone, Serialize)]
pub struct Indicators {
    pub year: i32,
    pub t7_1: Electronic,
    pub t7_2: Signing,
}

/// T7.1: documents handled electronically among all registered ones; goal 90%.
#[derive(Debug, Clone, Serialize)]
pub struct Electronic {
    pub electronic: usize,
    pub total: usize,
    pub ratio: Option<f64>,
    pub goal: f64,
}

/// T7.2: units that both sent and received digitally signed documents among all units; goal 100%.
#[derive(Debug, Clone, Serialize)]
pub struct Signing {
    pub units_signing: usize,
    pub units: usize,
    pub ratio: Option<f64>,
    pub goal: f64,
    pub per_unit: Vec<UnitSigning>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitSigning {
    pub unit_id: Uuid,
    pub name: String,
    pub sent_signed: bool,
    pub received_signed: bool,
}

/// The ministry's units that T7.2 counts: the agency's top-level units (Văn phòng, Vụ, Cục, …;
/// those without a parent). A document belongs to the one above the unit that drafted or
/// handles it.
fn top_units(org: &OrgSnapshot, agency_id: Uuid) -> Vec<(Uuid, String)> {
    org.units
        .iter()
        .filter(|u| u.agency_id == agency_id && u.parent_id.is_none())
        .map(|u| (u.id, u.name.clone()))
        .collect()
}

fn top_of(org: &OrgSnapshot, tops: &HashSet<Uuid>, mut unit: Uuid) -> Option<Uuid> {
    for _ in 0..32 {
        if tops.contains(&unit) {
            return Some(unit);
        }
        unit = org.unit_by_id(unit)?.parent_id?;
    }
    None
}

/// Targets T7.1 and T7.2 of the 2021 plan for a year, live from the registers:
/// - T7.1 = documents handled electronically / all registered documents, outgoing and incoming
///   (paper ones are registered too); goal ≥ 90%;
/// - T7.2 = units that both sent a document carrying valid digital signatures (person and
///   organisation) and received one with intact digital signatures / all units; goal 100%.
pub async fn indicators(app: &App, agency_id: Uuid, year: i32) -> Result<Indicators> {
    let org = app.org().await?;
    let outgoing = store::register(app.db.conn(), agency_id, "out", year).await?;
    let incoming = store::register(app.db.conn(), agency_id, "in", year).await?;
    let total = outgoing.len() + incoming.len();
    let electronic = outgoing
        .iter()
        .chain(incoming.iter())
        .filter(|d| d.electronic)
        .count();
    let units = top_units(&org, agency_id);
    let tops: HashSet<Uuid> = units.iter().map(|(id, _)| *id).collect();
    let sent: HashSet<Uuid> = outgoing
        .iter()
        .filter(|d| d.signature_state.as_deref() == Some("valid"))
        .filter_map(|d| d.drafting_unit_id.and_then(|u| top_of(&org, &tops, u)))
        .collect();
    let received: HashSet<Uuid> = incoming
        .iter()
        .filter(|d| matches!(d.signature_state.as_deref(), Some("valid" | "untrusted")))
        .filter_map(|d| d.handling_unit_id.and_then(|u| top_of(&org, &tops, u)))
        .collect();
    let per_unit: Vec<UnitSigning> = units
        .iter()
        .map(|(id, name)| UnitSigning {
            unit_id: *id,
            name: name.clone(),
            sent_signed: sent.contains(id),
            received_signed: received.contains(id),
        })
        .collect();
    let both = units
        .iter()
        .filter(|(id, _)| sent.contains(id) && received.contains(id))
        .count();
    Ok(Indicators {
        year,
        t7_1: Electronic {
            electronic,
            total,
            ratio: ratio(electronic, total),
            goal: 0.9,
        },
        t7_2: Signing {
            units_signing: both,
            units: units.len(),
            ratio: ratio(both, units.len()),
            goal: 1.0,
            per_unit,
        },
    })
}

/// `n / d` rounded to four decimals, `None` when nothing is counted.
fn ratio(n: usize, d: usize) -> Option<f64> {
    (d != 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
}
