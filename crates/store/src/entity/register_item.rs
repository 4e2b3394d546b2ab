//! An item of a plan register (a task, an inspection, an appointment, a building…).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "register_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub year: i32,
    /// A `motcua_domain::plan::REGISTERS` id (`t1_1` …).
    pub register: String,
    pub title: String,
    pub responsible_unit_id: Option<Uuid>,
    pub due_date: Option<Date>,
    /// One of the register kind's statuses.
    pub status: String,
    /// Money planned and disbursed (VND), for the investment register; 0 elsewhere.
    pub planned_amount: f64,
    pub actual_amount: f64,
    /// The evidence files: a JSON array of upload ids.
    pub evidence: String,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
