//! The portal's demo news: articles in several categories, some with a cover.

use super::caller;
use motcua_app::{App, Config, Db};

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
    let state = App::new(db.clone(), config.clone()).map_err(|e| anyhow::anyhow!(e))?;
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
