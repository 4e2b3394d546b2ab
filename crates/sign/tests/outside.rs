//! Every PDF motcua signs is judged valid by two outside validators, pyHanko (PyPI pyhanko-cli)
//! and poppler's pdfsig (with an NSS database trusting our root), and by our own verifier; after
//! any byte of the signed range changes, all three say invalid.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{FixedOffset, Utc};
use common::*;
use motcua_sign::image::{demo_seal, demo_signature};
use motcua_sign::pdf::Appearance;
use motcua_sign::pki::{DevPki, Holder};
use motcua_sign::{SignOptions, TrustStore, sign_pdf, verify_pdf};

fn vn_now() -> chrono::DateTime<FixedOffset> {
    Utc::now().with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
}

struct Setup {
    pki: DevPki,
    trust: TrustStore,
}

fn setup() -> Setup {
    let pki = DevPki::generate("Bộ Thông tin và Truyền thông").unwrap();
    let mut trust = TrustStore::new();
    trust.add_root(pki.root.certificate.clone());
    Setup { pki, trust }
}

/// Signs as the minister, then as the ministry with the seal over the left third of the signature.
fn sign_twice(s: &Setup, pdf: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let person = s
        .pki
        .issue(&Holder::Person {
            full_name: "Nguyễn Mạnh Hùng",
            email: "nmhung@mic.gov.vn",
            organisation: "Bộ Thông tin và Truyền thông",
        })
        .unwrap();
    let org = s
        .pki
        .issue(&Holder::Organisation {
            organ_id: "000.00.00.G22",
            name: "Bộ Thông tin và Truyền thông",
        })
        .unwrap();
    let sig_rect = [360.0, 120.0, 520.0, 180.0];
    let mut options = SignOptions::at(vn_now());
    options.reason = Some("Ký ban hành văn bản".into());
    options.location = Some("Hà Nội".into());
    options.appearance = Some(Appearance {
        page: 2,
        rect: sig_rect,
        image: Some(demo_signature(7)),
    });
    let once = sign_pdf(pdf, &person, &options).unwrap();
    let third = (sig_rect[2] - sig_rect[0]) / 3.0;
    let seal = [sig_rect[0] - 40.0, 100.0, sig_rect[0] + third, 200.0];
    let mut options = SignOptions::at(vn_now());
    options.reason = Some("Đóng dấu cơ quan".into());
    options.appearance = Some(Appearance {
        page: 2,
        rect: seal,
        image: Some(demo_seal()),
    });
    let twice = sign_pdf(&once, &org, &options).unwrap();
    (once, twice)
}

#[test]
fn signed_documents_are_valid_for_pyhanko_pdfsig_and_us() {
    let s = setup();
    let dir = temp_dir("outside");
    let root = dir.join("root.pem");
    std::fs::write(&root, s.pki.root_pem().unwrap()).unwrap();
    for modern in [false, true] {
        let pdf = two_page_pdf(modern);
        let (once, twice) = sign_twice(&s, &pdf);
        assert!(
            once.starts_with(&pdf) && twice.starts_with(&once),
            "updates are incremental"
        );

        let ours = verify_pdf(&twice, &s.trust, Utc::now().timestamp()).unwrap();
        assert!(ours.valid, "{ours:#?}");
        assert_eq!(ours.signatures.len(), 2);
        assert_eq!(ours.signatures[0].signer, "Nguyễn Mạnh Hùng");
        assert!(!ours.signatures[0].covers_whole_document);
        assert!(ours.signatures[1].covers_whole_document);
        assert_eq!(
            ours.signatures[0].stated_reason.as_deref(),
            Some("Ký ban hành văn bản")
        );

        let file = dir.join(format!("signed-{modern}.pdf"));
        std::fs::write(&file, &twice).unwrap();
        if need("pdfsig")
            && let Some(nss) = nss_db(&dir.join(format!("n{modern}")), &root)
        {
            let sigs = pdfsig(&file, &nss);
            assert_eq!(sigs.len(), 2, "pdfsig sees both signatures");
            assert!(
                sigs.iter().all(|(valid, trusted, _)| *valid && *trusted),
                "{sigs:?}"
            );
            assert!(
                sigs[1].2,
                "the organisation's signature covers the whole document"
            );
        }
        if need("pyhanko") {
            let (ok, text) = pyhanko(&file, &root);
            assert!(ok, "pyHanko: {text}");
            assert_eq!(
                text.matches("The signature is judged VALID.").count(),
                2,
                "{text}"
            );
            assert!(!text.contains("INVALID"), "{text}");
            assert!(
                text.contains("The signer's certificate is trusted."),
                "{text}"
            );
        }
    }
}

#[test]
fn changing_any_signed_byte_makes_everyone_say_invalid() {
    let s = setup();
    let dir = temp_dir("tamper");
    let root = dir.join("root.pem");
    std::fs::write(&root, s.pki.root_pem().unwrap()).unwrap();
    let pdf = two_page_pdf(false);
    let (_, signed) = sign_twice(&s, &pdf);
    let nss = if need("pdfsig") {
        nss_db(&dir, &root)
    } else {
        None
    };
    let text_at = signed.windows(7).position(|w| w == b"15/QD-B").unwrap();
    // A byte of the page text, a byte of the first signature's dictionary, a digit of the last
    // widget's rectangle (the organisation's update): each keeps the file readable.
    let sig_dict = signed.windows(10).position(|w| w == b"/ByteRange").unwrap() - 20;
    let last_rect = signed.windows(5).rposition(|w| w == b"/Rect").unwrap();
    let digit = last_rect
        + signed[last_rect..]
            .iter()
            .position(|c| c.is_ascii_digit())
            .unwrap();
    for (n, at) in [text_at + 3, sig_dict, digit].into_iter().enumerate() {
        let mut bad = signed.clone();
        bad[at] = if bad[at] == b'7' { b'8' } else { b'7' };
        let ours = verify_pdf(&bad, &s.trust, Utc::now().timestamp()).unwrap();
        assert!(
            !ours.valid,
            "ours must refuse a change at byte {at}: {ours:#?}"
        );
        let file = dir.join(format!("tampered-{n}.pdf"));
        std::fs::write(&file, &bad).unwrap();
        if let Some(nss) = &nss {
            let sigs = pdfsig(&file, nss);
            assert!(
                sigs.iter().any(|(valid, _, _)| !*valid),
                "pdfsig must refuse byte {at}: {sigs:?}"
            );
        }
        if need("pyhanko") {
            let (ok, text) = pyhanko(&file, &root);
            assert!(
                !ok && text.contains("judged INVALID"),
                "pyHanko must refuse byte {at}: {text}"
            );
        }
    }
}
