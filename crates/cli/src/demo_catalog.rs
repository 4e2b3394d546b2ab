//! The demo catalogue: realistic procedures of the ministry's nine fields. Names follow the
//! ministry's published catalogue; the national codes here are illustrative (`1.9xxxxx`, a range the
//! national database does not use), so they are never mistaken for real ones. A few versions carry
//! deliberate publication faults so that the checks of Decree 63/2010 have something to find:
//! a decision signed by someone other than the minister, an announcement too close to the law's
//! effective date, a late publication, missing elements, and unpublished drafts.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use motcua_domain::catalog::*;

/// (number, title, issued on, effective on) of the field's main act.
type Law = (&'static str, &'static str, (i32, u32, u32), (i32, u32, u32));

struct FieldLaw {
    field: ProcedureField,
    unit: &'static str,
    law: Law,
    names: &'static [&'static str],
}

const FIELDS: &[FieldLaw] = &[
    FieldLaw {
        field: ProcedureField::Postal,
        unit: "BC",
        law: (
            "49/2010/QH12",
            "Luật Bưu chính",
            (2010, 6, 17),
            (2011, 1, 1),
        ),
        names: &[
            "Cấp giấy phép bưu chính",
            "Sửa đổi, bổ sung giấy phép bưu chính",
            "Cấp lại giấy phép bưu chính khi hết hạn",
            "Cấp lại giấy phép bưu chính khi bị mất hoặc hư hỏng",
            "Cấp văn bản xác nhận thông báo hoạt động bưu chính",
            "Cấp lại văn bản xác nhận thông báo hoạt động bưu chính",
            "Sửa đổi, bổ sung văn bản xác nhận thông báo hoạt động bưu chính",
            "Cấp giấy phép nhập khẩu tem bưu chính",
            "Đăng ký hợp đồng cung ứng dịch vụ bưu chính công ích",
            "Thông báo thay đổi thông tin doanh nghiệp cung ứng dịch vụ bưu chính",
            "Xác nhận việc phát hành tem bưu chính kỷ niệm",
            "Cấp phép khai thác dịch vụ chuyển phát quốc tế",
            "Đăng ký mẫu thư chuyển phát nhanh",
            "Chấp thuận hoạt động đại lý bưu chính nước ngoài",
        ],
    },
    FieldLaw {
        field: ProcedureField::Telecom,
        unit: "CVT",
        law: (
            "24/2023/QH15",
            "Luật Viễn thông",
            (2023, 11, 24),
            (2024, 7, 1),
        ),
        names: &[
            "Cấp giấy phép thiết lập mạng viễn thông công cộng",
            "Sửa đổi, bổ sung giấy phép thiết lập mạng viễn thông công cộng",
            "Gia hạn giấy phép thiết lập mạng viễn thông công cộng",
            "Cấp lại giấy phép thiết lập mạng viễn thông công cộng",
            "Cấp giấy phép cung cấp dịch vụ viễn thông",
            "Sửa đổi, bổ sung giấy phép cung cấp dịch vụ viễn thông",
            "Cấp giấy phép lắp đặt cáp viễn thông trên biển",
            "Cấp giấy phép thử nghiệm mạng và dịch vụ viễn thông",
            "Đăng ký cung cấp dịch vụ trung tâm dữ liệu",
            "Đăng ký cung cấp dịch vụ điện toán đám mây",
            "Phân bổ kho số viễn thông",
            "Cấp giấy chứng nhận hợp quy thiết bị viễn thông",
            "Công bố hợp quy sản phẩm, hàng hóa chuyên ngành viễn thông",
            "Cấp giấy phép nhập khẩu thiết bị phát, thu – phát sóng vô tuyến điện",
        ],
    },
    FieldLaw {
        field: ProcedureField::RadioFrequency,
        unit: "CTS",
        law: (
            "42/2009/QH12",
            "Luật Tần số vô tuyến điện",
            (2009, 11, 23),
            (2010, 7, 1),
        ),
        names: &[
            "Cấp giấy phép sử dụng tần số và thiết bị vô tuyến điện đối với đài vô tuyến điện nghiệp dư",
            "Cấp giấy phép sử dụng tần số và thiết bị vô tuyến điện đối với đài tàu",
            "Cấp giấy phép sử dụng băng tần",
            "Gia hạn giấy phép sử dụng băng tần",
            "Cấp giấy phép sử dụng tần số vô tuyến điện cho đài truyền thanh không dây",
            "Cấp giấy phép sử dụng tần số và quỹ đạo vệ tinh",
            "Cấp giấy phép sử dụng tần số vô tuyến điện cho mạng viễn thông dùng riêng",
            "Sửa đổi, bổ sung nội dung giấy phép sử dụng tần số vô tuyến điện",
            "Gia hạn giấy phép sử dụng tần số vô tuyến điện",
            "Cấp giấy phép sử dụng tần số vô tuyến điện cho thiết bị phát thanh, truyền hình",
            "Cho thuê, cho mượn thiết bị vô tuyến điện",
            "Cấp chứng chỉ vô tuyến điện viên hàng hải",
            "Cấp lại chứng chỉ vô tuyến điện viên hàng hải",
            "Đăng ký tần số cho đài vô tuyến điện đặt ở nước ngoài",
        ],
    },
    FieldLaw {
        field: ProcedureField::Press,
        unit: "CBC",
        law: ("103/2016/QH13", "Luật Báo chí", (2016, 4, 5), (2017, 1, 1)),
        names: &[
            "Cấp giấy phép hoạt động báo in",
            "Cấp giấy phép hoạt động tạp chí in",
            "Cấp giấy phép hoạt động báo điện tử",
            "Cấp giấy phép hoạt động tạp chí điện tử",
            "Cấp giấy phép xuất bản thêm ấn phẩm báo chí",
            "Cấp giấy phép xuất bản phụ trương",
            "Cấp giấy phép xuất bản đặc san",
            "Thay đổi nội dung ghi trong giấy phép hoạt động báo chí",
            "Cấp thẻ nhà báo",
            "Đổi thẻ nhà báo",
            "Cấp lại thẻ nhà báo",
            "Cấp phép họp báo của cơ quan, tổ chức nước ngoài",
            "Cấp giấy phép mở chuyên trang của báo điện tử",
            "Văn bản chấp thuận thay đổi tên cơ quan báo chí",
        ],
    },
    FieldLaw {
        field: ProcedureField::Publishing,
        unit: "CXBIPH",
        law: (
            "19/2012/QH13",
            "Luật Xuất bản",
            (2012, 11, 20),
            (2013, 7, 1),
        ),
        names: &[
            "Cấp giấy phép thành lập nhà xuất bản",
            "Cấp giấy phép xuất bản tài liệu không kinh doanh",
            "Cấp giấy xác nhận đăng ký xuất bản",
            "Cấp giấy phép hoạt động in xuất bản phẩm",
            "Cấp giấy phép in gia công xuất bản phẩm cho nước ngoài",
            "Cấp giấy xác nhận đăng ký nhập khẩu xuất bản phẩm để kinh doanh",
            "Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
            "Cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
            "Cấp giấy phép thành lập văn phòng đại diện nhà xuất bản nước ngoài",
            "Đăng ký hoạt động phát hành xuất bản phẩm điện tử",
            "Cấp lại giấy phép hoạt động in xuất bản phẩm",
            "Cấp giấy phép nhập khẩu thiết bị in",
            "Chuyển nhượng máy photocopy màu",
            "Đăng ký sử dụng máy photocopy màu",
        ],
    },
    FieldLaw {
        field: ProcedureField::Broadcasting,
        unit: "PTTH",
        law: (
            "06/2016/NĐ-CP",
            "Nghị định về quản lý, cung cấp và sử dụng dịch vụ phát thanh, truyền hình",
            (2016, 1, 18),
            (2016, 3, 1),
        ),
        names: &[
            "Cấp giấy phép cung cấp dịch vụ phát thanh, truyền hình trả tiền",
            "Sửa đổi, bổ sung giấy phép cung cấp dịch vụ phát thanh, truyền hình trả tiền",
            "Cấp giấy phép hoạt động phát thanh, truyền hình",
            "Cấp giấy chứng nhận đăng ký cung cấp kênh chương trình nước ngoài",
            "Đăng ký danh mục kênh chương trình trên dịch vụ phát thanh, truyền hình trả tiền",
            "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
            "Cấp lại giấy phép thiết lập trang thông tin điện tử tổng hợp",
            "Cấp giấy phép thiết lập mạng xã hội",
            "Cấp giấy phép cung cấp dịch vụ trò chơi điện tử G1 trên mạng",
            "Phê duyệt nội dung kịch bản trò chơi điện tử G1 trên mạng",
            "Đăng ký thu tín hiệu truyền hình nước ngoài trực tiếp từ vệ tinh",
            "Cấp giấy phép biên tập kênh chương trình nước ngoài",
            "Cấp giấy chứng nhận đăng ký cung cấp trò chơi điện tử G2, G3, G4",
            "Thông báo cung cấp dịch vụ nội dung thông tin trên mạng viễn thông di động",
        ],
    },
    FieldLaw {
        field: ProcedureField::InformationTechnology,
        unit: "TTTT",
        law: (
            "67/2006/QH11",
            "Luật Công nghệ thông tin",
            (2006, 6, 29),
            (2007, 1, 1),
        ),
        names: &[
            "Công nhận sản phẩm công nghệ thông tin trọng điểm",
            "Xác nhận doanh nghiệp sản xuất sản phẩm công nghệ thông tin trọng điểm",
            "Chứng nhận khu công nghệ thông tin tập trung",
            "Xác nhận ưu đãi đầu tư dự án sản xuất phần mềm",
            "Cấp giấy chứng nhận hợp chuẩn sản phẩm công nghệ thông tin",
            "Xác nhận nhập khẩu máy móc, thiết bị công nghệ thông tin đã qua sử dụng",
            "Công nhận cơ sở đào tạo đạt chuẩn kỹ năng công nghệ thông tin",
            "Đăng ký tên miền quốc gia .vn cho cơ quan nhà nước",
            "Xác nhận dự án nghiên cứu và phát triển công nghệ thông tin",
            "Cấp chứng chỉ chuyên gia công nghệ thông tin",
            "Thẩm định thiết kế cơ sở dự án ứng dụng công nghệ thông tin",
            "Cấp giấy chứng nhận sản phẩm phần mềm sản xuất trong nước",
            "Công nhận phòng thí nghiệm công nghệ thông tin",
            "Xác nhận hoạt động gia công phần mềm",
        ],
    },
    FieldLaw {
        field: ProcedureField::CyberSecurity,
        unit: "ATTT",
        law: (
            "86/2015/QH13",
            "Luật An toàn thông tin mạng",
            (2015, 11, 19),
            (2016, 7, 1),
        ),
        names: &[
            "Cấp giấy phép kinh doanh sản phẩm, dịch vụ an toàn thông tin mạng",
            "Sửa đổi, bổ sung giấy phép kinh doanh sản phẩm, dịch vụ an toàn thông tin mạng",
            "Gia hạn giấy phép kinh doanh sản phẩm, dịch vụ an toàn thông tin mạng",
            "Cấp lại giấy phép kinh doanh sản phẩm, dịch vụ an toàn thông tin mạng",
            "Cấp giấy phép nhập khẩu sản phẩm an toàn thông tin mạng",
            "Phê duyệt hồ sơ đề xuất cấp độ an toàn hệ thống thông tin cấp độ 4",
            "Chứng nhận hợp quy sản phẩm an toàn thông tin mạng",
            "Đăng ký tổ chức đánh giá sự phù hợp về an toàn thông tin",
            "Cấp phép chuyên gia kiểm tra, đánh giá an toàn thông tin",
            "Thông báo sự cố an toàn thông tin mạng nghiêm trọng",
            "Đăng ký đội ứng cứu sự cố an toàn thông tin mạng",
            "Xác nhận hệ thống thông tin quan trọng quốc gia",
            "Cấp giấy chứng nhận tín nhiệm mạng",
            "Đăng ký thử nghiệm giải pháp an toàn thông tin",
        ],
    },
    FieldLaw {
        field: ProcedureField::ElectronicTransactions,
        unit: "TTTT",
        law: (
            "20/2023/QH15",
            "Luật Giao dịch điện tử",
            (2023, 6, 22),
            (2024, 7, 1),
        ),
        names: &[
            "Cấp giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng",
            "Gia hạn giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng",
            "Cấp lại giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng",
            "Thay đổi nội dung giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng",
            "Công nhận chữ ký điện tử và dịch vụ chứng thực chữ ký điện tử nước ngoài",
            "Cấp giấy chứng nhận đủ điều kiện dịch vụ cấp dấu thời gian",
            "Cấp giấy chứng nhận đủ điều kiện dịch vụ chứng thực thông điệp dữ liệu",
            "Đăng ký hệ thống thông tin phục vụ giao dịch điện tử",
            "Công nhận tổ chức cung cấp dịch vụ tin cậy",
            "Thu hồi giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng",
            "Cấp chứng thư chữ ký số cho cơ quan nhà nước",
            "Đăng ký sử dụng dịch vụ chứng thực chữ ký số chuyên dùng",
            "Tạm dừng cung cấp dịch vụ chứng thực chữ ký số",
            "Cấp chứng thư chữ ký số cho thuê bao là tổ chức nước ngoài",
        ],
    },
];

const TIMES: &[(f64, TimeUnit)] = &[
    (5.0, TimeUnit::WorkingDays),
    (7.0, TimeUnit::WorkingDays),
    (10.0, TimeUnit::WorkingDays),
    (15.0, TimeUnit::WorkingDays),
    (20.0, TimeUnit::WorkingDays),
    (30.0, TimeUnit::WorkingDays),
    (3.0, TimeUnit::WorkingDays),
    (0.5, TimeUnit::WorkingDays),
    (8.0, TimeUnit::WorkingHours),
    (45.0, TimeUnit::WorkingDays),
    (12.0, TimeUnit::WorkingDays),
    (2.5, TimeUnit::WorkingDays),
];

fn weekday_on_or_before(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.pred_opt().unwrap_or(d);
    }
    d
}

/// The demo catalogue: (version, status, publication) for every procedure.
pub fn procedures(organ_id: &str) -> Vec<(ProcedureData, VersionStatus, Publication)> {
    let mut out = Vec::new();
    let mut n = 0usize;
    for (fi, f) in FIELDS.iter().enumerate() {
        let (law_no, law_title, issued, effective) = f.law;
        let issued = NaiveDate::from_ymd_opt(issued.0, issued.1, issued.2).unwrap_or_default();
        let effective =
            NaiveDate::from_ymd_opt(effective.0, effective.1, effective.2).unwrap_or_default();
        for (i, name) in f.names.iter().enumerate() {
            n += 1;
            let Ok(code) = ProcedureCode::parse(&format!("1.9{:02}{:03}", fi + 1, i + 1)) else {
                continue;
            };
            let (value, unit) = TIMES[n % TIMES.len()];
            let online_class = match n % 5 {
                0 | 1 => OnlineClass::Full,
                2 | 3 => OnlineClass::Partial,
                _ => OnlineClass::None,
            };
            let legacy_level = match online_class {
                OnlineClass::Full => 4,
                OnlineClass::Partial => 3,
                OnlineClass::None => {
                    if n.is_multiple_of(2) {
                        2
                    } else {
                        1
                    }
                }
            };
            let postal = !n.is_multiple_of(3);
            let mut channels = vec![Channel::Counter];
            if online_class != OnlineClass::None {
                channels.insert(0, Channel::Online);
            }
            if postal {
                channels.push(Channel::Postal);
            }
            let applicants = if name.contains("thẻ nhà báo")
                || name.contains("nghiệp dư")
                || name.contains("chuyên gia")
                || name.contains("chứng chỉ")
            {
                vec![Applicant::Citizen]
            } else if n.is_multiple_of(4) {
                vec![Applicant::Citizen, Applicant::Business]
            } else {
                vec![Applicant::Business]
            };
            let components = vec![
                Component {
                    code: "TP1".into(),
                    name: "Đơn đề nghị theo mẫu".into(),
                    originals: 1,
                    copies: 0,
                    required: true,
                    reusable: false,
                    template_url: None,
                },
                Component {
                    code: "TP2".into(),
                    name: "Bản sao giấy chứng nhận đăng ký doanh nghiệp hoặc quyết định thành lập"
                        .into(),
                    originals: 0,
                    copies: 1,
                    required: applicants.contains(&Applicant::Business),
                    reusable: true,
                    template_url: None,
                },
                Component {
                    code: "TP3".into(),
                    name: "Thuyết minh kỹ thuật và phương án hoạt động".into(),
                    originals: 1,
                    copies: 1,
                    required: n.is_multiple_of(2),
                    reusable: false,
                    template_url: None,
                },
            ];
            let fee = [0u64, 150_000, 500_000, 1_000_000, 2_500_000, 5_500_000][n % 6];
            let fees = if fee == 0 {
                vec![]
            } else {
                vec![Fee {
                    name: "Phí thẩm định".into(),
                    amount_vnd: fee,
                    note: "Theo biểu phí của Bộ Tài chính".into(),
                }]
            };
            let data = ProcedureData {
                code,
                name: (*name).to_owned(),
                field: f.field,
                level: Level::Central,
                agency: organ_id.to_owned(),
                unit: f.unit.to_owned(),
                authority: "Bộ Thông tin và Truyền thông".into(),
                applicants,
                channels,
                postal_receipt: postal,
                postal_return: postal || n.is_multiple_of(7),
                processing_time: ProcessingTime { value, unit },
                cutoff: (value <= 0.5 && unit == TimeUnit::WorkingDays).then(|| chrono::NaiveTime::from_hms_opt(15, 0, 0)).flatten(),
                online_class,
                legacy_level,
                result_name: if let Some(rest) = name.strip_prefix("Cấp giấy phép") { format!("Giấy phép{rest}") } else { format!("Văn bản chấp thuận: {name}") },
                result_kind: [ResultKind::Electronic, ResultKind::Both, ResultKind::Paper][n % 3],
                dossier_required: true,
                steps: vec![
                    Step { order: 1, description: "Tổ chức, cá nhân nộp hồ sơ trực tuyến, trực tiếp hoặc qua dịch vụ bưu chính công ích".into() },
                    Step { order: 2, description: "Bộ phận Một cửa kiểm tra, tiếp nhận hồ sơ và hẹn trả kết quả".into() },
                    Step { order: 3, description: "Đơn vị chuyên môn thẩm định hồ sơ, trình lãnh đạo Bộ quyết định".into() },
                    Step { order: 4, description: "Trả kết quả theo hình thức người nộp đã chọn".into() },
                ],
                components,
                fees,
                legal_basis: vec![LegalAct { number: law_no.into(), title: law_title.into(), issued_on: issued, effective_on: effective }],
                forms: vec![],
                allocation: vec![],
            };
            // Announced ~45 days before the law took effect, published three days later.
            let decided = weekday_on_or_before(effective - Duration::days(45));
            let mut publication = Publication {
                decision_number: Some(format!("{}/QĐ-BTTTT", 100 + n * 7)),
                decision_date: Some(decided),
                decision_authority: Some(DecisionAuthority::Minister),
                effective_date: Some(effective),
                published_at: Utc
                    .with_ymd_and_hms(decided.year(), decided.month(), decided.day(), 3, 0, 0)
                    .single()
                    .map(|t| t + Duration::days(3)),
            };
            let mut data = data;
            let mut status = VersionStatus::Published;
            match n {
                // Deliberate faults for the publication checks.
                7 => publication.decision_authority = Some(DecisionAuthority::Other),
                19 => {
                    publication.decision_date =
                        Some(weekday_on_or_before(effective - Duration::days(10)))
                }
                33 => {
                    publication.published_at =
                        publication.published_at.map(|t| t + Duration::days(30))
                }
                48 => data.steps.clear(),
                61 => data.legal_basis.clear(),
                75 | 90 | 104 => {
                    status = VersionStatus::Draft;
                    publication = Publication::default();
                }
                _ => {}
            }
            out.push((data, status, publication));
        }
    }
    out
}
