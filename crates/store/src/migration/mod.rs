//! Migrations, written once in Rust and run on SQLite and PostgreSQL.
//!
//! Rules (see migrations in docs/ARCHITECTURE.md): never edit a migration once released; each one is
//! backward-compatible with the code running before it (expand, then contract); each runs inside a
//! transaction on both backends, so a crash leaves it applied or not at all.

use sea_orm_migration::prelude::*;

mod m20261126_000001_foundation;
mod m20261126_000002_calendar_day;
mod m20261126_000003_catalog;
pub mod m20261126_000004_dossier;
mod m20261126_000005_dossier_indexes;
mod m20261126_000006_pki;
mod m20261126_000007_official_document;
mod m20261126_000008_exchange;
mod m20261126_000009_document_handling;
mod m20261126_000010_par_plan;
mod m20261126_000011_register_item;
mod m20261126_000012_document_on_behalf;
mod m20261126_000013_target_watch;
mod m20261126_000014_portal;
mod m20261126_000015_dossier_resolved_index;
mod m20261127_000016_catalog_generation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261126_000002_calendar_day::Migration),
            Box::new(m20261126_000003_catalog::Migration),
            Box::new(m20261126_000004_dossier::Migration),
            Box::new(m20261126_000005_dossier_indexes::Migration),
            Box::new(m20261126_000006_pki::Migration),
            Box::new(m20261126_000007_official_document::Migration),
            Box::new(m20261126_000008_exchange::Migration),
            Box::new(m20261126_000009_document_handling::Migration),
            Box::new(m20261126_000010_par_plan::Migration),
            Box::new(m20261126_000011_register_item::Migration),
            Box::new(m20261126_000012_document_on_behalf::Migration),
            Box::new(m20261126_000013_target_watch::Migration),
            Box::new(m20261126_000014_portal::Migration),
            Box::new(m20261126_000015_dossier_resolved_index::Migration),
            Box::new(m20261127_000016_catalog_generation::Migration),
        ]
    }
}

/// Apply every pending migration; returns how many were applied.
pub async fn apply_pending(db: &crate::Db) -> crate::error::Result<usize> {
    let pending = Migrator::get_pending_migrations(db.conn()).await?.len();
    Migrator::up(db.conn(), None).await?;
    Ok(pending)
}

/// `(applied, pending)` migrations, read without writing anything (`status` installs the
/// migration table when it is missing): `None` when the database has no motcua schema at all.
pub async fn inspect(db: &crate::Db) -> crate::error::Result<Option<(usize, usize)>> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.conn().get_database_backend();
    let exists = match db.backend() {
        crate::Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
        }
        crate::Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'seaql_migrations'"
        }
    };
    let n: i64 = match db
        .conn()
        .query_one_raw(Statement::from_string(backend, exists))
        .await?
    {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    if n == 0 {
        return Ok(None);
    }
    let applied: Vec<String> = db
        .conn()
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations",
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let pending = known.iter().filter(|k| !applied.contains(k)).count();
    Ok(Some((applied.len(), pending)))
}

/// (applied, pending) migrations.
pub async fn status(db: &crate::Db) -> crate::error::Result<(usize, usize)> {
    let applied = Migrator::get_applied_migrations(db.conn()).await?.len();
    let pending = Migrator::get_pending_migrations(db.conn()).await?.len();
    Ok((applied, pending))
}
