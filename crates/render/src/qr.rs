//! QR codes as SVG: the public page of a procedure and the receipt (form 01) carry one with the
//! address to open (Decree 61/2018/NĐ-CP art. 4 as amended: procedures and dossier progress
//! public on the portal).

/// A QR code of `link`, as SVG of at least 132 × 132 px with its quiet zone.
pub fn svg(link: &str) -> Result<String, qrcode::types::QrError> {
    let qr = qrcode::QrCode::new(link.as_bytes())?;
    Ok(qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(132, 132)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_becomes_an_svg_square() {
        let svg = super::svg("https://dichvucong.example.gov.vn/tra-cuu?ma=1").unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{svg:.40}"
        );
        assert!(svg.contains("<svg"));
        assert!(svg.contains("width=\""));
    }
}
