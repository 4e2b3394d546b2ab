//! An agency this installation exchanges documents with, and how to reach its inbox.
use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exchange_partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organ_id: String,
    pub name: String,
    /// `https://…/api/v1/edxml/inbox` of the partner's installation.
    pub inbox_url: String,
    /// The shared secret both sides present as a bearer token.
    pub token: String,
    pub created_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangePartner")
            .field("organ_id", &self.organ_id)
            .field("inbox_url", &self.inbox_url)
            .field("token", &"<redacted>")
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
