//! The last status seen of each target of a plan, so that a target turning at risk (or missed) is
//! reported to its responsible unit once (rule M1: the head of the unit answers for it).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TargetWatch {
    Table,
    PlanId,
    TargetId,
    Status,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TargetWatch::Table)
                .col(ColumnDef::new(TargetWatch::PlanId).uuid().not_null())
                .col(
                    ColumnDef::new(TargetWatch::TargetId)
                        .string_len(8)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TargetWatch::Status)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TargetWatch::ChangedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(TargetWatch::PlanId)
                        .col(TargetWatch::TargetId),
                )
                .to_owned(),
        )
        .await
    }
}
