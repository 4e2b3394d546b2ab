//! The catalogue's editing by its editors and administrators (Decree 63/2010/NĐ-CP art. 15: a
//! procedure is published under the announcing decision of the competent authority): a draft
//! created or changed with every bad field named, the latest draft published under its decision,
//! a procedure abolished, a whole catalogue file imported all or nothing, the latest versions
//! exported, a form or template file uploaded. Each write is audited.

use crate::{Actor, App, Error, Problem, Result};
use chrono::NaiveDate;
use motcua_domain::catalog::{DecisionAuthority, ProcedureData, Publication, VersionStatus};
use motcua_store::catalog::{self as store, VersionInput};
use serde_json::json;

pub use store::ImportReport;

/// The procedure normalised (NFC, trimmed) and checked; every problem names its field.
fn validated(mut data: ProcedureData) -> Result<ProcedureData> {
    data.normalise();
    let problems = data.validate();
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(Error::Invalid(
            problems
                .into_iter()
                .map(|p| Problem::new(p.field, p.message))
                .collect(),
        ))
    }
}

/// Writes `data` as a version with `status` and `publication` under its agency (audited).
async fn write(
    app: &App,
    actor: &Actor,
    data: ProcedureData,
    status: VersionStatus,
    publication: Publication,
) -> Result<()> {
    let Some(agency) = motcua_store::org::find_agency(app.db.conn(), &data.agency).await? else {
        return Err(Error::invalid(
            "agency",
            format!("không có cơ quan mã «{}»", data.agency),
        ));
    };
    let input = VersionInput {
        data,
        status,
        publication,
    };
    store::upsert(&app.db, &actor.audit_ctx(), &agency, &input).await?;
    Ok(())
}

/// Creates a procedure as a draft; one that exists already is refused (edit it instead).
/// Answers its code.
pub async fn create(app: &App, actor: &Actor, data: ProcedureData) -> Result<String> {
    let data = validated(data)?;
    if store::find(app.db.conn(), data.code.as_str())
        .await?
        .is_some()
    {
        return Err(Error::Refused(format!(
            "Thủ tục {} đã có; dùng PUT để sửa.",
            data.code
        )));
    }
    let code = data.code.to_string();
    write(
        app,
        actor,
        data,
        VersionStatus::Draft,
        Publication::default(),
    )
    .await?;
    Ok(code)
}

/// Edits procedure `code`: its latest draft is updated, or a new draft version is started. The
/// code in the content must be the one edited, the agency cannot change, and an abolished
/// procedure is refused.
pub async fn update(app: &App, actor: &Actor, code: &str, data: ProcedureData) -> Result<()> {
    let data = validated(data)?;
    if data.code.as_str() != code.trim() {
        return Err(Error::invalid(
            "code",
            "mã trong nội dung khác mã trong đường dẫn",
        ));
    }
    let found = store::find(app.db.conn(), code)
        .await?
        .ok_or(Error::NotFound)?;
    if found.procedure.agency_organ != data.agency {
        return Err(Error::invalid(
            "agency",
            format!(
                "thủ tục {} thuộc cơ quan {}; không chuyển được sang cơ quan khác",
                data.code, found.procedure.agency_organ
            ),
        ));
    }
    if found.procedure.status == VersionStatus::Abolished.code()
        && found.latest.status == VersionStatus::Abolished.code()
    {
        return Err(Error::Refused("Thủ tục đã bị bãi bỏ.".into()));
    }
    write(
        app,
        actor,
        data,
        VersionStatus::Draft,
        Publication::default(),
    )
    .await
}

/// The announcing decision a draft is published under.
#[derive(Clone, Debug)]
pub struct PublishIn {
    /// E.g. `1234/QĐ-BTTTT`.
    pub decision_number: String,
    pub decision_date: NaiveDate,
    /// `minister`, `deputy_minister` or `other`.
    pub decision_authority: String,
    /// When the version applies.
    pub effective_date: NaiveDate,
}

/// Publishes the latest draft of `code` under its announcing decision (the previous published
/// version is superseded; the publication time is now). Every bad field of the decision is a
/// problem (`Publication::problems`: the authority, the dates); no draft, or an abolished
/// procedure, is refused.
pub async fn publish(app: &App, actor: &Actor, code: &str, req: &PublishIn) -> Result<()> {
    let mut errors = Vec::new();
    let authority = DecisionAuthority::parse(&req.decision_authority);
    if authority.is_none() {
        errors.push(Problem::new(
            "decision_authority",
            "minister, deputy_minister hoặc other",
        ));
    }
    if req.decision_number.trim().is_empty() {
        errors.push(Problem::new(
            "decision_number",
            "số quyết định công bố bắt buộc",
        ));
    }
    let publication = Publication {
        decision_number: Some(req.decision_number.trim().to_owned()),
        decision_date: Some(req.decision_date),
        decision_authority: authority,
        effective_date: Some(req.effective_date),
        published_at: Some(chrono::Utc::now()),
    };
    errors.extend(
        publication
            .problems()
            .into_iter()
            .map(|(f, m)| Problem::new(f, m)),
    );
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    transition(app, actor, code, store::Transition::Publish(publication)).await
}

/// Abolishes procedure `code` under decision `number` of `date`: it leaves the public catalogue,
/// its history stays.
pub async fn abolish(
    app: &App,
    actor: &Actor,
    code: &str,
    number: &str,
    date: NaiveDate,
) -> Result<()> {
    let number = number.trim().to_owned();
    if number.is_empty()
        || number.chars().count() > motcua_domain::catalog::publication::MAX_DECISION_NUMBER
    {
        return Err(Error::invalid(
            "decision_number",
            "số quyết định bãi bỏ bắt buộc, tối đa 64 ký tự",
        ));
    }
    let t = store::Transition::Abolish {
        decision_number: number,
        decision_date: date,
    };
    transition(app, actor, code, t).await
}

/// Publishes or abolishes through the store's one-transaction move, its refusals said.
async fn transition(app: &App, actor: &Actor, code: &str, t: store::Transition) -> Result<()> {
    match store::transition(&app.db, &actor.audit_ctx(), code, t).await {
        Ok(()) => Ok(()),
        Err(store::TransitionError::NotFound) => Err(Error::NotFound),
        Err(store::TransitionError::NoDraft) => {
            Err(Error::Refused("Không có bản dự thảo để công bố.".into()))
        }
        Err(store::TransitionError::AlreadyAbolished) => {
            Err(Error::Refused("Thủ tục đã bị bãi bỏ.".into()))
        }
        Err(store::TransitionError::Store(e)) => Err(e.into()),
    }
}

/// Imports a whole catalogue (read from its file by `motcua_render::catalog_sheet`): all or
/// nothing, an unknown agency or a procedure moved to another agency refused with every row
/// named (`Error::Rejected`).
pub async fn import(app: &App, actor: &Actor, inputs: &[VersionInput]) -> Result<ImportReport> {
    match store::import(&app.db, &actor.audit_ctx(), inputs, &|_| {}).await {
        Ok(report) => Ok(report),
        Err(store::ImportError::UnknownAgency(list)) => Err(Error::Rejected(json!(list
            .into_iter()
            .map(|(i, organ)| json!({"row": i + 1, "column": "agency", "message": format!("không có cơ quan mã «{organ}»")}))
            .collect::<Vec<_>>()))),
        Err(store::ImportError::AgencyChanged(list)) => Err(Error::Rejected(json!(list
            .into_iter()
            .map(|(i, code)| json!({"row": i + 1, "column": "agency", "message": format!("thủ tục {code} đã thuộc cơ quan khác")}))
            .collect::<Vec<_>>()))),
        Err(store::ImportError::Store(e)) => Err(e.into()),
    }
}

/// The latest version of every procedure, read (the export; importing it back changes nothing).
pub async fn latest_versions(app: &App) -> Result<Vec<VersionInput>> {
    let rows = store::all_latest(app.db.conn()).await?;
    Ok(rows
        .iter()
        .map(store::version_input)
        .collect::<Result<Vec<_>, _>>()?)
}

/// Stores a form or component template of the actor's agency (PDF, DOCX, XLSX, ODT, ODS, DOC or
/// XLS whose bytes agree with the name's extension), audited; public once a published version
/// links it.
pub async fn upload_form_file(
    app: &App,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
) -> Result<motcua_store::portal::Media> {
    use motcua_domain::catalog::form_file::FormFileType;
    let name = motcua_domain::dossier::upload::kept_name(name);
    if bytes.is_empty() {
        return Err(Error::invalid("file", "tệp rỗng"));
    }
    let Some(kind) = FormFileType::of(&name, &bytes[..bytes.len().min(16)]) else {
        return Err(Error::invalid(
            "file",
            "biểu mẫu phải là tệp PDF, DOCX, XLSX, ODT, ODS, DOC hoặc XLS có nội dung đúng với đuôi tên tệp",
        ));
    };
    Ok(motcua_store::portal::store_media(
        &app.db,
        &actor.audit_ctx(),
        actor.agency_id,
        "form",
        kind.content_type(),
        &name,
        bytes,
    )
    .await?)
}
