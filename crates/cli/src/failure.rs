//! A command's failure: its exit code (2 the input was refused, 3 the database is unreachable, 1
//! anything else) and its message.

use super::*;

/// An error with the exit code it deserves.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    /// The database a command needs is missing, unreachable or without the current schema.
    pub(crate) fn no_database(message: impl Into<String>) -> Self {
        Self {
            code: 3,
            message: message.into(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        let unavailable = e.chain().any(|c| {
            matches!(
                c.downcast_ref::<StoreError>(),
                Some(StoreError::Unavailable(_))
            )
        });
        Self {
            code: if unavailable { 3 } else { 1 },
            message: format!("{e:#}"),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        anyhow::Error::new(e).into()
    }
}

/// A use case's error: storage faults keep their exit code (3 when the database is unreachable),
/// refusals of the input exit 2 with their message.
impl From<motcua_app::Error> for Failure {
    fn from(e: motcua_app::Error) -> Self {
        use motcua_app::Error as E;
        match e {
            E::Store(e) => e.into(),
            E::Internal(e) => e.into(),
            E::Invalid(problems) => Self::input(
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            E::Refused(why) | E::Stale(why) | E::Partner(why) => Self::input(why),
            E::NotAllowed { reason, .. } => Self::input(reason),
            other => anyhow::Error::new(other).into(),
        }
    }
}
