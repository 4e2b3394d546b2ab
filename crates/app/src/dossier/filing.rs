//! Filing a dossier online, at the counter or by post (Decree 61/2018 art. 9–10; Decree 118/2025
//! from 1/7/2025): every field checked with its Vietnamese message, the procedure's version and
//! channel, the uploads, the appointment in working days, and the receipt (form 01) notified.

use super::{message, new_lookup_code, nfc};
use crate::{Actor, App, Error, Problem, Result};
use chrono::{DateTime, Utc};
use motcua_domain::access::{self, Permission};
use motcua_domain::account::Role;
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::state::DossierState;
use motcua_domain::time::{from_local, to_local};
use motcua_store::dossier::{self as store, Applicant, Filed, NewDossier, NewMessage};
use motcua_store::entity::dossier;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// Applicant data as filed: personal data (Decree 13/2023); `Debug` shows the kind only.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantIn {
    /// `citizen` or `business`.
    pub kind: String,
    pub name: String,
    /// Citizen identity number (12 digits) or enterprise/tax code (10 digits, or 10-3).
    pub id_number: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentIn {
    pub code: String,
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
}

/// The hand-over record of a postal filing (biên bản giao nhận; Decision 45/2016 art. 7.4: its
/// time is the legal receipt time).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalIn {
    /// The postal consignment note number (số phiếu gửi).
    pub receipt_no: String,
    /// RFC 3339.
    pub handed_over_at: String,
    #[serde(default)]
    pub fees_vnd: i64,
}

impl std::fmt::Debug for ApplicantIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicantIn")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A filing as sent. `Debug` leaves out the applicant's data and the return address.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    pub procedure_code: String,
    /// `online`, `counter` or `postal`.
    pub channel: String,
    pub applicant: ApplicantIn,
    #[serde(default)]
    pub components: Vec<ComponentIn>,
    /// `online`, `counter` or `postal`.
    pub return_channel: String,
    #[serde(default)]
    pub return_address: Option<String>,
    /// Required for `channel: postal`.
    #[serde(default)]
    pub postal: Option<PostalIn>,
}

impl std::fmt::Debug for FileRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileRequest")
            .field("procedure_code", &self.procedure_code)
            .field("channel", &self.channel)
            .field("applicant", &self.applicant)
            .field("components", &self.components)
            .field("return_channel", &self.return_channel)
            .field("postal", &self.postal)
            .finish_non_exhaustive()
    }
}

fn valid_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && s.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !s.contains(char::is_whitespace)
}

fn valid_phone(s: &str) -> bool {
    let digits: String = s.trim().replace([' ', '.', '-'], "");
    let digits = digits
        .strip_prefix("+84")
        .map_or(digits.clone(), |r| format!("0{r}"));
    digits.len() == 10 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn valid_id(kind: &str, s: &str) -> bool {
    let s = s.trim();
    match kind {
        // Citizen identity card / personal identification number: 12 digits (Law on Identity
        // 2023 art. 12).
        "citizen" => s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
        // Enterprise code = tax code: 10 digits, or 10-3 for a branch (Law on Enterprises 2020
        // art. 29; Circular 105/2020 art. 5).
        "business" => {
            let (main, branch) = s.split_once('-').unwrap_or((s, ""));
            main.len() == 10
                && main.bytes().all(|b| b.is_ascii_digit())
                && (branch.is_empty()
                    || (branch.len() == 3 && branch.bytes().all(|b| b.is_ascii_digit())))
        }
        _ => false,
    }
}

/// Validate and file a dossier. `idempotency` is the key and the SHA-256 of the body: a request
/// seen before is answered with the dossier it filed, before and after validation (a concurrent
/// twin may have claimed the uploads in between).
pub async fn file(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed> {
    let replay = |found: Option<dossier::Model>, hash: &str| {
        found.map(|d| {
            if d.request_hash.as_deref() == Some(hash) {
                Filed::Replayed(Box::new(d))
            } else {
                Filed::KeyReused
            }
        })
    };
    if let Some((key, hash)) = &idempotency {
        let found = store::by_idempotency_key(app.db.conn(), actor.agency_id, key).await?;
        if let Some(f) = replay(found, hash) {
            return Ok(f);
        }
    }
    match file_new(app, actor, req, idempotency.clone()).await {
        Err(Error::Invalid(errors)) => {
            if let Some((key, hash)) = &idempotency {
                let found = store::by_idempotency_key(app.db.conn(), actor.agency_id, key).await?;
                if let Some(f) = replay(found, hash) {
                    return Ok(f);
                }
            }
            Err(Error::Invalid(errors))
        }
        other => other,
    }
}

async fn file_new(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed> {
    let new = prepare(app, actor, req, idempotency).await?;
    match store::file(&app.db, &actor.audit_ctx(), new).await {
        Err(motcua_store::StoreError::UploadsUnavailable) => {
            Err(Error::invalid("components", super::UPLOADS_UNAVAILABLE))
        }
        other => Ok(other?),
    }
}

/// Validate a filing and compute its appointment without writing anything (the applicant's
/// check-your-answers page shows the result; filing repeats it).
pub async fn prepare(
    app: &App,
    actor: &Actor,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<NewDossier> {
    let mut errors = Vec::new();
    let now = app.now();
    let procedure = match motcua_domain::catalog::ProcedureCode::parse(&req.procedure_code) {
        Ok(code) => motcua_store::catalog::procedure_row(app.db.conn(), code.as_str())
            .await?
            .filter(|p| p.published),
        Err(e) => {
            errors.push(Problem::new("procedure_code", e));
            None
        }
    };
    let shown = match procedure {
        Some(p) => app
            .version_data(p.current_version_id)
            .await?
            .map(|data| (p, data)),
        None => None,
    };
    if shown.is_none() && errors.is_empty() {
        errors.push(Problem::new(
            "procedure_code",
            "không có thủ tục này trong danh mục đang công bố",
        ));
    }
    let data: Option<&ProcedureData> = shown.as_ref().map(|(_, v)| v.as_ref());

    // The channel: applicants file online; the desk files at the counter or by post.
    let channel = Channel::parse(req.channel.trim());
    match (channel, actor.role) {
        (None, _) => errors.push(Problem::new(
            "channel",
            "kênh nộp phải là online, counter hoặc postal",
        )),
        (Some(Channel::Online), Role::Applicant) => {}
        (Some(Channel::Counter | Channel::Postal), r)
            if access::allows(r, Permission::FileAtDesk) => {}
        (Some(c), _) => errors.push(Problem::new(
            "channel",
            format!(
                "tài khoản này không được nộp hồ sơ qua kênh «{}»",
                c.label_vi()
            ),
        )),
    }
    if let (Some(c), Some(d)) = (channel, data)
        && !d.channels.contains(&c)
    {
        errors.push(Problem::new(
            "channel",
            format!("thủ tục này không nhận hồ sơ qua kênh «{}»", c.label_vi()),
        ));
    }

    // The applicant.
    let a = &req.applicant;
    let kind = a.kind.trim();
    if kind != "citizen" && kind != "business" {
        errors.push(Problem::new(
            "applicant.kind",
            "đối tượng phải là citizen (công dân) hoặc business (doanh nghiệp, tổ chức)",
        ));
    }
    let name = nfc(&a.name);
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(Problem::new(
            "applicant.name",
            "họ tên (hoặc tên tổ chức) bắt buộc, tối đa 200 ký tự",
        ));
    }
    if !valid_id(kind, &a.id_number) {
        errors.push(Problem::new(
            "applicant.id_number",
            if kind == "business" {
                "mã số doanh nghiệp gồm 10 chữ số (chi nhánh: 10 chữ số, dấu gạch, 3 chữ số)"
            } else {
                "số định danh cá nhân gồm 12 chữ số"
            },
        ));
    }
    if !valid_phone(&a.phone) {
        errors.push(Problem::new(
            "applicant.phone",
            "số điện thoại gồm 10 chữ số, bắt đầu bằng 0",
        ));
    }
    let email = a.email.trim().to_lowercase();
    let return_channel = Channel::parse(req.return_channel.trim());
    let email_needed = channel == Some(Channel::Online) || return_channel == Some(Channel::Online);
    if (!email.is_empty() || email_needed) && !valid_email(&email) {
        errors.push(Problem::new(
            "applicant.email",
            if email.is_empty() {
                "thư điện tử bắt buộc khi nộp hoặc nhận kết quả trực tuyến"
            } else {
                "thư điện tử không đúng dạng"
            },
        ));
    }
    let address = nfc(&a.address);
    if address.chars().count() > 500 {
        errors.push(Problem::new(
            "applicant.address",
            "địa chỉ tối đa 500 ký tự",
        ));
    }

    // How the result comes back.
    let return_address = req.return_address.as_deref().map(nfc).unwrap_or_default();
    match return_channel {
        None => errors.push(Problem::new(
            "return_channel",
            "cách nhận kết quả phải là online, counter hoặc postal",
        )),
        Some(Channel::Postal) => {
            if data.is_some_and(|d| !d.postal_return) {
                errors.push(Problem::new(
                    "return_channel",
                    "thủ tục này không trả kết quả qua bưu chính",
                ));
            }
            if return_address.is_empty() || return_address.chars().count() > 500 {
                errors.push(Problem::new(
                    "return_address",
                    "địa chỉ nhận kết quả qua bưu chính bắt buộc (tối đa 500 ký tự)",
                ));
            }
        }
        Some(Channel::Online) => {
            if data.is_some_and(|d| {
                d.result_kind == motcua_domain::catalog::procedure::ResultKind::Paper
            }) {
                errors.push(Problem::new(
                    "return_channel",
                    "kết quả của thủ tục này là bản giấy; chọn nhận tại Bộ phận Một cửa hoặc qua bưu chính",
                ));
            }
        }
        Some(Channel::Counter) => {}
    }

    // The components: known codes, each at most once; the required ones present; online filings
    // carry a file for each (paper is received at the counter and by post).
    let mut upload_ids = Vec::new();
    if let Some(d) = data {
        let mut seen = Vec::new();
        for (i, c) in req.components.iter().enumerate() {
            let code = c.code.trim();
            if !d.components.iter().any(|k| k.code == code) {
                errors.push(Problem::new(
                    format!("components[{i}].code"),
                    format!("thủ tục không có thành phần hồ sơ «{code}»"),
                ));
            } else if seen.contains(&code) {
                errors.push(Problem::new(
                    format!("components[{i}].code"),
                    format!("thành phần «{code}» bị lặp"),
                ));
            }
            seen.push(code);
            if c.upload_ids.len() > 20 {
                errors.push(Problem::new(
                    format!("components[{i}].upload_ids"),
                    "tối đa 20 tệp cho một thành phần",
                ));
            }
            upload_ids.extend(c.upload_ids.iter().copied());
        }
        for k in d.components.iter().filter(|k| k.required) {
            let given = req.components.iter().find(|c| c.code.trim() == k.code);
            let missing = match given {
                None => true,
                Some(c) => channel == Some(Channel::Online) && c.upload_ids.is_empty(),
            };
            if missing {
                errors.push(Problem::new(
                    format!("components.{}", k.code),
                    format!("thiếu thành phần bắt buộc: {}", k.name),
                ));
            }
        }
    }
    if !upload_ids.is_empty() {
        let metas = store::upload_meta(app.db.conn(), &upload_ids).await?;
        for id in &upload_ids {
            match metas.iter().find(|m| m.id == *id) {
                Some(m)
                    if m.agency_id == actor.agency_id
                        && m.owner_id == Some(actor.account_id)
                        && m.dossier_id.is_none() => {}
                _ => errors.push(Problem::new(
                    "components",
                    format!("tệp {id} không tồn tại, không phải của tài khoản này hoặc đã thuộc hồ sơ khác"),
                )),
            }
        }
        let mut sorted = upload_ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != upload_ids.len() {
            errors.push(Problem::new(
                "components",
                "một tệp chỉ gắn vào một thành phần",
            ));
        }
    }

    // The legal receipt time: now, or for post the hand-over time.
    let mut received_at = now;
    let mut postal_receipt_no = None;
    let mut fees = 0i64;
    let mut event_data = json!({});
    match (channel, &req.postal) {
        (Some(Channel::Postal), None) => errors.push(Problem::new(
            "postal",
            "hồ sơ qua bưu chính cần biên bản giao nhận (số phiếu gửi, thời điểm giao nhận)",
        )),
        (Some(Channel::Postal), Some(p)) => {
            let no = p.receipt_no.trim();
            if no.is_empty() || no.len() > 40 {
                errors.push(Problem::new(
                    "postal.receipt_no",
                    "số phiếu gửi bắt buộc, tối đa 40 ký tự",
                ));
            }
            match DateTime::parse_from_rfc3339(p.handed_over_at.trim()) {
                Ok(t) => {
                    let t = t.with_timezone(&Utc);
                    if t > now + chrono::Duration::minutes(5)
                        || t < now - chrono::Duration::days(30)
                    {
                        errors.push(Problem::new(
                            "postal.handed_over_at",
                            "thời điểm giao nhận không được ở tương lai hoặc quá 30 ngày trước",
                        ));
                    }
                    received_at = t.min(now);
                }
                Err(_) => errors.push(Problem::new(
                    "postal.handed_over_at",
                    "thời điểm giao nhận theo RFC 3339, ví dụ 2026-02-13T09:30:00+07:00",
                )),
            }
            if !(0..=1_000_000_000).contains(&p.fees_vnd) {
                errors.push(Problem::new(
                    "postal.fees_vnd",
                    "lệ phí thu hộ từ 0 đến 1.000.000.000 đồng",
                ));
            }
            postal_receipt_no = Some(no.to_owned());
            fees = p.fees_vnd;
            event_data = json!({ "postal_receipt_no": no, "handed_over_at": received_at, "fees_vnd": p.fees_vnd });
        }
        (_, Some(_)) => errors.push(Problem::new(
            "postal",
            "biên bản giao nhận chỉ dùng cho hồ sơ qua bưu chính",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let (Some((procedure, data)), Some(channel), Some(return_channel)) =
        (shown, channel, return_channel)
    else {
        return Err(Error::Invalid(vec![]));
    };

    // The unit answering for the procedure; the agency's desk when the catalogue names none.
    let org = app.org().await?;
    let unit = org
        .unit(&data.unit)
        .filter(|u| u.agency_id == actor.agency_id);
    let Some(unit) = unit else {
        return Err(Error::Invalid(vec![Problem::new(
            "procedure_code",
            "thủ tục chưa có đơn vị thực hiện trong cơ cấu tổ chức; liên hệ quản trị",
        )]));
    };
    // The dossier waits at the one-stop desk until it is handed to the unit: the counter officer's
    // own desk, or the agency's desk for online filings (Decree 61/2018 art. 8).
    let desk = if actor.role == Role::Applicant {
        org.units
            .iter()
            .find(|u| {
                u.agency_id == actor.agency_id
                    && u.kind == motcua_domain::org::UnitKind::OneStopDesk.as_str()
            })
            .map_or(unit.id, |u| u.id)
    } else {
        actor.unit_id
    };
    let agency = org.agency(actor.agency_id).ok_or(Error::Forbidden)?;

    // The appointment (Decree 61/2018 art. 16 and the calendar rules of docs/CALENDAR.md).
    let cal = app.calendar();
    let due_local = cal
        .working
        .due(
            to_local(received_at),
            data.processing_time.as_work_duration(),
            data.cutoff,
        )
        .map_err(|e| Error::Internal(anyhow::anyhow!("appointment: {e}")))?;
    let due_at = from_local(due_local);
    let state0 = if channel == Channel::Online {
        DossierState::Submitted
    } else {
        DossierState::Received
    };
    let new = NewDossier {
        agency_id: actor.agency_id,
        organ_id: agency.organ_id.clone(),
        procedure_id: procedure.id,
        procedure_code: procedure.code.clone(),
        procedure_name: data.name.clone(),
        procedure_version_id: procedure.current_version_id,
        unit_id: unit.id,
        handler_unit_id: desk,
        channel: channel.code().to_owned(),
        return_channel: return_channel.code().to_owned(),
        return_address: (!return_address.is_empty()).then_some(return_address),
        applicant_user_id: (actor.role == Role::Applicant).then_some(actor.account_id),
        applicant: Applicant {
            kind: kind.to_owned(),
            name,
            id_number: a.id_number.trim().to_owned(),
            phone: a.phone.trim().to_owned(),
            email,
            address,
        },
        components: req
            .components
            .iter()
            .map(|c| (c.code.trim().to_owned(), c.upload_ids.clone()))
            .collect(),
        state: state0,
        received_at,
        filed_at: now,
        due_at,
        lookup_code: new_lookup_code()?,
        idempotency,
        postal_receipt_no,
        fees_vnd: fees,
        event_data,
        note: String::new(),
        messages: receipt_message,
    };
    Ok(new)
}

/// The receipt notification (form 01 in words), for the applicant's e-mail when given.
fn receipt_message(d: &dossier::Model) -> Vec<NewMessage> {
    message(
        d,
        "receipt",
        "Tiếp nhận hồ sơ",
        format!(
            "Hồ sơ {} đã được tiếp nhận lúc {}. Ngày hẹn trả kết quả: {}. Mã tra cứu: {}.",
            d.code,
            motcua_domain::time::format_vn(d.received_at),
            motcua_domain::time::format_vn(d.due_at),
            d.lookup_code
        ),
    )
}
