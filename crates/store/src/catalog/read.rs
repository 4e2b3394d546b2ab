//! Reading the catalogue: a procedure with its versions, the latest and current version of each,
//! and the version a reader may see.

use super::*;

/// A procedure with its current and latest versions.
#[derive(Clone, Debug)]
pub struct Found {
    pub procedure: procedure::Model,
    pub current: procedure_version::Model,
    pub latest: procedure_version::Model,
}

pub async fn find(conn: &impl ConnectionTrait, code: &str) -> Result<Option<Found>> {
    let Some(p) = procedure::Entity::find()
        .filter(procedure::Column::Code.eq(code.trim()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let current = procedure_version::Entity::find_by_id(p.current_version_id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let latest = if p.latest_version_id == p.current_version_id {
        current.clone()
    } else {
        procedure_version::Entity::find_by_id(p.latest_version_id)
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?
    };
    Ok(Some(Found {
        procedure: p,
        current,
        latest,
    }))
}

/// The procedure row of a code (no version read).
pub async fn procedure_row(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<procedure::Model>> {
    Ok(procedure::Entity::find()
        .filter(procedure::Column::Code.eq(code.trim()))
        .one(conn)
        .await?)
}

/// One stored version, as the domain sees it.
pub async fn version_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<VersionInput>> {
    match procedure_version::Entity::find_by_id(id).one(conn).await? {
        Some(v) => Ok(Some(version_input(&v)?)),
        None => Ok(None),
    }
}

pub async fn versions(
    conn: &impl ConnectionTrait,
    procedure_id: Uuid,
) -> Result<Vec<procedure_version::Model>> {
    Ok(procedure_version::Entity::find()
        .filter(procedure_version::Column::ProcedureId.eq(procedure_id))
        .order_by_desc(procedure_version::Column::VersionNo)
        .all(conn)
        .await?)
}

/// The latest version of every procedure, by code (for export).
pub async fn all_latest(conn: &impl ConnectionTrait) -> Result<Vec<procedure_version::Model>> {
    versions_by(conn, |p| p.latest_version_id).await
}

/// One version of every procedure, by code, chosen by `pick`.
pub(super) async fn versions_by(
    conn: &impl ConnectionTrait,
    pick: fn(&procedure::Model) -> Uuid,
) -> Result<Vec<procedure_version::Model>> {
    let procs = procedure::Entity::find()
        .order_by_asc(procedure::Column::Code)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = procs.iter().map(pick).collect();
    let mut by_id: std::collections::HashMap<Uuid, procedure_version::Model> =
        std::collections::HashMap::new();
    // Bound the bind parameters of one statement (SQLite allows 32,766).
    for chunk in ids.chunks(5_000) {
        let found = procedure_version::Entity::find()
            .filter(procedure_version::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        by_id.extend(found.into_iter().map(|v| (v.id, v)));
    }
    Ok(procs
        .iter()
        .filter_map(|p| by_id.remove(&pick(p)))
        .collect())
}

/// The current version of every procedure, by code (the published one, else the latest).
pub async fn all_current(conn: &impl ConnectionTrait) -> Result<Vec<procedure_version::Model>> {
    versions_by(conn, |p| p.current_version_id).await
}

/// The version of `code` a reader may see: the public sees the published version of a published
/// procedure (nothing otherwise); editors see the latest version, draft or not. `None` when the
/// reader may see nothing.
pub async fn shown(
    conn: &impl ConnectionTrait,
    code: &str,
    editor: bool,
) -> Result<Option<(Found, VersionInput)>> {
    let Some(found) = find(conn, code).await? else {
        return Ok(None);
    };
    if !found.procedure.published && !editor {
        return Ok(None);
    }
    let v = version_input(if editor {
        &found.latest
    } else {
        &found.current
    })?;
    Ok(Some((found, v)))
}
