//! Admin corrections of the working calendar: a day made a day off or a working day, with its
//! reason and source (the Government's notice). They override the bundled schedules and the law.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarDay {
    Table,
    Day,
    Kind,
    Name,
    Source,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarDay::Table)
                .col(
                    ColumnDef::new(CalendarDay::Day)
                        .date()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(CalendarDay::Kind).string_len(8).not_null())
                .col(ColumnDef::new(CalendarDay::Name).text().not_null())
                .col(ColumnDef::new(CalendarDay::Source).text().not_null())
                .col(ColumnDef::new(CalendarDay::UpdatedBy).uuid().null())
                .col(
                    ColumnDef::new(CalendarDay::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(CalendarDay::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }
}
