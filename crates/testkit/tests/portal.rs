//! The public portal over HTTP, on both backends: an editor uploads pictures and a video and
//! writes articles (draft, scheduled, published); the public sees only what is due, in lists, the
//! category, the search (with or without diacritics), the home page and the Atom feed; a
//! malicious body is rendered without any script; video is served in ranges; views and visits are
//! counted once per visitor and window, never for robots, and survive a flush to storage; bad
//! input is refused beside its field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_testkit::{Backend, TestApp, backend_test, count};
use serde_json::{Value, json};

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(&[0u8; 64]);
    b
}

/// An MP4-looking file of 2.5 MiB (three storage chunks) whose bytes are their own index mod 251.
fn mp4() -> Vec<u8> {
    let mut b: Vec<u8> = (0..(5 << 19)).map(|i: usize| (i % 251) as u8).collect();
    b[..12].copy_from_slice(b"\0\0\0\x18ftypmp42");
    b
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    app.post_file("/api/v1/media", token, name, bytes).await
}

async fn media_id(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> String {
    let r = upload(app, token, name, bytes).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn page(app: &TestApp, path: &str, ua: &str) -> (u16, String) {
    let r = app
        .client()
        .get(app.url(path))
        .header("user-agent", ua)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn field_of(v: &Value) -> &str {
    v["error"]["details"]["fields"][0]["field"]
        .as_str()
        .unwrap_or_default()
}

async fn portal_story(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    app.user("congdan@test.vn", Role::Applicant, "MOTCUA").await;
    let editor = app.token("bientap@test.vn").await;
    let citizen = app.token("congdan@test.vn").await;

    // Media: recognised by their bytes, never by their names.
    let cover = media_id(&app, &editor, "anh.png", &png()).await;
    let video_bytes = mp4();
    let video = media_id(&app, &editor, "phong-su.mp4", &video_bytes).await;
    let captions = media_id(
        &app,
        &editor,
        "phu-de.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\nBộ phận một cửa điện tử\n".as_bytes(),
    )
    .await;
    for (name, bytes) in [
        ("anh.png", b"<script>alert(1)</script>".to_vec()),
        ("ho-so.pdf", b"%PDF-1.7\n".to_vec()),
        ("rong.png", Vec::new()),
    ] {
        let r = upload(&app, &editor, name, &bytes).await;
        assert_eq!(r.status(), 422, "{name}");
    }
    let mut big = png();
    big.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(upload(&app, &editor, "lon.png", &big).await.status(), 413);
    assert_eq!(
        upload(&app, &citizen, "anh.png", &png()).await.status(),
        403
    );

    // Bad articles, refused beside the field.
    let base =
        json!({"category": "tin-tuc-su-kien", "title": "Cải cách hành chính", "body": "Nội dung"});
    for (change, field) in [
        (json!({"title": ""}), "title"),
        (json!({"body": "  "}), "body"),
        (json!({"category": "khong-co"}), "category"),
        (json!({"cover_media_id": cover}), "cover_alt"),
        (
            json!({"video_media_id": cover, "captions_media_id": captions}),
            "video_media_id",
        ),
        (json!({"video_media_id": video}), "captions_media_id"),
        (
            json!({"cover_media_id": video, "cover_alt": "x"}),
            "cover_media_id",
        ),
        (json!({"status": "maybe"}), "status"),
        (json!({"publish_at": "ngày mai"}), "publish_at"),
    ] {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app
            .post_json("/api/v1/articles", Some(&editor), &body)
            .await;
        assert_eq!(r.status(), 422, "{change}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(field_of(&v), field, "{v}");
    }
    assert_eq!(
        app.post_json("/api/v1/articles", Some(&citizen), &base)
            .await
            .status(),
        403
    );

    // A published article with a malicious body; a draft; a scheduled one; a video.
    let evil = "## Kết quả\n\nBộ **đẩy mạnh** cải cách.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[bấm vào đây](javascript:alert(1)) và [Cổng DVC](https://dichvucong.gov.vn)";
    let r = app
        .post_json(
            "/api/v1/articles",
            Some(&editor),
            &json!({"category": "tin-tuc-su-kien", "title": "Bộ đẩy mạnh cải cách hành chính năm 2026",
                    "summary": "Tóm tắt tin", "body": evil, "byline": "Minh Anh",
                    "cover_media_id": cover, "cover_alt": "Hội nghị cải cách hành chính", "status": "published"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let published: Value = r.json().await.unwrap();
    assert_eq!(published["state"], "published");
    let slug = published["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "bo-day-manh-cai-cach-hanh-chinh-nam-2026");
    let draft: Value = app
        .post_json(
            "/api/v1/articles",
            Some(&editor),
            &json!({"category": "tin-tuc-su-kien", "title": "Bản nháp chưa đăng", "body": "Nháp"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["state"], "draft");
    let later = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let scheduled: Value = app
        .post_json(
            "/api/v1/articles",
            Some(&editor),
            &json!({"category": "cchc-bo-nganh", "title": "Tin hẹn giờ", "body": "Sẽ đăng sau",
                    "status": "published", "publish_at": later}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(scheduled["state"], "scheduled");
    let r = app
        .post_json(
            "/api/v1/articles",
            Some(&editor),
            &json!({"category": "tin-video", "title": "Phóng sự: một cửa điện tử", "body": "Video",
                    "video_media_id": video, "poster_media_id": cover, "captions_media_id": captions, "status": "published"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let video_article: Value = r.json().await.unwrap();

    // The article page: the body's markup is the renderer's, none of the author's.
    let (s, html) = page(&app, &format!("/tin-tuc/{slug}"), CHROME).await;
    assert_eq!(s, 200);
    assert!(html.contains("<h3>Kết quả</h3>"), "{html}");
    assert!(html.contains("<strong>đẩy mạnh</strong>"));
    assert!(html.contains("<a href=\"https://dichvucong.gov.vn\">Cổng DVC</a>"));
    assert!(html.contains("bấm vào đây"));
    assert!(html.contains("&lt;script&gt;"), "the script shows as text");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the tag shows as text"
    );
    for bad in ["<script", "javascript:", "<img src=x", "<img src=\"x\""] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("Minh Anh") && html.contains("alt=\"Hội nghị cải cách hành chính\""));

    // Only what is due is public: lists, category, search, feed, home.
    let (_, list) = page(&app, "/tin-tuc", CHROME).await;
    assert!(list.contains("Bộ đẩy mạnh cải cách hành chính năm 2026"));
    assert!(!list.contains("Bản nháp chưa đăng") && !list.contains("Tin hẹn giờ"));
    let draft_slug = draft["slug"].as_str().unwrap();
    assert_eq!(
        page(&app, &format!("/tin-tuc/{draft_slug}"), CHROME)
            .await
            .0,
        404
    );
    let (_, found) = page(&app, "/tin-tuc?q=cai+cach+hanh+chinh", CHROME).await;
    assert!(found.contains("Bộ đẩy mạnh cải cách"), "folded search");
    let (_, none) = page(&app, "/tin-tuc?q=khong+co+tin+nay", CHROME).await;
    assert!(none.contains("Chưa có tin bài nào"));
    let (_, cat) = page(&app, "/tin-tuc/chuyen-muc/tin-video", CHROME).await;
    assert!(cat.contains("Phóng sự: một cửa điện tử") && !cat.contains("Bộ đẩy mạnh"));
    assert_eq!(
        page(&app, "/tin-tuc/chuyen-muc/khong-co", CHROME).await.0,
        404
    );
    let feed = app.get("/tin-tuc/atom.xml", None).await;
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed.text().await.unwrap();
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert!(!feed.contains("Bản nháp") && !feed.contains("Tin hẹn giờ"));
    let (_, home) = page(&app, "/", CHROME).await;
    assert!(
        home.contains("Bộ đẩy mạnh cải cách hành chính năm 2026"),
        "{home}"
    );
    assert!(home.contains("Phóng sự: một cửa điện tử"));
    let api: Value = app
        .get("/api/v1/articles?q=%C4%91%E1%BA%A9y+m%E1%BA%A1nh", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 1, "{api}");

    // Video in ranges, from the chunks that hold them.
    let vurl = video_article["video_url"].as_str().unwrap().to_owned();
    let get_range = |range: &'static str| {
        let app = &app;
        let vurl = vurl.clone();
        async move {
            app.client()
                .get(app.url(&vurl))
                .header("range", range)
                .send()
                .await
                .unwrap()
        }
    };
    let size = video_bytes.len();
    let r = get_range("bytes=0-9").await;
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], format!("bytes 0-9/{size}"));
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &video_bytes[0..10]);
    let r = get_range("bytes=1048570-1048589").await;
    assert_eq!(r.status(), 206, "across the chunk boundary");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        &video_bytes[1048570..1048590]
    );
    let r = get_range("bytes=-5").await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), &video_bytes[size - 5..]);
    let r = get_range("bytes=99999999-").await;
    assert_eq!(r.status(), 416);
    assert_eq!(r.headers()["content-range"], format!("bytes */{size}"));
    let r = app.get(&vurl, None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "video/mp4");
    assert_eq!(r.bytes().await.unwrap().len(), size);
    let (_, html) = page(&app, video_article["url"].as_str().unwrap(), CHROME).await;
    assert!(
        html.contains(&format!(
            "<track kind=\"captions\" src=\"/media/{captions}\" srclang=\"vi\""
        )) && html.contains("<source src=\"/media/")
            && html.contains("type=\"video/mp4\""),
        "{html}"
    );
    let r = app.get(&format!("/media/{captions}"), None).await;
    assert_eq!(r.headers()["content-type"], "text/vtt; charset=utf-8");
    // A picture of no published article is not public.
    let loose = media_id(&app, &editor, "rieng.png", &png()).await;
    assert_eq!(
        app.get(&format!("/media/{loose}"), None).await.status(),
        404
    );

    // Views: once per visitor and 30 minutes; robots and a flood add nothing.
    let path = format!("/tin-tuc/{slug}");
    for _ in 0..20 {
        page(&app, &path, CHROME).await;
    }
    page(&app, &path, FIREFOX).await;
    page(
        &app,
        &path,
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
    )
    .await;
    let (_, html) = page(&app, &path, FIREFOX).await;
    assert!(html.contains("2 lượt xem"), "{html}");
    app.state.portal.flush(&app.state).await.unwrap();
    let stored = count(
        &app.db,
        &format!("SELECT views AS n FROM article WHERE slug = '{slug}'"),
    )
    .await;
    assert_eq!(stored, 2);
    let (_, html) = page(&app, &path, FIREFOX).await;
    assert!(html.contains("2 lượt xem"), "after the flush: {html}");
    // Visits: two browsers (each counted once however many pages), no robot.
    let visits = count(
        &app.db,
        "SELECT value AS n FROM site_counter WHERE name = 'visits'",
    )
    .await;
    assert_eq!(visits, 2);
    let (_, html) = page(&app, "/tin-tuc", CHROME).await;
    assert!(
        html.contains("Lượt truy cập: <strong class=\"visits\">2</strong>")
            && html.contains("Đang trực tuyến: <strong class=\"online\">2</strong>"),
        "{html}"
    );

    // The views shown are exact whenever the counters are written: flushes run all the time while
    // new visitors read the article, and every page shows every view once (a page read during a
    // flush's write once showed one view too few).
    // Stopped between flushes, never cut short inside one (as the server's own loop is stopped).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flusher = {
        let state = app.state.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                state.portal.flush(&state).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
    };
    const ROBOT: &str = "Googlebot/2.1 (+http://www.google.com/bot.html)";
    for i in 0..40 {
        page(&app, &path, &format!("{FIREFOX} reader {i}")).await;
        let expected = format!("{} lượt xem", 3 + i);
        let (_, html) = page(&app, &path, ROBOT).await;
        assert!(
            html.contains(&format!("<span class=\"views\">{expected}</span>")),
            "article page after reader {i}: {expected} expected"
        );
        let (_, list) = page(&app, "/tin-tuc", ROBOT).await;
        assert!(
            list.contains(&format!("· {expected}</p>")),
            "news list after reader {i}: {expected} expected"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    flusher.await.unwrap();
    app.state.portal.flush(&app.state).await.unwrap();
    let stored = count(
        &app.db,
        &format!("SELECT views AS n FROM article WHERE slug = '{slug}'"),
    )
    .await;
    assert_eq!(stored, 42);

    // The scheduled article appears when its time comes (a new day also draws a new salt for
    // the visitors' hashes).
    app.state
        .set_clock(chrono::Utc::now() + chrono::Duration::days(3));
    let (_, list) = page(&app, "/tin-tuc", CHROME).await;
    assert!(list.contains("Tin hẹn giờ"));
    app.state.set_clock(chrono::Utc::now());

    // A change with a stale version is refused; with the right one, saved and audited.
    let id = published["id"].as_str().unwrap();
    let mut change = json!({"category": "tin-tuc-su-kien", "title": "Bộ đẩy mạnh cải cách hành chính năm 2026",
        "body": "Sửa nội dung", "cover_media_id": cover, "cover_alt": "Hội nghị", "status": "published", "version": 1});
    let r = app
        .client()
        .put(app.url(&format!("/api/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    change["version"] = json!(1);
    let r = app
        .client()
        .put(app.url(&format!("/api/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict", "{body}");
    assert_eq!(
        body["error"]["message"], "bài viết đã được người khác sửa; tải lại để xem bản mới",
        "a stale edit says so (not that the article is a duplicate): {body}"
    );
    assert!(
        count(
            &app.db,
            "SELECT COUNT(*) AS n FROM audit_entry WHERE action LIKE 'article.%'"
        )
        .await
            >= 5
    );

    // The editor's pages: a form posted with an error shows it beside the field, nothing saved.
    let b = app.signed_in_browser("bientap@test.vn").await;
    let form_url = app.url("/bien-tap/bai-moi");
    let csrf = motcua_testkit::csrf_of(&b, &form_url).await;
    let boundary = "----motcua-form";
    let part = |k: &str, v: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
    };
    let body = [
        part("csrf_token", &csrf),
        part("category", "tin-tuc-su-kien"),
        part("title", ""),
        part("body", "Có nội dung"),
        part("publish", "draft"),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    let before = count(&app.db, "SELECT COUNT(*) AS n FROM article").await;
    let r = b
        .post(&form_url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<p class=\"field-error\" id=\"title-loi\">cần nhập tiêu đề</p>"),
        "{html}"
    );
    assert_eq!(
        count(&app.db, "SELECT COUNT(*) AS n FROM article").await,
        before
    );
    let body = [
        part("csrf_token", &csrf),
        part("category", "phong-su"),
        part("title", "Phóng sự từ trang biên tập"),
        part("body", "Nội dung **đầy đủ**"),
        part("publish", "published"),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    let r = b
        .post(&form_url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (s, _) = page(&app, "/tin-tuc/phong-su-tu-trang-bien-tap", CHROME).await;
    assert_eq!(s, 200);
    let editor_list = b
        .get(app.url("/bien-tap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(editor_list.contains("Bản nháp chưa đăng") && editor_list.contains("Hẹn giờ đăng"));

    // The reading aids: the choice is remembered; the way back stays on this site.
    let r = app
        .get("/tuy-chon-doc?chon=lon&ve=/tin-tuc%3Fq%3Dcai", None)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/tin-tuc?q=cai");
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("doc=s1c0;")
    );
    let r = app
        .get("/tuy-chon-doc?chon=tuong-phan&ve=//evil.example/", None)
        .await;
    assert_eq!(r.headers()["location"], "/");
    let r = app
        .client()
        .get(app.url("/tin-tuc"))
        .header("cookie", "doc=s2c1")
        .send()
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("<html lang=\"vi\" class=\"text2 contrast\">")
    );
    app.stop().await;
}

backend_test!(portal, portal_story);

/// Counts survive a restart: views and visits counted before a graceful stop are written (by the
/// periodic flush or the last one at the stop), and the new process shows them at once (footer and
/// article).
async fn counts_survive_a_restart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = app.token("bientap@test.vn").await;
    let a: Value = app
        .post_json(
            "/api/v1/articles",
            Some(&editor),
            &json!({"category": "tin-tuc-su-kien", "title": "Khởi động lại", "body": "Nội dung",
                    "status": "published"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = a["url"].as_str().unwrap().to_owned();
    page(&app, &path, CHROME).await;
    page(&app, &path, FIREFOX).await;
    let (_, html) = page(&app, &path, FIREFOX).await;
    assert!(
        html.contains("<span class=\"views\">2 lượt xem</span>"),
        "{html}"
    );
    let app = app.restart().await;
    let (_, html) = page(
        &app,
        &path,
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
    )
    .await;
    assert!(
        html.contains("<span class=\"views\">2 lượt xem</span>")
            && html.contains("Lượt truy cập: <strong class=\"visits\">2</strong>"),
        "after the restart: {html}"
    );
}
backend_test!(portal_restart, counts_survive_a_restart);
