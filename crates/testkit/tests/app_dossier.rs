//! The life of a dossier as use cases, called on `motcua-app` directly (no HTTP), on both
//! backends: a counter filing with every bad field named, then valid, its appointment in working
//! days; who may see it; assigning, a stale version, an action the role may not take (with the
//! actions allowed now), approving, a resolution whose result upload is missing (the storage's
//! typed refusal turned into a problem on `upload_ids`), then with its result, early; returning
//! it; the public look-up with and without the right code; one rating only.
//!
//! The procedure is published and the accounts made through the running application's API and
//! storage (the catalogue's use cases have not moved yet); everything about the dossier is a call
//! on `App`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_app::dossier::action::{ActionError, act};
use motcua_app::dossier::filing::{file, prepare};
use motcua_app::dossier::{self as dossiers, CHANGED_SINCE_READ, public};
use motcua_app::{App, Error};
use motcua_domain::account::Role;
use motcua_domain::dossier::state::{Action, DossierState};
use motcua_store::dossier::Filed;
use motcua_testkit::{Backend, TestApp, action, backend_test, counter_filing, vn};

fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(p) => {
            let mut f: Vec<String> = p.into_iter().map(|p| p.field).collect();
            f.sort();
            f
        }
        other => panic!("not a problem with the input: {other:?}"),
    }
}

async fn a_dossier_from_the_counter_to_its_rating(backend: Backend) {
    let server = TestApp::spawn(backend).await;
    let desk = server
        .actor("motcua@test.vn", Role::DeskOfficer, "MOTCUA")
        .await;
    let officer = server
        .actor("chuyenvien@test.vn", Role::Officer, "CVT")
        .await;
    let leader = server
        .actor("lanhdao@test.vn", Role::UnitLeader, "CVT")
        .await;
    let outsider = server
        .actor("trungtam@test.vn", Role::Officer, "TTTT")
        .await;
    server.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = server.token("bientap@test.vn").await;
    server
        .publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    let app: &App = &server.state;
    app.set_clock(vn("2026-03-09 09:00"));

    // Every bad field at once, named as the API names it; nothing written.
    let mut bad = counter_filing("1.004495");
    bad.applicant.id_number = "12345".into();
    bad.applicant.phone = "gọi tôi".into();
    bad.return_channel = "bồ câu".into();
    bad.components[0].code = "TP9".into();
    let problems = fields(prepare(app, &desk, bad, None).await.unwrap_err());
    assert!(
        problems.contains(&"applicant.id_number".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"applicant.phone".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"return_channel".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|f| f.starts_with("components")),
        "{problems:?}"
    );
    let unknown = counter_filing("9.999999");
    assert_eq!(
        fields(file(app, &desk, unknown, None).await.unwrap_err()),
        ["procedure_code"]
    );

    // Filed at the counter: received now, due after 5 working days, at the end of the day.
    let d = match file(app, &desk, counter_filing("1.004495"), None)
        .await
        .unwrap()
    {
        Filed::Created(d) => *d,
        other => panic!("{other:?}"),
    };
    assert_eq!(dossiers::state_of(&d), DossierState::Received);
    assert_eq!(d.due_at, vn("2026-03-16 17:00"));
    assert!(dossiers::can_see(app, &desk, &d).await.unwrap());
    assert!(!dossiers::can_see(app, &outsider, &d).await.unwrap());

    // Assigned to the officer of CVT; then an action on the old version is refused as stale.
    let mut assign = action("assign");
    assign.unit = Some("CVT".into());
    assign.officer_id = Some(officer.account_id);
    let assigned = act(app, &desk, &d, d.version, assign).await.unwrap();
    assert_eq!(dossiers::state_of(&assigned), DossierState::Processing);
    match act(
        app,
        &officer,
        &assigned,
        assigned.version - 1,
        action("approve"),
    )
    .await
    {
        Err(ActionError::Failed(Error::Refused(why))) => assert_eq!(why, CHANGED_SINCE_READ),
        other => panic!("a stale action is not refused: {other:?}"),
    }
    // The officer may not approve: refused with what the officer may do now.
    match act(
        app,
        &officer,
        &assigned,
        assigned.version,
        action("approve"),
    )
    .await
    {
        Err(ActionError::NotAllowed { allowed, .. }) => {
            assert!(!allowed.contains(&Action::Approve), "{allowed:?}");
            assert_eq!(
                allowed,
                dossiers::actions_for(app, &officer, &assigned)
                    .await
                    .unwrap()
            );
        }
        other => panic!("{other:?}"),
    }
    app.set_clock(vn("2026-03-10 10:00"));
    let approved = act(app, &leader, &assigned, assigned.version, action("approve"))
        .await
        .unwrap();

    // A result that is not there: the store's typed refusal is a problem on `upload_ids`.
    let mut missing = action("resolve");
    missing.upload_ids = vec![uuid::Uuid::now_v7()];
    match act(app, &officer, &approved, approved.version, missing).await {
        Err(ActionError::Failed(e)) => assert_eq!(fields(e), ["upload_ids"]),
        other => panic!("{other:?}"),
    }
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    // A file whose bytes are not what its name says is refused on `file`.
    assert_eq!(
        fields(
            dossiers::save_upload(
                app,
                &officer,
                "ket-qua.pdf".into(),
                b"MZ not a pdf".to_vec()
            )
            .await
            .unwrap_err()
        ),
        ["file"]
    );
    let result = dossiers::save_upload(app, &officer, "ket-qua.pdf".into(), pdf)
        .await
        .unwrap();
    let mut resolve = action("resolve");
    resolve.upload_ids = vec![result.id];
    let resolved = act(app, &officer, &approved, approved.version, resolve)
        .await
        .unwrap();
    assert_eq!(dossiers::state_of(&resolved), DossierState::Resolved);
    assert_eq!(resolved.outcome.as_deref(), Some("early"));
    let returned = act(
        app,
        &desk,
        &resolved,
        resolved.version,
        action("return_result"),
    )
    .await
    .unwrap();
    assert_eq!(dossiers::state_of(&returned), DossierState::Returned);
    let events = motcua_store::dossier::events(app.db.conn(), returned.id)
        .await
        .unwrap();
    let steps: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        steps,
        ["file", "assign", "approve", "resolve", "return_result"]
    );

    // The public look-up needs the right look-up code; the applicant rates once.
    assert!(
        public::lookup(app, &returned.code, "SAI-MA")
            .await
            .unwrap()
            .is_none()
    );
    let found = public::lookup(app, &returned.code, &returned.lookup_code.to_lowercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, returned.id);
    assert_eq!(
        fields(public::rate(app, &found, 6, "", "test").await.unwrap_err()),
        ["rating"]
    );
    public::rate(app, &found, 5, "Nhanh, đúng hẹn.", "test")
        .await
        .unwrap();
    assert!(matches!(
        public::rate(app, &found, 4, "", "test").await,
        Err(Error::Store(motcua_store::StoreError::AlreadyRated))
    ));
    server.stop().await;
}

backend_test!(app_dossier, a_dossier_from_the_counter_to_its_rating);
