//! Official documents (văn bản hành chính): their types, urgency and secrecy marks, authority marks,
//! and how number and notation (số, ký hiệu) are formed (Decree 30/2020/NĐ-CP on clerical work).
//!
//! - Types and abbreviations: art. 7 (the 29 administrative types) and Annex III.
//! - Number: art. 15 and Annex I §II.3 — Arabic numerals, from 01 on 1 January to 31 December,
//!   unique per issuing organisation per year, a leading 0 below 10, shared by paper and electronic
//!   documents; separate series for each type of legal normative document and for secret documents.
//! - Notation: the type's abbreviation and the issuer's, joined by "-" (`15/QĐ-BTTTT`); a công văn
//!   has no type abbreviation: the issuer's and the drafting unit's (`05/BTTTT-VP`); "/" separates
//!   number and notation, no spaces.
//! - Authority marks: art. 13 (TM., Q., KT., TL., TUQ.).

use serde::{Deserialize, Serialize};

/// The 29 administrative document types of Decree 30/2020 art. 7, with Annex III's abbreviations.
/// (code, Vietnamese name, abbreviation; empty when the type's notation has none, as công văn.)
pub const TYPES: [(&str, &str, &str); 29] = [
    ("nghi_quyet", "Nghị quyết", "NQ"),
    ("quyet_dinh", "Quyết định", "QĐ"),
    ("chi_thi", "Chỉ thị", "CT"),
    ("quy_che", "Quy chế", "QC"),
    ("quy_dinh", "Quy định", "QyĐ"),
    ("thong_cao", "Thông cáo", "TC"),
    ("thong_bao", "Thông báo", "TB"),
    ("huong_dan", "Hướng dẫn", "HD"),
    ("chuong_trinh", "Chương trình", "CTr"),
    ("ke_hoach", "Kế hoạch", "KH"),
    ("phuong_an", "Phương án", "PA"),
    ("de_an", "Đề án", "ĐA"),
    ("du_an", "Dự án", "DA"),
    ("bao_cao", "Báo cáo", "BC"),
    ("bien_ban", "Biên bản", "BB"),
    ("to_trinh", "Tờ trình", "TTr"),
    ("hop_dong", "Hợp đồng", "HĐ"),
    ("cong_van", "Công văn", ""),
    ("cong_dien", "Công điện", "CĐ"),
    ("ban_ghi_nho", "Bản ghi nhớ", "BGN"),
    ("ban_thoa_thuan", "Bản thỏa thuận", "BTT"),
    ("giay_uy_quyen", "Giấy ủy quyền", "GUQ"),
    ("giay_moi", "Giấy mời", "GM"),
    ("giay_gioi_thieu", "Giấy giới thiệu", "GGT"),
    ("giay_nghi_phep", "Giấy nghỉ phép", "GNP"),
    ("phieu_gui", "Phiếu gửi", "PG"),
    ("phieu_chuyen", "Phiếu chuyển", "PC"),
    ("phieu_bao", "Phiếu báo", "PB"),
    ("thu_cong", "Thư công", ""),
];

/// Legal normative document types an agency of a ministry issues (Law 80/2015/QH13 on
/// promulgation of legal documents, art. 4): each has its own number series (Decree 30/2020,
/// Annex I §II.3). The minister issues thông tư; joint circulars are numbered by the lead agency.
pub const LEGAL_TYPES: [(&str, &str, &str); 2] = [
    ("thong_tu", "Thông tư", "TT"),
    ("thong_tu_lien_tich", "Thông tư liên tịch", "TTLT"),
];

/// A document type: one of [`TYPES`] or [`LEGAL_TYPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocType {
    pub code: &'static str,
    pub name: &'static str,
    pub abbreviation: &'static str,
    /// A legal normative document (its own number series).
    pub legal: bool,
}

impl DocType {
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim();
        TYPES
            .iter()
            .map(|t| (t, false))
            .chain(LEGAL_TYPES.iter().map(|t| (t, true)))
            .find(|((c, _, _), _)| *c == code)
            .map(|((code, name, abbreviation), legal)| Self {
                code,
                name,
                abbreviation,
                legal,
            })
    }

    pub fn all() -> impl Iterator<Item = Self> {
        TYPES
            .iter()
            .chain(LEGAL_TYPES.iter())
            .filter_map(|(c, _, _)| Self::parse(c))
    }
}

/// Urgency (Decree 30/2020 art. 8; edXML Priority 0–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    #[default]
    Normal,
    Urgent,
    VeryUrgent,
    Flash,
}

impl Urgency {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "normal" | "" => Self::Normal,
            "urgent" => Self::Urgent,
            "very_urgent" => Self::VeryUrgent,
            "flash" => Self::Flash,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Urgent => "urgent",
            Self::VeryUrgent => "very_urgent",
            Self::Flash => "flash",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Normal => "Thường",
            Self::Urgent => "Khẩn",
            Self::VeryUrgent => "Thượng khẩn",
            Self::Flash => "Hỏa tốc",
        }
    }
}

/// Secrecy (Decree 30/2020 art. 8; Law 29/2018/QH14 on protecting state secrets, art. 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Secrecy {
    #[default]
    None,
    Secret,
    TopSecret,
    AbsoluteSecret,
}

impl Secrecy {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "none" | "" => Self::None,
            "mat" => Self::Secret,
            "toi_mat" => Self::TopSecret,
            "tuyet_mat" => Self::AbsoluteSecret,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Secret => "mat",
            Self::TopSecret => "toi_mat",
            Self::AbsoluteSecret => "tuyet_mat",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Secret => "Mật",
            Self::TopSecret => "Tối mật",
            Self::AbsoluteSecret => "Tuyệt mật",
        }
    }
}

/// Authority marks of the signer (Decree 30/2020 art. 13).
pub const AUTHORITY_MARKS: [&str; 5] = ["TM.", "Q.", "KT.", "TL.", "TUQ."];

/// The number series a document takes its number from: one per legal normative type, one for
/// secret documents, one for every other document of the organisation (Annex I §II.3).
pub fn series(doc_type: &DocType, secrecy: Secrecy) -> String {
    if doc_type.legal {
        format!("vbqppl:{}", doc_type.abbreviation)
    } else if secrecy != Secrecy::None {
        "mat".to_owned()
    } else {
        "chung".to_owned()
    }
}

/// The number as written: a leading 0 below 10 (Annex I §II.3.a).
pub fn number_text(n: i64) -> String {
    format!("{n:02}")
}

/// The notation (ký hiệu): `QĐ-BTTTT`, or for a công văn (and thư công) `BTTTT-VP`; a legal
/// normative document adds nothing else (`TT-BTTTT`).
pub fn notation(doc_type: &DocType, issuer: &str, drafting_unit: &str) -> String {
    if doc_type.abbreviation.is_empty() {
        if drafting_unit.trim().is_empty() {
            issuer.trim().to_owned()
        } else {
            format!("{}-{}", issuer.trim(), drafting_unit.trim())
        }
    } else {
        format!("{}-{}", doc_type.abbreviation, issuer.trim())
    }
}

/// Number and notation as printed: `15/QĐ-BTTTT`.
pub fn code(number: i64, notation: &str) -> String {
    format!("{}/{}", number_text(number), notation)
}

/// A step in handling an incoming document (Decree 30/2020/NĐ-CP art. 24: the office presents the
/// registered document to the leader the same day or the next working day; the leader assigns the
/// unit that handles it, with a due date; the unit reports progress and completion). Each step is
/// reported to the sender with the QCVN 102:2016 status of [`HandlingStep::status_code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlingStep {
    /// Trình lãnh đạo.
    Present,
    /// Phân công (giao đơn vị xử lý, hạn xử lý); a leader may assign again.
    Assign,
    /// Đang xử lý.
    Start,
    /// Hoàn thành.
    Complete,
}

impl HandlingStep {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "present" => Self::Present,
            "assign" => Self::Assign,
            "start" => Self::Start,
            "complete" => Self::Complete,
            _ => return None,
        })
    }

    /// The handling status the step leads to.
    pub fn target(self) -> &'static str {
        match self {
            Self::Present => "presented",
            Self::Assign => "assigned",
            Self::Start => "in_progress",
            Self::Complete => "completed",
        }
    }

    /// The QCVN 102:2016 status reported to the sender: 04 assigned, 05 in progress, 06 completed;
    /// presenting to the leader is internal (none).
    pub fn status_code(self) -> Option<&'static str> {
        match self {
            Self::Present => None,
            Self::Assign => Some("04"),
            Self::Start => Some("05"),
            Self::Complete => Some("06"),
        }
    }

    /// Whether the step may follow the current handling status; otherwise the reason, in Vietnamese.
    pub fn allowed_from(self, status: &str) -> Result<(), &'static str> {
        let ok = match self {
            Self::Present => status == "registered",
            // The leader assigns what was presented (or, taking it up directly, what was
            // registered), and may reassign work not yet completed.
            Self::Assign => matches!(
                status,
                "registered" | "presented" | "assigned" | "in_progress"
            ),
            Self::Start => status == "assigned",
            Self::Complete => matches!(status, "assigned" | "in_progress"),
        };
        if ok {
            return Ok(());
        }
        Err(match status {
            "completed" => "văn bản đã được xử lý xong",
            "recalled" => "văn bản đã bị bên gửi lấy lại",
            _ => match self {
                Self::Present => "văn bản đã được trình lãnh đạo",
                Self::Assign => "văn bản không ở trạng thái có thể phân công",
                Self::Start | Self::Complete => "văn bản chưa được lãnh đạo phân công xử lý",
            },
        })
    }
}

/// The handling status in Vietnamese, for pages and registers.
pub fn handling_label_vi(status: &str) -> &'static str {
    match status {
        "registered" => "Đã vào sổ, chờ trình",
        "presented" => "Đã trình lãnh đạo",
        "assigned" => "Đã phân công",
        "in_progress" => "Đang xử lý",
        "completed" => "Hoàn thành",
        "recalled" => "Đã bị lấy lại",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_29_administrative_types_with_unique_codes() {
        let mut codes: Vec<_> = TYPES.iter().map(|t| t.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 29);
        let abbrs: Vec<_> = TYPES
            .iter()
            .map(|t| t.2)
            .filter(|a| !a.is_empty())
            .collect();
        let mut unique = abbrs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), abbrs.len(), "abbreviations are unique");
    }

    #[test]
    fn notation_and_number_follow_annex_i() {
        let qd = DocType::parse("quyet_dinh").unwrap_or_else(|| unreachable!());
        let cv = DocType::parse("cong_van").unwrap_or_else(|| unreachable!());
        let tt = DocType::parse("thong_tu").unwrap_or_else(|| unreachable!());
        assert_eq!(code(15, &notation(&qd, "BTTTT", "VP")), "15/QĐ-BTTTT");
        assert_eq!(code(5, &notation(&cv, "BTTTT", "VP")), "05/BTTTT-VP");
        assert_eq!(code(123, &notation(&tt, "BTTTT", "")), "123/TT-BTTTT");
        assert_eq!(series(&qd, Secrecy::None), "chung");
        assert_eq!(series(&cv, Secrecy::Secret), "mat");
        assert_eq!(series(&tt, Secrecy::None), "vbqppl:TT");
        assert!(DocType::parse("khong_co").is_none());
    }

    #[test]
    fn handling_goes_forward_only() {
        use HandlingStep as S;
        assert!(S::Present.allowed_from("registered").is_ok());
        assert!(S::Present.allowed_from("presented").is_err());
        assert!(S::Assign.allowed_from("presented").is_ok());
        assert!(S::Assign.allowed_from("in_progress").is_ok());
        assert!(S::Start.allowed_from("presented").is_err());
        assert!(S::Complete.allowed_from("in_progress").is_ok());
        assert_eq!(
            S::Complete.allowed_from("completed"),
            Err("văn bản đã được xử lý xong")
        );
        assert!(S::Assign.allowed_from("recalled").is_err());
        assert_eq!(S::Assign.status_code(), Some("04"));
        assert_eq!(S::Complete.status_code(), Some("06"));
        assert_eq!(S::Present.status_code(), None);
    }
}
