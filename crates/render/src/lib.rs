//! Files motcua reads and writes. Kept apart from the web and storage crates so that their heavy
//! dependencies (spreadsheets now, typst and fonts later) build once.
#![forbid(unsafe_code)]

pub mod catalog_sheet;
pub mod markdown;
pub mod qr;
pub mod table;
