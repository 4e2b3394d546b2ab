//! One link of the audit hash chain (see `motcua_domain::audit`). `summary` is kept as TEXT, not
//! JSON, so that the stored bytes are exactly the hashed bytes on both backends.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at_us: i64,
    pub agency_id: Option<String>,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub actor_unit: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub summary: String,
    pub request_id: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
