//! SM4-GCM (SM4 in Galois/Counter Mode, RFC 8998's AEAD): the cipher that seals bid documents.
//! The output is ciphertext followed by the 16-byte tag, as PyPI `cryptography` and GM/T tools use.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};

type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, U12>;

/// SM4 key length in bytes.
pub const KEY_LEN: usize = 16;
/// GCM nonce length in bytes (96 bits, the only length we accept).
pub const NONCE_LEN: usize = 12;
/// Tag length in bytes.
pub const TAG_LEN: usize = 16;

/// The ciphertext, key, nonce or associated data do not authenticate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SM4-GCM authentication failed (wrong key, nonce, associated data, or altered ciphertext)")]
pub struct OpenError;

/// Encrypts and authenticates `plaintext` with `aad`; returns ciphertext || tag.
/// A nonce must never repeat under one key: callers draw a fresh data key per bid.
pub fn seal(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Sm4Gcm::new(key.into());
    // Encryption only fails for inputs longer than GCM's limit (about 64 GiB), far above any bid.
    cipher.encrypt(nonce.into(), Payload { msg: plaintext, aad }).unwrap_or_default()
}

/// Checks and decrypts ciphertext || tag.
pub fn open(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    let cipher = Sm4Gcm::new(key.into());
    cipher.decrypt(nonce.into(), Payload { msg: sealed, aad }).map_err(|_| OpenError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_vector_cross_checked_with_pypi_cryptography() {
        // STACK.md section 3: key 16 x 0x11, nonce 12 x 0x33, AAD "GZ-2026-001", plaintext UTF-8 "标书".
        let (key, nonce) = ([0x11; KEY_LEN], [0x33; NONCE_LEN]);
        let sealed = seal(&key, &nonce, b"GZ-2026-001", "标书".as_bytes());
        assert_eq!(hex::encode(&sealed), "c724ce645afb5ef4339a395cb627b7de0cde83a8df6c");
        assert_eq!(open(&key, &nonce, b"GZ-2026-001", &sealed).as_deref(), Ok("标书".as_bytes()));
    }

    #[test]
    fn any_change_is_refused() {
        let (key, nonce) = ([7; KEY_LEN], [9; NONCE_LEN]);
        let sealed = seal(&key, &nonce, b"lot-1", b"bid price 1,234.56");
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 0x80;
            assert_eq!(open(&key, &nonce, b"lot-1", &altered), Err(OpenError), "byte {i}");
        }
        assert_eq!(open(&key, &nonce, b"lot-2", &sealed), Err(OpenError), "other associated data");
        assert_eq!(open(&[8; KEY_LEN], &nonce, b"lot-1", &sealed), Err(OpenError), "other key");
        assert_eq!(open(&key, &[1; NONCE_LEN], b"lot-1", &sealed), Err(OpenError), "other nonce");
        assert_eq!(open(&key, &nonce, b"lot-1", &sealed[..TAG_LEN - 1]), Err(OpenError), "truncated");
    }
}
