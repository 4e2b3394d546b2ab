//! Ranking the units on the plan's targets and the Decision 766 index (seed M3).

use super::scorecard::{Scorecard, TargetValue};
use motcua_domain::plan::{Status, status};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A unit's place in the ranking (rule M3: a unit's reform result is a criterion for judging its
/// head and for the yearly emulation).
#[derive(Clone, Debug, Serialize)]
pub struct UnitRank {
    pub rank: usize,
    pub unit_id: Uuid,
    pub name: String,
    /// 0–100: the weighted mean, over the unit's targets with data, of
    /// `min(1, value / threshold)` × 100.
    pub score: Option<f64>,
    pub targets: usize,
    pub with_data: usize,
    /// The unit's targets below their threshold, lowest first: what pulls it down.
    pub below: Vec<String>,
    /// The unit's Decision 766 attainment (0–100, `crate::index766`), where it receives dossiers
    /// or implements procedures, and its indicators below full marks, lowest first.
    pub index766: Option<f64>,
    pub index766_below: Vec<&'static str>,
    /// What the unit is ranked on: the mean of `score` and `index766`, of those it has.
    pub overall: Option<f64>,
}

/// The scoring rule, as the pages and the API state it.
pub const RANKING_RULE: &str = "Điểm chỉ tiêu của đơn vị = trung bình có trọng số, trên các chỉ tiêu đơn vị chịu trách nhiệm có số liệu, của min(1; kết quả / mục tiêu) × 100; chỉ tiêu chưa có số liệu không tính. Điểm 766 của đơn vị = trung bình của min(1; tỷ lệ / ngưỡng) × 100 trên các chỉ số Quyết định 766/QĐ-TTg có số liệu của đơn vị. Điểm xếp hạng = trung bình của hai điểm (hoặc điểm duy nhất đơn vị có). Đơn vị xếp theo điểm xếp hạng giảm dần; đơn vị chưa có số liệu nào xếp cuối.";

/// One unit's standing in a year (its page): the year's scorecard (none without a plan), the
/// ranking of the agency's units (M3), the unit's place in it (none when unranked) and its
/// Decision 766 index (empty where it has none).
#[derive(Clone, Debug)]
pub struct Standing {
    pub unit: motcua_store::entity::unit::Model,
    pub card: Option<Scorecard>,
    pub ranks: Vec<UnitRank>,
    pub index: crate::index766::Index,
    pub unit_index: crate::index766::UnitIndex,
}

impl Standing {
    /// The unit's entry in the ranking.
    pub fn rank(&self) -> Option<&UnitRank> {
        self.ranks.iter().find(|r| r.unit_id == self.unit.id)
    }

    /// The scorecard's targets the unit answers for.
    pub fn targets(&self) -> impl Iterator<Item = &TargetValue> {
        let id = self.unit.id;
        self.card
            .iter()
            .flat_map(|c| c.targets.iter())
            .filter(move |t| t.responsible_unit_id == Some(id))
    }

    /// A target of the scorecard by id.
    pub fn target(&self, id: &str) -> Option<&TargetValue> {
        self.card
            .iter()
            .flat_map(|c| c.targets.iter())
            .find(|t| t.id == id)
    }
}

/// The standing in `year` of unit `unit` (id or code) of agency `agency_id`; `NotFound` for a
/// unit of another agency or none, or a year out of range.
pub async fn standing(
    app: &crate::App,
    agency_id: Uuid,
    unit: &str,
    year: i32,
) -> crate::Result<Standing> {
    use crate::index766::{IndexPeriod, empty_unit, index};
    let org = app.org().await?;
    let unit = org
        .unit(unit)
        .filter(|u| u.agency_id == agency_id)
        .ok_or(crate::Error::NotFound)?
        .clone();
    let months = super::Period::year(year).ok_or(crate::Error::NotFound)?;
    let idx = index(app, agency_id, IndexPeriod::over(months)).await?;
    let card = super::scorecard(app, agency_id, year, months).await?;
    let ranks = card
        .as_ref()
        .map(|c| ranking(c, Some(&idx), &org))
        .unwrap_or_default();
    let unit_index = idx
        .units
        .iter()
        .find(|u| u.unit_id == Some(unit.id))
        .cloned()
        .unwrap_or_else(|| empty_unit(&unit));
    Ok(Standing {
        unit,
        card,
        ranks,
        index: idx,
        unit_index,
    })
}

/// Ranks the units answerable for targets of the scorecard.
pub fn ranking(
    card: &Scorecard,
    index: Option<&crate::index766::Index>,
    org: &crate::OrgSnapshot,
) -> Vec<UnitRank> {
    let mut by_unit: BTreeMap<Uuid, Vec<&TargetValue>> = BTreeMap::new();
    for t in &card.targets {
        if let Some(u) = t.responsible_unit_id {
            by_unit.entry(u).or_default().push(t);
        }
    }
    let index_of = |id: Uuid| index.and_then(|i| i.units.iter().find(|u| u.unit_id == Some(id)));
    if let Some(i) = index {
        for u in &i.units {
            if let Some(id) = u.unit_id.filter(|_| u.attainment.is_some()) {
                by_unit.entry(id).or_default();
            }
        }
    }
    let mut out: Vec<UnitRank> = by_unit
        .into_iter()
        .map(|(unit_id, targets)| {
            let scored: Vec<(f64, f64)> = targets
                .iter()
                .filter_map(|t| {
                    t.value
                        .map(|v| (t.weight.max(0.0), (v / t.threshold).min(1.0)))
                })
                .collect();
            let weight: f64 = scored.iter().map(|(w, _)| w).sum();
            let score = (weight > 0.0).then(|| {
                (scored.iter().map(|(w, s)| w * s).sum::<f64>() / weight * 10_000.0).round() / 100.0
            });
            let mut below: Vec<&&TargetValue> = targets
                .iter()
                .filter(|t| {
                    t.value
                        .is_some_and(|v| status(Some(v), t.threshold, true) == Status::Missed)
                })
                .collect();
            below.sort_by(|a, b| {
                (a.value.unwrap_or_default() / a.threshold)
                    .total_cmp(&(b.value.unwrap_or_default() / b.threshold))
            });
            let unit_index = index_of(unit_id);
            let index766 = unit_index.and_then(|u| u.attainment);
            let both: Vec<f64> = [score, index766].into_iter().flatten().collect();
            UnitRank {
                rank: 0,
                unit_id,
                name: org
                    .unit_by_id(unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                overall: (!both.is_empty()).then(|| {
                    (both.iter().sum::<f64>() / both.len() as f64 * 100.0).round() / 100.0
                }),
                score,
                targets: targets.len(),
                with_data: scored.len(),
                below: below.iter().map(|t| t.id.clone()).collect(),
                index766,
                index766_below: unit_index.map(|u| u.below.clone()).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.overall
            .unwrap_or(-1.0)
            .total_cmp(&a.overall.unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    for (i, u) in out.iter_mut().enumerate() {
        u.rank = i + 1;
    }
    out
}
