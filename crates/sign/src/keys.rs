//! Who signs: the [`Signer`] trait, software keys, PKCS#12 import and keys encrypted at rest.
//!
//! A qualified signer's private key usually lives on a USB token, in an HSM or at a CA's
//! remote-signing service (Decree 130/2018/NĐ-CP art. 2; Law 20/2023/QH15 art. 22–23). Everything
//! above this module sees only [`Signer`]: the certificate, its chain and a `sign` over bytes. An
//! adapter for PKCS#11 or a remote-signing API implements the same four methods (docs/SIGNING.md).

use der::asn1::OctetString;
use der::{Decode, Encode};
use hmac::{Hmac, Mac};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncryptedPrivateKeyInfo, PrivateKeyInfo};
use rand_core::OsRng;
use sha2::{Digest, Sha256};
use signature::{SignatureEncoding, Signer as _};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey};
use x509_cert::Certificate;

use crate::SignError;
use crate::oids;

/// Anything that can make a signature with the private key of a certificate.
///
/// `sign` receives the whole message (the DER of the CMS signed attributes) and hashes it itself with
/// SHA-256, as a token or remote-signing service would when asked for "SHA256withECDSA".
pub trait Signer: Send + Sync {
    /// The signer's own certificate.
    fn certificate(&self) -> &Certificate;
    /// The certificates between the signer's and a root (issuing CAs), nearest first.
    fn chain(&self) -> &[Certificate];
    /// The signature algorithm, as it goes in `SignerInfo.signatureAlgorithm`.
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned;
    /// The signature value over `message`: DER `ECDSA-Sig-Value` for ECDSA, the raw block for RSA.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// A private key held in memory.
enum SoftwareKey {
    P256(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

/// A signer whose key is in memory (decrypted from the database, or from a PKCS#12 file).
pub struct SoftwareSigner {
    key: SoftwareKey,
    certificate: Certificate,
    chain: Vec<Certificate>,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .field("key", &"<redacted>")
            .finish()
    }
}

impl SoftwareSigner {
    /// A signer from an unencrypted PKCS#8 private key (DER) and its certificate and chain. ECDSA
    /// P-256 and RSA (2048 bits or more) keys are accepted; the key must match the certificate.
    pub fn from_pkcs8(
        key_der: &[u8],
        certificate: Certificate,
        chain: Vec<Certificate>,
    ) -> Result<Self, SignError> {
        let info = PrivateKeyInfo::from_der(key_der)
            .map_err(|e| SignError::Crypto(format!("khoá PKCS#8: {e}")))?;
        let key = if info.algorithm.oid == oids::EC_PUBLIC_KEY {
            let key = p256::ecdsa::SigningKey::from_pkcs8_der(key_der)
                .map_err(|_| SignError::Unsupported("khoá EC không phải P-256".into()))?;
            SoftwareKey::P256(key)
        } else if info.algorithm.oid == oids::RSA_ENCRYPTION {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(key_der)
                .map_err(|e| SignError::Crypto(format!("khoá RSA: {e}")))?;
            let bits = rsa::traits::PublicKeyParts::size(&key) * 8;
            if bits < 2048 {
                return Err(SignError::Unsupported(format!(
                    "RSA {bits} bit (cần ≥ 2048)"
                )));
            }
            SoftwareKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::<Sha256>::new(key)))
        } else {
            return Err(SignError::Unsupported(info.algorithm.oid.to_string()));
        };
        let signer = Self {
            key,
            certificate,
            chain,
        };
        if signer.public_key_der()?
            != signer
                .certificate
                .tbs_certificate
                .subject_public_key_info
                .to_der()?
        {
            return Err(SignError::KeyMismatch);
        }
        Ok(signer)
    }

    fn public_key_der(&self) -> Result<Vec<u8>, SignError> {
        let doc = match &self.key {
            SoftwareKey::P256(k) => k.verifying_key().to_public_key_der(),
            SoftwareKey::Rsa(k) => rsa::RsaPublicKey::from(k.as_ref().as_ref()).to_public_key_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| SignError::Crypto(e.to_string()))
    }

    /// The private key as PKCS#8, encrypted with `passphrase` (PBES2: PBKDF2-HMAC-SHA256 with
    /// 600,000 iterations + AES-256-CBC, RFC 8018; what OpenSSL 3 writes and reads), for storing
    /// at rest. Decree 13/2023 (from 1/1/2026 Law 91/2025/QH15) and Circular 12/2022/TT-BTTTT
    /// (security of information systems) ask that secrets are never stored in the clear.
    pub fn encrypted_key(&self, passphrase: &[u8]) -> Result<Vec<u8>, SignError> {
        let plain = match &self.key {
            SoftwareKey::P256(k) => k.to_pkcs8_der(),
            SoftwareKey::Rsa(k) => k.as_ref().as_ref().to_pkcs8_der(),
        }
        .map_err(|e| SignError::Crypto(e.to_string()))?;
        encrypt_pkcs8(plain.as_bytes(), passphrase)
    }

    /// A signer from a key stored by [`SoftwareSigner::encrypted_key`].
    pub fn from_encrypted(
        encrypted: &[u8],
        passphrase: &[u8],
        certificate: Certificate,
        chain: Vec<Certificate>,
    ) -> Result<Self, SignError> {
        let info = EncryptedPrivateKeyInfo::from_der(encrypted)?;
        let plain = info
            .decrypt(passphrase)
            .map_err(|_| SignError::WrongPassword)?;
        Self::from_pkcs8(plain.as_bytes(), certificate, chain)
    }

    /// Reads a PKCS#12 file (RFC 7292) as OpenSSL 3 and the Vietnamese CAs' tools write it:
    /// PBES2 (PBKDF2 + AES-CBC) for the key and certificate bags, an HMAC over the contents.
    /// The certificate that matches the private key becomes the signer's; the others its chain.
    /// Legacy RC2/3DES files are refused with a message saying how to re-export them.
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, SignError> {
        let parsed = Pkcs12::parse(data, password)?;
        let key = parsed.key.ok_or(SignError::NoKeyInPkcs12)?;
        let info = PrivateKeyInfo::from_der(&key)?;
        let spki_of_key = public_key_of(&info, &key)?;
        let mut own = None;
        let mut chain = Vec::new();
        for cert in parsed.certificates {
            if own.is_none()
                && cert.tbs_certificate.subject_public_key_info.to_der()? == spki_of_key
            {
                own = Some(cert);
            } else {
                chain.push(cert);
            }
        }
        let own = own.ok_or(SignError::KeyMismatch)?;
        let chain = order_chain(&own, chain);
        Self::from_pkcs8(&key, own, chain)
    }
}

/// Iterations of PBKDF2-HMAC-SHA256 for keys at rest (OWASP's 2023 figure for this hash).
pub const KEY_PBKDF2_ITERATIONS: u32 = 600_000;

/// Encrypts an unencrypted PKCS#8 key (DER) as an `EncryptedPrivateKeyInfo` (DER).
pub fn encrypt_pkcs8(plain: &[u8], passphrase: &[u8]) -> Result<Vec<u8>, SignError> {
    use rand_core::RngCore;
    let info = PrivateKeyInfo::from_der(plain)?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let params =
        pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(KEY_PBKDF2_ITERATIONS, &salt, &iv)
            .map_err(|e| SignError::Crypto(e.to_string()))?;
    let doc = info
        .encrypt_with_params(params, passphrase)
        .map_err(|e| SignError::Crypto(e.to_string()))?;
    Ok(doc.as_bytes().to_vec())
}

/// The issuing CAs in order from the signer upwards; certificates that are not on the path are
/// dropped, roots included (they come from the trust store).
fn order_chain(leaf: &Certificate, mut pool: Vec<Certificate>) -> Vec<Certificate> {
    let mut ordered = Vec::new();
    let mut current = leaf.clone();
    while let Some(pos) = pool
        .iter()
        .position(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer)
    {
        let next = pool.swap_remove(pos);
        current = next.clone();
        ordered.push(next);
    }
    ordered
}

fn public_key_of(info: &PrivateKeyInfo<'_>, der: &[u8]) -> Result<Vec<u8>, SignError> {
    let spki = if info.algorithm.oid == oids::EC_PUBLIC_KEY {
        p256::ecdsa::SigningKey::from_pkcs8_der(der)
            .map_err(|_| SignError::Unsupported("khoá EC không phải P-256".into()))?
            .verifying_key()
            .to_public_key_der()
    } else if info.algorithm.oid == oids::RSA_ENCRYPTION {
        rsa::RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|e| SignError::Crypto(e.to_string()))?
            .to_public_key()
            .to_public_key_der()
    } else {
        return Err(SignError::Unsupported(info.algorithm.oid.to_string()));
    };
    spki.map(|d| d.as_bytes().to_vec())
        .map_err(|e| SignError::Crypto(e.to_string()))
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self.key {
            SoftwareKey::P256(_) => AlgorithmIdentifierOwned {
                oid: oids::ECDSA_WITH_SHA256,
                parameters: None,
            },
            SoftwareKey::Rsa(_) => AlgorithmIdentifierOwned {
                oid: oids::SHA256_WITH_RSA,
                parameters: Some(der::asn1::Null.into()),
            },
        }
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match &self.key {
            SoftwareKey::P256(k) => {
                let sig: p256::ecdsa::DerSignature = k
                    .try_sign(message)
                    .map_err(|e| SignError::Crypto(e.to_string()))?;
                Ok(sig.to_vec())
            }
            SoftwareKey::Rsa(k) => {
                let sig = k
                    .try_sign(message)
                    .map_err(|e| SignError::Crypto(e.to_string()))?;
                Ok(sig.to_vec())
            }
        }
    }
}

/// The parts of a PKCS#12 file motcua uses.
struct Pkcs12 {
    key: Option<Vec<u8>>,
    certificates: Vec<Certificate>,
}

impl Pkcs12 {
    fn parse(data: &[u8], password: &str) -> Result<Self, SignError> {
        use cms::content_info::ContentInfo;
        use cms::encrypted_data::EncryptedData;

        let bad = |what: &str| SignError::BadPkcs12(what.to_owned());
        let pfx =
            pkcs12::pfx::Pfx::from_der(data).map_err(|_| bad("không phải định dạng PKCS#12"))?;
        if pfx.auth_safe.content_type != oids::DATA {
            return Err(bad("chỉ hỗ trợ tệp bảo vệ bằng mật khẩu"));
        }
        let safe_bytes = pfx
            .auth_safe
            .content
            .decode_as::<OctetString>()
            .map_err(|_| bad("nội dung hỏng"))?;
        let safe_bytes = safe_bytes.as_bytes();
        // The MAC proves the password before anything is decrypted (RFC 7292 §5.3, Appendix B).
        if let Some(mac) = &pfx.mac_data {
            if mac.mac.algorithm.oid != oids::SHA256 {
                return Err(SignError::BadPkcs12(format!(
                    "thuật toán MAC {} chưa được hỗ trợ; hãy xuất lại tệp bằng OpenSSL 3 (mặc định AES-256, SHA-256)",
                    mac.mac.algorithm.oid
                )));
            }
            let key = pkcs12::kdf::derive_key_utf8::<Sha256>(
                password,
                mac.mac_salt.as_bytes(),
                pkcs12::kdf::Pkcs12KeyType::Mac,
                mac.iterations,
                32,
            )
            .map_err(|_| bad("mật khẩu có ký tự không dùng được"))?;
            let mut hmac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
                .map_err(|e| SignError::Crypto(e.to_string()))?;
            hmac.update(safe_bytes);
            hmac.verify_slice(mac.mac.digest.as_bytes())
                .map_err(|_| SignError::WrongPassword)?;
        }
        let contents: Vec<ContentInfo> =
            Vec::<ContentInfo>::from_der(safe_bytes).map_err(|_| bad("nội dung hỏng"))?;
        let mut out = Self {
            key: None,
            certificates: Vec::new(),
        };
        for content in contents {
            let bags_der: Vec<u8> = if content.content_type == oids::DATA {
                content
                    .content
                    .decode_as::<OctetString>()
                    .map_err(|_| bad("túi dữ liệu hỏng"))?
                    .as_bytes()
                    .to_vec()
            } else if content.content_type == oids::ENCRYPTED_DATA {
                let enc: EncryptedData = content
                    .content
                    .decode_as()
                    .map_err(|_| bad("túi mã hoá hỏng"))?;
                let info = enc.enc_content_info;
                if info.content_enc_alg.oid != oids::PBES2 {
                    return Err(SignError::BadPkcs12(
                        "mã hoá kiểu cũ (RC2/3DES) chưa được hỗ trợ; hãy xuất lại tệp với AES-256 \
                         (openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC)"
                            .into(),
                    ));
                }
                let params = info
                    .content_enc_alg
                    .parameters
                    .ok_or_else(|| bad("thiếu tham số mã hoá"))?
                    .to_der()?;
                let scheme = pkcs5::pbes2::Parameters::from_der(&params)
                    .map_err(|_| bad("tham số PBES2 hỏng"))?;
                let cipher = info.encrypted_content.ok_or_else(|| bad("túi rỗng"))?;
                pkcs5::EncryptionScheme::Pbes2(scheme)
                    .decrypt(password, cipher.as_bytes())
                    .map_err(|_| SignError::WrongPassword)?
            } else {
                continue;
            };
            let bags = Vec::<pkcs12::safe_bag::SafeBag>::from_der(&bags_der)
                .map_err(|_| bad("túi dữ liệu hỏng"))?;
            for bag in bags {
                // bag_value holds the [0] EXPLICIT wrapper; its content is the bag itself.
                let wrapped = der::asn1::AnyRef::from_der(&bag.bag_value)
                    .map_err(|_| bad("túi dữ liệu hỏng"))?;
                let value = wrapped.value();
                if bag.bag_id == oids::PKCS8_SHROUDED_KEY_BAG {
                    let enc = EncryptedPrivateKeyInfo::from_der(value)
                        .map_err(|_| bad("khoá mã hoá hỏng"))?;
                    let plain = enc
                        .decrypt(password)
                        .map_err(|_| SignError::WrongPassword)?;
                    out.key = Some(plain.as_bytes().to_vec());
                } else if bag.bag_id == oids::KEY_BAG {
                    out.key = Some(value.to_vec());
                } else if bag.bag_id == oids::CERT_BAG {
                    let cert_bag = pkcs12::cert_type::CertBag::from_der(value)
                        .map_err(|_| bad("túi chứng thư hỏng"))?;
                    if cert_bag.cert_id == oids::X509_CERTIFICATE {
                        let cert = Certificate::from_der(cert_bag.cert_value.as_bytes())
                            .map_err(|_| bad("chứng thư hỏng"))?;
                        out.certificates.push(cert);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// SHA-256 of bytes, as a fixed array.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}
