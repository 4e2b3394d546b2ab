//! Forms 01–05 of a dossier as PDF (Circular 01/2018/TT-VPCP, annex), built from the dossier row
//! and its events and typeset by `motcua_forms`. A form exists once its event does: 02 after a
//! supplement request, 03 after a refusal, 04 after an apology; 01 and 05 always.

use super::{Dossier, action_label, outcome_label};
use crate::{Actor, App, Error, Result};
use chrono::{DateTime, Datelike, Utc};
use motcua_domain::account::Role;
use motcua_domain::catalog::procedure::Channel;
use motcua_domain::time::VN_OFFSET;
use motcua_forms::Form;
use motcua_store::entity::dossier_event;
use serde_json::{Value, json};
use uuid::Uuid;

fn words_date(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&VN_OFFSET);
    format!(
        "ngày {:02} tháng {:02} năm {}",
        l.day(),
        l.month(),
        l.year()
    )
}

fn words_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&VN_OFFSET)
        .format("%H giờ %M phút, ngày %d/%m/%Y")
        .to_string()
}

fn short(t: DateTime<Utc>) -> String {
    motcua_domain::time::format_vn(t)
}

fn data_of(e: &dossier_event::Model) -> Value {
    serde_json::from_str(&e.data).unwrap_or(Value::Null)
}

/// The forms of a dossier whose event has happened, in number order: 01 always, 02 after a
/// supplement request, 03 after a refusal, 04 after an apology (extension), and 05, the control
/// slip that goes with the dossier between units (Circular 01/2018/TT-VPCP, annex, form 05), for
/// staff only ([`may_see`]).
pub fn available(actions: &[&str], actor: &Actor) -> Vec<Form> {
    let happened = |a: &str| actions.contains(&a);
    Form::ALL
        .into_iter()
        .filter(|f| match f {
            Form::Receipt => true,
            Form::SupplementRequest => happened("request_supplement"),
            Form::Refusal => happened("refuse"),
            Form::Apology => happened("extend"),
            Form::ControlSlip => true,
        })
        .filter(|f| may_see(actor, *f))
        .collect()
}

/// Whether `actor` is shown `form`: the control slip is the office's record of who handled the
/// dossier when, not a paper for the applicant; every other form is both's.
pub fn may_see(actor: &Actor, form: Form) -> bool {
    form != Form::ControlSlip || actor.role != Role::Applicant
}

/// The PDF of `form` for `d`, or `NotFound` when the form's event has not happened.
pub async fn pdf(app: &App, base_url: &str, d: &Dossier, form: Form) -> Result<Vec<u8>> {
    let events = motcua_store::dossier::events(app.db.conn(), d.id).await?;
    let event = |action: &str| events.iter().rev().find(|e| e.action == action).cloned();
    let org = app.org().await?;
    let unit_name = |id: Option<Uuid>| {
        id.and_then(|id| org.unit_by_id(id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let person = |id: Option<Uuid>| {
        let db = app.db.clone();
        async move {
            match id {
                Some(id) => motcua_store::account::find(db.conn(), id)
                    .await
                    .ok()
                    .flatten()
                    .map(|u| u.full_name)
                    .unwrap_or_default(),
                None => String::new(),
            }
        }
    };
    let version = app
        .version_data(d.procedure_version_id)
        .await?
        .ok_or(Error::NotFound)?;
    let agency = org
        .agency(d.agency_id)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let filed = events.first().cloned().ok_or(Error::NotFound)?;
    let listed: Vec<String> = serde_json::from_str::<Value>(&d.components)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect();
    let components: Vec<Value> = version
        .components
        .iter()
        .filter(|c| listed.contains(&c.code))
        .map(|c| json!({"name": c.name, "originals": c.originals, "copies": c.copies}))
        .collect();
    // The desk that took the dossier in: the filing officer's unit, or for an online filing the
    // one-stop desk (Decree 61/2018 art. 8).
    let desk = match unit_name(filed.actor_unit) {
        n if filed.actor_role != "applicant" && !n.is_empty() => n,
        _ => "Bộ phận Một cửa".to_owned(),
    };
    let channel_label = |c: &str| Channel::parse(c).map_or("", Channel::label_vi).to_owned();
    let lookup_link = format!("{base_url}/tra-cuu?ma={}&tra_cuu={}", d.code, d.lookup_code);
    let mut data = json!({
        "agency": agency,
        "unit": desk,
        "place": "Hà Nội",
        "code": d.code,
        "lookup_code": d.lookup_code,
        "qr_svg": Value::Null,
        "applicant": {"name": d.applicant_name, "address": d.applicant_address, "phone": d.applicant_phone, "email": d.applicant_email},
        "procedure_code": d.procedure_code,
        "procedure_name": version.name,
        "components": components,
        "processing_time": version.processing_time.label_vi(),
        "received_words": words_time(d.received_at),
        "due_words": words_time(d.original_due_at),
        "return_channel": channel_label(&d.return_channel),
        "channel": channel_label(&d.channel),
        "register_book": format!("{}/{}", d.code.rsplit('-').next().unwrap_or_default(), d.received_at.with_timezone(&VN_OFFSET).year()),
    });
    let set = |data: &mut Value, k: &str, v: Value| {
        if let Some(o) = data.as_object_mut() {
            o.insert(k.to_owned(), v);
        }
    };
    match form {
        Form::Receipt => {
            let receiver = match event("receive") {
                Some(e) => person(e.actor_id).await,
                None => person(filed.actor_id).await,
            };
            set(&mut data, "officer", json!(receiver));
            set(&mut data, "date_words", json!(words_date(d.received_at)));
            let qr = motcua_render::qr::svg(&lookup_link).map_err(|e| Error::Internal(e.into()))?;
            set(&mut data, "qr_svg", json!(qr));
        }
        Form::SupplementRequest => {
            let e = event("request_supplement").ok_or(Error::NotFound)?;
            set(&mut data, "officer", json!(person(e.actor_id).await));
            set(&mut data, "date_words", json!(words_date(e.at)));
            set(&mut data, "event_words", json!(short(e.at)));
            set(&mut data, "reason", data_of(&e)["reason"].clone());
        }
        Form::Refusal => {
            let e = event("refuse").ok_or(Error::NotFound)?;
            set(&mut data, "officer", json!(person(e.actor_id).await));
            set(&mut data, "date_words", json!(words_date(e.at)));
            set(&mut data, "reason", data_of(&e)["reason"].clone());
        }
        Form::Apology => {
            let e = event("extend").ok_or(Error::NotFound)?;
            let ed = data_of(&e);
            let when = |v: &Value| {
                v.as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| words_time(t.with_timezone(&Utc)))
                    .unwrap_or_default()
            };
            set(&mut data, "officer", json!(person(e.actor_id).await));
            set(&mut data, "unit", json!(unit_name(Some(d.unit_id))));
            set(&mut data, "date_words", json!(words_date(e.at)));
            set(&mut data, "reason", ed["reason"].clone());
            set(&mut data, "old_due_words", json!(when(&ed["old_due_at"])));
            set(&mut data, "new_due_words", json!(when(&ed["new_due_at"])));
        }
        Form::ControlSlip => {
            let mut rows = Vec::new();
            for e in &events {
                let ed = data_of(e);
                let from = unit_name(e.actor_unit);
                let who = match e.action.as_str() {
                    "assign" => format!(
                        "{} → {}",
                        from,
                        unit_name(ed["unit_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()))
                    ),
                    _ if from.is_empty() => "Người nộp hồ sơ".to_owned(),
                    _ => from,
                };
                let note = match ed["internal_due_at"]
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                {
                    Some(t) => format!("Hạn bước: {}", short(t.with_timezone(&Utc))),
                    None => e.note.clone(),
                };
                let mut what = action_label(&e.action).to_owned();
                if let Some(r) = ed["reason"].as_str().filter(|r| !r.is_empty()) {
                    what.push_str(&format!(": {r}"));
                }
                rows.push(json!({"who": who, "when": short(e.at), "what": what, "note": note}));
            }
            set(&mut data, "officer", json!(""));
            set(&mut data, "date_words", json!(words_date(app.now())));
            set(
                &mut data,
                "handling_unit",
                json!(unit_name(Some(d.unit_id))),
            );
            set(&mut data, "coordinating", json!("Không"));
            set(&mut data, "due_words", json!(words_time(d.due_at)));
            set(&mut data, "rows", json!(rows));
            set(
                &mut data,
                "outcome",
                json!(
                    d.outcome
                        .as_deref()
                        .map_or("Đang giải quyết", outcome_label)
                ),
            );
        }
    }
    tokio::task::spawn_blocking(move || motcua_forms::render(form, &data))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("form task: {e}")))?
        .map_err(|e| Error::Internal(anyhow::anyhow!("form {}: {e}", form.number())))
}
