//! The public portal (seed P1–P4): news categories, articles (news and video) with their media,
//! media kept in 1 MiB chunks so a range request reads only the chunks it needs, and the site's
//! counters (visits; article views live on the article). No visitor's address is stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NewsCategory {
    Table,
    Id,
    AgencyId,
    Slug,
    Name,
    Position,
    Video,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Article {
    Table,
    Id,
    AgencyId,
    CategoryId,
    Slug,
    Title,
    Summary,
    Body,
    Byline,
    CoverId,
    CoverAlt,
    VideoId,
    PosterId,
    CaptionsId,
    Status,
    PublishAt,
    Views,
    Search,
    AuthorId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    AgencyId,
    Kind,
    ContentType,
    FileName,
    Size,
    Sha256,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MediaChunk {
    Table,
    MediaId,
    Seq,
    Bytes,
}

#[derive(DeriveIden)]
enum SiteCounter {
    Table,
    AgencyId,
    Name,
    Value,
}

fn at(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NewsCategory::Table)
                .col(
                    ColumnDef::new(NewsCategory::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(NewsCategory::AgencyId).uuid().not_null())
                .col(ColumnDef::new(NewsCategory::Slug).string_len(80).not_null())
                .col(
                    ColumnDef::new(NewsCategory::Name)
                        .string_len(200)
                        .not_null(),
                )
                .col(ColumnDef::new(NewsCategory::Position).integer().not_null())
                .col(ColumnDef::new(NewsCategory::Video).boolean().not_null())
                .col(at(NewsCategory::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_news_category_slug")
                .table(NewsCategory::Table)
                .col(NewsCategory::AgencyId)
                .col(NewsCategory::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Article::Table)
                .col(ColumnDef::new(Article::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Article::AgencyId).uuid().not_null())
                .col(ColumnDef::new(Article::CategoryId).uuid().not_null())
                .col(ColumnDef::new(Article::Slug).string_len(200).not_null())
                .col(ColumnDef::new(Article::Title).string_len(400).not_null())
                .col(ColumnDef::new(Article::Summary).text().not_null())
                .col(ColumnDef::new(Article::Body).text().not_null())
                .col(ColumnDef::new(Article::Byline).string_len(200).not_null())
                .col(ColumnDef::new(Article::CoverId).uuid().null())
                .col(ColumnDef::new(Article::CoverAlt).string_len(400).not_null())
                .col(ColumnDef::new(Article::VideoId).uuid().null())
                .col(ColumnDef::new(Article::PosterId).uuid().null())
                .col(ColumnDef::new(Article::CaptionsId).uuid().null())
                .col(ColumnDef::new(Article::Status).string_len(16).not_null())
                .col(
                    ColumnDef::new(Article::PublishAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(Article::Views).big_integer().not_null())
                .col(ColumnDef::new(Article::Search).text().not_null())
                .col(ColumnDef::new(Article::AuthorId).uuid().null())
                .col(at(Article::CreatedAt))
                .col(at(Article::UpdatedAt))
                .col(ColumnDef::new(Article::Version).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_article_slug")
                .table(Article::Table)
                .col(Article::AgencyId)
                .col(Article::Slug)
                .unique()
                .to_owned(),
        )
        .await?;
        // The public lists: an agency's published articles, newest first.
        m.create_index(
            Index::create()
                .name("ix_article_published")
                .table(Article::Table)
                .col(Article::AgencyId)
                .col(Article::Status)
                .col(Article::PublishAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Media::Table)
                .col(ColumnDef::new(Media::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Media::AgencyId).uuid().not_null())
                .col(ColumnDef::new(Media::Kind).string_len(16).not_null())
                .col(
                    ColumnDef::new(Media::ContentType)
                        .string_len(100)
                        .not_null(),
                )
                .col(ColumnDef::new(Media::FileName).string_len(255).not_null())
                .col(ColumnDef::new(Media::Size).big_integer().not_null())
                .col(ColumnDef::new(Media::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(Media::UploadedBy).uuid().null())
                .col(at(Media::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MediaChunk::Table)
                .col(ColumnDef::new(MediaChunk::MediaId).uuid().not_null())
                .col(ColumnDef::new(MediaChunk::Seq).integer().not_null())
                .col(ColumnDef::new(MediaChunk::Bytes).blob().not_null())
                .primary_key(
                    Index::create()
                        .col(MediaChunk::MediaId)
                        .col(MediaChunk::Seq),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SiteCounter::Table)
                .col(ColumnDef::new(SiteCounter::AgencyId).uuid().not_null())
                .col(ColumnDef::new(SiteCounter::Name).string_len(40).not_null())
                .col(ColumnDef::new(SiteCounter::Value).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(SiteCounter::AgencyId)
                        .col(SiteCounter::Name),
                )
                .to_owned(),
        )
        .await
    }
}
