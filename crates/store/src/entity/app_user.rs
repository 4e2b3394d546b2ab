//! An account. `email` is stored lower-cased; `password_hash` is an argon2id PHC string.
use sea_orm::entity::prelude::*;

/// `Debug` shows ids, role and state: never the e-mail, the name or the password hash.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    pub unit_id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("app_user::Model")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("unit_id", &self.unit_id)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}
