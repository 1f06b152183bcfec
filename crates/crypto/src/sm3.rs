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

/// SM3 over data that arrives in pieces (a streamed upload).
#[derive(Clone, Default)]
pub struct Sm3Hasher(Sm3);

impl Sm3Hasher {
    /// A fresh hasher.
    pub fn new() -> Sm3Hasher {
        Sm3Hasher::default()
    }

    /// Feeds the next piece.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest of everything fed.
    pub fn finalize(self) -> Sm3Digest {
        self.0.finalize().into()
    }
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

    #[test]
    fn pieces_hash_like_the_whole() {
        let data = b"abcd".repeat(16);
        let mut hasher = Sm3Hasher::new();
        for piece in data.chunks(7) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finalize(), sm3(&data));
    }
}
