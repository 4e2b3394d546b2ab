//! What happened to a dossier: append-only, one row per action, numbered per dossier. Events carry
//! no personal data of the applicant; the control slip (form 05) is built from them.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub dossier_id: Uuid,
    pub seq: i32,
    /// `file` for the filing, otherwise an action code (`motcua_domain::dossier::state::Action`).
    pub action: String,
    pub from_state: Option<i16>,
    pub to_state: i16,
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub actor_unit: Option<Uuid>,
    pub at: DateTimeUtc,
    pub note: String,
    /// JSON object: the action's own fields (reason, new date, unit, tracking number, attachments…).
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
