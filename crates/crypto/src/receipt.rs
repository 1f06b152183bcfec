//! Bid receipts (回执): the platform's SM2 signature over what it accepted and when. A receipt
//! names the tender, lot and bidder, the envelope digest the bidder signed, the server time at
//! ingest, and the event's place in the log (position and hash), so the bidder can later prove
//! the bid is in a signed tree head. It is issued only after the event is durable.

use crate::encoding::{put_bytes, put_i64};
use crate::sm2::{PrivateKey, PublicKey, Sm2Error};

/// Domain tag of the signed bytes, versioned.
pub const RECEIPT_TAG: &[u8] = b"GGZY-RECEIPT-V1\0";

/// What a receipt attests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A bid (or a replacement bid) was accepted.
    Submitted,
    /// The bidder withdrew its bid.
    Withdrawn,
}

impl ReceiptKind {
    /// Identifier in the signed bytes and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Submitted => "submitted",
            ReceiptKind::Withdrawn => "withdrawn",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ReceiptKind> {
        [ReceiptKind::Submitted, ReceiptKind::Withdrawn].into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The attested fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptFields {
    /// Submission or withdrawal.
    pub kind: ReceiptKind,
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Bidder's credit code.
    pub bidder_credit_code: String,
    /// SM3 digest the bidder signed (empty for a withdrawal).
    pub envelope_digest: Vec<u8>,
    /// Server time at ingest, UTC ms.
    pub received_at_ms: i64,
    /// Position of the event in the log (leaf index + 1).
    pub log_position: i64,
    /// Hash of that event (its leaf is derived from it).
    pub event_hash: Vec<u8>,
}

impl ReceiptFields {
    /// The signed bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECEIPT_TAG.len() + 200);
        out.extend_from_slice(RECEIPT_TAG);
        put_bytes(&mut out, self.kind.as_str().as_bytes());
        put_bytes(&mut out, self.tender_id.as_bytes());
        put_bytes(&mut out, self.lot_id.as_bytes());
        put_bytes(&mut out, self.bidder_credit_code.as_bytes());
        put_bytes(&mut out, &self.envelope_digest);
        put_i64(&mut out, self.received_at_ms);
        put_i64(&mut out, self.log_position);
        put_bytes(&mut out, &self.event_hash);
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

    fn fields() -> ReceiptFields {
        ReceiptFields {
            kind: ReceiptKind::Submitted,
            tender_id: "T1".to_owned(),
            lot_id: "1".to_owned(),
            bidder_credit_code: "91110000100000000X".to_owned(),
            envelope_digest: vec![7; 32],
            received_at_ms: 1_795_507_200_000,
            log_position: 42,
            event_hash: vec![9; 32],
        }
    }

    #[test]
    fn a_receipt_verifies_and_any_field_change_breaks_it() {
        let key = PrivateKey::from_scalar_bytes(&[3; 32]).expect("key");
        let signature = fields().sign(&key);
        let public = key.verifying_key();
        assert!(fields().verify(&public, &signature).is_ok());
        let changes: [fn(&mut ReceiptFields); 8] = [
            |f| f.kind = ReceiptKind::Withdrawn,
            |f| f.tender_id.push('x'),
            |f| f.lot_id.push('x'),
            |f| f.bidder_credit_code.push('x'),
            |f| f.envelope_digest[0] ^= 1,
            |f| f.received_at_ms += 1,
            |f| f.log_position += 1,
            |f| f.event_hash[0] ^= 1,
        ];
        for change in changes {
            let mut altered = fields();
            change(&mut altered);
            assert!(altered.verify(&public, &signature).is_err(), "{altered:?}");
        }
    }
}
