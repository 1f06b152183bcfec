//! SM2 signatures (GB/T 32918 / GM/T 0003) with the GM/T default user ID, keys in PKCS#8 / SPKI PEM
//! and signatures in DER, the formats OpenSSL and the GM/T tools exchange.
//!
//! Signing is deterministic (RFC 6979 style nonces), so a signature is a golden value in tests.
//! Key generation takes the caller's RNG: this crate has no randomness of its own.

use sm2::dsa::signature::{Signer as _, Verifier as _};
use sm2::elliptic_curve::Generate as _;
use sm2::elliptic_curve::rand_core::CryptoRng;
use sm2::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _, LineEnding,
};

/// The default distinguishing identifier of GM/T 0009 (`1234567812345678`). OpenSSL's default is
/// the empty ID: pass `-sigopt distid:1234567812345678` there.
pub const DEFAULT_DIST_ID: &str = "1234567812345678";

/// Why an SM2 operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Sm2Error {
    /// The private key is not a PKCS#8 SM2 key.
    #[error("not a PKCS#8 SM2 private key")]
    PrivateKey,
    /// The public key is not an SPKI SM2 key.
    #[error("not an SM2 public key (SPKI)")]
    PublicKey,
    /// The signature is not DER `SEQUENCE { r, s }` with valid scalars.
    #[error("malformed SM2 signature")]
    MalformedSignature,
    /// The signature does not verify for this key, ID and message.
    #[error("SM2 signature does not verify")]
    BadSignature,
    /// Encoding a key failed.
    #[error("encoding an SM2 key failed")]
    Encoding,
}

/// An SM2 private key for signing, bound to the default ID.
#[derive(Clone)]
pub struct SigningKey(sm2::dsa::SigningKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("SigningKey(..)")
    }
}

/// An SM2 public key for verifying, bound to the default ID.
#[derive(Clone, Debug)]
pub struct VerifyingKey(sm2::dsa::VerifyingKey);

impl SigningKey {
    /// A new random key from the caller's cryptographic RNG.
    pub fn generate(rng: &mut impl CryptoRng) -> SigningKey {
        loop {
            // `new` fails only for an ID longer than 8191 bytes; ours is fixed, so one round suffices.
            if let Ok(key) = sm2::dsa::SigningKey::new(DEFAULT_DIST_ID, &sm2::SecretKey::generate_from_rng(rng)) {
                return SigningKey(key);
            }
        }
    }

    /// Parses a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm SM2` writes).
    pub fn from_pkcs8_pem(pem: &str) -> Result<SigningKey, Sm2Error> {
        let secret = sm2::SecretKey::from_pkcs8_pem(pem).map_err(|_| Sm2Error::PrivateKey)?;
        sm2::dsa::SigningKey::new(DEFAULT_DIST_ID, &secret).map(SigningKey).map_err(|_| Sm2Error::PrivateKey)
    }

    /// The key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Result<String, Sm2Error> {
        let secret = sm2::SecretKey::from(self.0.as_nonzero_scalar());
        secret.to_pkcs8_pem(LineEnding::LF).map(|pem| pem.to_string()).map_err(|_| Sm2Error::Encoding)
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key().clone())
    }

    /// Signs `message` (SM3 over Z_A || message, the default ID); the signature in DER.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: sm2::dsa::Signature = self.0.sign(message);
        signature.to_der().to_bytes().to_vec()
    }
}

impl VerifyingKey {
    /// Parses an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_public_key_pem(pem: &str) -> Result<VerifyingKey, Sm2Error> {
        let public = sm2::PublicKey::from_public_key_pem(pem).map_err(|_| Sm2Error::PublicKey)?;
        sm2::dsa::VerifyingKey::new(DEFAULT_DIST_ID, public).map(VerifyingKey).map_err(|_| Sm2Error::PublicKey)
    }

    /// The key as SPKI PEM.
    pub fn to_public_key_pem(&self) -> Result<String, Sm2Error> {
        self.0.to_public_key_pem(LineEnding::LF).map_err(|_| Sm2Error::Encoding)
    }

    /// Checks a DER signature of `message` under the default ID.
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> Result<(), Sm2Error> {
        let signature = sm2::dsa::Signature::from_der(signature_der).map_err(|_| Sm2Error::MalformedSignature)?;
        self.0.verify(message, &signature).map_err(|_| Sm2Error::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = include_str!("../tests/data/sm2-test-key.pem");
    const PUBLIC: &str = include_str!("../tests/data/sm2-test-key.pub.pem");

    #[test]
    fn keys_from_openssl_pem_sign_and_verify() {
        let key = SigningKey::from_pkcs8_pem(KEY).expect("OpenSSL's PKCS#8 SM2 key");
        let public = VerifyingKey::from_public_key_pem(PUBLIC).expect("OpenSSL's SPKI SM2 key");
        assert_eq!(key.verifying_key().to_public_key_pem(), public.to_public_key_pem(), "the pair matches");
        let signature = key.sign("投标文件摘要".as_bytes());
        assert_eq!(public.verify("投标文件摘要".as_bytes(), &signature), Ok(()));
        // Deterministic: the same key and message always give the same signature.
        assert_eq!(key.sign("投标文件摘要".as_bytes()), signature);
        let again = SigningKey::from_pkcs8_pem(&key.to_pkcs8_pem().expect("encode")).expect("decode");
        assert_eq!(again.sign(b"x"), key.sign(b"x"), "PEM round trip keeps the key");
    }

    #[test]
    fn tampering_is_refused() {
        let key = SigningKey::from_pkcs8_pem(KEY).expect("key");
        let public = key.verifying_key();
        let signature = key.sign(b"bid digest");
        assert_eq!(public.verify(b"bid digesT", &signature), Err(Sm2Error::BadSignature));
        let last = signature.len() - 1;
        let mut altered = signature.clone();
        altered[last] ^= 1;
        assert!(public.verify(b"bid digest", &altered).is_err());
        assert_eq!(public.verify(b"bid digest", b"not der"), Err(Sm2Error::MalformedSignature));
        assert_eq!(SigningKey::from_pkcs8_pem("garbage").err(), Some(Sm2Error::PrivateKey));
        assert_eq!(
            VerifyingKey::from_public_key_pem(KEY).err(),
            Some(Sm2Error::PublicKey),
            "a private key is not SPKI"
        );
    }
}
