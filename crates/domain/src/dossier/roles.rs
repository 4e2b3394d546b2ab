//! Who may take which action on a dossier (Decree 61/2018 art. 8 and ch. III; Circular 01/2018):
//! - the one-stop desk (Bộ phận Một cửa) receives or refuses dossiers, records the applicant's
//!   supplement and payment, returns results, and hands dossiers to units (art. 8, 14, 15, 18);
//! - the officers of the unit appraise: they ask for a supplement (once, through the desk), ask
//!   for payment, stop the processing when the law says so, draft the result and, when it will be
//!   late, the apology (art. 15, 19);
//! - the head of the unit approves and may do what the unit's officers do;
//! - the applicant may withdraw the dossier (art. 16 on withdrawal at the applicant's request);
//!   the desk records a withdrawal asked for at the counter.
//!
//! Administrators, the reform office and portal editors watch and count; they do not handle
//! dossiers (separation of duties).

use super::state::Action;
use crate::account::Role;

pub fn may_act(role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    match role {
        R::DeskOfficer => matches!(
            action,
            A::Receive
                | A::Refuse
                | A::Supplement
                | A::Assign
                | A::Pay
                | A::ReturnResult
                | A::Withdraw
        ),
        R::Officer => matches!(
            action,
            A::Assign | A::RequestSupplement | A::RequestPayment | A::Resolve | A::Extend | A::Stop
        ),
        R::UnitLeader => matches!(
            action,
            A::Assign
                | A::RequestSupplement
                | A::RequestPayment
                | A::Approve
                | A::Resolve
                | A::Extend
                | A::Stop
        ),
        R::Applicant => matches!(action, A::Withdraw),
        R::ParOfficer | R::Editor | R::Admin => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_leader_approves_and_only_the_desk_receives_and_returns() {
        for r in Role::ALL {
            assert_eq!(may_act(r, Action::Approve), r == Role::UnitLeader, "{r:?}");
            assert_eq!(may_act(r, Action::Receive), r == Role::DeskOfficer, "{r:?}");
            assert_eq!(
                may_act(r, Action::ReturnResult),
                r == Role::DeskOfficer,
                "{r:?}"
            );
        }
    }

    #[test]
    fn administrators_watch_but_do_not_handle() {
        for a in Action::ALL {
            assert!(!may_act(Role::Admin, a), "{a:?}");
            assert!(!may_act(Role::ParOfficer, a), "{a:?}");
        }
    }
}
