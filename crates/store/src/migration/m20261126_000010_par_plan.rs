//! The yearly administrative-reform plan and its targets (the seed's T1.1–T7.7; rules M1–M3):
//! one plan per agency and year, each target with its threshold, what it measures, its source (a
//! formula over records or a register) and the unit answerable for it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ParPlan {
    Table,
    Id,
    AgencyId,
    Year,
    Title,
    DecisionNumber,
    DecisionDate,
    Direction,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ParTarget {
    Table,
    PlanId,
    TargetId,
    Position,
    Field,
    Text,
    Threshold,
    Measure,
    Source,
    ResponsibleUnitId,
    Weight,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ParPlan::Table)
                .col(ColumnDef::new(ParPlan::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(ParPlan::AgencyId).uuid().not_null())
                .col(ColumnDef::new(ParPlan::Year).integer().not_null())
                .col(ColumnDef::new(ParPlan::Title).text().not_null())
                .col(
                    ColumnDef::new(ParPlan::DecisionNumber)
                        .string_len(60)
                        .null(),
                )
                .col(ColumnDef::new(ParPlan::DecisionDate).date().null())
                .col(ColumnDef::new(ParPlan::Direction).text().not_null())
                .col(
                    ColumnDef::new(ParPlan::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ParPlan::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(ParPlan::Version).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_par_plan_year")
                .table(ParPlan::Table)
                .col(ParPlan::AgencyId)
                .col(ParPlan::Year)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ParTarget::Table)
                .col(ColumnDef::new(ParTarget::PlanId).uuid().not_null())
                .col(ColumnDef::new(ParTarget::TargetId).string_len(8).not_null())
                .col(ColumnDef::new(ParTarget::Position).integer().not_null())
                .col(ColumnDef::new(ParTarget::Field).string_len(16).not_null())
                .col(ColumnDef::new(ParTarget::Text).text().not_null())
                .col(ColumnDef::new(ParTarget::Threshold).double().not_null())
                .col(ColumnDef::new(ParTarget::Measure).string_len(8).not_null())
                .col(ColumnDef::new(ParTarget::Source).string_len(48).not_null())
                .col(ColumnDef::new(ParTarget::ResponsibleUnitId).uuid().null())
                .col(ColumnDef::new(ParTarget::Weight).double().not_null())
                .primary_key(
                    Index::create()
                        .col(ParTarget::PlanId)
                        .col(ParTarget::TargetId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ParTarget::Table, ParTarget::PlanId)
                        .to(ParPlan::Table, ParPlan::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }
}
