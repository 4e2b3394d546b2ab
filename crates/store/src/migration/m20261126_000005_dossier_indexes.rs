//! Leaner dossier indexes (issue 6, measured on a generated history of 1,000,000 dossiers):
//! - `ix_dossier_event_at (agency_id, at)` is dropped: no query reads events by time (statistics
//!   come from `dossier_stat`, periods from the dossier's own instants); it was 10% of the database;
//! - the dossier code is unique on its own (`ux_dossier_code`): a code starts with the agency's
//!   organ id (`{OrganId}-{yymmdd}-{seq}`), so it is unique across agencies, and the one index serves
//!   both the uniqueness and the look-up by code that `ix_dossier_code` and
//!   `ux_dossier_agency_code` served separately.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("CREATE UNIQUE INDEX ux_dossier_code ON dossier (code)")
            .await?;
        c.execute_unprepared("DROP INDEX ux_dossier_agency_code")
            .await?;
        c.execute_unprepared("DROP INDEX ix_dossier_code").await?;
        c.execute_unprepared("DROP INDEX ix_dossier_event_at")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("CREATE INDEX ix_dossier_event_at ON dossier_event (agency_id, at)")
            .await?;
        c.execute_unprepared("CREATE INDEX ix_dossier_code ON dossier (code)")
            .await?;
        c.execute_unprepared(
            "CREATE UNIQUE INDEX ux_dossier_agency_code ON dossier (agency_id, code)",
        )
        .await?;
        c.execute_unprepared("DROP INDEX ux_dossier_code").await?;
        Ok(())
    }
}
