//! The registers kept with evidence for the plan's targets measured on other work than dossiers
//! and documents (T1.1, T2, T4.1, T5, T6; docs/INDICATORS.md lists each register and the rule of
//! its figure): items added one by one or imported from XLSX (all or nothing, every bad row
//! named), their progress recorded with evidence files by the reform office or the leader of
//! the responsible unit (M1), a counting status confirmed by who recorded it.

use crate::{Actor, App, Error, OrgSnapshot, Problem, Result};
use chrono::NaiveDate;
use motcua_domain::account::Role;
use motcua_domain::plan::{Register, RegisterKind, register};
use motcua_store::register as store;
use serde_json::json;
use uuid::Uuid;

/// The reason when a register item changed since the actor read it.
const ITEM_CHANGED: &str = "mục này đã được người khác cập nhật; tải lại để xem";

pub use store::Item;

/// The columns of a register file (the header row, in this order).
pub const IMPORT_HEADER: [&str; 6] = [
    "Nội dung",
    "Đơn vị chủ trì",
    "Hạn hoàn thành",
    "Trạng thái",
    "Kế hoạch (VNĐ)",
    "Ghi chú",
];

/// A register by its id (`t1_1`, …); not found when there is none.
pub fn register_named(id: &str) -> Result<Register> {
    register(id).ok_or(Error::NotFound)
}

/// The items of the agency's registers of `year`, of one register when `register` names it.
pub async fn items(
    app: &App,
    agency_id: Uuid,
    year: i32,
    register: Option<&str>,
) -> Result<Vec<Item>> {
    Ok(motcua_store::register::items(app.db.conn(), agency_id, year, register).await?)
}

/// A register of the year: its items and its figure (numerator, denominator; `None` without
/// items in scope).
pub async fn register_of(
    app: &App,
    agency_id: Uuid,
    year: i32,
    id: &str,
) -> Result<(Register, Vec<Item>, Option<(f64, f64)>)> {
    let r = register_named(id)?;
    let items = items(app, agency_id, year, Some(r.id)).await?;
    let f = super::fraction_of(r.kind, &items);
    Ok((r, items, f))
}

/// A new item as the reform office gives it (a form, the API's JSON or a row of a file).
#[derive(Clone, Debug, Default)]
pub struct ItemIn {
    /// What is to be done (at most 1,000 characters).
    pub title: String,
    /// The unit answerable for it (id or code).
    pub unit: Option<String>,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`.
    pub due_date: Option<String>,
    /// Money planned (VND), for the investment register.
    pub planned_amount: Option<f64>,
    pub note: Option<String>,
}

fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

/// Checks one item's fields; problems name the field.
fn check_item(
    org: &OrgSnapshot,
    agency_id: Uuid,
    kind: RegisterKind,
    req: &ItemIn,
    status: Option<&str>,
    errors: &mut Vec<Problem>,
) -> Option<store::NewItem> {
    let title = nfc(&req.title);
    let before = errors.len();
    if title.is_empty() || title.chars().count() > 1_000 {
        errors.push(Problem::new(
            "title",
            "nội dung bắt buộc, tối đa 1.000 ký tự",
        ));
    }
    let unit = match req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => match org.unit(u).filter(|x| x.agency_id == agency_id) {
            Some(x) => Some(x.id),
            None => {
                errors.push(Problem::new("unit", format!("không có đơn vị «{u}»")));
                None
            }
        },
    };
    let due = match req
        .due_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(d, "%d/%m/%Y"))
        {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(Problem::new(
                    "due_date",
                    "ngày theo dạng YYYY-MM-DD hoặc dd/mm/yyyy",
                ));
                None
            }
        },
    };
    let planned = req.planned_amount.unwrap_or(0.0);
    if !planned.is_finite() || planned < 0.0 {
        errors.push(Problem::new("planned_amount", "số tiền không âm"));
    }
    if kind == RegisterKind::Amount && planned <= 0.0 {
        errors.push(Problem::new(
            "planned_amount",
            "kế hoạch vốn (VNĐ) bắt buộc với sổ giải ngân",
        ));
    }
    let status = match status {
        None => kind.statuses()[0].to_owned(),
        Some(s) if kind.statuses().contains(&s) => s.to_owned(),
        Some(s) => {
            errors.push(Problem::new(
                "status",
                format!(
                    "trạng thái «{s}» không có trong sổ này ({})",
                    kind.statuses().join(", ")
                ),
            ));
            String::new()
        }
    };
    (errors.len() == before).then(|| store::NewItem {
        title,
        responsible_unit_id: unit,
        due_date: due,
        status,
        planned_amount: planned,
        actual_amount: 0.0,
        note: req.note.as_deref().map(nfc).unwrap_or_default(),
    })
}

/// Adds an item to register `id` of `year` for the actor's agency (audited); every bad field is
/// a problem. An unknown register or a year outside 2000–2100 is not found.
pub async fn add_item(app: &App, actor: &Actor, year: i32, id: &str, req: &ItemIn) -> Result<Item> {
    let r = register_named(id)?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::NotFound);
    }
    let org = app.org().await?;
    let mut errors = Vec::new();
    let Some(item) = check_item(&org, actor.agency_id, r.kind, req, None, &mut errors) else {
        return Err(Error::Invalid(errors));
    };
    let mut added = store::add(
        &app.db,
        &actor.audit_ctx(),
        actor.agency_id,
        year,
        r.id,
        vec![item],
    )
    .await?;
    added
        .pop()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("an added item not returned")))
}

/// Imports register `id`'s items of `year` from an XLSX file whose header row is
/// [`IMPORT_HEADER`]: all or nothing, a file with any bad row refused with every problem listed
/// by row and column (`Error::Rejected`). How many items were added.
pub async fn import(app: &App, actor: &Actor, year: i32, id: &str, xlsx: &[u8]) -> Result<usize> {
    let r = register_named(id)?;
    let rows = motcua_render::catalog_sheet::xlsx_rows(xlsx)
        .map_err(|rows| Error::Rejected(json!(rows)))?;
    let org = app.org().await?;
    let mut problems = Vec::new();
    let mut items = Vec::new();
    let mut data = rows.into_iter();
    match data.next() {
        Some((_, header))
            if header
                .iter()
                .map(|h| h.trim())
                .eq(IMPORT_HEADER.iter().copied()) => {}
        _ => {
            return Err(Error::Rejected(json!([{
                "row": 1, "column": "", "message": format!("dòng tiêu đề phải là: {}", IMPORT_HEADER.join(" | "))
            }])));
        }
    }
    for (row, cells) in data {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| {
            cells
                .get(i)
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        let planned = match cell(4) {
            s if s.is_empty() => None,
            s => match s.replace(['.', ' '], "").parse::<f64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.push(
                        json!({"row": row, "column": IMPORT_HEADER[4], "message": "không phải số"}),
                    );
                    continue;
                }
            },
        };
        let req = ItemIn {
            title: cell(0),
            unit: Some(cell(1)),
            due_date: Some(cell(2)),
            planned_amount: planned,
            note: Some(cell(5)),
        };
        let status = cell(3);
        let mut errors = Vec::new();
        match check_item(
            &org,
            actor.agency_id,
            r.kind,
            &req,
            (!status.is_empty()).then_some(status.as_str()),
            &mut errors,
        ) {
            Some(i) => items.push(i),
            None => {
                for e in errors {
                    let column = match e.field.as_str() {
                        "title" => IMPORT_HEADER[0],
                        "unit" => IMPORT_HEADER[1],
                        "due_date" => IMPORT_HEADER[2],
                        "status" => IMPORT_HEADER[3],
                        "planned_amount" => IMPORT_HEADER[4],
                        _ => "",
                    };
                    problems.push(json!({"row": row, "column": column, "message": e.message}));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Rejected(json!(problems)));
    }
    if items.is_empty() {
        return Err(Error::Rejected(
            json!([{"row": 2, "column": "", "message": "tệp không có dòng dữ liệu nào"}]),
        ));
    }
    let n = items.len();
    store::add(
        &app.db,
        &actor.audit_ctx(),
        actor.agency_id,
        year,
        r.id,
        items,
    )
    .await?;
    Ok(n)
}

/// Progress of an item as recorded.
#[derive(Clone, Debug, Default)]
pub struct ProgressIn {
    /// The version the recorder saw.
    pub version: i64,
    pub status: String,
    /// Money disbursed so far (VND), for the investment register.
    pub actual_amount: Option<f64>,
    /// The evidence: uploads of the actor's agency. A status that counts toward the target
    /// needs at least one.
    pub evidence_upload_ids: Vec<Uuid>,
    pub note: Option<String>,
    /// A corrected title, responsible unit (code or id), due date or planned amount: the reform
    /// office and admins only.
    pub title: Option<String>,
    pub unit: Option<String>,
    pub due_date: Option<String>,
    pub planned_amount: Option<f64>,
}

/// Whether the actor may record progress on the item: the reform office and admins, or the
/// leader of the responsible unit (M1: the head of a unit runs its reform work).
fn may_record(actor: &Actor, org: &OrgSnapshot, item: &Item) -> bool {
    match actor.role {
        Role::Admin | Role::ParOfficer => true,
        Role::UnitLeader => item
            .responsible_unit_id
            .is_some_and(|u| org.subtree(actor.unit_id).contains(&u)),
        _ => false,
    }
}

/// Records item `id`'s progress with its evidence, from the version the actor saw (audited; a
/// changed version is refused); a status that counts toward the target is confirmed by the
/// actor (their account and the time are kept). An item of another agency is not found; one
/// the actor may not record on, or a change of substance by someone other than the reform
/// office, is forbidden.
pub async fn record(app: &App, actor: &Actor, id: Uuid, req: &ProgressIn) -> Result<Item> {
    let item = store::find(app.db.conn(), id).await?;
    if item.agency_id != actor.agency_id {
        return Err(Error::NotFound);
    }
    let org = app.org().await?;
    if !may_record(actor, &org, &item) {
        return Err(Error::Forbidden);
    }
    let r = register_named(&item.register)?;
    let mut errors = Vec::new();
    let status = req.status.trim();
    if !r.kind.statuses().contains(&status) {
        errors.push(Problem::new(
            "status",
            format!("trạng thái của sổ này: {}", r.kind.statuses().join(", ")),
        ));
    }
    let actual = req.actual_amount.unwrap_or(item.actual_amount);
    if !actual.is_finite() || actual < 0.0 {
        errors.push(Problem::new("actual_amount", "số tiền không âm"));
    }
    if req.evidence_upload_ids.len() > 20 {
        errors.push(Problem::new(
            "evidence_upload_ids",
            "tối đa 20 tệp minh chứng",
        ));
    }
    let metas = motcua_store::dossier::upload_meta(app.db.conn(), &req.evidence_upload_ids).await?;
    let mut unique = req.evidence_upload_ids.clone();
    unique.sort();
    unique.dedup();
    if metas.len() != unique.len() || metas.iter().any(|m| m.agency_id != actor.agency_id) {
        errors.push(Problem::new(
            "evidence_upload_ids",
            "tệp minh chứng không tồn tại hoặc không thuộc cơ quan",
        ));
    }
    let counts = r.kind.counts(status);
    if counts && unique.is_empty() {
        errors.push(Problem::new(
            "evidence_upload_ids",
            "cần ít nhất một tệp minh chứng để xác nhận kết quả",
        ));
    }
    let note = req
        .note
        .as_deref()
        .map(nfc)
        .unwrap_or_else(|| item.note.clone());
    if note.chars().count() > 2_000 {
        errors.push(Problem::new("note", "ghi chú tối đa 2.000 ký tự"));
    }
    // The item's substance: changed by the reform office only, checked as when it was added.
    let changes_substance = req.title.is_some()
        || req.unit.is_some()
        || req.due_date.is_some()
        || req.planned_amount.is_some();
    if changes_substance && !matches!(actor.role, Role::Admin | Role::ParOfficer) {
        return Err(Error::Forbidden);
    }
    let substance = ItemIn {
        title: req.title.clone().unwrap_or_else(|| item.title.clone()),
        unit: match &req.unit {
            Some(u) => Some(u.clone()),
            None => item.responsible_unit_id.map(|u| u.to_string()),
        },
        due_date: match &req.due_date {
            Some(d) => Some(d.clone()),
            None => item.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
        },
        planned_amount: Some(req.planned_amount.unwrap_or(item.planned_amount)),
        note: None,
    };
    let checked = check_item(&org, actor.agency_id, r.kind, &substance, None, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let Some(checked) = checked else {
        return Err(Error::invalid("title", "nội dung không hợp lệ"));
    };
    store::update(
        &app.db,
        &actor.audit_ctx(),
        id,
        req.version,
        store::ItemUpdate {
            status: status.to_owned(),
            actual_amount: actual,
            evidence: unique,
            note,
            confirmed_by: counts.then_some(actor.account_id),
            title: checked.title,
            responsible_unit_id: checked.responsible_unit_id,
            due_date: checked.due_date,
            planned_amount: checked.planned_amount,
        },
    )
    .await
    .map_err(Error::stale_as(ITEM_CHANGED))
}
