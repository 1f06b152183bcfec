//! Results as the public sees them (中标候选人公示, 中标结果, 合同): per lot, from the lot's
//! award procedure read as an anonymous viewer ([`App::lot_award`] with no actor), so the portal
//! shows exactly what `GET /api/v1/tenders/{t}/lots/{l}/award` shows and nothing sealed: no
//! committee (its experts stay secret until the award, 招标投标法 第三十七条) and no objector (only
//! how many objections there were). Candidates are named: their publicity is the point of it
//! (招标投标法实施条例 第五十四条).

use ggzy_domain::RegionCode;
use ggzy_domain::tender::TenderState;
use ggzy_store::tender_projection::TenderRow;

use super::{decode_key, encode_key, region_digits};
use crate::App;
use crate::award::{ContractView, LotAward, PublicityView};
use crate::error::AppResult;
use crate::events::{Event, stream};

/// Which result a lot has reached, the newest one counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// Candidates publicised (中标候选人公示, `Notice::Candidates`).
    Candidates,
    /// Winner decided (中标结果, `Notice::Award`).
    Award,
    /// Written contract signed (合同, `Contract`).
    Contract,
}

impl ResultKind {
    /// Every kind, in procedure order.
    pub const ALL: [ResultKind; 3] = [ResultKind::Candidates, ResultKind::Award, ResultKind::Contract];

    /// Identifier in query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultKind::Candidates => "candidates",
            ResultKind::Award => "award",
            ResultKind::Contract => "contract",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<ResultKind> {
        ResultKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ResultKind::Candidates => "中标候选人公示",
            ResultKind::Award => "中标结果",
            ResultKind::Contract => "合同",
        }
    }
}

/// A bidder named in a result, with its bid price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultParty {
    /// Rank among the candidates, 1-based.
    pub rank: i64,
    /// Credit code.
    pub credit_code: String,
    /// Registered name (the code when unknown).
    pub name: String,
    /// Bid price, fen (the ranking's; `None` if the report does not rank it).
    pub price_fen: Option<i64>,
}

/// A lot's published results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotResult {
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Lot.
    pub lot_id: String,
    /// Lot name.
    pub lot_name: String,
    /// Region of the platform running it, and its name.
    pub region_code: String,
    /// Its full Chinese name.
    pub region_name: String,
    /// The newest result.
    pub kind: ResultKind,
    /// When the newest result was recorded, UTC ms (orders the list and dates the feed).
    pub at_ms: i64,
    /// The lot's stage in Chinese.
    pub stage_label: &'static str,
    /// Candidates in rank order.
    pub candidates: Vec<ResultParty>,
    /// The publicity, as it stands today.
    pub publicity: Option<PublicityView>,
    /// Objections raised during publicity (how many; never who).
    pub objections: usize,
    /// The winner, once decided.
    pub winner: Option<ResultParty>,
    /// Day the winner was decided (`YYYY-MM-DD`).
    pub awarded_day: Option<String>,
    /// The contract, once signed.
    pub contract: Option<ContractView>,
}

/// Filters of the results list; every one optional.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    /// Only tenders run by this region's platform or the ones below it.
    pub region: Option<RegionCode>,
    /// Only lots whose newest result is of this kind.
    pub kind: Option<ResultKind>,
    /// Cursor: the `next` of the previous page.
    pub after: Option<String>,
    /// Page size (clamped to 1..=[`super::MAX_PAGE`]).
    pub limit: usize,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultPage {
    /// Newest first.
    pub results: Vec<LotResult>,
    /// Cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// The list's order and cursor: newest result first, then tender and lot.
fn sort_key(r: &LotResult) -> (i64, String) {
    (r.at_ms, format!("{}_{}", r.tender_id, r.lot_id))
}

impl App {
    /// The results of every lot of a published tender that has any, in lot order.
    pub async fn tender_results(&self, row: &TenderRow) -> AppResult<Vec<LotResult>> {
        // Lots have award streams only after the opening.
        if row.state != TenderState::Opened.as_str() {
            return Ok(Vec::new());
        }
        let mut results = Vec::new();
        for lot in self.store.tender_lots(&row.tender_id).await? {
            if let Some(result) = self.lot_result(row, &lot.lot_id, &lot.name).await? {
                results.push(result);
            }
        }
        Ok(results)
    }

    /// Lots with a published result, newest first, filtered and paged. Read from the projections
    /// and the lots' streams in memory, which suits one platform's thousands of tenders (as the
    /// notice list does).
    pub async fn public_results(&self, filter: &ResultFilter) -> AppResult<ResultPage> {
        let cursor = filter.after.as_deref().map(|c| decode_key(c, "after")).transpose()?;
        let limit = filter.limit.clamp(1, super::MAX_PAGE);
        let prefix = filter.region.as_ref().map(region_digits);
        let rows = self.store.tenders(i64::MAX).await?;
        let mut results = Vec::new();
        for row in rows.iter().filter(|row| prefix.is_none_or(|p| row.region_code.starts_with(p))) {
            results.extend(
                self.tender_results(row).await?.into_iter().filter(|r| filter.kind.is_none_or(|kind| r.kind == kind)),
            );
        }
        results.sort_by_key(|r| std::cmp::Reverse(sort_key(r)));
        if let Some((ms, key)) = &cursor {
            results.retain(|r| sort_key(r) < (*ms, key.clone()));
        }
        let next = if results.len() > limit {
            results.truncate(limit);
            results.last().map(|r| {
                let (ms, key) = sort_key(r);
                encode_key(ms, &key)
            })
        } else {
            None
        };
        Ok(ResultPage { results, next })
    }

    /// One lot's result as the public sees it; `None` while it has none.
    async fn lot_result(&self, row: &TenderRow, lot_id: &str, lot_name: &str) -> AppResult<Option<LotResult>> {
        // When the newest result was recorded: the fold keeps days only, a feed needs instants.
        let mut at_ms = None;
        for stored in self.store.stream(&stream::lot(&row.tender_id, lot_id)).await? {
            if let Ok(Event::CandidatesPublicized { .. } | Event::AwardDecided { .. } | Event::ContractSigned { .. }) =
                serde_json::from_str::<Event>(&stored.payload)
            {
                at_ms = Some(stored.recorded_at_ms);
            }
        }
        let Some(at_ms) = at_ms else { return Ok(None) };
        // The anonymous viewer's view: the same as the public API's.
        let award = self.lot_award(None, &row.tender_id, lot_id).await?;
        let Some(kind) = kind_of(&award) else { return Ok(None) };
        let mut candidates = Vec::new();
        for (i, code) in award.candidates().iter().enumerate() {
            let rank = i64::try_from(i).unwrap_or(i64::MAX - 1) + 1;
            candidates.push(self.result_party(&award, code, rank).await?);
        }
        let winner = match &award.winner {
            Some((code, rank)) => Some(self.result_party(&award, code, *rank).await?),
            None => None,
        };
        Ok(Some(LotResult {
            tender_id: row.tender_id.clone(),
            title: row.title.clone(),
            lot_id: lot_id.to_owned(),
            lot_name: lot_name.to_owned(),
            region_code: row.region_code.clone(),
            region_name: self.region_name(&row.region_code),
            kind,
            at_ms,
            stage_label: award.stage.label(),
            candidates,
            objections: award.objections.len(),
            publicity: award.publicity,
            winner,
            awarded_day: award.awarded_day.map(|d| d.to_string()),
            contract: award.contract,
        }))
    }

    async fn result_party(&self, award: &LotAward, credit_code: &str, rank: i64) -> AppResult<ResultParty> {
        let price_fen = award
            .report
            .as_ref()
            .and_then(|r| r.ranking.iter().find(|x| x.bidder_credit_code == credit_code))
            .map(|x| x.price_fen);
        Ok(ResultParty {
            rank,
            credit_code: credit_code.to_owned(),
            name: self.entity_name(credit_code).await?,
            price_fen,
        })
    }
}

/// The newest result a lot has reached; `None` before the publicity (a report alone is not
/// published yet) and when the only winner dropped out without publicity.
fn kind_of(award: &LotAward) -> Option<ResultKind> {
    if award.contract.is_some() {
        Some(ResultKind::Contract)
    } else if award.winner.is_some() {
        Some(ResultKind::Award)
    } else if award.publicity.is_some() {
        Some(ResultKind::Candidates)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_kind_reads_back_and_an_unknown_one_is_refused() {
        for kind in ResultKind::ALL {
            assert_eq!(ResultKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ResultKind::parse("<script>"), None);
        assert_eq!(ResultKind::parse(""), None);
    }
}
