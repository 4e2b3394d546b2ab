//! Shared helpers for the signing tests: sample PDFs and the outside validators.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object, Stream, dictionary};

/// Whether the suite insists on the outside tools (scripts/test sets it).
pub fn tools_required() -> bool {
    std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_some()
}

pub fn have(tool: &str) -> bool {
    Command::new(tool).arg("--help").output().is_ok()
}

/// A tool the test needs: panics when the suite requires it and it is missing; otherwise says why
/// the check did not run and returns false.
pub fn need(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    assert!(
        !tools_required(),
        "{tool} is required (MOTCUA_REQUIRE_TOOLS) but not installed"
    );
    eprintln!("NOT RUN: {tool} is not installed (scripts/test installs it)");
    false
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-sign-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A two-page A4 document with text on each page; `modern` saves it with object streams and a
/// cross-reference stream (as many office suites do), otherwise with a classic xref table.
pub fn two_page_pdf(modern: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for page in 1..=2 {
        let text = format!(
            "BT /F1 13 Tf 85 760 Td (BO THONG TIN VA TRUYEN THONG - trang {page}) Tj 0 -20 Td (So: 15/QD-BTTTT) Tj ET"
        );
        let content_id = doc.add_object(Stream::new(dictionary! {}, text.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::Reference(page_id));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 2, "Resources" => resources_id,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    if modern {
        doc.save_modern(&mut out).unwrap();
    } else {
        doc.save_to(&mut out).unwrap();
    }
    out
}

/// An NSS database trusting `root_pem`, for pdfsig (poppler checks trust through NSS).
pub fn nss_db(dir: &Path, root_pem: &Path) -> Option<String> {
    if !need("certutil") {
        return None;
    }
    let db = dir.join("nss");
    std::fs::create_dir_all(&db).unwrap();
    let spec = format!("sql:{}", db.display());
    let ok = Command::new("certutil")
        .args(["-N", "-d", &spec, "--empty-password"])
        .status()
        .unwrap();
    assert!(ok.success(), "certutil -N failed");
    let ok = Command::new("certutil")
        .args(["-A", "-d", &spec, "-n", "motcua-root", "-t", "CT,C,C", "-i"])
        .arg(root_pem)
        .status()
        .unwrap();
    assert!(ok.success(), "certutil -A failed");
    Some(spec)
}

/// pdfsig's report: one (signature valid, certificate trusted, whole document) per signature.
pub fn pdfsig(file: &Path, nss: &str) -> Vec<(bool, bool, bool)> {
    let out = Command::new("pdfsig")
        .args(["-nssdir", nss])
        .arg(file)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let mut sigs = Vec::new();
    for block in text.split("Signature #").skip(1) {
        sigs.push((
            block.contains("Signature Validation: Signature is Valid."),
            block.contains("Certificate Validation: Certificate is Trusted."),
            block.contains("Total document signed") && !block.contains("Not total document signed"),
        ));
    }
    eprintln!("pdfsig {}:\n{text}", file.display());
    sigs
}

/// pyHanko's verdict: (exit status success, output).
pub fn pyhanko(file: &Path, root_pem: &Path) -> (bool, String) {
    let out = Command::new("pyhanko")
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(root_pem)
        .arg(file)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    eprintln!("pyhanko {}:\n{text}", file.display());
    (out.status.success(), text)
}
