//! A person's or an agency's signing certificate with its encrypted key and signature image.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_credential")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `person` or `organisation`.
    pub holder: String,
    pub account_id: Option<Uuid>,
    /// The agency's OrganId (QCVN 102) for organisation credentials.
    pub organ_id: Option<String>,
    /// The certificate's common name.
    pub label: String,
    /// DER.
    pub certificate: Vec<u8>,
    /// The issuing CAs, DER certificates one after another, nearest first.
    pub chain: Vec<u8>,
    /// Encrypted PKCS#8 (DER).
    pub key_encrypted: Vec<u8>,
    /// PNG: the handwritten signature (person) or the seal (organisation).
    pub image: Option<Vec<u8>>,
    /// `dev` (issued by the development PKI) or `pkcs12` (imported).
    pub source: String,
    pub not_before: DateTimeUtc,
    pub not_after: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revocation_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
