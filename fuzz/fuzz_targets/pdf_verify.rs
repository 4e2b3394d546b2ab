//! Any bytes given to the PDF verifier and to the signer's loader: a report or a refusal, never a
//! panic. The seed corpus holds signed PDFs, so mutations reach the signature parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_sign::TrustStore;

fuzz_target!(|data: &[u8]| {
    let trust = TrustStore::new();
    if let Ok(report) = motcua_sign::verify_pdf(data, &trust, 1_800_000_000) {
        // Nothing is trusted here, so nothing can be valid.
        assert!(!report.valid);
    }
});
