//! Official documents as use cases, called on `motcua-app` directly (no HTTP), on both backends:
//! a draft with every bad field named; issuing with a number, refused on a stale version; who
//! sees what with a unit scope; the registers and their file; handling an incoming document step
//! by step (who may present, assign, the due date, a step out of order); T7.1 counted live.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Datelike;
use motcua_app::document::{self, draft, handling, indicators, registers};
use motcua_app::{Actor, App, Error};
use motcua_domain::access::{Permission, Scope, scope};
use motcua_domain::account::{Email, NewPassword, PersonName, Role};
use motcua_store::AuditCtx;
use motcua_testkit::{Backend, TestDb, backend_test, use_case_app};

async fn app(backend: Backend) -> (TestDb, App) {
    use_case_app(backend).await
}

/// An account in storage and the actor it is, with its scope for documents.
async fn actor(app: &App, email: &str, role: Role, unit: &str) -> (Actor, Scope) {
    let found = motcua_store::org::find_unit(app.db.conn(), unit)
        .await
        .unwrap()
        .unwrap();
    let (agency_id, unit_id) = (found.agency_id, found.id);
    let new = motcua_store::account::NewUser {
        unit: found,
        email: Email::parse(email).unwrap(),
        name: PersonName::parse("Trần Thị Văn Thư").unwrap(),
        role,
        password: NewPassword::parse("mat-khau-dai-du-16").unwrap(),
    };
    let user = motcua_store::account::create_user(&app.db, &AuditCtx::system("test"), new)
        .await
        .unwrap();
    let actor = Actor {
        account_id: user.id,
        agency_id,
        unit_id,
        role,
        request_id: "test".into(),
    };
    (actor, scope(role, Permission::ManageDocuments).unwrap())
}

fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(p) => p.into_iter().map(|p| p.field).collect(),
        other => panic!("not a problem with the input: {other:?}"),
    }
}

fn decision(subject: &str) -> draft::Draft {
    draft::Draft {
        doc_type: "quyet_dinh".into(),
        subject: subject.into(),
        urgency: "normal".into(),
        secrecy: "none".into(),
        signer_name: "Nguyễn Văn Ký".into(),
        signer_position: "Cục trưởng".into(),
        authority_mark: String::new(),
        on_behalf_of: String::new(),
        recipients: vec![draft::Recipient {
            organ_id: String::new(),
            name: "Như Điều 3".into(),
        }],
        electronic: true,
        content: None,
    }
}

async fn documents_from_draft_to_handling(backend: Backend) {
    let (_db, app) = app(backend).await;
    let (officer, officer_scope) =
        actor(&app, "chuyenvien@cvt.test.vn", Role::Officer, "CVT").await;
    let (other, other_scope) = actor(&app, "chuyenvien@vp.test.vn", Role::Officer, "VP").await;
    let (leader, leader_scope) = actor(&app, "lanhdao@cvt.test.vn", Role::UnitLeader, "CVT").await;
    let (clerk, clerk_scope) = actor(&app, "vanthu@test.vn", Role::Admin, "VP").await;
    assert_eq!(officer_scope, Scope::OwnUnit);
    assert_eq!(clerk_scope, Scope::All);

    // Every bad field of a draft is named, as the API's body names it.
    let bad = draft::Draft {
        doc_type: "thu_tay".into(),
        subject: " ".into(),
        urgency: "rat_gap".into(),
        signer_name: String::new(),
        on_behalf_of: "Bộ trưởng".into(),
        recipients: vec![draft::Recipient {
            organ_id: String::new(),
            name: " ".into(),
        }],
        ..decision("x")
    };
    let mut got = fields(draft::draft(&app, &officer, &bad).await.unwrap_err());
    got.sort();
    assert_eq!(
        got,
        [
            "doc_type",
            "on_behalf_of",
            "recipients[0].name",
            "signer_name",
            "subject",
            "urgency"
        ]
    );

    // A draft of the officer's unit, in NFC, with its notation; no number yet.
    let d = draft::draft(
        &app,
        &officer,
        &decision("Quye\u{0302}\u{0301}t \u{0111}i\u{0323}nh thử"),
    )
    .await
    .unwrap();
    assert_eq!(d.subject, "Quyết định thử");
    assert_eq!((d.status.as_str(), d.number), ("draft", None));
    assert!(d.notation.starts_with("QĐ-"), "{}", d.notation);

    // An officer of another unit does not know it exists.
    assert!(matches!(
        document::find(&app, &other, other_scope, d.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        draft::issue(&app, &other, other_scope, d.id, d.version).await,
        Err(Error::NotFound)
    ));

    // Issuing on a stale version is refused as stale, with the reason; on the right one it takes
    // number 1.
    match draft::issue(&app, &officer, officer_scope, d.id, d.version + 1).await {
        Err(Error::Stale(why)) => assert_eq!(why, document::CHANGED_SINCE_READ),
        other => panic!("a stale issue is not refused: {other:?}"),
    }
    let issued = draft::issue(&app, &officer, officer_scope, d.id, d.version)
        .await
        .unwrap();
    assert_eq!(
        issued.signing_problem, None,
        "no content: nothing to typeset"
    );
    let d = issued.document;
    assert_eq!((d.status.as_str(), d.number), ("issued", Some(1)));
    assert_eq!(
        d.code.as_deref(),
        Some(format!("01/{}", d.notation).as_str())
    );
    // Issued once, it cannot be issued again, even at its current version.
    match draft::issue(&app, &officer, officer_scope, d.id, d.version).await {
        Err(Error::Refused(why)) => assert_eq!(why, document::ALREADY_ISSUED),
        other => panic!("a second issue is not refused: {other:?}"),
    }
    // Without drafted content there is nothing to sign, and the refusal says so.
    match draft::sign(&app, &officer, officer_scope, d.id).await {
        Err(Error::Refused(why)) => assert!(why.contains("nội dung"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        document::pdf(&app, &officer, officer_scope, d.id).await,
        Err(Error::NotFound)
    ));

    // The register of the year: the whole agency for the clerk, nothing for the other unit.
    let year = d.year.unwrap();
    let all = registers::register(&app, &clerk, clerk_scope, "out", year)
        .await
        .unwrap();
    assert_eq!(all.iter().map(|x| x.id).collect::<Vec<_>>(), [d.id]);
    let none = registers::register(&app, &other, other_scope, "out", year)
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(matches!(
        registers::direction(Some("sideways")),
        Err(Error::Invalid(_))
    ));
    let org = app.org().await.unwrap();
    let file = registers::register_file(&all, "out", year, "csv", &org).unwrap();
    assert_eq!(file.name, format!("so-van-ban-di-{year}.csv"));
    let text = String::from_utf8(file.bytes).unwrap();
    assert!(text.contains(d.code.as_deref().unwrap()), "{text}");

    // An incoming document, registered as the exchange would, handled step by step.
    let incoming = motcua_store::document::NewDocument {
        agency_id: clerk.agency_id,
        direction: "in",
        doc_type: "cong_van".into(),
        series: "den".into(),
        notation: "UBND-VP".into(),
        subject: "Đề nghị phối hợp".into(),
        urgency: "normal".into(),
        secrecy: "none".into(),
        drafting_unit_id: None,
        signer_name: "Lê Văn Gửi".into(),
        signer_position: "Chánh Văn phòng".into(),
        authority_mark: String::new(),
        recipients: serde_json::json!([{"organ_id": "000.00.00.H26", "name": "UBND thành phố"}]),
        electronic: true,
        pdf_upload_id: None,
        created_by: None,
        content: None,
        signature_state: Some("none".into()),
        on_behalf_of: None,
    };
    let (doc_in, _) = motcua_store::document::register_incoming(
        &app.db,
        &AuditCtx::system("test"),
        clerk.agency_id,
        "000.00.00.H26,2026/12/01,15/UBND-VP",
        "000.00.00.H26",
        incoming,
        "15/UBND-VP",
        chrono::Utc::now(),
        None,
    )
    .await
    .unwrap();
    let step = |step: &str, version: i64| handling::Handling {
        step: step.into(),
        version,
        ..handling::Handling::default()
    };
    // Only the office presents, and only to a leader of the agency.
    assert!(matches!(
        handling::handle_by_id(
            &app,
            &officer,
            Scope::All,
            doc_in.id,
            &step("present", doc_in.version)
        )
        .await,
        Err(Error::Forbidden)
    ));
    let to_officer = handling::Handling {
        leader_id: Some(officer.account_id),
        ..step("present", doc_in.version)
    };
    assert_eq!(
        fields(
            handling::handle_by_id(&app, &clerk, clerk_scope, doc_in.id, &to_officer)
                .await
                .unwrap_err()
        ),
        ["leader_id"]
    );
    assert!(
        handling::leaders(&app, &clerk)
            .await
            .unwrap()
            .iter()
            .any(|(id, _)| *id == leader.account_id)
    );
    let present = handling::Handling {
        leader_id: Some(leader.account_id),
        ..step("present", doc_in.version)
    };
    let p = handling::handle_by_id(&app, &clerk, clerk_scope, doc_in.id, &present)
        .await
        .unwrap();
    assert_eq!(p.handling_status.as_deref(), Some("presented"));
    // The leader it was presented to now reaches it; a due date in the past is named.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let late = handling::Handling {
        unit: Some("CVT-QLTT".into()),
        due_date: Some(yesterday),
        ..step("assign", p.version)
    };
    assert_eq!(
        fields(
            handling::handle_by_id(&app, &leader, leader_scope, doc_in.id, &late)
                .await
                .unwrap_err()
        ),
        ["due_date"]
    );
    // Completing before it is assigned is a step out of order.
    assert!(matches!(
        handling::handle_by_id(
            &app,
            &clerk,
            clerk_scope,
            doc_in.id,
            &step("complete", p.version)
        )
        .await,
        Err(Error::Refused(_))
    ));
    let next_week = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let assign = handling::Handling {
        unit: Some("CVT-QLTT".into()),
        due_date: Some(next_week),
        note: Some("Đề nghị xử lý".into()),
        ..step("assign", p.version)
    };
    let a = handling::handle_by_id(&app, &leader, leader_scope, doc_in.id, &assign)
        .await
        .unwrap();
    assert_eq!(a.handling_status.as_deref(), Some("assigned"));
    let s = handling::handle_by_id(
        &app,
        &clerk,
        clerk_scope,
        doc_in.id,
        &step("start", a.version),
    )
    .await
    .unwrap();
    let c = handling::handle_by_id(
        &app,
        &clerk,
        clerk_scope,
        doc_in.id,
        &step("complete", s.version),
    )
    .await
    .unwrap();
    assert_eq!(c.handling_status.as_deref(), Some("completed"));
    // An outgoing document is not handled as incoming.
    assert!(matches!(
        handling::handle_by_id(&app, &clerk, clerk_scope, d.id, &step("start", d.version)).await,
        Err(Error::NotFound)
    ));

    // T7.1 from the registers: both documents are electronic.
    let this_year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();
    let ind = indicators::indicators(&app, clerk.agency_id, this_year)
        .await
        .unwrap();
    assert_eq!((ind.t7_1.electronic, ind.t7_1.total), (2, 2));
    assert_eq!(ind.t7_1.ratio, Some(1.0));
    let empty = indicators::indicators(&app, clerk.agency_id, 2001)
        .await
        .unwrap();
    assert_eq!((empty.t7_1.total, empty.t7_1.ratio), (0, None));
}

backend_test!(app_document, documents_from_draft_to_handling);
