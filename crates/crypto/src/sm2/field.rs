//! The SM2 prime field p = 2^256 − 2^224 − 2^96 + 2^64 − 1 (GB/T 32918.5), for verification only.
//!
//! The arithmetic is fiat-crypto's formally verified Montgomery code, the same the `sm2` crate
//! runs; that crate keeps its field type private, and verification needs it to work in Jacobian
//! coordinates (see `jacobian.rs`). Every value handled here is public, so nothing needs to be
//! constant-time: the inversion below branches on the exponent's bits.

use fiat_crypto::sm2_64::{
    fiat_sm2_add, fiat_sm2_from_bytes, fiat_sm2_montgomery_domain_field_element as Montgomery, fiat_sm2_mul,
    fiat_sm2_non_montgomery_domain_field_element as Plain, fiat_sm2_opp, fiat_sm2_set_one, fiat_sm2_square,
    fiat_sm2_sub, fiat_sm2_to_montgomery,
};

/// p, big-endian.
const P: [u8; 32] = hex32("fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff");
/// p − 2, the exponent of inversion by Fermat's little theorem, big-endian.
const P_MINUS_2: [u8; 32] = hex32("fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffd");

/// 32 bytes from 64 hex digits, at compile time.
pub(super) const fn hex32(hex: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let hex = hex.as_bytes();
    assert!(hex.len() == 64, "64 hex digits");
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]);
        i += 1;
    }
    out
}

/// An element of the field in Montgomery form; always fully reduced, so equal elements have equal
/// limbs.
#[derive(Clone, Copy)]
pub(super) struct Fe(Montgomery);

impl PartialEq for Fe {
    fn eq(&self, other: &Fe) -> bool {
        self.0.0 == other.0.0
    }
}

impl Eq for Fe {}

impl std::fmt::Debug for Fe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fe(montgomery {:016x?})", self.0.0)
    }
}

impl Fe {
    pub(super) const ZERO: Fe = Fe(Montgomery([0; 4]));

    #[inline]
    pub(super) fn one() -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_set_one(&mut out);
        Fe(out)
    }

    /// The element with this big-endian value; `None` unless the value is below p.
    pub(super) fn from_be_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        // Arrays compare lexicographically, which for equal lengths is numeric order.
        if *bytes >= P {
            return None;
        }
        let mut little_endian = *bytes;
        little_endian.reverse();
        let mut plain = Plain([0; 4]);
        fiat_sm2_from_bytes(&mut plain.0, &little_endian);
        let mut out = Montgomery([0; 4]);
        fiat_sm2_to_montgomery(&mut out, &plain);
        Some(Fe(out))
    }

    /// The big-endian value (for tests, to hand points back to the `sm2` crate).
    #[cfg(test)]
    pub(super) fn to_be_bytes(self) -> [u8; 32] {
        let mut plain = Plain([0; 4]);
        fiat_crypto::sm2_64::fiat_sm2_from_montgomery(&mut plain, &self.0);
        let mut out = [0u8; 32];
        fiat_crypto::sm2_64::fiat_sm2_to_bytes(&mut out, &plain.0);
        out.reverse();
        out
    }

    #[inline]
    pub(super) fn is_zero(&self) -> bool {
        self.0.0 == [0; 4]
    }

    #[inline]
    pub(super) fn mul(&self, other: &Fe) -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_mul(&mut out, &self.0, &other.0);
        Fe(out)
    }

    #[inline]
    pub(super) fn square(&self) -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_square(&mut out, &self.0);
        Fe(out)
    }

    #[inline]
    pub(super) fn add(&self, other: &Fe) -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_add(&mut out, &self.0, &other.0);
        Fe(out)
    }

    #[inline]
    pub(super) fn sub(&self, other: &Fe) -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_sub(&mut out, &self.0, &other.0);
        Fe(out)
    }

    #[inline]
    pub(super) fn double(&self) -> Fe {
        self.add(self)
    }

    #[inline]
    pub(super) fn neg(&self) -> Fe {
        let mut out = Montgomery([0; 4]);
        fiat_sm2_opp(&mut out, &self.0);
        Fe(out)
    }

    /// 1/self (0 for 0), as self^(p−2), in variable time.
    pub(super) fn invert_vartime(&self) -> Fe {
        let mut out = Fe::one();
        for byte in P_MINUS_2 {
            for bit in (0..8).rev() {
                out = out.square();
                if byte >> bit & 1 == 1 {
                    out = out.mul(self);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fe(hex: &str) -> Fe {
        Fe::from_be_bytes(&hex32(hex)).expect("below p")
    }

    #[test]
    fn values_at_and_above_p_are_refused() {
        assert_eq!(Fe::from_be_bytes(&P), None);
        assert_eq!(Fe::from_be_bytes(&[0xff; 32]), None);
        let mut below = P;
        below[31] -= 1;
        assert_eq!(Fe::from_be_bytes(&below), Some(Fe::one().neg()), "p − 1 is −1");
        assert_eq!(Fe::from_be_bytes(&[0; 32]), Some(Fe::ZERO));
    }

    #[test]
    fn arithmetic_agrees_with_small_integers_and_wraps_at_p() {
        let two = Fe::one().double();
        let three = two.add(&Fe::one());
        let six = fe("0000000000000000000000000000000000000000000000000000000000000006");
        assert_eq!(two.mul(&three), six);
        assert_eq!(three.square(), six.add(&three));
        assert_eq!(six.sub(&three), three);
        assert_eq!(three.sub(&six), three.neg());
        // (p − 1) + 2 = 1 (mod p).
        assert_eq!(Fe::one().neg().add(&two), Fe::one());
    }

    #[test]
    fn inversion_gives_the_multiplicative_inverse() {
        for hex in [
            "0000000000000000000000000000000000000000000000000000000000000002",
            "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7",
            "fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffe",
        ] {
            let a = fe(hex);
            assert_eq!(a.mul(&a.invert_vartime()), Fe::one(), "{hex}");
        }
        assert_eq!(Fe::ZERO.invert_vartime(), Fe::ZERO);
    }
}
