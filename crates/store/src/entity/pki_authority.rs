//! A certification authority of the installation's development PKI (root or issuing CA).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pki_authority")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `root` or `issuing`.
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub subject: String,
    /// DER.
    pub certificate: Vec<u8>,
    /// Encrypted PKCS#8 (DER); none for a root trusted without its key.
    pub key_encrypted: Option<Vec<u8>>,
    pub not_after: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
