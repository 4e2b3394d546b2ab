//! The generator's randomness, the names it draws from (deterministic for a seed) and the shape
//! of the volume over the period.

use super::*;

/// A small deterministic generator (SplitMix64): the same seed gives the same history everywhere.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

pub(super) const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
pub(super) const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân",
];
pub(super) const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phương", "Quang", "Sơn", "Tâm", "Thảo",
    "Trang", "Tuấn", "Việt", "Vy", "Yến",
];
pub(super) const FIRM: &[&str] = &[
    "Công ty TNHH Bưu chính Sao Mai",
    "Công ty Cổ phần Viễn thông Đông Á",
    "Công ty TNHH Truyền thông Hồng Hà",
    "Công ty Cổ phần Phát hành Báo chí Miền Trung",
    "Công ty TNHH Dịch vụ Chuyển phát Nhanh Phương Nam",
    "Công ty Cổ phần Công nghệ Số Tây Nguyên",
    "Công ty TNHH In ấn Thăng Long",
    "Công ty Cổ phần Xuất bản Giáo dục Cửu Long",
];
pub(super) const PLACE: &[&str] = &[
    "Phường Ba Đình, Hà Nội",
    "Phường Hoàn Kiếm, Hà Nội",
    "Phường Cầu Giấy, Hà Nội",
    "Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "Phường Bến Thành, Thành phố Hồ Chí Minh",
    "Phường Hải Châu, Thành phố Đà Nẵng",
    "Phường Hồng Bàng, Thành phố Hải Phòng",
    "Phường Ninh Kiều, Thành phố Cần Thơ",
    "Phường Thuận Hóa, Thành phố Huế",
    "Phường Vinh Phú, Nghệ An",
];

pub(super) fn nfc(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.nfc().collect()).collect()
}

/// The working days of the period with their share of the volume (growth and season).
pub(super) fn day_weights(
    cal: &WorkingCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, f64)> {
    const SEASON: [f64; 12] = [
        0.85, 0.8, 1.05, 1.0, 1.0, 1.0, 0.95, 1.0, 1.0, 1.05, 1.05, 1.2,
    ];
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if cal.is_working_day(d).unwrap_or(false) {
            let years = (d - from).num_days() as f64 / 365.0;
            let w = (1.0 + 0.15 * years) * SEASON[d.month0() as usize];
            out.push((d, w));
        }
        d += Duration::days(1);
    }
    out
}
