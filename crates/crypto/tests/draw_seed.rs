//! Golden vectors and properties of the draw's commitment, seed and stream (`docs/draw.md`).
//!
//! The expected bytes were computed independently with Python's `hashlib.new("sm3")` from the
//! layout written in `docs/draw.md`, and the worked example in that page must show the same
//! numbers: [`the_worked_example_in_the_docs_matches`] reads the page and checks it.

use ggzy_crypto::draw_seed::{
    DrawSeed, DrawSeedError, DrawStream, PUBLIC_VALUES_MAX, SECRET_LEN_MIN, SeedInputs, commitment,
};
use ggzy_crypto::sm3::sm3;
use ggzy_crypto::tree_head::TreeHead;
use proptest::prelude::*;

const DOC: &str = include_str!("../../../docs/draw.md");

const TENDER: &str = "T-2026-0001";
const LOT: &str = "L01";
const COMMITMENT_HEX: &str = "21040213ff16ea2f09c4023fca0ded39c85444ed9d1564f37ea0364230f28654";
const HEAD_HEX: &str = "47475a592d545245452d484541442d5631000000000000000400000001a20adb16600000002066c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
const SEED_HEX: &str = "17f8f02c3d0b0310fe926441c94909f16491f4ccf929d7ffcca42f0ba3e8a438";
/// The first 16 values of the example's stream.
const VALUES: [u64; 16] = [
    15771339130513313020,
    11112097236184661603,
    3357745797972179503,
    17932370651040805812,
    385036425697241771,
    14487325926449132235,
    1165995915018878401,
    4724941930505153634,
    8906979652641552474,
    13771623437516641845,
    9550939845340092249,
    14137826003257181999,
    11566822448515370515,
    13386212661498817161,
    3088481264777485032,
    2393842677138822066,
];

fn secret() -> Vec<u8> {
    (0u8..32).collect()
}

/// The signed tree head at the draw minute in the example: 1024 events, 2026-11-24 08:01 北京时间,
/// root SM3("abc").
fn head() -> Vec<u8> {
    TreeHead { tree_size: 1024, timestamp_ms: 1_795_478_460_000, root_hash: sm3(b"abc").to_vec() }.encode()
}

fn example_seed() -> DrawSeed {
    let secret = secret();
    let head = head();
    let public_values: [&[u8]; 1] = [&head];
    let inputs = SeedInputs { tender_id: TENDER, lot_id: LOT, secret: &secret, public_values: &public_values };
    let commit = commitment(TENDER, LOT, &secret).expect("32-byte secret");
    DrawSeed::derive(&inputs, &commit).expect("the secret opens its commitment")
}

#[test]
fn golden_vector() {
    let secret = secret();
    assert_eq!(hex::encode(commitment(TENDER, LOT, &secret).expect("long enough")), COMMITMENT_HEX);
    assert_eq!(hex::encode(head()), HEAD_HEX);
    let seed = example_seed();
    assert_eq!(hex::encode(seed.to_bytes()), SEED_HEX);
    let values: Vec<u64> = seed.stream().take(16).collect();
    assert_eq!(values, VALUES);
}

#[test]
fn the_worked_example_in_the_docs_matches() {
    for text in [COMMITMENT_HEX, HEAD_HEX, SEED_HEX] {
        assert!(DOC.contains(text), "docs/draw.md must show {text}");
    }
    for value in &VALUES[..8] {
        assert!(DOC.contains(&value.to_string()), "docs/draw.md must show stream value {value}");
    }
}

#[test]
fn the_stream_resumes_at_a_published_position() {
    let seed = example_seed();
    let mut stream = seed.stream();
    let first: Vec<u64> = stream.by_ref().take(5).collect();
    assert_eq!(first, VALUES[..5]);
    assert_eq!(stream.position(), 5);
    let mut resumed = DrawStream::at(seed, stream.position());
    assert_eq!(resumed.next(), Some(VALUES[5]));
    assert_eq!(stream.next(), Some(VALUES[5]));
    assert_eq!(resumed.position(), 6);
    assert_eq!(DrawStream::value_at(seed, 15), VALUES[15]);
}

#[test]
fn a_wrong_secret_or_missing_public_value_yields_no_seed() {
    let secret = secret();
    let head = head();
    let commit = commitment(TENDER, LOT, &secret).expect("long enough");
    let mut other = secret.clone();
    other[0] ^= 1;
    let one: [&[u8]; 1] = [&head];
    let derive = |secret: &[u8], lot: &str, public_values: &[&[u8]]| {
        DrawSeed::derive(&SeedInputs { tender_id: TENDER, lot_id: lot, secret, public_values }, &commit)
    };
    assert_eq!(derive(&other, LOT, &one), Err(DrawSeedError::CommitmentMismatch));
    // The commitment names the lot: it cannot be reused for another lot of the same tender.
    assert_eq!(derive(&secret, "L02", &one), Err(DrawSeedError::CommitmentMismatch));
    assert_eq!(derive(&secret, LOT, &[]), Err(DrawSeedError::NoPublicValue));
    let many: Vec<&[u8]> = vec![&head; PUBLIC_VALUES_MAX + 1];
    assert_eq!(derive(&secret, LOT, &many), Err(DrawSeedError::TooManyPublicValues { count: PUBLIC_VALUES_MAX + 1 }));
    assert_eq!(
        commitment(TENDER, LOT, &secret[..SECRET_LEN_MIN - 1]),
        Err(DrawSeedError::SecretTooShort { len: SECRET_LEN_MIN - 1 })
    );
    assert!(commitment(TENDER, LOT, &secret[..SECRET_LEN_MIN]).is_ok());
    assert_eq!(DrawSeedError::CommitmentMismatch.code(), "draw_commitment_mismatch");
}

#[test]
fn field_boundaries_cannot_be_shifted() {
    // Without length prefixes, ("T-1", "23") and ("T-12", "3") would hash the same bytes.
    let secret = secret();
    let head = head();
    let public_values: [&[u8]; 1] = [&head];
    let seed_of = |tender: &str, lot: &str| {
        let commit = commitment(tender, lot, &secret).expect("long enough");
        DrawSeed::derive(
            &SeedInputs { tender_id: tender, lot_id: lot, secret: &secret, public_values: &public_values },
            &commit,
        )
        .expect("opens")
    };
    assert_ne!(seed_of("T-1", "23"), seed_of("T-12", "3"));
    assert_ne!(commitment("T-1", "23", &secret), commitment("T-12", "3", &secret));
    // Splitting one public value into two changes the seed too.
    let commit = commitment(TENDER, LOT, &secret).expect("long enough");
    let split: [&[u8]; 2] = [&head[..10], &head[10..]];
    let joined = DrawSeed::derive(
        &SeedInputs { tender_id: TENDER, lot_id: LOT, secret: &secret, public_values: &public_values },
        &commit,
    );
    let parts = DrawSeed::derive(
        &SeedInputs { tender_id: TENDER, lot_id: LOT, secret: &secret, public_values: &split },
        &commit,
    );
    assert_ne!(joined, parts);
}

proptest! {
    #[test]
    fn any_public_value_change_changes_the_stream(
        secret in prop::collection::vec(any::<u8>(), SECRET_LEN_MIN..48),
        value in prop::collection::vec(any::<u8>(), 1..64),
        flip in any::<prop::sample::Index>(),
    ) {
        let commit = commitment(TENDER, LOT, &secret).expect("long enough");
        let mut changed = value.clone();
        let at = flip.index(changed.len());
        changed[at] ^= 0x01;
        let stream_of = |public: &[u8]| {
            let public_values = [public];
            DrawSeed::derive(&SeedInputs { tender_id: TENDER, lot_id: LOT, secret: &secret, public_values: &public_values }, &commit)
                .map(|seed| seed.stream().take(4).collect::<Vec<u64>>())
        };
        let original = stream_of(&value).expect("opens");
        prop_assert_eq!(stream_of(&value).expect("opens"), original.clone());
        prop_assert_ne!(stream_of(&changed).expect("opens"), original);
    }
}
