//! The installation's certification authorities and the signing credentials of people and agencies
//! (Decree 30/2020/NĐ-CP art. 3, 5: documents signed by the competent person and the organisation).
//! Private keys are stored only as encrypted PKCS#8 (`key_encrypted`); the passphrase is not in the
//! database.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PkiAuthority {
    Table,
    Id,
    Kind,
    ParentId,
    Subject,
    Certificate,
    KeyEncrypted,
    NotAfter,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SigningCredential {
    Table,
    Id,
    Holder,
    AccountId,
    OrganId,
    Label,
    Certificate,
    Chain,
    KeyEncrypted,
    Image,
    Source,
    NotBefore,
    NotAfter,
    RevokedAt,
    RevocationReason,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PkiAuthority::Table)
                .col(
                    ColumnDef::new(PkiAuthority::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(PkiAuthority::Kind).string_len(16).not_null())
                .col(ColumnDef::new(PkiAuthority::ParentId).uuid().null())
                .col(ColumnDef::new(PkiAuthority::Subject).text().not_null())
                .col(ColumnDef::new(PkiAuthority::Certificate).blob().not_null())
                .col(ColumnDef::new(PkiAuthority::KeyEncrypted).blob().null())
                .col(
                    ColumnDef::new(PkiAuthority::NotAfter)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PkiAuthority::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SigningCredential::Table)
                .col(
                    ColumnDef::new(SigningCredential::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(SigningCredential::Holder)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(SigningCredential::AccountId).uuid().null())
                .col(
                    ColumnDef::new(SigningCredential::OrganId)
                        .string_len(13)
                        .null(),
                )
                .col(ColumnDef::new(SigningCredential::Label).text().not_null())
                .col(
                    ColumnDef::new(SigningCredential::Certificate)
                        .blob()
                        .not_null(),
                )
                .col(ColumnDef::new(SigningCredential::Chain).blob().not_null())
                .col(
                    ColumnDef::new(SigningCredential::KeyEncrypted)
                        .blob()
                        .not_null(),
                )
                .col(ColumnDef::new(SigningCredential::Image).blob().null())
                .col(
                    ColumnDef::new(SigningCredential::Source)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SigningCredential::NotBefore)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SigningCredential::NotAfter)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SigningCredential::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(SigningCredential::RevocationReason)
                        .text()
                        .null(),
                )
                .col(
                    ColumnDef::new(SigningCredential::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_signing_credential_account")
                .table(SigningCredential::Table)
                .col(SigningCredential::AccountId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_signing_credential_organ")
                .table(SigningCredential::Table)
                .col(SigningCredential::OrganId)
                .to_owned(),
        )
        .await
    }
}
