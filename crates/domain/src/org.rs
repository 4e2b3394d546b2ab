//! Organisation: agencies (cơ quan) and their units (đơn vị).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifier of an agency in inter-agency exchange (mã định danh cơ quan).
///
/// QCVN 102:2016/BTTTT (issued with Circular 10/2016/TT-BTTTT) fixes its shape: four groups separated
/// by dots, at most 13 characters, e.g. `000.00.00.G22`; digits and capital letters only.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("mã định danh cơ quan không đúng định dạng QCVN 102 (ví dụ 000.00.00.G22)")]
    BadOrganId,
    #[error("mã đơn vị chỉ gồm chữ không dấu, chữ số, '-' hoặc '_' (1–32 ký tự)")]
    BadUnitCode,
    #[error("loại đơn vị không hợp lệ")]
    BadUnitKind,
}

impl OrganId {
    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        let s = raw.trim();
        let groups: Vec<&str> = s.split('.').collect();
        let shape_ok = groups.len() == 4
            && s.len() <= 13
            && groups[0].len() == 3
            && groups[1].len() == 2
            && groups[2].len() == 2
            && (2..=3).contains(&groups[3].len())
            && groups.iter().all(|g| {
                g.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            });
        if shape_ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(OrgError::BadOrganId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganId {
    type Error = OrgError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrganId> for String {
    fn from(value: OrganId) -> Self {
        value.0
    }
}

impl fmt::Display for OrganId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Short code of a unit inside its agency (`VP`, `PC`, `MOTCUA`), used on the command line and in
/// imports. Case-insensitive on input, stored upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s))
        } else {
            Err(OrgError::BadUnitCode)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a unit is. The one-stop desk (bộ phận một cửa) is a kind of unit: Decree 61/2018 art. 7 puts
/// it in the ministry's office (Văn phòng Bộ) or a unit the minister designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Văn phòng Bộ.
    Office,
    /// Vụ (advisory department).
    Department,
    /// Cục (general department with its own remit).
    Directorate,
    /// Thanh tra Bộ.
    Inspectorate,
    /// Trung tâm, viện (public service unit).
    Centre,
    /// Bộ phận một cửa.
    OneStopDesk,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        Self::Office,
        Self::Department,
        Self::Directorate,
        Self::Inspectorate,
        Self::Centre,
        Self::OneStopDesk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Department => "department",
            Self::Directorate => "directorate",
            Self::Inspectorate => "inspectorate",
            Self::Centre => "centre",
            Self::OneStopDesk => "one_stop_desk",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or(OrgError::BadUnitKind)
    }

    /// The Vietnamese name shown in pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Office => "Văn phòng",
            Self::Department => "Vụ",
            Self::Directorate => "Cục",
            Self::Inspectorate => "Thanh tra",
            Self::Centre => "Trung tâm",
            Self::OneStopDesk => "Bộ phận Một cửa",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organ_ids_of_qcvn_102_shape_are_accepted() {
        for ok in ["000.00.00.G22", "H15.50.05.13", "000.00.12.H29"] {
            assert_eq!(OrganId::parse(ok).map(|o| o.to_string()), Ok(ok.to_owned()));
        }
    }

    #[test]
    fn organ_ids_of_another_shape_are_refused() {
        for bad in [
            "",
            "000.00.00",
            "000.00.00.g22",
            "0000.00.00.G22",
            "000.00.00.G2234",
            "000-00-00-G22",
        ] {
            assert_eq!(OrganId::parse(bad), Err(OrgError::BadOrganId), "{bad}");
        }
    }

    #[test]
    fn unit_codes_are_upper_cased_and_checked() {
        assert_eq!(
            UnitCode::parse(" motcua ").map(|c| c.as_str().to_owned()),
            Ok("MOTCUA".into())
        );
        assert!(UnitCode::parse("Vụ").is_err());
        assert!(UnitCode::parse("").is_err());
    }

    #[test]
    fn unit_kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Ok(k));
        }
        assert!(UnitKind::parse("ministry").is_err());
    }
}
