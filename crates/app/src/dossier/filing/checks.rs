//! The checks of a filing, one per part of the request, in the order their problems are
//! reported: each pushes its problems with the field they concern and returns what it cleaned.

use super::*;

/// The legal receipt time of a filing and what the postal record adds to it.
pub(super) struct Receipt {
    pub(super) received_at: DateTime<Utc>,
    pub(super) postal_receipt_no: Option<String>,
    pub(super) fees: i64,
    pub(super) event_data: serde_json::Value,
}

/// The procedure filed for: a well-formed code of a published procedure, with the data of its
/// current version.
pub(super) async fn procedure(
    app: &App,
    code: &str,
    errors: &mut Vec<Problem>,
) -> Result<Option<(procedure::Model, Arc<ProcedureData>)>> {
    let before = errors.len();
    let procedure = match motcua_domain::catalog::ProcedureCode::parse(code) {
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
    if shown.is_none() && errors.len() == before {
        errors.push(Problem::new(
            "procedure_code",
            "không có thủ tục này trong danh mục đang công bố",
        ));
    }
    Ok(shown)
}

/// The channel: applicants file online; the desk files at the counter or by post; and the
/// procedure takes filings on it.
pub(super) fn channel(
    channel: Option<Channel>,
    role: Role,
    data: Option<&ProcedureData>,
    errors: &mut Vec<Problem>,
) {
    match (channel, role) {
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
}

/// The applicant (personal data: Decree 13/2023; from 1/1/2026 Law 91/2025/QH15): kind, name,
/// identity or enterprise number, phone, the e-mail needed when filing or receiving online, the
/// address; cleaned as stored.
pub(super) fn applicant(
    a: &ApplicantIn,
    channel: Option<Channel>,
    return_channel: Option<Channel>,
    errors: &mut Vec<Problem>,
) -> Applicant {
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
    Applicant {
        kind: kind.to_owned(),
        name,
        id_number: a.id_number.trim().to_owned(),
        phone: a.phone.trim().to_owned(),
        email,
        address,
    }
}

/// How the result comes back: a known channel the procedure returns on (post only where it
/// returns by post, with the address; online only for an electronic result).
pub(super) fn return_channel(
    return_channel: Option<Channel>,
    return_address: &str,
    data: Option<&ProcedureData>,
    errors: &mut Vec<Problem>,
) {
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
}

/// The components: known codes, each at most once; the required ones present; online filings
/// carry a file for each (paper is received at the counter and by post). Returns the uploads named.
pub(super) fn components(
    components: &[ComponentIn],
    data: Option<&ProcedureData>,
    channel: Option<Channel>,
    errors: &mut Vec<Problem>,
) -> Vec<Uuid> {
    let mut upload_ids = Vec::new();
    if let Some(d) = data {
        let mut seen = Vec::new();
        for (i, c) in components.iter().enumerate() {
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
            let given = components.iter().find(|c| c.code.trim() == k.code);
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
    upload_ids
}

/// The uploads named exist, are the actor's own in the actor's agency, belong to no dossier yet,
/// and each is given once.
pub(super) async fn uploads(
    app: &App,
    actor: &Actor,
    upload_ids: &[Uuid],
    errors: &mut Vec<Problem>,
) -> Result<()> {
    if !upload_ids.is_empty() {
        let metas = store::upload_meta(app.db.conn(), upload_ids).await?;
        for id in upload_ids {
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
        let mut sorted = upload_ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != upload_ids.len() {
            errors.push(Problem::new(
                "components",
                "một tệp chỉ gắn vào một thành phần",
            ));
        }
    }
    Ok(())
}

/// The legal receipt time and what a postal filing carries: now, or for post the hand-over time
/// of its record (Decision 45/2016 art. 7.4), with its number and the fees collected.
pub(super) fn receipt(
    channel: Option<Channel>,
    postal: Option<&PostalIn>,
    now: DateTime<Utc>,
    errors: &mut Vec<Problem>,
) -> Receipt {
    let mut received_at = now;
    let mut postal_receipt_no = None;
    let mut fees = 0i64;
    let mut event_data = json!({});
    match (channel, postal) {
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
    Receipt {
        received_at,
        postal_receipt_no,
        fees,
        event_data,
    }
}
