//! One procedure in a review plan, with what was found and done.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub procedure_code: String,
    pub reviewed: bool,
    /// `no_issue`, `open`, `proposed` or `handled` (`motcua_domain::catalog::review::FindingStatus`).
    pub status: String,
    pub finding: String,
    pub proposal: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
