//! The yearly reform plan (seed T1.1–T7.7, M1–M3): the live scorecard of its targets, the
//! measures behind them, the ranking of units, the watch on targets falling behind, the report.

pub mod measures;
pub mod ranking;
pub mod registers;
pub mod report;
pub mod scorecard;
pub mod targets;
pub mod watch;

pub use measures::*;
pub use motcua_domain::plan::period::Period;
pub use ranking::*;
pub use report::*;
pub use scorecard::*;
pub use watch::*;
