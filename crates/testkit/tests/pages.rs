//! The HTML pages: Vietnamese layout, messages beside the fields, nothing written on bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, csrf_of};

async fn the_home_and_login_pages_speak_vietnamese(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let html = app
        .client()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"vi\">"));
    assert!(html.contains("Bộ Thông tin và Truyền thông"));
    // The portal's home: the procedure search, the look-up box and the month's figures.
    assert!(
        html.contains("Tìm thủ tục hành chính")
            && html.contains("<label for=\"home-ma\">Mã hồ sơ</label>")
            && html.contains("Kết quả giải quyết hồ sơ tháng"),
        "{html}"
    );
    assert!(
        html.contains("<nav") && html.contains("<footer"),
        "layout with navigation and footer"
    );
    assert!(html.contains("Bỏ qua, đến nội dung chính"), "skip link");
    let login = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains("<label for=\"email\">Thư điện tử</label>") && login.contains("Mật khẩu")
    );
    assert!(login.contains("autocomplete=\"current-password\""));
}
backend_test!(vietnamese_pages, the_home_and_login_pages_speak_vietnamese);

async fn an_empty_login_form_gets_messages_beside_each_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let csrf = csrf_of(&b, &app.url("/login")).await;
    let r = b
        .post(app.url("/login"))
        .form(&[("email", ""), ("password", ""), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"email-loi\">Nhập địa chỉ thư điện tử.</p>"),
        "{html}"
    );
    assert!(html.contains("id=\"password-loi\">Nhập mật khẩu.</p>"));
    assert!(html.contains("aria-invalid=\"true\""));

    let r = b
        .post(app.url("/login"))
        .form(&[
            ("email", "ai@test.vn"),
            ("password", "sai-mat-khau"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("Thư điện tử hoặc mật khẩu không đúng."));
    assert!(
        html.contains("value=\"ai@test.vn\""),
        "what was typed is kept"
    );
}
backend_test!(
    login_form_errors,
    an_empty_login_form_gets_messages_beside_each_field
);

async fn the_admin_creates_an_account_and_bad_fields_are_explained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("quantri@test.vn", Role::Admin, "TTTT").await;
    let b = app.signed_in_browser("quantri@test.vn").await;
    let csrf = csrf_of(&b, &app.url("/admin/users")).await;
    let count = || async {
        motcua_store::account::list(app.db.conn(), None)
            .await
            .unwrap()
            .len()
    };
    let before = count().await;

    let r = b
        .post(app.url("/admin/users"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "sai"),
            ("full_name", "Lê Thị Hoa"),
            ("role", "officer"),
            ("unit", "CVT"),
            ("password", "ngan"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("địa chỉ thư điện tử không hợp lệ")
            && html.contains("mật khẩu phải có ít nhất 10 ký tự")
    );
    assert!(
        html.contains("value=\"Lê Thị Hoa\""),
        "the name typed is kept"
    );
    assert_eq!(count().await, before, "nothing written");

    let r = b
        .post(app.url("/admin/users"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "hoa.le@test.vn"),
            ("full_name", "Lê Thị Hoa"),
            ("role", "desk_officer"),
            ("unit", "MOTCUA"),
            ("password", "mat-khau-dai-du"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(count().await, before + 1);
    let list = b
        .get(app.url("/admin/users?created=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("Đã tạo tài khoản.")
            && list.contains("hoa.le@test.vn")
            && list.contains("Cán bộ một cửa")
    );

    let units = b
        .get(app.url("/admin/units"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        units.contains("Bộ phận Một cửa") && units.contains("depth-1"),
        "the desk is shown under the office"
    );
    let audit = b
        .get(app.url("/admin/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("user.create"));
}
backend_test!(
    admin_pages,
    the_admin_creates_an_account_and_bad_fields_are_explained
);
