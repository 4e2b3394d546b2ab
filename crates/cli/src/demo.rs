//! The demo organisation: a ministry, its units and one account per role. Idempotent: running it
//! again adds only what is missing. Demo accounts are for trying motcua, never for production.

use crate::Failure;
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_domain::org::{OrganId, UnitCode, UnitKind};
use motcua_store::org::{NewUnit, ensure_agency, ensure_unit};
use motcua_store::{AuditCtx, Db};
use std::collections::HashMap;

/// The password of every demo account unless `MOTCUA_DEMO_PASSWORD` is set.
pub const DEFAULT_DEMO_PASSWORD: &str = "motcua-demo-2026";

/// The ministry of the seed plan (2021). The OrganId is the illustrative one of the design docs; a
/// real installation sets its own (QCVN 102).
const AGENCY: (&str, &str, &str) = ("000.00.00.G22", "Bộ Thông tin và Truyền thông", "BTTTT");

/// (code, name, kind, parent code)
const UNITS: &[(&str, &str, UnitKind, Option<&str>)] = &[
    ("VP", "Văn phòng Bộ", UnitKind::Office, None),
    (
        "MOTCUA",
        "Bộ phận Một cửa",
        UnitKind::OneStopDesk,
        Some("VP"),
    ),
    ("PC", "Vụ Pháp chế", UnitKind::Department, None),
    ("TCCB", "Vụ Tổ chức cán bộ", UnitKind::Department, None),
    (
        "KHTC",
        "Vụ Kế hoạch - Tài chính",
        UnitKind::Department,
        None,
    ),
    ("BC", "Vụ Bưu chính", UnitKind::Department, None),
    ("HTQT", "Vụ Hợp tác quốc tế", UnitKind::Department, None),
    ("TTRA", "Thanh tra Bộ", UnitKind::Inspectorate, None),
    ("CVT", "Cục Viễn thông", UnitKind::Directorate, None),
    (
        "CTS",
        "Cục Tần số vô tuyến điện",
        UnitKind::Directorate,
        None,
    ),
    ("CBC", "Cục Báo chí", UnitKind::Directorate, None),
    (
        "CXBIPH",
        "Cục Xuất bản, In và Phát hành",
        UnitKind::Directorate,
        None,
    ),
    (
        "PTTH",
        "Cục Phát thanh, truyền hình và thông tin điện tử",
        UnitKind::Directorate,
        None,
    ),
    ("ATTT", "Cục An toàn thông tin", UnitKind::Directorate, None),
    ("TTTT", "Trung tâm Thông tin", UnitKind::Centre, None),
];

/// (e-mail, full name, role, unit code). Applicants are attached to the one-stop desk that serves them.
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "quantri@demo.motcua.vn",
        "Trần Quốc Bảo",
        Role::Admin,
        "TTTT",
    ),
    (
        "motcua@demo.motcua.vn",
        "Nguyễn Thị Hồng Nhung",
        Role::DeskOfficer,
        "MOTCUA",
    ),
    (
        "chuyenvien@demo.motcua.vn",
        "Lê Minh Đức",
        Role::Officer,
        "CVT",
    ),
    (
        "lanhdao@demo.motcua.vn",
        "Phạm Thanh Tuấn",
        Role::UnitLeader,
        "CVT",
    ),
    ("cchc@demo.motcua.vn", "Đỗ Thu Hà", Role::ParOfficer, "VP"),
    (
        "bientap@demo.motcua.vn",
        "Vũ Ngọc Ánh",
        Role::Editor,
        "TTTT",
    ),
    (
        "congdan@demo.motcua.vn",
        "Hoàng Văn Nam",
        Role::Applicant,
        "MOTCUA",
    ),
];

pub async fn load(db: &Db, config: &motcua_app::Config, run_id: &str) -> Result<(), Failure> {
    let password_raw =
        std::env::var("MOTCUA_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.to_owned());
    let password = NewPassword::parse(&password_raw)
        .map_err(|e| Failure::input(format!("MOTCUA_DEMO_PASSWORD: {e}")))?;
    let ctx = AuditCtx::system(run_id);
    let organ_id = OrganId::parse(AGENCY.0).map_err(|e| Failure::input(e.to_string()))?;
    let agency = ensure_agency(db, &ctx, &organ_id, AGENCY.1, AGENCY.2).await?;
    let mut ids: HashMap<&str, motcua_store::entity::unit::Model> = HashMap::new();
    for (code, name, kind, parent) in UNITS {
        let parent_id = parent.and_then(|p| ids.get(p)).map(|u| u.id);
        let code_v = UnitCode::parse(code).map_err(|e| Failure::input(e.to_string()))?;
        let unit = ensure_unit(
            db,
            &ctx,
            agency.id,
            NewUnit {
                code: code_v,
                name: (*name).to_owned(),
                kind: *kind,
                parent_id,
            },
        )
        .await?;
        ids.insert(code, unit);
    }
    let mut created = 0;
    for (email, name, role, unit_code) in ACCOUNTS {
        let email = Email::parse(email).map_err(|e| Failure::input(e.to_string()))?;
        if motcua_store::account::find_by_email(db.conn(), &email)
            .await?
            .is_some()
        {
            continue;
        }
        let unit = ids
            .get(unit_code)
            .cloned()
            .ok_or_else(|| Failure::input(format!("demo unit {unit_code} missing")))?;
        let name = PersonName::parse(name).map_err(|e| Failure::input(e.to_string()))?;
        let new = motcua_store::account::NewUser {
            unit,
            email,
            name,
            role: *role,
            password: password.clone(),
        };
        motcua_store::account::create_user(db, &ctx, new).await?;
        created += 1;
    }
    let catalog_ctx = AuditCtx {
        agency_id: Some(agency.id),
        ..ctx.clone()
    };
    let mut written = 0;
    for (data, status, publication) in crate::demo_catalog::procedures(agency.organ_id.as_str()) {
        let input = motcua_store::catalog::VersionInput {
            data,
            status,
            publication,
        };
        if motcua_store::catalog::upsert(db, &catalog_ctx, &agency, &input).await?
            != motcua_store::catalog::Upserted::Unchanged
        {
            written += 1;
        }
    }
    println!("demo catalogue: {written} procedure version(s) written");
    if motcua_store::review::plans(db.conn()).await?.is_empty() {
        let codes: Vec<String> = crate::demo_catalog::procedures(agency.organ_id.as_str())
            .into_iter()
            .step_by(6)
            .map(|(d, _, _)| d.code.to_string())
            .collect();
        let plan = motcua_store::review::create_plan(
            db,
            &catalog_ctx,
            motcua_store::review::NewPlan {
                agency_id: agency.id,
                year: 2021,
                name: "Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2021".into(),
                decision_number: Some("Quyết định 310/QĐ-BTTTT ngày 05/3/2021".into()),
                procedure_codes: codes.clone(),
            },
        )
        .await?;
        use motcua_domain::catalog::review::FindingStatus as S;
        for (i, code) in codes.iter().enumerate() {
            let (reviewed, status, finding, proposal) = match i % 5 {
                0 => (true, S::NoIssue, "", ""),
                1 => (
                    true,
                    S::Proposed,
                    "Thành phần hồ sơ yêu cầu bản sao có chứng thực không cần thiết",
                    "Bỏ yêu cầu chứng thực, dùng dữ liệu số",
                ),
                2 => (
                    true,
                    S::Handled,
                    "Thời hạn giải quyết dài hơn mức cần thiết",
                    "Rút ngắn thời hạn còn 10 ngày làm việc",
                ),
                3 => (
                    true,
                    S::Open,
                    "Mẫu đơn chưa thống nhất với Cổng Dịch vụ công quốc gia",
                    "",
                ),
                _ => (false, S::NoIssue, "", ""),
            };
            let update = motcua_store::review::ItemUpdate {
                reviewed,
                status,
                finding: finding.into(),
                proposal: proposal.into(),
            };
            motcua_store::review::update_item(db, &catalog_ctx, plan.id, code, update).await?;
        }
        println!("demo review plan 2021: {} procedures", codes.len());
    }
    let signers = demo_credentials(db, config, &ctx, &agency).await?;
    if signers > 0 {
        println!(
            "demo certificates: {signers} issued by the development CA (motcua pki root --out root.pem)"
        );
    }
    let dossiers = crate::demo_records::load_dossiers(db, config)
        .await
        .map_err(|e| Failure::from(e.context("demo dossiers")))?;
    if dossiers > 0 {
        println!("demo dossiers: {dossiers} filed, in every state");
    }
    let documents = crate::demo_records::load_documents(db, config)
        .await
        .map_err(|e| Failure::from(e.context("demo documents")))?;
    if documents > 0 {
        println!("demo official documents: {documents} (outgoing signed, incoming in handling)");
    }
    let news = crate::demo_records::load_news(db, config)
        .await
        .map_err(|e| Failure::from(e.context("demo news")))?;
    if news > 0 {
        println!("demo news: {news} articles on the portal");
    }
    let plans = crate::demo_records::load_plans(db, config)
        .await
        .map_err(|e| Failure::from(e.context("demo plans")))?;
    if plans > 0 {
        println!("demo reform plans: {plans} (2021 with its 27 targets, and this year's copy)");
    }

    println!(
        "demo data ready: {} with {} units; {created} demo account(s) created (password: {})",
        agency.name,
        UNITS.len(),
        if std::env::var("MOTCUA_DEMO_PASSWORD").is_ok() {
            "from MOTCUA_DEMO_PASSWORD"
        } else {
            DEFAULT_DEMO_PASSWORD
        }
    );
    Ok(())
}

/// The development PKI and a signing certificate for each leader and officer who signs, and the
/// agency's organisation certificate (its seal), when they have none.
async fn demo_credentials(
    db: &Db,
    config: &motcua_app::Config,
    ctx: &AuditCtx,
    agency: &motcua_store::entity::agency::Model,
) -> Result<usize, Failure> {
    use motcua_app::signing::{self, KeyPassphrase, Owner};
    use motcua_sign::pki::Holder;
    let passphrase = KeyPassphrase::load(config, true)?;
    let (pki, _) = signing::ensure_dev_pki(db, ctx, &passphrase, &agency.name).await?;
    let mut issued = 0;
    if motcua_store::pki::credential_of_organ(db.conn(), &agency.organ_id)
        .await?
        .is_none()
    {
        let holder = Holder::Organisation {
            organ_id: &agency.organ_id,
            name: &agency.name,
        };
        signing::issue_dev(
            db,
            ctx,
            &passphrase,
            &pki,
            &holder,
            Owner::Organ(&agency.organ_id),
        )
        .await?;
        issued += 1;
    }
    for (email, name, role, _) in ACCOUNTS {
        if !matches!(
            role,
            Role::UnitLeader | Role::Officer | Role::DeskOfficer | Role::ParOfficer
        ) {
            continue;
        }
        let email = Email::parse(email).map_err(|e| Failure::input(e.to_string()))?;
        let Some(user) = motcua_store::account::find_by_email(db.conn(), &email).await? else {
            continue;
        };
        if motcua_store::pki::credential_of_account(db.conn(), user.id)
            .await?
            .is_some()
        {
            continue;
        }
        let holder = Holder::Person {
            full_name: name,
            email: email.as_str(),
            organisation: &agency.name,
        };
        signing::issue_dev(db, ctx, &passphrase, &pki, &holder, Owner::Account(user.id)).await?;
        issued += 1;
    }
    Ok(issued)
}
