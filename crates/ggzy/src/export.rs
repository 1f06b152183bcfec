//! `ggzy export`: the event log as JSON Lines, one event per line with every column, and the reader
//! that verifies such a file (`ggzy verify FILE.jsonl`).
//!
//! The file is a self-contained copy of the record: anyone can recompute the chain from it without
//! the platform's database. A line is exactly what [`serde_json`] prints for [`ExportLine`] (fields
//! in column order, hashes in lower-case hex, the payload as the stored string), and the reader
//! insists on that form byte for byte, so every edit of the file is found, even one that leaves
//! the values unchanged (an escape, upper-case hex, extra spaces or fields).

use std::borrow::Cow;
use std::io::{BufRead, Write};

use anyhow::Context as _;
use ggzy_crypto::chain::{ChainVerifier, EventFields};
use ggzy_store::{Store, StoredEvent};
use serde::{Deserialize, Serialize};

use crate::verify::VerifyOutcome;

/// Rows read per page while exporting.
const EXPORT_PAGE: i64 = 1000;

/// One line of an export: an event row with every column. The dossier (`dossier.rs`) carries the
/// same object for each of its events.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExportLine<'a> {
    position: i64,
    #[serde(borrow)]
    stream_id: Cow<'a, str>,
    stream_version: i64,
    #[serde(borrow)]
    event_type: Cow<'a, str>,
    #[serde(borrow)]
    region_code: Cow<'a, str>,
    #[serde(borrow)]
    actor: Cow<'a, str>,
    recorded_at_ms: i64,
    /// The JSON payload as the stored string (not re-encoded: the hash covers its exact bytes).
    #[serde(borrow)]
    payload: Cow<'a, str>,
    /// Lower-case hex.
    prev_hash: String,
    /// Lower-case hex.
    hash: String,
}

impl<'a> ExportLine<'a> {
    pub(crate) fn of(event: &'a StoredEvent) -> ExportLine<'a> {
        ExportLine {
            position: event.position,
            stream_id: Cow::Borrowed(&event.stream_id),
            stream_version: event.stream_version,
            event_type: Cow::Borrowed(&event.event_type),
            region_code: Cow::Borrowed(&event.region_code),
            actor: Cow::Borrowed(&event.actor),
            recorded_at_ms: event.recorded_at_ms,
            payload: Cow::Borrowed(&event.payload),
            prev_hash: hex::encode(&event.prev_hash),
            hash: hex::encode(&event.hash),
        }
    }

    /// The row back, its hash columns decoded. Hex must be lower case, as the exporter writes it:
    /// a line that only decodes to the same values is still an edited line.
    pub(crate) fn to_stored(&self) -> Result<StoredEvent, String> {
        let decode = |name: &str, text: &str| match hex::decode(text) {
            Ok(bytes) if hex::encode(&bytes) == text => Ok(bytes),
            Ok(_) => Err(format!("{name}: not lower-case hex")),
            Err(error) => Err(format!("{name}: {error}")),
        };
        Ok(StoredEvent {
            position: self.position,
            stream_id: self.stream_id.clone().into_owned(),
            stream_version: self.stream_version,
            event_type: self.event_type.clone().into_owned(),
            region_code: self.region_code.clone().into_owned(),
            actor: self.actor.clone().into_owned(),
            recorded_at_ms: self.recorded_at_ms,
            payload: self.payload.clone().into_owned(),
            prev_hash: decode("prev_hash", &self.prev_hash)?,
            hash: decode("hash", &self.hash)?,
        })
    }
}

/// Writes every event committed when the export starts, in position order, one JSON object per
/// line; returns the number of events written. Reads page by page, so memory stays constant.
pub async fn export_events(store: &Store, out: &mut impl Write) -> anyhow::Result<i64> {
    // Events appended while the export runs are left out: the file is the log as of one moment,
    // and its last hash is the head at that moment.
    let end = store.watermark().await.context("reading the event log's last position")?;
    let mut out = std::io::BufWriter::new(out);
    let mut after = 0;
    let mut written = 0;
    'pages: loop {
        let page = store.scan(after, EXPORT_PAGE).await.with_context(|| format!("reading events after {after}"))?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for event in &page {
            if event.position > end {
                break 'pages;
            }
            serde_json::to_writer(&mut out, &ExportLine::of(event))
                .with_context(|| format!("writing event {}", event.position))?;
            out.write_all(b"\n").context("writing the export")?;
            written += 1;
        }
    }
    out.flush().context("writing the export")?;
    Ok(written)
}

/// Verifies an export read line by line (constant memory). A line that is not a well-formed
/// export line is a break at the position the chain needed next, the line's own claim being no
/// more trustworthy than the rest of it.
pub fn verify_jsonl(mut reader: impl BufRead) -> anyhow::Result<VerifyOutcome> {
    let mut verifier = ChainVerifier::new();
    let mut buffer = Vec::new();
    let mut line_number: u64 = 0;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).context("reading the export file")?;
        if read == 0 {
            return Ok(VerifyOutcome::intact(&verifier));
        }
        line_number += 1;
        let Some(line) = buffer.strip_suffix(b"\n") else {
            // Every line the exporter writes ends in a newline; a missing one means a cut file.
            return Ok(VerifyOutcome::broken_next(
                &verifier,
                format!("line {line_number}: no line end (file truncated?)"),
            ));
        };
        if let Err(reason) = check_line(&mut verifier, line) {
            return Ok(match reason {
                LineFault::Chain(error) => VerifyOutcome::Broken {
                    first_bad_position: error.position(),
                    reason: format!("line {line_number}: {error}"),
                    events_before: verifier.checked(),
                },
                LineFault::Form(reason) => {
                    VerifyOutcome::broken_next(&verifier, format!("line {line_number}: {reason}"))
                }
            });
        }
    }
}

/// Why a line failed.
enum LineFault {
    /// The line is not an export line in canonical form.
    Form(String),
    /// The line is well formed but does not continue the chain.
    Chain(ggzy_crypto::chain::ChainError),
}

fn check_line(verifier: &mut ChainVerifier, line: &[u8]) -> Result<(), LineFault> {
    let text = std::str::from_utf8(line).map_err(|e| LineFault::Form(format!("not UTF-8: {e}")))?;
    let mut parsed: ExportLine<'_> =
        serde_json::from_str(text).map_err(|e| LineFault::Form(format!("not an export line: {e}")))?;
    let prev_hash = hex::decode(&parsed.prev_hash).map_err(|e| LineFault::Form(format!("prev_hash: {e}")))?;
    let hash = hex::decode(&parsed.hash).map_err(|e| LineFault::Form(format!("hash: {e}")))?;
    // Re-encoding the decoded values must give the line back byte for byte.
    parsed.prev_hash = hex::encode(&prev_hash);
    parsed.hash = hex::encode(&hash);
    let canonical = serde_json::to_string(&parsed).map_err(|e| LineFault::Form(format!("re-encoding: {e}")))?;
    if canonical != text {
        return Err(LineFault::Form("not in the form the exporter writes (edited by hand?)".to_owned()));
    }
    let fields = EventFields {
        position: parsed.position,
        stream_id: &parsed.stream_id,
        stream_version: parsed.stream_version,
        event_type: &parsed.event_type,
        region_code: &parsed.region_code,
        actor: &parsed.actor,
        recorded_at_ms: parsed.recorded_at_ms,
        payload: &parsed.payload,
        prev_hash: &prev_hash,
    };
    verifier.check(&fields, &hash).map_err(LineFault::Chain)
}

#[cfg(test)]
mod tests {
    use rand::{RngExt as _, SeedableRng as _};

    use super::*;
    use crate::demo::seed_demo;
    use crate::demo::tests::test_app;
    use crate::verify::verify_store_chain;

    async fn demo_export() -> (Vec<u8>, i64, VerifyOutcome) {
        let db = ggzy_store::testkit::TestDb::sqlite();
        let app = test_app(&db).await;
        seed_demo(&app).await.expect("seed");
        let mut out = Vec::new();
        let written = export_events(app.store(), &mut out).await.expect("export");
        let from_db = verify_store_chain(app.store(), None).await.expect("verify db");
        app.store().close().await;
        (out, written, from_db)
    }

    #[tokio::test]
    async fn an_export_verifies_like_its_database_and_any_edit_is_found() {
        let (export, written, from_db) = demo_export().await;
        let from_file = verify_jsonl(export.as_slice()).expect("verify export");
        assert_eq!(from_file, from_db);
        assert!(matches!(from_file, VerifyOutcome::Intact { events, .. } if events == written));
        assert_eq!(export.iter().filter(|&&b| b == b'\n').count(), usize::try_from(written).expect("count"));

        // Lines start where the file's newlines say; change one ASCII byte of a random line.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(export.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1))
            .collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..60 {
            let line = rng.random_range(0..starts.len() - 1);
            let (start, end) = (starts[line], starts[line + 1] - 1);
            let at = loop {
                let at = rng.random_range(start..end);
                if export[at].is_ascii() {
                    break at;
                }
            };
            let mut edited = export.clone();
            while edited[at] == export[at] {
                edited[at] = rng.random_range(0x20..0x7f);
            }
            let outcome = verify_jsonl(edited.as_slice()).expect("verify edited export");
            let expected = i64::try_from(line).expect("line") + 1;
            assert!(
                matches!(outcome, VerifyOutcome::Broken { first_bad_position, .. } if first_bad_position == expected),
                "byte {at} ({:?} → {:?}) of line {expected}: {outcome:?}",
                char::from(export[at]),
                char::from(edited[at]),
            );
        }
    }

    #[tokio::test]
    async fn equivalent_rewrites_cuts_and_garbage_are_breaks() {
        let (export, _, _) = demo_export().await;
        let text = String::from_utf8(export).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        let position_of = |outcome: VerifyOutcome| match outcome {
            VerifyOutcome::Broken { first_bad_position, .. } => Some(first_bad_position),
            VerifyOutcome::Intact { .. } | VerifyOutcome::TreeHeadMismatch { .. } => None,
        };
        let with_line = |index: usize, replacement: &str| {
            let mut edited: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
            edited[index] = replacement.to_owned();
            edited.join("\n") + "\n"
        };
        // Same values, different bytes: upper-case hex, an escaped character, a space.
        let at = lines[2].find("\"hash\":\"").expect("hash field") + "\"hash\":\"".len();
        let upper = format!("{}{}{}", &lines[2][..at], lines[2][at..at + 64].to_uppercase(), &lines[2][at + 64..]);
        assert_ne!(upper, lines[2]);
        let escaped = lines[3].replacen("\"actor\":\"s", "\"actor\":\"\\u0073", 1);
        assert_ne!(escaped, lines[3]);
        let checks = [
            with_line(2, &upper),
            with_line(3, &escaped),
            with_line(4, &lines[4].replacen(',', ", ", 1)),
            with_line(5, "not json"),
            with_line(6, ""),
        ];
        for (index, edited) in checks.iter().enumerate() {
            let expected = i64::try_from(index).expect("index") + 3;
            assert_eq!(position_of(verify_jsonl(edited.as_bytes()).expect("verify")), Some(expected), "check {index}");
        }
        // A line removed, and the final newline cut off.
        let mut missing: Vec<&str> = lines.clone();
        missing.remove(9);
        assert_eq!(position_of(verify_jsonl((missing.join("\n") + "\n").as_bytes()).expect("verify")), Some(10));
        let cut = &text.as_bytes()[..text.len() - 1];
        let last = i64::try_from(lines.len()).expect("count");
        assert_eq!(position_of(verify_jsonl(cut).expect("verify")), Some(last));
        assert_eq!(
            verify_jsonl(&b""[..]).expect("empty"),
            VerifyOutcome::Intact {
                events: 0,
                head_hash_hex: "0".repeat(64),
                tree_heads: 0,
                signatures_checked: false
            }
        );
    }
}
