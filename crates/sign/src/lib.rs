//! Keys, certificates and PAdES signatures for motcua's e-office.
//!
//! An electronic document signed digitally by the competent person and by the organisation has the
//! legal value of the paper original (Decree 30/2020/NĐ-CP art. 3 and 5; Law 20/2023/QH15 on
//! electronic transactions, art. 23). This crate holds the parts that need cryptography:
//!
//! - [`keys`]: the [`Signer`] trait (software keys today; tokens, HSMs over PKCS#11 or a CA's
//!   remote-signing service plug in behind it), PKCS#12 import, private keys encrypted at rest;
//! - [`pki`]: the development PKI `motcua demo` creates (root → issuing CA → people and agencies);
//! - [`cades`]: the detached CMS signature (CAdES-BES as PAdES B-B requires, ETSI EN 319 122-1);
//! - [`pdf`]: signing a PDF as an incremental update (ETSI EN 319 142-1, PAdES baseline B-B) and
//!   verifying every signature in a PDF;
//! - [`trust`]: trusted roots, revoked certificates, and the chain check;
//! - [`image`]: PNG signature and seal images, and the demo images.
//!
//! Messages meant for people are in Vietnamese (they reach the desk officer and the CLI user).

pub mod cades;
pub mod error;
pub mod image;
pub mod keys;
pub mod oids;
pub mod pdf;
pub mod pki;
pub mod trust;

pub use error::SignError;
pub use keys::{Signer, SoftwareSigner};
pub use pdf::{SignOptions, VerifyReport, sign_pdf, verify_pdf};
pub use trust::TrustStore;
