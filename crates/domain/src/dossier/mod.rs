//! Dossiers (hồ sơ): the state machine mapped to the national portal's sync codes, the dossier and
//! look-up codes, the single extension, and the rules that judge timeliness. Storage, the API and
//! the pages come with the dossier issue.

pub mod code;
pub mod extension;
pub mod outcome;
pub mod state;

pub use extension::{ExtensionError, check_extension};
pub use outcome::{Assessment, Outcome, Pause, Progress, Timeline, assess};
