//! The legal edition in force on the day of an event: the one place where motcua compares a date
//! with the days the one-stop rules changed (issue 19). Every other module asks [`at`] (or
//! [`on`]) and reads what the edition decides; none compares dates with 2025 itself.
//!
//! Two acts changed, on different days:
//! - **The one-stop decree.** Decree 61/2018/NĐ-CP (as amended by Decree 107/2021/NĐ-CP) until
//!   30/6/2025; Decree 118/2025/NĐ-CP of 9/6/2025, "về thực hiện thủ tục hành chính theo cơ chế một
//!   cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia", from 1/7/2025,
//!   replacing both.
//! - **The forms.** Circular 01/2018/TT-VPCP (annex: forms 01–06) until Circular 03/2025/TT-VPCP of
//!   15/9/2025 (Annex I: forms 01–07) applies. Its forms are reported to apply from 15/9/2025; what
//!   governed the forms between 1/7/2025 and 14/9/2025 is not confirmed (docs/LEGAL.md, L2): motcua
//!   keeps the 2018 set for those days, the set of the last guidance in force.
//!
//! Days are Vietnam days (UTC+7): an event at 23:59 on 30/6/2025 in Hà Nội is of the old edition.

use crate::time::VN_OFFSET;
use chrono::{DateTime, NaiveDate, Utc};

/// The first day of Decree 118/2025/NĐ-CP: 1/7/2025 (docs/LEGAL.md; the article is not cited
/// here, not confirmed).
pub const DECREE_118_FROM: NaiveDate = ymd(2025, 7, 1);

/// The first day of Circular 03/2025/TT-VPCP's forms, as reported (issued 15/9/2025; the day it
/// takes effect is unconfirmed, docs/LEGAL.md L2).
pub const CIRCULAR_03_2025_FROM: NaiveDate = ymd(2025, 9, 15);

/// A date known valid, made at compile time (an invalid one fails the build, not a request).
#[allow(
    clippy::panic,
    reason = "evaluated at compile time for the constants above; their dates are valid"
)]
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid date"),
    }
}

/// The decree that governs the one-stop mechanism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OneStop {
    /// Decree 61/2018/NĐ-CP, as amended by Decree 107/2021/NĐ-CP.
    Decree61of2018,
    /// Decree 118/2025/NĐ-CP.
    Decree118of2025,
}

impl OneStop {
    /// How a document cites it (the 2025 date from the circular's preamble, which cites the decree
    /// of 9/6/2025; the 2018 decree's date is left out, not confirmed here).
    pub fn citation(self) -> &'static str {
        match self {
            Self::Decree61of2018 => {
                "Nghị định số 61/2018/NĐ-CP của Chính phủ (sửa đổi, bổ sung bởi Nghị định số 107/2021/NĐ-CP)"
            }
            Self::Decree118of2025 => "Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ",
        }
    }
}

/// The circular whose annex sets the one-stop forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Forms {
    /// Circular 01/2018/TT-VPCP, annex: forms 01–06.
    Circular01of2018,
    /// Circular 03/2025/TT-VPCP, Annex I: forms 01–07.
    Circular03of2025,
}

/// A one-stop form by what it is, the same in every edition; its number and title are the
/// edition's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormKind {
    Receipt,
    SupplementRequest,
    Refusal,
    Apology,
    StopNotice,
    ControlSlip,
    Register,
}

impl FormKind {
    pub const ALL: [FormKind; 7] = [
        Self::Receipt,
        Self::SupplementRequest,
        Self::Refusal,
        Self::Apology,
        Self::StopNotice,
        Self::ControlSlip,
        Self::Register,
    ];

    /// The stable name used in paths and files: `receipt`, `supplement_request`, `refusal`,
    /// `apology`, `stop_notice`, `control_slip`, `register`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::SupplementRequest => "supplement_request",
            Self::Refusal => "refusal",
            Self::Apology => "apology",
            Self::StopNotice => "stop_notice",
            Self::ControlSlip => "control_slip",
            Self::Register => "register",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

impl Forms {
    /// The form's number and title in this edition; `None` where the edition has no such form
    /// (the 2018 annex has no stop notice).
    ///
    /// Circular 01/2018/TT-VPCP, annex: 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả; 02 Phiếu yêu
    /// cầu bổ sung, hoàn thiện hồ sơ; 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ; 04 Phiếu xin lỗi
    /// và hẹn lại ngày trả kết quả; 05 Phiếu kiểm soát quá trình giải quyết hồ sơ; 06 Sổ theo dõi
    /// hồ sơ. Circular 03/2025/TT-VPCP, Annex I: 01–03 as before; 04 Văn bản xin lỗi và đề nghị gia
    /// hạn thời gian giải quyết; 05 Thông báo dừng giải quyết hồ sơ; 06 Phiếu kiểm soát quá trình
    /// giải quyết hồ sơ; 07 Sổ theo dõi hồ sơ (the list as published, docs/LEGAL.md L1; the
    /// layouts are not confirmed).
    pub fn form(self, kind: FormKind) -> Option<(&'static str, &'static str)> {
        use FormKind as K;
        Some(match (self, kind) {
            (_, K::Receipt) => ("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
            (_, K::SupplementRequest) => ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
            (_, K::Refusal) => ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
            (Self::Circular01of2018, K::Apology) => {
                ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
            }
            (Self::Circular01of2018, K::StopNotice) => return None,
            (Self::Circular01of2018, K::ControlSlip) => {
                ("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ")
            }
            (Self::Circular01of2018, K::Register) => ("06", "Sổ theo dõi hồ sơ"),
            (Self::Circular03of2025, K::Apology) => (
                "04",
                "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            ),
            (Self::Circular03of2025, K::StopNotice) => ("05", "Thông báo dừng giải quyết hồ sơ"),
            (Self::Circular03of2025, K::ControlSlip) => {
                ("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ")
            }
            (Self::Circular03of2025, K::Register) => ("07", "Sổ theo dõi hồ sơ"),
        })
    }

    /// The kinds this edition has, in number order.
    pub fn kinds(self) -> Vec<FormKind> {
        let mut kinds: Vec<FormKind> = FormKind::ALL
            .into_iter()
            .filter(|k| self.form(*k).is_some())
            .collect();
        kinds.sort_by_key(|k| self.form(*k).map(|(n, _)| n));
        kinds
    }

    /// The kind numbered `number` in this edition.
    pub fn kind_numbered(self, number: &str) -> Option<FormKind> {
        FormKind::ALL
            .into_iter()
            .find(|k| self.form(*k).is_some_and(|(n, _)| n == number.trim()))
    }

    /// The line every form of this edition carries under its number (the 2018 circular's date is
    /// left out, not confirmed here).
    pub fn citation(self) -> &'static str {
        match self {
            Self::Circular01of2018 => {
                "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ"
            }
            Self::Circular03of2025 => {
                "Ban hành kèm theo Thông tư số 03/2025/TT-VPCP ngày 15/9/2025 của Văn phòng Chính phủ"
            }
        }
    }
}

/// What governs an event: the decree and the forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edition {
    pub one_stop: OneStop,
    pub forms: Forms,
}

/// The edition in force on the Vietnam day `day`.
pub fn on(day: NaiveDate) -> Edition {
    Edition {
        one_stop: if day < DECREE_118_FROM {
            OneStop::Decree61of2018
        } else {
            OneStop::Decree118of2025
        },
        forms: if day < CIRCULAR_03_2025_FROM {
            Forms::Circular01of2018
        } else {
            Forms::Circular03of2025
        },
    }
}

/// The edition in force at instant `t`, by its day in Vietnam.
pub fn at(t: DateTime<Utc>) -> Edition {
    on(t.with_timezone(&VN_OFFSET).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        VN_OFFSET
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn each_side_of_each_boundary_has_its_edition_by_the_vietnam_day() {
        use Forms::*;
        use OneStop::*;
        let table = [
            (vn(2021, 3, 5, 9, 0), Decree61of2018, Circular01of2018),
            (vn(2025, 6, 30, 23, 59), Decree61of2018, Circular01of2018),
            (vn(2025, 7, 1, 0, 0), Decree118of2025, Circular01of2018),
            (vn(2025, 9, 14, 23, 59), Decree118of2025, Circular01of2018),
            (vn(2025, 9, 15, 0, 0), Decree118of2025, Circular03of2025),
            (vn(2026, 12, 4, 10, 0), Decree118of2025, Circular03of2025),
        ];
        for (t, one_stop, forms) in table {
            assert_eq!(at(t), Edition { one_stop, forms }, "{t}");
        }
        // 1/7/2025 00:30 in Hà Nội is still 30/6 in UTC: the Vietnam day decides.
        let early = vn(2025, 7, 1, 0, 30);
        assert_eq!(early.date_naive(), ymd(2025, 6, 30));
        assert_eq!(at(early).one_stop, Decree118of2025);
    }

    #[test]
    fn forms_are_numbered_and_titled_by_their_edition() {
        use FormKind as K;
        let old = Forms::Circular01of2018;
        let new = Forms::Circular03of2025;
        assert_eq!(old.form(K::ControlSlip).unwrap().0, "05");
        assert_eq!(new.form(K::ControlSlip).unwrap().0, "06");
        assert_eq!(old.form(K::StopNotice), None);
        assert_eq!(
            new.form(K::StopNotice),
            Some(("05", "Thông báo dừng giải quyết hồ sơ"))
        );
        assert_eq!(old.form(K::Register).unwrap().0, "06");
        assert_eq!(new.form(K::Register).unwrap().0, "07");
        assert_ne!(old.form(K::Apology), new.form(K::Apology));
        let numbers =
            |f: Forms| -> Vec<&str> { f.kinds().iter().map(|k| f.form(*k).unwrap().0).collect() };
        assert_eq!(numbers(old), ["01", "02", "03", "04", "05", "06"]);
        assert_eq!(numbers(new), ["01", "02", "03", "04", "05", "06", "07"]);
        assert_eq!(old.kind_numbered("05"), Some(K::ControlSlip));
        assert_eq!(new.kind_numbered("05"), Some(K::StopNotice));
        assert_eq!(new.kind_numbered("08"), None);
        for f in [old, new] {
            for k in f.kinds() {
                let (_, title) = f.form(k).unwrap();
                assert_eq!(crate::catalog::fold::nfc(title), title, "{title} is NFC");
                assert_eq!(FormKind::parse(k.code()), Some(k));
            }
        }
        assert!(old.citation().contains("01/2018/TT-VPCP"));
        assert!(new.citation().contains("03/2025/TT-VPCP"));
    }
}
