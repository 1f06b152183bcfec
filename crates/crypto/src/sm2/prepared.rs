//! A public key prepared for many verifications: a fixed-base table of its multiples.
//!
//! A trusted CA root checks thousands of certificate signatures with one key. With every multiple
//! j·16^i·P (j = 1..8, i = 0..64) precomputed, [t]P becomes at most 65 mixed additions of table
//! entries selected by t's signed radix-16 digits, with no doublings: the w-NAF multiplication of
//! a one-off key spends about 256 doublings. The table (about 37 KiB) costs two or three
//! verifications to build and is shared between clones.

use std::sync::Arc;

use primeorder::{Radix16Decomposition, Radix16Digits};
use sm2::elliptic_curve::BatchNormalize as _;
use sm2::elliptic_curve::ops::Double as _;
use sm2::{AffinePoint, ProjectivePoint, Scalar};

use super::{PublicKey, Sm2Error, verify};

/// Signed radix-16 digits of a scalar: two per byte and one for the final carry.
const DIGITS: usize = 65;
/// Multiples of one power of 16 kept in the table: digits lie in [-8, 8].
const MULTIPLES: usize = 8;

/// An SM2 public key with a precomputed table, for keys that verify many signatures.
///
/// Verifies exactly as [`PublicKey::verify`] does, in less than half the time.
#[derive(Clone)]
pub struct PreparedPublicKey {
    key: PublicKey,
    /// `table[i][j - 1]` is j·16^i·P in affine form, so additions into the accumulator are mixed.
    table: Arc<[[AffinePoint; MULTIPLES]]>,
}

impl std::fmt::Debug for PreparedPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The table is derived from the key: printing it would only add noise.
        f.debug_struct("PreparedPublicKey").field("key", &self.key).finish_non_exhaustive()
    }
}

impl PreparedPublicKey {
    /// Builds the table for `key`.
    pub fn new(key: PublicKey) -> PreparedPublicKey {
        let mut projective = Vec::with_capacity(DIGITS * MULTIPLES);
        let mut base = ProjectivePoint::from(&key.point);
        for _ in 0..DIGITS {
            let mut multiple = base;
            for _ in 0..MULTIPLES {
                projective.push(multiple);
                multiple += &base;
            }
            base = base.double().double().double().double();
        }
        // One field inversion for all 520 points. None is the identity: P has prime order n and
        // every j·16^i is below n and nonzero.
        let affine = ProjectivePoint::batch_normalize(projective.as_slice());
        let table = affine
            .chunks_exact(MULTIPLES)
            .map(|row| std::array::from_fn(|j| row[j]))
            .collect::<Vec<[AffinePoint; MULTIPLES]>>()
            .into();
        PreparedPublicKey { key, table }
    }

    /// The key itself.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// Checks a DER signature of `message` under the default ID, as [`PublicKey::verify`] does.
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> Result<(), Sm2Error> {
        verify::verify(&self.key.z, message, signature_der, |t| self.mul_vartime(t))
    }

    /// [k]P from the table, in variable time (k is public in a verification).
    fn mul_vartime(&self, k: &Scalar) -> ProjectivePoint {
        let digits = Radix16Decomposition::<Radix16Digits<sm2::Sm2>>::new(k);
        let mut sum = ProjectivePoint::IDENTITY;
        for (i, row) in self.table.iter().enumerate() {
            let digit = digits[i];
            // |digit| <= 8 by construction of the decomposition; zero adds nothing.
            let Some(entry) = row.get(usize::from(digit.unsigned_abs()).wrapping_sub(1)) else {
                continue;
            };
            if digit < 0 {
                sum += &-entry;
            } else {
                sum += entry;
            }
        }
        sum
    }
}

impl From<PublicKey> for PreparedPublicKey {
    fn from(key: PublicKey) -> PreparedPublicKey {
        PreparedPublicKey::new(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;
    use sm2::elliptic_curve::Field as _;

    #[test]
    fn table_multiplication_matches_the_constant_time_one() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0001);
        let key = PublicKey::new(
            sm2::PublicKey::from_affine((ProjectivePoint::GENERATOR * Scalar::random(&mut rng)).to_affine())
                .expect("not the identity"),
        );
        let prepared = PreparedPublicKey::new(key.clone());
        let point = ProjectivePoint::from(&key.point);
        let mut scalars = vec![Scalar::ZERO, Scalar::ONE, -Scalar::ONE, Scalar::from(8u64), Scalar::from(9u64)];
        scalars.extend((0..64).map(|_| Scalar::random(&mut rng)));
        for k in scalars {
            assert_eq!(prepared.mul_vartime(&k), point.mul(&k), "k = {k:?}");
        }
    }
}
