//! Dossiers for the API and the pages alike: validating a filing, planning an action with the
//! domain rules and the calendar, who may see a dossier, and the notifications each step sends.
//! The handlers in `api::dossier` and `pages::dossier` only translate HTTP.

use crate::auth::Caller;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::access::{self, Permission, Scope};
use motcua_domain::account::Role;
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use motcua_domain::catalog::procedure::{Channel, ProcedureData, TimeUnit};
use motcua_domain::dossier::state::{self, Action, DossierState, Facts};
use motcua_domain::dossier::stats::{self, EventKind};
use motcua_domain::dossier::{self as ddom, Outcome, Pause, Progress, Timeline, roles};
use motcua_domain::time::{from_local, to_local};
use motcua_store::dossier::{self as store, Applicant, Filed, NewDossier, NewMessage, RowChange};
use motcua_store::entity::{dossier, dossier_event};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

/// Applicant data as filed: personal data (Decree 13/2023); `Debug` shows the kind only.
#[derive(Clone, Deserialize, ToSchema)]
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

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentIn {
    pub code: String,
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
}

/// The hand-over record of a postal filing (biên bản giao nhận; Decision 45/2016 art. 7.4: its
/// time is the legal receipt time).
#[derive(Clone, Debug, Deserialize, ToSchema)]
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
#[derive(Clone, Deserialize, ToSchema)]
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

/// Whether `caller` may see `d` at all (personal data included).
pub async fn can_see(
    state: &AppState,
    caller: &Caller,
    d: &dossier::Model,
) -> Result<bool, ApiError> {
    if caller.user.agency_id != d.agency_id && caller.role != Role::Applicant {
        return Ok(false);
    }
    if caller.role == Role::Applicant {
        return Ok(d.applicant_user_id == Some(caller.user.id));
    }
    match access::scope(caller.role, Permission::HandleDossiers) {
        Some(Scope::All) => Ok(true),
        Some(Scope::OwnUnit) => {
            let units = state.org().await?.subtree(caller.user.unit_id);
            Ok(units.contains(&d.handler_unit_id) || units.contains(&d.unit_id))
        }
        None => Ok(false),
    }
}

pub fn state_of(d: &dossier::Model) -> DossierState {
    state_code(d.state)
}

/// The state a stored sync code names.
pub fn state_code(code: i16) -> DossierState {
    u8::try_from(code)
        .ok()
        .and_then(DossierState::from_sync_code)
        .unwrap_or(DossierState::Submitted)
}

/// Whether the dossier's clock runs and its appointment has passed at `now` (the queue's mark).
pub fn running_late(d: &dossier::Model, now: DateTime<Utc>) -> bool {
    matches!(
        state_of(d),
        DossierState::Received | DossierState::Processing | DossierState::FinancialObligation
    ) && d.due_at < now
}

pub fn facts_of(d: &dossier::Model) -> Facts {
    Facts {
        supplement_requests: d.supplement_requests.max(0) as u32,
        extended: d.extended,
        approved: d.approved,
    }
}

/// The actions `caller` may take now on `d` (what the page offers; a 409 lists them all).
pub async fn actions_for(
    state: &AppState,
    caller: &Caller,
    d: &dossier::Model,
) -> Result<Vec<Action>, ApiError> {
    let mut out = Vec::new();
    let held_by_caller_unit = match access::scope(caller.role, Permission::HandleDossiers) {
        Some(Scope::All) => true,
        Some(Scope::OwnUnit) => state
            .org()
            .await?
            .subtree(caller.user.unit_id)
            .contains(&d.handler_unit_id),
        None => caller.role == Role::Applicant && d.applicant_user_id == Some(caller.user.id),
    };
    if !held_by_caller_unit {
        return Ok(out);
    }
    for a in state::allowed_actions(state_of(d), facts_of(d)) {
        if roles::may_act(caller.role, a) {
            out.push(a);
        }
    }
    Ok(out)
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

fn nfc(s: &str) -> String {
    motcua_domain::catalog::fold::nfc(s.trim())
}

/// A random look-up code.
pub fn new_lookup_code() -> Result<String, ApiError> {
    let mut buf = [0u8; ddom::code::LOOKUP_LEN];
    getrandom::fill(&mut buf).map_err(|e| ApiError::Internal(anyhow::anyhow!("random: {e}")))?;
    Ok(ddom::code::lookup_code(buf))
}

/// Validate and file a dossier. `idempotency` is the key and the SHA-256 of the body: a request
/// seen before is answered with the dossier it filed, before and after validation (a concurrent
/// twin may have claimed the uploads in between).
pub async fn file(
    state: &AppState,
    caller: &Caller,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed, ApiError> {
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
        let found = store::by_idempotency_key(state.db.conn(), caller.user.agency_id, key).await?;
        if let Some(f) = replay(found, hash) {
            return Ok(f);
        }
    }
    match file_new(state, caller, req, idempotency.clone()).await {
        Err(ApiError::Invalid(errors)) => {
            if let Some((key, hash)) = &idempotency {
                let found =
                    store::by_idempotency_key(state.db.conn(), caller.user.agency_id, key).await?;
                if let Some(f) = replay(found, hash) {
                    return Ok(f);
                }
            }
            Err(ApiError::Invalid(errors))
        }
        other => other,
    }
}

async fn file_new(
    state: &AppState,
    caller: &Caller,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<Filed, ApiError> {
    let new = prepare(state, caller, req, idempotency).await?;
    match store::file(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        new,
    )
    .await
    {
        Err(motcua_store::StoreError::Conflict(why)) => {
            Err(ApiError::Invalid(vec![FieldError::new("components", why)]))
        }
        other => Ok(other?),
    }
}

/// Validate a filing and compute its appointment without writing anything (the applicant's
/// check-your-answers page shows the result; filing repeats it).
pub async fn prepare(
    state: &AppState,
    caller: &Caller,
    req: FileRequest,
    idempotency: Option<(String, String)>,
) -> Result<NewDossier, ApiError> {
    let mut errors = Vec::new();
    let now = state.now();
    let procedure = match motcua_domain::catalog::ProcedureCode::parse(&req.procedure_code) {
        Ok(code) => motcua_store::catalog::procedure_row(state.db.conn(), code.as_str())
            .await?
            .filter(|p| p.published),
        Err(e) => {
            errors.push(FieldError::new("procedure_code", e));
            None
        }
    };
    let shown = match procedure {
        Some(p) => state
            .version_data(p.current_version_id)
            .await?
            .map(|data| (p, data)),
        None => None,
    };
    if shown.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "procedure_code",
            "không có thủ tục này trong danh mục đang công bố",
        ));
    }
    let data: Option<&ProcedureData> = shown.as_ref().map(|(_, v)| v.as_ref());

    // The channel: applicants file online; the desk files at the counter or by post.
    let channel = Channel::parse(req.channel.trim());
    match (channel, caller.role) {
        (None, _) => errors.push(FieldError::new(
            "channel",
            "kênh nộp phải là online, counter hoặc postal",
        )),
        (Some(Channel::Online), Role::Applicant) => {}
        (Some(Channel::Counter | Channel::Postal), r)
            if access::allows(r, Permission::FileAtDesk) => {}
        (Some(c), _) => errors.push(FieldError::new(
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
        errors.push(FieldError::new(
            "channel",
            format!("thủ tục này không nhận hồ sơ qua kênh «{}»", c.label_vi()),
        ));
    }

    // The applicant.
    let a = &req.applicant;
    let kind = a.kind.trim();
    if kind != "citizen" && kind != "business" {
        errors.push(FieldError::new(
            "applicant.kind",
            "đối tượng phải là citizen (công dân) hoặc business (doanh nghiệp, tổ chức)",
        ));
    }
    let name = nfc(&a.name);
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new(
            "applicant.name",
            "họ tên (hoặc tên tổ chức) bắt buộc, tối đa 200 ký tự",
        ));
    }
    if !valid_id(kind, &a.id_number) {
        errors.push(FieldError::new(
            "applicant.id_number",
            if kind == "business" {
                "mã số doanh nghiệp gồm 10 chữ số (chi nhánh: 10 chữ số, dấu gạch, 3 chữ số)"
            } else {
                "số định danh cá nhân gồm 12 chữ số"
            },
        ));
    }
    if !valid_phone(&a.phone) {
        errors.push(FieldError::new(
            "applicant.phone",
            "số điện thoại gồm 10 chữ số, bắt đầu bằng 0",
        ));
    }
    let email = a.email.trim().to_lowercase();
    let return_channel = Channel::parse(req.return_channel.trim());
    let email_needed = channel == Some(Channel::Online) || return_channel == Some(Channel::Online);
    if (!email.is_empty() || email_needed) && !valid_email(&email) {
        errors.push(FieldError::new(
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
        errors.push(FieldError::new(
            "applicant.address",
            "địa chỉ tối đa 500 ký tự",
        ));
    }

    // How the result comes back.
    let return_address = req.return_address.as_deref().map(nfc).unwrap_or_default();
    match return_channel {
        None => errors.push(FieldError::new(
            "return_channel",
            "cách nhận kết quả phải là online, counter hoặc postal",
        )),
        Some(Channel::Postal) => {
            if data.is_some_and(|d| !d.postal_return) {
                errors.push(FieldError::new(
                    "return_channel",
                    "thủ tục này không trả kết quả qua bưu chính",
                ));
            }
            if return_address.is_empty() || return_address.chars().count() > 500 {
                errors.push(FieldError::new(
                    "return_address",
                    "địa chỉ nhận kết quả qua bưu chính bắt buộc (tối đa 500 ký tự)",
                ));
            }
        }
        Some(Channel::Online) => {
            if data.is_some_and(|d| {
                d.result_kind == motcua_domain::catalog::procedure::ResultKind::Paper
            }) {
                errors.push(FieldError::new(
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
                errors.push(FieldError::new(
                    format!("components[{i}].code"),
                    format!("thủ tục không có thành phần hồ sơ «{code}»"),
                ));
            } else if seen.contains(&code) {
                errors.push(FieldError::new(
                    format!("components[{i}].code"),
                    format!("thành phần «{code}» bị lặp"),
                ));
            }
            seen.push(code);
            if c.upload_ids.len() > 20 {
                errors.push(FieldError::new(
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
                errors.push(FieldError::new(
                    format!("components.{}", k.code),
                    format!("thiếu thành phần bắt buộc: {}", k.name),
                ));
            }
        }
    }
    if !upload_ids.is_empty() {
        let metas = store::upload_meta(state.db.conn(), &upload_ids).await?;
        for id in &upload_ids {
            match metas.iter().find(|m| m.id == *id) {
                Some(m)
                    if m.agency_id == caller.user.agency_id
                        && m.owner_id == Some(caller.user.id)
                        && m.dossier_id.is_none() => {}
                _ => errors.push(FieldError::new(
                    "components",
                    format!("tệp {id} không tồn tại, không phải của tài khoản này hoặc đã thuộc hồ sơ khác"),
                )),
            }
        }
        let mut sorted = upload_ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != upload_ids.len() {
            errors.push(FieldError::new(
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
        (Some(Channel::Postal), None) => errors.push(FieldError::new(
            "postal",
            "hồ sơ qua bưu chính cần biên bản giao nhận (số phiếu gửi, thời điểm giao nhận)",
        )),
        (Some(Channel::Postal), Some(p)) => {
            let no = p.receipt_no.trim();
            if no.is_empty() || no.len() > 40 {
                errors.push(FieldError::new(
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
                        errors.push(FieldError::new(
                            "postal.handed_over_at",
                            "thời điểm giao nhận không được ở tương lai hoặc quá 30 ngày trước",
                        ));
                    }
                    received_at = t.min(now);
                }
                Err(_) => errors.push(FieldError::new(
                    "postal.handed_over_at",
                    "thời điểm giao nhận theo RFC 3339, ví dụ 2026-02-13T09:30:00+07:00",
                )),
            }
            if !(0..=1_000_000_000).contains(&p.fees_vnd) {
                errors.push(FieldError::new(
                    "postal.fees_vnd",
                    "lệ phí thu hộ từ 0 đến 1.000.000.000 đồng",
                ));
            }
            postal_receipt_no = Some(no.to_owned());
            fees = p.fees_vnd;
            event_data = json!({ "postal_receipt_no": no, "handed_over_at": received_at, "fees_vnd": p.fees_vnd });
        }
        (_, Some(_)) => errors.push(FieldError::new(
            "postal",
            "biên bản giao nhận chỉ dùng cho hồ sơ qua bưu chính",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let (Some((procedure, data)), Some(channel), Some(return_channel)) =
        (shown, channel, return_channel)
    else {
        return Err(ApiError::Invalid(vec![]));
    };

    // The unit answering for the procedure; the agency's desk when the catalogue names none.
    let org = state.org().await?;
    let unit = org
        .unit(&data.unit)
        .filter(|u| u.agency_id == caller.user.agency_id);
    let Some(unit) = unit else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "procedure_code",
            "thủ tục chưa có đơn vị thực hiện trong cơ cấu tổ chức; liên hệ quản trị",
        )]));
    };
    // The dossier waits at the one-stop desk until it is handed to the unit: the counter officer's
    // own desk, or the agency's desk for online filings (Decree 61/2018 art. 8).
    let desk = if caller.role == Role::Applicant {
        org.units
            .iter()
            .find(|u| {
                u.agency_id == caller.user.agency_id
                    && u.kind == motcua_domain::org::UnitKind::OneStopDesk.as_str()
            })
            .map_or(unit.id, |u| u.id)
    } else {
        caller.user.unit_id
    };
    let agency = org
        .agency(caller.user.agency_id)
        .ok_or(ApiError::Forbidden)?;

    // The appointment (Decree 61/2018 art. 16 and the calendar rules of docs/CALENDAR.md).
    let cal = state.calendar();
    let due_local = cal
        .working
        .due(
            to_local(received_at),
            data.processing_time.as_work_duration(),
            data.cutoff,
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("appointment: {e}")))?;
    let due_at = from_local(due_local);
    let state0 = if channel == Channel::Online {
        DossierState::Submitted
    } else {
        DossierState::Received
    };
    let new = NewDossier {
        agency_id: caller.user.agency_id,
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
        applicant_user_id: (caller.role == Role::Applicant).then_some(caller.user.id),
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

fn message(
    d: &dossier::Model,
    topic: &'static str,
    subject: &str,
    body: String,
) -> Vec<NewMessage> {
    if d.applicant_email.is_empty() && d.applicant_phone.is_empty() {
        return Vec::new();
    }
    vec![NewMessage {
        topic,
        payload: json!({
            "code": d.code,
            "to_email": d.applicant_email,
            "to_phone": d.applicant_phone,
            "subject": format!("[{}] {subject}", d.code),
            "body": body,
        }),
    }]
}

/// One delivery attempt of a postal return.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAttempt {
    /// RFC 3339.
    pub at: String,
    /// `delivered` or `failed`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// An action on a dossier; which fields are needed depends on the action.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `receive`, `refuse`, `request_supplement`, `supplement`, `assign`, `request_payment`, `pay`,
    /// `approve`, `resolve`, `extend`, `stop`, `withdraw`, `return_result`.
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// Refusal (form 03), supplement list (form 02), apology (form 04), stop, withdrawal.
    #[serde(default)]
    pub reason: String,
    /// `assign`: the receiving unit's code.
    #[serde(default)]
    pub unit: Option<String>,
    /// `assign`: the receiving officer's account id (in that unit).
    #[serde(default)]
    pub officer_id: Option<Uuid>,
    /// `extend`: the new appointment day (YYYY-MM-DD, a working day).
    #[serde(default)]
    pub new_due_date: Option<NaiveDate>,
    /// `supplement`: the added documents; `resolve`: the result document(s).
    #[serde(default)]
    pub upload_ids: Vec<Uuid>,
    /// `request_payment`, `pay`.
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    /// `pay`: the receipt (biên lai) number.
    #[serde(default)]
    pub receipt_no: Option<String>,
    /// `return_result`: the postal tracking number.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// `return_result` by post: every delivery attempt, the last one `delivered`.
    #[serde(default)]
    pub delivery_attempts: Vec<DeliveryAttempt>,
}

/// Why an action was not taken.
#[derive(Debug)]
pub enum ActionError {
    Api(ApiError),
    /// Not allowed in this state (or for this role): 409 with the allowed actions.
    NotAllowed {
        message: String,
        allowed: Vec<Action>,
    },
}

impl From<ApiError> for ActionError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<motcua_store::StoreError> for ActionError {
    fn from(e: motcua_store::StoreError) -> Self {
        Self::Api(e.into())
    }
}

fn invalid(field: &str, msg: impl Into<String>) -> ActionError {
    ActionError::Api(ApiError::Invalid(vec![FieldError::new(field, msg)]))
}

fn cal_err(e: impl std::fmt::Display) -> ActionError {
    ActionError::Api(ApiError::Internal(anyhow::anyhow!("calendar: {e}")))
}

/// The pauses of a dossier (supplement requested → supplied), from its events.
pub fn pauses(events: &[dossier_event::Model]) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    for e in events {
        match e.action.as_str() {
            "request_supplement" => out.push(Pause {
                requested_at: to_local(e.at),
                supplied_at: None,
            }),
            "supplement" => {
                if let Some(p) = out.last_mut().filter(|p| p.supplied_at.is_none()) {
                    p.supplied_at = Some(to_local(e.at));
                }
            }
            _ => {}
        }
    }
    out
}

/// Judge a dossier now (or at `at`): its progress, effective appointment and times used.
pub fn assess(
    cal: &WorkingCalendar,
    d: &dossier::Model,
    events: &[dossier_event::Model],
    at: DateTime<Utc>,
) -> Option<ddom::Assessment> {
    let p = pauses(events);
    ddom::assess(
        cal,
        &Timeline {
            received_at: to_local(d.received_at),
            due_at: to_local(d.original_due_at),
            pauses: &p,
            finished_at: d.finished_at.map(to_local),
        },
        to_local(at),
    )
    .ok()
}

/// Check and take an action on `d` at version `expected_version`.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    d: &dossier::Model,
    expected_version: i64,
    req: ActionRequest,
) -> Result<dossier::Model, ActionError> {
    let Some(action) = Action::parse(&req.action) else {
        return Err(invalid(
            "action",
            format!("không có thao tác «{}»", req.action.trim()),
        ));
    };
    let from = state_of(d);
    let allowed = actions_for(state, caller, d).await?;
    if expected_version != d.version {
        return Err(ActionError::Api(ApiError::Conflict(
            "hồ sơ đã được người khác cập nhật; tải lại để xem trạng thái mới".into(),
        )));
    }
    let (next, facts) = match state::apply(from, facts_of(d), action) {
        Ok(v) => v,
        Err(e) => {
            return Err(ActionError::NotAllowed {
                message: e.to_string(),
                allowed,
            });
        }
    };
    if !allowed.contains(&action) {
        return Err(ActionError::NotAllowed {
            message: format!(
                "tài khoản này không được thực hiện thao tác «{}» với hồ sơ này",
                action.code()
            ),
            allowed,
        });
    }
    let now = state.now();
    let cal = state.calendar();
    let cal = &cal.working;
    let reason = nfc(&req.reason);
    let note = nfc(&req.note);
    if note.chars().count() > 2000 || reason.chars().count() > 2000 {
        return Err(invalid("note", "ghi chú và lý do tối đa 2.000 ký tự"));
    }
    let mut change = RowChange {
        state: (next != from).then_some(next.sync_code() as i16),
        ..RowChange::default()
    };
    let mut data = json!({});
    let mut messages = Vec::new();
    let mut claim = Vec::new();
    let mut outcome = None;
    let mut return_channel = None;
    let need_reason = |what: &str| -> Result<(), ActionError> {
        if reason.is_empty() {
            Err(invalid("reason", format!("cần nêu {what}")))
        } else {
            Ok(())
        }
    };
    let local_now = to_local(now);
    match action {
        Action::Receive => {}
        Action::Refuse => {
            need_reason("lý do từ chối (mẫu 03)")?;
            change.finished_at = Some(now);
            data = json!({ "reason": reason });
            messages = message(
                d,
                "refusal",
                "Từ chối tiếp nhận hồ sơ",
                format!("Hồ sơ {} không được tiếp nhận. Lý do: {reason}", d.code),
            );
        }
        Action::RequestSupplement => {
            need_reason("các giấy tờ cần bổ sung (mẫu 02)")?;
            change.supplement_requests = Some(facts.supplement_requests as i32);
            change.paused_at = Some(Some(now));
            data = json!({ "reason": reason });
            messages = message(
                d,
                "supplement_request",
                "Yêu cầu bổ sung hồ sơ",
                format!(
                    "Hồ sơ {} cần bổ sung: {reason}. Thời gian bổ sung không tính vào thời hạn giải quyết.",
                    d.code
                ),
            );
        }
        Action::Supplement => {
            // The clock restarts: the appointment moves by the working time spent waiting.
            let since = d.paused_at.unwrap_or(now);
            let waited = cal
                .working_seconds_between(to_local(since), local_now)
                .map_err(cal_err)?;
            let total = d.paused_seconds.max(0) as u64 + waited;
            let due = if total == 0 {
                to_local(d.original_due_at)
            } else {
                cal.add_working_seconds(to_local(d.original_due_at), total)
                    .map_err(cal_err)?
            };
            change.paused_at = Some(None);
            change.paused_seconds = Some(total as i64);
            let shifted = from_local(due);
            change.due_at = Some(if d.extended {
                shifted.max(d.due_at)
            } else {
                shifted
            });
            claim = req.upload_ids.clone();
            data = json!({ "paused_working_seconds": waited, "upload_ids": req.upload_ids });
        }
        Action::Assign => {
            let Some(code) = req.unit.as_deref().filter(|u| !u.trim().is_empty()) else {
                return Err(invalid("unit", "cần chọn đơn vị nhận hồ sơ"));
            };
            let org = state.org().await?;
            let unit = org
                .unit(code)
                .filter(|u| u.agency_id == d.agency_id)
                .cloned()
                .ok_or_else(|| invalid("unit", format!("không có đơn vị «{}»", code.trim())))?;
            if let Some(officer) = req.officer_id {
                let ok = motcua_store::account::find(state.db.conn(), officer)
                    .await?
                    .is_some_and(|u| {
                        u.unit_id == unit.id
                            && Role::parse(&u.role)
                                .is_ok_and(|r| matches!(r, Role::Officer | Role::UnitLeader))
                    });
                if !ok {
                    return Err(invalid(
                        "officer_id",
                        "người nhận phải là cán bộ hoặc lãnh đạo của đơn vị nhận",
                    ));
                }
            }
            // The internal due time of this step, from the procedure's allocation (by unit code
            // or role); the dossier's appointment when the allocation names none.
            let version = state.version_data(d.procedure_version_id).await?;
            let internal_due = version
                .as_ref()
                .and_then(|v| {
                    let alloc = v
                        .allocation
                        .iter()
                        .find(|a| a.assignee.eq_ignore_ascii_case(&unit.code))?;
                    let dur = match v.processing_time.unit {
                        TimeUnit::WorkingHours => {
                            WorkDuration::Seconds((alloc.value * 3600.0) as u64)
                        }
                        TimeUnit::WorkingDays | TimeUnit::Days => {
                            WorkDuration::HalfDays((alloc.value * 2.0).round() as u32)
                        }
                    };
                    cal.due(local_now, dur, None).ok().map(from_local)
                })
                .map_or(d.due_at, |t| t.min(d.due_at));
            change.handler_unit_id = Some(unit.id);
            change.handler_id = Some(req.officer_id);
            data = json!({
                "from_unit": d.handler_unit_id, "unit": unit.code, "unit_id": unit.id,
                "officer_id": req.officer_id, "internal_due_at": internal_due,
            });
        }
        Action::RequestPayment => {
            let amount = req
                .amount_vnd
                .filter(|a| (1..=1_000_000_000_000).contains(a));
            let Some(amount) = amount else {
                return Err(invalid(
                    "amount_vnd",
                    "số tiền phải nộp là số nguyên dương (đồng)",
                ));
            };
            change.fees_vnd = Some(d.fees_vnd + amount);
            data = json!({ "amount_vnd": amount });
            messages = message(
                d,
                "payment_request",
                "Thông báo nghĩa vụ tài chính",
                format!("Hồ sơ {}: đề nghị nộp {amount} đồng.", d.code),
            );
        }
        Action::Pay => {
            let no = req.receipt_no.as_deref().map(str::trim).unwrap_or_default();
            if no.is_empty() || no.len() > 40 {
                return Err(invalid(
                    "receipt_no",
                    "số biên lai bắt buộc, tối đa 40 ký tự",
                ));
            }
            data = json!({ "receipt_no": no, "amount_vnd": req.amount_vnd });
        }
        Action::Approve => {
            change.approved = Some(true);
        }
        Action::Resolve => {
            if req.upload_ids.is_empty() {
                return Err(invalid(
                    "upload_ids",
                    "cần đính kèm văn bản kết quả giải quyết",
                ));
            }
            claim = req.upload_ids.clone();
            let events = store::events(state.db.conn(), d.id).await?;
            let mut finished = d.clone();
            finished.finished_at = Some(now);
            let a = assess(cal, &finished, &events, now)
                .ok_or_else(|| cal_err("assessment out of range"))?;
            let o = match a.progress {
                Progress::Finished(o) => o,
                _ => Outcome::Late,
            };
            outcome = Some(o);
            change.finished_at = Some(now);
            change.resolved_at = Some(now);
            change.outcome = Some(o.code().to_owned());
            change.working_seconds_used = Some(a.working_seconds_used as i64);
            data = json!({ "upload_ids": req.upload_ids, "outcome": o.code(), "working_seconds_used": a.working_seconds_used, "paused_working_seconds": a.paused_working_seconds });
            messages = message(
                d,
                "result_ready",
                "Đã có kết quả",
                format!(
                    "Hồ sơ {} đã có kết quả; nhận kết quả theo hình thức đã chọn.",
                    d.code
                ),
            );
        }
        Action::Extend => {
            need_reason("lý do chậm trễ (mẫu 04)")?;
            let Some(day) = req.new_due_date else {
                return Err(invalid("new_due_date", "cần ngày hẹn trả mới (YYYY-MM-DD)"));
            };
            let end = cal.hours().end_of_day();
            let new_due = day.and_time(
                chrono::NaiveTime::from_num_seconds_from_midnight_opt(end, 0).unwrap_or_default(),
            );
            ddom::check_extension(cal, to_local(d.due_at), local_now, new_due, d.extended)
                .map_err(|e| invalid("new_due_date", e.to_string()))?;
            change.extended = Some(true);
            change.due_at = Some(from_local(new_due));
            data = json!({ "reason": reason, "old_due_at": d.due_at, "new_due_at": from_local(new_due) });
            messages = message(
                d,
                "apology",
                "Xin lỗi và hẹn lại ngày trả kết quả",
                format!(
                    "Hồ sơ {} chưa thể trả đúng hẹn. Lý do: {reason}. Ngày hẹn trả mới: {}. Cơ quan chân thành xin lỗi.",
                    d.code,
                    day.format("%d/%m/%Y")
                ),
            );
        }
        Action::Stop => {
            need_reason("lý do dừng xử lý")?;
            change.finished_at = Some(now);
            data = json!({ "reason": reason });
        }
        Action::Withdraw => {
            if from != DossierState::Submitted {
                change.finished_at = Some(now);
            }
            data = json!({ "reason": reason });
        }
        Action::ReturnResult => {
            let ch = Channel::parse(&d.return_channel).unwrap_or(Channel::Counter);
            return_channel = Some(ch);
            change.returned_at = Some(now);
            if ch == Channel::Postal {
                let tracking = req
                    .tracking_number
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default();
                if tracking.is_empty() || tracking.len() > 40 {
                    return Err(invalid(
                        "tracking_number",
                        "mã vận đơn bắt buộc khi trả qua bưu chính",
                    ));
                }
                let mut attempts = Vec::new();
                for (i, at) in req.delivery_attempts.iter().enumerate() {
                    let t = DateTime::parse_from_rfc3339(at.at.trim())
                        .map_err(|_| {
                            invalid(
                                &format!("delivery_attempts[{i}].at"),
                                "thời điểm theo RFC 3339",
                            )
                        })?
                        .with_timezone(&Utc);
                    if at.outcome != "delivered" && at.outcome != "failed" {
                        return Err(invalid(
                            &format!("delivery_attempts[{i}].outcome"),
                            "kết quả phát là delivered hoặc failed",
                        ));
                    }
                    attempts.push(json!({ "at": t, "outcome": at.outcome, "note": nfc(&at.note) }));
                }
                if req
                    .delivery_attempts
                    .last()
                    .is_none_or(|a| a.outcome != "delivered")
                {
                    return Err(invalid(
                        "delivery_attempts",
                        "cần ghi các lần phát, lần cuối là delivered (đã phát thành công)",
                    ));
                }
                data = json!({ "channel": ch.code(), "tracking_number": tracking, "delivery_attempts": attempts });
            } else {
                data = json!({ "channel": ch.code() });
            }
            messages = message(
                d,
                "result_returned",
                "Đã trả kết quả",
                format!("Kết quả hồ sơ {} đã được trả ({}).", d.code, ch.label_vi()),
            );
        }
    }
    if !claim.is_empty() {
        let metas = store::upload_meta(state.db.conn(), &claim).await?;
        let bad = claim.iter().any(|id| {
            !metas.iter().any(|m| {
                m.id == *id
                    && m.agency_id == d.agency_id
                    && m.owner_id == Some(caller.user.id)
                    && m.dossier_id.is_none()
            })
        });
        if bad {
            return Err(invalid(
                "upload_ids",
                "tệp không tồn tại, không phải của tài khoản này hoặc đã được dùng",
            ));
        }
    }
    if action == Action::Resolve {
        let (ids, signed) = sign_results(state, caller, d, &claim).await?;
        claim = ids;
        data["upload_ids"] = json!(claim);
        data["signed"] = json!(signed);
    }
    let counters = stats::counters(
        EventKind::Acted {
            action,
            from,
            outcome,
            return_channel,
        },
        Channel::parse(&d.channel).unwrap_or(Channel::Counter),
    );
    let write = store::ActionWrite {
        dossier_id: d.id,
        expected_version,
        action,
        from_state: from,
        change,
        at: now,
        note,
        data,
        messages,
        claim,
        counters,
    };
    store::act(
        &state.db,
        &caller.audit_ctx(crate::ops::operation_id()),
        write,
    )
    .await
    .map_err(|e| match e {
        motcua_store::StoreError::Conflict(why) if why.contains("tệp") => {
            invalid("upload_ids", why)
        }
        // Another writer moved the dossier between the read and the write (the version check in
        // the UPDATE): the same answer as the check above, not the generic duplicate message.
        motcua_store::StoreError::Conflict(why) if why.contains("người khác cập nhật") => {
            ActionError::Api(ApiError::Conflict(why))
        }
        e => ActionError::Api(e.into()),
    })
}

/// Signs the result documents of a resolved dossier with the resolving officer's certificate and the
/// agency's (crate::signing::sign_result) and stores the signed copies as new uploads, which the
/// action claims in place of the unsigned ones. Returns the ids to claim and whether every result
/// was signed: without any credential (an installation without a PKI) or for a result that is not
/// a PDF, the result goes out as uploaded and the event records `"signed": false`. The signed copies
/// are stored before the action's transaction: when the action then fails (a stale version), they
/// stay unclaimed uploads of the officer, like any file uploaded and not used.
async fn sign_results(
    state: &AppState,
    caller: &Caller,
    d: &dossier::Model,
    ids: &[Uuid],
) -> Result<(Vec<Uuid>, bool), ActionError> {
    let conn = state.db.conn();
    let unavailable = |e: anyhow::Error| {
        tracing::error!(error = %e, "signing keys unavailable");
        ActionError::Api(ApiError::Conflict(
            "không dùng được chứng thư số để ký kết quả; báo quản trị hệ thống".into(),
        ))
    };
    let organ = state
        .org()
        .await?
        .agency(d.agency_id)
        .map(|a| a.organ_id.clone());
    let person = state
        .signing
        .of_account(&state.db, caller.user.id)
        .await
        .map_err(unavailable)?;
    let organisation = match &organ {
        Some(o) => state
            .signing
            .of_organ(&state.db, o)
            .await
            .map_err(unavailable)?,
        None => None,
    };
    if person.is_none() && organisation.is_none() {
        return Ok((ids.to_vec(), false));
    }
    // The signature's time is the real moment of signing (the dossier clock is moved in drills).
    let at = chrono::Utc::now().with_timezone(&motcua_domain::time::VN_OFFSET);
    let reason = format!("Kết quả giải quyết hồ sơ {}", d.code);
    let mut out = Vec::with_capacity(ids.len());
    let mut all = true;
    for id in ids {
        let f = store::upload_content(conn, *id).await?;
        if !f.content.starts_with(b"%PDF-") {
            out.push(*id);
            all = false;
            continue;
        }
        let signed = crate::signing::sign_result(
            &f.content,
            person.as_deref(),
            organisation.as_deref(),
            &reason,
            at,
        )
        .map_err(|e| invalid("upload_ids", format!("{}: {e}", f.file_name)))?;
        let meta = store::save_upload(
            &state.db,
            &caller.audit_ctx(crate::ops::operation_id()),
            store::NewUpload {
                agency_id: d.agency_id,
                owner_id: Some(caller.user.id),
                file_name: f.file_name.clone(),
                content_type: "application/pdf".into(),
                content: signed,
            },
        )
        .await?;
        out.push(meta.id);
    }
    Ok((out, all && person.is_some() && organisation.is_some()))
}

/// The Vietnamese label of a stored outcome code (empty for none).
pub fn outcome_label(code: &str) -> &'static str {
    Outcome::parse(code).map_or("", Outcome::label_vi)
}

/// A short Vietnamese label of an event's action.
pub fn action_label(code: &str) -> &'static str {
    match code {
        "file" => "Nộp hồ sơ",
        "receive" => "Tiếp nhận",
        "refuse" => "Từ chối tiếp nhận (mẫu 03)",
        "request_supplement" => "Yêu cầu bổ sung (mẫu 02)",
        "supplement" => "Bổ sung hồ sơ",
        "assign" => "Chuyển xử lý",
        "request_payment" => "Thông báo nghĩa vụ tài chính",
        "pay" => "Nộp phí, lệ phí",
        "approve" => "Phê duyệt",
        "resolve" => "Có kết quả giải quyết",
        "extend" => "Xin lỗi, hẹn lại (mẫu 04)",
        "stop" => "Dừng xử lý",
        "withdraw" => "Rút hồ sơ",
        "return_result" => "Trả kết quả",
        _ => "",
    }
}
