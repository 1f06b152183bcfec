//! SM3 (GB/T 32905-2016), the hash used for the event chain, session tokens and file digests.

use sm3::{Digest, Sm3};

/// Length of an SM3 digest in bytes.
pub const SM3_LEN: usize = 32;

/// An SM3 digest.
pub type Sm3Digest = [u8; SM3_LEN];

/// SM3 of `data`.
pub fn sm3(data: &[u8]) -> Sm3Digest {
    Sm3::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_from_gbt_32905() {
        // GB/T 32905-2016 appendix A, examples 1 and 2.
        assert_eq!(hex::encode(sm3(b"abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        assert_eq!(
            hex::encode(sm3(&b"abcd".repeat(16))),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }
}
