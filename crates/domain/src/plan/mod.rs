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

const fn t(
    id: &'static str,
    field: Field,
    text: &'static str,
    threshold: f64,
    measure: Measure,
    source: &'static str,
    responsible_unit: &'static str,
) -> SeedTarget {
    SeedTarget {
        id,
        field,
        text,
        threshold,
        measure,
        source,
        responsible_unit,
    }
}

use Field as F;
use Measure::{Count, Share};

/// The 27 targets of the ministry's 2021 plan (seed T1.1–T7.7), in the plan's words.
pub const SEED_2021: [SeedTarget; 27] = [
    t(
        "T1.1",
        F::Direction,
        "Hoàn thành 100% nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao",
        1.0,
        Share,
        "register:t1_1",
        "VP",
    ),
    t(
        "T2.1",
        F::Institutions,
        "Hoàn thành tối thiểu 80% chương trình xây dựng văn bản quy phạm pháp luật hằng năm thuộc thẩm quyền ban hành của Bộ",
        0.8,
        Share,
        "register:t2_1",
        "PC",
    ),
    t(
        "T2.2",
        F::Institutions,
        "Tối thiểu 80% văn bản QPPL thuộc thẩm quyền kiểm tra của Bộ được kiểm tra",
        0.8,
        Share,
        "register:t2_2",
        "PC",
    ),
    t(
        "T2.3",
        F::Institutions,
        "100% văn bản trái pháp luật phát hiện qua kiểm tra được xử lý hoặc kiến nghị xử lý",
        1.0,
        Share,
        "register:t2_3",
        "PC",
    ),
    t(
        "T2.4",
        F::Institutions,
        "Hoàn thành 100% kế hoạch thanh tra",
        1.0,
        Share,
        "register:t2_4",
        "TTRA",
    ),
    t(
        "T3.1",
        F::Procedures,
        "100% thủ tục hành chính của Bộ được ban hành đúng thẩm quyền",
        1.0,
        Share,
        "formula:t3_1",
        "VP",
    ),
    t(
        "T3.2",
        F::Procedures,
        "100% thủ tục hành chính của Bộ được công bố, công khai, cập nhật kịp thời, đúng quy định",
        1.0,
        Share,
        "formula:t3_2",
        "VP",
    ),
    t(
        "T3.3",
        F::Procedures,
        "Hoàn thành 100% kế hoạch rà soát, đánh giá thủ tục hành chính và 100% vấn đề phát hiện qua rà soát được xử lý hoặc kiến nghị xử lý",
        1.0,
        Share,
        "formula:t3_3",
        "VP",
    ),
    t(
        "T3.4",
        F::Procedures,
        "100% hồ sơ thủ tục hành chính được giải quyết đúng hạn",
        1.0,
        Share,
        "formula:t3_4",
        "VP",
    ),
    t(
        "T3.5",
        F::Procedures,
        "Tiến độ, kết quả giải quyết hồ sơ TTHC được công khai đầy đủ trên Cổng dịch vụ công của Bộ",
        1.0,
        Share,
        "formula:t3_5",
        "TTTT",
    ),
    t(
        "T4.1",
        F::Apparatus,
        "100% tổ chức không đáp ứng tiêu chí của Nghị định 101/2020/NĐ-CP, 120/2020/NĐ-CP được kiện toàn, sắp xếp lại (hoặc trình phương án)",
        1.0,
        Share,
        "register:t4_1",
        "TCCB",
    ),
    t(
        "T5.1",
        F::CivilService,
        "100% lãnh đạo, quản lý được bổ nhiệm đúng quy định",
        1.0,
        Share,
        "register:t5_1",
        "TCCB",
    ),
    t(
        "T5.2",
        F::CivilService,
        "Hoàn thành 100% kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức của Bộ",
        1.0,
        Share,
        "register:t5_2",
        "TCCB",
    ),
    t(
        "T5.3",
        F::CivilService,
        "Hoàn thành 100% Kế hoạch tinh giản biên chế năm của Bộ",
        1.0,
        Share,
        "register:t5_3",
        "TCCB",
    ),
    t(
        "T6.1",
        F::Finance,
        "Giải ngân tối thiểu 90% kế hoạch đầu tư vốn ngân sách nhà nước",
        0.9,
        Share,
        "register:t6_1",
        "KHTC",
    ),
    t(
        "T6.2",
        F::Finance,
        "100% kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, ngân sách được thực hiện",
        1.0,
        Share,
        "register:t6_2",
        "KHTC",
    ),
    t(
        "T6.3",
        F::Finance,
        "100% cơ quan hành chính không có sai phạm về sử dụng kinh phí quản lý hành chính",
        1.0,
        Share,
        "register:t6_3",
        "KHTC",
    ),
    t(
        "T6.4",
        F::Finance,
        "100% đơn vị sự nghiệp công lập thuộc Bộ không có sai phạm về phân phối kết quả tài chính hoặc sử dụng kinh phí tiết kiệm chi thường xuyên",
        1.0,
        Share,
        "register:t6_4",
        "KHTC",
    ),
    t(
        "T6.5",
        F::Finance,
        "Tối thiểu 02 đơn vị sự nghiệp thuộc Bộ tăng tỷ lệ tự chủ chi thường xuyên",
        2.0,
        Count,
        "register:t6_5",
        "KHTC",
    ),
    t(
        "T6.6",
        F::Finance,
        "Tối thiểu 80% cơ sở nhà, đất thuộc thẩm quyền quản lý của Bộ được sắp xếp lại, xử lý",
        0.8,
        Share,
        "register:t6_6",
        "KHTC",
    ),
    t(
        "T7.1",
        F::Modernisation,
        "Tối thiểu 90% văn bản của Bộ được thực hiện trên môi trường mạng",
        0.9,
        Share,
        "formula:t7_1",
        "VP",
    ),
    t(
        "T7.2",
        F::Modernisation,
        "100% đơn vị sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
        1.0,
        Share,
        "formula:t7_2",
        "VP",
    ),
    t(
        "T7.3",
        F::Modernisation,
        "Tối thiểu 60% số TTHC cung cấp trực tuyến mức độ 3, 4 có phát sinh hồ sơ trong năm",
        0.6,
        Share,
        "formula:t7_3",
        "TTTT",
    ),
    t(
        "T7.4",
        F::Modernisation,
        "Tối thiểu 30% số hồ sơ TTHC được xử lý mức độ 3, 4",
        0.3,
        Share,
        "formula:t7_4",
        "TTTT",
    ),
    t(
        "T7.5",
        F::Modernisation,
        "Tối thiểu 60% TTHC đã triển khai tiếp nhận hồ sơ/trả kết quả qua dịch vụ bưu chính công ích có phát sinh hồ sơ",
        0.6,
        Share,
        "formula:t7_5",
        "VP",
    ),
    t(
        "T7.6",
        F::Modernisation,
        "Tối thiểu 10% số hồ sơ TTHC được tiếp nhận qua dịch vụ bưu chính công ích",
        0.1,
        Share,
        "formula:t7_6",
        "VP",
    ),
    t(
        "T7.7",
        F::Modernisation,
        "Tối thiểu 20% kết quả giải quyết TTHC được trả qua dịch vụ bưu chính công ích",
        0.2,
        Share,
        "formula:t7_7",
        "VP",
    ),
];

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

/// How a register's items make its figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterKind {
    /// Items to complete (tasks, a programme, a plan): done / items not cancelled.
    Completion,
    /// Items checked against a rule (appointments, agencies, units): compliant / items checked.
    Compliance,
    /// Problems found to be dealt with (unlawful documents, recommendations): handled or proposed /
    /// items found.
    Handling,
    /// Money (the investment plan): the amount disbursed / the amount planned.
    Amount,
    /// Items counted when done (units that raised their self-financing share).
    Count,
}

impl RegisterKind {
    /// The statuses an item may have, the first being a new item's.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Self::Completion | Self::Amount | Self::Count => {
                &["planned", "in_progress", "done", "cancelled"]
            }
            Self::Compliance => &["unchecked", "compliant", "violation"],
            Self::Handling => &["open", "proposed", "handled"],
        }
    }

    /// Whether an item with this status counts in the numerator.
    pub fn counts(self, status: &str) -> bool {
        match self {
            Self::Completion | Self::Count | Self::Amount => status == "done",
            Self::Compliance => status == "compliant",
            Self::Handling => matches!(status, "proposed" | "handled"),
        }
    }

    /// Whether an item with this status is in the denominator.
    pub fn in_scope(self, status: &str) -> bool {
        match self {
            Self::Completion | Self::Amount | Self::Count => status != "cancelled",
            Self::Compliance => status != "unchecked",
            Self::Handling => true,
        }
    }
}

/// The Vietnamese label of an item status.
pub fn item_status_label(status: &str) -> &'static str {
    match status {
        "planned" => "Chưa thực hiện",
        "in_progress" => "Đang thực hiện",
        "done" => "Hoàn thành",
        "cancelled" => "Hủy, điều chỉnh",
        "unchecked" => "Chưa kiểm tra",
        "compliant" => "Đúng quy định",
        "violation" => "Có sai phạm",
        "open" => "Chưa xử lý",
        "proposed" => "Đã kiến nghị xử lý",
        "handled" => "Đã xử lý",
        _ => "",
    }
}

/// A register kept with evidence for a target measured on other work than dossiers and documents.
#[derive(Clone, Copy, Debug)]
pub struct Register {
    /// As in the target's source `register:<id>`.
    pub id: &'static str,
    pub label: &'static str,
    pub kind: RegisterKind,
}

/// The registers of the 2021 plan's targets (T1, T2, T4–T6).
pub const REGISTERS: [Register; 15] = [
    Register {
        id: "t1_1",
        label: "Nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t2_1",
        label: "Chương trình xây dựng văn bản quy phạm pháp luật",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t2_2",
        label: "Văn bản QPPL thuộc thẩm quyền kiểm tra",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t2_3",
        label: "Văn bản trái pháp luật phát hiện qua kiểm tra",
        kind: RegisterKind::Handling,
    },
    Register {
        id: "t2_4",
        label: "Kế hoạch thanh tra",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t4_1",
        label: "Tổ chức cần kiện toàn, sắp xếp lại",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t5_1",
        label: "Bổ nhiệm lãnh đạo, quản lý",
        kind: RegisterKind::Compliance,
    },
    Register {
        id: "t5_2",
        label: "Kế hoạch đào tạo, bồi dưỡng",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t5_3",
        label: "Kế hoạch tinh giản biên chế",
        kind: RegisterKind::Completion,
    },
    Register {
        id: "t6_1",
        label: "Kế hoạch đầu tư vốn ngân sách nhà nước (giải ngân)",
        kind: RegisterKind::Amount,
    },
    Register {
        id: "t6_2",
        label: "Kiến nghị sau thanh tra, kiểm tra, kiểm toán",
        kind: RegisterKind::Handling,
    },
    Register {
        id: "t6_3",
        label: "Cơ quan hành chính: sử dụng kinh phí quản lý hành chính",
        kind: RegisterKind::Compliance,
    },
    Register {
        id: "t6_4",
        label: "Đơn vị sự nghiệp: phân phối kết quả tài chính, kinh phí tiết kiệm",
        kind: RegisterKind::Compliance,
    },
    Register {
        id: "t6_5",
        label: "Đơn vị sự nghiệp tăng tỷ lệ tự chủ chi thường xuyên",
        kind: RegisterKind::Count,
    },
    Register {
        id: "t6_6",
        label: "Cơ sở nhà, đất sắp xếp lại, xử lý",
        kind: RegisterKind::Completion,
    },
];

/// A register by id.
pub fn register(id: &str) -> Option<Register> {
    REGISTERS.into_iter().find(|r| r.id == id.trim())
}

/// A register's figure from its items' (status, planned amount, actual amount): `(numerator,
/// denominator)`; `None` without items in scope (no data). A count register's denominator is 1.
pub fn register_fraction(kind: RegisterKind, items: &[(String, f64, f64)]) -> Option<(f64, f64)> {
    let scope: Vec<&(String, f64, f64)> = items.iter().filter(|i| kind.in_scope(&i.0)).collect();
    if scope.is_empty() {
        return None;
    }
    match kind {
        RegisterKind::Amount => {
            let planned: f64 = scope.iter().map(|i| i.1).sum();
            let actual: f64 = scope.iter().map(|i| i.2).sum();
            (planned > 0.0).then_some((actual, planned))
        }
        RegisterKind::Count => Some((
            scope.iter().filter(|i| kind.counts(&i.0)).count() as f64,
            1.0,
        )),
        _ => Some((
            scope.iter().filter(|i| kind.counts(&i.0)).count() as f64,
            scope.len() as f64,
        )),
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
