//! The publication checks behind targets T3.1 and T3.2 and Decision 766/QĐ-TTg indicators 1.1–1.3.
//!
//! - **competent_authority** — Decree 63/2010 art. 15.1 (as amended by Decree 92/2017 art. 1.5):
//!   the minister announces the procedures within the ministry's remit; a decision signed by
//!   anyone else is not an announcement by the competent authority (a deputy minister signs "KT.
//!   Bộ trưởng" on the minister's behalf, which counts).
//! - **announced_in_time** — Decree 63/2010 art. 15.2: the announcing decision is issued at least
//!   20 working days before the legal act that sets or changes the procedure takes effect
//!   (ministries; 5 for provinces).
//! - **published_in_time** — Decree 63/2010 art. 17 and Decision 766 indicator 1.2: the procedure is
//!   published in the national database and on the portal at most 10 working days after the decision.
//! - **complete** — Decree 63/2010 art. 8.2: every element a published procedure must carry.

use super::procedure::{DecisionAuthority, ProcedureData};
use crate::calendar::WorkingCalendar;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The announcement of a version (quyết định công bố) and its publication.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub decision_authority: Option<DecisionAuthority>,
    /// When the version applies.
    pub effective_date: Option<NaiveDate>,
    /// When it appeared on the portal.
    pub published_at: Option<DateTime<Utc>>,
}

/// Longest decision number stored (e.g. `1234/QĐ-BTTTT`).
pub const MAX_DECISION_NUMBER: usize = 64;

impl Publication {
    /// Problems with the announcement itself (field, Vietnamese message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if self
            .decision_number
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_DECISION_NUMBER)
        {
            p.push((
                "decision_number",
                format!("số quyết định tối đa {MAX_DECISION_NUMBER} ký tự"),
            ));
        }
        p
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub passed: bool,
    /// What was found, in Vietnamese.
    pub detail: String,
    pub source: &'static str,
}

pub const MIN_WORKING_DAYS_BEFORE_EFFECT: u32 = 20;
pub const MAX_WORKING_DAYS_TO_PUBLISH: u32 = 10;

/// Run every check on a version.
pub fn checks(cal: &WorkingCalendar, data: &ProcedureData, p: &Publication) -> Vec<Check> {
    let mut out = Vec::with_capacity(4);
    out.push(match (p.decision_number.as_deref(), p.decision_authority) {
        (None, _) | (Some(""), _) => fail(
            "competent_authority",
            "Chưa có quyết định công bố.",
            ART_15_1,
        ),
        (Some(n), Some(DecisionAuthority::Minister | DecisionAuthority::DeputyMinister)) => pass(
            "competent_authority",
            format!("Quyết định {n} do Bộ trưởng (hoặc Thứ trưởng ký thay) ban hành."),
            ART_15_1,
        ),
        (Some(n), _) => fail(
            "competent_authority",
            format!("Quyết định {n} không do Bộ trưởng ban hành."),
            ART_15_1,
        ),
    });
    let newest_effect = data.legal_basis.iter().map(|a| a.effective_on).max();
    out.push(match (p.decision_date, newest_effect) {
        (None, _) => fail("announced_in_time", "Chưa có ngày quyết định công bố.", ART_15_2),
        (Some(_), None) => fail("announced_in_time", "Chưa có căn cứ pháp lý để đối chiếu ngày hiệu lực.", ART_15_2),
        (Some(decided), Some(effect)) => {
            let days = if effect > decided { cal.working_days_between(decided, effect).unwrap_or(0) } else { 0 };
            if days >= MIN_WORKING_DAYS_BEFORE_EFFECT {
                pass("announced_in_time", format!("Công bố trước {days} ngày làm việc so với ngày văn bản có hiệu lực {}.", effect.format("%d/%m/%Y")), ART_15_2)
            } else {
                fail("announced_in_time", format!("Chỉ công bố trước {days} ngày làm việc so với ngày hiệu lực {} (cần ít nhất {MIN_WORKING_DAYS_BEFORE_EFFECT}).", effect.format("%d/%m/%Y")), ART_15_2)
            }
        }
    });
    out.push(match (p.decision_date, p.published_at) {
        (None, _) => fail("published_in_time", "Chưa có quyết định công bố.", ART_17),
        (Some(_), None) => fail("published_in_time", "Chưa đăng tải lên Cơ sở dữ liệu và Cổng dịch vụ công.", ART_17),
        (Some(decided), Some(at)) => {
            let on = at.with_timezone(&crate::time::VN_OFFSET).date_naive();
            let days = if on > decided { cal.working_days_between(decided, on).unwrap_or(u32::MAX) } else { 0 };
            if days <= MAX_WORKING_DAYS_TO_PUBLISH {
                pass("published_in_time", format!("Đăng tải {days} ngày làm việc sau quyết định."), ART_17)
            } else {
                fail("published_in_time", format!("Đăng tải {days} ngày làm việc sau quyết định (tối đa {MAX_WORKING_DAYS_TO_PUBLISH})."), ART_17)
            }
        }
    });
    let missing = missing_elements(data);
    out.push(if missing.is_empty() {
        pass(
            "complete",
            "Đủ các bộ phận cấu thành của thủ tục.".to_owned(),
            ART_8_2,
        )
    } else {
        fail(
            "complete",
            format!("Thiếu: {}.", missing.join(", ")),
            ART_8_2,
        )
    });
    out
}

const ART_15_1: &str =
    "Nghị định 63/2010/NĐ-CP, Điều 15 khoản 1 (sửa đổi bởi Nghị định 92/2017/NĐ-CP)";
const ART_15_2: &str = "Nghị định 63/2010/NĐ-CP, Điều 15 khoản 2";
const ART_17: &str = "Nghị định 63/2010/NĐ-CP, Điều 17; Quyết định 766/QĐ-TTg chỉ tiêu 1.2";
const ART_8_2: &str = "Nghị định 63/2010/NĐ-CP, Điều 8 khoản 2";

fn pass(id: &'static str, detail: String, source: &'static str) -> Check {
    Check {
        id,
        passed: true,
        detail,
        source,
    }
}

fn fail(id: &'static str, detail: impl Into<String>, source: &'static str) -> Check {
    Check {
        id,
        passed: false,
        detail: detail.into(),
        source,
    }
}

/// The elements of Decree 63/2010 art. 8.2 that the version lacks (Vietnamese names).
pub fn missing_elements(d: &ProcedureData) -> Vec<&'static str> {
    let mut m = Vec::new();
    if d.steps.is_empty() {
        m.push("trình tự thực hiện");
    }
    if d.channels.is_empty() {
        m.push("cách thức thực hiện");
    }
    if d.dossier_required && d.components.is_empty() {
        m.push("thành phần, số lượng hồ sơ");
    }
    if d.applicants.is_empty() {
        m.push("đối tượng thực hiện");
    }
    if d.agency.trim().is_empty() {
        m.push("cơ quan thực hiện");
    }
    if d.result_name.trim().is_empty() {
        m.push("kết quả thực hiện");
    }
    if d.legal_basis.is_empty() {
        m.push("căn cứ pháp lý");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::procedure::tests::sample;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::standard().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn published(decided: &str, at: &str, who: DecisionAuthority) -> Publication {
        Publication {
            decision_number: Some("1234/QĐ-BTTTT".into()),
            decision_date: Some(d(decided)),
            decision_authority: Some(who),
            effective_date: Some(d(decided)),
            published_at: Some(
                DateTime::parse_from_rfc3339(at)
                    .unwrap()
                    .with_timezone(&Utc),
            ),
        }
    }

    fn passed(checks: &[Check]) -> Vec<(&'static str, bool)> {
        checks.iter().map(|c| (c.id, c.passed)).collect()
    }

    #[test]
    fn a_timely_ministerial_announcement_passes_every_check() {
        let mut data = sample();
        data.legal_basis[0].effective_on = d("2026-07-01");
        // 1/6/2026 → 1/7/2026 is 22 working days; published 3 working days later.
        let p = published(
            "2026-06-01",
            "2026-06-04T10:00:00+07:00",
            DecisionAuthority::Minister,
        );
        assert_eq!(
            passed(&checks(&cal(), &data, &p)),
            [
                ("competent_authority", true),
                ("announced_in_time", true),
                ("published_in_time", true),
                ("complete", true)
            ]
        );
    }

    #[test]
    fn late_announcement_late_publication_wrong_signer_and_gaps_are_found() {
        let mut data = sample();
        data.legal_basis[0].effective_on = d("2026-06-15");
        data.steps.clear();
        let p = published(
            "2026-06-01",
            "2026-06-30T10:00:00+07:00",
            DecisionAuthority::Other,
        );
        let c = checks(&cal(), &data, &p);
        assert_eq!(
            passed(&c),
            [
                ("competent_authority", false),
                ("announced_in_time", false),
                ("published_in_time", false),
                ("complete", false)
            ]
        );
        assert!(c[1].detail.contains("10 ngày làm việc"), "{}", c[1].detail);
        assert!(c[3].detail.contains("trình tự thực hiện"));
    }

    #[test]
    fn an_unannounced_version_fails_without_guessing() {
        let c = checks(&cal(), &sample(), &Publication::default());
        assert!(c.iter().take(3).all(|x| !x.passed));
    }
}
