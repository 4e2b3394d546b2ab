//! The errors of the use cases, in their own terms; `motcua-web` turns each into a status, the
//! JSON envelope or an error page in one tested conversion, never by reading message text.
//!
//! Which variant to use:
//! - [`Error::Invalid`]: the input can be corrected; each [`Problem`] names its field (the JSON
//!   path of the API, the form field of a page) with a Vietnamese message shown beside it.
//! - [`Error::NotFound`]: the object does not exist *or the actor may not know that it exists*
//!   (an applicant asking for another's dossier gets this, not `Forbidden`).
//! - [`Error::Unauthenticated`]: nobody we know sent it (an exchange partner's unknown token).
//! - [`Error::Forbidden`]: the actor is known to see the object but may not do this.
//! - [`Error::NotAllowed`]: the action is not one of those allowed in the object's state now;
//!   `allowed` lists those that are.
//! - [`Error::Refused`]: a rule refuses it now (a handling step out of order, a second rating);
//!   the message says which rule, for the person.
//! - [`Error::Stale`]: the object changed since the actor read it (`If-Match`, form versions).
//! - [`Error::Rejected`]: a whole file was refused; `rows` lists every problem with its place.
//! - [`Error::TooLarge`]: the input is over a configured limit.
//! - [`Error::Partner`]: another installation answered badly (edXML exchange).
//! - [`Error::Store`]: storage failed (unavailable, full, or a fault); its cause is logged once by
//!   the adapter, never shown.
//! - [`Error::Internal`]: anything else that is our fault; logged once, never shown.

use motcua_store::StoreError;

/// A correctable problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input")]
    Invalid(Vec<Problem>),
    #[error("not found")]
    NotFound,
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not allowed now")]
    NotAllowed {
        reason: String,
        allowed: Vec<String>,
    },
    #[error("refused by a rule")]
    Refused(String),
    #[error("changed since read")]
    Stale(String),
    #[error("file rejected")]
    Rejected(serde_json::Value),
    #[error("too large")]
    TooLarge,
    #[error("partner refused")]
    Partner(String),
    #[error("storage")]
    Store(#[from] StoreError),
    #[error("internal")]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// One problem with one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![Problem::new(field, message)])
    }

    /// A storage error of a versioned write: `Stale` (another writer changed the row between the
    /// read and the write) said with the use case's `reason`, any other kept as a storage error.
    /// For `.map_err(Error::stale_as(REASON))`.
    pub fn stale_as(reason: &'static str) -> impl Fn(StoreError) -> Self {
        move |e| match e {
            StoreError::Stale => Self::Stale(reason.into()),
            e => Self::Store(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_write_is_said_with_the_use_case_reason_and_other_storage_errors_are_kept() {
        let said = Error::stale_as("đã được người khác cập nhật");
        assert!(
            matches!(said(StoreError::Stale), Error::Stale(m) if m == "đã được người khác cập nhật")
        );
        assert!(matches!(
            said(StoreError::WrongState),
            Error::Store(StoreError::WrongState)
        ));
    }
}
