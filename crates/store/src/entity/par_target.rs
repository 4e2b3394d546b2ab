//! A target of a yearly plan (chỉ tiêu), e.g. `T3.4`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "par_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_id: String,
    pub position: i32,
    /// A `motcua_domain::plan::Field` code.
    pub field: String,
    pub text: String,
    /// At least this: a share 0–1 or a count.
    pub threshold: f64,
    /// `share` or `count`.
    pub measure: String,
    /// `formula:<id>` or `register:<id>`.
    pub source: String,
    pub responsible_unit_id: Option<Uuid>,
    /// The target's weight in a unit's ranking (M3).
    pub weight: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
