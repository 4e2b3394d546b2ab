//! The dossier code (mã hồ sơ) `{OrganId}-{yymmdd}-{sequence}`, unique per agency (domain rules §1.1;
//! Circular 01/2018 art. 1 puts the dossier code in scope), and the look-up code given to the
//! applicant with it.

use crate::org::OrganId;
use chrono::NaiveDate;
use std::fmt;

/// Digits of the daily sequence: ministry portals use 6–7 (domain rules §1.1).
pub const SEQUENCE_DIGITS: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DossierCode {
    organ_id: OrganId,
    day: NaiveDate,
    sequence: u32,
}

impl DossierCode {
    pub fn new(organ_id: OrganId, day: NaiveDate, sequence: u32) -> Option<Self> {
        (1..10u32.pow(SEQUENCE_DIGITS as u32))
            .contains(&sequence)
            .then_some(Self {
                organ_id,
                day,
                sequence,
            })
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "mã hồ sơ «{}» không đúng dạng (ví dụ 000.00.00.G22-260213-000001)",
                raw.trim()
            )
        };
        let mut parts = raw.trim().rsplitn(3, '-');
        let (Some(seq), Some(day), Some(organ)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let organ_id = OrganId::parse(organ).map_err(|_| bad())?;
        let day = (day.len() == 6)
            .then(|| NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d").ok())
            .flatten()
            .ok_or_else(bad)?;
        let sequence = (seq.len() == SEQUENCE_DIGITS && seq.bytes().all(|b| b.is_ascii_digit()))
            .then(|| seq.parse().ok())
            .flatten()
            .ok_or_else(bad)?;
        Self::new(organ_id, day, sequence).ok_or_else(bad)
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:0width$}",
            self.organ_id,
            self.day.format("%y%m%d"),
            self.sequence,
            width = SEQUENCE_DIGITS
        )
    }
}

/// The alphabet of look-up codes: no 0/O, 1/I/L, so a code read over the phone is not mistaken.
pub const LOOKUP_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LOOKUP_LEN: usize = 8;

/// A look-up code (mã tra cứu) from random bytes (the caller supplies them: the domain does no I/O).
/// 8 characters of a 31-letter alphabet: about 2^39.6 codes.
pub fn lookup_code(random: [u8; LOOKUP_LEN]) -> String {
    random
        .iter()
        .map(|b| LOOKUP_ALPHABET[usize::from(*b) % LOOKUP_ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_print_and_parse_back() {
        let organ = OrganId::parse("000.00.00.G22").unwrap();
        let code =
            DossierCode::new(organ, NaiveDate::from_ymd_opt(2026, 2, 13).unwrap(), 975).unwrap();
        assert_eq!(code.to_string(), "000.00.00.G22-260213-000975");
        assert_eq!(DossierCode::parse("000.00.00.G22-260213-000975"), Ok(code));
        assert!(
            DossierCode::parse("H15.50.05.13-261008-0975").is_err(),
            "4-digit provincial sequences are not ours"
        );
        for bad in [
            "",
            "000.00.00.G22-261313-000001",
            "000.00.00.G22-260213-00000a",
            "x-260213-000001",
            "000.00.00.G22-260213-000000",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lookup_codes_avoid_ambiguous_letters() {
        let c = lookup_code([0, 1, 7, 30, 31, 200, 255, 128]);
        assert_eq!(c.len(), LOOKUP_LEN);
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']), "{c}");
    }
}
