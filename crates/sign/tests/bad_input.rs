//! Bad input gets a clear refusal and produces nothing: not a PDF, truncated, encrypted, a PKCS#12
//! with the wrong password, an expired or revoked certificate. PKCS#12 files come from OpenSSL, as a
//! real CA's would; RSA keys imported that way sign documents pyHanko accepts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use chrono::{FixedOffset, Utc};
use common::*;
use motcua_sign::pki::{DevPki, Holder, certificate_pem};
use motcua_sign::{
    SignError, SignOptions, Signer, SoftwareSigner, TrustStore, sign_pdf, verify_pdf,
};

fn now() -> chrono::DateTime<FixedOffset> {
    Utc::now().with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
}

fn person<'a>() -> Holder<'a> {
    Holder::Person {
        full_name: "Trần Văn Bình",
        email: "tvbinh@mic.gov.vn",
        organisation: "Văn phòng Bộ",
    }
}

#[test]
fn not_a_pdf_truncated_or_encrypted_is_refused() {
    let pki = DevPki::generate("Bộ TTTT").unwrap();
    let signer = pki.issue(&person()).unwrap();
    let opts = SignOptions::at(now());
    let err = sign_pdf(b"GIF89a not a pdf at all", &signer, &opts).unwrap_err();
    assert!(matches!(err, SignError::NotPdf), "{err}");
    assert!(err.to_string().contains("không phải là PDF"));

    let pdf = two_page_pdf(false);
    let truncated = &pdf[..pdf.len() * 2 / 3];
    let err = sign_pdf(truncated, &signer, &opts).unwrap_err();
    assert!(matches!(err, SignError::DamagedPdf(_)), "{err}");

    let trust = TrustStore::new();
    assert!(matches!(
        verify_pdf(b"hello", &trust, 0),
        Err(SignError::NotPdf)
    ));
    let report = verify_pdf(&pdf, &trust, 0).unwrap();
    assert!(
        !report.valid && report.signatures.is_empty(),
        "an unsigned PDF is not valid"
    );

    if need("qpdf") {
        let dir = temp_dir("encrypted");
        let (plain, enc) = (dir.join("plain.pdf"), dir.join("enc.pdf"));
        std::fs::write(&plain, &pdf).unwrap();
        let ok = Command::new("qpdf")
            .args(["--encrypt", "user", "owner", "256", "--"])
            .arg(&plain)
            .arg(&enc)
            .status()
            .unwrap();
        assert!(ok.success());
        let err = sign_pdf(&std::fs::read(&enc).unwrap(), &signer, &opts).unwrap_err();
        assert!(matches!(err, SignError::EncryptedPdf), "{err}");
    }
}

#[test]
fn expired_and_revoked_certificates() {
    let pki = DevPki::generate("Bộ TTTT").unwrap();
    let long_ago = SystemTime::now() - Duration::from_secs(400 * 86_400);
    let expired = pki.issue_valid(&person(), long_ago, 30).unwrap();
    let err = sign_pdf(&two_page_pdf(false), &expired, &SignOptions::at(now())).unwrap_err();
    assert!(matches!(err, SignError::CertificateExpired(_)), "{err}");
    assert!(err.to_string().contains("hết hạn"));

    // A document signed while the certificate was good, verified after it was revoked.
    let signer = pki.issue(&person()).unwrap();
    let signed = sign_pdf(&two_page_pdf(false), &signer, &SignOptions::at(now())).unwrap();
    let mut trust = TrustStore::new();
    trust.add_root(pki.root.certificate.clone());
    assert!(
        verify_pdf(&signed, &trust, Utc::now().timestamp())
            .unwrap()
            .valid
    );
    trust.revoke(signer.certificate()).unwrap();
    let report = verify_pdf(&signed, &trust, Utc::now().timestamp()).unwrap();
    assert!(!report.valid);
    assert!(report.signatures[0].intact && !report.signatures[0].trusted);
    assert!(
        report.signatures[0].reason.contains("thu hồi"),
        "{}",
        report.signatures[0].reason
    );

    // Another installation's root does not make ours trusted.
    let other = DevPki::generate("Bộ khác").unwrap();
    let mut foreign = TrustStore::new();
    foreign.add_root(other.root.certificate.clone());
    let report = verify_pdf(&signed, &foreign, Utc::now().timestamp()).unwrap();
    assert!(report.signatures[0].intact && !report.signatures[0].trusted && !report.valid);
}

#[test]
fn keys_at_rest_are_standard_encrypted_pkcs8() {
    let pki = DevPki::generate("Bộ TTTT").unwrap();
    let signer = pki.issue(&person()).unwrap();
    let enc = signer.encrypted_key(b"kho-khoa").unwrap();
    let back = SoftwareSigner::from_encrypted(
        &enc,
        b"kho-khoa",
        signer.certificate().clone(),
        signer.chain().to_vec(),
    )
    .unwrap();
    assert_eq!(back.certificate(), signer.certificate());
    let err = SoftwareSigner::from_encrypted(&enc, b"sai", signer.certificate().clone(), vec![])
        .unwrap_err();
    assert!(matches!(err, SignError::WrongPassword));
    // The key is not in the clear: the certificate's public key bytes are not a prefix problem, but
    // the encrypted blob must not contain the plaintext PKCS#8 header of an EC key.
    assert!(
        !enc.windows(7)
            .any(|w| w == [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d])
    );
}

/// Runs openssl with `args` in `dir`.
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pkcs12_from_openssl_imports_and_the_wrong_password_is_refused() {
    if !need("openssl") {
        return;
    }
    let dir = temp_dir("p12");
    let pki = DevPki::generate("Bộ TTTT").unwrap();
    let signer = pki.issue(&person()).unwrap();
    std::fs::write(dir.join("key.der"), signer.encrypted_key(b"tam").unwrap()).unwrap();
    std::fs::write(
        dir.join("cert.pem"),
        certificate_pem(signer.certificate()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("ca.pem"),
        certificate_pem(&pki.issuing.certificate).unwrap(),
    )
    .unwrap();
    // OpenSSL reads our encrypted key (scrypt + AES-256-CBC), then packs a PKCS#12 as a CA would.
    openssl(
        &dir,
        &[
            "pkcs8", "-inform", "DER", "-in", "key.der", "-passin", "pass:tam", "-out", "key.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "signer.p12",
            "-passout",
            "pass:Mat-khau-2026",
        ],
    );
    let p12 = std::fs::read(dir.join("signer.p12")).unwrap();
    let err = SoftwareSigner::from_pkcs12(&p12, "sai-mat-khau").unwrap_err();
    assert!(matches!(err, SignError::WrongPassword), "{err}");
    assert_eq!(err.to_string(), "Mật khẩu của tệp PKCS#12 không đúng.");
    assert!(matches!(
        SoftwareSigner::from_pkcs12(b"\x30\x03junk", "x"),
        Err(SignError::BadPkcs12(_))
    ));

    let imported = SoftwareSigner::from_pkcs12(&p12, "Mat-khau-2026").unwrap();
    assert_eq!(imported.certificate(), signer.certificate());
    assert_eq!(
        imported.chain(),
        std::slice::from_ref(&pki.issuing.certificate)
    );
    let signed = sign_pdf(&two_page_pdf(false), &imported, &SignOptions::at(now())).unwrap();
    let mut trust = TrustStore::new();
    trust.add_root(pki.root.certificate.clone());
    assert!(
        verify_pdf(&signed, &trust, Utc::now().timestamp())
            .unwrap()
            .valid
    );
}

#[test]
fn rsa_certificates_from_another_ca_are_accepted() {
    if !need("openssl") {
        return;
    }
    let dir = temp_dir("rsa");
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:3072",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/C=VN/O=CA thu nghiem/CN=CA RSA thu nghiem",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/C=VN/O=So TTTT/CN=Le Thi Hoa",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "10",
            "-extfile",
            "ext.cnf",
        ],
    );
    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "leaf.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "leaf.p12",
            "-passout",
            "pass:abc123",
        ],
    );
    let signer =
        SoftwareSigner::from_pkcs12(&std::fs::read(dir.join("leaf.p12")).unwrap(), "abc123")
            .unwrap();
    let signed = sign_pdf(&two_page_pdf(true), &signer, &SignOptions::at(now())).unwrap();
    let mut trust = TrustStore::new();
    trust
        .add_pem_bundle(&std::fs::read_to_string(dir.join("ca.pem")).unwrap())
        .unwrap();
    let report = verify_pdf(&signed, &trust, Utc::now().timestamp()).unwrap();
    assert!(report.valid, "{report:#?}");
    assert_eq!(report.signatures[0].signer, "Le Thi Hoa");
    let file = dir.join("signed.pdf");
    std::fs::write(&file, &signed).unwrap();
    if need("pyhanko") {
        let (ok, text) = pyhanko(&file, &dir.join("ca.pem"));
        assert!(
            ok && text.contains("The signature is judged VALID."),
            "{text}"
        );
    }
}
