//! The catalogue's storage on both backends: versions, idempotent writes, publication, search.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use motcua_domain::catalog::fold::query_terms;
use motcua_domain::catalog::*;
use motcua_store::AuditCtx;
use motcua_store::catalog::{SearchQuery, Upserted, VersionInput, find, search, upsert, versions};
use motcua_testkit::{Backend, TestDb, backend_test, load_fixture_org};

fn procedure(code: &str, name: &str, field: ProcedureField) -> ProcedureData {
    ProcedureData {
        code: ProcedureCode::parse(code).unwrap(),
        name: name.into(),
        field,
        level: Level::Central,
        agency: "000.00.00.G22".into(),
        unit: "CVT".into(),
        authority: "Bộ Thông tin và Truyền thông".into(),
        applicants: vec![Applicant::Business],
        channels: vec![Channel::Online, Channel::Counter],
        postal_receipt: false,
        postal_return: false,
        processing_time: ProcessingTime {
            value: 10.0,
            unit: TimeUnit::WorkingDays,
        },
        cutoff: None,
        online_class: OnlineClass::Partial,
        legacy_level: 3,
        result_name: "Giấy phép".into(),
        result_kind: ResultKind::Electronic,
        dossier_required: true,
        steps: vec![Step {
            order: 1,
            description: "Nộp hồ sơ".into(),
        }],
        components: vec![Component {
            code: "TP1".into(),
            name: "Đơn đề nghị".into(),
            originals: 1,
            copies: 0,
            required: true,
            reusable: false,
            template_url: None,
        }],
        fees: vec![],
        legal_basis: vec![LegalAct {
            number: "49/2010/QH12".into(),
            title: "Luật Bưu chính".into(),
            issued_on: NaiveDate::from_ymd_opt(2010, 6, 17).unwrap(),
            effective_on: NaiveDate::from_ymd_opt(2011, 1, 1).unwrap(),
        }],
        forms: vec![],
        allocation: vec![],
    }
}

fn draft(data: ProcedureData) -> VersionInput {
    VersionInput {
        data,
        status: VersionStatus::Draft,
        publication: Publication::default(),
    }
}

async fn versions_are_written_once_and_publication_supersedes(backend: Backend) {
    let tdb = TestDb::new(backend).await;
    let db = tdb.connect().await;
    motcua_store::migration::apply_pending(&db).await.unwrap();
    load_fixture_org(&db).await;
    let agency = motcua_store::org::agencies(db.conn())
        .await
        .unwrap()
        .remove(0);
    let ctx = AuditCtx::system("test");
    let data = procedure(
        "1.004495",
        "Cấp giấy phép bưu chính",
        ProcedureField::Postal,
    );

    assert_eq!(
        upsert(&db, &ctx, &agency, &draft(data.clone()))
            .await
            .unwrap(),
        Upserted::Created
    );
    assert_eq!(
        upsert(&db, &ctx, &agency, &draft(data.clone()))
            .await
            .unwrap(),
        Upserted::Unchanged
    );
    let mut changed = data.clone();
    changed.processing_time.value = 15.0;
    assert_eq!(
        upsert(&db, &ctx, &agency, &draft(changed.clone()))
            .await
            .unwrap(),
        Upserted::UpdatedDraft(1)
    );

    let publication = Publication {
        decision_number: Some("1234/QĐ-BTTTT".into()),
        decision_date: NaiveDate::from_ymd_opt(2026, 6, 1),
        decision_authority: Some(DecisionAuthority::Minister),
        effective_date: NaiveDate::from_ymd_opt(2026, 7, 1),
        published_at: Some(chrono::Utc::now()),
    };
    let published = VersionInput {
        data: changed.clone(),
        status: VersionStatus::Published,
        publication: publication.clone(),
    };
    assert_eq!(
        upsert(&db, &ctx, &agency, &published).await.unwrap(),
        Upserted::UpdatedDraft(1)
    );
    // An edit after publication is a new draft; the published version stays current.
    let mut edit = changed.clone();
    edit.name = "Cấp giấy phép bưu chính (sửa đổi)".into();
    assert_eq!(
        upsert(&db, &ctx, &agency, &draft(edit.clone()))
            .await
            .unwrap(),
        Upserted::NewVersion(2)
    );
    let found = find(db.conn(), "1.004495").await.unwrap().unwrap();
    assert!(found.procedure.published);
    assert_eq!(found.procedure.name, "Cấp giấy phép bưu chính");
    assert_eq!(found.latest.version_no, 2);
    // Publishing the new draft supersedes version 1.
    let republished = VersionInput {
        data: edit.clone(),
        status: VersionStatus::Published,
        publication,
    };
    assert_eq!(
        upsert(&db, &ctx, &agency, &republished).await.unwrap(),
        Upserted::UpdatedDraft(2)
    );
    let vs = versions(db.conn(), found.procedure.id).await.unwrap();
    let statuses: Vec<(i32, String)> = vs
        .iter()
        .map(|v| (v.version_no, v.status.clone()))
        .collect();
    assert_eq!(
        statuses,
        [(2, "published".to_owned()), (1, "superseded".to_owned())]
    );
    assert_eq!(
        find(db.conn(), "1.004495")
            .await
            .unwrap()
            .unwrap()
            .procedure
            .name,
        "Cấp giấy phép bưu chính (sửa đổi)"
    );
    assert!(motcua_store::audit::verify(&db).await.unwrap() > 0);
}
backend_test!(
    catalog_versions,
    versions_are_written_once_and_publication_supersedes
);

async fn search_folds_vietnamese_the_same_on_both_backends(backend: Backend) {
    let tdb = TestDb::new(backend).await;
    let db = tdb.connect().await;
    motcua_store::migration::apply_pending(&db).await.unwrap();
    load_fixture_org(&db).await;
    let agency = motcua_store::org::agencies(db.conn())
        .await
        .unwrap()
        .remove(0);
    let ctx = AuditCtx::system("test");
    let nfd: String = unicode_nfd("Đăng ký thu tín hiệu truyền hình nước ngoài");
    let items = [
        (
            "1.004495",
            "Cấp giấy phép bưu chính",
            ProcedureField::Postal,
        ),
        (
            "1.004496",
            "Sửa đổi, bổ sung giấy phép bưu chính",
            ProcedureField::Postal,
        ),
        (
            "1.000201",
            "Cấp giấy phép thiết lập mạng viễn thông công cộng",
            ProcedureField::Telecom,
        ),
        ("1.000301", nfd.as_str(), ProcedureField::Broadcasting),
    ];
    for (code, name, field) in items {
        let mut d = procedure(code, name, field);
        d.name = motcua_domain::catalog::fold::nfc(&d.name);
        if field == ProcedureField::Postal {
            d.channels.push(Channel::Postal);
            d.postal_receipt = true;
        }
        let published = VersionInput {
            data: d,
            status: VersionStatus::Published,
            publication: Publication::default(),
        };
        upsert(&db, &ctx, &agency, &published).await.unwrap();
    }
    let codes = |rows: Vec<motcua_store::entity::procedure::Model>| {
        rows.into_iter().map(|r| r.code).collect::<Vec<_>>()
    };
    let q = |text: &str| SearchQuery {
        terms: query_terms(text),
        published_only: true,
        limit: 20,
        ..Default::default()
    };

    let (rows, total) = search(&db, &q("cap giay phep buu chinh")).await.unwrap();
    assert_eq!((codes(rows), total), (vec!["1.004495".to_owned()], 1));
    let (rows, _) = search(&db, &q("đăng ký")).await.unwrap();
    assert_eq!(
        codes(rows),
        ["1.000301"],
        "NFD input stored as NFC and found through đ → d"
    );
    let (rows, _) = search(&db, &q("dang ky")).await.unwrap();
    assert_eq!(codes(rows), ["1.000301"]);
    let (rows, _) = search(&db, &q("giấy phép bưu")).await.unwrap();
    assert_eq!(codes(rows).len(), 2, "prefix of the last word");
    let (rows, _) = search(&db, &q("vien thon")).await.unwrap();
    assert_eq!(codes(rows), ["1.000201"]);
    let (rows, total) = search(
        &db,
        &SearchQuery {
            postal: Some(true),
            ..q("giay phep")
        },
    )
    .await
    .unwrap();
    assert_eq!((codes(rows).len(), total), (2, 2));
    let (rows, _) = search(
        &db,
        &SearchQuery {
            field: Some(ProcedureField::Telecom),
            ..q("")
        },
    )
    .await
    .unwrap();
    assert_eq!(codes(rows), ["1.000201"]);
    let (rows, total) = search(
        &db,
        &SearchQuery {
            offset: 2,
            limit: 2,
            ..q("")
        },
    )
    .await
    .unwrap();
    assert_eq!((rows.len(), total), (2, 4));
    let (rows, total) = search(&db, &q("khong ton tai xyz")).await.unwrap();
    assert_eq!((rows.len(), total), (0, 0));
    // Typo tolerance, the same on both backends: a word no procedure has is replaced by the words
    // one edit away, and only then.
    let (rows, total) = search(&db, &q("giay phep buu chinhh")).await.unwrap();
    assert_eq!(
        (codes(rows), total),
        (vec!["1.004495".to_owned(), "1.004496".to_owned()], 2),
        "both postal licences, the shorter (closer) name first"
    );
    let (rows, _) = search(&db, &q("giay phep vien thogn")).await.unwrap();
    assert_eq!(codes(rows), ["1.000201"]);
    // A change committed by another handle (another process or node) is seen at once: the index
    // follows the catalogue's generation, not a timer.
    let other = tdb.connect().await;
    let (_, before) = search(&other, &q("")).await.unwrap();
    let mut d = procedure(
        "1.009999",
        "Cấp giấy phép hoạt động in",
        ProcedureField::Publishing,
    );
    d.name = motcua_domain::catalog::fold::nfc(&d.name);
    upsert(
        &db,
        &ctx,
        &agency,
        &VersionInput {
            data: d,
            status: VersionStatus::Published,
            publication: Publication::default(),
        },
    )
    .await
    .unwrap();
    let (rows, total) = search(&other, &q("hoat dong in")).await.unwrap();
    assert_eq!((codes(rows), total), (vec!["1.009999".to_owned()], 1));
    assert_eq!(search(&other, &q("")).await.unwrap().1, before + 1);
}
backend_test!(
    catalog_search,
    search_folds_vietnamese_the_same_on_both_backends
);

fn unicode_nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}
