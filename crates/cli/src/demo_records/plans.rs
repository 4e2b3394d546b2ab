//! The demo's reform plans: the seed plan of each year with register items and their evidence.

use super::caller;
use motcua_app::{App, Config, Db};

/// The demo's reform plans: the 2021 plan of the seed with its 27 targets, and a copy for the
/// current year (what the reform office does each January). Returns how many were created.
pub async fn load_plans(db: &Db, config: &Config) -> anyhow::Result<usize> {
    use chrono::Datelike;
    let state = App::new(db.clone(), config.clone()).map_err(|e| anyhow::anyhow!(e))?;
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
