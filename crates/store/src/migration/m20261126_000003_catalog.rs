//! The procedure catalogue: procedures, their versions, the search index (FTS5 on SQLite, a GIN
//! tsvector index and, where the role may create it, pg_trgm on PostgreSQL), review plans.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedure {
    Table,
    Id,
    AgencyId,
    Code,
    AgencyOrgan,
    Name,
    Field,
    Level,
    OnlineClass,
    LegacyLevel,
    PostalReceipt,
    PostalReturn,
    ProcessingValue,
    ProcessingUnit,
    Published,
    Status,
    SearchText,
    CurrentVersionId,
    LatestVersionId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcedureVersion {
    Table,
    Id,
    ProcedureId,
    AgencyId,
    VersionNo,
    Status,
    Data,
    ContentHash,
    DecisionNumber,
    DecisionDate,
    DecisionAuthority,
    EffectiveDate,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewPlan {
    Table,
    Id,
    AgencyId,
    Year,
    Name,
    DecisionNumber,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewItem {
    Table,
    Id,
    PlanId,
    ProcedureCode,
    Reviewed,
    Status,
    Finding,
    Proposal,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Procedure::Table)
                .col(
                    ColumnDef::new(Procedure::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Procedure::AgencyId).uuid().not_null())
                .col(ColumnDef::new(Procedure::Code).string_len(16).not_null())
                .col(
                    ColumnDef::new(Procedure::AgencyOrgan)
                        .string_len(13)
                        .not_null(),
                )
                .col(ColumnDef::new(Procedure::Name).text().not_null())
                .col(ColumnDef::new(Procedure::Field).string_len(32).not_null())
                .col(ColumnDef::new(Procedure::Level).string_len(16).not_null())
                .col(
                    ColumnDef::new(Procedure::OnlineClass)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Procedure::LegacyLevel)
                        .small_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Procedure::PostalReceipt)
                        .boolean()
                        .not_null(),
                )
                .col(ColumnDef::new(Procedure::PostalReturn).boolean().not_null())
                .col(
                    ColumnDef::new(Procedure::ProcessingValue)
                        .double()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Procedure::ProcessingUnit)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(Procedure::Published).boolean().not_null())
                .col(ColumnDef::new(Procedure::Status).string_len(16).not_null())
                .col(ColumnDef::new(Procedure::SearchText).text().not_null())
                .col(
                    ColumnDef::new(Procedure::CurrentVersionId)
                        .uuid()
                        .not_null(),
                )
                .col(ColumnDef::new(Procedure::LatestVersionId).uuid().not_null())
                .col(
                    ColumnDef::new(Procedure::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Procedure::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_procedure_agency")
                        .from(Procedure::Table, Procedure::AgencyId)
                        .to(Agency::Table, Agency::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_procedure_agency_code")
                .table(Procedure::Table)
                .col(Procedure::AgencyId)
                .col(Procedure::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_procedure_list")
                .table(Procedure::Table)
                .col(Procedure::Published)
                .col(Procedure::Code)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_procedure_browse")
                .table(Procedure::Table)
                .col(Procedure::Published)
                .col(Procedure::Field)
                .col(Procedure::Code)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProcedureVersion::Table)
                .col(
                    ColumnDef::new(ProcedureVersion::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::ProcedureId)
                        .uuid()
                        .not_null(),
                )
                .col(ColumnDef::new(ProcedureVersion::AgencyId).uuid().not_null())
                .col(
                    ColumnDef::new(ProcedureVersion::VersionNo)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::Status)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(ProcedureVersion::Data).text().not_null())
                .col(
                    ColumnDef::new(ProcedureVersion::ContentHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::DecisionNumber)
                        .string_len(64)
                        .null(),
                )
                .col(ColumnDef::new(ProcedureVersion::DecisionDate).date().null())
                .col(
                    ColumnDef::new(ProcedureVersion::DecisionAuthority)
                        .string_len(32)
                        .null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::EffectiveDate)
                        .date()
                        .null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::PublishedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProcedureVersion::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_version_procedure")
                        .from(ProcedureVersion::Table, ProcedureVersion::ProcedureId)
                        .to(Procedure::Table, Procedure::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_version_procedure_no")
                .table(ProcedureVersion::Table)
                .col(ProcedureVersion::ProcedureId)
                .col(ProcedureVersion::VersionNo)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReviewPlan::Table)
                .col(
                    ColumnDef::new(ReviewPlan::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReviewPlan::AgencyId).uuid().not_null())
                .col(ColumnDef::new(ReviewPlan::Year).integer().not_null())
                .col(ColumnDef::new(ReviewPlan::Name).text().not_null())
                .col(
                    ColumnDef::new(ReviewPlan::DecisionNumber)
                        .string_len(64)
                        .null(),
                )
                .col(
                    ColumnDef::new(ReviewPlan::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewPlan::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReviewItem::Table)
                .col(
                    ColumnDef::new(ReviewItem::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReviewItem::PlanId).uuid().not_null())
                .col(
                    ColumnDef::new(ReviewItem::ProcedureCode)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(ReviewItem::Reviewed).boolean().not_null())
                .col(ColumnDef::new(ReviewItem::Status).string_len(16).not_null())
                .col(ColumnDef::new(ReviewItem::Finding).text().not_null())
                .col(ColumnDef::new(ReviewItem::Proposal).text().not_null())
                .col(
                    ColumnDef::new(ReviewItem::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_review_item_plan")
                        .from(ReviewItem::Table, ReviewItem::PlanId)
                        .to(ReviewPlan::Table, ReviewPlan::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_review_item_plan_code")
                .table(ReviewItem::Table)
                .col(ReviewItem::PlanId)
                .col(ReviewItem::ProcedureCode)
                .unique()
                .to_owned(),
        )
        .await?;

        let conn = m.get_connection();
        match conn.get_database_backend() {
            DbBackend::Sqlite => {
                // Words are folded by motcua before indexing, so the default tokenizer suffices.
                // Prefix indexes for 2- and 3-letter prefixes: "cap gi…" stays fast on broad matches.
                conn.execute_unprepared(
                    "CREATE VIRTUAL TABLE procedure_fts USING fts5(search_text, procedure_id UNINDEXED, prefix='2 3')",
                )
                .await?;
            }
            DbBackend::Postgres => {
                // A stored tsvector: ranking reads it instead of re-parsing every matching row.
                conn.execute_unprepared(
                    "ALTER TABLE procedure ADD COLUMN search_tsv tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE INDEX ix_procedure_tsv ON procedure USING GIN (search_tsv)",
                )
                .await?;
                // pg_trgm gives typo tolerance; creating an extension needs a superuser, so it is
                // created only when the migrating role is one (operators may create it beforehand).
                conn.execute_unprepared(
                    "DO $$ BEGIN
                       IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
                         CREATE EXTENSION IF NOT EXISTS pg_trgm;
                       END IF;
                       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                         CREATE INDEX ix_procedure_trgm ON procedure USING GIN (search_text gin_trgm_ops);
                       END IF;
                     END $$",
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}
