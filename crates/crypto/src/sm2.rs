//! SM2 (GB/T 32918 / GM/T 0003): signatures with the GM/T default user ID and public-key encryption
//! in C1C3C2 order; keys in PKCS#8 / SPKI PEM, signatures and ciphertexts in DER, the formats OpenSSL
//! and the GM/T tools exchange (ciphertexts also raw, `04 || x || y || C3 || C2`).
//!
//! Signing is deterministic (RFC 6979 style nonces), so a signature is a golden value in tests.
//! Key generation takes the caller's RNG: this crate has no randomness of its own.

use sm2::dsa::signature::Signer as _;
use sm2::elliptic_curve::Generate as _;
use sm2::elliptic_curve::rand_core::CryptoRng;
use sm2::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _, LineEnding,
};

mod field;
mod jacobian;
mod prepared;
mod verify;

use jacobian::Jacobian;

pub use prepared::PreparedPublicKey;

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
    /// Encryption failed (the caller's RNG failed).
    #[error("SM2 encryption failed")]
    Encrypt,
    /// The ciphertext is malformed, altered, or for another key (C3 does not check).
    #[error("SM2 decryption failed")]
    Decrypt,
}

/// How an SM2 ciphertext is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiphertextFormat {
    /// `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING }` (GM/T 0009, OpenSSL).
    Der,
    /// `04 || x || y || C3 || C2` (GM/T 0003 raw bytes).
    Raw,
}

/// An SM2 private key: signs (with the default ID) and decrypts.
#[derive(Clone)]
pub struct PrivateKey(sm2::dsa::SigningKey);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("PrivateKey(..)")
    }
}

/// An SM2 public key: verifies (with the default ID) and encrypts.
#[derive(Clone, Debug)]
pub struct PublicKey {
    point: sm2::PublicKey,
    /// Z_A for the default ID, hashed once here rather than on every verification.
    z: [u8; 32],
}

impl PrivateKey {
    /// A new random key from the caller's cryptographic RNG.
    pub fn generate(rng: &mut impl CryptoRng) -> PrivateKey {
        loop {
            // `new` fails only for an ID longer than 8191 bytes; ours is fixed, so one round suffices.
            if let Ok(key) = sm2::dsa::SigningKey::new(DEFAULT_DIST_ID, &sm2::SecretKey::generate_from_rng(rng)) {
                return PrivateKey(key);
            }
        }
    }

    /// A key from its raw 32-byte scalar (e.g. rebuilt from Shamir shares); zero and values not
    /// below the curve order are refused.
    pub fn from_scalar_bytes(bytes: &[u8]) -> Result<PrivateKey, Sm2Error> {
        sm2::dsa::SigningKey::from_slice(DEFAULT_DIST_ID, bytes).map(PrivateKey).map_err(|_| Sm2Error::PrivateKey)
    }

    /// Parses a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm SM2` writes).
    pub fn from_pkcs8_pem(pem: &str) -> Result<PrivateKey, Sm2Error> {
        let secret = sm2::SecretKey::from_pkcs8_pem(pem).map_err(|_| Sm2Error::PrivateKey)?;
        sm2::dsa::SigningKey::new(DEFAULT_DIST_ID, &secret).map(PrivateKey).map_err(|_| Sm2Error::PrivateKey)
    }

    /// The key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Result<String, Sm2Error> {
        let secret = sm2::SecretKey::from(self.0.as_nonzero_scalar());
        secret.to_pkcs8_pem(LineEnding::LF).map(|pem| pem.to_string()).map_err(|_| Sm2Error::Encoding)
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> PublicKey {
        PublicKey::new(sm2::PublicKey::from(self.0.verifying_key()))
    }

    /// Decrypts an SM2 ciphertext (C1C3C2) in `format`; C3 (the SM3 check value) is verified.
    pub fn decrypt(&self, ciphertext: &[u8], format: CiphertextFormat) -> Result<Vec<u8>, Sm2Error> {
        let key = sm2::pke::DecryptingKey::new_with_mode(*self.0.as_nonzero_scalar(), sm2::pke::Mode::C1C3C2);
        match format {
            CiphertextFormat::Der => key.decrypt_der(ciphertext),
            CiphertextFormat::Raw => key.decrypt(ciphertext),
        }
        .map_err(|_| Sm2Error::Decrypt)
    }

    /// The private scalar, 32 bytes big-endian, for tools that take raw GM/T 0003 keys. Handle as
    /// the secret it is.
    pub fn to_scalar_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }

    /// The underlying signer, for building certificates in this crate.
    pub(crate) fn signer(&self) -> &sm2::dsa::SigningKey {
        &self.0
    }

    /// Signs `message` (SM3 over Z_A || message, the default ID); the signature in DER.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: sm2::dsa::Signature = self.0.sign(message);
        signature.to_der().to_bytes().to_vec()
    }
}

impl PublicKey {
    fn new(point: sm2::PublicKey) -> PublicKey {
        PublicKey { point, z: verify::identity_hash(&point) }
    }

    /// Parses an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_public_key_pem(pem: &str) -> Result<PublicKey, Sm2Error> {
        sm2::PublicKey::from_public_key_pem(pem).map(PublicKey::new).map_err(|_| Sm2Error::PublicKey)
    }

    /// Parses a DER SubjectPublicKeyInfo (as found in a certificate).
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, Sm2Error> {
        sm2::PublicKey::from_public_key_der(der).map(PublicKey::new).map_err(|_| Sm2Error::PublicKey)
    }

    /// The key as SPKI PEM.
    pub fn to_public_key_pem(&self) -> Result<String, Sm2Error> {
        self.point.to_public_key_pem(LineEnding::LF).map_err(|_| Sm2Error::Encoding)
    }

    /// Encrypts `message` to this key (C1C3C2) with an ephemeral key drawn from the caller's RNG.
    pub fn encrypt(
        &self,
        rng: &mut impl CryptoRng,
        message: &[u8],
        format: CiphertextFormat,
    ) -> Result<Vec<u8>, Sm2Error> {
        let key = sm2::pke::EncryptingKey::new_with_mode(self.point, sm2::pke::Mode::C1C3C2);
        match format {
            CiphertextFormat::Der => key.encrypt_der(rng, message),
            CiphertextFormat::Raw => key.encrypt(rng, message),
        }
        .map_err(|_| Sm2Error::Encrypt)
    }

    /// The key as a DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, Sm2Error> {
        self.point.to_public_key_der().map(|der| der.into_vec()).map_err(|_| Sm2Error::Encoding)
    }

    /// The uncompressed point `04 || x || y` (65 bytes).
    pub fn to_uncompressed_point(&self) -> Vec<u8> {
        self.point.to_sec1_bytes().to_vec()
    }

    /// Checks a DER signature of `message` under the default ID (GB/T 32918.2 steps B1 to B7).
    ///
    /// Runs in variable time: a verification handles only public values. For a key that verifies
    /// many signatures (a CA root), [`PreparedPublicKey`] takes about a third of the time.
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> Result<(), Sm2Error> {
        let point = Jacobian::from(&jacobian::Affine::from_public_key(&self.point));
        verify::verify(&self.z, message, signature_der, |t| point.mul_vartime(t))
    }
}

/// A raw `r || s` signature (64 bytes, as GM/T tools and many SDKs exchange it) as DER.
pub fn signature_der_from_raw(raw: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let signature = sm2::dsa::Signature::from_slice(raw).map_err(|_| Sm2Error::MalformedSignature)?;
    Ok(signature.to_der().to_bytes().to_vec())
}

/// A DER signature as raw `r || s` (64 bytes).
pub fn signature_raw_from_der(der: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let signature = sm2::dsa::Signature::from_der(der).map_err(|_| Sm2Error::MalformedSignature)?;
    Ok(signature.to_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = include_str!("../tests/data/sm2-test-key.pem");
    const PUBLIC: &str = include_str!("../tests/data/sm2-test-key.pub.pem");

    #[test]
    fn keys_from_openssl_pem_sign_and_verify() {
        let key = PrivateKey::from_pkcs8_pem(KEY).expect("OpenSSL's PKCS#8 SM2 key");
        let public = PublicKey::from_public_key_pem(PUBLIC).expect("OpenSSL's SPKI SM2 key");
        assert_eq!(key.verifying_key().to_public_key_pem(), public.to_public_key_pem(), "the pair matches");
        let signature = key.sign("投标文件摘要".as_bytes());
        assert_eq!(public.verify("投标文件摘要".as_bytes(), &signature), Ok(()));
        // Deterministic: the same key and message always give the same signature.
        assert_eq!(key.sign("投标文件摘要".as_bytes()), signature);
        let again = PrivateKey::from_pkcs8_pem(&key.to_pkcs8_pem().expect("encode")).expect("decode");
        assert_eq!(again.sign(b"x"), key.sign(b"x"), "PEM round trip keeps the key");
    }

    #[test]
    fn tampering_is_refused() {
        let key = PrivateKey::from_pkcs8_pem(KEY).expect("key");
        let public = key.verifying_key();
        let signature = key.sign(b"bid digest");
        assert_eq!(public.verify(b"bid digesT", &signature), Err(Sm2Error::BadSignature));
        let last = signature.len() - 1;
        let mut altered = signature.clone();
        altered[last] ^= 1;
        assert!(public.verify(b"bid digest", &altered).is_err());
        assert_eq!(public.verify(b"bid digest", b"not der"), Err(Sm2Error::MalformedSignature));
        assert_eq!(PrivateKey::from_pkcs8_pem("garbage").err(), Some(Sm2Error::PrivateKey));
        assert_eq!(PublicKey::from_public_key_pem(KEY).err(), Some(Sm2Error::PublicKey), "a private key is not SPKI");
    }

    #[test]
    fn encryption_round_trips_in_both_layouts_and_refuses_tampering() {
        let key = PrivateKey::from_pkcs8_pem(KEY).expect("key");
        let public = key.verifying_key();
        let data_key = [0x5a_u8; 16];
        for format in [CiphertextFormat::Der, CiphertextFormat::Raw] {
            let sealed = public.encrypt(&mut rand::rng(), &data_key, format).expect("encrypt");
            assert_eq!(key.decrypt(&sealed, format).as_deref(), Ok(&data_key[..]));
            assert_ne!(public.encrypt(&mut rand::rng(), &data_key, format).expect("encrypt"), sealed, "fresh C1");
            for i in [0, sealed.len() / 2, sealed.len() - 1] {
                let mut altered = sealed.clone();
                altered[i] ^= 0x01;
                assert!(key.decrypt(&altered, format).is_err(), "{format:?} byte {i}");
            }
        }
        let raw = public.encrypt(&mut rand::rng(), &data_key, CiphertextFormat::Raw).expect("encrypt");
        assert_eq!((raw[0], raw.len()), (0x04, 65 + 32 + data_key.len()), "04 || C1 || C3 || C2");
        let other = PrivateKey::generate(&mut rand::rng());
        let sealed = public.encrypt(&mut rand::rng(), &data_key, CiphertextFormat::Der).expect("encrypt");
        assert_eq!(other.decrypt(&sealed, CiphertextFormat::Der), Err(Sm2Error::Decrypt), "another key");
    }

    #[test]
    fn raw_and_der_signatures_convert_both_ways() {
        let key = PrivateKey::from_pkcs8_pem(KEY).expect("key");
        let der = key.sign(b"m");
        let raw = signature_raw_from_der(&der).expect("der");
        assert_eq!(raw.len(), 64);
        assert_eq!(signature_der_from_raw(&raw).expect("raw"), der);
        assert_eq!(signature_der_from_raw(&raw[..63]), Err(Sm2Error::MalformedSignature));
        assert_eq!(key.verifying_key().to_uncompressed_point()[0], 0x04);
    }
}
