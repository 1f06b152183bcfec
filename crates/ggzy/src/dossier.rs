//! The electronic dossier (电子档案) of one tender: `ggzy export --dossier TENDER_ID --out FILE` writes
//! everything a court or an auditor needs about the tender into one file, and `ggzy verify --dossier
//! FILE` checks it offline, without the platform's database. The format is `docs/dossier.md`.
//!
//! The file is JSON Lines: a header, then every event of the tender's streams in position order
//! (each with its inclusion proof against the signed tree head of the header), then every stored
//! file an event names: sealed bids (`BidSubmitted`) and two-stage tenders' technical proposals
//! (`TechnicalProposalSubmitted`), all called bid files below. An event's hash proves its fields and the audit path proves
//! that hash is in the platform's signed log, so no event can be altered or invented. What a
//! tree head cannot prove is that nothing was *left out* of the tender: within a stream, versions
//! must run 1..n; and the platform signs the header's list of the tender's streams (with their last
//! version) and bid files, so leaving out the tail of a stream, a whole stream or a bid file breaks
//! that signature or that list.
//!
//! As with the export, the reader insists on the exact bytes the writer produces (lower-case hex,
//! canonical base64, no extra spaces or fields), so any edit of the file is found.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use ggzy_app::events::{Event, stream};
use ggzy_app::{App, AppError};
use ggzy_crypto::chain::event_hash;
use ggzy_crypto::merkle::{self, Hash};
use ggzy_crypto::opening_record::{OpeningLine, OpeningRecord};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::{Sm3Digest, sm3};
use ggzy_crypto::tree_head::{TreeHead, event_leaf};
use ggzy_domain::CreditCode;
use ggzy_store::StoredEvent;
use ggzy_store::blob::BlobStore;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::export::ExportLine;

/// The format name and version, the `format` field of the header.
pub const FORMAT: &str = "GGZY-DOSSIER-V1";

/// Domain separation tag of the bytes the platform signs for the header.
const SIGNATURE_TAG: &[u8] = b"GGZY-DOSSIER-V1\0";

/// Rows read per page while exporting.
const PAGE: i64 = 1000;

/// The first line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    /// [`FORMAT`].
    format: String,
    tender_id: String,
    /// When the dossier was written (the platform's clock), UTC ms.
    exported_at_ms: i64,
    /// The signed tree head every event is proven against.
    tree_head: TreeHeadLine,
    /// The key that signed the tree head, the header and the opening record (SPKI PEM).
    platform_public_key_pem: String,
    /// Every stream of the tender with its last version as of the tree head, by stream id.
    streams: Vec<StreamLine>,
    /// SM3 of every file an event of the tender names (`BidSubmitted`, `TechnicalProposalSubmitted`),
    /// lower-case hex, ascending.
    blobs: Vec<String>,
    /// The platform's SM2 signature (DER, hex) over [`signed_bytes`].
    signature: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeHeadLine {
    tree_size: i64,
    timestamp_ms: i64,
    /// Hex.
    root_hash: String,
    /// DER, hex.
    signature: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamLine {
    stream_id: String,
    last_version: i64,
}

/// An event: the export's line for it, and its audit path (leaf to root, hex).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventLine<'a> {
    #[serde(borrow)]
    event: ExportLine<'a>,
    audit_path: Vec<String>,
}

/// A sealed bid file as stored.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlobLine {
    /// Its address: SM3 of the bytes, hex.
    blob_sm3: String,
    /// The bytes, standard base64 with padding (RFC 4648 §4).
    bytes_base64: String,
}

/// How lines of each kind begin (the writer's field order is fixed, and the reader checks it).
const EVENT_PREFIX: &str = "{\"event\":";
const BLOB_PREFIX: &str = "{\"blob_sm3\":";

/// What a dossier holds, as exported or as verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSummary {
    /// The tender.
    pub tender_id: String,
    /// Events.
    pub events: usize,
    /// Streams they belong to.
    pub streams: usize,
    /// Sealed bid files.
    pub blobs: usize,
    /// Size of the signed tree head the events are proven against.
    pub tree_size: i64,
    /// When that head was signed, UTC ms.
    pub tree_head_timestamp_ms: i64,
    /// Its root, hex.
    pub root_hash_hex: String,
    /// When the dossier was written, UTC ms.
    pub exported_at_ms: i64,
    /// When the opening closed, if the dossier holds a signed opening record.
    pub opening_closed_at_ms: Option<i64>,
    /// Whether the platform key was pinned by the verifier (`--platform-key`) rather than taken
    /// from the file.
    pub key_pinned: bool,
}

/// Which check a dossier failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Not a `GGZY-DOSSIER-V1` file, or a line not in the form the exporter writes.
    Format,
    /// The key in the file is not the one pinned with `--platform-key`, or does not parse.
    PlatformKey,
    /// The tree head's signature does not verify under the platform key.
    TreeHeadSignature,
    /// The platform's signature over the header does not verify.
    DossierSignature,
    /// An event's hash does not match its fields.
    EventHash,
    /// An event is not in the tree head (audit path wrong, or position beyond it).
    Inclusion,
    /// An event does not belong to the tender.
    Membership,
    /// A stream's versions do not run 1, 2, 3, …: an event in between is missing.
    StreamVersions,
    /// The file does not hold what the signed header lists (a stream's tail, a stream, a bid file).
    Completeness,
    /// The signed opening record does not verify.
    OpeningRecord,
    /// A bid file is altered, missing, or named by no event.
    BidFile,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Format => "format",
            Check::PlatformKey => "platform key",
            Check::TreeHeadSignature => "tree head signature",
            Check::DossierSignature => "dossier signature",
            Check::EventHash => "event hash",
            Check::Inclusion => "inclusion proof",
            Check::Membership => "tender membership",
            Check::StreamVersions => "stream versions",
            Check::Completeness => "completeness",
            Check::OpeningRecord => "opening record",
            Check::BidFile => "bid file",
        })
    }
}

/// The first thing found wrong with a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFinding {
    /// The line (1-based), or None when the fault is of the file as a whole (found at its end).
    pub line: Option<u64>,
    /// The check that failed.
    pub check: Check,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for DossierFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line} ({}): {}", self.check, self.reason),
            None => write!(f, "end of file ({}): {}", self.check, self.reason),
        }
    }
}

/// What verifying a dossier found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DossierOutcome {
    /// Every check passed.
    Intact(DossierSummary),
    /// The first failure.
    Broken(DossierFinding),
}

impl fmt::Display for DossierSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time =
            |ms: i64| jiff::Timestamp::from_millisecond(ms).map_or_else(|_| format!("{ms} ms"), |t| t.to_string());
        writeln!(
            f,
            "dossier intact: tender {}, {} events in {} streams, {} bid files",
            self.tender_id, self.events, self.streams, self.blobs
        )?;
        let key = if self.key_pinned { "the pinned platform key" } else { "the platform key in the file" };
        writeln!(
            f,
            "tree head: size {}, root {}, signed {} (under {key}); exported {}",
            self.tree_size,
            self.root_hash_hex,
            time(self.tree_head_timestamp_ms),
            time(self.exported_at_ms)
        )?;
        match self.opening_closed_at_ms {
            Some(ms) => write!(f, "opening record: signature verified (closed {})", time(ms)),
            None => write!(f, "opening record: none (the tender has no signed opening record)"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Export

/// Exports the dossier of `tender_id` with the database, platform key and blob directory of
/// `config` into `out` (`-` for standard output). A file is written beside `out` first and
/// renamed when complete, so a failed export never leaves a plausible-looking partial dossier.
pub async fn export_with_config(config: &Config, tender_id: &str, out: &Path) -> anyhow::Result<DossierSummary> {
    let key_file = config.platform_key_file();
    if !key_file.is_file() {
        bail!("no platform key at {}: the dossier's tree head and header are signed with it", key_file.display());
    }
    let key = crate::keys::read_private(&key_file)?;
    let app = crate::server::offline_app(config).await?.with_platform_key(key.clone());
    let result = export_app(&app, &key, &config.blob_dir(), tender_id, out).await;
    app.store().close().await;
    result
}

async fn export_app(
    app: &App,
    key: &PrivateKey,
    blob_dir: &Path,
    tender_id: &str,
    out: &Path,
) -> anyhow::Result<DossierSummary> {
    // Opening the blob store creates its directories; a deployment without one has no bid files.
    let blobs = if blob_dir.is_dir() {
        Some(BlobStore::open(blob_dir).await.with_context(|| format!("opening {}", blob_dir.display()))?)
    } else {
        None
    };
    if out.as_os_str() == "-" {
        return export_dossier(app, key, blobs.as_ref(), tender_id, &mut std::io::stdout().lock()).await;
    }
    let partial = partial_path(out);
    let mut file = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
    let written = match export_dossier(app, key, blobs.as_ref(), tender_id, &mut file).await {
        Ok(summary) => file.sync_all().with_context(|| format!("writing {}", partial.display())).map(|()| summary),
        Err(error) => Err(error),
    };
    drop(file);
    match written {
        Ok(summary) => {
            std::fs::rename(&partial, out)
                .with_context(|| format!("renaming {} to {}", partial.display(), out.display()))?;
            Ok(summary)
        }
        Err(error) => {
            // Best effort: the export's own error is the one to report.
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// Writes the dossier of `tender_id`. Publishes a tree head over the log as it is now (or reuses the
/// newest if it already covers it), so every event of the tender is provable; events appended
/// meanwhile are left out, the dossier being the tender as of that head. `key` must be the key the
/// app signs with: it also signs the header.
pub async fn export_dossier(
    app: &App,
    key: &PrivateKey,
    blobs: Option<&BlobStore>,
    tender_id: &str,
    out: &mut impl Write,
) -> anyhow::Result<DossierSummary> {
    let public = key.verifying_key();
    let public_pem = public.to_public_key_pem().map_err(|e| anyhow!("encoding the platform public key: {e}"))?;
    let app_pem = app.platform_public_key_pem().map_err(|e| anyhow!("the platform has no signing key: {e}"))?;
    anyhow::ensure!(app_pem == public_pem, "the key given is not the platform key the app signs with");
    let store = app.store();
    let tender_stream = stream::tender(tender_id);
    let first = store.stream(&tender_stream).await.with_context(|| format!("reading stream {tender_stream}"))?;
    if first.is_empty() {
        bail!("tender {tender_id} not found: the event log has no stream {tender_stream}");
    }
    // Until the opening, who bid and how many is sealed from everyone (招标投标法 第二十二条); the
    // dossier names every bidder, so it waits for the same moment the public opening record does.
    match app.opening(tender_id).await {
        Ok(_) => {}
        Err(AppError::Refused { code: "opening_not_started", .. }) => bail!(
            "tender {tender_id} has not reached its opening: until then its bidders and their number are sealed \
             (招标投标法 第二十二条), so no dossier is written"
        ),
        Err(error) => bail!("reading the state of tender {tender_id}: {error}"),
    }
    let head = app.publish_tree_head().await.map_err(|e| anyhow!("publishing a tree head: {e}"))?;

    // One pass over the log up to the head: every leaf (for the proofs) and the tender's events.
    let mut leaves = Vec::with_capacity(usize::try_from(head.tree_size).unwrap_or(0));
    let mut events: Vec<StoredEvent> = Vec::new();
    let mut after = 0;
    while after < head.tree_size {
        let page = store
            .scan(after, PAGE.min(head.tree_size - after))
            .await
            .with_context(|| format!("reading events after {after}"))?;
        if page.is_empty() {
            bail!("the event log ends at {after}, before its signed tree head of size {}", head.tree_size);
        }
        for event in page {
            if event.position != after + 1 {
                bail!("the event log has no event at position {} (run `ggzy verify`)", after + 1);
            }
            after = event.position;
            leaves.push(event_leaf(&event.hash));
            if belongs_to(&event.stream_id, tender_id) {
                events.push(event);
            }
        }
    }
    let tree = ProofTree::new(leaves);
    if tree.root() != head.root_hash {
        bail!("the event log does not match its signed tree head of size {} (run `ggzy verify`)", head.tree_size);
    }

    let mut streams: BTreeMap<&str, i64> = BTreeMap::new();
    let mut wanted: BTreeMap<Sm3Digest, i64> = BTreeMap::new();
    let mut opening_closed_at_ms = None;
    for event in &events {
        // Position order: the last one seen is the stream's last version.
        streams.insert(&event.stream_id, event.stream_version);
        if let Some(address) = file_address(&event.event_type, &event.payload) {
            let address = address
                .ok_or_else(|| anyhow!("event {}: {} names no file address", event.position, event.event_type))?;
            wanted.entry(address).or_insert(event.position);
        }
        if event.event_type == "OpeningRecordSigned" {
            let closed = check_opening_record(&event.payload, tender_id, &public)
                .map_err(|reason| anyhow!("event {}: {reason}", event.position))?;
            opening_closed_at_ms = Some(closed);
        }
    }
    let blob_list: Vec<Sm3Digest> = wanted.keys().copied().collect();
    let mut header = Header {
        format: FORMAT.to_owned(),
        tender_id: tender_id.to_owned(),
        exported_at_ms: app.now_ms(),
        tree_head: TreeHeadLine {
            tree_size: head.tree_size,
            timestamp_ms: head.timestamp_ms,
            root_hash: hex::encode(&head.root_hash),
            signature: hex::encode(&head.signature),
        },
        platform_public_key_pem: public_pem,
        streams: streams
            .iter()
            .map(|(stream_id, last_version)| StreamLine {
                stream_id: (*stream_id).to_owned(),
                last_version: *last_version,
            })
            .collect(),
        blobs: blob_list.iter().map(hex::encode).collect(),
        signature: String::new(),
    };
    header.signature = hex::encode(key.sign(&signed_bytes(&header, &head.root_hash, &blob_list)));

    let mut out = std::io::BufWriter::new(out);
    write_line(&mut out, &header)?;
    for event in &events {
        let index = usize::try_from(event.position - 1).context("event position")?;
        let audit_path = tree.audit_path(index).iter().map(hex::encode).collect();
        write_line(&mut out, &EventLine { event: ExportLine::of(event), audit_path })?;
    }
    for (address, position) in &wanted {
        let address_hex = hex::encode(address);
        let bytes = ggzy_store::inline_blob::read_stored(app.store(), blobs, address)
            .await
            .with_context(|| format!("reading bid file {address_hex} named by event {position}"))?;
        if sm3(&bytes) != *address {
            bail!("bid file {address_hex} named by event {position} is altered in the blob store (its SM3 differs)");
        }
        write_line(&mut out, &BlobLine { blob_sm3: address_hex, bytes_base64: base64_encode(&bytes) })?;
    }
    out.flush().context("writing the dossier")?;
    Ok(DossierSummary {
        tender_id: tender_id.to_owned(),
        events: events.len(),
        streams: streams.len(),
        blobs: wanted.len(),
        tree_size: head.tree_size,
        tree_head_timestamp_ms: head.timestamp_ms,
        root_hash_hex: hex::encode(&head.root_hash),
        exported_at_ms: header.exported_at_ms,
        opening_closed_at_ms,
        key_pinned: false,
    })
}

fn write_line(out: &mut impl Write, line: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, line).context("writing the dossier")?;
    out.write_all(b"\n").context("writing the dossier")
}

// ---------------------------------------------------------------------------------------------
// What belongs to a tender, and what is signed

/// Whether a stream is one of the tender's. Mirrors the stream names of `ggzy_app::events::stream`
/// (`tender-{t}`, `lot-{t}-{lot}`, `bid-{t}-{lot}-{credit code}`, `pq-{t}-{credit code}`); lot ids
/// and credit codes never contain `-`, so another tender whose id starts with this one's cannot
/// match. A test checks this against the app's own names.
fn belongs_to(stream_id: &str, tender_id: &str) -> bool {
    if stream_id == stream::tender(tender_id) {
        return true;
    }
    let rest_after = |kind: &str| {
        stream_id
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix(tender_id))
            .and_then(|rest| rest.strip_prefix('-'))
    };
    let lot = |lot: &str| !lot.is_empty() && !lot.contains('-');
    let code = |code: &str| CreditCode::parse(code).is_ok();
    if let Some(rest) = rest_after("lot-") {
        return lot(rest);
    }
    if let Some(rest) = rest_after("bid-") {
        return rest.split_once('-').is_some_and(|(l, c)| lot(l) && code(c));
    }
    if let Some(rest) = rest_after("pq-").or_else(|| rest_after("proposal-")) {
        return code(rest);
    }
    false
}

/// The stored file an event's payload names (a sealed bid, a two-stage tender's technical
/// proposal): `None` for an event that names none, `Some(None)` for one whose address is broken.
fn file_address(event_type: &str, payload: &str) -> Option<Option<Sm3Digest>> {
    let payload: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    crate::verify_bids::stored_file_address(event_type, &payload)
}

/// Checks an `OpeningRecordSigned` payload: the record of this tender, signed by `key`, rebuilt as
/// `ggzy_app::opening` signs it. Returns when the opening closed.
fn check_opening_record(payload: &str, tender_id: &str, key: &PublicKey) -> Result<i64, String> {
    let Ok(Event::OpeningRecordSigned(details)) = serde_json::from_str::<Event>(payload) else {
        return Err("the payload is not an opening record".to_owned());
    };
    if details.tender_id != tender_id {
        return Err(format!("the opening record names tender {}", details.tender_id));
    }
    let signature = hex::decode(&details.signature_hex).map_err(|e| format!("signature_hex: {e}"))?;
    let record = OpeningRecord {
        tender_id: details.tender_id,
        closed_at_ms: details.closed_at_ms,
        lines: details
            .lines
            .into_iter()
            .map(|line| OpeningLine {
                lot_id: line.lot_id,
                bidder_credit_code: line.bidder_credit_code,
                status: line.status,
                method: line.method,
                declared_json: line.declared_json,
                received_at_ms: line.received_at_ms,
            })
            .collect(),
    };
    record
        .verify(key, &signature)
        .map_err(|_| "the platform's signature on the opening record does not verify".to_owned())?;
    Ok(record.closed_at_ms)
}

/// The bytes the platform signs for a header: the tag, then every header field but the key and the
/// signatures, with the encoding of the event chain (i64 big-endian, u32-length-prefixed bytes).
/// The tree head's own signature is not in it: it is checked on its own.
fn signed_bytes(header: &Header, root_hash: &[u8], blobs: &[Sm3Digest]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + header.streams.len() * 64 + blobs.len() * 36);
    out.extend_from_slice(SIGNATURE_TAG);
    put_bytes(&mut out, header.tender_id.as_bytes());
    put_i64(&mut out, header.exported_at_ms);
    put_i64(&mut out, header.tree_head.tree_size);
    put_i64(&mut out, header.tree_head.timestamp_ms);
    put_bytes(&mut out, root_hash);
    put_i64(&mut out, i64::try_from(header.streams.len()).unwrap_or(i64::MAX));
    for stream in &header.streams {
        put_bytes(&mut out, stream.stream_id.as_bytes());
        put_i64(&mut out, stream.last_version);
    }
    put_i64(&mut out, i64::try_from(blobs.len()).unwrap_or(i64::MAX));
    for blob in blobs {
        put_bytes(&mut out, blob);
    }
    out
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Fields are far below 4 GiB; saturate rather than wrap, as `ggzy_crypto`'s encoding does.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_i64(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(&value.to_be_bytes());
}

// ---------------------------------------------------------------------------------------------
// Verify

/// Verifies a dossier file offline (see [`verify_dossier`]).
pub async fn verify_file(path: &Path, pinned: Option<PublicKey>) -> anyhow::Result<DossierOutcome> {
    let path = path.to_owned();
    // The reader is synchronous (std::io::BufRead); keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).with_context(|| format!("opening dossier {}", path.display()))?;
        verify_dossier(std::io::BufReader::new(file), pinned.as_ref())
    })
    .await
    .context("dossier verification task")?
}

/// Verifies a dossier read line by line (one bid file in memory at a time) and names the first
/// failure. `pinned`, when given, is the platform key the file's key must be. An `Err` is an IO
/// error reading; everything wrong with the content is a [`DossierOutcome::Broken`].
pub fn verify_dossier(mut reader: impl BufRead, pinned: Option<&PublicKey>) -> anyhow::Result<DossierOutcome> {
    let mut state = Verifier { pinned, ..Verifier::default() };
    let mut buffer = Vec::new();
    let mut line: u64 = 0;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).context("reading the dossier")?;
        if read == 0 {
            break;
        }
        line += 1;
        let checked = match buffer.strip_suffix(b"\n") {
            // Every line the exporter writes ends in a newline; a missing one means a cut file.
            None => Err(Fault::format("no line end (file truncated?)")),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => state.line(text),
                Err(error) => Err(Fault::format(format!("not UTF-8: {error}"))),
            },
        };
        if let Err(fault) = checked {
            return Ok(DossierOutcome::Broken(fault.at(Some(line))));
        }
    }
    Ok(match state.finish() {
        Ok(summary) => DossierOutcome::Intact(summary),
        Err(fault) => DossierOutcome::Broken(fault.at(None)),
    })
}

/// A failed check, before its line is known.
struct Fault {
    check: Check,
    reason: String,
}

impl Fault {
    fn new(check: Check, reason: impl Into<String>) -> Fault {
        Fault { check, reason: reason.into() }
    }

    fn format(reason: impl Into<String>) -> Fault {
        Fault::new(Check::Format, reason)
    }

    fn at(self, line: Option<u64>) -> DossierFinding {
        DossierFinding { line, check: self.check, reason: self.reason }
    }
}

/// The verified header: what every later line is checked against.
struct Context {
    tender_id: String,
    exported_at_ms: i64,
    key: PublicKey,
    head: TreeHead,
    /// Signed: stream → last version.
    streams: BTreeMap<String, i64>,
    /// Signed: the bid files.
    blobs: BTreeSet<Sm3Digest>,
}

#[derive(Default, PartialEq, Eq)]
enum Phase {
    #[default]
    Header,
    Events,
    Blobs,
}

#[derive(Default)]
struct Verifier<'k> {
    pinned: Option<&'k PublicKey>,
    context: Option<Context>,
    phase: Phase,
    last_position: i64,
    /// Stream → last version seen.
    versions: HashMap<String, i64>,
    /// Bid files named by events (`BidSubmitted`, `TechnicalProposalSubmitted`) → the first such event.
    wanted: BTreeMap<Sm3Digest, i64>,
    seen_blobs: BTreeSet<Sm3Digest>,
    last_blob: Option<Sm3Digest>,
    events: usize,
    opening_closed_at_ms: Option<i64>,
}

impl Verifier<'_> {
    fn line(&mut self, text: &str) -> Result<(), Fault> {
        match self.phase {
            Phase::Header => {
                self.context = Some(self.header(text)?);
                self.phase = Phase::Events;
                Ok(())
            }
            Phase::Events if text.starts_with(EVENT_PREFIX) => self.event(text),
            Phase::Events if text.starts_with(BLOB_PREFIX) => {
                self.phase = Phase::Blobs;
                self.end_of_events()?;
                self.blob(text)
            }
            Phase::Blobs if text.starts_with(BLOB_PREFIX) => self.blob(text),
            Phase::Blobs if text.starts_with(EVENT_PREFIX) => {
                Err(Fault::format("an event line after the bid files (lines out of order)"))
            }
            Phase::Events | Phase::Blobs => Err(Fault::format("neither an event line nor a bid file line")),
        }
    }

    fn context(&self) -> Result<&Context, Fault> {
        self.context.as_ref().ok_or_else(|| Fault::format("no header"))
    }

    fn header(&self, text: &str) -> Result<Context, Fault> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Fault::format(format!("not a dossier header: {e}")))?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(Fault::format(format!("format {other:?} is not {FORMAT}, the one this ggzy reads")));
            }
            None => return Err(Fault::format(format!("not a dossier header (no \"format\": \"{FORMAT}\")"))),
        }
        let header: Header = serde_json::from_str(text).map_err(|e| Fault::format(format!("header: {e}")))?;
        canonical(&header, text)?;
        let root_hash = hex_field("tree_head.root_hash", &header.tree_head.root_hash)?;
        let head_signature = hex_field("tree_head.signature", &header.tree_head.signature)?;
        let signature = hex_field("signature", &header.signature)?;
        let blobs = header.blobs.iter().map(|text| digest_field("blobs", text)).collect::<Result<Vec<_>, _>>()?;
        if !blobs.windows(2).all(|pair| pair[0] < pair[1]) {
            return Err(Fault::format("the header's bid files are not in ascending order"));
        }
        if !header.streams.windows(2).all(|pair| pair[0].stream_id < pair[1].stream_id) {
            return Err(Fault::format("the header's streams are not in ascending order"));
        }
        if let Some(stream) = header.streams.iter().find(|s| s.last_version < 1) {
            return Err(Fault::format(format!("stream {}: last version {}", stream.stream_id, stream.last_version)));
        }
        if header.tree_head.tree_size < 1 {
            return Err(Fault::format(format!("tree head of size {}", header.tree_head.tree_size)));
        }

        let key = PublicKey::from_public_key_pem(&header.platform_public_key_pem)
            .map_err(|e| Fault::new(Check::PlatformKey, format!("the platform public key does not parse: {e}")))?;
        if let Some(pinned) = self.pinned
            && pinned.to_uncompressed_point() != key.to_uncompressed_point()
        {
            return Err(Fault::new(
                Check::PlatformKey,
                "the dossier's platform key is not the key given with --platform-key",
            ));
        }
        let head =
            TreeHead { tree_size: header.tree_head.tree_size, timestamp_ms: header.tree_head.timestamp_ms, root_hash };
        head.verify(&key, &head_signature).map_err(|_| {
            Fault::new(
                Check::TreeHeadSignature,
                format!(
                    "the signature on the tree head of size {} does not verify under the platform key",
                    head.tree_size
                ),
            )
        })?;
        key.verify(&signed_bytes(&header, &head.root_hash, &blobs), &signature).map_err(|_| {
            Fault::new(
                Check::DossierSignature,
                "the platform's signature over the header (tender, export time, tree head, streams, bid files) \
                 does not verify",
            )
        })?;
        // Checked after the signature: a header the platform signed lists only the tender's streams,
        // so a failure here is a fault of the exporter, worth naming as such.
        if let Some(stream) = header.streams.iter().find(|s| !belongs_to(&s.stream_id, &header.tender_id)) {
            return Err(Fault::new(
                Check::Membership,
                format!("the header lists stream {}, not one of tender {}", stream.stream_id, header.tender_id),
            ));
        }
        let tender_stream = stream::tender(&header.tender_id);
        if !header.streams.iter().any(|s| s.stream_id == tender_stream) {
            return Err(Fault::new(Check::Completeness, format!("the header does not list stream {tender_stream}")));
        }
        Ok(Context {
            streams: header.streams.iter().map(|s| (s.stream_id.clone(), s.last_version)).collect(),
            blobs: blobs.into_iter().collect(),
            tender_id: header.tender_id,
            exported_at_ms: header.exported_at_ms,
            key,
            head,
        })
    }

    fn event(&mut self, text: &str) -> Result<(), Fault> {
        let line: EventLine<'_> =
            serde_json::from_str(text).map_err(|e| Fault::format(format!("not an event line: {e}")))?;
        canonical(&line, text)?;
        let event = line.event.to_stored().map_err(Fault::format)?;
        let audit_path =
            line.audit_path.iter().map(|text| hex_field("audit_path", text)).collect::<Result<Vec<_>, _>>()?;
        let position = event.position;
        if position <= self.last_position {
            return Err(Fault::format(format!(
                "event {position} after event {}: positions must ascend",
                self.last_position
            )));
        }
        self.last_position = position;
        // The field, not `self.context()`: the checks below update other fields of `self`.
        let Some(context) = self.context.as_ref() else { return Err(Fault::format("no header")) };
        if event_hash(&event.fields()).as_slice() != event.hash.as_slice() {
            return Err(Fault::new(
                Check::EventHash,
                format!("event {position}: its hash does not match its fields (changed after it was recorded)"),
            ));
        }
        context.head.verify_inclusion(position, &event.hash, &audit_path).map_err(|e| {
            Fault::new(
                Check::Inclusion,
                format!("event {position} is not proven in the tree head of size {}: {e}", context.head.tree_size),
            )
        })?;
        check_membership(&event, &context.tender_id)?;
        let expected = self.versions.get(&event.stream_id).copied().unwrap_or(0) + 1;
        if event.stream_version != expected {
            return Err(Fault::new(
                Check::StreamVersions,
                format!(
                    "stream {}: version {} at event {position}, expected {expected} (an event of the stream is \
                     missing)",
                    event.stream_id, event.stream_version
                ),
            ));
        }
        match context.streams.get(&event.stream_id) {
            None => {
                return Err(Fault::new(
                    Check::Completeness,
                    format!("stream {} is not in the header's signed list", event.stream_id),
                ));
            }
            Some(&last) if event.stream_version > last => {
                return Err(Fault::new(
                    Check::Completeness,
                    format!("stream {}: version {} beyond the signed last version {last}", event.stream_id, expected),
                ));
            }
            Some(_) => {}
        }
        if let Some(address) = file_address(&event.event_type, &event.payload) {
            let address = address.ok_or_else(|| {
                Fault::new(Check::BidFile, format!("event {position}: {} names no file address", event.event_type))
            })?;
            self.wanted.entry(address).or_insert(position);
        }
        if event.event_type == "OpeningRecordSigned" {
            let closed = check_opening_record(&event.payload, &context.tender_id, &context.key)
                .map_err(|reason| Fault::new(Check::OpeningRecord, format!("event {position}: {reason}")))?;
            self.opening_closed_at_ms = Some(closed);
        }
        self.versions.insert(event.stream_id, expected);
        self.events += 1;
        Ok(())
    }

    /// Every stream the header lists reached its signed last version.
    fn end_of_events(&self) -> Result<(), Fault> {
        let context = self.context()?;
        for (stream_id, &last) in &context.streams {
            let seen = self.versions.get(stream_id).copied().unwrap_or(0);
            if seen != last {
                return Err(Fault::new(
                    Check::Completeness,
                    format!(
                        "stream {stream_id} ends at version {seen} but the header's signed list says {last} (events \
                         left out)"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn blob(&mut self, text: &str) -> Result<(), Fault> {
        let line: BlobLine =
            serde_json::from_str(text).map_err(|e| Fault::format(format!("not a bid file line: {e}")))?;
        canonical(&line, text)?;
        let address = digest_field("blob_sm3", &line.blob_sm3)?;
        let address_hex = &line.blob_sm3;
        if self.last_blob.is_some_and(|last| last >= address) {
            return Err(Fault::format("bid files not in ascending order of their SM3"));
        }
        self.last_blob = Some(address);
        if !self.context()?.blobs.contains(&address) {
            return Err(Fault::new(
                Check::Completeness,
                format!("bid file {address_hex} is not in the header's signed list"),
            ));
        }
        let bytes = base64_decode(&line.bytes_base64)
            .ok_or_else(|| Fault::format(format!("bid file {address_hex}: bytes_base64 is not canonical base64")))?;
        let actual = sm3(&bytes);
        if actual != address {
            return Err(Fault::new(
                Check::BidFile,
                format!("bid file {address_hex} was altered: its bytes hash to {}", hex::encode(actual)),
            ));
        }
        if !self.wanted.contains_key(&address) {
            return Err(Fault::new(
                Check::BidFile,
                format!("bid file {address_hex} is named by no event of the dossier"),
            ));
        }
        self.seen_blobs.insert(address);
        Ok(())
    }

    fn finish(mut self) -> Result<DossierSummary, Fault> {
        match self.phase {
            Phase::Header => return Err(Fault::format("the file is empty")),
            Phase::Events => {
                self.phase = Phase::Blobs;
                self.end_of_events()?;
            }
            Phase::Blobs => {}
        }
        if let Some((address, position)) = self.wanted.iter().find(|(address, _)| !self.seen_blobs.contains(*address)) {
            return Err(Fault::new(
                Check::BidFile,
                format!("event {position} names bid file {}, which the dossier does not hold", hex::encode(address)),
            ));
        }
        let context = self.context()?;
        if let Some(address) = context.blobs.iter().find(|address| !self.seen_blobs.contains(*address)) {
            return Err(Fault::new(
                Check::Completeness,
                format!("bid file {} is in the header's signed list but not in the dossier", hex::encode(address)),
            ));
        }
        Ok(DossierSummary {
            tender_id: context.tender_id.clone(),
            events: self.events,
            streams: context.streams.len(),
            blobs: self.seen_blobs.len(),
            tree_size: context.head.tree_size,
            tree_head_timestamp_ms: context.head.timestamp_ms,
            root_hash_hex: hex::encode(&context.head.root_hash),
            exported_at_ms: context.exported_at_ms,
            opening_closed_at_ms: self.opening_closed_at_ms,
            key_pinned: self.pinned.is_some(),
        })
    }
}

/// The event's stream is one of the tender's, and its payload, if it names a tender, names this one.
fn check_membership(event: &StoredEvent, tender_id: &str) -> Result<(), Fault> {
    if !belongs_to(&event.stream_id, tender_id) {
        return Err(Fault::new(
            Check::Membership,
            format!("event {}: stream {} is not one of tender {tender_id}", event.position, event.stream_id),
        ));
    }
    let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
    match payload.get("tender_id").and_then(serde_json::Value::as_str) {
        Some(named) if named != tender_id => {
            Err(Fault::new(Check::Membership, format!("event {}: its payload names tender {named}", event.position)))
        }
        _ => Ok(()),
    }
}

/// The line must be exactly what the exporter writes for the values it holds.
fn canonical(value: &impl Serialize, text: &str) -> Result<(), Fault> {
    let again = serde_json::to_string(value).map_err(|e| Fault::format(format!("re-encoding: {e}")))?;
    if again == text { Ok(()) } else { Err(Fault::format("not in the form the exporter writes (edited by hand?)")) }
}

fn hex_field(name: &str, text: &str) -> Result<Vec<u8>, Fault> {
    match hex::decode(text) {
        Ok(bytes) if hex::encode(&bytes) == text => Ok(bytes),
        Ok(_) => Err(Fault::format(format!("{name}: not lower-case hex"))),
        Err(error) => Err(Fault::format(format!("{name}: {error}"))),
    }
}

fn digest_field(name: &str, text: &str) -> Result<Sm3Digest, Fault> {
    hex_field(name, text)?.try_into().map_err(|_| Fault::format(format!("{name}: not an SM3 digest (32 bytes)")))
}

// ---------------------------------------------------------------------------------------------
// Inclusion proofs for many events at once

/// The RFC 9162 tree over every leaf of a head, with the root of every perfect aligned subtree kept,
/// so that the audit path of any leaf costs O(log² n) hashes instead of the O(n) of
/// `ggzy_crypto::merkle::inclusion_proof` (a tender's hundred events in a log of millions).
struct ProofTree {
    /// `levels[j][i]`: the root of leaves `i·2^j .. (i+1)·2^j`; `levels[0]` are the leaves.
    levels: Vec<Vec<Hash>>,
}

fn node(left: &[u8], right: &[u8]) -> Hash {
    merkle::node_hash::<sm3::Sm3>(left, right)
}

/// The largest power of two strictly below `n` (n >= 2): where RFC 9162 splits a tree.
fn split(n: usize) -> usize {
    1_usize << (usize::BITS - 1 - (n - 1).leading_zeros())
}

impl ProofTree {
    fn new(leaves: Vec<Hash>) -> ProofTree {
        let mut levels = vec![leaves];
        while let Some(below) = levels.last().filter(|level| level.len() >= 2) {
            let above = below.chunks_exact(2).map(|pair| node(&pair[0], &pair[1])).collect();
            levels.push(above);
        }
        ProofTree { levels }
    }

    fn size(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// MTH of leaves `start..end` (non-empty, within the tree).
    fn subtree_root(&self, start: usize, end: usize) -> Hash {
        let len = end - start;
        if len.is_power_of_two() && start.is_multiple_of(len) {
            let level = usize::try_from(len.trailing_zeros()).unwrap_or(usize::MAX);
            if let Some(hash) = self.levels.get(level).and_then(|level| level.get(start / len)) {
                return hash.clone();
            }
        }
        let k = split(len);
        node(&self.subtree_root(start, start + k), &self.subtree_root(start + k, end))
    }

    /// The root (of a non-empty tree).
    fn root(&self) -> Hash {
        match self.size() {
            0 => sm3(&[]).to_vec(),
            n => self.subtree_root(0, n),
        }
    }

    /// PATH(index, D[n]) of RFC 9162 §2.1.3.1, leaf to root.
    fn audit_path(&self, index: usize) -> Vec<Hash> {
        let mut path = Vec::new();
        let (mut start, mut end) = (0, self.size());
        // Walk down from the root taking the sibling at each split; the RFC lists them leaf first.
        while end - start > 1 {
            let k = split(end - start);
            if index < start + k {
                path.push(self.subtree_root(start + k, end));
                end = start + k;
            } else {
                path.push(self.subtree_root(start, start + k));
                start += k;
            }
        }
        path.reverse();
        path
    }
}

// Base64 (RFC 4648 §4, with padding), by the crate sqlx already brings in.

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes canonical base64 only: the one encoding [`base64_encode`] gives for the bytes.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let out = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
    // Padding and trailing bits must be canonical: re-encoding gives the text back only then.
    (base64_encode(&out) == text).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_and_refuses_other_forms() {
        // RFC 4648 §10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)), Some(all));
        for bad in ["Zg=", "Zh==", "Zm9v=", "Z===", "Zg==Zg==", "Zm9v\n", "Zm 9", "Zm-v"] {
            assert_eq!(base64_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn proofs_and_roots_are_those_of_rfc_9162() {
        for size in 1..=40_usize {
            let leaves: Vec<Hash> = (0..size).map(|i| event_leaf(&sm3(&i.to_be_bytes()))).collect();
            let tree = ProofTree::new(leaves.clone());
            assert_eq!(tree.root(), merkle::root::<sm3::Sm3>(&leaves), "root of {size}");
            let head =
                TreeHead { tree_size: i64::try_from(size).expect("size"), timestamp_ms: 0, root_hash: tree.root() };
            for index in 0..size {
                let path = tree.audit_path(index);
                assert_eq!(path, merkle::inclusion_proof::<sm3::Sm3>(&leaves, index).expect("proof"), "{index}/{size}");
                let position = i64::try_from(index).expect("index") + 1;
                assert_eq!(head.verify_inclusion(position, &sm3(&index.to_be_bytes()), &path), Ok(()));
            }
        }
    }

    #[test]
    fn sealed_bids_and_technical_proposals_are_the_files_events_name() {
        let address = hex::encode(sm3(b"technical proposal"));
        let proposal = format!(r#"{{"tender_id":"T","document_sm3_hex":"{address}"}}"#);
        assert_eq!(file_address("TechnicalProposalSubmitted", &proposal), Some(Some(sm3(b"technical proposal"))));
        let bid = format!(r#"{{"blob_sm3_hex":"{address}"}}"#);
        assert_eq!(file_address("BidSubmitted", &bid), Some(Some(sm3(b"technical proposal"))));
        assert_eq!(file_address("BidSubmitted", r#"{"blob_sm3_hex":"zz"}"#), Some(None), "a broken address");
        assert_eq!(file_address("TenderCreated", &bid), None, "names no file");
    }

    #[test]
    fn the_tenders_streams_are_exactly_its_own() {
        let tender = "ZB33010020261124A1B2C3";
        let code = "91330106769614255P";
        for own in [
            stream::tender(tender),
            stream::lot(tender, "1"),
            stream::lot(tender, "12"),
            stream::bidder(tender, "2", code),
            stream::applicant(tender, code),
            stream::proposer(tender, code),
        ] {
            assert!(belongs_to(&own, tender), "{own}");
        }
        let longer = format!("{tender}9");
        for foreign in [
            stream::tender(&longer),
            stream::lot(&longer, "1"),
            stream::bidder(&longer, "1", code),
            stream::applicant(&longer, code),
            stream::proposer(&longer, code),
            format!("proposal-{tender}-notacode"),
            stream::entity(code),
            stream::user("u-1"),
            format!("lot-{tender}-"),
            format!("lot-{tender}-1-2"),
            format!("bid-{tender}-1-notacode"),
            format!("bid-{tender}-1"),
            format!("tender-{tender}-1"),
        ] {
            assert!(!belongs_to(&foreign, tender), "{foreign}");
        }
    }
}
