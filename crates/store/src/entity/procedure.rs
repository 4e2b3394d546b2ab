//! A procedure, with the columns of its current version (the published one, else the latest)
//! copied for browsing and search.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub code: String,
    pub agency_organ: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub online_class: String,
    pub legacy_level: i16,
    pub postal_receipt: bool,
    pub postal_return: bool,
    pub processing_value: f64,
    pub processing_unit: String,
    pub published: bool,
    pub status: String,
    pub search_text: String,
    pub current_version_id: Uuid,
    pub latest_version_id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
