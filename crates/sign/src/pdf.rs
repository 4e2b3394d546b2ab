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

struct Update {
    /// Objects written in this update, by id (generation kept for updated ones).
    objects: Vec<(ObjectId, Vec<u8>)>,
    next_id: u32,
}

impl Update {
    fn new_id(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }
    fn put(&mut self, id: ObjectId, object: &Object) -> Result<(), SignError> {
        let mut body = Vec::new();
        Writer::write_object(&mut body, object).map_err(|e| SignError::Crypto(e.to_string()))?;
        self.objects.push((id, body));
        Ok(())
    }
}

fn deref<'a>(
    doc: &'a Document,
    obj: &'a Object,
) -> Result<(Option<ObjectId>, &'a Object), SignError> {
    doc.dereference(obj).map_err(|e| damaged(e.to_string()))
}

/// The image as an Image XObject with its alpha as a soft mask, both Flate-compressed.
fn image_objects(update: &mut Update, image: &Rgba) -> Result<ObjectId, SignError> {
    use flate2::{Compression, write::ZlibEncoder};
    let mut rgb = Vec::with_capacity(image.pixels.len() / 4 * 3);
    let mut alpha = Vec::with_capacity(image.pixels.len() / 4);
    for px in image.pixels.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
        alpha.push(px[3]);
    }
    let deflate = |data: &[u8]| -> Result<Vec<u8>, SignError> {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data)
            .map_err(|e| SignError::BadImage(e.to_string()))?;
        enc.finish().map_err(|e| SignError::BadImage(e.to_string()))
    };
    let mask_id = update.new_id();
    let mut mask = Dictionary::new();
    mask.set("Type", Object::Name(b"XObject".to_vec()));
    mask.set("Subtype", Object::Name(b"Image".to_vec()));
    mask.set("Width", image.width as i64);
    mask.set("Height", image.height as i64);
    mask.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
    mask.set("BitsPerComponent", 8);
    mask.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mask = lopdf::Stream::new(mask, deflate(&alpha)?).with_compression(false);
    update.put(mask_id, &Object::Stream(mask))?;

    let img_id = update.new_id();
    let mut img = Dictionary::new();
    img.set("Type", Object::Name(b"XObject".to_vec()));
    img.set("Subtype", Object::Name(b"Image".to_vec()));
    img.set("Width", image.width as i64);
    img.set("Height", image.height as i64);
    img.set("ColorSpace", Object::Name(b"DeviceRGB".to_vec()));
    img.set("BitsPerComponent", 8);
    img.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    img.set("SMask", Object::Reference(mask_id));
    let img = lopdf::Stream::new(img, deflate(&rgb)?).with_compression(false);
    update.put(img_id, &Object::Stream(img))?;
    Ok(img_id)
}

/// The widget's normal appearance: the image fitted into the rectangle, or nothing.
fn appearance_stream(
    update: &mut Update,
    width: f32,
    height: f32,
    image: Option<&Rgba>,
) -> Result<ObjectId, SignError> {
    let mut resources = Dictionary::new();
    let mut content = Vec::new();
    if let Some(image) = image {
        let img_id = image_objects(update, image)?;
        let mut xobjects = Dictionary::new();
        xobjects.set("Im0", Object::Reference(img_id));
        resources.set("XObject", Object::Dictionary(xobjects));
        let scale = (width / image.width as f32).min(height / image.height as f32);
        let (w, h) = (image.width as f32 * scale, image.height as f32 * scale);
        let (x, y) = ((width - w) / 2.0, (height - h) / 2.0);
        content = format!("q {w:.3} 0 0 {h:.3} {x:.3} {y:.3} cm /Im0 Do Q").into_bytes();
    }
    let id = update.new_id();
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    dict.set("Resources", Object::Dictionary(resources));
    let stream = lopdf::Stream::new(dict, content).with_compression(false);
    update.put(id, &Object::Stream(stream))?;
    Ok(id)
}

/// Room for the CMS blob: the certificates, the signature and attributes, and space for an
/// RFC 3161 time-stamp token added later (B-T).
fn contents_capacity(signer: &dyn Signer) -> Result<usize, SignError> {
    use der::Encode;
    let mut n = signer.certificate().to_der()?.len();
    for c in signer.chain() {
        n += c.to_der()?.len();
    }
    Ok((n + 2048 + 6144).div_ceil(1024) * 1024)
}

const BYTE_RANGE_WIDTH: usize = 48;

/// Signs `input` and returns the signed PDF (the input followed by one incremental update).
/// Nothing is returned when anything fails; the caller writes the result only on success.
pub fn sign_pdf(
    input: &[u8],
    signer: &dyn Signer,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let doc = load(input)?;
    let cert = signer.certificate();
    let now = options.signed_at.timestamp();
    if now > trust::not_after(cert) {
        let t = chrono::DateTime::from_timestamp(trust::not_after(cert), 0)
            .map(|t| t.format("%d/%m/%Y").to_string())
            .unwrap_or_default();
        return Err(SignError::CertificateExpired(t));
    }
    if now < trust::not_before(cert) {
        let t = chrono::DateTime::from_timestamp(trust::not_before(cert), 0)
            .map(|t| t.format("%d/%m/%Y").to_string())
            .unwrap_or_default();
        return Err(SignError::CertificateNotYetValid(t));
    }
    if !trust::may_sign_documents(cert) {
        return Err(SignError::KeyUsage);
    }

    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as u32;
    let mut update = Update {
        objects: Vec::new(),
        next_id: size.max(doc.max_id + 1),
    };
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| damaged("thiếu /Root trong trailer"))?;
    let pages = doc.get_pages();
    let page_no = options.appearance.as_ref().map_or(1, |a| a.page);
    let page_id = *pages
        .get(&(page_no as u32))
        .ok_or(SignError::NoSuchPage(page_no))?;

    // The field's name: one more than the signature fields already there.
    let existing = doc
        .objects
        .values()
        .filter(|o| {
            o.as_dict().is_ok_and(|d| {
                d.get(b"FT")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Sig")
            })
        })
        .count();
    let field_name = format!("Signature{}", existing + 1);

    let sig_id = update.new_id();
    let widget_id = update.new_id();
    let rect = options.appearance.as_ref().map_or([0.0; 4], |a| a.rect);
    let (w, h) = ((rect[2] - rect[0]).abs(), (rect[3] - rect[1]).abs());
    let ap_id = appearance_stream(
        &mut update,
        w,
        h,
        options.appearance.as_ref().and_then(|a| a.image.as_ref()),
    )?;
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text_string(&field_name));
    widget.set("V", Object::Reference(sig_id));
    // Print + Locked (ISO 32000-1 §12.5.3).
    widget.set("F", 132);
    widget.set("P", Object::Reference(page_id));
    widget.set(
        "Rect",
        Object::Array(rect.iter().map(|v| Object::Real(*v)).collect()),
    );
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(ap_id));
    widget.set("AP", Object::Dictionary(ap));
    update.put(widget_id, &Object::Dictionary(widget))?;

    // The page lists the widget among its annotations.
    let page = doc
        .get_dictionary(page_id)
        .map_err(|e| damaged(e.to_string()))?;
    let mut page = page.clone();
    match page.get(b"Annots") {
        Ok(Object::Reference(arr_id)) => {
            let arr_id = *arr_id;
            let mut arr = doc
                .get_object(arr_id)
                .and_then(Object::as_array)
                .map_err(|e| damaged(e.to_string()))?
                .clone();
            arr.push(Object::Reference(widget_id));
            update.put(arr_id, &Object::Array(arr))?;
        }
        Ok(Object::Array(arr)) => {
            let mut arr = arr.clone();
            arr.push(Object::Reference(widget_id));
            page.set("Annots", Object::Array(arr));
            update.put(page_id, &Object::Dictionary(page))?;
        }
        _ => {
            page.set("Annots", Object::Array(vec![Object::Reference(widget_id)]));
            update.put(page_id, &Object::Dictionary(page))?;
        }
    }

    // The catalogue's AcroForm lists the field; SigFlags 3 = SignaturesExist | AppendOnly.
    let catalog = doc
        .get_dictionary(root_id)
        .map_err(|e| damaged(e.to_string()))?;
    let add_field = |form: &mut Dictionary, update: &mut Update| -> Result<(), SignError> {
        match form.get(b"Fields") {
            Ok(Object::Reference(fid)) => {
                let fid = *fid;
                let mut arr = doc
                    .get_object(fid)
                    .and_then(Object::as_array)
                    .map_err(|e| damaged(e.to_string()))?
                    .clone();
                arr.push(Object::Reference(widget_id));
                update.put(fid, &Object::Array(arr))?;
            }
            Ok(Object::Array(arr)) => {
                let mut arr = arr.clone();
                arr.push(Object::Reference(widget_id));
                form.set("Fields", Object::Array(arr));
            }
            _ => form.set("Fields", Object::Array(vec![Object::Reference(widget_id)])),
        }
        form.set("SigFlags", 3);
        Ok(())
    };
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let form_id = *form_id;
            let form_ref = Object::Reference(form_id);
            let (_, form) = deref(&doc, &form_ref)?;
            let mut form = form.as_dict().map_err(|e| damaged(e.to_string()))?.clone();
            add_field(&mut form, &mut update)?;
            update.put(form_id, &Object::Dictionary(form))?;
        }
        Ok(Object::Dictionary(form)) => {
            let mut form = form.clone();
            add_field(&mut form, &mut update)?;
            let mut catalog = catalog.clone();
            catalog.set("AcroForm", Object::Dictionary(form));
            update.put(root_id, &Object::Dictionary(catalog))?;
        }
        _ => {
            let form_id = update.new_id();
            let mut form = Dictionary::new();
            add_field(&mut form, &mut update)?;
            update.put(form_id, &Object::Dictionary(form))?;
            let mut catalog = catalog.clone();
            catalog.set("AcroForm", Object::Reference(form_id));
            update.put(root_id, &Object::Dictionary(catalog))?;
        }
    }

    // Assemble the update.
    let capacity = contents_capacity(signer)?;
    let mut out = Vec::with_capacity(input.len() + capacity * 2 + 8192);
    out.extend_from_slice(input);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();

    // The signature dictionary, written by hand so the placeholders' offsets are known.
    offsets.push((sig_id, out.len()));
    let mut sig = Vec::new();
    write!(
        sig,
        "{} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached",
        sig_id.0
    )
    .map_err(|e| SignError::Crypto(e.to_string()))?;
    let mut extra = Dictionary::new();
    extra.set(
        "M",
        Object::String(
            pdf_date(&options.signed_at).into_bytes(),
            StringFormat::Literal,
        ),
    );
    extra.set("Name", text_string(&trust::common_name(cert)));
    if let Some(r) = &options.reason {
        extra.set("Reason", text_string(r));
    }
    if let Some(l) = &options.location {
        extra.set("Location", text_string(l));
    }
    if let Some(c) = &options.contact {
        extra.set("ContactInfo", text_string(c));
    }
    for (k, v) in extra.iter() {
        Writer::write_object(&mut sig, &Object::Name(k.clone()))
            .and_then(|_| sig.write_all(b" "))
            .and_then(|_| Writer::write_object(&mut sig, v))
            .map_err(|e| SignError::Crypto(e.to_string()))?;
    }
    sig.extend_from_slice(b"/ByteRange [");
    let byte_range_at = out.len() + sig.len();
    sig.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
    sig.extend_from_slice(b"]/Contents ");
    let contents_start = out.len() + sig.len();
    sig.push(b'<');
    sig.extend(std::iter::repeat_n(b'0', capacity * 2));
    sig.push(b'>');
    let contents_end = out.len() + sig.len();
    sig.extend_from_slice(b">>\nendobj\n");
    out.extend_from_slice(&sig);

    for (id, body) in &update.objects {
        offsets.push((*id, out.len()));
        writeln!(out, "{} {} obj", id.0, id.1).map_err(|e| SignError::Crypto(e.to_string()))?;
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }

    // Cross-reference section in the same form as the one before it.
    let prev = doc.xref_start;
    let classic = input.get(prev..prev + 4) == Some(b"xref");
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root_id));
    if let Ok(info) = doc.trailer.get(b"Info") {
        trailer.set("Info", info.clone());
    }
    let first_id = match doc.trailer.get(b"ID") {
        Ok(Object::Array(ids)) if !ids.is_empty() => ids[0].clone(),
        _ => Object::String(
            sha256(&[input]).get(..16).unwrap_or_default().to_vec(),
            StringFormat::Hexadecimal,
        ),
    };
    let mut new_id = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut new_id);
    trailer.set(
        "ID",
        Object::Array(vec![
            first_id,
            Object::String(new_id.to_vec(), StringFormat::Hexadecimal),
        ]),
    );
    trailer.set("Prev", prev as i64);
    if classic {
        trailer.set("Size", update.next_id as i64);
        offsets.sort_by_key(|(id, _)| id.0);
        let xref_at = out.len();
        out.extend_from_slice(b"xref\n");
        let mut i = 0;
        while i < offsets.len() {
            let mut j = i;
            while j + 1 < offsets.len() && offsets[j + 1].0.0 == offsets[j].0.0 + 1 {
                j += 1;
            }
            writeln!(out, "{} {}", offsets[i].0.0, j - i + 1)
                .map_err(|e| SignError::Crypto(e.to_string()))?;
            for (id, off) in &offsets[i..=j] {
                write!(out, "{off:010} {:05} n\r\n", id.1)
                    .map_err(|e| SignError::Crypto(e.to_string()))?;
            }
            i = j + 1;
        }
        out.extend_from_slice(b"trailer\n");
        Writer::write_object(&mut out, &Object::Dictionary(trailer))
            .map_err(|e| SignError::Crypto(e.to_string()))?;
        write!(out, "\nstartxref\n{xref_at}\n%%EOF\n")
            .map_err(|e| SignError::Crypto(e.to_string()))?;
    } else {
        // A cross-reference stream (ISO 32000-1 §7.5.8), uncompressed, fields 1 4 2.
        let xref_id = update.new_id();
        let xref_at = out.len();
        offsets.push((xref_id, xref_at));
        offsets.sort_by_key(|(id, _)| id.0);
        let mut index = Vec::new();
        let mut data = Vec::new();
        let mut i = 0;
        while i < offsets.len() {
            let mut j = i;
            while j + 1 < offsets.len() && offsets[j + 1].0.0 == offsets[j].0.0 + 1 {
                j += 1;
            }
            index.push(Object::Integer(offsets[i].0.0 as i64));
            index.push(Object::Integer((j - i + 1) as i64));
            for (id, off) in &offsets[i..=j] {
                data.push(1u8);
                data.extend_from_slice(&(*off as u32).to_be_bytes());
                data.extend_from_slice(&id.1.to_be_bytes());
            }
            i = j + 1;
        }
        trailer.set("Type", Object::Name(b"XRef".to_vec()));
        trailer.set("Size", update.next_id as i64);
        trailer.set("Index", Object::Array(index));
        trailer.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
        let stream = lopdf::Stream::new(trailer, data).with_compression(false);
        writeln!(out, "{} 0 obj", xref_id.0).map_err(|e| SignError::Crypto(e.to_string()))?;
        Writer::write_object(&mut out, &Object::Stream(stream))
            .map_err(|e| SignError::Crypto(e.to_string()))?;
        write!(out, "\nendobj\nstartxref\n{xref_at}\n%%EOF\n")
            .map_err(|e| SignError::Crypto(e.to_string()))?;
    }

    // The byte range: everything but the /Contents value.
    let range = format!(
        "0 {} {} {}",
        contents_start,
        contents_end,
        out.len() - contents_end
    );
    if range.len() > BYTE_RANGE_WIDTH {
        return Err(SignError::SignatureTooLarge(range.len()));
    }
    out[byte_range_at..byte_range_at + range.len()].copy_from_slice(range.as_bytes());
    let digest = sha256(&[&out[..contents_start], &out[contents_end..]]);
    let cms = cades::sign_detached(&digest, signer)?;
    if cms.len() > capacity {
        return Err(SignError::SignatureTooLarge(cms.len()));
    }
    let hex = hex_upper(&cms);
    out[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
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
fn dict_value(dict: &[u8], key: &[u8]) -> Option<Vec<u8>> {
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

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Decodes a PDF text string (UTF-16BE with BOM, or PDFDocEncoding taken as Latin-1).
fn decode_text(bytes: &[u8]) -> String {
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

fn parse_byte_range(data: &[u8], at: usize) -> Option<[u64; 4]> {
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

fn check_one(
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
