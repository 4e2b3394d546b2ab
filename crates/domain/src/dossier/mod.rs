//! Dossiers (hồ sơ). This module holds the rules that judge a dossier's timeliness; the state
//! machine arrives with the dossier issue.

pub mod extension;
pub mod outcome;

pub use extension::{ExtensionError, check_extension};
pub use outcome::{Assessment, Outcome, Pause, Progress, Timeline, assess};
