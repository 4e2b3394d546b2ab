//! Trusted roots, revoked certificates and the chain check (RFC 5280 §6, simplified to what a
//! document validator needs: names chain, signatures verify, issuers are CAs, every certificate is
//! valid at the signing time, none is revoked, the signer's key may sign documents).

use der::{Decode, DecodePem, Encode};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use crate::oids;

/// The roots motcua trusts and the certificates it knows are revoked.
#[derive(Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
    /// (issuer name DER, serial number bytes) of revoked certificates.
    revoked: Vec<(Vec<u8>, Vec<u8>)>,
    /// Certificate links already proven (SHA-256 of the certificate and its issuer's key): the
    /// same CA signatures are not verified again for every document. Validity and revocation are
    /// still checked every time.
    proven: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<[u8; 32]>>>,
}

const PROVEN_CAPACITY: usize = 10_000;

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("roots", &self.roots.len())
            .field("revoked", &self.revoked.len())
            .finish()
    }
}

/// What the chain check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    Trusted,
    /// Not trusted, with the reason in Vietnamese.
    Untrusted(String),
}

impl TrustStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_root(&mut self, root: Certificate) {
        if !self.roots.contains(&root) {
            self.roots.push(root);
        }
    }

    /// Adds every certificate of a PEM bundle as a trusted root.
    pub fn add_pem_bundle(&mut self, pem: &str) -> Result<usize, crate::SignError> {
        let mut n = 0;
        for block in pem.split_inclusive("-----END CERTIFICATE-----") {
            let Some(start) = block.find("-----BEGIN CERTIFICATE-----") else {
                continue;
            };
            let cert = Certificate::from_pem(block[start..].trim().as_bytes())?;
            self.add_root(cert);
            n += 1;
        }
        Ok(n)
    }

    pub fn roots(&self) -> &[Certificate] {
        &self.roots
    }

    /// Marks a certificate revoked (from the PKI's own records, or a CRL read elsewhere).
    pub fn revoke(&mut self, cert: &Certificate) -> Result<(), der::Error> {
        self.revoked.push((
            cert.tbs_certificate.issuer.to_der()?,
            cert.tbs_certificate.serial_number.as_bytes().to_vec(),
        ));
        Ok(())
    }

    pub fn is_revoked(&self, cert: &Certificate) -> bool {
        let Ok(issuer) = cert.tbs_certificate.issuer.to_der() else {
            return false;
        };
        let serial = cert.tbs_certificate.serial_number.as_bytes();
        self.revoked
            .iter()
            .any(|(i, s)| *i == issuer && s == serial)
    }

    /// Checks the path from `leaf` through `pool` (the certificates the signature carries) to one of
    /// the trusted roots, at `at` (seconds since the epoch, the signing time).
    pub fn check_chain(&self, leaf: &Certificate, pool: &[Certificate], at: i64) -> ChainVerdict {
        self.check_chain_at(leaf, pool, &[at])
    }

    /// As [`TrustStore::check_chain`], every certificate valid at each of `times` (e.g. now and
    /// the claimed signing time), the signatures checked once.
    pub fn check_chain_at(
        &self,
        leaf: &Certificate,
        pool: &[Certificate],
        times: &[i64],
    ) -> ChainVerdict {
        let mut current = leaf.clone();
        for _ in 0..8 {
            if let Some(reason) = times.iter().find_map(|at| validity_problem(&current, *at)) {
                return ChainVerdict::Untrusted(reason);
            }
            if self.is_revoked(&current) {
                return ChainVerdict::Untrusted(format!(
                    "chứng thư \"{}\" đã bị thu hồi",
                    common_name(&current)
                ));
            }
            if self.roots.contains(&current) {
                return ChainVerdict::Trusted;
            }
            let issuer = self
                .roots
                .iter()
                .chain(pool.iter())
                .filter(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer)
                .find(|c| self.link_holds(&current, c));
            let Some(issuer) = issuer else {
                return ChainVerdict::Untrusted(format!(
                    "không tìm thấy tổ chức phát hành tin cậy cho \"{}\"",
                    common_name(&current)
                ));
            };
            if !is_ca(issuer) {
                return ChainVerdict::Untrusted(format!(
                    "\"{}\" không phải tổ chức chứng thực (CA)",
                    common_name(issuer)
                ));
            }
            current = issuer.clone();
        }
        ChainVerdict::Untrusted("chuỗi chứng thư quá dài".into())
    }
}

impl TrustStore {
    fn link_holds(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        let (Ok(c), Ok(i)) = (
            cert.to_der(),
            issuer.tbs_certificate.subject_public_key_info.to_der(),
        ) else {
            return false;
        };
        let key = crate::keys::sha256(&[&c, &i]);
        if let Ok(set) = self.proven.lock()
            && set.contains(&key)
        {
            return true;
        }
        let holds = verify_certificate_signature(cert, issuer);
        if holds && let Ok(mut set) = self.proven.lock() {
            if set.len() >= PROVEN_CAPACITY {
                set.clear();
            }
            set.insert(key);
        }
        holds
    }
}

/// Seconds since the epoch of an X.509 time.
fn seconds(t: &x509_cert::time::Time) -> i64 {
    t.to_unix_duration().as_secs() as i64
}

/// Why a certificate is not valid at `at`, if it is not.
pub fn validity_problem(cert: &Certificate, at: i64) -> Option<String> {
    let v = &cert.tbs_certificate.validity;
    if at < seconds(&v.not_before) {
        return Some(format!(
            "chứng thư \"{}\" chưa có hiệu lực tại thời điểm ký",
            common_name(cert)
        ));
    }
    if at > seconds(&v.not_after) {
        return Some(format!(
            "chứng thư \"{}\" đã hết hạn tại thời điểm ký",
            common_name(cert)
        ));
    }
    None
}

/// Not-after as seconds since the epoch.
pub fn not_after(cert: &Certificate) -> i64 {
    seconds(&cert.tbs_certificate.validity.not_after)
}

/// Not-before as seconds since the epoch.
pub fn not_before(cert: &Certificate) -> i64 {
    seconds(&cert.tbs_certificate.validity.not_before)
}

fn is_ca(cert: &Certificate) -> bool {
    extension::<BasicConstraints>(cert, oids::BASIC_CONSTRAINTS).is_some_and(|bc| bc.ca)
}

/// Whether the key may sign documents: key usage digitalSignature or nonRepudiation
/// (contentCommitment), or no key-usage extension at all (RFC 5280 §4.2.1.3).
pub fn may_sign_documents(cert: &Certificate) -> bool {
    match extension::<KeyUsage>(cert, oids::KEY_USAGE) {
        None => true,
        Some(ku) => {
            ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation)
        }
    }
}

fn extension<'a, T: Decode<'a>>(
    cert: &'a Certificate,
    oid: der::asn1::ObjectIdentifier,
) -> Option<T> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

/// The subject's common name, or the whole subject when it has none.
pub fn common_name(cert: &Certificate) -> String {
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == oids::COMMON_NAME {
                if let Ok(s) = der::asn1::Utf8StringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
                if let Ok(s) = der::asn1::PrintableStringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
            }
        }
    }
    cert.tbs_certificate.subject.to_string()
}

/// Whether `cert` was signed by the key of `issuer`.
fn verify_certificate_signature(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Some(sig) = cert.signature.as_bytes() else {
        return false;
    };
    verify_signature(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm.oid,
        &tbs,
        sig,
    )
}

/// Verifies `signature` over `message` with the public key `spki`, for the algorithms motcua
/// accepts: ECDSA P-256 with SHA-256 and RSA PKCS#1 v1.5 with SHA-256.
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    algorithm: &der::asn1::ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    use signature::Verifier;
    use spki::DecodePublicKey;
    let Ok(spki_der) = spki.to_der() else {
        return false;
    };
    if *algorithm == oids::ECDSA_WITH_SHA256
        || (*algorithm == oids::EC_PUBLIC_KEY && spki.algorithm.oid == oids::EC_PUBLIC_KEY)
    {
        let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der) else {
            return false;
        };
        let Ok(sig) = p256::ecdsa::DerSignature::from_bytes(signature) else {
            return false;
        };
        key.verify(message, &sig).is_ok()
    } else if *algorithm == oids::SHA256_WITH_RSA
        || (*algorithm == oids::RSA_ENCRYPTION && spki.algorithm.oid == oids::RSA_ENCRYPTION)
    {
        let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki_der) else {
            return false;
        };
        let key = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
        let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return false;
        };
        key.verify(message, &sig).is_ok()
    } else {
        false
    }
}
