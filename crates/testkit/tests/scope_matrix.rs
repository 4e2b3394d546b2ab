//! The permission matrix at scale (issue 18): an organisation of two agencies, the first with many
//! units (nested and not); objects of each kind owned by unit CVT of the first agency (a dossier
//! and its files and forms, an uploaded file, an official document, a register item, an article);
//! and for every object route, callers of every role from the owning unit, from a sub-unit, from
//! another unit, from the other agency, and applicants who do not own the object. The expected
//! answers are written here by hand from the rules (who may act on what, and that a caller who
//! may not see an object learns nothing of it: 404; a role without the permission at all: 403),
//! independently of `motcua_domain::access`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_domain::account::Role;
use motcua_domain::org::{OrganId, UnitCode, UnitKind};
use motcua_store::AuditCtx;
use motcua_store::org::{NewUnit, ensure_agency, ensure_unit};
use motcua_testkit::{Backend, TestApp, backend_test};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Callers: (letter, e-mail, role, unit). Lower case: the first agency; upper case: the other.
const CALLERS: &[(char, &str, Role, &str)] = &[
    ('a', "congdan@test.vn", Role::Applicant, "MOTCUA"),
    ('b', "nguoikhac@test.vn", Role::Applicant, "MOTCUA"),
    ('d', "motcua@test.vn", Role::DeskOfficer, "MOTCUA"),
    ('o', "chuyenvien@test.vn", Role::Officer, "CVT"),
    ('s', "chuyenvien.phong@test.vn", Role::Officer, "CVT-QLTT"),
    ('l', "lanhdao@test.vn", Role::UnitLeader, "CVT"),
    ('x', "chuyenvien.p07@test.vn", Role::Officer, "P07"),
    ('y', "lanhdao.p07@test.vn", Role::UnitLeader, "P07"),
    ('p', "cchc@test.vn", Role::ParOfficer, "VP"),
    ('e', "bientap@test.vn", Role::Editor, "TTTT"),
    ('m', "quantri@test.vn", Role::Admin, "TTTT"),
    ('A', "congdan.bnv@test.vn", Role::Applicant, "BNV-MC"),
    ('D', "motcua.bnv@test.vn", Role::DeskOfficer, "BNV-MC"),
    ('O', "chuyenvien.bnv@test.vn", Role::Officer, "BNV-CV"),
    ('L', "lanhdao.bnv@test.vn", Role::UnitLeader, "BNV-CV"),
    ('P', "cchc.bnv@test.vn", Role::ParOfficer, "BNV-VP"),
    ('E', "bientap.bnv@test.vn", Role::Editor, "BNV-VP"),
    ('M', "quantri.bnv@test.vn", Role::Admin, "BNV-VP"),
];

/// The second agency, and many units in the first: 30 departments of the office, 5 under CVT-QLTT.
async fn organisation(app: &TestApp) {
    let ctx = AuditCtx::system("scope-matrix");
    let add = |agency: uuid::Uuid, code: String, name: String, kind, parent| {
        let (db, ctx) = (app.db.clone(), ctx.clone());
        async move {
            let new = NewUnit {
                code: UnitCode::parse(&code).unwrap(),
                name,
                kind,
                parent_id: parent,
            };
            ensure_unit(&db, &ctx, agency, new).await.unwrap()
        }
    };
    let find = |code: &'static str| async move {
        motcua_store::org::find_unit(app.db.conn(), code)
            .await
            .unwrap()
            .unwrap()
    };
    let (vp, qltt) = (find("VP").await, find("CVT-QLTT").await);
    let dept = UnitKind::Department;
    for i in 1..=30 {
        add(
            vp.agency_id,
            format!("P{i:02}"),
            format!("Phòng {i}"),
            dept,
            Some(vp.id),
        )
        .await;
    }
    for i in 1..=5 {
        add(
            vp.agency_id,
            format!("CVT-QLTT-{i}"),
            format!("Tổ {i}"),
            dept,
            Some(qltt.id),
        )
        .await;
    }
    let organ = OrganId::parse("000.00.00.G12").unwrap();
    let other = ensure_agency(&app.db, &ctx, &organ, "Bộ Nội vụ", "BNV")
        .await
        .unwrap();
    let office = add(
        other.id,
        "BNV-VP".into(),
        "Văn phòng Bộ Nội vụ".into(),
        UnitKind::Office,
        None,
    )
    .await;
    for (code, name, kind) in [
        ("BNV-MC", "Bộ phận Một cửa Bộ Nội vụ", UnitKind::OneStopDesk),
        ("BNV-CV", "Vụ Công chức – Viên chức", dept),
    ] {
        add(other.id, code.into(), name.into(), kind, Some(office.id)).await;
    }
    // The organisation the server keeps in memory is re-read after its 5 s.
    tokio::time::sleep(std::time::Duration::from_millis(5_200)).await;
}

/// (what, method, path, body, allowed callers, hidden callers): one object route of the table.
type Row = (
    &'static str,
    &'static str,
    String,
    Option<Value>,
    &'static str,
    &'static str,
);

/// One cell's answer, as the rule says it: allowed (any answer but 403 and 404), or refused.
fn expected(allowed: &str, hidden: &str, who: char) -> &'static str {
    if allowed.contains(who) {
        "ok"
    } else if hidden.contains(who) {
        "404"
    } else {
        "403"
    }
}

fn class(status: u16) -> &'static str {
    match status {
        403 => "403",
        404 => "404",
        _ => "ok",
    }
}

async fn scope_matrix_at_scale(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    organisation(&app).await;
    let mut tokens = BTreeMap::new();
    for (who, email, role, unit) in CALLERS {
        app.user(email, *role, unit).await;
        tokens.insert(*who, app.token(email).await);
    }
    let t = |who: char| tokens[&who].clone();

    // The objects, all of the first agency and its unit CVT.
    app.publish_procedure(&t('e'), "1.000777", "Cấp giấy phép bưu chính", 10.0)
        .await;
    let pdf = motcua_sign::pdf::simple_document(&["Don de nghi", "Trang 2"]);
    let up = app
        .upload(&t('a'), "don.pdf", "application/pdf", &pdf)
        .await;
    let applicant = json!({"kind": "citizen", "name": "Trần Thị Bích Ngọc", "id_number": "001190012345",
        "phone": "0912345678", "email": "ngoc.tran@example.vn", "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội"});
    let r = app
        .post_json(
            "/api/v1/dossiers",
            Some(&t('a')),
            &json!({"procedure_code": "1.000777", "channel": "online", "applicant": applicant,
                    "components": [{"code": "TP1", "upload_ids": [up]}], "return_channel": "online"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let code = r.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act(&t('d'), &code, json!({"action": "receive"})).await;
    app.act(&t('d'), &code, json!({"action": "assign", "unit": "CVT"}))
        .await;
    // A second upload of the owner, not attached to anything yet.
    let loose = app
        .upload(&t('a'), "them.pdf", "application/pdf", &pdf)
        .await;

    let r = app
        .post_json(
            "/api/v1/documents",
            Some(&t('o')),
            &json!({"doc_type": "cong_van", "subject": "Về việc cấp giấy phép bưu chính",
                    "signer_name": "Nguyễn Huy Dũng", "signer_position": "Cục trưởng",
                    "recipients": [{"name": "Lưu: VT, CVT"}]}),
        )
        .await;
    let doc: Value = r.json().await.unwrap();
    let doc_id = doc["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{doc}"))
        .to_owned();

    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .format("%Y")
        .to_string();
    let r = app
        .post_json(
            "/api/v1/plans",
            Some(&t('p')),
            &json!({"year": year.parse::<i32>().unwrap()}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post_json(
            &format!("/api/v1/plans/{year}/registers/t1_1"),
            Some(&t('p')),
            &json!({"title": "Rà soát thủ tục bưu chính", "unit": "CVT"}),
        )
        .await;
    let item: Value = r.json().await.unwrap();
    let item_id = item["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{item}"))
        .to_owned();

    let r = app
        .post_json(
            "/api/v1/articles",
            Some(&t('e')),
            &json!({"category": "tin-tuc-su-kien", "title": "Bộ đẩy mạnh cải cách hành chính",
                    "summary": "Tóm tắt", "body": "Nội dung", "byline": "Minh Anh", "status": "draft"}),
        )
        .await;
    let article: Value = r.json().await.unwrap();
    let article_id = article["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{article}"))
        .to_owned();

    // (what, method, path, body, allowed, hidden): every caller not in `allowed` is refused, with
    // 404 when in `hidden`, 403 otherwise. "-" in `allowed`: a write, asked only of the refused
    // (those in `hidden`, and those `forbidden_to` names).
    let d = format!("/api/v1/dossiers/{code}");
    let rows: Vec<Row> = vec![
        ("dossier", "GET", d.clone(), None, "adolm", "bsxypeADOLPEM"),
        (
            "receipt (form 01)",
            "GET",
            format!("{d}/forms/01"),
            None,
            "adolm",
            "bsxypeADOLPEM",
        ),
        // The control slip is the office's record: never the applicant's.
        (
            "control slip (form 05)",
            "GET",
            format!("{d}/forms/05"),
            None,
            "dolm",
            "absxypeADOLPEM",
        ),
        (
            "dossier file",
            "GET",
            format!("{d}/files/{up}"),
            None,
            "adolm",
            "bsxypeADOLPEM",
        ),
        // Refused callers learn nothing of the dossier, whatever the action.
        (
            "dossier action",
            "POST",
            format!("{d}/actions"),
            Some(json!({"action": "request_supplement", "reason": "Thiếu bản sao"})),
            "-",
            "bsxypeADOLPEM",
        ),
        (
            "dossier page",
            "PAGE",
            format!("/ho-so/{code}"),
            None,
            "adolm",
            "bsxypeADOLPEM",
        ),
        // Documents: only who drafts, signs or registers documents at all (officers, leaders, the
        // office); of those, only the owning unit's subtree and the office of the same agency.
        (
            "document issue",
            "POST",
            format!("/api/v1/documents/{doc_id}/issue"),
            Some(json!({"version": 1})),
            "-",
            "sxyOLM",
        ),
        (
            "document sign",
            "POST",
            format!("/api/v1/documents/{doc_id}/sign"),
            Some(json!({"version": 1})),
            "-",
            "sxyOLM",
        ),
        (
            "document send",
            "POST",
            format!("/api/v1/documents/{doc_id}/send"),
            Some(json!({"organ_id": "000.00.00.H26"})),
            "-",
            "sxyOLM",
        ),
        (
            "document recall",
            "POST",
            format!("/api/v1/documents/{doc_id}/recall"),
            Some(json!({"organ_id": "000.00.00.H26"})),
            "-",
            "sxyOLM",
        ),
        // An upload that is not this dossier's: nobody gets it through the dossier, its owner included.
        (
            "another upload through the dossier",
            "GET",
            format!("{d}/files/{loose}"),
            None,
            "",
            "abdosxylpemADOLPEM",
        ),
        // The plan is the whole agency's; the other agency has none of that year; applicants none.
        (
            // A register is a definition every agency's staff may read: the other agency reads
            // its own, empty (checked below: never the first agency's items).
            "register",
            "GET",
            format!("/api/v1/plans/{year}/registers/t1_1"),
            None,
            "dosxylpemDOLPEM",
            "",
        ),
        (
            "scorecard",
            "GET",
            format!("/api/v1/plans/{year}/scorecard"),
            None,
            "dosxylpem",
            "DOLPEM",
        ),
        // A register item of the first agency's plan: its responsible unit's leader records it;
        // the other agency does not see it.
        (
            "register item",
            "POST",
            format!("/api/v1/register-items/{item_id}"),
            Some(json!({"version": 1, "status": "in_progress"})),
            "-",
            "DOLPEM",
        ),
        // An article of the first agency's portal: its editors and admin only.
        (
            "article",
            "PUT",
            format!("/api/v1/articles/{article_id}"),
            Some(
                json!({"category": "tin-tuc-su-kien", "title": "Sửa", "summary": "S", "body": "B", "byline": "M", "status": "draft", "version": 1}),
            ),
            "-",
            "EM",
        ),
    ];
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (what, method, path, body, allowed, hidden) in &rows {
        for (who, email, _, _) in CALLERS {
            if *allowed == "-" && !hidden.contains(*who) && !forbidden_to(what).contains(*who) {
                continue;
            }
            let want = if *allowed == "-" {
                if hidden.contains(*who) { "404" } else { "403" }
            } else {
                expected(allowed, hidden, *who)
            };
            let status = match *method {
                "GET" => app.get(path, Some(&t(*who))).await.status().as_u16(),
                "POST" => app
                    .post_json(path, Some(&t(*who)), body.as_ref().unwrap())
                    .await
                    .status()
                    .as_u16(),
                "PUT" => app
                    .client()
                    .put(app.url(path))
                    .bearer_auth(t(*who))
                    .json(body.as_ref().unwrap())
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
                _ => {
                    let b = app.signed_in_browser(email).await;
                    b.get(app.url(path)).send().await.unwrap().status().as_u16()
                }
            };
            cells += 1;
            if class(status) != want {
                wrong.push(format!(
                    "{what} by {who} ({email}): {status}, the rule says {want}"
                ));
            }
        }
    }

    // The other agency's staff read the register of the year empty: none of the first's items.
    for who in "DOLPEM".chars() {
        let r = app
            .get(
                &format!("/api/v1/plans/{year}/registers/t1_1"),
                Some(&t(who)),
            )
            .await;
        cells += 1;
        let body = r.text().await.unwrap();
        if body.contains(&item_id) {
            wrong.push(format!(
                "register read by {who} shows the other agency's item"
            ));
        }
    }

    // An upload is its owner's: nobody else attaches it to a filing.
    for who in ['b', 'A'] {
        let r = app
            .post_json(
                "/api/v1/dossiers",
                Some(&t(who)),
                &json!({"procedure_code": "1.000777", "channel": "online", "applicant": applicant,
                        "components": [{"code": "TP1", "upload_ids": [loose]}], "return_channel": "online"}),
            )
            .await;
        cells += 1;
        let status = r.status().as_u16();
        if status != 422 && status != 404 {
            wrong.push(format!(
                "another's upload filed by {who}: {status}, the rule says refused"
            ));
        }
    }
    assert!(cells > 150, "{cells} cells");
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// For the writes: the callers refused with 403, by their role (without the permission at all)
/// or, within the owning agency, by their part (only the responsible unit's leader, the reform
/// office and the admin record a register item).
fn forbidden_to(what: &str) -> &'static str {
    match what {
        // Drafting, signing and registering documents: officers, leaders, the office (admin).
        "document issue" | "document sign" | "document send" | "document recall" => "abdpeADPE",
        // The scorecard's registers: staff; recording: the responsible leader, the office.
        "register item" => "abAdosxye",
        // News: editors and the admin.
        "article" => "abdoslxypADOLP",
        _ => "",
    }
}

backend_test!(at_scale, scope_matrix_at_scale);
