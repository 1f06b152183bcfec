//! One notice as its page shows it (`/notices/{id}`): the notice with its timeline and results and,
//! once the opening has started, the opening with its bidders' names, read once per log position.
//!
//! The read is about thirty store queries (the tender, its lots' streams read and folded more than
//! once, the opening's bids, every bidder's and candidate's name), while the page is read far more
//! often than the procedure moves. So a read is kept with the log's watermark it was taken at, as
//! the notice index is (`notice_search.rs`), and reused only while the watermark is the same and it
//! is still the same day in China (a candidates' publicity is "over" from the day after its end).
//! Every table the read looks at is a projection written in the same transaction as its event, so
//! an unchanged watermark means unchanged data, whichever node wrote the change.
//!
//! The watermark is the database's, never this process's memory: behind several nodes another one
//! may have written. Reading it is one indexed query, yet at thousands of pages a second that query
//! would be most of the work, so concurrent requests share it: a request uses the first read that
//! *began after it arrived* ([`FreshWatermark`]), which saw every event committed before the request
//! came, as a read of its own would have. A page is never older than its request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ggzy_domain::china_time;
use ggzy_store::Store;
use jiff::civil::Date;

use super::NoticeDetail;
use crate::App;
use crate::error::{AppError, AppResult};
use crate::opening::OpeningView;

/// Notices kept at most (a read is some tens of kilobytes); past this the reads are dropped and
/// taken again.
const KEPT_MAX: usize = 1_024;

/// What the notice page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePageRead {
    /// The notice, its timeline and its lots' results.
    pub detail: NoticeDetail,
    /// The opening once it has started; `None` before (招标投标法 第二十二条: nothing about bids).
    pub opening: Option<PublicOpening>,
}

/// The opening as the public sees it, with a name for each line's bidder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOpening {
    /// The opening record as [`App::opening`] shows it.
    pub view: OpeningView,
    /// The registered name of each line's bidder, in line order (its credit code when unknown).
    pub bidder_names: Vec<String>,
}

/// The reads kept, and the shared watermark reads.
#[derive(Clone, Default)]
pub struct NoticePages {
    kept: Arc<Mutex<Kept>>,
    watermark: Arc<FreshWatermark>,
}

#[derive(Default)]
struct Kept {
    /// The newest watermark a read was kept at; reads taken at older ones are not kept.
    watermark: i64,
    /// Tender id → the day (China) the read was taken on, and the read.
    reads: HashMap<String, (Date, Arc<NoticePageRead>)>,
}

impl NoticePages {
    fn get(&self, tender_id: &str, watermark: i64, today: Date) -> Option<Arc<NoticePageRead>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.watermark != watermark {
            return None;
        }
        kept.reads.get(tender_id).filter(|(day, _)| *day == today).map(|(_, read)| read.clone())
    }

    fn put(&self, tender_id: &str, watermark: i64, today: Date, read: Arc<NoticePageRead>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if watermark < kept.watermark {
            return;
        }
        if watermark > kept.watermark || kept.reads.len() >= KEPT_MAX {
            kept.reads.clear();
            kept.watermark = watermark;
        }
        kept.reads.insert(tender_id.to_owned(), (today, read));
    }
}

/// The log's watermark, read once for all the requests that arrived before the read began.
#[derive(Default)]
struct FreshWatermark {
    /// Reads begun so far; a read's number is the count once it has begun.
    begun: AtomicU64,
    /// The last read finished: its number and the watermark it found. Held across the query, so
    /// reads happen one at a time and the requests waiting meanwhile share the next one.
    last: tokio::sync::Mutex<(u64, i64)>,
}

impl FreshWatermark {
    /// A watermark at least as high as the database's when this call began.
    async fn read(&self, store: &Store) -> AppResult<i64> {
        let arrived = self.begun.load(Ordering::SeqCst);
        let mut last = self.last.lock().await;
        // Read number `arrived + 1` or later began after this call did.
        if last.0 > arrived {
            return Ok(last.1);
        }
        let number = self.begun.fetch_add(1, Ordering::SeqCst) + 1;
        let watermark = store.watermark().await?;
        *last = (number, watermark);
        Ok(watermark)
    }
}

impl App {
    /// The notice page's read of a published tender: [`App::public_notice`], and [`App::opening`]
    /// with the bidders' names once the opening has started. Taken again once an event has been
    /// committed since (see the module's comment).
    pub async fn public_notice_page(&self, tender_id: &str) -> AppResult<Arc<NoticePageRead>> {
        let watermark = self.notice_pages.watermark.read(&self.store).await?;
        let today = china_time::date_of(self.now_ms());
        if let Some(read) = self.notice_pages.get(tender_id, watermark, today) {
            return Ok(read);
        }
        let detail = self.public_notice(tender_id).await?;
        let opening = match self.opening(tender_id).await {
            Ok(view) => {
                let mut bidder_names = Vec::with_capacity(view.lines.len());
                for line in &view.lines {
                    bidder_names.push(match self.entity(None, &line.bidder_credit_code).await {
                        Ok(entity) => entity.name,
                        Err(_) => line.bidder_credit_code.clone(),
                    });
                }
                Some(PublicOpening { view, bidder_names })
            }
            Err(AppError::Refused { code: "opening_not_started", .. }) => None,
            Err(other) => return Err(other),
        };
        let read = Arc::new(NoticePageRead { detail, opening });
        // A read taken across midnight may reflect either day: not kept.
        if china_time::date_of(self.now_ms()) == today {
            self.notice_pages.put(tender_id, watermark, today, read.clone());
        }
        Ok(read)
    }
}
