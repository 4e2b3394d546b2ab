//! Verifying every signature of a PDF: its byte range, the CMS signature over those bytes, the
//! chain to the trust store, and what the update after it changed.

use super::*;

/// One signature as motcua judges it. The first six fields are the contract of
/// `motcua pdf verify --json` and the API.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The signer's common name.
    pub signer: String,
    /// The signing time claimed in /M (RFC 3339), B-B has no proof of time.
    pub signed_at: Option<String>,
    /// The covered bytes are unchanged and the signature verifies with the signer's key.
    pub intact: bool,
    /// The signature covers the file to its last byte.
    pub covers_whole_document: bool,
    /// The signer's certificate chains to a trusted root, every certificate valid now and not revoked.
    pub trusted: bool,
    /// Why the signature is or is not acceptable (Vietnamese).
    pub reason: String,
    /// The signer's key may sign documents (key usage digitalSignature or nonRepudiation).
    pub key_usage_ok: bool,
    /// Everything found wrong, in Vietnamese.
    pub problems: Vec<String>,
    /// The reason the signer stated (/Reason).
    pub stated_reason: Option<String>,
    /// The signer's organisation (O=) and certificate issuer.
    pub issuer: String,
    /// /SubFilter, e.g. ETSI.CAdES.detached.
    pub sub_filter: Option<String>,
    /// The byte range signed.
    pub byte_range: [u64; 4],
}

/// The verdict on a whole file.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub signatures: Vec<SignatureReport>,
    /// At least one signature, every signature intact, trusted and allowed to sign, and the last
    /// one covering the whole file.
    pub valid: bool,
    /// Problems with the file as a whole (Vietnamese).
    pub problems: Vec<String>,
}

/// Finds `/Key value` in a dictionary's text: a literal or hex string, or a name.
pub(super) fn dict_value(dict: &[u8], key: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    while let Some(pos) = find(&dict[at..], key).map(|p| p + at) {
        let after = pos + key.len();
        at = after;
        // The key must end here (not /Reason… matching /ReasonX).
        if dict.get(after).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let mut i = after;
        while dict.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        match dict.get(i)? {
            b'(' => {
                let mut depth = 0;
                let mut out = Vec::new();
                let mut j = i;
                while let Some(&c) = dict.get(j) {
                    match c {
                        b'\\' => {
                            j += 1;
                            let e = *dict.get(j)?;
                            out.push(match e {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                other => other,
                            });
                        }
                        b'(' => {
                            if depth > 0 {
                                out.push(c);
                            }
                            depth += 1;
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(out);
                            }
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                    j += 1;
                }
                return None;
            }
            b'<' => {
                let end = find(&dict[i..], b">")? + i;
                return unhex(&dict[i + 1..end]);
            }
            b'/' => {
                let end = dict[i + 1..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || b"/<>[]()".contains(c))
                    .map_or(dict.len(), |p| p + i + 1);
                return Some(dict[i + 1..end].to_vec());
            }
            _ => return None,
        }
    }
    None
}

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Decodes a PDF text string (UTF-16BE with BOM, or PDFDocEncoding taken as Latin-1).
pub(super) fn decode_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_owned()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

pub(super) fn parse_byte_range(data: &[u8], at: usize) -> Option<[u64; 4]> {
    let mut i = at;
    while data.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    if *data.get(i)? != b'[' {
        return None;
    }
    let end = data[i..].iter().take(200).position(|&c| c == b']')? + i;
    let text = std::str::from_utf8(&data[i + 1..end]).ok()?;
    let nums: Vec<u64> = text
        .split_ascii_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    <[u64; 4]>::try_from(nums).ok()
}

/// Verifies every signature in `data` against `trust`, at `now` (seconds since the epoch).
pub fn verify_pdf(data: &[u8], trust: &TrustStore, now: i64) -> Result<VerifyReport, SignError> {
    let head = &data[..data.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(SignError::NotPdf);
    }
    let mut problems = Vec::new();
    match Document::load_mem(data) {
        Ok(doc) => {
            if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
                return Err(SignError::EncryptedPdf);
            }
            if doc.xref_recovery.is_some() {
                problems.push("bảng tham chiếu chéo (xref) hỏng; tệp có thể đã bị sửa".to_owned());
            }
        }
        Err(e) => problems.push(format!("cấu trúc PDF hỏng: {e}")),
    }
    let tail = &data[data.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        problems.push("thiếu dấu kết thúc %%EOF (tệp bị cắt cụt?)".to_owned());
    }

    let mut signatures = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut at = 0;
    while let Some(pos) = find(&data[at..], b"/ByteRange").map(|p| p + at) {
        at = pos + 10;
        let Some(range) = parse_byte_range(data, at) else {
            continue;
        };
        if !seen.insert(range) {
            continue;
        }
        signatures.push(check_one(data, pos, range, trust, now));
    }
    signatures.sort_by_key(|s| s.byte_range[2] + s.byte_range[3]);
    if signatures.is_empty() {
        problems.push("tệp không có chữ ký số".to_owned());
    }
    let last_covers = signatures.last().is_some_and(|s| s.covers_whole_document);
    if !signatures.is_empty() && !last_covers {
        problems.push("có nội dung được thêm vào sau chữ ký cuối cùng".to_owned());
    }
    let valid = problems.is_empty()
        && signatures
            .iter()
            .all(|s| s.intact && s.trusted && s.key_usage_ok)
        && last_covers;
    Ok(VerifyReport {
        signatures,
        valid,
        problems,
    })
}

pub(super) fn check_one(
    data: &[u8],
    pos: usize,
    range: [u64; 4],
    trust: &TrustStore,
    now: i64,
) -> SignatureReport {
    let mut report = SignatureReport {
        signer: String::new(),
        signed_at: None,
        intact: false,
        covers_whole_document: false,
        trusted: false,
        reason: String::new(),
        key_usage_ok: false,
        problems: Vec::new(),
        stated_reason: None,
        issuer: String::new(),
        sub_filter: None,
        byte_range: range,
    };
    let len = data.len() as u64;
    let [a, b, c, d] = range;
    let well_formed = a == 0 && b > 0 && c > b + 1 && c.checked_add(d).is_some_and(|e| e <= len);
    if !well_formed {
        report
            .problems
            .push("vùng ký (ByteRange) không hợp lệ".into());
        report.reason = report.problems.join("; ");
        return report;
    }
    let (b, c, d) = (b as usize, c as usize, d as usize);
    report.covers_whole_document = (c + d) as u64 == len;
    let gap = &data[b..c];
    let contents = if gap.first() == Some(&b'<') && gap.last() == Some(&b'>') {
        unhex(&gap[1..gap.len() - 1])
    } else {
        None
    };
    // The signature dictionary's text around /ByteRange, without the /Contents hex.
    let start = rfind(&data[..pos], b"obj").unwrap_or(0);
    let end = find(&data[pos.max(c)..], b"endobj").map_or(data.len(), |e| e + pos.max(c));
    let mut dict = data[start..b.min(end).max(start)].to_vec();
    if c < end {
        dict.extend_from_slice(&data[c.max(start)..end]);
    }
    if pos > c || pos < start {
        dict = data[start..end].to_vec();
    }
    report.signed_at = dict_value(&dict, b"/M")
        .and_then(|m| parse_pdf_date(&String::from_utf8_lossy(&m)))
        .map(|t| t.to_rfc3339());
    report.stated_reason = dict_value(&dict, b"/Reason").map(|r| decode_text(&r));
    report.sub_filter =
        dict_value(&dict, b"/SubFilter").map(|s| String::from_utf8_lossy(&s).into_owned());

    let Some(contents) = contents else {
        report
            .problems
            .push("giá trị chữ ký (/Contents) không nằm đúng giữa vùng ký".into());
        report.reason = report.problems.join("; ");
        return report;
    };
    let check = cades::check_detached(&contents, &[&data[..b], &data[c..c + d]]);
    if let Some(problem) = &check.problem {
        report.problems.push(problem.clone());
    }
    report.intact = check.digest_matches && check.signature_verifies;
    if let Some(cert) = &check.signer {
        report.signer = trust::common_name(cert);
        report.issuer = cert.tbs_certificate.issuer.to_string();
        report.key_usage_ok = trust::may_sign_documents(cert);
        if !report.key_usage_ok {
            report
                .problems
                .push("chứng thư không được phép dùng để ký văn bản".into());
        }
        // B-B carries no proof of time: the certificates must be valid now, and at the time claimed.
        let claimed = report
            .signed_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp());
        let mut times = vec![now];
        times.extend(claimed);
        let verdict = trust.check_chain_at(cert, &check.certificates, &times);
        match verdict {
            ChainVerdict::Trusted => report.trusted = true,
            ChainVerdict::Untrusted(why) => report.problems.push(why),
        }
    }
    if !report.covers_whole_document {
        report
            .problems
            .push("chữ ký không bao trùm toàn bộ tệp (có phần được thêm sau khi ký)".into());
    }
    report.reason = if report.intact && report.trusted && report.key_usage_ok {
        if report.covers_whole_document {
            "Chữ ký hợp lệ; toàn bộ tài liệu được ký".to_owned()
        } else {
            "Chữ ký hợp lệ cho phiên bản đã ký; sau đó tài liệu được bổ sung (ví dụ chữ ký tiếp theo)"
                .to_owned()
        }
    } else {
        report.problems.join("; ")
    };
    report
}
