//! `Debug` of the values that carry personal data or secrets shows none of it (Decree 13/2023; from
//! 1/1/2026 Law 91/2025/QH15): a stray `{:?}` in a log line must not leak an applicant or an
//! account.

use chrono::Utc;
use motcua_store::dossier::{Applicant, NewDossier};
use motcua_store::entity::{app_user, dossier};
use uuid::Uuid;

const NAME: &str = "Nguyễn Thị Bí Mật";
const ID: &str = "001099012345";
const PHONE: &str = "0912345678";
const EMAIL: &str = "bimat@example.vn";
const ADDRESS: &str = "12 Phố Kín, Hà Nội";
const LOOKUP: &str = "LOOKUPSECRET";
const HASH: &str = "$argon2id$v=19$secret-hash";

fn assert_clean(what: &str, shown: &str) {
    for secret in [NAME, ID, PHONE, EMAIL, ADDRESS, LOOKUP, HASH] {
        assert!(
            !shown.contains(secret),
            "{what}'s Debug shows {secret:?}: {shown}"
        );
    }
}

fn applicant() -> Applicant {
    Applicant {
        kind: "citizen".into(),
        name: NAME.into(),
        id_number: ID.into(),
        phone: PHONE.into(),
        email: EMAIL.into(),
        address: ADDRESS.into(),
    }
}

#[test]
fn the_dossier_row_hides_the_applicant_and_the_lookup_code() {
    let now = Utc::now();
    let row = dossier::Model {
        id: Uuid::from_u128(1),
        agency_id: Uuid::from_u128(2),
        code: "000.00.00.G01-261202-0001".into(),
        procedure_id: Uuid::from_u128(3),
        procedure_code: "1.000001".into(),
        procedure_name: "Thủ tục".into(),
        procedure_version_id: Uuid::from_u128(4),
        unit_id: Uuid::from_u128(5),
        handler_unit_id: Uuid::from_u128(5),
        handler_id: None,
        channel: "online".into(),
        return_channel: "postal".into(),
        return_address: Some(ADDRESS.into()),
        applicant_user_id: None,
        applicant_kind: "citizen".into(),
        applicant_name: NAME.into(),
        applicant_id_number: ID.into(),
        applicant_phone: PHONE.into(),
        applicant_email: EMAIL.into(),
        applicant_address: ADDRESS.into(),
        components: "[]".into(),
        state: 2,
        supplement_requests: 0,
        extended: false,
        approved: false,
        received_at: now,
        original_due_at: now,
        due_at: now,
        paused_at: None,
        paused_seconds: 0,
        finished_at: None,
        resolved_at: None,
        returned_at: None,
        outcome: None,
        working_seconds_used: None,
        lookup_code: LOOKUP.into(),
        idempotency_key: None,
        request_hash: None,
        postal_receipt_no: None,
        fees_vnd: 0,
        rating: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let shown = format!("{row:?}");
    assert_clean("dossier::Model", &shown);
    // What an operator needs to find the row is still there.
    assert!(shown.contains("000.00.00.G01-261202-0001"), "{shown}");
}

#[test]
fn the_account_row_hides_the_email_name_and_password_hash() {
    let now = Utc::now();
    let row = app_user::Model {
        id: Uuid::from_u128(7),
        agency_id: Uuid::from_u128(2),
        unit_id: Uuid::from_u128(5),
        email: EMAIL.into(),
        full_name: NAME.into(),
        role: "desk_officer".into(),
        password_hash: HASH.into(),
        active: true,
        failed_logins: 0,
        locked_until: None,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    let shown = format!("{row:?}");
    assert_clean("app_user::Model", &shown);
    assert!(shown.contains("desk_officer"), "{shown}");
}

#[test]
fn the_applicant_and_the_new_dossier_hide_personal_data() {
    assert_clean("Applicant", &format!("{:?}", applicant()));
    let now = Utc::now();
    let new = NewDossier {
        agency_id: Uuid::from_u128(2),
        organ_id: "000.00.00.G01".into(),
        procedure_id: Uuid::from_u128(3),
        procedure_code: "1.000001".into(),
        procedure_name: "Thủ tục".into(),
        procedure_version_id: Uuid::from_u128(4),
        unit_id: Uuid::from_u128(5),
        handler_unit_id: Uuid::from_u128(5),
        channel: "online".into(),
        return_channel: "postal".into(),
        return_address: Some(ADDRESS.into()),
        applicant_user_id: None,
        applicant: applicant(),
        components: vec![],
        state: motcua_domain::dossier::state::DossierState::Submitted,
        received_at: now,
        filed_at: now,
        due_at: now,
        lookup_code: LOOKUP.into(),
        idempotency: None,
        postal_receipt_no: None,
        fees_vnd: 0,
        event_data: serde_json::json!({}),
        note: String::new(),
        messages: |_| vec![],
    };
    assert_clean("NewDossier", &format!("{new:?}"));
}

#[test]
fn the_filing_request_hides_the_applicant_and_the_return_address() {
    let request: motcua_app::dossier::filing::FileRequest =
        serde_json::from_value(serde_json::json!({
            "procedure_code": "1.000001",
            "channel": "online",
            "applicant": {"kind": "citizen", "name": NAME, "id_number": ID, "phone": PHONE,
                          "email": EMAIL, "address": ADDRESS},
            "return_channel": "postal",
            "return_address": ADDRESS,
        }))
        .unwrap();
    let shown = format!("{request:?}");
    assert_clean("FileRequest", &shown);
    assert!(shown.contains("1.000001"), "{shown}");
}
