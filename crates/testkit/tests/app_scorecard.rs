//! The reform scorecard as use cases, called on `motcua-app` directly (no HTTP), on both
//! backends: no plan, then the seed plan's 27 targets with no data where nothing is recorded;
//! two dossiers filed at the counter, one resolved early and one late, move T3.4, T3.5, T7.4,
//! T7.6 and T7.7 to exactly what was done, and the live counters agree with the figures
//! recomputed from the dossiers and their events (what `motcua scorecard verify` compares); a
//! register's items move T1.1 (cancelled items out of the denominator); the ranking (M3) scores
//! the answerable unit on its targets with data; the watch reports every target once.
//!
//! The procedure is published and the accounts made through the running application's API and
//! storage, as in `app_dossier.rs`; everything about the plan is a call on `App`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use motcua_app::dossier::action::act;
use motcua_app::dossier::filing::file;
use motcua_app::dossier::{self as dossiers, Dossier};
use motcua_app::plan::{self, Period, Scorecard, TargetValue};
use motcua_app::{Actor, App};
use motcua_domain::account::Role;
use motcua_store::AuditCtx;
use motcua_store::dossier::Filed;
use motcua_store::register::NewItem;
use motcua_testkit::{Backend, TestApp, action, backend_test, counter_filing, vn};

fn target<'a>(card: &'a Scorecard, id: &str) -> &'a TargetValue {
    card.targets
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no target {id}"))
}

/// `(numerator, denominator)` of a target; `None` when it has no data.
fn figure(card: &Scorecard, id: &str) -> Option<(f64, f64)> {
    let t = target(card, id);
    match (t.numerator, t.denominator) {
        (Some(n), Some(d)) => Some((n, d)),
        (None, None) => {
            assert_eq!(t.value, None, "{id}: a value without its fraction");
            None
        }
        other => panic!("{id}: half a fraction {other:?}"),
    }
}

/// Files a dossier at the counter and takes it through assignment, approval and resolution at
/// `resolved_at` (Vietnam time).
async fn resolved(app: &App, staff: &[&Actor; 3], name: &str, resolved_at: &str) -> Dossier {
    let [desk, officer, leader] = *staff;
    let mut filing = counter_filing("1.004495");
    filing.applicant.name = name.into();
    let d = match file(app, desk, filing, None).await.unwrap() {
        Filed::Created(d) => *d,
        other => panic!("{other:?}"),
    };
    let mut assign = action("assign");
    assign.unit = Some("CVT".into());
    assign.officer_id = Some(officer.account_id);
    let d = act(app, desk, &d, d.version, assign).await.unwrap();
    let d = act(app, leader, &d, d.version, action("approve"))
        .await
        .unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let result = dossiers::save_upload(app, officer, "ket-qua.pdf".into(), pdf)
        .await
        .unwrap();
    app.set_clock(vn(resolved_at));
    let mut resolve = action("resolve");
    resolve.upload_ids = vec![result.id];
    act(app, officer, &d, d.version, resolve).await.unwrap()
}

/// The agency's scorecard for 2026, which has a plan.
async fn card_of(app: &App, agency: uuid::Uuid) -> Scorecard {
    let period = Period::year(2026).unwrap();
    plan::scorecard(app, agency, 2026, period)
        .await
        .unwrap()
        .expect("a plan for 2026")
}

async fn the_scorecard_from_the_records(backend: Backend) {
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
    server.user("bientap@test.vn", Role::Editor, "TTTT").await;
    let editor = server.token("bientap@test.vn").await;
    server
        .publish_procedure(&editor, "1.004495", "Cấp giấy phép bưu chính", 5.0)
        .await;
    let app: &App = &server.state;
    let agency = desk.agency_id;
    let year = 2026;
    let period = Period::year(year).unwrap();

    // No plan for the year: no scorecard (the API's 404), and nothing is made up.
    assert!(
        plan::scorecard(app, agency, year, period)
            .await
            .unwrap()
            .is_none()
    );

    // The seed plan: 27 targets, each with its field and the unit answerable for it.
    let new = plan::seed_plan(app, agency, year).await.unwrap();
    let ctx = AuditCtx::system("test");
    motcua_store::plan::create(&app.db, &ctx, new)
        .await
        .unwrap();
    let card = card_of(app, agency).await;
    assert_eq!(card.targets.len(), 27);
    assert_eq!((card.from, card.to), (period.from, period.to));
    assert!(
        card.targets
            .iter()
            .all(|t| !plan::field_label(&t.field).is_empty())
    );
    let org = app.org().await.unwrap();
    let office = org.unit("VP").unwrap().id;
    assert_eq!(target(&card, "T1.1").responsible_unit_id, Some(office));
    // Nothing recorded: no data, never 0% or 100%.
    for id in ["T1.1", "T3.4", "T3.5", "T7.1", "T7.4", "T7.6", "T7.7"] {
        assert_eq!(figure(&card, id), None, "{id}");
        assert_eq!(target(&card, id).status, "no_data", "{id}");
    }
    assert!(target(&card, "T1.1").note.contains("chưa có mục nào"));

    // Two dossiers at the counter (due 16/3 at 17:00): one resolved early, one late, the early
    // one returned at the counter.
    app.set_clock(vn("2026-03-09 09:00"));
    let staff = [&desk, &officer, &leader];
    let early = resolved(app, &staff, "Trần Thị Bích Ngọc", "2026-03-10 10:00").await;
    assert_eq!(early.outcome.as_deref(), Some("early"));
    app.set_clock(vn("2026-03-09 09:30"));
    let late = resolved(app, &staff, "Lê Văn Hùng", "2026-03-18 10:00").await;
    assert_eq!(late.outcome.as_deref(), Some("late"));
    app.set_clock(vn("2026-03-18 11:00"));
    act(app, &desk, &early, early.version, action("return_result"))
        .await
        .unwrap();

    let card = card_of(app, agency).await;
    // T3.4: on time / resolved; T3.5: public / filed; T7.4: online / filed; T7.6: by post /
    // filed; T7.7: returned by post / returned.
    assert_eq!(figure(&card, "T3.4"), Some((1.0, 2.0)));
    assert_eq!(figure(&card, "T3.5"), Some((2.0, 2.0)));
    assert_eq!(figure(&card, "T7.4"), Some((0.0, 2.0)));
    assert_eq!(figure(&card, "T7.6"), Some((0.0, 2.0)));
    assert_eq!(figure(&card, "T7.7"), Some((0.0, 1.0)));
    assert_eq!(target(&card, "T3.4").value, Some(0.5));
    assert_eq!(plan::shown(target(&card, "T3.4").value, "share"), "50,0%");
    // The live counters and the dossiers' own records say the same.
    let catalogue = plan::catalogue(app).await.unwrap();
    let live = plan::dossier_fractions(app, agency, period, &catalogue)
        .await
        .unwrap();
    let raw = plan::raw_dossier_fractions(app, agency, period, &catalogue)
        .await
        .unwrap();
    assert_eq!(live, raw);
    assert_eq!(
        live.get("t3_4").copied().flatten(),
        plan::Fraction::of(1.0, 2.0)
    );
    // Another year has none of the dossiers; its coverage targets count the procedure offered
    // online and by post (T7.3, T7.5) with no filing in that year.
    let other = plan::dossier_fractions(app, agency, Period::year(2025).unwrap(), &catalogue)
        .await
        .unwrap();
    for k in ["t3_4", "t3_5", "t7_4", "t7_6", "t7_7"] {
        assert_eq!(other[k], None, "{k}: {other:?}");
    }
    assert_eq!(other["t7_3"], plan::Fraction::of(0.0, 1.0), "{other:?}");
    assert_eq!(
        live["t7_3"],
        plan::Fraction::of(0.0, 1.0),
        "counter filings are not online"
    );

    // T1.1 from its register: 1 done of 3 in scope, the cancelled one out of the denominator.
    let item = |title: &str, status: &str| NewItem {
        title: title.into(),
        responsible_unit_id: Some(office),
        due_date: None,
        status: status.into(),
        planned_amount: 0.0,
        actual_amount: 0.0,
        note: String::new(),
    };
    motcua_store::register::add(
        &app.db,
        &ctx,
        agency,
        year,
        "t1_1",
        vec![
            item("Đề án chuyển đổi số", "done"),
            item("Báo cáo chuyên đề", "in_progress"),
            item("Rà soát quy trình nội bộ", "in_progress"),
            item("Nhiệm vụ đã huỷ", "cancelled"),
        ],
    )
    .await
    .unwrap();
    let card = card_of(app, agency).await;
    assert_eq!(figure(&card, "T1.1"), Some((1.0, 3.0)));
    assert!(
        target(&card, "T1.1").note.contains("4 mục"),
        "{}",
        target(&card, "T1.1").note
    );

    // The ranking (M3): the Office answers for T1.1 (1/3 of a 100% target) and T3.4 (1/2 of a
    // 100% target) among the targets with data here.
    let ranks = plan::ranking(&card, None, &org);
    let vp = ranks.iter().find(|r| r.unit_id == office).unwrap();
    let with_data: Vec<&TargetValue> = card
        .targets
        .iter()
        .filter(|t| t.responsible_unit_id == Some(office) && t.value.is_some())
        .collect();
    assert_eq!(vp.with_data, with_data.len());
    assert!(vp.below.contains(&"T1.1".to_owned()), "{:?}", vp.below);
    assert!(vp.below.contains(&"T3.4".to_owned()), "{:?}", vp.below);
    let expected = with_data
        .iter()
        .map(|t| (t.value.unwrap() / t.threshold).min(1.0))
        .sum::<f64>()
        / with_data.len() as f64
        * 100.0;
    assert!(
        (vp.score.unwrap() - expected).abs() < 0.01,
        "{:?} against {expected}",
        vp.score
    );
    assert_eq!(ranks[0].rank, 1);

    // The watch: every target seen for the first time, then nothing new.
    let changed = plan::watch(app).await.unwrap();
    assert!(changed >= 27, "{changed}");
    assert_eq!(plan::watch(app).await.unwrap(), 0);
    server.stop().await;
}

backend_test!(app_scorecard, the_scorecard_from_the_records);
