//! The live side of sales: one in-memory slot per sale holding the folded sale (so a bid does not
//! replay the stream), serialising its commands in log order, and fanning every public event out
//! to watchers (SSE) with its stream version as the event id, so that a reconnecting watcher
//! resumes after the last id it saw without missing or repeating a bid.
//!
//! The store stays the record: a slot is filled from the stream, and an append that loses a race
//! with another server (version conflict) drops the slot so the next command reloads it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::Loaded;

/// Messages a slow watcher may fall behind by before it is told to reconnect (and resume from its
/// last id): enough for minutes of the busiest auction.
const CHANNEL_CAPACITY: usize = 4096;

/// One public event of a sale as watchers receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessage {
    /// The sale stream's version after the event: the SSE id.
    pub version: i64,
    /// The SSE event name (`bid`, `paused`, `resumed`, `live_bidding`, `listing_closed`,
    /// `reserve`, `confirmed`, `repriced`).
    pub name: &'static str,
    /// JSON data.
    pub data: String,
    /// The whole SSE frame (`id`, `event`, `data`, blank line), rendered once for every watcher.
    pub frame: String,
}

impl LiveMessage {
    /// A message with its frame (the JSON is compact, so `data` is one line).
    pub fn new(version: i64, name: &'static str, data: String) -> LiveMessage {
        let frame = format!("id: {version}\nevent: {name}\ndata: {data}\n\n");
        LiveMessage { version, name, data, frame }
    }
}

/// What the once-a-second clock tells watchers: the server's time against the current end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiveClock {
    /// Bidding starts, UTC ms.
    pub starts_at_ms: i64,
    /// Current end, UTC ms.
    pub ends_at_ms: i64,
    /// Paused.
    pub paused: bool,
}

/// A sale's slot.
pub(crate) struct Slot {
    /// The folded sale, filled on first use; the lock orders the sale's commands.
    pub(crate) state: tokio::sync::Mutex<Option<Loaded>>,
    /// Public events as they are recorded.
    pub(crate) events: broadcast::Sender<Arc<LiveMessage>>,
    /// The latest clock values.
    pub(crate) clock: watch::Sender<LiveClock>,
}

/// The slots of all sales touched since start.
#[derive(Clone)]
pub struct SaleHub {
    slots: Arc<Mutex<HashMap<String, Arc<Slot>>>>,
    closing: watch::Sender<bool>,
}

impl Default for SaleHub {
    fn default() -> SaleHub {
        SaleHub { slots: Arc::default(), closing: watch::channel(false).0 }
    }
}

impl SaleHub {
    /// Ends every watcher's stream: the server is shutting down, and a graceful shutdown waits for
    /// open responses, which live views otherwise never finish. Clients reconnect elsewhere with
    /// their last id.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Whether [`SaleHub::close`] was called, as a receiver.
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The slot of a sale, if one exists.
    pub(crate) fn get(&self, sale_id: &str) -> Option<Arc<Slot>> {
        // A poisoned map only means another thread panicked while inserting; the map is still sound.
        self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(sale_id).cloned()
    }

    /// The slot of a sale (created empty on first use). Only for a sale known to exist: ids from
    /// requests would otherwise grow the map without bound.
    pub(crate) fn slot(&self, sale_id: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slots
            .entry(sale_id.to_owned())
            .or_insert_with(|| {
                Arc::new(Slot {
                    state: tokio::sync::Mutex::new(None),
                    events: broadcast::channel(CHANNEL_CAPACITY).0,
                    clock: watch::channel(LiveClock::default()).0,
                })
            })
            .clone()
    }
}

/// A watcher's subscription: what it missed since its last id, then the live events and clock.
pub struct LiveSubscription {
    /// Public events after the watcher's last id, in order.
    pub backlog: Vec<Arc<LiveMessage>>,
    /// Events from now on (may repeat the backlog's tail: skip versions already sent).
    pub events: broadcast::Receiver<Arc<LiveMessage>>,
    /// The clock.
    pub clock: watch::Receiver<LiveClock>,
    /// Becomes true when the server shuts down: end the stream.
    pub closing: watch::Receiver<bool>,
}
