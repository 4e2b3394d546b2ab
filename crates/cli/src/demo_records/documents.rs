//! The demo's official documents: drafted, numbered, signed and handled, incoming and outgoing.

use super::caller;
use motcua_app::{App, Config, Db};

/// Demo official documents (Decree 30/2020/NĐ-CP): three outgoing documents of the
/// Telecommunications directorate drafted with content, issued with their numbers, typeset in the
/// Annex I layout and signed by the demo leader and the ministry's seal; two incoming documents
/// from the Government Office, one waiting to be presented and one assigned to the directorate
/// with a due date. Nothing is added when documents exist. Returns how many were written.
pub async fn load_documents(db: &Db, config: &Config) -> anyhow::Result<usize> {
    use chrono::Datelike;
    use motcua_store::document::{self as docs, HandlingChange, NewDocument};
    let state = App::new(db.clone(), config.clone()).map_err(|e| anyhow::anyhow!(e))?;
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
