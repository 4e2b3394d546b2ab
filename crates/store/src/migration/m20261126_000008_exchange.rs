//! Exchange of documents between agencies (QCVN 102:2016; Decree 30/2020/NĐ-CP art. 16, 20–23):
//! the partners an installation exchanges with, and on each document its exchange id (edXML
//! DocumentId, for de-duplication), its sender, its last exchange status (01–06, 13–15, or `queued`)
//! and the partner's description with it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ExchangePartner {
    Table,
    OrganId,
    Name,
    InboxUrl,
    Token,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OfficialDocument {
    Table,
    AgencyId,
    Direction,
    ExternalId,
    SenderOrganId,
    ExchangeStatus,
    ExchangeNote,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExchangePartner::Table)
                .col(
                    ColumnDef::new(ExchangePartner::OrganId)
                        .string_len(13)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ExchangePartner::Name).text().not_null())
                .col(ColumnDef::new(ExchangePartner::InboxUrl).text().not_null())
                .col(ColumnDef::new(ExchangePartner::Token).text().not_null())
                .col(
                    ColumnDef::new(ExchangePartner::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        for col in [
            OfficialDocument::ExternalId,
            OfficialDocument::SenderOrganId,
            OfficialDocument::ExchangeStatus,
        ] {
            m.alter_table(
                Table::alter()
                    .table(OfficialDocument::Table)
                    .add_column(ColumnDef::new(col).string_len(120).null())
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(OfficialDocument::Table)
                .add_column(ColumnDef::new(OfficialDocument::ExchangeNote).text().null())
                .to_owned(),
        )
        .await?;
        // A DocumentId is registered once per agency and direction.
        m.create_index(
            Index::create()
                .name("ux_official_document_external")
                .table(OfficialDocument::Table)
                .col(OfficialDocument::AgencyId)
                .col(OfficialDocument::Direction)
                .col(OfficialDocument::ExternalId)
                .unique()
                .to_owned(),
        )
        .await
    }
}
