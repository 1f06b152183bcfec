//! The parts of `ggzy verify` about bids: every stored file (sealed bids, two-stage tenders'
//! technical proposals) still hashes to the address its event names, and every receipt a bidder holds is signed by the platform and
//! names an event of the log that says what the receipt says.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use ggzy_crypto::sm2::PublicKey;
use ggzy_crypto::sm3::sm3;
use ggzy_store::Store;
use ggzy_web::api::bids::ReceiptDto;
use serde_json::Value;

/// A problem found, at an event position (0 when the problem is the receipt itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The event concerned.
    pub position: i64,
    /// What is wrong.
    pub reason: String,
}

/// An event as far as these checks need it.
#[derive(Debug, Clone)]
pub struct EventView {
    /// Its type.
    pub event_type: String,
    /// Its payload.
    pub payload: Value,
    /// Its hash.
    pub hash: Vec<u8>,
}

const PAGE: i64 = 1000;

/// The events that name a stored file, and the payload field holding its SM3 address.
const FILE_EVENTS: [(&str, &str); 2] =
    [("BidSubmitted", "blob_sm3_hex"), ("TechnicalProposalSubmitted", "document_sm3_hex")];

/// The stored file an event names: `None` for an event that names none, `Some(None)` for one that
/// should but whose address is missing or malformed.
pub(crate) fn stored_file_address(event_type: &str, payload: &Value) -> Option<Option<[u8; 32]>> {
    let (_, field) = FILE_EVENTS.iter().find(|(file_event, _)| *file_event == event_type)?;
    Some(payload[*field].as_str().and_then(|text| hex::decode(text).ok()).and_then(|bytes| bytes.try_into().ok()))
}

/// Checks every file an event of [`FILE_EVENTS`] names: present, and its SM3 is the address. A file
/// is looked for in the database, then in `blob_dir`; with no blob directory (`None`: a PostgreSQL
/// source, or a database copied alone) the files it would hold are not checked, as before files
/// could live in the database. Returns the number of files checked, or the first event whose file
/// is missing or altered.
pub async fn check_blobs(store: &Store, blob_dir: Option<&Path>) -> anyhow::Result<Result<usize, Finding>> {
    let blobs = match blob_dir {
        Some(dir) => Some(ggzy_store::blob::BlobStore::open(dir).await.context("opening the blob directory")?),
        None => None,
    };
    let mut after = 0;
    let mut checked = 0;
    loop {
        let page = store.scan(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for event in page.iter() {
            let payload: Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let Some(address) = stored_file_address(&event.event_type, &payload) else { continue };
            let at = |reason: String| Ok(Err(Finding { position: event.position, reason }));
            let Some(address) = address else { return at("event names no blob address".to_owned()) };
            let bytes = match (store.inline_blob(&address).await?, &blobs) {
                (Some(bytes), _) => bytes,
                (None, Some(files)) => match files.read(&address).await {
                    Ok(bytes) => bytes,
                    Err(error) => return at(format!("stored file {} is missing: {error}", hex::encode(address))),
                },
                (None, None) => continue,
            };
            if sm3(&bytes) != address {
                return at(format!("stored file {} was altered (its SM3 differs)", hex::encode(address)));
            }
            checked += 1;
        }
    }
    Ok(Ok(checked))
}

/// The events at `positions` from a store.
pub async fn events_in_store(store: &Store, positions: &[i64]) -> anyhow::Result<HashMap<i64, EventView>> {
    let mut found = HashMap::new();
    for &position in positions {
        if let Some(event) = store.scan(position - 1, 1).await?.into_iter().next().filter(|e| e.position == position) {
            let payload = serde_json::from_str(&event.payload).unwrap_or_default();
            found.insert(position, EventView { event_type: event.event_type, payload, hash: event.hash });
        }
    }
    Ok(found)
}

/// The events at `positions` from an export (JSON Lines).
pub fn events_in_export(path: &Path, positions: &[i64]) -> anyhow::Result<HashMap<i64, EventView>> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut found = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line: Value = serde_json::from_str(&line?).unwrap_or_default();
        let Some(position) = line["position"].as_i64().filter(|p| positions.contains(p)) else { continue };
        found.insert(
            position,
            EventView {
                event_type: line["event_type"].as_str().unwrap_or_default().to_owned(),
                payload: serde_json::from_str(line["payload"].as_str().unwrap_or_default()).unwrap_or_default(),
                hash: hex::decode(line["hash"].as_str().unwrap_or_default()).unwrap_or_default(),
            },
        );
    }
    Ok(found)
}

/// Checks one receipt against the platform key and the event it names.
pub fn check_receipt(receipt: &ReceiptDto, key: &PublicKey, events: &HashMap<i64, EventView>) -> Result<(), Finding> {
    let at = |reason: String| Finding { position: receipt.log_position, reason };
    let (fields, signature) = receipt.to_fields().map_err(|e| at(format!("malformed receipt: {e}")))?;
    fields
        .verify(key, &signature)
        .map_err(|_| at("the platform's signature on the receipt does not verify".to_owned()))?;
    let event =
        events.get(&receipt.log_position).ok_or_else(|| at("the log has no event at this position".to_owned()))?;
    if event.hash != fields.event_hash {
        return Err(at("the event at this position is not the one the receipt names (hash differs)".to_owned()));
    }
    let expected_type = match fields.kind {
        ggzy_crypto::receipt::ReceiptKind::Submitted => "BidSubmitted",
        ggzy_crypto::receipt::ReceiptKind::Withdrawn => "BidWithdrawn",
    };
    let payload = &event.payload;
    let same = event.event_type == expected_type
        && payload["tender_id"] == receipt.tender_id.as_str()
        && payload["lot_id"] == receipt.lot_id.as_str()
        && payload["bidder_credit_code"] == receipt.bidder_credit_code.as_str()
        && (expected_type == "BidWithdrawn"
            || (payload["envelope_digest_hex"] == receipt.envelope_digest.as_str()
                && payload["received_at_ms"] == receipt.received_at_ms));
    if same { Ok(()) } else { Err(at("the event says something else than the receipt".to_owned())) }
}

/// What the bid checks of `ggzy verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidCheck {
    /// Bid files checked (None: no `blobs/` directory beside a SQLite file to check).
    pub blobs_checked: Option<usize>,
    /// Receipts checked.
    pub receipts_checked: usize,
    /// The first problem, with the receipt file when it concerns one.
    pub finding: Option<(Option<String>, Finding)>,
}

/// Runs the bid checks on a source `ggzy verify` accepted: bid files beside a SQLite file, and
/// the receipts (which need the platform key).
pub async fn verify_bids(
    source: &str,
    platform_key: Option<&PublicKey>,
    receipt_files: &[std::path::PathBuf],
) -> anyhow::Result<BidCheck> {
    let mut receipts = Vec::with_capacity(receipt_files.len());
    for path in receipt_files {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let receipt: ReceiptDto =
            serde_json::from_str(&text).with_context(|| format!("{} is not a receipt", path.display()))?;
        receipts.push((path.display().to_string(), receipt));
    }
    if !receipts.is_empty() && platform_key.is_none() {
        anyhow::bail!("checking receipts needs the platform key: --platform-key");
    }
    let positions: Vec<i64> = receipts.iter().map(|(_, r)| r.log_position).collect();
    let is_export = source.ends_with(".jsonl") && !source.contains("://");
    let mut check = BidCheck { blobs_checked: None, receipts_checked: 0, finding: None };
    let events = if is_export {
        events_in_export(Path::new(source), &positions)?
    } else {
        let url = crate::verify::database_url(source)?;
        let store = Store::connect(&url, ggzy_store::StoreOptions { max_connections: 1, ..Default::default() }).await?;
        let blob_dir = (!source.contains("://")).then(|| Path::new(source).with_file_name("blobs"));
        match check_blobs(&store, blob_dir.as_deref().filter(|dir| dir.is_dir())).await? {
            Ok(n) => check.blobs_checked = Some(n),
            Err(finding) => check.finding = Some((None, finding)),
        }
        let events = events_in_store(&store, &positions).await;
        store.close().await;
        events?
    };
    if check.finding.is_some() {
        return Ok(check);
    }
    if let Some(key) = platform_key {
        for (file, receipt) in &receipts {
            if let Err(finding) = check_receipt(receipt, key, &events) {
                check.finding = Some((Some(file.clone()), finding));
                return Ok(check);
            }
            check.receipts_checked += 1;
        }
    }
    Ok(check)
}
