//! The demo dossiers: filed on every channel and taken through every state on the days they
//! happened.

use super::{APPLICANTS, action, at, caller, step, upload};
use chrono::{Duration, NaiveDate};
use motcua_app::dossier::action::DeliveryAttempt;
use motcua_app::dossier::filing::{ApplicantIn, ComponentIn, FileRequest, PostalIn};
use motcua_app::dossier::{self as svc};
use motcua_app::{App, Config, Db};
use motcua_store::dossier::Filed;
use motcua_store::entity::dossier;

/// Load the demo dossiers unless the agency already has some. Returns how many were filed.
pub async fn load_dossiers(db: &Db, config: &Config) -> anyhow::Result<usize> {
    // The installation's configuration: its working hours, and its signing key passphrase (demo
    // results are signed with the demo certificates).
    let state = App::new(db.clone(), config.clone()).map_err(|e| anyhow::anyhow!(e))?;
    state.reload_calendar().await?;
    let any: Option<dossier::Model> = {
        use motcua_store::sea_orm::EntityTrait;
        dossier::Entity::find().one(db.conn()).await?
    };
    if any.is_some() {
        return Ok(0);
    }
    let applicant = caller(&state, "congdan@demo.motcua.vn").await?;
    let desk = caller(&state, "motcua@demo.motcua.vn").await?;
    let officer = caller(&state, "chuyenvien@demo.motcua.vn").await?;
    let leader = caller(&state, "lanhdao@demo.motcua.vn").await?;
    // The demo's Telecommunications procedures (unit CVT, where the demo officer and leader work).
    let codes: Vec<String> = {
        use motcua_store::entity::procedure;
        use motcua_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        procedure::Entity::find()
            .filter(procedure::Column::Published.eq(true))
            .filter(procedure::Column::Field.eq("vien-thong"))
            .order_by_asc(procedure::Column::Code)
            .all(db.conn())
            .await?
            .into_iter()
            .map(|p| p.code)
            .collect()
    };
    if codes.is_empty() {
        return Ok(0);
    }
    let mut filed = 0;
    let start = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap_or_default();
    for i in 0..30usize {
        let code = &codes[i % codes.len()];
        let Some(data) = state
            .version_data(
                motcua_store::catalog::procedure_row(db.conn(), code)
                    .await?
                    .map(|p| p.current_version_id)
                    .unwrap_or_default(),
            )
            .await?
        else {
            continue;
        };
        // A working day in the autumn, two dossiers a day.
        let mut day = start + Duration::days((i / 2 * 3) as i64);
        while !state.calendar().working.is_working_day(day).unwrap_or(true) {
            day += Duration::days(1);
        }
        state.set_clock(at(day, 8 + (i % 8) as u32, 15));
        let (kind, name, id_number, phone) = APPLICANTS[i % APPLICANTS.len()];
        let channel = match i % 3 {
            0 => "online",
            1 => "counter",
            _ => "postal",
        };
        let channel = if data.channels.iter().any(|c| c.code() == channel) {
            channel
        } else {
            "counter"
        };
        let filer = if channel == "online" {
            &applicant
        } else {
            &desk
        };
        let mut components = Vec::new();
        for c in data
            .components
            .iter()
            .filter(|c| c.required || channel == "online")
        {
            let ids = if channel == "online" || i % 2 == 0 {
                vec![upload(&state, filer, &format!("{}.pdf", c.code.to_lowercase())).await?]
            } else {
                Vec::new()
            };
            components.push(ComponentIn {
                code: c.code.clone(),
                upload_ids: ids,
            });
        }
        let return_channel = if channel == "online"
            && data.result_kind != motcua_domain::catalog::procedure::ResultKind::Paper
        {
            "online"
        } else if data.postal_return && i % 4 == 1 {
            "postal"
        } else {
            "counter"
        };
        let req = FileRequest {
            procedure_code: code.clone(),
            channel: channel.to_owned(),
            applicant: ApplicantIn {
                kind: kind.to_owned(),
                name: name.to_owned(),
                id_number: id_number.to_owned(),
                phone: phone.to_owned(),
                email: if channel == "online" || i % 2 == 0 {
                    format!("hoso{i}@example.vn")
                } else {
                    String::new()
                },
                address: "Số 18 Nguyễn Du, Hai Bà Trưng, Hà Nội".to_owned(),
            },
            components,
            return_channel: return_channel.to_owned(),
            return_address: (return_channel == "postal")
                .then(|| "Số 18 Nguyễn Du, Hai Bà Trưng, Hà Nội".to_owned()),
            postal: (channel == "postal").then(|| PostalIn {
                receipt_no: format!("PG{:08}", 26_090_000 + i),
                handed_over_at: at(day, 7, 50).to_rfc3339(),
                fees_vnd: 0,
            }),
        };
        let d = match svc::filing::file(&state, &filer.actor(), req, None).await {
            Ok(Filed::Created(d)) => *d,
            Ok(_) => continue,
            Err(e) => return Err(anyhow::anyhow!("demo filing of {code}: {e:?}")),
        };
        filed += 1;
        // Each dossier goes as far as its number says; the last few stay in the queues.
        let mut d = d;
        let fate = i % 10;
        if fate == 9 {
            state.set_clock(at(day, 14, 0));
            let mut r = action("refuse");
            r.reason = "Thủ tục không thuộc thẩm quyền giải quyết của Bộ; đề nghị nộp tại Sở Thông tin và Truyền thông.".into();
            step(&state, &desk, &d, r).await?;
            continue;
        }
        if channel == "online" {
            if fate == 4 && i >= 24 {
                continue; // submitted online, not yet received
            }
            state.set_clock(at(day, 14, 0));
            d = step(&state, &desk, &d, action("receive")).await?;
        }
        if fate == 8 && i >= 20 {
            continue; // waiting at the desk
        }
        state.set_clock(at(day, 15, 0));
        let mut assign = action("assign");
        assign.unit = Some("CVT".into());
        assign.officer_id = Some(officer.user.id);
        d = step(&state, &desk, &d, assign).await?;
        if i >= 26 {
            continue; // being appraised now
        }
        if i == 12 {
            state.set_clock(at(day + Duration::days(1), 9, 0));
            let mut r = action("request_payment");
            r.amount_vnd = Some(1_500_000);
            step(&state, &officer, &d, r).await?;
            continue; // waiting for the fee
        }
        if i == 22 {
            state.set_clock(at(day + Duration::days(1), 9, 0));
            let mut r = action("withdraw");
            r.reason = "Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ.".into();
            step(&state, &desk, &d, r).await?;
            continue;
        }
        if fate == 3 || fate == 6 {
            state.set_clock(at(day + Duration::days(1), 10, 0));
            let mut r = action("request_supplement");
            r.reason =
                "Bổ sung bản sao giấy chứng nhận đăng ký doanh nghiệp và sơ đồ mạng lưới.".into();
            d = step(&state, &officer, &d, r).await?;
            if fate == 6 && i >= 16 {
                continue; // waiting for the applicant
            }
            state.set_clock(at(day + Duration::days(4), 9, 30));
            d = step(&state, &desk, &d, action("supplement")).await?;
        }
        if fate == 5 {
            // Will be late: apologise the day before the appointment.
            let due_day = motcua_domain::time::to_local(d.due_at).date();
            state.set_clock(at(due_day - Duration::days(1), 16, 0));
            let mut r = action("extend");
            r.reason = "Cần lấy ý kiến thẩm định của Cục An toàn thông tin.".into();
            let mut new_day = due_day + Duration::days(3);
            while !state
                .calendar()
                .working
                .is_working_day(new_day)
                .unwrap_or(true)
            {
                new_day += Duration::days(1);
            }
            r.new_due_date = Some(new_day);
            d = step(&state, &officer, &d, r).await?;
            state.set_clock(at(new_day, 10, 0));
        } else if fate == 7 {
            state.set_clock(at(day + Duration::days(2), 11, 0));
            let mut r = action("stop");
            r.reason = "Doanh nghiệp có văn bản đề nghị dừng thực hiện thủ tục.".into();
            step(&state, &leader, &d, r).await?;
            continue;
        } else {
            state.set_clock(at(day + Duration::days(2), 16, 0));
        }
        d = step(&state, &leader, &d, action("approve")).await?;
        let mut r = action("resolve");
        r.upload_ids = vec![upload(&state, &officer, "ket-qua.pdf").await?];
        d = step(&state, &officer, &d, r).await?;
        if i % 4 == 0 {
            continue; // result ready, not yet collected
        }
        state.set_clock(at(
            motcua_domain::time::to_local(d.resolved_at.unwrap_or(d.received_at)).date()
                + Duration::days(1),
            9,
            0,
        ));
        let mut r = action("return_result");
        if d.return_channel == "postal" {
            r.tracking_number = Some(format!("EB{:09}VN", 260_900_000 + i));
            r.delivery_attempts = vec![DeliveryAttempt {
                at: state.now().to_rfc3339(),
                outcome: "delivered".into(),
                note: String::new(),
            }];
        }
        let d = step(&state, &desk, &d, r).await?;
        if i % 3 == 0 {
            svc::public::rate(
                &state,
                &d,
                4 + (i % 2) as i16,
                "Cán bộ hướng dẫn tận tình.",
                "demo",
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
    }
    Ok(filed)
}
