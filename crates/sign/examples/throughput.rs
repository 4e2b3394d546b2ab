//! Signing and verifying throughput on a two-page document (PAdES B-B, ECDSA P-256), for
//! `bench/run` (issue 7's goals: sign ≥ 500/s, verify ≥ 1,000/s on 2 cores, each beside
//! `openssl speed ecdsap256` measured in the same run).
//!
//!   cargo run --release -p motcua-sign --example throughput -- [SECONDS] [THREADS]
//!
//! Prints one JSON object: signs and verifications per second over THREADS threads, the document's
//! size, and the signed file's size. Every verification must say valid, or the run fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use motcua_sign::pki::{DevPki, Holder};
use motcua_sign::{SignOptions, TrustStore, sign_pdf, verify_pdf};

fn run<F: Fn() + Send + Sync + 'static>(threads: usize, seconds: f64, work: F) -> f64 {
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (work, stop, done) = (work.clone(), stop.clone(), done.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    work();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let threads: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    let pki = DevPki::generate("Bộ Thông tin và Truyền thông").unwrap();
    let signer = Arc::new(
        pki.issue(&Holder::Person {
            full_name: "Nguyễn Văn A",
            email: "nva@mic.gov.vn",
            organisation: "Bộ Thông tin và Truyền thông",
        })
        .unwrap(),
    );
    let pdf = Arc::new(common::two_page_pdf(false));
    let mut trust = TrustStore::new();
    trust.add_root(pki.root.certificate.clone());
    let trust = Arc::new(trust);
    let vn = FixedOffset::east_opt(7 * 3600).unwrap();
    let signed = sign_pdf(
        &pdf,
        signer.as_ref(),
        &SignOptions::at(Utc::now().with_timezone(&vn)),
    )
    .unwrap();
    assert!(
        verify_pdf(&signed, &trust, Utc::now().timestamp())
            .unwrap()
            .valid
    );

    let sign_rate = {
        let (signer, pdf) = (signer.clone(), pdf.clone());
        run(threads, seconds, move || {
            let out = sign_pdf(
                &pdf,
                signer.as_ref(),
                &SignOptions::at(Utc::now().with_timezone(&vn)),
            )
            .unwrap();
            std::hint::black_box(out);
        })
    };
    let verify_rate = {
        let (trust, signed) = (trust.clone(), Arc::new(signed.clone()));
        run(threads, seconds, move || {
            let report = verify_pdf(&signed, &trust, Utc::now().timestamp()).unwrap();
            assert!(report.valid);
        })
    };
    println!(
        "{{\"threads\":{threads},\"seconds\":{seconds},\"pages\":2,\"pdf_bytes\":{},\"signed_bytes\":{},\"sign_per_s\":{sign_rate:.1},\"verify_per_s\":{verify_rate:.1}}}",
        pdf.len(),
        signed.len()
    );
}
