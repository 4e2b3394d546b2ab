//! The development PKI `motcua demo` creates: a root, an issuing CA under it, a personal
//! certificate for each demo signer and an organisation certificate for each agency, all ECDSA P-256.
//!
//! In production the certificates come from a licensed CA (the Government CA of the Ministry of
//! Public Security's Cipher Committee for agencies, Decree 68/2024/NĐ-CP; public CAs for others) and
//! are imported as PKCS#12 ([`crate::SoftwareSigner::from_pkcs12`]). The shape is the same: the
//! signer's key usage is digitalSignature + nonRepudiation, CAs carry basicConstraints cA=TRUE.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use der::asn1::{ObjectIdentifier, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Any, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use pkcs8::EncodePrivateKey;
use rand_core::{OsRng, RngCore};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::{SignError, SoftwareSigner};

const DAY: u64 = 86_400;

fn crypto<E: std::fmt::Display>(e: E) -> SignError {
    SignError::Crypto(e.to_string())
}

/// A distinguished name from (attribute, value) pairs; values are UTF-8 (Vietnamese names keep
/// their diacritics), the country code is a PrintableString (RFC 5280 Appendix A).
pub fn name(parts: &[(&str, &str)]) -> Result<Name, SignError> {
    let mut rdns = Vec::new();
    for (attr, value) in parts {
        let oid = match *attr {
            "C" => ObjectIdentifier::new_unwrap("2.5.4.6"),
            "O" => ObjectIdentifier::new_unwrap("2.5.4.10"),
            "OU" => ObjectIdentifier::new_unwrap("2.5.4.11"),
            "CN" => ObjectIdentifier::new_unwrap("2.5.4.3"),
            "L" => ObjectIdentifier::new_unwrap("2.5.4.7"),
            "UID" => ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1"),
            "E" => ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1"),
            other => ObjectIdentifier::from_str(other).map_err(crypto)?,
        };
        let value: Any = if *attr == "C" {
            PrintableStringRef::new(value).map_err(crypto)?.into()
        } else if *attr == "E" {
            der::asn1::Ia5StringRef::new(value).map_err(crypto)?.into()
        } else {
            Utf8StringRef::new(value).map_err(crypto)?.into()
        };
        let mut set = SetOfVec::new();
        set.insert(AttributeTypeAndValue { oid, value })?;
        rdns.push(RelativeDistinguishedName(set));
    }
    Ok(RdnSequence(rdns))
}

fn serial() -> Result<SerialNumber, SignError> {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    Ok(SerialNumber::new(&bytes)?)
}

fn validity(from: SystemTime, days: u64) -> Result<Validity, SignError> {
    Ok(Validity {
        not_before: Time::try_from(from)?,
        not_after: Time::try_from(from + Duration::from_secs(days * DAY))?,
    })
}

fn spki_of(key: &SigningKey) -> Result<SubjectPublicKeyInfoOwned, SignError> {
    SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(crypto)
}

/// A CA: its certificate and key.
pub struct Authority {
    pub certificate: Certificate,
    key: SigningKey,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .finish()
    }
}

/// The two-level development PKI.
#[derive(Debug)]
pub struct DevPki {
    pub root: Authority,
    pub issuing: Authority,
}

/// What a certificate is for, which decides its subject.
#[derive(Debug, Clone)]
pub enum Holder<'a> {
    /// A person: full name, e-mail, the agency they work for.
    Person {
        full_name: &'a str,
        email: &'a str,
        organisation: &'a str,
    },
    /// An agency (its organisation signature, the seal's digital twin): OrganId and name.
    Organisation { organ_id: &'a str, name: &'a str },
}

impl DevPki {
    /// A new root (20 years) and issuing CA (10 years) for `installation` (e.g. "Bộ TTTT").
    pub fn generate(installation: &str) -> Result<Self, SignError> {
        let now = SystemTime::now() - Duration::from_secs(DAY);
        let root_key = SigningKey::random(&mut OsRng);
        let root_name = name(&[
            ("C", "VN"),
            ("O", installation),
            (
                "CN",
                &format!("motcua Development Root CA — {installation}"),
            ),
        ])?;
        let builder = CertificateBuilder::new(
            Profile::Root,
            serial()?,
            validity(now, 20 * 365)?,
            root_name.clone(),
            spki_of(&root_key)?,
            &root_key,
        )
        .map_err(crypto)?;
        let root = builder.build::<DerSignature>().map_err(crypto)?;

        let issuing_key = SigningKey::random(&mut OsRng);
        let builder = CertificateBuilder::new(
            Profile::SubCA {
                issuer: root_name,
                path_len_constraint: Some(0),
            },
            serial()?,
            validity(now, 10 * 365)?,
            name(&[
                ("C", "VN"),
                ("O", installation),
                (
                    "CN",
                    &format!("motcua Development Issuing CA — {installation}"),
                ),
            ])?,
            spki_of(&issuing_key)?,
            &root_key,
        )
        .map_err(crypto)?;
        let issuing = builder.build::<DerSignature>().map_err(crypto)?;
        Ok(Self {
            root: Authority {
                certificate: root,
                key: root_key,
            },
            issuing: Authority {
                certificate: issuing,
                key: issuing_key,
            },
        })
    }

    /// Issues a signing certificate valid for three years from yesterday.
    pub fn issue(&self, holder: &Holder<'_>) -> Result<SoftwareSigner, SignError> {
        let from = SystemTime::now() - Duration::from_secs(DAY);
        self.issue_valid(holder, from, 3 * 365)
    }

    /// Issues a signing certificate valid `days` days from `from` (tests use this for expired ones).
    pub fn issue_valid(
        &self,
        holder: &Holder<'_>,
        from: SystemTime,
        days: u64,
    ) -> Result<SoftwareSigner, SignError> {
        let subject = match holder {
            Holder::Person {
                full_name,
                email,
                organisation,
            } => name(&[
                ("C", "VN"),
                ("O", organisation),
                ("CN", full_name),
                ("E", email),
            ])?,
            Holder::Organisation {
                organ_id,
                name: org,
            } => name(&[("C", "VN"), ("UID", organ_id), ("O", org), ("CN", org)])?,
        };
        let key = SigningKey::random(&mut OsRng);
        let builder = CertificateBuilder::new(
            Profile::Leaf {
                issuer: self.issuing.certificate.tbs_certificate.subject.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            serial()?,
            validity(from, days)?,
            subject,
            spki_of(&key)?,
            &self.issuing.key,
        )
        .map_err(crypto)?;
        let cert = builder.build::<DerSignature>().map_err(crypto)?;
        let key_der = key.to_pkcs8_der().map_err(crypto)?;
        SoftwareSigner::from_pkcs8(
            key_der.as_bytes(),
            cert,
            vec![self.issuing.certificate.clone()],
        )
    }

    /// The root as PEM, for `motcua pki root --out FILE` and for outside validators.
    pub fn root_pem(&self) -> Result<String, SignError> {
        certificate_pem(&self.root.certificate)
    }

    /// Keys of both CAs encrypted with `passphrase`, for storing the PKI between runs.
    pub fn encrypted_keys(&self, passphrase: &[u8]) -> Result<(Vec<u8>, Vec<u8>), SignError> {
        let enc = |k: &SigningKey| -> Result<Vec<u8>, SignError> {
            let der = k.to_pkcs8_der().map_err(crypto)?;
            crate::keys::encrypt_pkcs8(der.as_bytes(), passphrase)
        };
        Ok((enc(&self.root.key)?, enc(&self.issuing.key)?))
    }

    /// The PKI back from [`DevPki::encrypted_keys`] and the two certificates.
    pub fn from_parts(
        root: Certificate,
        root_key: &[u8],
        issuing: Certificate,
        issuing_key: &[u8],
        passphrase: &[u8],
    ) -> Result<Self, SignError> {
        let dec = |k: &[u8]| -> Result<SigningKey, SignError> {
            let info = pkcs8::EncryptedPrivateKeyInfo::try_from(k)?;
            let plain = info
                .decrypt(passphrase)
                .map_err(|_| SignError::WrongPassword)?;
            pkcs8::DecodePrivateKey::from_pkcs8_der(plain.as_bytes()).map_err(crypto)
        };
        Ok(Self {
            root: Authority {
                certificate: root,
                key: dec(root_key)?,
            },
            issuing: Authority {
                certificate: issuing,
                key: dec(issuing_key)?,
            },
        })
    }
}

/// A certificate as PEM.
pub fn certificate_pem(cert: &Certificate) -> Result<String, SignError> {
    Ok(cert.to_pem(der::pem::LineEnding::LF)?)
}

/// A certificate as DER.
pub fn certificate_der(cert: &Certificate) -> Result<Vec<u8>, SignError> {
    Ok(cert.to_der()?)
}
