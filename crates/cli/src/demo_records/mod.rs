//! The demo's records: a few dozen dossiers of autumn 2026 in every state, official documents
//! with their signatures and handling, the reform plans with register items, and the portal's
//! news, each made through the same use cases the API and the pages call (so they carry real
//! events, forms, counters and audit entries), with the dossier clock moved to the days they
//! happened. Each part is loaded once, when the demo organisation has none yet.

mod documents;
mod dossiers;
mod news;
mod plans;

pub use documents::load_documents;
pub use dossiers::load_dossiers;
pub use news::load_news;
pub use plans::load_plans;

use chrono::{NaiveDate, NaiveTime};
use motcua_app::account::Account;
use motcua_app::dossier::action::{ActionError, ActionRequest};
use motcua_app::dossier::{self as svc};
use motcua_app::{Actor, App};
use motcua_domain::account::Role;
use motcua_domain::time::from_local;
use motcua_store::AuditCtx;
use motcua_store::entity::dossier;

/// A demo account acting from inside motcua (not through a request): its row, and the actor and
/// audit context it is, with the request id `-` of work outside a request (what the HTTP layer's
/// operation id reads outside a request).
pub(crate) struct Staff {
    pub user: Account,
    role: Role,
}

impl Staff {
    fn new(user: Account) -> anyhow::Result<Self> {
        let role = Role::parse(&user.role).map_err(|_| anyhow::anyhow!("demo account role"))?;
        Ok(Self { user, role })
    }

    pub fn actor(&self) -> Actor {
        Actor {
            account_id: self.user.id,
            agency_id: self.user.agency_id,
            unit_id: self.user.unit_id,
            role: self.role,
            request_id: "-".into(),
        }
    }

    pub fn audit_ctx(&self, request_id: String) -> AuditCtx {
        AuditCtx {
            request_id,
            ..self.actor().audit_ctx()
        }
    }
}

/// A small whole PDF standing in for scanned documents and results (whole, so results can be
/// signed).
pub(crate) fn demo_pdf() -> Vec<u8> {
    motcua_sign::pdf::simple_document(&["Van ban mau - du lieu trinh dien cua motcua"])
}

pub(crate) const APPLICANTS: [(&str, &str, &str, &str); 6] = [
    ("citizen", "Nguyễn Thị Lan", "001190004521", "0912000451"),
    (
        "business",
        "Công ty TNHH Viễn thông Hồng Hà",
        "0101234567",
        "0243826451",
    ),
    ("citizen", "Trần Văn Hùng", "036089007812", "0983000781"),
    (
        "business",
        "Công ty Cổ phần Bưu chính Sao Việt",
        "0108765432",
        "0283822990",
    ),
    ("citizen", "Lê Thị Mai Anh", "079195003366", "0905000336"),
    (
        "business",
        "Hợp tác xã Dịch vụ Thông tin Bình Minh",
        "4601122334",
        "0208385112",
    ),
];

pub(crate) async fn caller(state: &App, email: &str) -> anyhow::Result<Staff> {
    let email = motcua_domain::account::Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = motcua_store::account::find_by_email(state.db.conn(), &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    Staff::new(user)
}

pub(crate) fn at(day: NaiveDate, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    from_local(day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()))
}

pub(crate) async fn upload(state: &App, who: &Staff, name: &str) -> anyhow::Result<uuid::Uuid> {
    let m = svc::save_upload(state, &who.actor(), name.to_owned(), demo_pdf())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(m.id)
}

pub(crate) async fn step(
    state: &App,
    who: &Staff,
    d: &dossier::Model,
    req: ActionRequest,
) -> anyhow::Result<dossier::Model> {
    let fresh = motcua_store::dossier::by_code(state.db.conn(), &d.code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("dossier vanished"))?;
    match svc::action::act(state, &who.actor(), &fresh, fresh.version, req).await {
        Ok(d) => Ok(d),
        Err(ActionError::Failed(e)) => Err(anyhow::anyhow!("{e:?}")),
        Err(ActionError::NotAllowed { message, .. }) => Err(anyhow::anyhow!(message)),
    }
}

pub(crate) fn action(name: &str) -> ActionRequest {
    ActionRequest {
        action: name.to_owned(),
        ..ActionRequest::default()
    }
}
