//! The registers behind the targets measured on other work than dossiers and documents (T1.1, T2,
//! T4.1, T5, T6 of the plan): each item with its responsible unit, due date, status, amounts where
//! money is measured, the evidence files and who confirmed it (rules M1–M3; the ministry-level PAR
//! index asks for an evidence document per criterion, Decision 876/QĐ-BNV).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegisterItem {
    Table,
    Id,
    AgencyId,
    Year,
    Register,
    Title,
    ResponsibleUnitId,
    DueDate,
    Status,
    PlannedAmount,
    ActualAmount,
    Evidence,
    ConfirmedBy,
    ConfirmedAt,
    Note,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegisterItem::Table)
                .col(
                    ColumnDef::new(RegisterItem::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(RegisterItem::AgencyId).uuid().not_null())
                .col(ColumnDef::new(RegisterItem::Year).integer().not_null())
                .col(
                    ColumnDef::new(RegisterItem::Register)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(RegisterItem::Title).text().not_null())
                .col(
                    ColumnDef::new(RegisterItem::ResponsibleUnitId)
                        .uuid()
                        .null(),
                )
                .col(ColumnDef::new(RegisterItem::DueDate).date().null())
                .col(
                    ColumnDef::new(RegisterItem::Status)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegisterItem::PlannedAmount)
                        .double()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegisterItem::ActualAmount)
                        .double()
                        .not_null(),
                )
                .col(ColumnDef::new(RegisterItem::Evidence).text().not_null())
                .col(ColumnDef::new(RegisterItem::ConfirmedBy).uuid().null())
                .col(
                    ColumnDef::new(RegisterItem::ConfirmedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(RegisterItem::Note).text().not_null())
                .col(
                    ColumnDef::new(RegisterItem::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegisterItem::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegisterItem::Version)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_register_item_year")
                .table(RegisterItem::Table)
                .col(RegisterItem::AgencyId)
                .col(RegisterItem::Year)
                .col(RegisterItem::Register)
                .to_owned(),
        )
        .await
    }
}
