//! The sealed reference price (标底, 招标投标法实施条例 第二十七条): before the deadline the principal
//! publishes only a commitment, SM3 over the tender, the lot, the price and a random salt; at the
//! opening it reveals the price and the salt, and anyone can check that the price is the one it
//! committed to (第五十条: published at the opening). Nobody, the platform included, learns the price
//! before the opening; the salt keeps a guessed price from being confirmed by hashing it.
//!
//! ```text
//! commitment = SM3( "GGZY-REFERENCE-PRICE-V1" 0x00 || lp(tender_id) || lp(lot_id) || i64(price_fen) || lp(salt) )
//! ```
//! `lp(x)` is a big-endian u32 length followed by the bytes; `i64` is big-endian.

use crate::encoding::{put_bytes, put_i64};
use crate::sm3::{Sm3Digest, sm3};

/// Domain tag of the committed bytes, versioned.
pub const REFERENCE_PRICE_TAG: &[u8] = b"GGZY-REFERENCE-PRICE-V1\0";
/// The shortest salt accepted: 128 bits keep the price from being found by trying prices.
pub const SALT_MIN: usize = 16;

/// Domain tag of a sale's sealed reserve price (底价), versioned.
pub const RESERVE_PRICE_TAG: &[u8] = b"GGZY-RESERVE-PRICE-V1\0";

/// Why a commitment cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferencePriceError {
    /// The salt is too short.
    #[error("the salt must have at least {SALT_MIN} bytes")]
    SaltTooShort,
}

/// The commitment to `price_fen` for a tender's lot.
pub fn commitment(
    tender_id: &str,
    lot_id: &str,
    price_fen: i64,
    salt: &[u8],
) -> Result<Sm3Digest, ReferencePriceError> {
    if salt.len() < SALT_MIN {
        return Err(ReferencePriceError::SaltTooShort);
    }
    let mut bytes = REFERENCE_PRICE_TAG.to_vec();
    put_bytes(&mut bytes, tender_id.as_bytes());
    put_bytes(&mut bytes, lot_id.as_bytes());
    put_i64(&mut bytes, price_fen);
    put_bytes(&mut bytes, salt);
    Ok(sm3(&bytes))
}

/// The commitment to a sale's reserve price (底价, 39号令(土地) 第十二条: confidential until the sale
/// ends), published with the announcement and revealed when the bidding is over:
/// `SM3( "GGZY-RESERVE-PRICE-V1" 0x00 || i64(price_fen) || lp(salt) )`. The sale id is not bound
/// because it is assigned when the announcement is recorded; the salt makes each commitment unique.
pub fn reserve_commitment(price_fen: i64, salt: &[u8]) -> Result<Sm3Digest, ReferencePriceError> {
    if salt.len() < SALT_MIN {
        return Err(ReferencePriceError::SaltTooShort);
    }
    let mut bytes = RESERVE_PRICE_TAG.to_vec();
    put_i64(&mut bytes, price_fen);
    put_bytes(&mut bytes, salt);
    Ok(sm3(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commitment_binds_the_tender_the_lot_the_price_and_the_salt() {
        let salt = [7u8; 16];
        let base = commitment("ZB1", "1", 123_456_789, &salt).expect("commitment");
        assert_ne!(base, commitment("ZB1", "2", 123_456_789, &salt).expect("lot"));
        assert_ne!(base, commitment("ZB2", "1", 123_456_789, &salt).expect("tender"));
        assert_ne!(base, commitment("ZB1", "1", 123_456_790, &salt).expect("price"));
        assert_ne!(base, commitment("ZB1", "1", 123_456_789, &[8u8; 16]).expect("salt"));
        // Length prefixes: moving a character from the tender id to the lot id changes the bytes.
        assert_ne!(commitment("ZB1", "11", 1, &salt), commitment("ZB11", "1", 1, &salt));
        assert_eq!(commitment("ZB1", "1", 1, &[0u8; 15]), Err(ReferencePriceError::SaltTooShort));
    }

    #[test]
    fn a_reserve_commitment_binds_the_price_and_the_salt_under_its_own_tag() {
        let salt = [7u8; 16];
        let base = reserve_commitment(123_456_789, &salt).expect("commitment");
        assert_ne!(base, reserve_commitment(123_456_790, &salt).expect("price"));
        assert_ne!(base, reserve_commitment(123_456_789, &[8u8; 16]).expect("salt"));
        assert_eq!(reserve_commitment(1, &[0u8; 15]), Err(ReferencePriceError::SaltTooShort));
    }
}
