//! Points of the SM2 curve y² = x³ − 3x + b in Jacobian coordinates, for verification only.
//!
//! The `sm2` crate computes with complete projective formulas, which are branch-free so that
//! secret scalars never leak through timing, and cost about twice what variable-time Jacobian
//! formulas cost: a doubling is 3M + 5S here (a = −3), about 8M + 3S and many additions there.
//! Verification handles only public values, so it may branch. It also needs no inversion: the
//! final check compares X with x·Z² instead of computing X/Z² (see [`Jacobian::x_matches_mod_n`]).
//!
//! Formulas: "dbl-2001-b", "madd-2007-bl" and "add-2007-bl" of the Explicit-Formulas Database
//! (hyperelliptic.org/EFD, short Weierstrass curves with a = −3, Jacobian coordinates).

use std::sync::OnceLock;

use primeorder::{Radix16Decomposition, Radix16Digits};
use sm2::Scalar;
use sm2::elliptic_curve::ff::PrimeField as _;
use sm2::elliptic_curve::sec1::ToSec1Point as _;

use super::field::{Fe, hex32};

/// The group order n, big-endian (GB/T 32918.5).
const N: [u8; 32] = hex32("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
/// Signed radix-16 digits of a scalar: two per byte and one for the final carry.
const COMB_ROWS: usize = 65;
/// Multiples of one power of 16 kept per row: digits lie in [−8, 8].
const COMB_MULTIPLES: usize = 8;
/// Window of the w-NAF of a one-off key: odd multiples P, 3P, ..., 15P.
const WNAF_WIDTH: u32 = 5;

/// A point other than the identity, in affine coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// The point of a public key; the `sm2` crate never makes a key of the identity.
    pub(super) fn from_public_key(key: &sm2::PublicKey) -> Affine {
        Affine::from_sm2(key.as_affine()).expect("a public key is never the identity")
    }

    /// A point's affine coordinates; `None` for the identity.
    fn from_sm2(point: &sm2::AffinePoint) -> Option<Affine> {
        let encoded = point.to_sec1_point(false);
        // Uncompressed SEC1 is `04 || x || y`; the identity encodes as the single byte 00.
        let bytes = encoded.as_bytes();
        let x = Fe::from_be_bytes(bytes.get(1..33)?.try_into().ok()?)?;
        let y = Fe::from_be_bytes(bytes.get(33..65)?.try_into().ok()?)?;
        Some(Affine { x, y })
    }

    fn neg(&self) -> Affine {
        Affine { x: self.x, y: self.y.neg() }
    }
}

/// (X : Y : Z) stands for the affine point (X/Z², Y/Z³); Z = 0 is the identity.
#[derive(Debug, Clone, Copy)]
pub(super) struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl From<&Affine> for Jacobian {
    fn from(point: &Affine) -> Jacobian {
        Jacobian { x: point.x, y: point.y, z: Fe::one() }
    }
}

impl Jacobian {
    pub(super) fn identity() -> Jacobian {
        Jacobian { x: Fe::one(), y: Fe::one(), z: Fe::ZERO }
    }

    pub(super) fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    fn neg(&self) -> Jacobian {
        Jacobian { x: self.x, y: self.y.neg(), z: self.z }
    }

    /// 2·self ("dbl-2001-b").
    fn double(&self) -> Jacobian {
        // Y = 0 would be a point of order 2; the curve has prime order, so only the identity.
        if self.is_identity() || self.y.is_zero() {
            return Jacobian::identity();
        }
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.mul(&gamma);
        // alpha = 3(X − delta)(X + delta) = 3X² + a·Z⁴ with a = −3.
        let product = self.x.sub(&delta).mul(&self.x.add(&delta));
        let alpha = product.double().add(&product);
        let beta4 = beta.double().double();
        let x = alpha.square().sub(&beta4.double());
        let z = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma_squared8 = gamma.square().double().double().double();
        let y = alpha.mul(&beta4.sub(&x)).sub(&gamma_squared8);
        Jacobian { x, y, z }
    }

    /// self + q for an affine q ("madd-2007-bl").
    fn add_affine(&self, q: &Affine) -> Jacobian {
        if self.is_identity() {
            return Jacobian::from(q);
        }
        let z1z1 = self.z.square();
        let u2 = q.x.mul(&z1z1);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y).double();
        if h.is_zero() {
            // Same x: the same point (double it) or its negation (the sum is the identity).
            return if r.is_zero() { self.double() } else { Jacobian::identity() };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h.mul(&i);
        let v = self.x.mul(&i);
        let x = r.square().sub(&j).sub(&v.double());
        let y = r.mul(&v.sub(&x)).sub(&self.y.mul(&j).double());
        let z = self.z.add(&h).square().sub(&z1z1).sub(&hh);
        Jacobian { x, y, z }
    }

    /// self + q ("add-2007-bl").
    pub(super) fn add(&self, q: &Jacobian) -> Jacobian {
        if self.is_identity() {
            return *q;
        }
        if q.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = q.x.mul(&z1z1);
        let s1 = self.y.mul(&q.z).mul(&z2z2);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if h.is_zero() {
            return if r.is_zero() { self.double() } else { Jacobian::identity() };
        }
        let i = h.double().square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x = r.square().sub(&j).sub(&v.double());
        let y = r.mul(&v.sub(&x)).sub(&s1.mul(&j).double());
        let z = self.z.add(&q.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Jacobian { x, y, z }
    }

    /// [k]self in variable time, by a width-5 NAF of k: about 256 doublings and 43 additions.
    pub(super) fn mul_vartime(&self, k: &Scalar) -> Jacobian {
        let twice = self.double();
        let mut odd = [*self; 1 << (WNAF_WIDTH - 2)];
        for i in 1..odd.len() {
            odd[i] = odd[i - 1].add(&twice);
        }
        let mut sum = Jacobian::identity();
        for digit in wnaf(k).iter().rev() {
            sum = sum.double();
            // Digits are odd and |digit| < 16: entry (|digit| − 1) / 2 is |digit|·self.
            let entry = &odd[usize::from(digit.unsigned_abs() >> 1)];
            match digit.signum() {
                1 => sum = sum.add(entry),
                -1 => sum = sum.add(&entry.neg()),
                _ => {}
            }
        }
        sum
    }

    /// Whether the affine x of this point, reduced mod n, equals `v` (a scalar, so below n): the
    /// last step of a verification (B7: e + x1 ≡ r, so x1 ≡ r − e mod n). As x1 < p < 2n, x1 is v
    /// or v + n, and x1 = X/Z² is tested as X = x1·Z², with no inversion. The identity has no x.
    pub(super) fn x_matches_mod_n(&self, v: &Scalar) -> bool {
        if self.is_identity() {
            return false;
        }
        let zz = self.z.square();
        let v_bytes: [u8; 32] = v.to_repr().into();
        let candidates = [Some(v_bytes), add_n(&v_bytes)];
        candidates.iter().flatten().filter_map(Fe::from_be_bytes).any(|x1| x1.mul(&zz) == self.x)
    }
}

/// v + n as 32 big-endian bytes, or `None` if it does not fit (then it is not below p either).
fn add_n(v: &[u8; 32]) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(v[i]) + u16::from(N[i]) + carry;
        out[i] = sum.to_le_bytes()[0];
        carry = sum >> 8;
    }
    (carry == 0).then_some(out)
}

/// The width-5 NAF of k, least significant digit first: every nonzero digit odd, |digit| < 16,
/// and at least four zeros after each nonzero digit.
fn wnaf(k: &Scalar) -> Vec<i8> {
    let repr: [u8; 32] = k.to_repr().into();
    // Little-endian 64-bit limbs, and a fifth for the carry a negative digit can cause.
    let mut limbs = [0u64; 5];
    for (i, chunk) in repr.rchunks_exact(8).enumerate() {
        limbs[i] = u64::from_be_bytes(chunk.try_into().unwrap_or_default());
    }
    let window = 1u64 << WNAF_WIDTH;
    let mut digits = Vec::with_capacity(258);
    while limbs.iter().any(|&limb| limb != 0) {
        let mut digit = 0i8;
        if limbs[0] & 1 == 1 {
            let low = limbs[0] & (window - 1);
            // low < 32, so it fits an i8.
            let low_signed = i8::try_from(low).unwrap_or_default();
            if low >= window / 2 {
                // digit = low − 32 < 0, and k − digit = k + (32 − low).
                digit = low_signed - 32;
                add_small(&mut limbs, window - low);
            } else {
                digit = low_signed;
                limbs[0] -= low;
            }
        }
        digits.push(digit);
        for i in 0..limbs.len() {
            limbs[i] = limbs[i] >> 1 | limbs.get(i + 1).map_or(0, |next| next << 63);
        }
    }
    digits
}

fn add_small(limbs: &mut [u64; 5], value: u64) {
    let mut carry = value;
    for limb in limbs.iter_mut() {
        let (sum, overflow) = limb.overflowing_add(carry);
        *limb = sum;
        carry = u64::from(overflow);
        if carry == 0 {
            break;
        }
    }
}

/// j·16^i·P for i < 65 and j = 1..=8, affine: [k]P for any k in at most 65 mixed additions and no
/// doubling. About 33 KiB; building it costs about as much as three or four one-off verifications.
pub(super) struct CombTable {
    rows: Box<[[Affine; COMB_MULTIPLES]]>,
}

impl CombTable {
    pub(super) fn new(point: &Affine) -> CombTable {
        let mut projective = Vec::with_capacity(COMB_ROWS * COMB_MULTIPLES);
        let mut base = Jacobian::from(point);
        for _ in 0..COMB_ROWS {
            let mut multiple = base;
            for _ in 0..COMB_MULTIPLES {
                projective.push(multiple);
                multiple = multiple.add(&base);
            }
            base = base.double().double().double().double();
        }
        let affine = normalize(&projective);
        let rows = affine.chunks_exact(COMB_MULTIPLES).map(|row| std::array::from_fn(|j| row[j])).collect();
        CombTable { rows }
    }

    /// [k]P in variable time (k is public in a verification).
    pub(super) fn mul_vartime(&self, k: &Scalar) -> Jacobian {
        let digits = Radix16Decomposition::<Radix16Digits<sm2::Sm2>>::new(k);
        let mut sum = Jacobian::identity();
        for (i, row) in self.rows.iter().enumerate() {
            let digit = digits[i];
            // |digit| <= 8 by construction of the decomposition; zero adds nothing.
            let Some(entry) = row.get(usize::from(digit.unsigned_abs()).wrapping_sub(1)) else {
                continue;
            };
            sum = if digit < 0 { sum.add_affine(&entry.neg()) } else { sum.add_affine(entry) };
        }
        sum
    }
}

/// The generator's comb table, built on first use.
pub(super) fn generator_table() -> &'static CombTable {
    static TABLE: OnceLock<CombTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let generator = Affine::from_sm2(&sm2::AffinePoint::GENERATOR).expect("the generator is not the identity");
        CombTable::new(&generator)
    })
}

/// Affine forms of points none of which is the identity, with one inversion for all (Montgomery's
/// trick: invert the product of the Z's, then peel off one Z at a time).
fn normalize(points: &[Jacobian]) -> Vec<Affine> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = Fe::one();
    for point in points {
        prefix.push(product);
        product = product.mul(&point.z);
    }
    let mut inverse = product.invert_vartime();
    let mut affine = vec![Affine { x: Fe::ZERO, y: Fe::ZERO }; points.len()];
    for (i, point) in points.iter().enumerate().rev() {
        // inverse = 1/(z_0 ⋯ z_i), so 1/z_i = inverse · (z_0 ⋯ z_{i−1}).
        let z_inv = inverse.mul(&prefix[i]);
        inverse = inverse.mul(&point.z);
        let zz_inv = z_inv.square();
        affine[i] = Affine { x: point.x.mul(&zz_inv), y: point.y.mul(&zz_inv).mul(&z_inv) };
    }
    affine
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;
    use sm2::ProjectivePoint;
    use sm2::elliptic_curve::Field as _;
    use sm2::elliptic_curve::ops::Double as _;
    use sm2::elliptic_curve::point::AffineCoordinates as _;

    use super::*;

    /// The affine form of a Jacobian point, through the `sm2` crate's own types; `None` for the
    /// identity.
    fn to_sm2(point: &Jacobian) -> Option<sm2::AffinePoint> {
        if point.is_identity() {
            return None;
        }
        let affine = normalize(&[*point])[0];
        let mut sec1 = vec![4u8];
        sec1.extend_from_slice(&affine.x.to_be_bytes());
        sec1.extend_from_slice(&affine.y.to_be_bytes());
        // The crate checks that the point is on the curve.
        Some(sm2::PublicKey::from_sec1_bytes(&sec1).expect("a point on the curve").into())
    }

    fn ours(point: &ProjectivePoint) -> Affine {
        Affine::from_sm2(&point.to_affine()).expect("not the identity")
    }

    #[test]
    fn group_law_matches_the_sm2_crate_including_the_special_cases() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0003);
        for _ in 0..16 {
            let a = ProjectivePoint::GENERATOR * Scalar::random(&mut rng);
            let b = ProjectivePoint::GENERATOR * Scalar::random(&mut rng);
            let (ja, jb) = (Jacobian::from(&ours(&a)), Jacobian::from(&ours(&b)));
            // Non-trivial Z on both sides, so that the general formulas are exercised.
            let (ja2, jb2) = (ja.double(), jb.double());
            assert_eq!(to_sm2(&ja2), Some((a.double()).to_affine()), "double");
            assert_eq!(to_sm2(&ja2.add(&jb2)), Some((a.double() + b.double()).to_affine()), "add");
            assert_eq!(to_sm2(&ja2.add_affine(&ours(&b))), Some((a.double() + b).to_affine()), "mixed add");
            // P + P, P + (−P), and the identity on either side.
            assert_eq!(to_sm2(&ja2.add(&ja2)), Some(a.double().double().to_affine()), "P + P");
            assert_eq!(to_sm2(&ja2.add_affine(&ours(&a.double()))), Some(a.double().double().to_affine()));
            assert!(ja2.add(&ja2.neg()).is_identity(), "P + (−P)");
            assert!(ja2.add_affine(&ours(&a.double()).neg()).is_identity());
            assert_eq!(to_sm2(&Jacobian::identity().add(&ja2)), to_sm2(&ja2));
            assert_eq!(to_sm2(&ja2.add(&Jacobian::identity())), to_sm2(&ja2));
            assert_eq!(to_sm2(&Jacobian::identity().add_affine(&ours(&b))), Some(b.to_affine()));
            assert!(Jacobian::identity().double().is_identity());
        }
    }

    #[test]
    fn multiplications_match_the_sm2_crate() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0004);
        let point = ProjectivePoint::GENERATOR * Scalar::random(&mut rng);
        let table = CombTable::new(&ours(&point));
        let jacobian = Jacobian::from(&ours(&point));
        let mut scalars = vec![Scalar::ZERO, Scalar::ONE, -Scalar::ONE, Scalar::from(8u64), Scalar::from(31u64)];
        scalars.extend((0..48).map(|_| Scalar::random(&mut rng)));
        for k in scalars {
            let expected = if bool::from(k.is_zero()) { None } else { Some((point * k).to_affine()) };
            assert_eq!(to_sm2(&jacobian.mul_vartime(&k)), expected, "w-NAF, k = {k:?}");
            assert_eq!(to_sm2(&table.mul_vartime(&k)), expected, "comb, k = {k:?}");
            let by_generator =
                if bool::from(k.is_zero()) { None } else { Some((ProjectivePoint::GENERATOR * k).to_affine()) };
            assert_eq!(to_sm2(&generator_table().mul_vartime(&k)), by_generator, "generator, k = {k:?}");
        }
    }

    #[test]
    fn wnaf_digits_are_odd_sparse_and_sum_to_the_scalar() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0005);
        for k in (0..64).map(|_| Scalar::random(&mut rng)).chain([-Scalar::ONE, Scalar::ONE]) {
            let digits = wnaf(&k);
            let mut sum = Scalar::ZERO;
            for (i, &digit) in digits.iter().enumerate().rev() {
                sum = sum.double();
                let magnitude = Scalar::from(u64::from(digit.unsigned_abs()));
                sum += if digit < 0 { -magnitude } else { magnitude };
                if digit != 0 {
                    assert!(digit % 2 != 0 && digit.abs() < 16, "digit {digit}");
                    let above = &digits[i + 1..(i + 5).min(digits.len())];
                    assert!(above.iter().all(|&d| d == 0), "four zeros above digit {i}");
                }
            }
            assert_eq!(sum, k);
        }
    }

    #[test]
    fn the_final_check_reduces_x_mod_n_without_an_inversion() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0006);
        for _ in 0..16 {
            let point = ProjectivePoint::GENERATOR * Scalar::random(&mut rng);
            let x = <Scalar as sm2::elliptic_curve::ops::Reduce<sm2::FieldBytes>>::reduce(&point.to_affine().x());
            // A non-trivial Z.
            let jacobian = Jacobian::from(&ours(&point)).double().add(&Jacobian::from(&ours(&point)).neg());
            assert!(jacobian.x_matches_mod_n(&x));
            assert!(!jacobian.x_matches_mod_n(&(x + Scalar::ONE)));
        }
        assert!(!Jacobian::identity().x_matches_mod_n(&Scalar::ZERO));
        // x1 = n + 5 (below p) reduces to 5: the second candidate. No curve point with such an x
        // turns up by chance (p − n is about 2^128), but the check reads only X and Z.
        let z =
            Fe::from_be_bytes(&hex32("00000000000000000000000000000000000000000000000000000000deadbeef")).expect("z");
        let n_plus_5 = add_n(&hex32("0000000000000000000000000000000000000000000000000000000000000005")).expect("fits");
        let x1 = Fe::from_be_bytes(&n_plus_5).expect("n + 5 is below p");
        let fake = Jacobian { x: x1.mul(&z.square()), y: Fe::one(), z };
        assert!(fake.x_matches_mod_n(&Scalar::from(5u64)));
        assert!(!fake.x_matches_mod_n(&Scalar::from(6u64)));
        // n as constant: n − 1 is the scalar −1.
        let minus_one: [u8; 32] = (-Scalar::ONE).to_repr().into();
        let mut n = N;
        n[31] -= 1;
        assert_eq!(minus_one, n);
        assert_eq!(add_n(&[0xff; 32]), None);
    }
}
