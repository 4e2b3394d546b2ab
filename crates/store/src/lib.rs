//! Storage of motcua: one codebase and one set of migrations for SQLite (embedded default) and
//! PostgreSQL (production), on SeaORM. The web layer calls the functions of the feature modules
//! (`org`, `account`, `session`, `audit`) and never writes SQL.
#![forbid(unsafe_code)]

pub mod account;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod document;
pub mod dossier;
pub mod history;
pub mod index766;

pub mod backup;
pub mod db;
pub mod entity;
pub mod error;
pub mod exchange;
pub mod migration;
pub mod org;
pub mod password;
pub mod pki;
pub mod plan;
pub mod portal;
pub mod register;
pub mod review;

pub mod session;
pub mod token;
pub mod writer;

pub use audit::AuditCtx;
pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;
pub use sea_orm;
