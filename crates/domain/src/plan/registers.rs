//! The registers kept with evidence (T1, T2, T4–T6): their kinds, their items' statuses and how
//! their items make a target's figure.

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
