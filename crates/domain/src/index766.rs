//! The service-quality index of Decision 766/QĐ-TTg of 23/06/2022 ("Bộ chỉ số chỉ đạo, điều hành
//! và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch
//! vụ công theo thời gian thực trên môi trường điện tử").
//!
//! 100 points in five groups (Annex, §II): 1 publicity and transparency (18), 2 progress and
//! result of processing (20), 3 online services (22: online services 12 and online payment 10 on
//! the national portal's dashboards), 4 digitisation (22), 5 satisfaction (18). Each indicator is a
//! rate over the period (month, quarter or year) and is scored
//! `score = min(max, rate × max / threshold)` (the Decision's formula description; a zero
//! denominator gives no score).
//!
//! Our sources (../shared/reference/domain-vn.md §3) give every group's maximum but only some
//! indicators' points and thresholds. motcua therefore shows, for each indicator, the rate it can
//! compute from its own records, the threshold and maximum where the sources state them, and a
//! score only where both the rate and the maximum are known. Where the sources state no threshold,
//! the indicator is read as needing 100% for full marks (the formula with threshold 1), and the
//! threshold is marked as such. Indicators that need data motcua does not hold (synchronisation
//! with the National Public Service Portal, online payment, the population database, citizens'
//! feedback) are "no data", never guessed.

/// A group of the index (Decision 766, Annex §II).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Group {
    pub number: u8,
    pub name: &'static str,
    pub max: f64,
}

/// The five groups and their maxima (Decision 766, Annex §II; group 3's 22 is the national
/// portal's two dashboards, 12 + 10).
pub const GROUPS: [Group; 5] = [
    Group {
        number: 1,
        name: "Công khai, minh bạch",
        max: 18.0,
    },
    Group {
        number: 2,
        name: "Tiến độ, kết quả giải quyết",
        max: 20.0,
    },
    Group {
        number: 3,
        name: "Cung cấp dịch vụ trực tuyến",
        max: 22.0,
    },
    Group {
        number: 4,
        name: "Số hóa hồ sơ",
        max: 22.0,
    },
    Group {
        number: 5,
        name: "Mức độ hài lòng",
        max: 18.0,
    },
];

/// Where an indicator's rate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Computed from motcua's records (the key names the computation in `app::index766`).
    Computed(&'static str),
    /// Shown but not scored (the Decision displays it beside the score).
    Display(&'static str),
    /// Needs data motcua does not hold; the text says which.
    NoData(&'static str),
}

/// One indicator of the index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indicator {
    /// The Decision's number, e.g. `2.1`.
    pub id: &'static str,
    pub group: u8,
    pub name: &'static str,
    /// The formula in words (Vietnamese, as the pages show it).
    pub formula: &'static str,
    /// Points for full marks, where our sources state them.
    pub max: Option<f64>,
    /// The rate for full marks, where our sources state it (0–1).
    pub threshold: Option<f64>,
    pub source: Source,
}

impl Indicator {
    /// The threshold used by the formula: the stated one, or 100% where none is stated.
    pub fn threshold_used(&self) -> f64 {
        self.threshold.unwrap_or(1.0)
    }

    /// `min(max, rate × max / threshold)` (Decision 766, formula description), when the maximum
    /// is known.
    pub fn score(&self, rate: f64) -> Option<f64> {
        self.max.map(|max| score(rate, max, self.threshold_used()))
    }

    /// How far the rate is from full marks, 0–1: `min(1, rate / threshold)`. It is the score
    /// divided by the maximum, so it is known even where the maximum is not.
    pub fn attainment(&self, rate: f64) -> f64 {
        attainment(rate, self.threshold_used())
    }
}

/// `score = min(max, rate × max / threshold)` (Decision 766, formula description), rounded to two
/// decimals as the national portal shows it.
pub fn score(rate: f64, max: f64, threshold: f64) -> f64 {
    let raw = if threshold > 0.0 {
        (rate.max(0.0) * max / threshold).min(max)
    } else {
        max
    };
    (raw * 100.0).round() / 100.0
}

/// `min(1, rate / threshold)`.
pub fn attainment(rate: f64, threshold: f64) -> f64 {
    if threshold > 0.0 {
        (rate.max(0.0) / threshold).min(1.0)
    } else {
        1.0
    }
}

/// The indicators (Decision 766, Annex; formulas from the formula description as transcribed in
/// domain-vn.md §3). Maxima: 1.2 is 4 of group 1's 18, 2.1 carries group 2's 20 (2.2 is shown
/// only), 5.4 is 6 of group 5's 18; the others' points are not in our sources.
pub const INDICATORS: [Indicator; 18] = [
    Indicator {
        id: "1.1",
        group: 1,
        name: "TTHC được công bố đúng hạn",
        formula: "Thủ tục có quyết định công bố trước ngày văn bản quy định có hiệu lực ít nhất 20 ngày làm việc / thủ tục có quyết định công bố trong kỳ",
        max: None,
        threshold: None,
        source: Source::Computed("announced_in_time"),
    },
    Indicator {
        id: "1.2",
        group: 1,
        name: "Cập nhật, công khai TTHC đúng hạn",
        formula: "Thủ tục đăng tải trong 10 ngày làm việc kể từ ngày quyết định công bố / thủ tục có quyết định công bố trong kỳ",
        max: Some(4.0),
        threshold: None,
        source: Source::Computed("published_in_time"),
    },
    Indicator {
        id: "1.3",
        group: 1,
        name: "Công khai đầy đủ TTHC",
        formula: "Thủ tục công khai đủ các bộ phận / thủ tục đang công khai",
        max: None,
        threshold: None,
        source: Source::Computed("complete"),
    },
    Indicator {
        id: "1.4",
        group: 1,
        name: "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
        formula: "Hồ sơ đồng bộ có ngày tiếp nhận trong kỳ / số hồ sơ theo báo cáo",
        max: None,
        threshold: None,
        source: Source::NoData(
            "motcua chưa đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia nên không có số liệu đối chiếu",
        ),
    },
    Indicator {
        id: "2.1",
        group: 2,
        name: "Hồ sơ xử lý trước hạn, đúng hạn",
        formula: "Hồ sơ giải quyết trước hạn, đúng hạn và hồ sơ đang giải quyết còn trong hạn / hồ sơ đã và đang giải quyết trong kỳ",
        max: Some(20.0),
        threshold: None,
        source: Source::Computed("on_time"),
    },
    Indicator {
        id: "2.2",
        group: 2,
        name: "Thời gian giải quyết trung bình",
        formula: "Tổng thời gian giải quyết (ngày làm việc) / hồ sơ đã giải quyết trong kỳ — chỉ hiển thị, không chấm điểm",
        max: None,
        threshold: None,
        source: Source::Display("average_days"),
    },
    Indicator {
        id: "3.1",
        group: 3,
        name: "TTHC cung cấp dịch vụ công trực tuyến",
        formula: "Thủ tục cung cấp dịch vụ công trực tuyến toàn trình hoặc một phần / thủ tục thuộc thẩm quyền",
        max: None,
        threshold: Some(0.8),
        source: Source::Computed("online_services"),
    },
    Indicator {
        id: "3.2",
        group: 3,
        name: "Dịch vụ công trực tuyến phát sinh hồ sơ",
        formula: "Dịch vụ công trực tuyến có ít nhất một hồ sơ nộp trực tuyến trong kỳ / dịch vụ công trực tuyến",
        max: None,
        threshold: None,
        source: Source::Computed("online_used"),
    },
    Indicator {
        id: "3.3",
        group: 3,
        name: "Hồ sơ nộp trực tuyến",
        formula: "Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận trong kỳ (mọi hồ sơ đều nằm trên motcua: tỷ lệ đồng bộ là 100%)",
        max: None,
        threshold: Some(0.5),
        source: Source::Computed("online_filed"),
    },
    Indicator {
        id: "3.5",
        group: 3,
        name: "TTHC tích hợp thanh toán trực tuyến",
        formula: "Thủ tục có phí, lệ phí được tích hợp thanh toán trực tuyến / thủ tục có phí, lệ phí",
        max: None,
        threshold: Some(0.8),
        source: Source::NoData("motcua chưa kết nối nền tảng thanh toán trực tuyến"),
    },
    Indicator {
        id: "3.6",
        group: 3,
        name: "Hồ sơ thanh toán trực tuyến",
        formula: "Hồ sơ có phí, lệ phí được thanh toán trực tuyến / hồ sơ có phí, lệ phí",
        max: None,
        threshold: None,
        source: Source::NoData("motcua chưa kết nối nền tảng thanh toán trực tuyến"),
    },
    Indicator {
        id: "4.1",
        group: 4,
        name: "Cấp kết quả điện tử",
        formula: "Hồ sơ giải quyết xong có tệp kết quả điện tử / hồ sơ giải quyết xong trong kỳ (hệ thống không cho giải quyết hồ sơ khi chưa đính kèm văn bản kết quả)",
        max: None,
        threshold: None,
        source: Source::Computed("e_result"),
    },
    Indicator {
        id: "4.2",
        group: 4,
        name: "Số hóa hồ sơ",
        formula: "Hồ sơ có mọi thành phần được số hóa (kết quả luôn là bản điện tử) / hồ sơ tiếp nhận trong kỳ",
        max: None,
        threshold: Some(0.8),
        source: Source::Computed("digitised"),
    },
    Indicator {
        id: "4.3",
        group: 4,
        name: "Tái sử dụng dữ liệu số hóa",
        formula: "Hồ sơ có thành phần được lấy lại từ dữ liệu đã số hóa / hồ sơ tiếp nhận",
        max: None,
        threshold: Some(0.8),
        source: Source::NoData(
            "motcua chưa ghi nhận việc tái sử dụng dữ liệu đã số hóa của từng hồ sơ",
        ),
    },
    Indicator {
        id: "4.4",
        group: 4,
        name: "Khai thác kho dữ liệu cá nhân, tổ chức",
        formula: "Hồ sơ dùng dữ liệu từ kho dữ liệu của cá nhân, tổ chức trên Cổng Dịch vụ công quốc gia / hồ sơ",
        max: None,
        threshold: None,
        source: Source::NoData(
            "motcua chưa kết nối kho dữ liệu cá nhân, tổ chức trên Cổng Dịch vụ công quốc gia",
        ),
    },
    Indicator {
        id: "4.5",
        group: 4,
        name: "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        formula: "Hồ sơ dùng dữ liệu dân cư (VNeID) / hồ sơ",
        max: None,
        threshold: None,
        source: Source::NoData("motcua chưa kết nối Cơ sở dữ liệu quốc gia về dân cư"),
    },
    Indicator {
        id: "5.2",
        group: 5,
        name: "Xử lý phản ánh, kiến nghị đúng hạn",
        formula: "Phản ánh, kiến nghị xử lý đúng hạn / phản ánh, kiến nghị",
        max: None,
        threshold: None,
        source: Source::NoData("motcua chưa tiếp nhận phản ánh, kiến nghị (hệ thống PAKN riêng)"),
    },
    Indicator {
        id: "5.4",
        group: 5,
        name: "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC",
        formula: "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng), trên hồ sơ giải quyết xong trong kỳ",
        max: Some(6.0),
        threshold: Some(0.9),
        source: Source::Computed("satisfaction"),
    },
];

/// An indicator by its number.
pub fn indicator(id: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.id == id)
}

/// A rating counts as "not satisfied" at 1 or 2 of 5 (the look-up page's scale; Decision 766
/// indicator 5.4 counts the dossiers whose applicant was not satisfied).
pub const DISLIKE_AT_MOST: i16 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_follows_the_formula() {
        // Below the threshold: proportional.
        assert_eq!(score(0.4, 10.0, 0.5), 8.0);
        // At or above: the maximum, never more.
        assert_eq!(score(0.5, 10.0, 0.5), 10.0);
        assert_eq!(score(0.9, 10.0, 0.5), 10.0);
        assert_eq!(score(0.0, 6.0, 0.9), 0.0);
        // Two decimals.
        assert_eq!(score(1.0 / 3.0, 4.0, 1.0), 1.33);
        assert_eq!(attainment(0.45, 0.9), 0.5);
        assert_eq!(attainment(0.95, 0.9), 1.0);
    }

    #[test]
    fn indicators_stay_within_their_groups() {
        for g in GROUPS {
            let known: f64 = INDICATORS
                .iter()
                .filter(|i| i.group == g.number)
                .filter_map(|i| i.max)
                .sum();
            assert!(known <= g.max, "group {} over its maximum", g.number);
        }
        assert_eq!(GROUPS.iter().map(|g| g.max).sum::<f64>(), 100.0);
        let mut ids: Vec<_> = INDICATORS.iter().map(|i| i.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), INDICATORS.len());
        assert_eq!(indicator("5.4").and_then(|i| i.score(0.81)), Some(5.4));
        assert_eq!(indicator("3.3").map(|i| i.attainment(0.25)), Some(0.5));
        assert_eq!(indicator("1.4").and_then(|i| i.max), None);
    }
}
