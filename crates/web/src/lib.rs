//! The HTTP layer of motcua: HTML pages (askama) and `/api/v1` (utoipa), sign-in, sessions, CSRF,
//! limits and operator endpoints. Holds no SQL and no storage: every use case is `motcua_app`'s
//! (this crate depends on neither motcua-store nor sea-orm; scripts/layers checks).
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod chrome;
pub mod download;
pub mod error;
pub mod health;
pub mod json;
pub mod limiter;
pub mod links;
pub mod multipart;
pub mod operation;
pub mod ops;
pub mod pages;
pub mod portal;
pub mod signin;
pub mod startup;
pub mod state;

pub use motcua_app::{Config, config, signing};
pub use startup::Application;
