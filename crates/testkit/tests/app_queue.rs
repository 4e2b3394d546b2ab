//! The work queue as a use case, called on `motcua-app` directly (no HTTP), on both backends:
//! the actor's scope decides the units, every bad parameter is a problem naming it, and the due
//! filters follow the application's clock and calendar.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_app::dossier::queue::{QueueFilter, WORK_STATES, queue_query};
use motcua_app::{Actor, App, Error};
use motcua_domain::access::Scope;
use motcua_domain::account::Role;
use motcua_domain::dossier::state::DossierState;
use motcua_testkit::{Backend, TestDb, backend_test, use_case_app};

async fn app(backend: Backend) -> (TestDb, App) {
    use_case_app(backend).await
}

async fn actor(app: &App, role: Role, unit: &str) -> Actor {
    let org = app.org().await.unwrap();
    let unit = org.unit(unit).unwrap();
    Actor {
        account_id: uuid::Uuid::now_v7(),
        agency_id: unit.agency_id,
        unit_id: unit.id,
        role,
        request_id: "test".into(),
    }
}

fn problems(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(p) => p.into_iter().map(|p| p.field).collect(),
        other => panic!("not a problem with the input: {other:?}"),
    }
}

async fn the_queue_is_the_actors_units_and_says_which_parameter_is_wrong(backend: Backend) {
    let (_db, app) = app(backend).await;
    let org = app.org().await.unwrap();
    let id = |code: &str| org.unit(code).unwrap().id;
    let officer = actor(&app, Role::Officer, "CVT").await;

    // An officer of CVT sees CVT and the department below it, dossiers needing work by default.
    let q = queue_query(&app, &officer, Scope::OwnUnit, &QueueFilter::default())
        .await
        .unwrap();
    let mut units = q.units.clone().unwrap();
    units.sort();
    let mut expected = vec![id("CVT"), id("CVT-QLTT")];
    expected.sort();
    assert_eq!(units, expected);
    assert_eq!(q.agency_id, officer.agency_id);
    assert_eq!(
        q.states,
        WORK_STATES
            .iter()
            .map(|s| s.sync_code() as i16)
            .collect::<Vec<_>>()
    );
    assert_eq!((q.offset, q.limit, q.handler_id), (0, 50, None));

    // A unit outside the scope is refused, naming `unit`; one inside narrows the queue.
    let outside = QueueFilter {
        unit: Some("MOTCUA".into()),
        ..QueueFilter::default()
    };
    let e = queue_query(&app, &officer, Scope::OwnUnit, &outside)
        .await
        .unwrap_err();
    assert_eq!(problems(e), ["unit"]);
    let inside = QueueFilter {
        unit: Some("cvt-qltt".into()),
        mine: Some(true),
        page: Some(3),
        per_page: Some(500),
        ..QueueFilter::default()
    };
    let q = queue_query(&app, &officer, Scope::OwnUnit, &inside)
        .await
        .unwrap();
    assert_eq!(q.units, Some(vec![id("CVT-QLTT")]));
    assert_eq!(q.handler_id, Some(officer.account_id));
    assert_eq!((q.offset, q.limit), (400, 200));

    // With the whole agency in scope nothing limits the units.
    let q = queue_query(&app, &officer, Scope::All, &QueueFilter::default())
        .await
        .unwrap();
    assert_eq!(q.units, None);

    // Every bad parameter is named, all at once.
    let bad = QueueFilter {
        state: Some("2,11,x".into()),
        channel: Some("fax".into()),
        due: Some("later".into()),
        page: Some(0),
        ..QueueFilter::default()
    };
    let e = queue_query(&app, &officer, Scope::OwnUnit, &bad)
        .await
        .unwrap_err();
    assert_eq!(problems(e), ["page", "state", "state", "channel", "due"]);

    // Due filters: the running states only, bounded by the application's clock.
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-09T09:00:00+07:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    app.set_clock(at);
    let overdue = QueueFilter {
        due: Some("overdue".into()),
        ..QueueFilter::default()
    };
    let q = queue_query(&app, &officer, Scope::OwnUnit, &overdue)
        .await
        .unwrap();
    let running: Vec<i16> = [
        DossierState::Submitted,
        DossierState::Received,
        DossierState::Processing,
        DossierState::FinancialObligation,
    ]
    .iter()
    .map(|s| s.sync_code() as i16)
    .collect();
    assert_eq!(q.states, running);
    let before = q.due_before.unwrap();
    assert!((before - at).num_seconds().abs() < 60, "{before}");
    let today = QueueFilter {
        due: Some("today".into()),
        ..QueueFilter::default()
    };
    let q = queue_query(&app, &officer, Scope::OwnUnit, &today)
        .await
        .unwrap();
    let midnight = chrono::DateTime::parse_from_rfc3339("2026-03-10T00:00:00+07:00").unwrap();
    assert_eq!(q.due_before.unwrap(), midnight);
    // Monday 09:00 plus one working day is Tuesday 09:00.
    let soon = QueueFilter {
        due: Some("soon".into()),
        ..QueueFilter::default()
    };
    let q = queue_query(&app, &officer, Scope::OwnUnit, &soon)
        .await
        .unwrap();
    let tuesday = chrono::DateTime::parse_from_rfc3339("2026-03-10T09:00:00+07:00").unwrap();
    assert!(
        (q.due_before.unwrap() - tuesday.with_timezone(&chrono::Utc))
            .num_seconds()
            .abs()
            < 60
    );
}

backend_test!(
    the_queue_is_the_actors_units_and_says_which_parameter_is_wrong,
    the_queue_is_the_actors_units_and_says_which_parameter_is_wrong
);
