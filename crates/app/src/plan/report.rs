//! The scorecard as a signed-ready PDF report (typst, `motcua-forms::report`).

use super::ranking::{RANKING_RULE, ranking};
use super::scorecard::{Scorecard, field_label, shown, status_label};
use crate::document::registers::File;
use crate::{App, OrgSnapshot};
use motcua_domain::plan::period::Period;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Points with two decimals and a decimal comma, or a dash.
fn points(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |s| format!("{s:.2}").replace('.', ","))
}

/// The scorecard as the report "Báo cáo kết quả thực hiện Kế hoạch cải cách hành chính năm …"
/// (PDF, typst), with a bar chart per field and the units' ranking.
pub async fn report_pdf(
    app: &App,
    card: &Scorecard,
    org: &crate::OrgSnapshot,
    agency_id: Uuid,
) -> anyhow::Result<Vec<u8>> {
    let index = crate::index766::index(
        app,
        agency_id,
        crate::index766::IndexPeriod::over(Period {
            from: card.from,
            to: card.to,
        }),
    )
    .await?;
    let ranks = ranking(card, Some(&index), org);
    let agency = org.agency(agency_id).map_or("", |a| a.name.as_str());
    let now = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let mut fields: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for t in &card.targets {
        let label = field_label(&t.field).to_owned();
        let scale = if t.measure == "count" {
            (t.threshold * 1.5).max(t.value.unwrap_or_default())
        } else {
            1.0
        };
        let row = serde_json::json!({
            "id": t.id, "text": t.text, "value": shown(t.value, &t.measure),
            "threshold": format!("≥ {}", shown(Some(t.threshold), &t.measure)),
            "status": status_label(t.status),
            "bar": t.value.map(|v| (v / scale).clamp(0.0, 1.0)),
            "mark": (t.threshold / scale).clamp(0.0, 1.0),
            "ok": matches!(t.status, "met" | "on_track"),
        });
        match fields.iter_mut().find(|(l, _)| *l == label) {
            Some((_, rows)) => rows.push(row),
            None => fields.push((label, vec![row])),
        }
    }
    let mut counts = BTreeMap::new();
    for t in &card.targets {
        *counts.entry(t.status).or_insert(0usize) += 1;
    }
    let status_counts: Vec<serde_json::Value> = ["met", "on_track", "at_risk", "missed", "no_data"]
        .iter()
        .map(|c| serde_json::json!({"label": status_label(c), "n": counts.get(c).copied().unwrap_or(0)}))
        .collect();
    let data = serde_json::json!({
        "agency": agency,
        "place": "Hà Nội",
        "date_words": now.format("ngày %d tháng %m năm %Y").to_string(),
        "title": format!("Kết quả thực hiện {}", card.title.replacen("Kế hoạch", "kế hoạch", 1)),
        "period": format!("{} – {}", card.from.format("%d/%m/%Y"), card.to.format("%d/%m/%Y")),
        "counts": status_counts,
        "fields": fields.into_iter().map(|(label, rows)| serde_json::json!({"label": label, "rows": rows})).collect::<Vec<_>>(),
        "ranking": ranks.iter().map(|u| serde_json::json!({
            "rank": u.rank, "name": u.name,
            "score": points(u.score),
            "index766": points(u.index766),
            "overall": points(u.overall),
            "below": u.below.iter().map(String::as_str).chain(u.index766_below.iter().copied()).collect::<Vec<_>>().join(", "),
        })).collect::<Vec<_>>(),
        "rule": RANKING_RULE,
        "index_label": index.label,
        "index_rule": index.rule,
        "index": index.agency.indicators.iter().map(|i| serde_json::json!({
            "id": i.id, "name": i.name,
            "value": match (i.id, i.value) {
                (_, None) => "chưa có dữ liệu".to_owned(),
                ("2.2", Some(v)) => format!("{v:.2} ngày").replace('.', ","),
                (_, Some(v)) => shown(Some(v), "share"),
            },
            "threshold": format!("{}{}", shown(Some(i.threshold), "share"), if i.threshold_stated { "" } else { "*" }),
            "score": match (i.score, i.max) {
                (Some(s), Some(m)) => format!("{} / {}", points(Some(s)), points(Some(m))),
                _ => "—".to_owned(),
            },
        })).collect::<Vec<_>>(),
    });
    tokio::task::spawn_blocking(move || motcua_forms::report::render(&data))
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The scorecard's columns as a file.
const SCORECARD_HEADER: [&str; 10] = [
    "Mã",
    "Lĩnh vực",
    "Chỉ tiêu",
    "Kết quả",
    "Tử số",
    "Mẫu số",
    "Mục tiêu (tối thiểu)",
    "Trạng thái",
    "Đơn vị chịu trách nhiệm",
    "Ghi chú",
];

/// The scorecard as `xlsx` or `csv` (BOM, `;`), named `ket-qua-ke-hoach-cchc-2026.xlsx`.
pub fn scorecard_file(card: &Scorecard, org: &OrgSnapshot, format: &str) -> Result<File, String> {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = card
        .targets
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                field_label(&t.field).to_owned(),
                t.text.clone(),
                shown(t.value, &t.measure),
                number(t.numerator),
                number(t.denominator),
                shown(Some(t.threshold), &t.measure),
                status_label(t.status).to_owned(),
                t.responsible_unit_id
                    .and_then(|u| org.unit_by_id(u))
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                t.note.clone(),
            ]
        })
        .collect();
    let (bytes, content_type) = if format == "csv" {
        (
            motcua_render::table::csv(&SCORECARD_HEADER, &rows)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            motcua_render::table::xlsx("KetQuaCCHC", &SCORECARD_HEADER, &rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    let name = format!("ket-qua-ke-hoach-cchc-{}.{format}", card.year);
    Ok(File {
        name,
        content_type,
        bytes,
    })
}

/// The report's PDF as a download: `bao-cao-ket-qua-cchc-2026.pdf`.
pub fn report_file(year: i32, pdf: Vec<u8>) -> File {
    File {
        name: format!("bao-cao-ket-qua-cchc-{year}.pdf"),
        content_type: "application/pdf",
        bytes: pdf,
    }
}
