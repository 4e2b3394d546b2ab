//! Signing a PDF (PAdES baseline B-B, ETSI EN 319 142-1) and verifying every signature in one.
//!
//! Signing appends an incremental update (ISO 32000-1 §7.5.6), so the bytes already signed by
//! someone else never change: the signer signs first, then the organisation adds its signature over
//! the signer's as a second update (Decree 30/2020/NĐ-CP, Annex I §II.6). The update holds a
//! signature dictionary (SubFilter `ETSI.CAdES.detached`, /M the signing time), a signature field
//! that is also its widget (visible with the signature or seal image, or invisible with a zero
//! rectangle), the page's new /Annots and the catalogue's /AcroForm with SigFlags 3.

use std::io::Write;

use chrono::{DateTime, FixedOffset, TimeZone};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat, Writer};
use serde::Serialize;

use crate::image::Rgba;
use crate::keys::{Signer, sha256};
use crate::trust::{self, ChainVerdict, TrustStore};
use crate::{SignError, cades};

mod appearance;
mod sign;
mod verify;

use appearance::*;
pub use sign::*;
pub use verify::*;

/// Where and how the signature shows on the page.
#[derive(Debug, Clone)]
pub struct Appearance {
    /// 1-based page number.
    pub page: usize,
    /// Lower-left x, lower-left y, upper-right x, upper-right y, in points from the page's origin.
    pub rect: [f32; 4],
    /// The image drawn, scaled to fit the rectangle and centred.
    pub image: Option<Rgba>,
}

/// What goes into the signature dictionary besides the signature.
#[derive(Debug, Clone)]
pub struct SignOptions {
    pub reason: Option<String>,
    pub location: Option<String>,
    /// Contact information (e.g. the agency's e-mail).
    pub contact: Option<String>,
    /// The signing time written to /M (Vietnam time).
    pub signed_at: DateTime<FixedOffset>,
    /// None: an invisible signature (rectangle 0 0 0 0 on page 1).
    pub appearance: Option<Appearance>,
}

impl SignOptions {
    /// Options for an invisible signature at `signed_at`.
    pub fn at(signed_at: DateTime<FixedOffset>) -> Self {
        Self {
            reason: None,
            location: None,
            contact: None,
            signed_at,
            appearance: None,
        }
    }
}

fn damaged(what: impl Into<String>) -> SignError {
    SignError::DamagedPdf(what.into())
}

/// Checks that `input` is a whole, unencrypted PDF and loads its structure.
fn load(input: &[u8]) -> Result<Document, SignError> {
    let head = &input[..input.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(SignError::NotPdf);
    }
    let tail = &input[input.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(damaged("thiếu dấu kết thúc %%EOF (tệp bị cắt cụt?)"));
    }
    let doc = Document::load_mem(input).map_err(|e| damaged(e.to_string()))?;
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        return Err(SignError::EncryptedPdf);
    }
    if doc.xref_recovery.is_some() {
        return Err(damaged("bảng tham chiếu chéo (xref) hỏng"));
    }
    if doc.get_pages().is_empty() {
        return Err(damaged("tài liệu không có trang nào"));
    }
    Ok(doc)
}

/// A small whole PDF (A4, classic cross-reference table) with one line of text per page in
/// Times-Roman, for demo data and tests. The text must be printable ASCII (the standard font has
/// no Vietnamese glyphs); parentheses and backslashes are escaped.
pub fn simple_document(lines: &[&str]) -> Vec<u8> {
    let n = lines.len().max(1);
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            (0..n)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>".to_owned(),
    ];
    for i in 0..n {
        let line: String = lines
            .get(i)
            .copied()
            .unwrap_or("")
            .chars()
            .filter(|c| (' '..='~').contains(c))
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let content = format!("BT /F1 13 Tf 72 760 Td ({line}) Tj ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The number of pages of a whole, unencrypted PDF (the refusals of [`sign_pdf`] otherwise).
pub fn page_count(input: &[u8]) -> Result<usize, SignError> {
    Ok(load(input)?.get_pages().len())
}

/// A PDF text string: PDFDocEncoding-safe ASCII as a literal, anything else as UTF-16BE with BOM
/// (ISO 32000-1 §7.9.2.2), so Vietnamese names and reasons read back right.
fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// `D:YYYYMMDDHHmmSS+07'00'` (ISO 32000-1 §7.9.4).
fn pdf_date(t: &DateTime<FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "D:{}{}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        sign,
        off / 3600,
        (off % 3600) / 60
    )
}

/// Parses a PDF date back.
fn parse_pdf_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take(14).collect();
    if digits.len() < 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |a: usize, b: usize| digits[a..b].parse::<u32>().ok();
    let rest = &s[14..];
    let offset = match rest.chars().next() {
        Some('+') | Some('-') => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let parts: String = rest[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let h: i32 = parts.get(0..2)?.parse().ok()?;
            let m: i32 = parts.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
            sign * (h * 3600 + m * 60)
        }
        _ => 0,
    };
    let tz = FixedOffset::east_opt(offset)?;
    tz.with_ymd_and_hms(
        num(0, 4)? as i32,
        num(4, 6)?,
        num(6, 8)?,
        num(8, 10)?,
        num(10, 12)?,
        num(12, 14)?,
    )
    .single()
}

fn hex_upper(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn unhex(hex: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let val = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(digits.len() / 2 + 1);
    for pair in digits.chunks(2) {
        let hi = val(pair[0])?;
        let lo = if pair.len() == 2 { val(pair[1])? } else { 0 };
        out.push(hi << 4 | lo);
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn simple_documents_are_whole_pdfs_with_escaped_text() {
        let pdf = simple_document(&["Quyet dinh (so 15) \\ BTTTT", "Trang 2", "Trang 3"]);
        assert_eq!(page_count(&pdf).unwrap(), 3);
        let doc = Document::load_mem(&pdf).unwrap();
        assert!(
            doc.xref_recovery.is_none(),
            "the cross-reference table is exact"
        );
        assert!(
            pdf.windows(24)
                .any(|w| w == b"(Quyet dinh \\(so 15\\) \\\\")
        );
    }

    #[test]
    fn pdf_dates_round_trip_in_vietnam_time() {
        let vn = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = vn.with_ymd_and_hms(2026, 11, 27, 4, 5, 6).unwrap();
        assert_eq!(pdf_date(&t), "D:20261127040506+07'00'");
        assert_eq!(parse_pdf_date(&pdf_date(&t)), Some(t));
    }
}
