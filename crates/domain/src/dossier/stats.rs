//! Which statistics counters an event moves (Decision 766 group 2 and the plan's T3.4, T7.5–T7.7).
//!
//! Counters are kept per agency, unit, procedure, month and channel, in the same transaction as the
//! event, so the statistics are live. A dossier is *received* when it enters state 2 (counter and
//! postal filings at once, online filings when the desk receives them) and *finished* at its first
//! end of processing after receipt (resolved, refused after receipt, withdrawn after receipt,
//! stopped; domain rules §1.3). What is carried over into a period is what was received and not
//! finished before it.

use super::state::{Action, DossierState};
use crate::catalog::procedure::Channel;
use crate::dossier::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    Submitted,
    Received,
    ReceivedPostal,
    Refused,
    Withdrawn,
    Stopped,
    Finished,
    ResolvedEarly,
    ResolvedOnTime,
    ResolvedLate,
    ReturnedOnline,
    ReturnedCounter,
    ReturnedPostal,
    SupplementRequests,
}

impl Counter {
    pub const ALL: [Counter; 14] = [
        Self::Submitted,
        Self::Received,
        Self::ReceivedPostal,
        Self::Refused,
        Self::Withdrawn,
        Self::Stopped,
        Self::Finished,
        Self::ResolvedEarly,
        Self::ResolvedOnTime,
        Self::ResolvedLate,
        Self::ReturnedOnline,
        Self::ReturnedCounter,
        Self::ReturnedPostal,
        Self::SupplementRequests,
    ];

    /// The column (and JSON field) name.
    pub fn column(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::ReceivedPostal => "received_postal",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::Finished => "finished",
            Self::ResolvedEarly => "resolved_early",
            Self::ResolvedOnTime => "resolved_on_time",
            Self::ResolvedLate => "resolved_late",
            Self::ReturnedOnline => "returned_online",
            Self::ReturnedCounter => "returned_counter",
            Self::ReturnedPostal => "returned_postal",
            Self::SupplementRequests => "supplement_requests",
        }
    }
}

/// What an event is, for the counters.
#[derive(Clone, Copy, Debug)]
pub enum EventKind {
    /// The filing, landing in `to` (submitted online, or received at the counter or by post).
    Filed { to: DossierState },
    Acted {
        action: Action,
        from: DossierState,
        /// Set for `resolve`.
        outcome: Option<Outcome>,
        /// Set for `return_result`.
        return_channel: Option<Channel>,
    },
}

/// The counters an event adds one to; `channel` is the filing channel.
pub fn counters(event: EventKind, channel: Channel) -> Vec<Counter> {
    use Counter as C;
    let received = |c: &mut Vec<Counter>| {
        c.push(C::Received);
        if channel == Channel::Postal {
            c.push(C::ReceivedPostal);
        }
    };
    let mut out = Vec::new();
    match event {
        EventKind::Filed {
            to: DossierState::Submitted,
        } => out.push(C::Submitted),
        EventKind::Filed { .. } => received(&mut out),
        EventKind::Acted {
            action,
            from,
            outcome,
            return_channel,
        } => {
            let was_received = from != DossierState::Submitted;
            match action {
                Action::Receive => received(&mut out),
                Action::Refuse => {
                    out.push(C::Refused);
                    if was_received {
                        out.push(C::Finished);
                    }
                }
                Action::Withdraw => {
                    out.push(C::Withdrawn);
                    if was_received {
                        out.push(C::Finished);
                    }
                }
                Action::Stop => out.extend([C::Stopped, C::Finished]),
                Action::Resolve => {
                    out.push(C::Finished);
                    out.push(match outcome {
                        Some(Outcome::Early) => C::ResolvedEarly,
                        Some(Outcome::OnTime) => C::ResolvedOnTime,
                        // A resolution without a judgement is counted late, never silently on time.
                        Some(Outcome::Late) | None => C::ResolvedLate,
                    });
                }
                Action::ReturnResult => out.push(match return_channel {
                    Some(Channel::Online) => C::ReturnedOnline,
                    Some(Channel::Postal) => C::ReturnedPostal,
                    Some(Channel::Counter) | None => C::ReturnedCounter,
                }),
                Action::RequestSupplement => out.push(C::SupplementRequests),
                Action::Supplement
                | Action::Assign
                | Action::RequestPayment
                | Action::Pay
                | Action::Approve
                | Action::Extend => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use DossierState as S;

    #[test]
    fn an_online_dossier_counts_when_received_not_when_submitted() {
        let filed = counters(EventKind::Filed { to: S::Submitted }, Channel::Online);
        assert_eq!(filed, [Counter::Submitted]);
        let received = counters(
            EventKind::Acted {
                action: Action::Receive,
                from: S::Submitted,
                outcome: None,
                return_channel: None,
            },
            Channel::Online,
        );
        assert_eq!(received, [Counter::Received]);
    }

    #[test]
    fn a_postal_filing_is_received_and_received_by_post() {
        assert_eq!(
            counters(EventKind::Filed { to: S::Received }, Channel::Postal),
            [Counter::Received, Counter::ReceivedPostal]
        );
    }

    #[test]
    fn refusing_an_unreceived_dossier_does_not_finish_it() {
        let refuse = |from| {
            counters(
                EventKind::Acted {
                    action: Action::Refuse,
                    from,
                    outcome: None,
                    return_channel: None,
                },
                Channel::Online,
            )
        };
        assert_eq!(refuse(S::Submitted), [Counter::Refused]);
        assert_eq!(refuse(S::Received), [Counter::Refused, Counter::Finished]);
    }

    #[test]
    fn every_counter_has_a_distinct_column() {
        let mut cols: Vec<_> = Counter::ALL.iter().map(|c| c.column()).collect();
        cols.sort_unstable();
        cols.dedup();
        assert_eq!(cols.len(), Counter::ALL.len());
    }
}
