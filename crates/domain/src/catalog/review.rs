//! Review plans for procedures (kế hoạch rà soát, đánh giá thủ tục hành chính): the data of target
//! T3.3 — "100% of the plan to review and evaluate procedures completed; 100% of the problems found
//! handled or proposed for handling" (Decree 63/2010 art. 28–30, as amended by Decree 48/2013).

use serde::{Deserialize, Serialize};

/// What became of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Nothing to change was found.
    NoIssue,
    /// A problem was found and nothing is done yet.
    Open,
    /// A simplification or amendment was proposed to the competent authority.
    Proposed,
    /// The problem was handled (the procedure amended, replaced or abolished).
    Handled,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 4] = [Self::NoIssue, Self::Open, Self::Proposed, Self::Handled];

    pub fn code(self) -> &'static str {
        match self {
            Self::NoIssue => "no_issue",
            Self::Open => "open",
            Self::Proposed => "proposed",
            Self::Handled => "handled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::NoIssue => "Không phát hiện vướng mắc",
            Self::Open => "Có vướng mắc, chưa xử lý",
            Self::Proposed => "Đã kiến nghị xử lý",
            Self::Handled => "Đã xử lý",
        }
    }
}

/// One procedure in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub procedure_code: String,
    pub reviewed: bool,
    pub status: FindingStatus,
}

/// What T3.3 counts in a plan's items: items planned, reviewed, problems found (reviewed items
/// with a finding) and problems handled or proposed for handling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub planned: usize,
    pub reviewed: usize,
    pub problems: usize,
    pub dealt: usize,
}

/// Counts [`Completion`] over a plan's items.
pub fn completion_counts(items: &[ReviewItem]) -> Completion {
    Completion {
        planned: items.len(),
        reviewed: items.iter().filter(|i| i.reviewed).count(),
        problems: items
            .iter()
            .filter(|i| i.reviewed && i.status != FindingStatus::NoIssue)
            .count(),
        dealt: items
            .iter()
            .filter(|i| {
                i.reviewed && matches!(i.status, FindingStatus::Proposed | FindingStatus::Handled)
            })
            .count(),
    }
}

/// The two shares of T3.3: items reviewed / items planned, and problems handled or proposed /
/// problems found. `None` when there is nothing to divide (no items, no problems).
pub fn completion(items: &[ReviewItem]) -> (Option<f64>, Option<f64>) {
    let c = completion_counts(items);
    let share = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    (share(c.reviewed, c.planned), share(c.dealt, c.problems))
}

/// A problem with one field of a review item: the field's name and the Vietnamese message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemProblem {
    pub field: &'static str,
    pub message: &'static str,
}

/// The rules of one review item (Decree 63/2010 art. 28–30): a known status; no result without
/// review; a problem found needs its finding written down.
pub fn check_item(
    reviewed: bool,
    status: &str,
    finding: &str,
) -> Result<FindingStatus, ItemProblem> {
    let Some(status) = FindingStatus::parse(status) else {
        return Err(ItemProblem {
            field: "status",
            message: "no_issue, open, proposed hoặc handled",
        });
    };
    if !reviewed && status != FindingStatus::NoIssue {
        return Err(ItemProblem {
            field: "status",
            message: "chưa rà soát thì chưa thể có kết quả rà soát",
        });
    }
    if status != FindingStatus::NoIssue && finding.trim().is_empty() {
        return Err(ItemProblem {
            field: "finding",
            message: "ghi rõ vướng mắc phát hiện được",
        });
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_counts_reviews_and_problems_dealt_with() {
        let item = |reviewed, status| ReviewItem {
            procedure_code: "1.000001".into(),
            reviewed,
            status,
        };
        let items = [
            item(true, FindingStatus::NoIssue),
            item(true, FindingStatus::Proposed),
            item(true, FindingStatus::Open),
            item(false, FindingStatus::NoIssue),
        ];
        assert_eq!(completion(&items), (Some(0.75), Some(0.5)));
        assert_eq!(completion(&[]), (None, None));
    }

    #[test]
    fn a_review_item_is_reviewed_before_it_has_a_result_and_a_problem_is_written_down() {
        assert_eq!(
            check_item(false, "no_issue", ""),
            Ok(FindingStatus::NoIssue)
        );
        assert_eq!(
            check_item(true, "open", "Mẫu đơn chưa thống nhất"),
            Ok(FindingStatus::Open)
        );
        assert_eq!(check_item(false, "open", "x").unwrap_err().field, "status");
        assert_eq!(
            check_item(true, "handled", "  ").unwrap_err().field,
            "finding"
        );
        assert_eq!(check_item(true, "done", "x").unwrap_err().field, "status");
    }
}
