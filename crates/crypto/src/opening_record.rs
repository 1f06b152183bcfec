//! The opening record (开标记录表), signed by the platform when the opening closes: for each bid, the
//! bidder, how it was decrypted (by its bidder or by the escrow quorum) or why it failed, the fields
//! the bidder declared in the envelope (price...), and when the bid was received.

use crate::encoding::{put_bytes, put_i64};
use crate::sm2::{PrivateKey, PublicKey, Sm2Error};

/// Domain tag of the signed bytes, versioned.
pub const OPENING_RECORD_TAG: &[u8] = b"GGZY-OPENING-RECORD-V1\0";

/// One bid's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningLine {
    /// Lot.
    pub lot_id: String,
    /// Bidder.
    pub bidder_credit_code: String,
    /// `decrypted` or `failed`.
    pub status: String,
    /// `bidder` or `escrow` (empty when failed).
    pub method: String,
    /// Declared fields, JSON as the bidder sealed them (`{}` when failed).
    pub declared_json: String,
    /// When the bid was received, UTC ms.
    pub received_at_ms: i64,
}

/// The whole record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningRecord {
    /// Tender.
    pub tender_id: String,
    /// When the opening closed, UTC ms.
    pub closed_at_ms: i64,
    /// One line per bid, by lot and bidder.
    pub lines: Vec<OpeningLine>,
}

impl OpeningRecord {
    /// The signed bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(OPENING_RECORD_TAG.len() + 64 + self.lines.len() * 160);
        out.extend_from_slice(OPENING_RECORD_TAG);
        put_bytes(&mut out, self.tender_id.as_bytes());
        put_i64(&mut out, self.closed_at_ms);
        put_i64(&mut out, i64::try_from(self.lines.len()).unwrap_or(i64::MAX));
        for line in &self.lines {
            put_bytes(&mut out, line.lot_id.as_bytes());
            put_bytes(&mut out, line.bidder_credit_code.as_bytes());
            put_bytes(&mut out, line.status.as_bytes());
            put_bytes(&mut out, line.method.as_bytes());
            put_bytes(&mut out, line.declared_json.as_bytes());
            put_i64(&mut out, line.received_at_ms);
        }
        out
    }

    /// The platform's signature (DER).
    pub fn sign(&self, key: &PrivateKey) -> Vec<u8> {
        key.sign(&self.encode())
    }

    /// Checks the platform's signature.
    pub fn verify(&self, key: &PublicKey, signature: &[u8]) -> Result<(), Sm2Error> {
        key.verify(&self.encode(), signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_verifies_and_a_changed_price_does_not() {
        let key = PrivateKey::from_scalar_bytes(&[5; 32]).expect("key");
        let mut record = OpeningRecord {
            tender_id: "T".to_owned(),
            closed_at_ms: 1,
            lines: vec![OpeningLine {
                lot_id: "1".to_owned(),
                bidder_credit_code: "B".to_owned(),
                status: "decrypted".to_owned(),
                method: "bidder".to_owned(),
                declared_json: r#"{"price_fen":100}"#.to_owned(),
                received_at_ms: 0,
            }],
        };
        let signature = record.sign(&key);
        assert!(record.verify(&key.verifying_key(), &signature).is_ok());
        record.lines[0].declared_json = r#"{"price_fen":101}"#.to_owned();
        assert!(record.verify(&key.verifying_key(), &signature).is_err());
    }
}
