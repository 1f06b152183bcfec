//! The sealed-bid envelope, format version 1 (`docs/envelope.md`): bid files encrypted under a
//! fresh SM4-GCM data key; the key wrapped with SM2 to the bidder's own certificate and to the
//! tender's opening key; the SM3 digest of header and ciphertext signed by the bidder.
//!
//! Whoever stores an envelope (the platform) holds neither private key, so it cannot read a bid;
//! after the deadline the bidder unwraps the data key, or k officials rebuild the opening key.
//! Everything the header shows is metadata the platform knows from the upload anyway; prices and
//! other declared fields travel inside the ciphertext.

use sm2::elliptic_curve::rand_core::CryptoRng;

use crate::cert::Certificate;
use crate::encoding::{Reader, put_bytes, put_i64};
use crate::sm2::{CiphertextFormat, PrivateKey, PublicKey};
use crate::sm3::{Sm3Digest, Sm3Hasher, sm3};
use crate::sm4_gcm;

/// First bytes of every version-1 envelope.
pub const MAGIC: &[u8] = b"GGZY-ENVELOPE-V1\0";

/// Most files one envelope carries.
pub const MAX_FILES: usize = 1000;

/// Why an envelope cannot be made, read or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not a version-1 envelope, or truncated, or with trailing bytes.
    #[error("malformed envelope: {0}")]
    Malformed(&'static str),
    /// The bidder's signature over the digest does not verify with the certificate's key.
    #[error("the bidder's signature does not verify")]
    BadSignature,
    /// The embedded certificate cannot be used.
    #[error("bad bidder certificate: {0}")]
    Certificate(String),
    /// The private key does not unwrap this envelope's data key.
    #[error("the data key cannot be unwrapped with this key")]
    Unwrap,
    /// The data key does not open the ciphertext (wrong key, or altered ciphertext or header).
    #[error("the bid does not decrypt with this data key")]
    Decrypt,
    /// The signing key is not the key of the certificate given.
    #[error("the signing key does not match the bidder's certificate")]
    KeyMismatch,
    /// Wrapping the data key failed (the caller's RNG failed).
    #[error("sealing failed")]
    Seal,
}

/// One file of a bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidFile {
    /// File name as the bidder named it.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What the envelope protects: declared fields (price, duration, ... as a JSON object, read out
/// into the opening record) and the bid files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// Declared fields, a JSON object as UTF-8 text.
    pub declared_json: String,
    /// The files.
    pub files: Vec<BidFile>,
}

/// The visible part of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The tender (trade id).
    pub tender_id: String,
    /// The lot (标段).
    pub lot_id: String,
    /// The bidder's unified social credit code.
    pub bidder_credit_code: String,
    /// When the bidder's tool sealed it (bidder's clock; informational, never the deadline check).
    pub sealed_at_ms: i64,
    /// Name and version of the sealing tool.
    pub tool_version: String,
    /// SM3 of the machine id of the sealing computer (supervision compares these across bidders).
    pub machine_id_hash: Sm3Digest,
    /// SM3 of the network card MAC addresses of the sealing computer.
    pub mac_hash: Sm3Digest,
    /// SM4-GCM nonce.
    pub nonce: [u8; sm4_gcm::NONCE_LEN],
    /// The bidder's certificate (DER).
    pub bidder_cert_der: Vec<u8>,
    /// The data key, SM2-encrypted (DER) to the bidder's certificate key.
    pub key_for_bidder: Vec<u8>,
    /// The data key, SM2-encrypted (DER) to the tender's opening key.
    pub key_for_opening: Vec<u8>,
}

/// Who unwraps the data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHolder {
    /// The bidder, with its certificate's private key.
    Bidder,
    /// The escrow quorum, with the rebuilt opening key.
    Opening,
}

/// What the sealing tool puts in.
#[derive(Debug)]
pub struct SealRequest<'a> {
    /// The tender.
    pub tender_id: &'a str,
    /// The lot.
    pub lot_id: &'a str,
    /// The bidder's credit code.
    pub bidder_credit_code: &'a str,
    /// When, bidder's clock.
    pub sealed_at_ms: i64,
    /// Sealing tool and version.
    pub tool_version: &'a str,
    /// SM3 of the machine id.
    pub machine_id_hash: Sm3Digest,
    /// SM3 of the MAC addresses.
    pub mac_hash: Sm3Digest,
    /// The bidder's certificate.
    pub bidder_cert: &'a Certificate,
    /// The bidder's private key (must match the certificate).
    pub bidder_key: &'a PrivateKey,
    /// The tender's opening public key.
    pub opening_key: &'a PublicKey,
    /// What to seal.
    pub payload: &'a Payload,
}

/// A parsed envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The visible header.
    pub header: Header,
    /// SM4-GCM ciphertext || tag of the payload, with the header as associated data.
    pub ciphertext: Vec<u8>,
    /// The bidder's SM2 signature (DER) over [`Envelope::digest`].
    pub signature: Vec<u8>,
}

fn encode_header(header: &Header) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    put_bytes(&mut out, header.tender_id.as_bytes());
    put_bytes(&mut out, header.lot_id.as_bytes());
    put_bytes(&mut out, header.bidder_credit_code.as_bytes());
    put_i64(&mut out, header.sealed_at_ms);
    put_bytes(&mut out, header.tool_version.as_bytes());
    put_bytes(&mut out, &header.machine_id_hash);
    put_bytes(&mut out, &header.mac_hash);
    put_bytes(&mut out, &header.nonce);
    put_bytes(&mut out, &header.bidder_cert_der);
    put_bytes(&mut out, &header.key_for_bidder);
    put_bytes(&mut out, &header.key_for_opening);
    out
}

fn encode_payload(payload: &Payload) -> Vec<u8> {
    let size = payload.files.iter().map(|f| f.bytes.len() + f.name.len() + 8).sum::<usize>();
    let mut out = Vec::with_capacity(size + payload.declared_json.len() + 8);
    put_bytes(&mut out, payload.declared_json.as_bytes());
    out.extend_from_slice(&u32::try_from(payload.files.len()).unwrap_or(u32::MAX).to_be_bytes());
    for file in &payload.files {
        put_bytes(&mut out, file.name.as_bytes());
        put_bytes(&mut out, &file.bytes);
    }
    out
}

fn text(bytes: &[u8], what: &'static str) -> Result<String, EnvelopeError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| EnvelopeError::Malformed(what))
}

fn digest32(bytes: &[u8], what: &'static str) -> Result<Sm3Digest, EnvelopeError> {
    bytes.try_into().map_err(|_| EnvelopeError::Malformed(what))
}

const TRUNCATED: EnvelopeError = EnvelopeError::Malformed("truncated");

/// Seals a bid. The data key and nonce are fresh from `rng`; so are SM2's ephemeral keys.
pub fn seal(request: &SealRequest<'_>, rng: &mut impl CryptoRng) -> Result<Vec<u8>, EnvelopeError> {
    let certified = request.bidder_cert.public_key().map_err(|e| EnvelopeError::Certificate(e.to_string()))?;
    if certified.to_uncompressed_point() != request.bidder_key.verifying_key().to_uncompressed_point() {
        return Err(EnvelopeError::KeyMismatch);
    }
    let mut data_key = [0u8; sm4_gcm::KEY_LEN];
    rng.fill_bytes(&mut data_key);
    let mut nonce = [0u8; sm4_gcm::NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let wrap = |key: &PublicKey, rng: &mut _| {
        key.encrypt(rng, &data_key, CiphertextFormat::Der).map_err(|_| EnvelopeError::Seal)
    };
    let header = Header {
        tender_id: request.tender_id.to_owned(),
        lot_id: request.lot_id.to_owned(),
        bidder_credit_code: request.bidder_credit_code.to_owned(),
        sealed_at_ms: request.sealed_at_ms,
        tool_version: request.tool_version.to_owned(),
        machine_id_hash: request.machine_id_hash,
        mac_hash: request.mac_hash,
        nonce,
        bidder_cert_der: request.bidder_cert.to_der().map_err(|e| EnvelopeError::Certificate(e.to_string()))?,
        key_for_bidder: wrap(&certified, rng)?,
        key_for_opening: wrap(request.opening_key, rng)?,
    };
    let header_bytes = encode_header(&header);
    let ciphertext = sm4_gcm::seal(&data_key, &nonce, &header_bytes, &encode_payload(request.payload));
    data_key.iter_mut().for_each(|b| *b = 0);
    let digest = digest_of(&header_bytes, &ciphertext);
    let signature = request.bidder_key.sign(&digest);
    let mut out = Vec::with_capacity(MAGIC.len() + header_bytes.len() + ciphertext.len() + signature.len() + 12);
    out.extend_from_slice(MAGIC);
    put_bytes(&mut out, &header_bytes);
    put_bytes(&mut out, &ciphertext);
    put_bytes(&mut out, &signature);
    Ok(out)
}

fn digest_of(header_bytes: &[u8], ciphertext: &[u8]) -> Sm3Digest {
    let mut signed = Vec::with_capacity(MAGIC.len() + header_bytes.len() + ciphertext.len() + 8);
    signed.extend_from_slice(MAGIC);
    put_bytes(&mut signed, header_bytes);
    put_bytes(&mut signed, ciphertext);
    sm3(&signed)
}

/// The two SM3 digests a stored sealed file needs: the envelope digest (what the bidder signs) and
/// the SM3 of every byte (the blob's address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeDigests {
    /// SM3 over magic, header and ciphertext, as [`Envelope::digest`].
    pub signed: Sm3Digest,
    /// SM3 over the whole encoding, signature included.
    pub whole: Sm3Digest,
}

/// Both digests in one pass over the bytes: the signed part is a prefix of the encoding, so the
/// hash state at its end is finished once for the signed digest and fed on with the signature.
pub fn envelope_digests(bytes: &[u8]) -> Result<EnvelopeDigests, EnvelopeError> {
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return Err(EnvelopeError::Malformed("not a version-1 envelope"));
    };
    let mut outer = Reader::new(rest);
    outer.bytes().map_err(|_| TRUNCATED)?;
    outer.bytes().map_err(|_| TRUNCATED)?;
    let (signed_part, signature_part) = bytes.split_at(bytes.len() - outer.remaining());
    let mut hasher = Sm3Hasher::new();
    hasher.update(signed_part);
    let signed = hasher.clone().finalize();
    hasher.update(signature_part);
    Ok(EnvelopeDigests { signed, whole: hasher.finalize() })
}

impl Envelope {
    /// Parses the structure (no keys needed; nothing is decrypted or trusted yet).
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let Some(rest) = bytes.strip_prefix(MAGIC) else {
            return Err(EnvelopeError::Malformed("not a version-1 envelope"));
        };
        let mut outer = Reader::new(rest);
        let header_bytes = outer.bytes().map_err(|_| TRUNCATED)?;
        let ciphertext = outer.bytes().map_err(|_| TRUNCATED)?.to_vec();
        let signature = outer.bytes().map_err(|_| TRUNCATED)?.to_vec();
        if !outer.is_empty() {
            return Err(EnvelopeError::Malformed("trailing bytes"));
        }
        let mut r = Reader::new(header_bytes);
        let header = Header {
            tender_id: text(r.bytes().map_err(|_| TRUNCATED)?, "tender id")?,
            lot_id: text(r.bytes().map_err(|_| TRUNCATED)?, "lot id")?,
            bidder_credit_code: text(r.bytes().map_err(|_| TRUNCATED)?, "credit code")?,
            sealed_at_ms: r.i64().map_err(|_| TRUNCATED)?,
            tool_version: text(r.bytes().map_err(|_| TRUNCATED)?, "tool version")?,
            machine_id_hash: digest32(r.bytes().map_err(|_| TRUNCATED)?, "machine id hash")?,
            mac_hash: digest32(r.bytes().map_err(|_| TRUNCATED)?, "MAC hash")?,
            nonce: r.bytes().map_err(|_| TRUNCATED)?.try_into().map_err(|_| EnvelopeError::Malformed("nonce"))?,
            bidder_cert_der: r.bytes().map_err(|_| TRUNCATED)?.to_vec(),
            key_for_bidder: r.bytes().map_err(|_| TRUNCATED)?.to_vec(),
            key_for_opening: r.bytes().map_err(|_| TRUNCATED)?.to_vec(),
        };
        if !r.is_empty() {
            return Err(EnvelopeError::Malformed("trailing header bytes"));
        }
        Ok(Envelope { header, ciphertext, signature })
    }

    /// SM3 over magic, header and ciphertext: what the bidder signs and the receipt names.
    pub fn digest(&self) -> Sm3Digest {
        digest_of(&encode_header(&self.header), &self.ciphertext)
    }

    /// The bidder's certificate, once its key has verified the signature over the digest. The
    /// caller still checks the certificate's chain, validity and revocation with its trust store.
    pub fn verify_signature(&self) -> Result<Certificate, EnvelopeError> {
        self.verify_signature_over(&self.digest())
    }

    /// Like [`Envelope::verify_signature`], over a digest the caller already holds (the one the
    /// bidder declared, or one computed once for several checks): hashing a large bid twice is
    /// a third of the opening's cost.
    pub fn verify_signature_over(&self, digest: &Sm3Digest) -> Result<Certificate, EnvelopeError> {
        let cert = Certificate::from_der(&self.header.bidder_cert_der)
            .map_err(|e| EnvelopeError::Certificate(e.to_string()))?;
        let key = cert.public_key().map_err(|e| EnvelopeError::Certificate(e.to_string()))?;
        key.verify(digest, &self.signature).map_err(|_| EnvelopeError::BadSignature)?;
        Ok(cert)
    }

    /// Unwraps the data key with the bidder's or the opening private key.
    pub fn unwrap_key(&self, key: &PrivateKey, holder: KeyHolder) -> Result<[u8; sm4_gcm::KEY_LEN], EnvelopeError> {
        let wrapped = match holder {
            KeyHolder::Bidder => &self.header.key_for_bidder,
            KeyHolder::Opening => &self.header.key_for_opening,
        };
        let data_key = key.decrypt(wrapped, CiphertextFormat::Der).map_err(|_| EnvelopeError::Unwrap)?;
        data_key.try_into().map_err(|_| EnvelopeError::Unwrap)
    }

    /// Decrypts and parses the payload with the data key.
    pub fn open(&self, data_key: &[u8; sm4_gcm::KEY_LEN]) -> Result<Payload, EnvelopeError> {
        let plain = sm4_gcm::open(data_key, &self.header.nonce, &encode_header(&self.header), &self.ciphertext)
            .map_err(|_| EnvelopeError::Decrypt)?;
        let mut r = Reader::new(&plain);
        let declared_json = text(r.bytes().map_err(|_| TRUNCATED)?, "declared fields")?;
        let count = usize::try_from(r.u32().map_err(|_| TRUNCATED)?).unwrap_or(usize::MAX);
        if count > MAX_FILES {
            return Err(EnvelopeError::Malformed("too many files"));
        }
        let mut files = Vec::with_capacity(count);
        for _ in 0..count {
            let name = text(r.bytes().map_err(|_| TRUNCATED)?, "file name")?;
            files.push(BidFile { name, bytes: r.bytes().map_err(|_| TRUNCATED)?.to_vec() });
        }
        if !r.is_empty() {
            return Err(EnvelopeError::Malformed("trailing payload bytes"));
        }
        Ok(Payload { declared_json, files })
    }
}
