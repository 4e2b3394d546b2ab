//! SeaORM entities: one module per table, named as in docs/ARCHITECTURE.md.

pub mod agency;
pub mod api_token;
pub mod app_user;
pub mod article;
pub mod audit_entry;
pub mod audit_head;
pub mod calendar_day;
pub mod dossier;
pub mod dossier_event;
pub mod exchange_partner;
pub mod media;
pub mod media_chunk;
pub mod news_category;
pub mod official_document;
pub mod outbox;
pub mod par_plan;
pub mod par_target;
pub mod pki_authority;
pub mod procedure;
pub mod procedure_version;
pub mod register_item;
pub mod review_item;
pub mod review_plan;
pub mod signing_credential;

pub mod unit;
pub mod upload;
pub mod user_session;
