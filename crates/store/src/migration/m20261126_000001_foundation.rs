//! Organisation, accounts, sessions, API tokens and the audit chain.

use motcua_domain::audit::GENESIS_HASH;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
    OrganId,
    Name,
    ShortName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Unit {
    Table,
    Id,
    AgencyId,
    ParentId,
    Code,
    Name,
    Kind,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    AgencyId,
    UnitId,
    Email,
    FullName,
    Role,
    PasswordHash,
    Active,
    FailedLogins,
    LockedUntil,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserSession {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Seq,
    AtUs,
    AgencyId,
    ActorId,
    ActorRole,
    ActorUnit,
    Action,
    ObjectType,
    ObjectId,
    Summary,
    RequestId,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

fn created_updated(t: &mut TableCreateStatement, created: impl IntoIden, updated: impl IntoIden) {
    t.col(
        ColumnDef::new(created)
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(updated)
            .timestamp_with_time_zone()
            .not_null(),
    );
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut agency = Table::create();
        agency
            .table(Agency::Table)
            .col(ColumnDef::new(Agency::Id).uuid().not_null().primary_key())
            .col(
                ColumnDef::new(Agency::OrganId)
                    .string_len(13)
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Agency::Name).text().not_null())
            .col(ColumnDef::new(Agency::ShortName).text().not_null());
        created_updated(&mut agency, Agency::CreatedAt, Agency::UpdatedAt);
        m.create_table(agency).await?;

        let mut unit = Table::create();
        unit.table(Unit::Table)
            .col(ColumnDef::new(Unit::Id).uuid().not_null().primary_key())
            .col(ColumnDef::new(Unit::AgencyId).uuid().not_null())
            .col(ColumnDef::new(Unit::ParentId).uuid().null())
            .col(ColumnDef::new(Unit::Code).string_len(32).not_null())
            .col(ColumnDef::new(Unit::Name).text().not_null())
            .col(ColumnDef::new(Unit::Kind).string_len(32).not_null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_unit_agency")
                    .from(Unit::Table, Unit::AgencyId)
                    .to(Agency::Table, Agency::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_unit_parent")
                    .from(Unit::Table, Unit::ParentId)
                    .to(Unit::Table, Unit::Id),
            );
        created_updated(&mut unit, Unit::CreatedAt, Unit::UpdatedAt);
        m.create_table(unit).await?;
        m.create_index(
            Index::create()
                .name("ux_unit_agency_code")
                .table(Unit::Table)
                .col(Unit::AgencyId)
                .col(Unit::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        let mut user = Table::create();
        user.table(AppUser::Table)
            .col(ColumnDef::new(AppUser::Id).uuid().not_null().primary_key())
            .col(ColumnDef::new(AppUser::AgencyId).uuid().not_null())
            .col(ColumnDef::new(AppUser::UnitId).uuid().not_null())
            .col(
                ColumnDef::new(AppUser::Email)
                    .string_len(254)
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(AppUser::FullName).text().not_null())
            .col(ColumnDef::new(AppUser::Role).string_len(32).not_null())
            .col(ColumnDef::new(AppUser::PasswordHash).text().not_null())
            .col(
                ColumnDef::new(AppUser::Active)
                    .boolean()
                    .not_null()
                    .default(true),
            )
            .col(
                ColumnDef::new(AppUser::FailedLogins)
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(
                ColumnDef::new(AppUser::LockedUntil)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(AppUser::LastLoginAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_user_agency")
                    .from(AppUser::Table, AppUser::AgencyId)
                    .to(Agency::Table, Agency::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_user_unit")
                    .from(AppUser::Table, AppUser::UnitId)
                    .to(Unit::Table, Unit::Id),
            );
        created_updated(&mut user, AppUser::CreatedAt, AppUser::UpdatedAt);
        m.create_table(user).await?;
        m.create_index(
            Index::create()
                .name("ix_user_unit")
                .table(AppUser::Table)
                .col(AppUser::UnitId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserSession::Table)
                .col(
                    ColumnDef::new(UserSession::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(UserSession::UserId).uuid().not_null())
                .col(
                    ColumnDef::new(UserSession::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(UserSession::ExpiresAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_user")
                        .from(UserSession::Table, UserSession::UserId)
                        .to(AppUser::Table, AppUser::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_user")
                .table(UserSession::Table)
                .col(UserSession::UserId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_expires")
                .table(UserSession::Table)
                .col(UserSession::ExpiresAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiToken::Table)
                .col(ColumnDef::new(ApiToken::Id).uuid().not_null().primary_key())
                .col(
                    ColumnDef::new(ApiToken::TokenHash)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(ApiToken::UserId).uuid().not_null())
                .col(
                    ColumnDef::new(ApiToken::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ApiToken::ExpiresAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ApiToken::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_token_user")
                        .from(ApiToken::Table, ApiToken::UserId)
                        .to(AppUser::Table, AppUser::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEntry::Table)
                .col(
                    ColumnDef::new(AuditEntry::Seq)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(AuditEntry::AtUs).big_integer().not_null())
                .col(ColumnDef::new(AuditEntry::AgencyId).string_len(36).null())
                .col(ColumnDef::new(AuditEntry::ActorId).string_len(36).null())
                .col(
                    ColumnDef::new(AuditEntry::ActorRole)
                        .string_len(32)
                        .not_null(),
                )
                .col(ColumnDef::new(AuditEntry::ActorUnit).string_len(36).null())
                .col(ColumnDef::new(AuditEntry::Action).string_len(64).not_null())
                .col(
                    ColumnDef::new(AuditEntry::ObjectType)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditEntry::ObjectId)
                        .string_len(128)
                        .not_null(),
                )
                .col(ColumnDef::new(AuditEntry::Summary).text().not_null())
                .col(
                    ColumnDef::new(AuditEntry::RequestId)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditEntry::PrevHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(AuditEntry::Hash).string_len(64).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_actor_unit")
                .table(AuditEntry::Table)
                .col(AuditEntry::ActorUnit)
                .col(AuditEntry::Seq)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(
                    ColumnDef::new(AuditHead::Id)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(AuditHead::Seq).big_integer().not_null())
                .col(ColumnDef::new(AuditHead::Hash).string_len(64).not_null())
                .to_owned(),
        )
        .await?;
        let mut head = Query::insert();
        head.into_table(AuditHead::Table)
            .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
            .values([1.into(), 0i64.into(), GENESIS_HASH.into()])
            .map_err(|e| DbErr::Migration(e.to_string()))?;
        m.exec_stmt(head).await?;
        Ok(())
    }
}
