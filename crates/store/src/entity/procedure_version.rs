//! One version of a procedure: its data as JSON and its announcement.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub agency_id: Uuid,
    pub version_no: i32,
    pub status: String,
    pub data: String,
    pub content_hash: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub decision_authority: Option<String>,
    pub effective_date: Option<Date>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
