//! Pure cryptography of the ggzy platform.
//!
//! Architecture invariant: bytes in, bytes out. No IO, no clock, no randomness source (callers that
//! need randomness pass it in), so a bidder-side tool can reuse this crate as it is.

pub mod cert;
pub mod chain;
pub mod draw_seed;
mod encoding;
pub mod envelope;
pub mod evaluation_signing;
pub mod merkle;
pub mod opening_record;
pub mod receipt;
pub mod reference_price;
pub mod shamir;
pub mod sm2;
pub mod sm3;
pub mod sm4_gcm;
pub mod tree_head;
