//! Accounts: who may sign in, and with which role.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The roles of motcua. A user has exactly one role and belongs to one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A citizen or a business filing dossiers (người nộp hồ sơ: công dân, doanh nghiệp).
    Applicant,
    /// An officer at the one-stop desk who receives dossiers and returns results (Decree 61/2018 art. 8).
    DeskOfficer,
    /// An officer of a unit who appraises dossiers and drafts documents.
    Officer,
    /// The head of a unit (thủ trưởng đơn vị); the seed's M1 makes him answer for its reform work.
    UnitLeader,
    /// The administrative-reform office (bộ phận CCHC) that keeps the plan and its scorecard.
    ParOfficer,
    /// An editor of the public portal.
    Editor,
    /// An operator of the ministry's installation of motcua.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Self::Applicant,
        Self::DeskOfficer,
        Self::Officer,
        Self::UnitLeader,
        Self::ParOfficer,
        Self::Editor,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::DeskOfficer => "desk_officer",
            Self::Officer => "officer",
            Self::UnitLeader => "unit_leader",
            Self::ParOfficer => "par_officer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| AccountError::UnknownRole(raw.trim().to_owned()))
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Applicant => "Người nộp hồ sơ",
            Self::DeskOfficer => "Cán bộ một cửa",
            Self::Officer => "Chuyên viên",
            Self::UnitLeader => "Lãnh đạo đơn vị",
            Self::ParOfficer => "Cán bộ CCHC",
            Self::Editor => "Biên tập viên cổng thông tin",
            Self::Admin => "Quản trị hệ thống",
        }
    }

    /// Whether the role is held by staff of the ministry (as opposed to the public).
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Applicant)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error(
        "vai trò không tồn tại: {0} (các vai trò: applicant, desk_officer, officer, unit_leader, par_officer, editor, admin)"
    )]
    UnknownRole(String),
    #[error("địa chỉ thư điện tử không hợp lệ")]
    BadEmail,
    #[error("họ và tên phải có từ 2 đến 200 ký tự")]
    BadName,
    #[error("mật khẩu phải có ít nhất 10 ký tự")]
    WeakPassword,
}

/// An e-mail address used as the login name. Stored trimmed and lower-cased so that one person has
/// one account whatever the case typed.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s = raw.trim().to_lowercase();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(AccountError::BadEmail);
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s))
        } else {
            Err(AccountError::BadEmail)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// E-mail addresses are personal data (Decree 13/2023 art. 2; from 1/1/2026 Law 91/2025/QH15): the
/// Debug form hides the local part so that it never reaches a log by accident.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.split_once('@').map(|(_, d)| d).unwrap_or("");
        write!(f, "Email(***@{domain})")
    }
}

/// A person's full name as shown in pages (Vietnamese with diacritics). Personal data: its
/// `Debug` form shows only the length.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName(*** {} chars)", self.0.chars().count())
    }
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = s.chars().count();
        if (2..=200).contains(&n) && !s.chars().any(char::is_control) {
            Ok(Self(s))
        } else {
            Err(AccountError::BadName)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed, checked against the minimum length. Never printed.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s = raw.trim_end_matches(['\r', '\n']);
        if s.chars().count() >= Self::MIN_CHARS {
            Ok(Self(s.to_owned()))
        } else {
            Err(AccountError::WeakPassword)
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_roles_are_named() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert_eq!(
            Role::parse("root"),
            Err(AccountError::UnknownRole("root".into()))
        );
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" An.Nguyen@Mic.Gov.VN ").map(|e| e.0),
            Ok("an.nguyen@mic.gov.vn".into())
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@mic.gov.vn",
            "a b@mic.gov.vn",
            "a@.vn",
            "a@vn.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_debug_hides_the_person() {
        let e = Email::parse("tuan.nguyen@mic.gov.vn").map(|e| format!("{e:?}"));
        assert_eq!(e, Ok("Email(***@mic.gov.vn)".into()));
    }

    #[test]
    fn names_keep_vietnamese_and_fold_spaces() {
        assert_eq!(
            PersonName::parse("  Nguyễn   Thanh Tuấn ").map(|n| n.0),
            Ok("Nguyễn Thanh Tuấn".into())
        );
        assert!(PersonName::parse("A").is_err());
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(NewPassword::parse("short").is_err());
        let p = NewPassword::parse("mật khẩu dài đủ\n");
        assert_eq!(p.as_ref().map(|p| p.expose()), Ok("mật khẩu dài đủ"));
        assert_eq!(p.map(|p| format!("{p:?}")), Ok("NewPassword(***)".into()));
    }
}
