#!/usr/bin/env python3
"""Writes a catalogue of N procedures (default 10,000) in motcua's CSV layout, deterministic.

Names combine the ministry's real procedure names with varied objects so that search has
realistic, overlapping vocabulary. Usage: gen_catalog.py N OUT.csv
"""
import csv, random, sys

COLUMNS = ("record code name field level agency unit authority applicants channels postal_receipt postal_return "
           "processing_value processing_unit cutoff online_class legacy_level result_name result_kind dossier_required "
           "status decision_number decision_date decision_authority effective_date published_at item_code originals copies "
           "required reusable amount_vnd note number issued_on effective_on url assignee value").split()
VERBS = ["Cấp", "Cấp lại", "Sửa đổi, bổ sung", "Gia hạn", "Thu hồi", "Đăng ký", "Xác nhận", "Công nhận", "Phê duyệt", "Thông báo"]
OBJECTS = ["giấy phép bưu chính", "giấy phép thiết lập mạng viễn thông công cộng", "giấy phép sử dụng tần số vô tuyến điện",
           "giấy phép hoạt động báo in", "giấy phép hoạt động báo điện tử", "thẻ nhà báo", "giấy phép xuất bản tài liệu",
           "giấy phép hoạt động in xuất bản phẩm", "giấy phép cung cấp dịch vụ phát thanh, truyền hình trả tiền",
           "giấy phép thiết lập trang thông tin điện tử tổng hợp", "giấy phép thiết lập mạng xã hội",
           "giấy chứng nhận hợp quy thiết bị viễn thông", "giấy phép kinh doanh sản phẩm an toàn thông tin mạng",
           "giấy phép cung cấp dịch vụ chứng thực chữ ký số công cộng", "sản phẩm công nghệ thông tin trọng điểm",
           "văn bản xác nhận thông báo hoạt động bưu chính", "kho số viễn thông", "đài vô tuyến điện nghiệp dư",
           "kênh chương trình nước ngoài", "trò chơi điện tử G1 trên mạng"]
QUALIFIERS = ["", "cho doanh nghiệp nhà nước", "cho tổ chức nước ngoài", "tại khu công nghệ cao", "trong trường hợp khẩn cấp",
              "cho cơ quan báo chí", "cho hộ kinh doanh", "đối với đài tàu", "trên địa bàn nhiều tỉnh", "qua môi trường mạng"]
FIELDS = ["buu-chinh", "vien-thong", "tan-so", "bao-chi", "xuat-ban", "phat-thanh-truyen-hinh", "cong-nghe-thong-tin",
          "an-toan-thong-tin", "giao-dich-dien-tu"]

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    out = sys.argv[2] if len(sys.argv) > 2 else "catalog-10k.csv"
    rng = random.Random(2026)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        blank = {c: "" for c in COLUMNS}
        for i in range(n):
            code = f"2.{i:06d}"
            name = " ".join(x for x in [rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)] if x)
            online = rng.choice(["full", "partial", "none"])
            postal = rng.random() < 0.6
            channels = (["online"] if online != "none" else []) + ["counter"] + (["postal"] if postal else [])
            row = dict(blank, record="procedure", code=code, name=name, field=rng.choice(FIELDS), level="central",
                       agency="000.00.00.G22", unit="VP", authority="Bộ Thông tin và Truyền thông",
                       applicants=rng.choice(["business", "citizen", "citizen|business"]), channels="|".join(channels),
                       postal_receipt=str(postal).lower(), postal_return=str(postal or rng.random() < 0.2).lower(),
                       processing_value=str(rng.choice([3, 5, 7, 10, 15, 20, 30])), processing_unit="working_days",
                       online_class=online, legacy_level={"full": "4", "partial": "3", "none": "2"}[online],
                       result_name="Giấy phép", result_kind="electronic", dossier_required="true", status="published",
                       decision_number=f"{i + 1}/QĐ-BTTTT", decision_date="2024-05-10", decision_authority="minister",
                       effective_date="2024-07-01", published_at="2024-05-13T03:00:00Z")
            w.writerow([row[c] for c in COLUMNS])
            w.writerow([dict(blank, record="step", code=code, item_code="1", name="Nộp hồ sơ")[c] for c in COLUMNS])
            w.writerow([dict(blank, record="component", code=code, item_code="TP1", name="Đơn đề nghị", originals="1",
                             copies="0", required="true", reusable="false")[c] for c in COLUMNS])
            w.writerow([dict(blank, record="legal_basis", code=code, number="24/2023/QH15", name="Luật Viễn thông",
                             issued_on="2023-11-24", effective_on="2024-07-01")[c] for c in COLUMNS])
    print(f"{n} procedures -> {out}")

main()
