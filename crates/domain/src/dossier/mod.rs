//! Dossiers (hồ sơ): the state machine mapped to the national portal's sync codes, the dossier and
//! look-up codes, the single extension, the rules that judge timeliness, who may take which action,
//! and the statistics counters each event moves.

pub mod code;
pub mod extension;
pub mod outcome;
pub mod roles;
pub mod state;
pub mod stats;
pub mod upload;

pub use extension::{ExtensionError, check_extension};
pub use outcome::{Assessment, Outcome, Pause, Progress, Timeline, assess};
