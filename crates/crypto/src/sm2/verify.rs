//! SM2 signature verification (GB/T 32918.2 steps B1 to B7) in variable time.
//!
//! The `sm2` crate verifies with a constant-time linear combination in complete projective
//! formulas, which costs about three times what a verification needs: every input of a
//! verification is public, so timing leaks nothing. Here [s]G comes from a comb table of the
//! generator and [t]P from the caller (w-NAF for a one-off key, a comb table for a prepared one),
//! in Jacobian coordinates, and the final comparison needs no inversion (`jacobian.rs`).

use primeorder::PrimeCurveParams as _;
use sm2::elliptic_curve::ff::PrimeField as _;
use sm2::elliptic_curve::ops::Reduce as _;
use sm2::elliptic_curve::sec1::ToSec1Point as _;
use sm2::{FieldBytes, Scalar};
use sm3::{Digest as _, Sm3};

use super::jacobian::{Jacobian, generator_table};
use super::{DEFAULT_DIST_ID, Sm2Error};

/// Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) for the default ID.
pub(super) fn identity_hash(key: &sm2::PublicKey) -> [u8; 32] {
    // The ID is a 16-byte constant, so its bit length always fits ENTL's two bytes.
    const ENTL: u16 = (DEFAULT_DIST_ID.len() * 8) as u16;
    let point = key.as_affine().to_sec1_point(false);
    let mut hasher = Sm3::new();
    hasher.update(ENTL.to_be_bytes());
    hasher.update(DEFAULT_DIST_ID);
    hasher.update(sm2::Sm2::EQUATION_A.to_repr());
    hasher.update(sm2::Sm2::EQUATION_B.to_repr());
    hasher.update(sm2::Sm2::GENERATOR.0.to_repr());
    hasher.update(sm2::Sm2::GENERATOR.1.to_repr());
    // An uncompressed SEC1 point is `04 || x || y`; a valid public key is never the identity.
    hasher.update(point.as_bytes().get(1..).unwrap_or_default());
    hasher.finalize().into()
}

/// Verifies `signature_der` over `message` for the key whose Z_A is `z`; `mul_public(t)` returns
/// [t]P for that key's point P.
pub(super) fn verify(
    z: &[u8; 32],
    message: &[u8],
    signature_der: &[u8],
    mul_public: impl FnOnce(&Scalar) -> Jacobian,
) -> Result<(), Sm2Error> {
    // B1, B2: r and s in [1, n-1]; parsing into `NonZeroScalar`s checks both ranges.
    let signature = sm2::dsa::Signature::from_der(signature_der).map_err(|_| Sm2Error::MalformedSignature)?;
    let (r, s) = signature.split_scalars();
    // B3, B4: e = SM3(Z_A || M) mod n.
    let digest: FieldBytes = Sm3::new_with_prefix(z).chain_update(message).finalize();
    let e = Scalar::reduce(&digest);
    // B5: t = r + s mod n, refused when zero.
    let t = *r + *s;
    if bool::from(t.is_zero()) {
        return Err(Sm2Error::BadSignature);
    }
    // B6: (x1, y1) = [s]G + [t]P; the point at infinity is refused, as the `sm2` crate does.
    let point = generator_table().mul_vartime(&s).add(&mul_public(&t));
    // B7: accept iff R = e + x1 mod n equals r, that is x1 = r − e mod n (false for infinity).
    if point.x_matches_mod_n(&(*r - e)) { Ok(()) } else { Err(Sm2Error::BadSignature) }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::SeedableRng as _;
    use sm2::dsa::signature::Verifier as _;

    use super::super::{PreparedPublicKey, PrivateKey, PublicKey, signature_der_from_raw, signature_raw_from_der};
    use super::*;

    /// What the `sm2` crate's own (constant-time) verifier says; an unparsable signature is false.
    fn reference(key: &PublicKey, message: &[u8], signature_der: &[u8]) -> bool {
        let key = sm2::dsa::VerifyingKey::from_sec1_bytes(DEFAULT_DIST_ID, &key.to_uncompressed_point())
            .expect("a valid public key");
        sm2::dsa::Signature::from_der(signature_der).is_ok_and(|signature| key.verify(message, &signature).is_ok())
    }

    /// Both of our paths give the same answer as the reference; returns it.
    fn agree(key: &PublicKey, prepared: &PreparedPublicKey, message: &[u8], signature_der: &[u8]) -> bool {
        let expected = reference(key, message, signature_der);
        let ours = key.verify(message, signature_der);
        assert_eq!(ours.is_ok(), expected, "plain key, signature {}", hex::encode(signature_der));
        assert_eq!(prepared.verify(message, signature_der), ours, "prepared key");
        expected
    }

    fn key_pair(rng: &mut rand::rngs::StdRng) -> (PrivateKey, PublicKey, PreparedPublicKey) {
        let private = PrivateKey::generate(rng);
        let public = private.verifying_key();
        let prepared = PreparedPublicKey::new(public.clone());
        (private, public, prepared)
    }

    proptest! {
        // Each case builds two prepared tables: a few dozen cases keep `cargo test` quick.
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn verification_agrees_with_the_sm2_crate(
            seed: u64,
            message in proptest::collection::vec(any::<u8>(), 0..300),
            other_message in proptest::collection::vec(any::<u8>(), 0..300),
            byte in 0..64_usize,
            flip in 1..=255_u8,
        ) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let (private, public, prepared) = key_pair(&mut rng);
            let (other_private, other_public, other_prepared) = key_pair(&mut rng);
            let signature = private.sign(&message);

            // (a) The genuine signature verifies.
            prop_assert!(agree(&public, &prepared, &message, &signature));
            // (b) r (bytes 0..32) or s (32..64) altered; an out-of-range scalar is not DER-encodable.
            let mut raw = signature_raw_from_der(&signature).expect("DER");
            raw[byte] ^= flip;
            if let Ok(altered) = signature_der_from_raw(&raw) {
                prop_assert!(!agree(&public, &prepared, &message, &altered));
            }
            // (c) Another message.
            if other_message != message {
                prop_assert!(!agree(&public, &prepared, &other_message, &signature));
            }
            // (d) Another key: its signature under our key, and ours under it.
            prop_assert!(!agree(&public, &prepared, &message, &other_private.sign(&message)));
            prop_assert!(!agree(&other_public, &other_prepared, &message, &signature));
        }
    }

    #[test]
    fn edge_signatures_are_refused_like_the_sm2_crate() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0002);
        let (private, public, prepared) = key_pair(&mut rng);
        let message = b"bid digest";
        let genuine = sm2::dsa::Signature::from_der(&private.sign(message)).expect("DER");
        let (r, s) = (*genuine.r(), *genuine.s());
        // B5: s = n - r makes t = r + s zero.
        let zero_t = sm2::dsa::Signature::from_scalars(r, -r).expect("in range").to_der();
        assert!(!agree(&public, &prepared, message, zero_t.as_bytes()));
        // r and s swapped, and s replaced by r.
        let swapped = sm2::dsa::Signature::from_scalars(s, r).expect("in range").to_der();
        assert!(!agree(&public, &prepared, message, swapped.as_bytes()));
        let doubled = sm2::dsa::Signature::from_scalars(r, r).expect("in range").to_der();
        assert!(!agree(&public, &prepared, message, doubled.as_bytes()));
        // Malformed DER is reported as such on both paths.
        assert_eq!(public.verify(message, b"\x30\x00"), Err(Sm2Error::MalformedSignature));
        assert_eq!(prepared.verify(message, b"\x30\x00"), Err(Sm2Error::MalformedSignature));
    }
}
