//! Demo dossiers: a few dozen dossiers of autumn 2026 in every state, made through the same
//! service the API and the pages use (so they carry real events, forms, counters and audit
//! entries), with the dossier clock moved to the days they happened. Loaded once, when the demo
//! organisation has no dossier yet.

use crate::auth::Caller;
use crate::config::Config;
use crate::state::AppState;
use chrono::{Duration, NaiveDate, NaiveTime};
use motcua_app::dossier::action::{ActionError, ActionRequest, DeliveryAttempt};
use motcua_app::dossier::filing::{ApplicantIn, ComponentIn, FileRequest, PostalIn};
use motcua_app::dossier::{self as svc};
use motcua_domain::time::from_local;
use motcua_store::Db;
use motcua_store::dossier::Filed;
use motcua_store::entity::dossier;

/// A small whole PDF standing in for scanned documents and results (whole, so results can be
/// signed).
fn demo_pdf() -> Vec<u8> {
    motcua_sign::pdf::simple_document(&["Van ban mau - du lieu trinh dien cua motcua"])
}

const APPLICANTS: [(&str, &str, &str, &str); 6] = [
    ("citizen", "Nguyễn Thị Lan", "001190004521", "0912000451"),
    (
        "business",
        "Công ty TNHH Viễn thông Hồng Hà",
        "0101234567",
        "0243826451",
    ),
    ("citizen", "Trần Văn Hùng", "036089007812", "0983000781"),
    (
        "business",
        "Công ty Cổ phần Bưu chính Sao Việt",
        "0108765432",
        "0283822990",
    ),
    ("citizen", "Lê Thị Mai Anh", "079195003366", "0905000336"),
    (
        "business",
        "Hợp tác xã Dịch vụ Thông tin Bình Minh",
        "4601122334",
        "0208385112",
    ),
];

async fn caller(state: &AppState, email: &str) -> anyhow::Result<Caller> {
    let email = motcua_domain::account::Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = motcua_store::account::find_by_email(state.db.conn(), &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    Caller::system_for(user).ok_or_else(|| anyhow::anyhow!("demo account role"))
}

fn at(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    from_local(day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()))
}

async fn upload(state: &AppState, who: &Caller, name: &str) -> anyhow::Result<uuid::Uuid> {
    let m = svc::save_upload(state, &who.actor(), name.to_owned(), demo_pdf())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(m.id)
}

async fn step(
    state: &AppState,
    who: &Caller,
    d: &dossier::Model,
    req: ActionRequest,
) -> anyhow::Result<dossier::Model> {
    let fresh = motcua_store::dossier::by_code(state.db.conn(), &d.code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("dossier vanished"))?;
    match svc::action::act(state, &who.actor(), &fresh, fresh.version, req).await {
        Ok(d) => Ok(d),
        Err(ActionError::Failed(e)) => Err(anyhow::anyhow!("{e:?}")),
        Err(ActionError::NotAllowed { message, .. }) => Err(anyhow::anyhow!(message)),
    }
}

fn action(name: &str) -> ActionRequest {
    ActionRequest {
        action: name.to_owned(),
        ..ActionRequest::default()
    }
}

/// Load the demo dossiers unless the agency already has some. Returns how many were filed.
pub async fn load_dossiers(db: &Db, config: &Config) -> anyhow::Result<usize> {
    // The installation's configuration: its working hours, and its signing key passphrase (demo
    // results are signed with the demo certificates).
    let state = AppState::new(db.clone(), config.clone(), crate::startup::metrics_handle())
        .map_err(|e| anyhow::anyhow!(e))?;
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

/// Demo official documents (Decree 30/2020/NĐ-CP): three outgoing documents of the
/// Telecommunications directorate drafted with content, issued with their numbers, typeset in the
/// Annex I layout and signed by the demo leader and the ministry's seal; two incoming documents
/// from the Government Office, one waiting to be presented and one assigned to the directorate
/// with a due date. Nothing is added when documents exist. Returns how many were written.
pub async fn load_documents(db: &Db, config: &Config) -> anyhow::Result<usize> {
    use chrono::Datelike;
    use motcua_store::document::{self as docs, HandlingChange, NewDocument};
    let state = AppState::new(db.clone(), config.clone(), crate::startup::metrics_handle())
        .map_err(|e| anyhow::anyhow!(e))?;
    let any = {
        use motcua_store::sea_orm::EntityTrait;
        motcua_store::entity::official_document::Entity::find()
            .one(db.conn())
            .await?
    };
    if any.is_some() {
        return Ok(0);
    }
    let leader = caller(&state, "lanhdao@demo.motcua.vn").await?;
    let office = caller(&state, "quantri@demo.motcua.vn").await?;
    let org = state.org().await?;
    let agency = org
        .agency(leader.user.agency_id)
        .ok_or_else(|| anyhow::anyhow!("demo agency missing"))?
        .clone();
    let unit = org
        .unit_by_id(leader.user.unit_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let outgoing: [(&str, &str, &str); 3] = [
        (
            "quyet_dinh",
            "Về việc ban hành Kế hoạch cải cách hành chính năm 2021 của Cục Viễn thông",
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;\n\nBan hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2021 của Cục Viễn thông.\n\nQuyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Cục, Trưởng các phòng chịu trách nhiệm thi hành Quyết định này.",
        ),
        (
            "ke_hoach",
            "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực viễn thông",
            "Thực hiện Quyết định số 468/QĐ-TTg ngày 27 tháng 3 năm 2021 của Thủ tướng Chính phủ, Cục Viễn thông xây dựng kế hoạch rà soát, đơn giản hóa thủ tục hành chính như sau.\n\nMục đích: cắt giảm ít nhất 20% chi phí tuân thủ; tăng tỷ lệ hồ sơ nộp trực tuyến toàn trình.\n\nTổ chức thực hiện: các phòng chuyên môn báo cáo kết quả trước ngày 15 tháng 11.",
        ),
        (
            "cong_van",
            "Đôn đốc cập nhật tiến độ giải quyết hồ sơ trên Cổng Dịch vụ công",
            "Để bảo đảm công khai tiến độ giải quyết hồ sơ theo Nghị định số 61/2018/NĐ-CP, Cục Viễn thông đề nghị các phòng cập nhật đầy đủ trạng thái hồ sơ trên hệ thống trong ngày làm việc.\n\nĐề nghị các đơn vị nghiêm túc thực hiện.",
        ),
    ];
    let mut written = 0;
    for (doc_type, subject, content) in outgoing {
        let t = motcua_domain::document::DocType::parse(doc_type)
            .ok_or_else(|| anyhow::anyhow!("demo type {doc_type}"))?;
        let new = NewDocument {
            agency_id: agency.id,
            direction: "out",
            doc_type: doc_type.to_owned(),
            series: motcua_domain::document::series(&t, motcua_domain::document::Secrecy::None),
            notation: motcua_domain::document::notation(&t, &agency.short_name, &unit),
            subject: subject.to_owned(),
            urgency: "normal".to_owned(),
            secrecy: "none".to_owned(),
            drafting_unit_id: Some(leader.user.unit_id),
            signer_name: leader.user.full_name.clone(),
            signer_position: "Cục trưởng Cục Viễn thông".to_owned(),
            authority_mark: String::new(),
            recipients: serde_json::json!([
                {"organ_id": "", "name": "Các phòng thuộc Cục"},
                {"organ_id": "", "name": "Văn phòng Bộ (để báo cáo)"}
            ]),
            electronic: true,
            pdf_upload_id: None,
            created_by: Some(leader.user.id),
            content: Some(content.to_owned()),
            signature_state: None,
            on_behalf_of: None,
        };
        let ctx = leader.audit_ctx("demo".into());
        let d = docs::create_draft(db, &ctx, new).await?;
        let d = docs::issue(db, &ctx, d.id, d.version, chrono::Utc::now()).await?;
        if let Err(problem) =
            motcua_app::document::signing::render_and_sign(&state, &leader.actor(), &d).await
        {
            anyhow::bail!("demo document {}: {problem}", d.code.unwrap_or_default());
        }
        written += 1;
    }
    let incoming: [(&str, &str, &str, bool); 2] = [
        (
            "TB-VPCP",
            "Kết luận của Thủ tướng Chính phủ tại Hội nghị trực tuyến về cải cách thủ tục hành chính",
            "thong_bao",
            false,
        ),
        (
            "VPCP-KSTT",
            "Đề nghị báo cáo kết quả cung cấp dịch vụ công trực tuyến toàn trình năm 2021",
            "cong_van",
            true,
        ),
    ];
    let now = chrono::Utc::now();
    let year = now.with_timezone(&motcua_domain::time::VN_OFFSET).year();
    for (i, (notation, subject, doc_type, assign)) in incoming.into_iter().enumerate() {
        let number = 120 + i;
        let code = format!("{number}/{notation}");
        let external = format!("000.00.00.G01,{year}/03/1{i},{code}");
        let new = NewDocument {
            agency_id: agency.id,
            direction: "in",
            doc_type: doc_type.to_owned(),
            series: "den".to_owned(),
            notation: notation.to_owned(),
            subject: subject.to_owned(),
            urgency: if assign { "urgent" } else { "normal" }.to_owned(),
            secrecy: "none".to_owned(),
            drafting_unit_id: None,
            signer_name: "Mai Tiến Dũng".to_owned(),
            signer_position: "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ".to_owned(),
            authority_mark: String::new(),
            recipients: serde_json::json!([{"organ_id": "000.00.00.G01", "name": "Văn phòng Chính phủ"}]),
            electronic: true,
            pdf_upload_id: None,
            created_by: None,
            content: None,
            // The demo has no partner's signed file: registered as received without one.
            signature_state: Some("none".to_owned()),
            on_behalf_of: None,
        };
        let ctx = office.audit_ctx("demo".into());
        let (d, _) = docs::register_incoming(
            db,
            &ctx,
            agency.id,
            &external,
            "000.00.00.G01",
            new,
            &code,
            now,
            None,
        )
        .await?;
        if assign {
            let d = docs::handle_incoming(
                db,
                &ctx,
                d.id,
                d.version,
                HandlingChange {
                    step: motcua_domain::document::HandlingStep::Present,
                    leader_id: Some(leader.user.id),
                    unit_id: None,
                    due_date: None,
                    note: None,
                },
                None,
            )
            .await?;
            let due = (now + chrono::Duration::days(7))
                .with_timezone(&motcua_domain::time::VN_OFFSET)
                .date_naive();
            docs::handle_incoming(
                db,
                &leader.audit_ctx("demo".into()),
                d.id,
                d.version,
                HandlingChange {
                    step: motcua_domain::document::HandlingStep::Assign,
                    leader_id: None,
                    unit_id: Some(leader.user.unit_id),
                    due_date: Some(due),
                    note: Some("Cục Viễn thông chủ trì tổng hợp, báo cáo trước hạn.".to_owned()),
                },
                None,
            )
            .await?;
        }
        written += 1;
    }
    Ok(written)
}

/// The demo's reform plans: the 2021 plan of the seed with its 27 targets, and a copy for the
/// current year (what the reform office does each January). Returns how many were created.
pub async fn load_plans(db: &Db, config: &Config) -> anyhow::Result<usize> {
    use chrono::Datelike;
    let state = AppState::new(db.clone(), config.clone(), crate::startup::metrics_handle())
        .map_err(|e| anyhow::anyhow!(e))?;
    let office = caller(&state, "cchc@demo.motcua.vn").await?;
    let agency_id = office.user.agency_id;
    let this_year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let mut created = 0;
    for year in [2021, this_year] {
        if motcua_store::plan::plan_of(db.conn(), agency_id, year)
            .await?
            .is_some()
        {
            continue;
        }
        let new = motcua_app::plan::seed_plan(&state, agency_id, year).await?;
        let ctx = office.audit_ctx("demo".into());
        motcua_store::plan::create(db, &ctx, new).await?;
        created += 1;
        // A few register items, so that the registers' targets have figures to show.
        let org = state.org().await?;
        let unit = |code: &str| org.unit(code).map(|u| u.id);
        let item = |title: &str, code: &str, due: (u32, u32), status: &str, planned: f64| {
            motcua_store::register::NewItem {
                title: title.to_owned(),
                responsible_unit_id: unit(code),
                due_date: chrono::NaiveDate::from_ymd_opt(year, due.0, due.1),
                status: status.to_owned(),
                planned_amount: planned,
                actual_amount: if status == "done" {
                    planned
                } else {
                    planned * 0.6
                },
                note: String::new(),
            }
        };
        motcua_store::register::add(
            db,
            &ctx,
            agency_id,
            year,
            "t1_1",
            vec![
                item(
                    "Báo cáo Chính phủ kết quả thực hiện Chương trình chuyển đổi số quốc gia",
                    "VP",
                    (6, 30),
                    "planned",
                    0.0,
                ),
                item(
                    "Xây dựng Nghị định sửa đổi, bổ sung quy định về quản lý dịch vụ bưu chính",
                    "BC",
                    (9, 30),
                    "in_progress",
                    0.0,
                ),
                item(
                    "Trình Thủ tướng Đề án phát triển hạ tầng viễn thông băng rộng",
                    "CVT",
                    (11, 30),
                    "planned",
                    0.0,
                ),
            ],
        )
        .await?;
        motcua_store::register::add(
            db,
            &ctx,
            agency_id,
            year,
            "t6_1",
            vec![
                item(
                    "Dự án nâng cấp Cổng Dịch vụ công của Bộ",
                    "TTTT",
                    (12, 15),
                    "in_progress",
                    12_500_000_000.0,
                ),
                item(
                    "Dự án Trung tâm giám sát an toàn thông tin",
                    "ATTT",
                    (12, 15),
                    "in_progress",
                    8_000_000_000.0,
                ),
            ],
        )
        .await?;
        motcua_store::register::add(
            db,
            &ctx,
            agency_id,
            year,
            "t5_2",
            vec![
                item(
                    "Bồi dưỡng kỹ năng số cho công chức các Vụ, Cục",
                    "TCCB",
                    (5, 31),
                    "planned",
                    0.0,
                ),
                item(
                    "Bồi dưỡng nghiệp vụ cải cách hành chính, kiểm soát TTHC",
                    "VP",
                    (8, 31),
                    "planned",
                    0.0,
                ),
            ],
        )
        .await?;
    }
    Ok(created)
}

/// A demo cover picture: a 640×360 two-colour gradient with a band, as PNG.
fn demo_cover(hue: u8) -> anyhow::Result<Vec<u8>> {
    let (w, h) = (640u32, 360u32);
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let t = (x + y) as f32 / (w + h) as f32;
            let band = (y as f32 / h as f32 - 0.62).abs() < 0.06;
            let (r, g, b) = if band {
                (0xff, 0xd3, 0x4d)
            } else {
                (
                    (11.0 + t * 60.0) as u8,
                    (58.0 + t * 40.0 + hue as f32 * 0.3) as u8,
                    (117.0 + t * 80.0) as u8,
                )
            };
            pixels.extend_from_slice(&[r, g, b, 0xff]);
        }
    }
    motcua_sign::image::encode_png(&motcua_sign::image::Rgba {
        width: w,
        height: h,
        pixels,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The portal's demo news: articles in several categories, some with a cover (the editor's
/// account). Nothing is added when the agency already has articles.
pub async fn load_news(db: &Db, config: &Config) -> anyhow::Result<usize> {
    let state = AppState::new(db.clone(), config.clone(), crate::startup::metrics_handle())
        .map_err(|e| anyhow::anyhow!(e))?;
    let editor = caller(&state, "bientap@demo.motcua.vn").await?;
    let agency_id = editor.user.agency_id;
    let editor_actor = motcua_app::Actor {
        request_id: "demo".into(),
        ..editor.actor()
    };
    let (_, existing) = motcua_store::portal::articles(
        db.conn(),
        agency_id,
        &motcua_store::portal::ArticleFilter::default(),
        1,
        0,
    )
    .await?;
    if existing > 0 {
        return Ok(0);
    }
    let now = chrono::Utc::now();
    // (category, title, summary, body, days ago, cover: (hue, alt text)).
    type DemoArticle<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        i64,
        Option<(u8, &'a str)>,
    );
    let news: [DemoArticle; 6] = [
        (
            "tin-tuc-su-kien",
            "Bộ triển khai Cổng dịch vụ công trực tuyến toàn trình cho 12 thủ tục",
            "Người dân, doanh nghiệp nộp hồ sơ, theo dõi tiến độ và nhận kết quả điện tử mà không phải đến trụ sở.",
            "## Nộp hồ sơ ở mọi nơi\n\nTừ tháng này, 12 thủ tục trong lĩnh vực bưu chính, viễn thông được cung cấp **trực tuyến toàn trình**: người nộp kê khai, đính kèm giấy tờ, nhận mã hồ sơ và tra cứu tiến độ trên cổng.\n\n- Kết quả được ký số và trả trực tuyến;\n- Có thể chọn nhận bản giấy qua dịch vụ bưu chính công ích;\n- Mọi hồ sơ được công khai tiến độ bằng mã tra cứu.\n\nXem danh mục tại trang [Thủ tục hành chính](/thu-tuc).",
            1,
            Some((
                10,
                "Cán bộ Bộ phận Một cửa hướng dẫn người dân nộp hồ sơ trực tuyến",
            )),
        ),
        (
            "tin-tuc-su-kien",
            "Hội nghị sơ kết công tác cải cách hành chính 6 tháng đầu năm",
            "Các đơn vị báo cáo kết quả thực hiện chỉ tiêu kế hoạch và kiến nghị giải pháp cho 6 tháng cuối năm.",
            "Hội nghị đánh giá kết quả thực hiện **Kế hoạch cải cách hành chính** năm nay theo sáu lĩnh vực: chỉ đạo điều hành, thể chế, thủ tục hành chính, tổ chức bộ máy, công vụ, tài chính công và chính phủ số.\n\n## Kết quả nổi bật\n\n1. Tỷ lệ hồ sơ giải quyết đúng hạn tiếp tục tăng;\n2. 100% văn bản đi được ký số;\n3. Các đơn vị cập nhật sổ theo dõi nhiệm vụ kèm minh chứng.\n\nKết quả từng chỉ tiêu được cập nhật trực tiếp trên hệ thống.",
            3,
            Some((60, "Quang cảnh hội nghị sơ kết cải cách hành chính")),
        ),
        (
            "cchc-bo-nganh",
            "Công bố Chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766",
            "Bộ chỉ số theo thời gian thực đánh giá công khai, minh bạch, tiến độ giải quyết, dịch vụ trực tuyến, số hóa và mức độ hài lòng.",
            "Quyết định 766/QĐ-TTg đánh giá chất lượng phục vụ trên thang điểm 100 theo 5 nhóm chỉ số. Các chỉ số tính được từ dữ liệu của hệ thống được cập nhật hằng ngày; chỉ số cần dữ liệu từ hệ thống khác được ghi rõ *chưa có dữ liệu*.",
            6,
            Some((120, "Biểu đồ chỉ số phục vụ người dân, doanh nghiệp")),
        ),
        (
            "van-ban-chi-dao",
            "Kế hoạch rà soát, đơn giản hóa thủ tục hành chính năm nay",
            "Các đơn vị rà soát thủ tục được giao, đề xuất phương án đơn giản hóa trước ngày 30/9.",
            "Theo kế hoạch, mỗi đơn vị chủ trì rà soát các thủ tục thuộc phạm vi quản lý, đánh giá chi phí tuân thủ và đề xuất phương án đơn giản hóa; kết quả được tổng hợp vào sổ theo dõi của Bộ.",
            9,
            None,
        ),
        (
            "phong-su",
            "Một ngày ở Bộ phận Tiếp nhận và Trả kết quả",
            "Ghi nhận công việc của cán bộ một cửa: tiếp nhận, hướng dẫn, chuyển xử lý và trả kết quả đúng hẹn.",
            "Từ 7 giờ 30, Bộ phận Một cửa đã đón những người đầu tiên. Mỗi hồ sơ được cấp **giấy tiếp nhận và hẹn trả kết quả** có mã tra cứu; người nộp có thể theo dõi tiến độ trên cổng mà không cần gọi điện hỏi.",
            12,
            None,
        ),
        (
            "tin-tuc-su-kien",
            "Tiếp nhận hồ sơ và trả kết quả qua dịch vụ bưu chính công ích",
            "Người dân có thể gửi hồ sơ và nhận kết quả tại nhà qua bưu điện theo Quyết định 45/2016/QĐ-TTg.",
            "Khi nộp hồ sơ, người dân chọn hình thức nhận kết quả qua bưu chính và ghi địa chỉ nhận. Bưu điện giao kết quả tận nơi; mã vận đơn được cập nhật vào hồ sơ để tra cứu.",
            15,
            None,
        ),
    ];
    let mut created = 0;
    for (category, title, summary, body, days_ago, cover) in news {
        let cover_id = match cover {
            Some((hue, _)) => {
                let png = demo_cover(hue)?;
                Some(
                    motcua_app::portal::news::store_media(
                        &state,
                        &editor.actor(),
                        "anh-bia.png",
                        &png,
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .id,
                )
            }
            None => None,
        };
        let req = motcua_app::portal::news::ArticleIn {
            category: category.to_owned(),
            title: title.to_owned(),
            summary: summary.to_owned(),
            body: body.to_owned(),
            byline: "Ban Biên tập".to_owned(),
            cover_media_id: cover_id,
            cover_alt: cover.map(|(_, alt)| alt.to_owned()).unwrap_or_default(),
            status: "published".to_owned(),
            publish_at: Some((now - chrono::Duration::days(days_ago)).to_rfc3339()),
            ..Default::default()
        };
        motcua_app::portal::news::create(&state, &editor_actor, &req)
            .await
            .map_err(|e| anyhow::anyhow!("demo article: {e:?}"))?;
        created += 1;
    }
    Ok(created)
}
