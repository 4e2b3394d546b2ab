//! Registers and lists as files: CSV (UTF-8 with BOM, `;`-separated, as Excel opens it in a
//! Vietnamese locale) and XLSX, from a header and rows of text.

/// CSV with a BOM, `;` between fields, quotes where needed.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// One worksheet named `sheet`, the header in bold, columns sized to their content.
pub fn xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(j) {
                *w = (*w).max(v.chars().count().min(60));
            }
            if !v.is_empty() {
                ws.write_string(i as u32 + 1, j as u16, v).map_err(err)?;
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, (*w as f64 + 2.0).min(62.0))
            .map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
