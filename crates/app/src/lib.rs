//! The use cases of motcua: what an applicant, an officer, a leader, the reform office, an editor
//! or an operator can do, in the terms of `../shared/GLOSSARY.md`, below the HTTP adapters
//! (`motcua-web`) and the command line (`motcua`), which both build one [`App`] the same way.
//!
//! Nothing here knows HTTP (no axum, askama or tower) or builds queries (storage goes through
//! `motcua_store`'s functions); `scripts/layers` checks both in CI. A use case takes an [`Actor`]
//! (who acts, in which role and unit, for which request), returns a typed result or an
//! [`Error`] in its own terms, and leaves the status codes and pages to the adapters.
#![forbid(unsafe_code)]

pub mod account;
pub mod actor;
pub mod calendar;
pub mod catalog;
pub mod config;
pub mod context;
pub mod document;
pub mod dossier;
pub mod error;
pub mod index766;
pub mod notify;
pub mod plan;
pub mod portal;
pub mod review;
pub mod signing;

pub use actor::Actor;
pub use config::Config;
pub use context::{App, CalendarState, ORG_TTL, OrgSnapshot};
pub use error::{Error, Problem, Result};
/// The storage types that are part of `App`'s own interface: the database it is built on and the
/// storage failure inside [`Error::Store`].
pub use motcua_store::{Db, StoreError};
