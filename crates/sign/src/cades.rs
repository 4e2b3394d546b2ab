//! The detached CMS signature inside a PDF signature (RFC 5652; CAdES-BES as required by PAdES
//! baseline B-B, ETSI EN 319 142-1 §6.3): signed attributes content-type, message-digest and ESS
//! signing-certificate-v2 (RFC 5035); no signing-time attribute (the time goes in the PDF's /M entry,
//! ETSI EN 319 142-1 §5.4.3); the signer's certificate and its issuing CAs in `certificates`.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::keys::{Signer, sha256};
use crate::{SignError, oids};

/// ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oids::SHA256,
        parameters: None,
    }
}

/// Builds the DER `ContentInfo` of a detached signature over content whose SHA-256 is `digest`.
/// `unsigned` attributes (the RFC 3161 time-stamp for B-T) can be added after signing.
pub fn sign_detached(digest: &[u8; 32], signer: &dyn Signer) -> Result<Vec<u8>, SignError> {
    let cert = signer.certificate();
    let cert_der = cert.to_der()?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(sha256(&[&cert_der]).to_vec())?,
        }],
    };
    let mut attrs = SetOfVec::new();
    attrs.insert(attribute(
        oids::CONTENT_TYPE,
        Any::encode_from(&oids::DATA)?,
    )?)?;
    attrs.insert(attribute(
        oids::MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(digest.to_vec())?)?,
    )?)?;
    attrs.insert(attribute(
        oids::SIGNING_CERTIFICATE_V2,
        Any::encode_from(&ess)?,
    )?)?;
    // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4).
    let signed_der = attrs.to_der()?;
    let signature = signer.sign(&signed_der)?;

    let info = SignerInfo {
        version: cms::content_info::CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(attrs),
        signature_algorithm: signer.signature_algorithm(),
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let mut certs = SetOfVec::new();
    certs.insert(CertificateChoices::Certificate(cert.clone()))?;
    for c in signer.chain() {
        certs.insert(CertificateChoices::Certificate(c.clone()))?;
    }
    let mut digest_algs = SetOfVec::new();
    digest_algs.insert(sha256_alg())?;
    let mut infos = SetOfVec::new();
    infos.insert(info)?;
    let signed = SignedData {
        version: cms::content_info::CmsVersion::V1,
        digest_algorithms: digest_algs,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oids::DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    let content = ContentInfo {
        content_type: oids::SIGNED_DATA,
        content: Any::encode_from(&signed)?,
    };
    Ok(content.to_der()?)
}

/// What a detached signature says and whether it holds.
#[derive(Debug, Clone)]
pub struct CmsCheck {
    /// The signer's certificate, when the signature carries it.
    pub signer: Option<Certificate>,
    /// Every certificate carried.
    pub certificates: Vec<Certificate>,
    /// The message-digest attribute equals the digest of the covered bytes.
    pub digest_matches: bool,
    /// The signature over the signed attributes verifies with the signer's key.
    pub signature_verifies: bool,
    /// Why not, when one of the above fails (Vietnamese).
    pub problem: Option<String>,
    /// The signing-time attribute, if present (seconds since the epoch).
    pub signing_time: Option<i64>,
}

/// Parses a DER `ContentInfo` (trailing zero padding allowed, as in a PDF /Contents) and checks it
/// against the covered bytes.
pub fn check_detached(der_with_padding: &[u8], covered: &[&[u8]]) -> CmsCheck {
    let mut out = CmsCheck {
        signer: None,
        certificates: Vec::new(),
        digest_matches: false,
        signature_verifies: false,
        problem: None,
        signing_time: None,
    };
    let mut reader = match der::SliceReader::new(der_with_padding) {
        Ok(r) => r,
        Err(_) => {
            out.problem = Some("chữ ký rỗng".into());
            return out;
        }
    };
    let content = match ContentInfo::decode(&mut reader) {
        Ok(c) => c,
        Err(e) => {
            out.problem = Some(format!("cấu trúc chữ ký CMS hỏng: {e}"));
            return out;
        }
    };
    let signed: SignedData = match content.content.decode_as() {
        Ok(s) if content.content_type == oids::SIGNED_DATA => s,
        _ => {
            out.problem = Some("không phải SignedData".into());
            return out;
        }
    };
    if let Some(set) = &signed.certificates {
        for choice in set.0.iter() {
            if let CertificateChoices::Certificate(c) = choice {
                out.certificates.push(c.clone());
            }
        }
    }
    let Some(info) = signed.signer_infos.0.iter().next() else {
        out.problem = Some("không có người ký".into());
        return out;
    };
    out.signer = out
        .certificates
        .iter()
        .find(|c| match &info.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                c.tbs_certificate.issuer == isn.issuer
                    && c.tbs_certificate.serial_number == isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(_) => false,
        })
        .cloned();
    let Some(signer) = out.signer.clone() else {
        out.problem = Some("chữ ký không mang chứng thư của người ký".into());
        return out;
    };
    if info.digest_alg.oid != oids::SHA256 {
        out.problem = Some(format!("hàm băm {} chưa được hỗ trợ", info.digest_alg.oid));
        return out;
    }
    let digest = sha256(covered);
    let Some(attrs) = &info.signed_attrs else {
        out.problem = Some("thiếu thuộc tính ký (CAdES yêu cầu)".into());
        return out;
    };
    for attr in attrs.iter() {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == oids::MESSAGE_DIGEST {
            if let Ok(d) = value.decode_as::<OctetString>() {
                out.digest_matches = d.as_bytes() == digest;
            }
        } else if attr.oid == oids::SIGNING_TIME
            && let Ok(t) = value
                .to_der()
                .and_then(|d| x509_cert::time::Time::from_der(&d))
        {
            out.signing_time = Some(t.to_unix_duration().as_secs() as i64);
        }
    }
    let Ok(signed_der) = attrs.to_der() else {
        out.problem = Some("thuộc tính ký hỏng".into());
        return out;
    };
    out.signature_verifies = crate::trust::verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        &info.signature_algorithm.oid,
        &signed_der,
        info.signature.as_bytes(),
    );
    if !out.digest_matches {
        out.problem = Some("nội dung đã bị thay đổi sau khi ký (giá trị băm không khớp)".into());
    } else if !out.signature_verifies {
        out.problem = Some("chữ ký không khớp với khoá của chứng thư".into());
    }
    out
}

/// Decodes a DER certificate.
pub fn certificate_from_der(der: &[u8]) -> Result<Certificate, SignError> {
    Ok(Certificate::from_der(der)?)
}
