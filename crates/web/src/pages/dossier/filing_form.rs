//! The filing form's fields read back: the values shown again, the request for the use case, the
//! use case's field names mapped to the form's, and the answers as the check page lists them.

use super::*;

pub(super) fn form_of(f: &HashMap<String, String>) -> FileFormData {
    let g = |k: &str| f.get(k).cloned().unwrap_or_default();
    FileFormData {
        kind: g("kind"),
        name: g("name"),
        id_number: g("id_number"),
        phone: g("phone"),
        email: g("email"),
        address: g("address"),
        return_channel: g("return_channel"),
        return_address: g("return_address"),
        channel: g("channel"),
        receipt_no: g("receipt_no"),
        handed_over_at: g("handed_over_at"),
        fees_vnd: g("fees_vnd"),
    }
}

pub(super) fn request_of(
    p: &ProcedureData,
    form: &FileFormData,
    fields: &HashMap<String, String>,
    desk: bool,
) -> FileRequest {
    let components = p
        .components
        .iter()
        .filter_map(|c| {
            let upload = fields
                .get(&format!("upload_{}", c.code))
                .and_then(|s| Uuid::parse_str(s).ok());
            let paper = desk && fields.contains_key(&format!("paper_{}", c.code));
            (upload.is_some() || paper).then(|| ComponentIn {
                code: c.code.clone(),
                upload_ids: upload.into_iter().collect(),
            })
        })
        .collect();
    let channel = if desk {
        form.channel.clone()
    } else {
        "online".to_owned()
    };
    FileRequest {
        procedure_code: p.code.to_string(),
        channel: channel.clone(),
        applicant: ApplicantIn {
            kind: form.kind.clone(),
            name: form.name.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            email: form.email.clone(),
            address: form.address.clone(),
        },
        components,
        return_channel: form.return_channel.clone(),
        return_address: Some(form.return_address.clone()).filter(|s| !s.trim().is_empty()),
        postal: (channel == "postal").then(|| PostalIn {
            receipt_no: form.receipt_no.clone(),
            // datetime-local gives Vietnam wall-clock time without an offset.
            handed_over_at: if form.handed_over_at.len() == 16 {
                format!("{}:00+07:00", form.handed_over_at)
            } else {
                form.handed_over_at.clone()
            },
            fees_vnd: form.fees_vnd.trim().replace('.', "").parse().unwrap_or(0),
        }),
    }
}

/// The field names of the API, as the page's inputs are named.
pub(super) fn page_field(api_field: &str) -> String {
    let f = api_field
        .trim_start_matches("applicant.")
        .replace("postal.", "");
    match f.as_str() {
        "components" => "components".to_owned(),
        other => other
            .strip_prefix("components.")
            .map_or_else(|| other.to_owned(), |c| format!("upload_{c}")),
    }
}

/// The rows of the check-your-answers page: the applicant and the channels as they will be filed.
pub(super) fn answer_rows(
    form: &FileFormData,
    new: &svc::filing::NewDossier,
) -> Vec<(String, String)> {
    let kind = if form.kind == "business" {
        "Doanh nghiệp, tổ chức"
    } else {
        "Công dân"
    };
    let channel = |c: &str| Channel::parse(c).map_or("", Channel::label_vi).to_owned();
    let a = &new.applicant;
    let mut rows = vec![
        ("Đối tượng".to_owned(), kind.to_owned()),
        ("Họ tên / tên tổ chức".to_owned(), a.name.clone()),
        (
            "Số định danh / mã số doanh nghiệp".to_owned(),
            a.id_number.clone(),
        ),
        ("Điện thoại".to_owned(), a.phone.clone()),
        ("Thư điện tử".to_owned(), a.email.clone()),
        ("Địa chỉ".to_owned(), a.address.clone()),
        ("Kênh nộp".to_owned(), channel(&new.channel)),
        ("Nhận kết quả".to_owned(), channel(&new.return_channel)),
    ];
    if let Some(a) = &new.return_address {
        rows.push(("Địa chỉ nhận kết quả".to_owned(), a.clone()));
    }
    if let Some(no) = &new.postal_receipt_no {
        rows.push(("Số phiếu gửi".to_owned(), no.clone()));
    }
    rows
}
