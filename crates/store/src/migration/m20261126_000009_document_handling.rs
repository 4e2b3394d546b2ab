//! Handling of official documents (Decree 30/2020/NĐ-CP):
//! - incoming documents after registration (art. 24): presented to the leader, assigned by the
//!   leader to a unit with a due date, tracked to completion; each step is reported to the sender
//!   as an edXML status (04 assigned, 05 in progress, 06 completed; QCVN 102:2016);
//! - the drafted content of an outgoing document, rendered to the Annex I layout when issued;
//! - the state of the digital signatures a document carries (`valid`, `untrusted`, `none`), which
//!   target T7.2 of the 2021 plan counts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OfficialDocument {
    Table,
    AgencyId,
    HandlingStatus,
    LeaderId,
    HandlingUnitId,
    DueDate,
    HandlingNote,
    CompletedAt,
    SignatureState,
    Content,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            ColumnDef::new(OfficialDocument::HandlingStatus)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::LeaderId)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::HandlingUnitId)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::DueDate)
                .date()
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::HandlingNote)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::CompletedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::SignatureState)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(OfficialDocument::Content)
                .text()
                .null()
                .to_owned(),
        ];
        for mut col in columns {
            m.alter_table(
                Table::alter()
                    .table(OfficialDocument::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        // A unit's incoming work list.
        m.create_index(
            Index::create()
                .name("ix_official_document_handling_unit")
                .table(OfficialDocument::Table)
                .col(OfficialDocument::AgencyId)
                .col(OfficialDocument::HandlingUnitId)
                .to_owned(),
        )
        .await
    }
}
