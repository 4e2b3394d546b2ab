//! Pure rules of motcua. No I/O, no async, no HTTP, no SQL.
//!
//! Every rule that comes from a legal act names the act and article in its doc comment.
#![forbid(unsafe_code)]

pub mod access;
pub mod account;
pub mod audit;
pub mod calendar;
pub mod catalog;

pub mod document;
pub mod dossier;
pub mod edition;
pub mod index766;
pub mod org;
pub mod plan;
pub mod portal;
pub mod time;
