//! The opening hall (不见面开标大厅): who watches a tender's opening is told when it changes (started,
//! a bid decrypted, an escrow share handed in, an objection raised or answered, the record signed),
//! and reads the opening again. A signal per tender, not a copy of the record: the record is
//! [`App::opening`], and a watcher that reconnects reads it whole, so it cannot miss a change.
//!
//! The signal is per process, like the sales' live hub: behind several servers a watcher learns of
//! a change made on another one at its next reconnect or clock tick (the page re-reads every
//! minute).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::App;
use crate::events::Event;

/// The change counters of the tenders somebody watches.
#[derive(Clone, Default)]
pub struct OpeningHall {
    watched: Arc<Mutex<HashMap<String, watch::Sender<u64>>>>,
}

impl OpeningHall {
    /// A receiver that changes whenever the tender's opening does.
    pub fn subscribe(&self, tender_id: &str) -> watch::Receiver<u64> {
        let mut watched = self.watched.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        watched.entry(tender_id.to_owned()).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// Tells the watchers of `tender_id`, and forgets a tender nobody watches any more.
    pub(crate) fn touch(&self, tender_id: &str) {
        let mut watched = self.watched.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(sender) = watched.get(tender_id) {
            if sender.receiver_count() == 0 {
                watched.remove(tender_id);
            } else {
                sender.send_modify(|count| *count += 1);
            }
        }
    }
}

impl Event {
    /// The tender whose opening this event changes, if any.
    pub(crate) fn opening_tender(&self) -> Option<&str> {
        match self {
            Event::OpeningStarted { tender_id, .. }
            | Event::BidDecrypted { tender_id, .. }
            | Event::EscrowQuorumReached { tender_id, .. }
            | Event::OpeningObjectionRaised { tender_id, .. }
            | Event::OpeningObjectionAnswered { tender_id, .. } => Some(tender_id),
            Event::OpeningRecordSigned(details) => Some(&details.tender_id),
            _ => None,
        }
    }
}

/// A watcher of one tender's opening.
pub struct OpeningSubscription {
    /// Changes whenever the opening does.
    pub changes: watch::Receiver<u64>,
    /// Turns true when the server shuts down (the live views end so that the drain completes).
    pub closing: watch::Receiver<bool>,
}

impl App {
    /// Watches a tender's opening (the tender must exist).
    pub async fn watch_opening(&self, tender_id: &str) -> crate::error::AppResult<OpeningSubscription> {
        self.tender_row(tender_id).await?;
        Ok(OpeningSubscription { changes: self.opening_hall.subscribe(tender_id), closing: self.sales.closing() })
    }
}
