//! The bytes an evaluation committee member signs with their SM2 key: their score sheet for a lot,
//! and their stance on the draft report. Versioned domain tags and the length-prefixed encoding of
//! the event chain (`docs/evaluation.md`), so any tool can rebuild the bytes from the published
//! fields and check a signature.

use crate::encoding::{put_bytes, put_i64};

/// Domain tag of a score sheet.
pub const SCORE_SHEET_TAG: &[u8] = b"GGZY-SCORE-SHEET-V1\0";
/// Domain tag of a signature on the report.
pub const REPORT_SIGNATURE_TAG: &[u8] = b"GGZY-EVALUATION-REPORT-V1\0";

/// One score of a sheet: bidder, criterion id and hundredths of a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetScore<'a> {
    /// Bidder (统一社会信用代码).
    pub bidder: &'a str,
    /// Criterion id of the tender documents' scoring table.
    pub criterion: &'a str,
    /// Hundredths of a point.
    pub centipoints: i64,
}

/// The signed bytes of a member's score sheet. Scores are sorted by bidder then criterion first,
/// so the order they were typed in does not matter.
pub fn score_sheet_bytes(tender_id: &str, lot_id: &str, member: &str, scores: &[SheetScore<'_>]) -> Vec<u8> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| (a.bidder, a.criterion).cmp(&(b.bidder, b.criterion)));
    let mut out = SCORE_SHEET_TAG.to_vec();
    for field in [tender_id, lot_id, member] {
        put_bytes(&mut out, field.as_bytes());
    }
    put_i64(&mut out, i64::try_from(sorted.len()).unwrap_or(i64::MAX));
    for score in sorted {
        put_bytes(&mut out, score.bidder.as_bytes());
        put_bytes(&mut out, score.criterion.as_bytes());
        put_i64(&mut out, score.centipoints);
    }
    out
}

/// The signed bytes of a member's stance on the draft report whose SM3 is `report_sm3_hex`: agree,
/// or dissent with the written reasons.
pub fn report_signature_bytes(
    tender_id: &str,
    lot_id: &str,
    member: &str,
    report_sm3_hex: &str,
    agree: bool,
    dissent: &str,
) -> Vec<u8> {
    let mut out = REPORT_SIGNATURE_TAG.to_vec();
    for field in [tender_id, lot_id, member, report_sm3_hex] {
        put_bytes(&mut out, field.as_bytes());
    }
    out.push(u8::from(agree));
    put_bytes(&mut out, dissent.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_bytes_do_not_depend_on_the_order_scores_were_given() {
        let a = SheetScore { bidder: "A", criterion: "tech", centipoints: 4000 };
        let b = SheetScore { bidder: "B", criterion: "tech", centipoints: 3000 };
        assert_eq!(score_sheet_bytes("t", "1", "m", &[a, b]), score_sheet_bytes("t", "1", "m", &[b, a]));
        assert_ne!(
            score_sheet_bytes("t", "1", "m", &[a, b]),
            score_sheet_bytes("t", "1", "m", &[a, SheetScore { centipoints: 3001, ..b }])
        );
        // Field boundaries are length-prefixed: moving a character between fields changes the bytes.
        assert_ne!(score_sheet_bytes("t", "1", "mA", &[]), score_sheet_bytes("t", "1m", "A", &[]));
    }

    #[test]
    fn a_dissent_is_part_of_what_is_signed() {
        let agree = report_signature_bytes("t", "1", "m", "ab", true, "");
        assert_ne!(agree, report_signature_bytes("t", "1", "m", "ab", false, ""));
        assert_ne!(
            report_signature_bytes("t", "1", "m", "ab", false, "价格分有误"),
            report_signature_bytes("t", "1", "m", "ab", false, "技术分有误")
        );
        assert!(agree.starts_with(REPORT_SIGNATURE_TAG));
    }
}
