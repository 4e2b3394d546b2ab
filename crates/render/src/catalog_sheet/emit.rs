//! Entries written out: the long table's rows and the CSV, XLSX or JSON file.

use super::*;

pub(super) fn join<T>(items: &[T], f: impl Fn(&T) -> &'static str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join("|")
}

/// The rows of the long table for these entries.
pub fn to_rows(entries: &[Entry]) -> Vec<Vec<String>> {
    let mut rows = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    let blank = || vec![String::new(); COLUMNS.len()];
    for e in entries {
        let d = &e.data;
        let p = &e.publication;
        let mut r = blank();
        let mut set = |name: &str, v: String| r[col(name)] = v;
        set("record", "procedure".into());
        set("code", d.code.to_string());
        set("name", d.name.clone());
        set("field", d.field.code().into());
        set("level", d.level.code().into());
        set("agency", d.agency.clone());
        set("unit", d.unit.clone());
        set("authority", d.authority.clone());
        set("applicants", join(&d.applicants, |a| a.code()));
        set("channels", join(&d.channels, |c| c.code()));
        set("postal_receipt", d.postal_receipt.to_string());
        set("postal_return", d.postal_return.to_string());
        set("processing_value", d.processing_time.value.to_string());
        set("processing_unit", d.processing_time.unit.code().into());
        set(
            "cutoff",
            d.cutoff
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
        );
        set("online_class", d.online_class.code().into());
        set("legacy_level", d.legacy_level.to_string());
        set("result_name", d.result_name.clone());
        set("result_kind", d.result_kind.code().into());
        set("dossier_required", d.dossier_required.to_string());
        set("status", e.status.code().into());
        set(
            "decision_number",
            p.decision_number.clone().unwrap_or_default(),
        );
        set(
            "decision_date",
            p.decision_date.map(|x| x.to_string()).unwrap_or_default(),
        );
        set(
            "decision_authority",
            p.decision_authority
                .map(|x| x.code().to_owned())
                .unwrap_or_default(),
        );
        set(
            "effective_date",
            p.effective_date.map(|x| x.to_string()).unwrap_or_default(),
        );
        set(
            "published_at",
            p.published_at
                .map(|x| x.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                .unwrap_or_default(),
        );
        rows.push(r);
        let child = |record: &str, fields: &[(&str, String)]| {
            let mut r = blank();
            r[col("record")] = record.to_owned();
            r[col("code")] = d.code.to_string();
            for (k, v) in fields {
                r[col(k)] = v.clone();
            }
            r
        };
        rows.extend(d.steps.iter().map(|s| {
            child(
                "step",
                &[
                    ("item_code", s.order.to_string()),
                    ("name", s.description.clone()),
                ],
            )
        }));
        rows.extend(d.components.iter().map(|c| {
            child(
                "component",
                &[
                    ("item_code", c.code.clone()),
                    ("name", c.name.clone()),
                    ("originals", c.originals.to_string()),
                    ("copies", c.copies.to_string()),
                    ("required", c.required.to_string()),
                    ("reusable", c.reusable.to_string()),
                    ("url", c.template_url.clone().unwrap_or_default()),
                ],
            )
        }));
        rows.extend(d.fees.iter().map(|f| {
            child(
                "fee",
                &[
                    ("name", f.name.clone()),
                    ("amount_vnd", f.amount_vnd.to_string()),
                    ("note", f.note.clone()),
                ],
            )
        }));
        rows.extend(d.legal_basis.iter().map(|a| {
            child(
                "legal_basis",
                &[
                    ("number", a.number.clone()),
                    ("name", a.title.clone()),
                    ("issued_on", a.issued_on.to_string()),
                    ("effective_on", a.effective_on.to_string()),
                ],
            )
        }));
        rows.extend(
            d.forms
                .iter()
                .map(|f| child("form", &[("name", f.name.clone()), ("url", f.url.clone())])),
        );
        rows.extend(d.allocation.iter().map(|a| {
            child(
                "allocation",
                &[
                    ("name", a.step.clone()),
                    ("assignee", a.assignee.clone()),
                    ("value", a.value.to_string()),
                ],
            )
        }));
    }
    rows
}

/// Write the entries in a format.
pub fn write(entries: &[Entry], format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Json => serde_json::to_vec_pretty(entries).map_err(|e| e.to_string()),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in to_rows(entries) {
                w.write_record(&r).map_err(|e| e.to_string())?;
            }
            w.into_inner().map_err(|e| e.to_string())
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("ThuTuc").map_err(|e| e.to_string())?;
            for (i, r) in to_rows(entries).iter().enumerate() {
                for (j, v) in r.iter().enumerate() {
                    if !v.is_empty() {
                        sheet
                            .write_string(i as u32, j as u16, v)
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            book.save_to_buffer().map_err(|e| e.to_string())
        }
    }
}
