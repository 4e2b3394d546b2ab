//! Dossiers through the pages, as a browser without JavaScript uses them: an applicant files
//! online (with a correction, then the check-your-answers step), the desk receives it from the
//! queue, the public look-up shows progress without personal data, the reform office reads the
//! statistics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, csrf_of};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A multipart body of text fields and files (`(field, file name, bytes)`).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----motcua-page-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    b: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let (ct, body) = multipart(fields, files);
    b.post(url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The value of hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn an_applicant_files_online_and_the_desk_receives_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    app.user("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    app.user("cchc@test.vn", Role::ParOfficer, "VP").await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    app.publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;

    // Signed out, the filing page asks to sign in first.
    let r = app
        .browser()
        .get(app.url("/thu-tuc/1.004495/nop"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let citizen = app.signed_in_browser("congdan@test.vn").await;
    let url = app.url("/thu-tuc/1.004495/nop");
    let csrf = csrf_of(&citizen, &url).await;
    // The procedure page offers online filing.
    let detail = citizen
        .get(app.url("/thu-tuc/1.004495"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("/thu-tuc/1.004495/nop"), "no filing link");

    // First try: no identity number, a file that is not a PDF. Messages beside the fields; the
    // valid file of TP2 is kept for the next try.
    let r = post_multipart(
        &citizen,
        &url,
        &[
            ("csrf_token", &csrf),
            ("step", "check"),
            ("kind", "citizen"),
            ("name", "Trần Thị Bích Ngọc"),
            ("id_number", ""),
            ("phone", "0912345678"),
            ("email", "ngoc.tran@example.vn"),
            ("address", "Hà Nội"),
            ("return_channel", "online"),
        ],
        &[
            ("file_TP1", "don.pdf", b"not a pdf"),
            ("file_TP2", "giay-phep.pdf", PDF),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("class=\"field-error\">số định danh cá nhân gồm 12 chữ số"),
        "{html}"
    );
    assert!(
        html.contains("nội dung tệp không phải là PDF như tên tệp cho biết"),
        "{html}"
    );
    assert!(
        html.contains("Đã tải lên: <strong>giay-phep.pdf</strong>"),
        "{html}"
    );
    let tp2 = hidden(&html, "upload_TP2");

    // Corrected: the check-your-answers page shows the appointment; nothing is filed yet.
    let r = post_multipart(
        &citizen,
        &url,
        &[
            ("csrf_token", &csrf),
            ("step", "check"),
            ("kind", "citizen"),
            ("name", "Trần Thị Bích Ngọc"),
            ("id_number", "001190012345"),
            ("phone", "0912345678"),
            ("email", "ngoc.tran@example.vn"),
            ("address", "Hà Nội"),
            ("return_channel", "online"),
            ("upload_TP2", &tp2),
            ("upload_name_TP2", "giay-phep.pdf"),
        ],
        &[("file_TP1", "don.pdf", PDF)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let check = r.text().await.unwrap();
    assert!(
        check.contains("Kiểm tra thông tin trước khi nộp")
            && check.contains("Ngày hẹn trả kết quả"),
        "{check}"
    );
    let desk = app.token("motcua@test.vn").await;
    let q: serde_json::Value = app
        .get("/api/v1/dossiers", Some(&desk))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 0);

    // Submit (twice, as a double click would): one dossier, the confirmation page.
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "csrf_token",
        "nonce",
        "channel",
        "kind",
        "name",
        "id_number",
        "phone",
        "email",
        "address",
        "return_channel",
        "return_address",
        "upload_TP1",
        "upload_name_TP1",
        "upload_TP2",
        "upload_name_TP2",
    ] {
        fields.push((name.to_owned(), hidden(&check, name)));
    }
    fields.push(("step".into(), "submit".into()));
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let first = post_multipart(&citizen, &url, &f, &[]).await;
    let second = post_multipart(&citizen, &url, &f, &[]).await;
    assert_eq!(
        (first.status(), second.status()),
        (
            reqwest::StatusCode::SEE_OTHER,
            reqwest::StatusCode::SEE_OTHER
        )
    );
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, second.headers()["location"].to_str().unwrap());
    let code = location
        .trim_start_matches("/ho-so/")
        .trim_end_matches("?moi=1")
        .to_owned();
    let confirmation = citizen
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        confirmation.contains("Đã nộp hồ sơ") && confirmation.contains(&code),
        "{confirmation}"
    );
    let lookup = confirmation
        .split("Mã tra cứu: <strong><code>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();

    // The desk finds it in the queue and receives it from the dossier page.
    let clerk = app.signed_in_browser("motcua@test.vn").await;
    let queue = clerk
        .get(app.url("/ho-so"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains(&code), "{queue}");
    let page_url = app.url(&format!("/ho-so/{code}"));
    let page = clerk
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Tiếp nhận hồ sơ") && !page.contains("Phê duyệt kết quả"),
        "only allowed actions"
    );
    let csrf = csrf_of(&clerk, &page_url).await;
    let version = hidden(&page, "version");
    let act_url = app.url(&format!("/ho-so/{code}/thao-tac"));
    // A refusal without a reason: the message beside the field.
    let r = post_multipart(
        &clerk,
        &act_url,
        &[
            ("csrf_token", &csrf),
            ("action", "refuse"),
            ("version", &version),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("class=\"field-error\">cần nêu lý do từ chối")
    );
    let r = post_multipart(
        &clerk,
        &act_url,
        &[
            ("csrf_token", &csrf),
            ("action", "receive"),
            ("version", &version),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    // The same page submitted again (stale version) is refused, not applied twice.
    let r = post_multipart(
        &clerk,
        &act_url,
        &[
            ("csrf_token", &csrf),
            ("action", "assign"),
            ("version", &version),
            ("unit", "CVT"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = clerk
        .get(app.url(&format!("/ho-so/{code}/mau/01")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");

    // The public look-up: progress, no personal data; a wrong code gets the same 404 page.
    let public = app.browser();
    let r = public
        .get(app.url(&format!("/tra-cuu?ma={code}&tra_cuu={lookup}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Đã tiếp nhận")
            && !html.contains("Trần Thị Bích Ngọc")
            && !html.contains("001190012345"),
        "{html}"
    );
    let r = public
        .get(app.url(&format!("/tra-cuu?ma={code}&tra_cuu=WRONGCOD")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The reform office's statistics page.
    let par = app.signed_in_browser("cchc@test.vn").await;
    let r = par
        .get(app.url("/thong-ke/ho-so?from=2020-01&to=2030-12"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Tiếp nhận mới"));
    let r = citizen
        .get(app.url("/thong-ke/ho-so"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}
backend_test!(
    online_filing_pages,
    an_applicant_files_online_and_the_desk_receives_it
);
