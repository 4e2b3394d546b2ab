//! The installation's keys: the development PKI, people's and agencies' signing credentials, and the
//! trust store, between `motcua-store` (blobs) and `motcua-sign` (meaning).
//!
//! Private keys are stored encrypted with the installation's key passphrase: `signing_key_passphrase`
//! (`MOTCUA_SIGNING_KEY_PASSPHRASE`) when set, otherwise the secret in `signing_key_file`, created with
//! 32 random bytes (mode 0600) the first time a key is stored. The passphrase never enters the
//! database, the logs or the audit trail (Decree 13/2023/NĐ-CP art. 26–27, from 1/1/2026 Law
//! 91/2025/QH15; Circular 12/2022/TT-BTTTT).

use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use motcua_sign::image::{Rgba, decode_png, demo_seal, demo_signature, encode_png};
use motcua_sign::pki::{DevPki, Holder};
use motcua_sign::trust::{self, common_name};
use motcua_sign::{Signer, SoftwareSigner, TrustStore};
use motcua_store::pki::{self as store, Credential, NewAuthority, NewCredential};
use motcua_store::{AuditCtx, Db};
use uuid::Uuid;
use x509_cert::Certificate;

use crate::Config;

/// The installation's key passphrase (see the module doc).
pub struct KeyPassphrase(Vec<u8>);

impl std::fmt::Debug for KeyPassphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyPassphrase(<redacted>)")
    }
}

impl KeyPassphrase {
    /// The passphrase from the configuration; with `create`, the key file is made when missing.
    pub fn load(config: &Config, create: bool) -> anyhow::Result<Self> {
        if let Some(p) = config
            .signing_key_passphrase
            .as_deref()
            .filter(|p| !p.is_empty())
        {
            return Ok(Self(p.as_bytes().to_vec()));
        }
        let path = Path::new(&config.signing_key_file);
        match std::fs::read(path) {
            Ok(bytes) if bytes.len() >= 16 => Ok(Self(bytes.trim_ascii().to_vec())),
            Ok(_) => bail!(
                "{}: the key file is too short (at least 16 bytes)",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut raw = [0u8; 32];
                getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("random: {e}"))?;
                let secret = hex::encode(raw);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                match write_private(path, secret.as_bytes()) {
                    Ok(()) => Ok(Self(secret.into_bytes())),
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load(config, false)
                    }
                    Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
                }
            }
            Err(e) => Err(e).with_context(|| {
                format!(
                    "no signing key passphrase: set signing_key_passphrase or create {}",
                    path.display()
                )
            }),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, data)
}

fn time_of(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn der_of(cert: &Certificate) -> anyhow::Result<Vec<u8>> {
    cert.to_der().context("certificate encoding")
}

/// Certificates one after another (each DER is self-delimiting).
fn concat_chain(chain: &[Certificate]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    for c in chain {
        out.extend(der_of(c)?);
    }
    Ok(out)
}

fn split_chain(mut bytes: &[u8]) -> anyhow::Result<Vec<Certificate>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let mut reader = der::SliceReader::new(bytes).context("chain")?;
        let cert =
            <Certificate as der::Decode>::decode(&mut reader).context("chain certificate")?;
        let used = cert.to_der()?.len();
        out.push(cert);
        bytes = &bytes[used..];
    }
    Ok(out)
}

/// The development PKI of the installation, created on first use (`motcua demo`, `motcua pki init`).
pub async fn ensure_dev_pki(
    db: &Db,
    ctx: &AuditCtx,
    passphrase: &KeyPassphrase,
    installation: &str,
) -> anyhow::Result<(DevPki, bool)> {
    let rows = store::authorities(db.conn()).await?;
    let root = rows
        .iter()
        .find(|a| a.kind == "root" && a.key_encrypted.is_some());
    let issuing = rows
        .iter()
        .find(|a| a.kind == "issuing" && a.key_encrypted.is_some());
    if let (Some(root), Some(issuing)) = (root, issuing) {
        let pki = DevPki::from_parts(
            Certificate::from_der(&root.certificate)?,
            root.key_encrypted.as_deref().unwrap_or_default(),
            Certificate::from_der(&issuing.certificate)?,
            issuing.key_encrypted.as_deref().unwrap_or_default(),
            passphrase.as_bytes(),
        )
        .map_err(|e| anyhow::anyhow!("the development PKI's keys: {e}"))?;
        return Ok((pki, false));
    }
    let pki = DevPki::generate(installation).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (root_key, issuing_key) = pki
        .encrypted_keys(passphrase.as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let authority = |cert: &Certificate, key: Vec<u8>, kind: &'static str| -> anyhow::Result<_> {
        Ok(NewAuthority {
            kind,
            subject: common_name(cert),
            certificate: der_of(cert)?,
            key_encrypted: Some(key),
            not_after: time_of(trust::not_after(cert)),
        })
    };
    store::save_authorities(
        db,
        ctx,
        authority(&pki.root.certificate, root_key, "root")?,
        authority(&pki.issuing.certificate, issuing_key, "issuing")?,
    )
    .await?;
    Ok((pki, true))
}

/// Stores a signer as a credential of a person or an agency.
pub async fn store_signer(
    db: &Db,
    ctx: &AuditCtx,
    passphrase: &KeyPassphrase,
    signer: &SoftwareSigner,
    owner: Owner<'_>,
    image: Option<&Rgba>,
    source: &'static str,
) -> anyhow::Result<Uuid> {
    let cert = signer.certificate();
    let (holder, account_id, organ_id) = match owner {
        Owner::Account(id) => ("person", Some(id), None),
        Owner::Organ(organ) => ("organisation", None, Some(organ.to_owned())),
    };
    let image = match image {
        Some(i) => Some(encode_png(i).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let id = store::add_credential(
        db,
        ctx,
        NewCredential {
            holder,
            account_id,
            organ_id,
            label: common_name(cert),
            certificate: der_of(cert)?,
            chain: concat_chain(signer.chain())?,
            key_encrypted: signer
                .encrypted_key(passphrase.as_bytes())
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            image,
            source,
            not_before: time_of(trust::not_before(cert)),
            not_after: time_of(trust::not_after(cert)),
        },
    )
    .await?;
    Ok(id)
}

/// Whose credential.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Account(Uuid),
    Organ(&'a str),
}

/// Issues a development certificate for a person (with a demo signature image) or an agency (with
/// the demo seal) and stores it.
pub async fn issue_dev(
    db: &Db,
    ctx: &AuditCtx,
    passphrase: &KeyPassphrase,
    pki: &DevPki,
    holder: &Holder<'_>,
    owner: Owner<'_>,
) -> anyhow::Result<Uuid> {
    let signer = pki.issue(holder).map_err(|e| anyhow::anyhow!("{e}"))?;
    let image = match owner {
        Owner::Account(id) => demo_signature(id.as_u128() as u32),
        Owner::Organ(_) => demo_seal(),
    };
    store_signer(db, ctx, passphrase, &signer, owner, Some(&image), "dev").await
}

/// Imports a PKCS#12 file (a certificate from a licensed CA) for a person or an agency.
#[allow(clippy::too_many_arguments)]
pub async fn import_pkcs12(
    db: &Db,
    ctx: &AuditCtx,
    passphrase: &KeyPassphrase,
    p12: &[u8],
    password: &str,
    owner: Owner<'_>,
    image_png: Option<&[u8]>,
) -> anyhow::Result<Uuid> {
    let signer = SoftwareSigner::from_pkcs12(p12, password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = Utc::now().timestamp();
    if let Some(problem) = trust::validity_problem(signer.certificate(), now) {
        bail!("{problem}");
    }
    if !trust::may_sign_documents(signer.certificate()) {
        bail!("{}", motcua_sign::SignError::KeyUsage);
    }
    let image = match image_png {
        Some(png) => Some(decode_png(png).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    store_signer(
        db,
        ctx,
        passphrase,
        &signer,
        owner,
        image.as_ref(),
        "pkcs12",
    )
    .await
}

/// A credential made usable: the signer and its image.
pub struct Loaded {
    pub credential: Credential,
    pub signer: SoftwareSigner,
    pub image: Option<Rgba>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("label", &self.credential.label)
            .finish()
    }
}

/// Decrypts a stored credential.
pub fn load_credential(c: Credential, passphrase: &KeyPassphrase) -> anyhow::Result<Loaded> {
    let cert = Certificate::from_der(&c.certificate)?;
    let chain = split_chain(&c.chain)?;
    let signer =
        SoftwareSigner::from_encrypted(&c.key_encrypted, passphrase.as_bytes(), cert, chain)
            .map_err(|e| anyhow::anyhow!("{}: {e}", c.label))?;
    let image = match &c.image {
        Some(png) => Some(decode_png(png).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    Ok(Loaded {
        credential: c,
        signer,
        image,
    })
}

/// The roots this installation trusts (its own PKI's and imported ones) and the certificates of
/// revoked credentials.
pub async fn trust_store(db: &Db) -> anyhow::Result<TrustStore> {
    let mut trust = TrustStore::new();
    for a in store::authorities(db.conn()).await? {
        if a.kind == "root" {
            trust.add_root(Certificate::from_der(&a.certificate)?);
        }
    }
    for c in store::credentials(db.conn()).await? {
        if c.revoked_at.is_some() {
            trust.revoke(&Certificate::from_der(&c.certificate)?)?;
        }
    }
    Ok(trust)
}

/// The trusted roots as PEM (for `motcua pki root` and `GET /api/v1/pki/roots`).
pub async fn roots_pem(db: &Db) -> anyhow::Result<String> {
    let mut out = String::new();
    for a in store::authorities(db.conn()).await? {
        if a.kind == "root" {
            let cert = Certificate::from_der(&a.certificate)?;
            out.push_str(
                &motcua_sign::pki::certificate_pem(&cert).map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
    }
    Ok(out)
}

/// The verdict on every signature of a PDF against this installation's roots (Decree 30/2020/NĐ-CP
/// art. 20: the recipient checks authenticity and integrity; Decree 130/2018/NĐ-CP art. 9),
/// computed off the async threads (parsing and ECDSA are CPU work). An empty or unreadable file is
/// a problem of the field `file`.
pub async fn verify_pdf(db: &Db, bytes: Vec<u8>) -> crate::Result<motcua_sign::VerifyReport> {
    if bytes.is_empty() {
        return Err(crate::Error::invalid("file", "chưa chọn tệp PDF"));
    }
    let trust = trust_store(db).await?;
    let now = chrono::Utc::now().timestamp();
    tokio::task::spawn_blocking(move || motcua_sign::verify_pdf(&bytes, &trust, now))
        .await
        .map_err(|e| anyhow::anyhow!("verification task: {e}"))?
        .map_err(|e| crate::Error::invalid("file", e.to_string()))
}

/// Signing in the running server: the passphrase read at start, decrypted keys kept in memory
/// (decrypting costs a deliberate PBKDF2), revocation and validity read from the database each time.
pub struct SigningService {
    passphrase: Option<KeyPassphrase>,
    cache: std::sync::Mutex<std::collections::HashMap<Uuid, std::sync::Arc<Loaded>>>,
}

impl std::fmt::Debug for SigningService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningService")
            .field("configured", &self.passphrase.is_some())
            .finish()
    }
}

impl SigningService {
    /// Without a passphrase (none configured, no key file) nothing can be signed, and results go
    /// out unsigned with `"signed": false` in their event.
    pub fn new(config: &Config) -> Self {
        Self {
            passphrase: KeyPassphrase::load(config, false).ok(),
            cache: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    async fn load(&self, c: Credential) -> anyhow::Result<std::sync::Arc<Loaded>> {
        if let Some(hit) = self.cache.lock().ok().and_then(|m| m.get(&c.id).cloned()) {
            return Ok(hit);
        }
        let Some(passphrase) = &self.passphrase else {
            bail!("no signing key passphrase is configured");
        };
        let pass = KeyPassphrase(passphrase.0.clone());
        let id = c.id;
        let loaded = tokio::task::spawn_blocking(move || load_credential(c, &pass))
            .await
            .context("key decryption task")??;
        let loaded = std::sync::Arc::new(loaded);
        if let Ok(mut m) = self.cache.lock() {
            m.insert(id, loaded.clone());
        }
        Ok(loaded)
    }

    /// The person's usable credential, decrypted.
    pub async fn of_account(
        &self,
        db: &Db,
        account_id: Uuid,
    ) -> anyhow::Result<Option<std::sync::Arc<Loaded>>> {
        if self.passphrase.is_none() {
            return Ok(None);
        }
        match store::credential_of_account(db.conn(), account_id).await? {
            Some(c) => Ok(Some(self.load(c).await?)),
            None => Ok(None),
        }
    }

    /// The agency's usable organisation credential, decrypted.
    pub async fn of_organ(
        &self,
        db: &Db,
        organ_id: &str,
    ) -> anyhow::Result<Option<std::sync::Arc<Loaded>>> {
        if self.passphrase.is_none() {
            return Ok(None);
        }
        match store::credential_of_organ(db.conn(), organ_id).await? {
            Some(c) => Ok(Some(self.load(c).await?)),
            None => Ok(None),
        }
    }

    /// The two signers of an act (Decree 30/2020/NĐ-CP art. 3): the person's credential and the
    /// agency's (`organ_id`, when the agency is known); each `None` when it has none.
    pub async fn pair(
        &self,
        db: &Db,
        account_id: Uuid,
        organ_id: Option<&str>,
    ) -> anyhow::Result<Signers> {
        let person = self.of_account(db, account_id).await?;
        let organisation = match organ_id {
            Some(o) => self.of_organ(db, o).await?,
            None => None,
        };
        Ok((person, organisation))
    }
}

/// A person's and an agency's signing credentials, as [`SigningService::pair`] finds them.
pub type Signers = (
    Option<std::sync::Arc<Loaded>>,
    Option<std::sync::Arc<Loaded>>,
);

/// Signs a result document (Decree 30/2020/NĐ-CP art. 3, Annex I §II.6; Decree 61/2018 art. 20 as
/// amended by Decree 107/2021: results issued electronically carry the agency's digital signature):
/// first the person who resolved it, with their signature image at the foot of the last page, then
/// the agency, with the seal over the left third of the signature, as a second incremental update.
pub fn sign_result(
    pdf: &[u8],
    person: Option<&Loaded>,
    organisation: Option<&Loaded>,
    reason: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Vec<u8>, motcua_sign::SignError> {
    let pages = motcua_sign::pdf::page_count(pdf)?;
    sign_in_slot(
        pdf,
        person,
        organisation,
        reason,
        at,
        pages,
        [340.0, 70.0, 520.0, 130.0],
    )
}

/// Signs `pdf` as the person, with their signature image in `rect` on `page`, then as the
/// organisation, with the seal image over the left third of the signature (Decree 30/2020/NĐ-CP
/// Annex I §II.6), each as its own incremental update.
pub fn sign_in_slot(
    pdf: &[u8],
    person: Option<&Loaded>,
    organisation: Option<&Loaded>,
    reason: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
    page: usize,
    rect: [f32; 4],
) -> Result<Vec<u8>, motcua_sign::SignError> {
    use motcua_sign::pdf::Appearance;
    let mut out = pdf.to_vec();
    if let Some(p) = person {
        let mut options = motcua_sign::SignOptions::at(at);
        options.reason = Some(reason.to_owned());
        options.appearance = Some(Appearance {
            page,
            rect,
            image: p.image.clone(),
        });
        out = motcua_sign::sign_pdf(&out, &p.signer, &options)?;
    }
    if let Some(o) = organisation {
        // The seal (round, about 3.5 cm) is centred on the left edge of the signature's room
        // and covers its left third.
        let third = (rect[2] - rect[0]) / 3.0;
        let middle = (rect[1] + rect[3]) / 2.0;
        let radius = third.max((rect[3] - rect[1]) / 2.0 + 10.0);
        let mut options = motcua_sign::SignOptions::at(at);
        options.reason = Some("Đóng dấu cơ quan".to_owned());
        options.appearance = Some(Appearance {
            page,
            rect: [
                rect[0] + third - 2.0 * radius,
                middle - radius,
                rect[0] + third,
                middle + radius,
            ],
            image: o.image.clone(),
        });
        out = motcua_sign::sign_pdf(&out, &o.signer, &options)?;
    }
    Ok(out)
}
