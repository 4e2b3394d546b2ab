//! Importing a whole catalogue in one transaction: every row checked and named, all or nothing.

use super::*;

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub total: usize,
    pub created: usize,
    pub new_versions: usize,
    pub updated_drafts: usize,
    pub unchanged: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A procedure names an agency that does not exist: (index in the input, OrganId).
    #[error("unknown agency")]
    UnknownAgency(Vec<(usize, String)>),
    /// A procedure's code already belongs to another agency: (index in the input, code).
    #[error("agency changed")]
    AgencyChanged(Vec<(usize, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Write every version in one transaction: all of them or none. `progress` is called with the
/// number handled so far.
///
/// Bulk path (measured in docs/PERFORMANCE.md): what exists is read once; versions identical to
/// the latest are skipped without a statement; new procedures, their first versions, their index
/// rows and their audit entries are inserted in chunks; only changed existing procedures go through
/// [`upsert_in`] one by one.
pub async fn import(
    db: &Db,
    ctx: &AuditCtx,
    inputs: &[VersionInput],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportReport, ImportError> {
    let agencies: std::collections::HashMap<String, agency::Model> =
        crate::org::agencies(db.conn())
            .await?
            .into_iter()
            .map(|a| (a.organ_id.clone(), a))
            .collect();
    let unknown: Vec<(usize, String)> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| !agencies.contains_key(i.data.agency.trim()))
        .map(|(n, i)| (n, i.data.agency.clone()))
        .collect();
    if !unknown.is_empty() {
        return Err(ImportError::UnknownAgency(unknown));
    }
    let mut report = ImportReport {
        total: inputs.len(),
        ..Default::default()
    };
    let txn = begin_catalog_write(db).await.map_err(ImportError::Store)?;
    let existing: std::collections::HashMap<String, procedure::Model> = procedure::Entity::find()
        .all(&txn)
        .await
        .map_err(StoreError::from)?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let moved: Vec<(usize, String)> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            existing
                .get(i.data.code.as_str())
                .is_some_and(|p| p.agency_organ != i.data.agency.trim())
        })
        .map(|(n, i)| (n, i.data.code.to_string()))
        .collect();
    if !moved.is_empty() {
        return Err(ImportError::AgencyChanged(moved));
    }
    let mut latest_hash: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
    let latest_ids: Vec<Uuid> = existing.values().map(|p| p.latest_version_id).collect();
    for chunk in latest_ids.chunks(5_000) {
        let found = procedure_version::Entity::find()
            .filter(procedure_version::Column::Id.is_in(chunk.iter().copied()))
            .all(&txn)
            .await
            .map_err(StoreError::from)?;
        latest_hash.extend(found.into_iter().map(|v| (v.id, v.content_hash)));
    }
    let now = Utc::now();
    let mut new_procedures = Vec::new();
    let mut new_versions = Vec::new();
    let mut changes: Vec<(Option<Uuid>, Change<'static>)> = Vec::new();
    for (n, original) in inputs.iter().enumerate() {
        let Some(agency) = agencies.get(original.data.agency.trim()) else {
            continue;
        };
        let mut input = original.clone();
        input.publication.published_at = input
            .publication
            .published_at
            .and_then(|t| t.with_nanosecond(0));
        let hash = content_hash(&input)?;
        match existing.get(input.data.code.as_str()) {
            Some(p) if latest_hash.get(&p.latest_version_id) == Some(&hash) => {
                report.unchanged += 1
            }
            Some(_) => {
                let ctx = AuditCtx {
                    agency_id: Some(agency.id),
                    ..ctx.clone()
                };
                match upsert_in(db, &txn, &ctx, agency, &input).await? {
                    Upserted::NewVersion(_) => report.new_versions += 1,
                    Upserted::UpdatedDraft(_) => report.updated_drafts += 1,
                    Upserted::Unchanged => report.unchanged += 1,
                    Upserted::Created => report.created += 1,
                }
            }
            None => {
                let procedure_id = Uuid::now_v7();
                let version_id = Uuid::now_v7();
                let data_json = serde_json::to_string(&input.data).map_err(|e| {
                    StoreError::Db(DbErr::Custom(format!("procedure serialisation: {e}")))
                })?;
                let p = &input.publication;
                let mut row = procedure::ActiveModel {
                    id: Set(procedure_id),
                    agency_id: Set(agency.id),
                    code: Set(input.data.code.as_str().to_owned()),
                    latest_version_id: Set(version_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                copy_current(&mut row, &input, version_id, &agency.organ_id);
                new_procedures.push(row);
                new_versions.push(procedure_version::ActiveModel {
                    id: Set(version_id),
                    procedure_id: Set(procedure_id),
                    agency_id: Set(agency.id),
                    version_no: Set(1),
                    status: Set(input.status.code().to_owned()),
                    data: Set(data_json),
                    content_hash: Set(hash.clone()),
                    decision_number: Set(p.decision_number.clone()),
                    decision_date: Set(p.decision_date),
                    decision_authority: Set(p.decision_authority.map(|a| a.code().to_owned())),
                    effective_date: Set(p.effective_date),
                    published_at: Set(p.published_at),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                changes.push((Some(agency.id), Change {
                    action: "procedure.create",
                    object_type: "procedure",
                    object_id: input.data.code.as_str().to_owned(),
                    before: json!(null),
                    after: json!({ "version": 1, "status": input.status.code(), "name": input.data.name, "hash": hash }),
                }));
                report.created += 1;
            }
        }
        if n % 500 == 499 {
            progress(n + 1);
        }
    }
    for chunk in new_procedures.chunks(200) {
        procedure::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(StoreError::from)?;
    }
    for chunk in new_versions.chunks(200) {
        procedure_version::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(StoreError::from)?;
    }
    audit::append_many(db, &txn, ctx, changes).await?;
    txn.commit().await.map_err(StoreError::from)?;
    progress(inputs.len());
    Ok(report)
}
