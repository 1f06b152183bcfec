//! The sealed-bid envelope: sealing, parsing, signature, unwrapping by the bidder and by the escrow
//! quorum, and refusal of every kind of tampering.

use ggzy_crypto::cert::{Certificate, TrustStore};
use ggzy_crypto::envelope::{
    BidFile, Envelope, EnvelopeError, KeyHolder, MAGIC, Payload, SealRequest, envelope_digests, seal,
};
use ggzy_crypto::shamir;
use ggzy_crypto::sm2::PrivateKey;
use ggzy_crypto::sm3::sm3;

const LEAF: &str = include_str!("data/pki/leaf.pem");
const LEAF_KEY: &str = include_str!("data/pki/leaf.key");
const SUB_A: &str = include_str!("data/pki/sub-a.pem");
const ROOT_A: &str = include_str!("data/pki/root-a.pem");
const NOW: i64 = 1_798_761_600;

fn payload() -> Payload {
    Payload {
        declared_json: r#"{"price_fen":123456789,"duration_days":365}"#.to_owned(),
        files: vec![
            BidFile { name: "商务标.pdf".to_owned(), bytes: b"%PDF-1.7 business".repeat(300) },
            BidFile { name: "技术标.pdf".to_owned(), bytes: b"%PDF-1.7 technical".repeat(500) },
        ],
    }
}

struct Fixture {
    cert: Certificate,
    bidder: PrivateKey,
    opening: PrivateKey,
    sealed: Vec<u8>,
}

fn sealed() -> Fixture {
    let cert = Certificate::from_pem(LEAF).expect("leaf certificate");
    let bidder = PrivateKey::from_pkcs8_pem(LEAF_KEY).expect("leaf key");
    let opening = PrivateKey::generate(&mut rand::rng());
    let payload = payload();
    let request = SealRequest {
        tender_id: "GZ-2026-001",
        lot_id: "GZ-2026-001-01",
        bidder_credit_code: "91330106MA27XY122Q",
        sealed_at_ms: 1_798_761_600_000,
        tool_version: "ggzy-bid 0.1.0",
        machine_id_hash: sm3(b"machine-id"),
        mac_hash: sm3(b"00:16:3e:00:00:01"),
        bidder_cert: &cert,
        bidder_key: &bidder,
        opening_key: &opening.verifying_key(),
        payload: &payload,
    };
    let sealed = seal(&request, &mut rand::rng()).expect("seal");
    Fixture { cert, bidder, opening, sealed }
}

#[test]
fn the_bidder_and_the_opening_key_both_open_it_and_the_signature_verifies() {
    let f = sealed();
    assert!(f.sealed.starts_with(MAGIC));
    let envelope = Envelope::parse(&f.sealed).expect("parse");
    assert_eq!(envelope.header.bidder_credit_code, "91330106MA27XY122Q");
    let signer = envelope.verify_signature().expect("signed by the certificate's key");
    assert_eq!(signer, f.cert);
    let store = TrustStore::new(vec![Certificate::from_pem(ROOT_A).expect("root")]);
    store.verify(&signer, &[Certificate::from_pem(SUB_A).expect("sub")], NOW).expect("the signer chains to a root");

    let by_bidder = envelope.unwrap_key(&f.bidder, KeyHolder::Bidder).expect("bidder unwraps");
    let by_escrow = envelope.unwrap_key(&f.opening, KeyHolder::Opening).expect("opening key unwraps");
    assert_eq!(by_bidder, by_escrow);
    assert_eq!(envelope.open(&by_bidder), Ok(payload()));
    assert_eq!(envelope.unwrap_key(&f.opening, KeyHolder::Bidder), Err(EnvelopeError::Unwrap), "keys are not swapped");
}

#[test]
fn a_quorum_of_officials_rebuilds_the_opening_key_and_fewer_cannot() {
    let f = sealed();
    let envelope = Envelope::parse(&f.sealed).expect("parse");
    let shares = shamir::split(&f.opening.to_scalar_bytes(), 3, 5, &mut rand::rng()).expect("3 of 5");
    let rebuilt = shamir::combine(&shares[1..4]).expect("combine");
    let rebuilt = PrivateKey::from_scalar_bytes(&rebuilt).expect("a valid scalar");
    let data_key = envelope.unwrap_key(&rebuilt, KeyHolder::Opening).expect("the quorum opens");
    assert_eq!(envelope.open(&data_key), Ok(payload()));
    let too_few = shamir::combine(&shares[..2]).expect("combine");
    let wrong = PrivateKey::from_scalar_bytes(&too_few);
    assert!(wrong.is_err() || envelope.unwrap_key(&wrong.expect("scalar"), KeyHolder::Opening).is_err());
}

#[test]
fn any_changed_byte_is_caught_by_parsing_the_signature_or_the_cipher() {
    let f = sealed();
    let envelope = Envelope::parse(&f.sealed).expect("parse");
    let data_key = envelope.unwrap_key(&f.bidder, KeyHolder::Bidder).expect("unwrap");
    // Every 97th byte across magic, header, ciphertext and signature.
    for at in (0..f.sealed.len()).step_by(97) {
        let mut altered = f.sealed.clone();
        altered[at] ^= 0x20;
        let caught = match Envelope::parse(&altered) {
            Err(_) => true,
            Ok(parsed) => parsed.verify_signature().is_err() || parsed.open(&data_key).is_err(),
        };
        assert!(caught, "byte {at} of {}", f.sealed.len());
    }
    assert_eq!(Envelope::parse(&f.sealed[..f.sealed.len() - 1]), Err(EnvelopeError::Malformed("truncated")));
    let mut longer = f.sealed.clone();
    longer.push(0);
    assert_eq!(Envelope::parse(&longer), Err(EnvelopeError::Malformed("trailing bytes")));
    assert_eq!(Envelope::parse(b"PK\x03\x04 a zip file"), Err(EnvelopeError::Malformed("not a version-1 envelope")));
}

#[test]
fn a_key_that_is_not_the_certificates_cannot_seal() {
    let cert = Certificate::from_pem(LEAF).expect("leaf");
    let stranger = PrivateKey::generate(&mut rand::rng());
    let opening = PrivateKey::generate(&mut rand::rng()).verifying_key();
    let payload = payload();
    let request = SealRequest {
        tender_id: "T",
        lot_id: "L",
        bidder_credit_code: "91330106MA27XY122Q",
        sealed_at_ms: 0,
        tool_version: "t",
        machine_id_hash: [0; 32],
        mac_hash: [0; 32],
        bidder_cert: &cert,
        bidder_key: &stranger,
        opening_key: &opening,
        payload: &payload,
    };
    assert_eq!(seal(&request, &mut rand::rng()), Err(EnvelopeError::KeyMismatch));
}

/// `data/envelope-v1.bin`: the test vector of `docs/envelope.md`, sealed once to `data/opening-key.pem`.
#[test]
fn the_published_vector_opens_with_both_keys() {
    let envelope = Envelope::parse(include_bytes!("data/envelope-v1.bin")).expect("vector parses");
    assert_eq!(envelope.header.tender_id, "GZ-2026-001");
    assert_eq!(envelope.header.lot_id, "GZ-2026-001-01");
    assert_eq!(envelope.header.sealed_at_ms, 1_798_761_600_000);
    assert_eq!(envelope.header.machine_id_hash, sm3(b"machine-id"));
    assert!(envelope.verify_signature().expect("signed").subject().contains("91330106MA27XY122Q"));
    let opening = PrivateKey::from_pkcs8_pem(include_str!("data/opening-key.pem")).expect("opening key");
    let bidder = PrivateKey::from_pkcs8_pem(LEAF_KEY).expect("bidder key");
    let data_key = envelope.unwrap_key(&opening, KeyHolder::Opening).expect("opening key unwraps");
    assert_eq!(envelope.unwrap_key(&bidder, KeyHolder::Bidder), Ok(data_key));
    let payload = envelope.open(&data_key).expect("opens");
    assert_eq!(payload.declared_json, r#"{"price_fen":123456789,"duration_days":365}"#);
    assert_eq!(payload.files.len(), 1);
    assert_eq!(payload.files[0].name, "投标函.txt");
    assert_eq!(String::from_utf8_lossy(&payload.files[0].bytes), "投标总价：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分");
    assert_eq!(hex_digest(&envelope.digest()), DOCUMENTED_DIGEST, "the digest docs/envelope.md publishes");
}

/// The one-pass digests equal the signed digest and the SM3 of the whole file, for the published
/// vector and a fresh envelope; a file that is not an envelope has neither.
#[test]
fn one_pass_digests_match_the_signed_digest_and_the_whole_file() {
    let vector: &[u8] = include_bytes!("data/envelope-v1.bin");
    let fresh = sealed().sealed;
    for bytes in [vector, fresh.as_slice()] {
        let digests = envelope_digests(bytes).expect("digests");
        assert_eq!(digests.signed, Envelope::parse(bytes).expect("parse").digest());
        assert_eq!(digests.whole, sm3(bytes));
    }
    assert_eq!(hex_digest(&envelope_digests(vector).expect("digests").signed), DOCUMENTED_DIGEST);
    assert_eq!(envelope_digests(&fresh[..20]), Err(EnvelopeError::Malformed("truncated")));
    assert_eq!(envelope_digests(b"PK\x03\x04"), Err(EnvelopeError::Malformed("not a version-1 envelope")));
}

/// The vector's signed digest as published in `docs/envelope.md`.
const DOCUMENTED_DIGEST: &str = "986ee3173aacd930e99915b939838472bbf7a7ee9c74163d1fee25679975a560";

fn hex_digest(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
