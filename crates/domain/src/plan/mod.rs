//! The yearly administrative-reform plan: its targets and how a target's status is judged.
//!
//! The targets are those of the ministry's 2021 plan (the seed: ../shared/seed, ids T1.1–T7.7),
//! under the six fields of the Government's PAR master programme (Resolution 76/NQ-CP of
//! 15/07/2021, art. 1 §III; the plan follows it, rule M2), plus the direction of the reform (tasks
//! assigned by the Government and the Prime Minister). Each target has a source: a formula over
//! motcua's own records (docs/INDICATORS.md gives each formula and its legal basis) or a register
//! kept with evidence. A target whose source has no data for the period is "no data", never 0%
//! or 100%.

pub mod period;
mod registers;
mod seed;

pub use registers::*;
pub use seed::*;

/// A field of the plan (lĩnh vực cải cách).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Công tác chỉ đạo, điều hành.
    Direction,
    /// Cải cách thể chế.
    Institutions,
    /// Cải cách thủ tục hành chính.
    Procedures,
    /// Cải cách tổ chức bộ máy.
    Apparatus,
    /// Cải cách chế độ công vụ.
    CivilService,
    /// Cải cách tài chính công.
    Finance,
    /// Hiện đại hóa nền hành chính (chính phủ điện tử, chính phủ số).
    Modernisation,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Self::Direction,
        Self::Institutions,
        Self::Procedures,
        Self::Apparatus,
        Self::CivilService,
        Self::Finance,
        Self::Modernisation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Direction => "direction",
            Self::Institutions => "institutions",
            Self::Procedures => "procedures",
            Self::Apparatus => "apparatus",
            Self::CivilService => "civil_service",
            Self::Finance => "finance",
            Self::Modernisation => "modernisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Direction => "Công tác chỉ đạo, điều hành",
            Self::Institutions => "Cải cách thể chế",
            Self::Procedures => "Cải cách thủ tục hành chính",
            Self::Apparatus => "Cải cách tổ chức bộ máy",
            Self::CivilService => "Cải cách chế độ công vụ",
            Self::Finance => "Cải cách tài chính công",
            Self::Modernisation => "Hiện đại hóa nền hành chính",
        }
    }
}

/// What a target measures: a share (0–1) or a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Share,
    Count,
}

impl Measure {
    pub fn code(self) -> &'static str {
        match self {
            Self::Share => "share",
            Self::Count => "count",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "share" => Some(Self::Share),
            "count" => Some(Self::Count),
            _ => None,
        }
    }
}

/// A target as the 2021 plan states it.
#[derive(Clone, Copy, Debug)]
pub struct SeedTarget {
    pub id: &'static str,
    pub field: Field,
    /// The plan's words (Vietnamese, NFC).
    pub text: &'static str,
    /// At least this (a share 0–1, or a count); every target of the plan is "at least".
    pub threshold: f64,
    pub measure: Measure,
    /// `formula:<id>` (computed from records) or `register:<id>` (a register with evidence).
    pub source: &'static str,
    /// The unit answerable for it (M1), by code in the ministry's organisation, when the plan names one.
    pub responsible_unit: &'static str,
}

/// The formulas motcua computes (the `formula:` sources), each in docs/INDICATORS.md.
pub const FORMULAS: [&str; 12] = [
    "t3_1", "t3_2", "t3_3", "t3_4", "t3_5", "t7_1", "t7_2", "t7_3", "t7_4", "t7_5", "t7_6", "t7_7",
];

/// Whether a source is one motcua knows: a formula of [`FORMULAS`] or a register id.
pub fn source_known(source: &str) -> bool {
    match source.split_once(':') {
        Some(("formula", f)) => FORMULAS.contains(&f),
        Some(("register", r)) => {
            !r.is_empty()
                && r.len() <= 32
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        }
        _ => false,
    }
}

/// Where a target stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The period is over and the target was reached.
    Met,
    /// The period is running and the value so far reaches the threshold.
    OnTrack,
    /// The period is running and the value so far is below the threshold.
    AtRisk,
    /// The period is over and the target was not reached.
    Missed,
    /// Nothing to measure in the period (no dossier, no register item): never shown as 0% or 100%.
    NoData,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::Missed => "missed",
            Self::NoData => "no_data",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Met => "Đạt",
            Self::OnTrack => "Đúng tiến độ",
            Self::AtRisk => "Có nguy cơ không đạt",
            Self::Missed => "Không đạt",
            Self::NoData => "Chưa có dữ liệu",
        }
    }
}

/// The status of a value against an "at least" threshold; `over` when the period has ended.
/// Values are compared after rounding to 4 decimals (a share shown as 90,00% is 0.9).
pub fn status(value: Option<f64>, threshold: f64, over: bool) -> Status {
    let Some(v) = value else {
        return Status::NoData;
    };
    let reached = (v * 10_000.0).round() >= (threshold * 10_000.0).round();
    match (reached, over) {
        (true, true) => Status::Met,
        (true, false) => Status::OnTrack,
        (false, true) => Status::Missed,
        (false, false) => Status::AtRisk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_has_27_targets_each_with_a_known_source() {
        let mut ids: Vec<&str> = SEED_2021.iter().map(|t| t.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 27);
        for t in SEED_2021 {
            assert!(source_known(t.source), "{}", t.id);
            assert!(t.threshold > 0.0);
            if t.measure == Measure::Share {
                assert!(t.threshold <= 1.0, "{}", t.id);
            }
            assert_eq!(t.text, crate::catalog::fold::nfc(t.text), "{} is NFC", t.id);
        }
        let computed = SEED_2021
            .iter()
            .filter(|t| t.source.starts_with("formula:"))
            .count();
        assert_eq!(computed, FORMULAS.len());
    }

    #[test]
    fn status_follows_the_threshold_and_the_period() {
        assert_eq!(status(None, 0.9, true), Status::NoData);
        assert_eq!(status(Some(0.9), 0.9, true), Status::Met);
        assert_eq!(
            status(Some(0.899_99), 0.9, true),
            Status::Met,
            "rounded to 4 decimals"
        );
        assert_eq!(status(Some(0.899), 0.9, true), Status::Missed);
        assert_eq!(status(Some(0.95), 0.9, false), Status::OnTrack);
        assert_eq!(status(Some(0.5), 0.9, false), Status::AtRisk);
        assert_eq!(status(Some(2.0), 2.0, true), Status::Met);
        assert!(!source_known("formula:t9_9"));
        assert!(!source_known("t3_4"));
        assert!(!source_known("register:T1"));
    }

    #[test]
    fn registers_make_their_figures() {
        for t in SEED_2021
            .iter()
            .filter(|t| t.source.starts_with("register:"))
        {
            assert!(register(&t.source[9..]).is_some(), "{}", t.id);
        }
        let items = |v: &[(&str, f64, f64)]| -> Vec<(String, f64, f64)> {
            v.iter()
                .map(|(s, a, b)| ((*s).to_owned(), *a, *b))
                .collect()
        };
        let c = RegisterKind::Completion;
        assert_eq!(register_fraction(c, &[]), None);
        assert_eq!(
            register_fraction(c, &items(&[("cancelled", 0.0, 0.0)])),
            None
        );
        assert_eq!(
            register_fraction(
                c,
                &items(&[
                    ("done", 0.0, 0.0),
                    ("planned", 0.0, 0.0),
                    ("cancelled", 0.0, 0.0)
                ])
            ),
            Some((1.0, 2.0))
        );
        assert_eq!(
            register_fraction(
                RegisterKind::Amount,
                &items(&[("done", 100.0, 90.0), ("in_progress", 50.0, 10.0)])
            ),
            Some((100.0, 150.0))
        );
        assert_eq!(
            register_fraction(
                RegisterKind::Compliance,
                &items(&[
                    ("unchecked", 0.0, 0.0),
                    ("violation", 0.0, 0.0),
                    ("compliant", 0.0, 0.0)
                ])
            ),
            Some((1.0, 2.0))
        );
        assert_eq!(
            register_fraction(
                RegisterKind::Count,
                &items(&[
                    ("done", 0.0, 0.0),
                    ("done", 0.0, 0.0),
                    ("planned", 0.0, 0.0)
                ])
            ),
            Some((2.0, 1.0))
        );
        assert_eq!(
            register_fraction(
                RegisterKind::Handling,
                &items(&[("open", 0.0, 0.0), ("proposed", 0.0, 0.0)])
            ),
            Some((1.0, 2.0))
        );
    }
}
