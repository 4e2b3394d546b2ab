//! The states of a dossier and the only moves between them.
//!
//! States map one to one to the sync codes of the National Public Service Portal (domain rules
//! §1.2): 1 submitted (online, not yet received), 2 received, 3 refused (form 03), 4 processing,
//! 5 supplement requested (form 02), 6 financial obligation, 7 withdrawn, 8 stopped, 9 resolved
//! (result ready), 10 returned. Rules from Decree 61/2018 and Circular 01/2018:
//! - a supplement may be requested only once, during appraisal (art. 9.2.b, 15.3); the clock
//!   stops until the applicant supplies it;
//! - a result is resolved only after approval by the competent person;
//! - the apology and new date (form 04) only once (art. 19.3) — its timing is checked by
//!   [`super::extension::check_extension`];
//! - withdrawal is the applicant's, before a result exists.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierState {
    Submitted,
    Received,
    Refused,
    Processing,
    SupplementRequested,
    FinancialObligation,
    Withdrawn,
    Stopped,
    Resolved,
    Returned,
}

impl DossierState {
    pub const ALL: [DossierState; 10] = [
        Self::Submitted,
        Self::Received,
        Self::Refused,
        Self::Processing,
        Self::SupplementRequested,
        Self::FinancialObligation,
        Self::Withdrawn,
        Self::Stopped,
        Self::Resolved,
        Self::Returned,
    ];

    /// The national portal's sync code (mã trạng thái đồng bộ).
    pub fn sync_code(self) -> u8 {
        match self {
            Self::Submitted => 1,
            Self::Received => 2,
            Self::Refused => 3,
            Self::Processing => 4,
            Self::SupplementRequested => 5,
            Self::FinancialObligation => 6,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::Resolved => 9,
            Self::Returned => 10,
        }
    }

    pub fn from_sync_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.sync_code() == code)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Mới đăng ký",
            Self::Received => "Đã tiếp nhận",
            Self::Refused => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung hồ sơ",
            Self::FinancialObligation => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Công dân rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::Resolved => "Đã có kết quả, chờ trả",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// No move leaves a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Refused | Self::Withdrawn | Self::Stopped | Self::Returned
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Receive,
    Refuse,
    RequestSupplement,
    Supplement,
    Assign,
    RequestPayment,
    Pay,
    Approve,
    Resolve,
    Extend,
    Stop,
    Withdraw,
    ReturnResult,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Self::Receive,
        Self::Refuse,
        Self::RequestSupplement,
        Self::Supplement,
        Self::Assign,
        Self::RequestPayment,
        Self::Pay,
        Self::Approve,
        Self::Resolve,
        Self::Extend,
        Self::Stop,
        Self::Withdraw,
        Self::ReturnResult,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::Refuse => "refuse",
            Self::RequestSupplement => "request_supplement",
            Self::Supplement => "supplement",
            Self::Assign => "assign",
            Self::RequestPayment => "request_payment",
            Self::Pay => "pay",
            Self::Approve => "approve",
            Self::Resolve => "resolve",
            Self::Extend => "extend",
            Self::Stop => "stop",
            Self::Withdraw => "withdraw",
            Self::ReturnResult => "return_result",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s.trim())
    }
}

/// What the state alone does not say but the rules need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub supplement_requests: u32,
    pub extended: bool,
    pub approved: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("thao tác «{action}» không thực hiện được khi hồ sơ ở trạng thái «{state}»", action = .action.code(), state = .state.label_vi())]
    NotAllowed {
        state: DossierState,
        action: Action,
        allowed: Vec<Action>,
    },
    #[error("chỉ được yêu cầu bổ sung hồ sơ một lần")]
    SupplementAlreadyRequested,
    #[error("chỉ được xin lỗi và hẹn lại ngày trả kết quả một lần")]
    AlreadyExtended,
    #[error("kết quả phải được người có thẩm quyền phê duyệt trước")]
    NotApproved,
}

/// The state an action leads to, before the facts are checked.
fn target(state: DossierState, action: Action) -> Option<DossierState> {
    use Action as A;
    use DossierState as S;
    Some(match (state, action) {
        (S::Submitted, A::Receive) => S::Received,
        (S::Submitted | S::Received, A::Refuse) => S::Refused,
        (S::Received | S::Processing, A::Assign) => S::Processing,
        (S::Processing, A::RequestSupplement) => S::SupplementRequested,
        (S::SupplementRequested, A::Supplement) => S::Processing,
        (S::Processing, A::RequestPayment) => S::FinancialObligation,
        (S::FinancialObligation, A::Pay) => S::Processing,
        (S::Processing, A::Approve | A::Extend) => S::Processing,
        (S::Processing, A::Resolve) => S::Resolved,
        (
            S::Received | S::Processing | S::SupplementRequested | S::FinancialObligation,
            A::Stop,
        ) => S::Stopped,
        (
            S::Submitted
            | S::Received
            | S::Processing
            | S::SupplementRequested
            | S::FinancialObligation,
            A::Withdraw,
        ) => S::Withdrawn,
        (S::Resolved, A::ReturnResult) => S::Returned,
        _ => return None,
    })
}

/// Apply `action` to a dossier in `state` with `facts`: the new state and facts, or why not.
pub fn apply(
    state: DossierState,
    facts: Facts,
    action: Action,
) -> Result<(DossierState, Facts), TransitionError> {
    let Some(next) = target(state, action) else {
        return Err(TransitionError::NotAllowed {
            state,
            action,
            allowed: allowed_actions(state, facts),
        });
    };
    let mut f = facts;
    match action {
        Action::RequestSupplement if facts.supplement_requests >= 1 => {
            return Err(TransitionError::SupplementAlreadyRequested);
        }
        Action::RequestSupplement => f.supplement_requests += 1,
        Action::Extend if facts.extended => return Err(TransitionError::AlreadyExtended),
        Action::Extend => f.extended = true,
        Action::Resolve if !facts.approved => return Err(TransitionError::NotApproved),
        Action::Approve => f.approved = true,
        _ => {}
    }
    Ok((next, f))
}

/// The actions possible now (what the dossier page offers, and what a 409 lists).
pub fn allowed_actions(state: DossierState, facts: Facts) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| target(state, *a).is_some())
        .filter(|a| match a {
            Action::RequestSupplement => facts.supplement_requests == 0,
            Action::Extend => !facts.extended,
            Action::Resolve => facts.approved,
            _ => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use DossierState as S;

    #[test]
    fn sync_codes_are_one_to_one() {
        for s in S::ALL {
            assert_eq!(S::from_sync_code(s.sync_code()), Some(s));
        }
        assert_eq!(
            S::ALL.iter().map(|s| s.sync_code()).collect::<Vec<_>>(),
            (1..=10).collect::<Vec<u8>>()
        );
        assert_eq!(S::from_sync_code(11), None);
    }

    #[test]
    fn an_online_dossier_goes_from_filing_to_return() {
        let mut st = (S::Submitted, Facts::default());
        for a in [
            A::Receive,
            A::Assign,
            A::RequestSupplement,
            A::Supplement,
            A::RequestPayment,
            A::Pay,
            A::Extend,
            A::Approve,
            A::Resolve,
            A::ReturnResult,
        ] {
            st = apply(st.0, st.1, a).unwrap_or_else(|e| panic!("{a:?}: {e}"));
        }
        assert_eq!(st.0, S::Returned);
        assert_eq!(
            st.1,
            Facts {
                supplement_requests: 1,
                extended: true,
                approved: true
            }
        );
    }

    #[test]
    fn a_second_supplement_request_or_extension_is_refused() {
        let (s, f) = apply(S::Processing, Facts::default(), A::RequestSupplement).unwrap();
        let (s, f) = apply(s, f, A::Supplement).unwrap();
        assert_eq!(
            apply(s, f, A::RequestSupplement),
            Err(TransitionError::SupplementAlreadyRequested)
        );
        let (s, f) = apply(s, f, A::Extend).unwrap();
        assert_eq!(
            apply(s, f, A::Extend),
            Err(TransitionError::AlreadyExtended)
        );
        assert!(!allowed_actions(s, f).contains(&A::RequestSupplement));
        assert!(!allowed_actions(s, f).contains(&A::Extend));
    }

    #[test]
    fn no_result_without_approval_and_nothing_leaves_a_terminal_state() {
        assert_eq!(
            apply(S::Processing, Facts::default(), A::Resolve),
            Err(TransitionError::NotApproved)
        );
        for s in S::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert!(allowed_actions(s, Facts::default()).is_empty(), "{s:?}");
            for a in A::ALL {
                assert!(apply(s, Facts::default(), a).is_err(), "{s:?} {a:?}");
            }
        }
    }

    #[test]
    fn a_refused_move_lists_what_is_allowed() {
        match apply(S::Resolved, Facts::default(), A::Assign) {
            Err(TransitionError::NotAllowed { allowed, .. }) => {
                assert_eq!(allowed, [A::ReturnResult])
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(A::parse("return_result"), Some(A::ReturnResult));
        assert_eq!(A::parse("approve_all"), None);
    }

    #[test]
    fn every_allowed_action_succeeds_and_every_other_fails() {
        let facts = [
            Facts::default(),
            Facts {
                supplement_requests: 1,
                extended: true,
                approved: true,
            },
        ];
        for s in S::ALL {
            for f in facts {
                let allowed = allowed_actions(s, f);
                for a in A::ALL {
                    assert_eq!(
                        apply(s, f, a).is_ok(),
                        allowed.contains(&a),
                        "{s:?} {f:?} {a:?}"
                    );
                }
            }
        }
    }
}
