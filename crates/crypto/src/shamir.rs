//! Shamir secret sharing over GF(2^8): the tender's opening key is split k-of-n among named
//! officials, so that no single party (the operator included) can open bids early, while any k
//! of them can open a bid whose bidder fails to decrypt it after the deadline.
//!
//! Each byte of the secret is the constant term of its own random polynomial of degree k-1;
//! share `x` holds the polynomials' values at `x` (1..=255). Field arithmetic is branch-free on
//! secret data (no lookup tables). Reconstruction from fewer than k shares yields unrelated
//! bytes, not an error: the caller checks the result (e.g. the key against its known public key).

use sm2::elliptic_curve::rand_core::CryptoRng;

/// One official's share.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    /// The evaluation point, 1..=255 (the share's number).
    pub x: u8,
    /// The polynomials' values at `x`, as long as the secret.
    pub y: Vec<u8>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Share values are secret material.
        write!(f, "Share {{ x: {}, .. }}", self.x)
    }
}

/// Why splitting or combining failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShamirError {
    /// Need 1 <= threshold <= shares <= 255.
    #[error("threshold {threshold} of {shares} shares is not possible (1 <= k <= n <= 255)")]
    BadParameters {
        /// k.
        threshold: usize,
        /// n.
        shares: usize,
    },
    /// The secret is empty.
    #[error("the secret is empty")]
    EmptySecret,
    /// No shares were given.
    #[error("no shares given")]
    NoShares,
    /// Two shares have the same number, or a share has number 0.
    #[error("share numbers must be distinct and non-zero")]
    BadShareNumbers,
    /// Shares of different lengths cannot come from one split.
    #[error("shares have different lengths")]
    LengthMismatch,
}

/// Multiplication in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1, without branches
/// or table lookups that depend on the operands.
fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    for _ in 0..8 {
        product ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    product
}

/// The multiplicative inverse (a^254); 0 maps to 0 and is never used as a divisor here.
fn inverse(a: u8) -> u8 {
    let mut result = 1u8;
    let mut base = a;
    let mut exponent = 254u8;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = mul(result, base);
        }
        base = mul(base, base);
        exponent >>= 1;
    }
    result
}

/// Splits `secret` into `shares` shares, any `threshold` of which reconstruct it.
pub fn split(
    secret: &[u8],
    threshold: usize,
    shares: usize,
    rng: &mut impl CryptoRng,
) -> Result<Vec<Share>, ShamirError> {
    if !(1..=shares).contains(&threshold) || shares > 255 {
        return Err(ShamirError::BadParameters { threshold, shares });
    }
    if secret.is_empty() {
        return Err(ShamirError::EmptySecret);
    }
    let mut out: Vec<Share> = (1..=shares).map(|x| Share { x: x as u8, y: Vec::with_capacity(secret.len()) }).collect();
    let mut coefficients = vec![0u8; threshold];
    for &byte in secret {
        coefficients[0] = byte;
        rng.fill_bytes(&mut coefficients[1..]);
        for share in &mut out {
            // Horner's rule from the highest coefficient down.
            let value = coefficients.iter().rev().fold(0u8, |acc, &c| mul(acc, share.x) ^ c);
            share.y.push(value);
        }
    }
    coefficients.iter_mut().for_each(|c| *c = 0);
    Ok(out)
}

/// Reconstructs the secret from shares (Lagrange interpolation at 0). Give at least the threshold.
pub fn combine(shares: &[Share]) -> Result<Vec<u8>, ShamirError> {
    let first = shares.first().ok_or(ShamirError::NoShares)?;
    let len = first.y.len();
    for (i, share) in shares.iter().enumerate() {
        if share.x == 0 || shares[..i].iter().any(|other| other.x == share.x) {
            return Err(ShamirError::BadShareNumbers);
        }
        if share.y.len() != len {
            return Err(ShamirError::LengthMismatch);
        }
    }
    // Lagrange basis at 0: l_i = prod_{j != i} x_j / (x_j - x_i); in GF(2^8) subtraction is XOR.
    let basis: Vec<u8> = shares
        .iter()
        .map(|share| {
            shares
                .iter()
                .filter(|other| other.x != share.x)
                .fold(1u8, |acc, other| mul(acc, mul(other.x, inverse(other.x ^ share.x))))
        })
        .collect();
    Ok((0..len)
        .map(|byte| shares.iter().zip(&basis).fold(0u8, |acc, (share, &l)| acc ^ mul(share.y[byte], l)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic_matches_known_values() {
        // FIPS 197 §4.2: {57} x {83} = {c1}; {57} x {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        for a in 1..=255u8 {
            assert_eq!(mul(a, inverse(a)), 1, "inverse of {a:#04x}");
        }
    }

    #[test]
    fn any_k_of_n_shares_reconstruct_and_fewer_do_not() {
        let secret: Vec<u8> = (0..32).map(|i| (i * 37 + 11) as u8).collect();
        let shares = split(&secret, 3, 5, &mut rand::rng()).expect("3 of 5");
        for a in 0..5 {
            for b in a + 1..5 {
                for c in b + 1..5 {
                    let subset = [shares[a].clone(), shares[b].clone(), shares[c].clone()];
                    assert_eq!(combine(&subset).as_deref(), Ok(&secret[..]), "shares {a} {b} {c}");
                }
                assert_ne!(combine(&[shares[a].clone(), shares[b].clone()]).expect("combine"), secret, "2 of 3");
            }
        }
        assert_eq!(combine(&shares).as_deref(), Ok(&secret[..]), "all five");
    }

    #[test]
    fn shares_reveal_nothing_on_their_own() {
        // With k = 2, a single share of the same secret differs between two splits.
        let first = split(b"opening key", 2, 3, &mut rand::rng()).expect("split");
        let second = split(b"opening key", 2, 3, &mut rand::rng()).expect("split");
        assert_ne!(first[0].y, second[0].y);
        assert_ne!(first[0].y, b"opening key".to_vec());
        assert_eq!(format!("{:?}", first[0]), "Share { x: 1, .. }", "Debug prints no secret bytes");
    }

    #[test]
    fn bad_parameters_and_shares_are_refused() {
        let mut rng = rand::rng();
        assert!(split(b"k", 0, 3, &mut rng).is_err());
        assert!(split(b"k", 4, 3, &mut rng).is_err());
        assert!(split(b"k", 2, 256, &mut rng).is_err());
        assert_eq!(split(b"", 2, 3, &mut rng), Err(ShamirError::EmptySecret));
        let shares = split(b"key", 2, 3, &mut rng).expect("split");
        assert_eq!(combine(&[]), Err(ShamirError::NoShares));
        assert_eq!(combine(&[shares[0].clone(), shares[0].clone()]), Err(ShamirError::BadShareNumbers));
        let short = Share { x: 9, y: vec![1] };
        assert_eq!(combine(&[shares[0].clone(), short]), Err(ShamirError::LengthMismatch));
    }
}
