//! `motcua pdf sign`, `motcua pdf verify --json` and `motcua pki root`, run as a user would: the
//! JSON fields and exit codes are a contract; a failed signing writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn motcua(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.args(args)
        .current_dir(dir)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .env(
            "MOTCUA_DATABASE_URL",
            format!("sqlite://{}/pki.db", dir.display()),
        )
        .env(
            "MOTCUA_SIGNING_KEY_PASSPHRASE",
            "pdf-cli-test-passphrase-0123",
        );
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-pdfcli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A two-page PDF with a classic cross-reference table.
fn two_page_pdf() -> Vec<u8> {
    motcua_sign::pdf::simple_document(&["Quyet dinh so 15/QD-BTTTT", "Trang 2"])
}

fn openssl(dir: &Path, args: &[&str]) -> bool {
    match Command::new("openssl").current_dir(dir).args(args).output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!("openssl {args:?}: {}", text(&o.stderr)),
        Err(_) => {
            assert!(
                std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
                "openssl is required"
            );
            eprintln!("NOT RUN: openssl is not installed");
            false
        }
    }
}

#[test]
fn sign_then_verify_json_with_exit_codes() {
    let dir = temp_dir("sign");
    std::fs::write(dir.join("in.pdf"), two_page_pdf()).unwrap();
    if !openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "30",
            "-subj",
            "/C=VN/O=Cuc Viec lam/CN=Nguyen Van An",
            "-addext",
            "keyUsage=critical,digitalSignature,nonRepudiation",
        ],
    ) {
        return;
    }
    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "k.pem",
            "-in",
            "c.pem",
            "-out",
            "a.p12",
            "-passout",
            "pass:p12-pass",
        ],
    );
    let env = [("P12_PASSWORD", "p12-pass"), ("WRONG", "nope")];

    // Wrong password: exit 2, a Vietnamese reason, and no output file.
    let out = motcua(
        &dir,
        &[
            "pdf",
            "sign",
            "--in",
            "in.pdf",
            "--out",
            "bad.pdf",
            "--cert",
            "a.p12",
            "--password-env",
            "WRONG",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Mật khẩu của tệp PKCS#12 không đúng"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("bad.pdf").exists());

    // Not a PDF: exit 2, nothing written.
    std::fs::write(dir.join("note.txt"), "không phải PDF").unwrap();
    let out = motcua(
        &dir,
        &[
            "pdf",
            "sign",
            "--in",
            "note.txt",
            "--out",
            "bad.pdf",
            "--cert",
            "a.p12",
            "--password-env",
            "P12_PASSWORD",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("không phải là PDF"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("bad.pdf").exists());

    let out = motcua(
        &dir,
        &[
            "pdf",
            "sign",
            "--in",
            "in.pdf",
            "--out",
            "signed.pdf",
            "--cert",
            "a.p12",
            "--password-env",
            "P12_PASSWORD",
            "--reason",
            "Ký số văn bản",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = motcua(
        &dir,
        &["pdf", "verify", "signed.pdf", "--json", "--trust", "c.pem"],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true, "{v:#}");
    let sig = &v["signatures"][0];
    assert_eq!(sig["signer"], "Nguyen Van An");
    assert_eq!(sig["intact"], true);
    assert_eq!(sig["covers_whole_document"], true);
    assert_eq!(sig["trusted"], true);
    assert!(
        sig["signed_at"].as_str().unwrap().ends_with("+07:00"),
        "{sig}"
    );
    assert!(sig["reason"].is_string());

    // One changed byte: exit 1 and valid false.
    let mut bytes = std::fs::read(dir.join("signed.pdf")).unwrap();
    let at = bytes.windows(5).position(|w| w == b"15/QD").unwrap();
    bytes[at] = b'9';
    std::fs::write(dir.join("tampered.pdf"), &bytes).unwrap();
    let out = motcua(
        &dir,
        &[
            "pdf",
            "verify",
            "tampered.pdf",
            "--json",
            "--trust",
            "c.pem",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["signatures"][0]["intact"], false);

    // Not trusted without the right root. `pki init` works on an installation's database
    // (`migrate` sets it up; without one it stops with exit 3, `tests/anywhere.rs`).
    let out = motcua(&dir, &["migrate"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = motcua(&dir, &["pki", "init"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = motcua(&dir, &["pki", "root", "--out", "root.pem"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pem = std::fs::read_to_string(dir.join("root.pem")).unwrap();
    assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 1);
    let out = motcua(&dir, &["pdf", "verify", "signed.pdf", "--json"], &env);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the installation's root does not vouch for a stranger"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signatures"][0]["intact"], true);
    assert_eq!(v["signatures"][0]["trusted"], false);
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-in"])
        .arg(dir.join("root.pem"))
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("motcua Development Root CA"),
        "{}",
        text(&out.stdout)
    );

    // Import the same PKCS#12 as the agency's organisation certificate; an unknown agency or the
    // wrong password stores nothing; the list shows it; revoking marks it.
    let out = motcua(
        &dir,
        &[
            "pki",
            "import",
            "--organ",
            "000.00.00.G99",
            "--p12",
            "a.p12",
            "--password-env",
            "P12_PASSWORD",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no agency with OrganId 000.00.00.G99"),
        "{}",
        text(&out.stderr)
    );
    let out = motcua(&dir, &["demo"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let demo_credentials = 5;
    let out = motcua(
        &dir,
        &[
            "pki",
            "import",
            "--organ",
            "000.00.00.G22",
            "--p12",
            "a.p12",
            "--password-env",
            "WRONG",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let list = |dir: &Path| -> serde_json::Value {
        let out = motcua(dir, &["pki", "list", "--json"], &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(list(&dir).as_array().unwrap().len(), demo_credentials);
    let out = motcua(
        &dir,
        &[
            "pki",
            "import",
            "--organ",
            "000.00.00.G22",
            "--p12",
            "a.p12",
            "--password-env",
            "P12_PASSWORD",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = text(&out.stdout).trim().to_owned();
    let l = list(&dir);
    assert_eq!(l[0]["id"], id.as_str());
    assert_eq!(
        (
            l[0]["holder"].as_str(),
            l[0]["source"].as_str(),
            l[0]["label"].as_str()
        ),
        (Some("organisation"), Some("pkcs12"), Some("Nguyen Van An"))
    );
    assert!(l[0]["revoked_at"].is_null());
    let out = motcua(&dir, &["pki", "revoke", &id, "--reason", "Lộ khoá"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(list(&dir)[0]["revoked_at"].is_string());
}
