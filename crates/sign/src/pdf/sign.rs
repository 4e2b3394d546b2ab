//! Signing: the incremental update with the signature dictionary, field and widget, the byte range
//! and the CMS signature written into the reserved /Contents.

use super::*;

/// Room for the CMS blob: the certificates, the signature and attributes, and space for an
/// RFC 3161 time-stamp token added later (B-T).
pub(super) fn contents_capacity(signer: &dyn Signer) -> Result<usize, SignError> {
    use der::Encode;
    let mut n = signer.certificate().to_der()?.len();
    for c in signer.chain() {
        n += c.to_der()?.len();
    }
    Ok((n + 2048 + 6144).div_ceil(1024) * 1024)
}

pub(super) const BYTE_RANGE_WIDTH: usize = 48;

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
