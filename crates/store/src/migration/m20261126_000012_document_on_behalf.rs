//! The head's title an official document is signed for (Decree 30/2020/NĐ-CP art. 13 and Annex I
//! §II.7: with KT., TM., TL. or TUQ. the first line names the position or collective signed for,
//! e.g. "KT. BỘ TRƯỞNG", the second the signer's own position, "THỨ TRƯỞNG").

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OfficialDocument {
    Table,
    OnBehalfOf,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(OfficialDocument::Table)
                .add_column(ColumnDef::new(OfficialDocument::OnBehalfOf).text().null())
                .to_owned(),
        )
        .await
    }
}
