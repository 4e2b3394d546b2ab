//! An article of the portal: news or video, draft or published (scheduled while `publish_at` is
//! in the future).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub category_id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Markdown, rendered and sanitised when shown.
    pub body: String,
    pub byline: String,
    pub cover_id: Option<Uuid>,
    pub cover_alt: String,
    pub video_id: Option<Uuid>,
    pub poster_id: Option<Uuid>,
    /// The video's captions (WebVTT), required with a video (WCAG 2.2 SC 1.2.2).
    pub captions_id: Option<Uuid>,
    /// `draft` or `published`.
    pub status: String,
    pub publish_at: Option<DateTimeUtc>,
    pub views: i64,
    /// Title, summary and body folded for search (no diacritics, lower case).
    pub search: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
