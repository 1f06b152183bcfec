//! What the platform has published about each procedure, gathered for the OCDS export
//! (`ggzy export --ocds`, docs/ocds.md); the mapping itself is pure (`ggzy_analytics::ocds_release`).
//!
//! Only published facts go out: drafts are skipped, and bids and bidders appear once the opening
//! record is signed (招标投标法 第二十二条 keeps the bidders' names sealed until then).

use ggzy_analytics::ocds_release::{Award, Bid, Contract, Lot, Party, Procedure};
use ggzy_domain::china_time;
use ggzy_domain::lot_award::LotStage;
use ggzy_domain::tender::TenderState;
use ggzy_store::tender_projection::TenderRow;
use jiff::civil::Date;

use crate::App;
use crate::error::{AppError, AppResult};
use crate::tender::tender_state;

/// Noon in China of a day: the log records award and contract days, not times.
fn day_ms(day: Date) -> i64 {
    china_time::instant_of(day.at(12, 0, 0, 0)).unwrap_or_default()
}

impl App {
    pub(crate) async fn party(&self, credit_code: &str) -> AppResult<Party> {
        let name = self.store.entity(credit_code).await?.map(|row| row.name).unwrap_or_default();
        Ok(Party { credit_code: credit_code.to_owned(), name })
    }

    /// Every published procedure, oldest first, with `{ocid_prefix}-{tender id}` as its ocid: the
    /// tenders, then the government procurements (`procurement/ocds.rs`).
    pub async fn ocds_procedures(&self, ocid_prefix: &str) -> AppResult<Vec<Procedure>> {
        let mut procedures = Vec::new();
        for row in self.store.tenders(i64::MAX).await? {
            let state = tender_state(&row)?;
            if state == TenderState::Draft {
                continue;
            }
            procedures.push(self.ocds_procedure(ocid_prefix, &row, state).await?);
        }
        procedures.extend(self.ocds_procurements(ocid_prefix).await?);
        Ok(procedures)
    }

    async fn ocds_procedure(&self, ocid_prefix: &str, row: &TenderRow, state: TenderState) -> AppResult<Procedure> {
        let opened = row.opening_record.is_some();
        let submitted = self.store.submitted_bids(&row.tender_id).await?;
        let openings = if opened { self.store.bid_openings(&row.tender_id).await? } else { Vec::new() };
        let mut lots = Vec::new();
        let mut bids = Vec::new();
        let mut awards = Vec::new();
        let mut contracts = Vec::new();
        let mut all_complete = true;
        for lot in self.store.tender_lots(&row.tender_id).await? {
            let fold = if opened { Some(self.lot_award(None, &row.tender_id, &lot.lot_id).await?) } else { None };
            let stage = fold.as_ref().map(|f| f.stage);
            let status = match (&lot.failed_reason, stage) {
                (Some(_), _) | (_, Some(LotStage::Failed)) => "unsuccessful",
                (_, Some(LotStage::Contracted | LotStage::Archived)) => "complete",
                _ if state == TenderState::Terminated => "cancelled",
                _ if state == TenderState::Failed => "unsuccessful",
                _ => "active",
            };
            all_complete &= status == "complete";
            lots.push(Lot { id: lot.lot_id.clone(), title: lot.name.clone(), status });
            let rejected: Vec<&str> = fold
                .as_ref()
                .and_then(|f| f.report.as_ref())
                .map(|report| report.rejected.iter().map(|r| r.bidder_credit_code.as_str()).collect())
                .unwrap_or_default();
            let mut prices = Vec::new();
            for opening in openings.iter().filter(|o| o.lot_id == lot.lot_id) {
                let declared: serde_json::Value = serde_json::from_str(&opening.declared_json).unwrap_or_default();
                let price_fen = declared["price_fen"].as_i64().filter(|_| opening.status == "decrypted");
                let valid = opening.status == "decrypted" && !rejected.contains(&opening.bidder_credit_code.as_str());
                let received_ms = submitted
                    .iter()
                    .find(|b| b.lot_id == lot.lot_id && b.bidder_credit_code == opening.bidder_credit_code)
                    .map_or(opening.at_ms, |b| b.received_at_ms);
                prices.push((opening.bidder_credit_code.clone(), price_fen));
                bids.push(Bid {
                    lot_id: lot.lot_id.clone(),
                    bidder: self.party(&opening.bidder_credit_code).await?,
                    price_fen,
                    received_ms,
                    status: if valid { "valid" } else { "disqualified" },
                });
            }
            let Some(fold) = fold else { continue };
            if let (Some((winner, _)), Some(day)) = (&fold.winner, fold.awarded_day) {
                awards.push(Award {
                    lot_id: lot.lot_id.clone(),
                    supplier: self.party(winner).await?,
                    amount_fen: prices.iter().find(|(code, _)| code == winner).and_then(|(_, price)| *price),
                    date_ms: day_ms(day),
                });
            }
            if let Some(contract) = &fold.contract {
                contracts.push(Contract {
                    lot_id: lot.lot_id.clone(),
                    amount_fen: contract.amount_fen,
                    signed_ms: day_ms(contract.signed_day),
                });
            }
        }
        let status = match state {
            TenderState::Terminated => "cancelled",
            TenderState::Failed => "unsuccessful",
            _ if all_complete => "complete",
            _ => "active",
        };
        let invited = !self.store.invitees(&row.tender_id).await?.is_empty();
        let (method, method_details) = match (invited, row.pq_deadline_ms.is_some(), row.proposal_deadline_ms.is_some())
        {
            (true, _, true) => ("selective", "邀请招标（两阶段）"),
            (true, _, false) => ("selective", "邀请招标"),
            (false, _, true) => ("selective", "公开招标（两阶段：第二阶段限于提交技术建议的投标人）"),
            (false, true, false) => ("selective", "公开招标（资格预审）"),
            (false, false, false) => ("open", "公开招标"),
        };
        let agency = match &row.agency_credit_code {
            Some(code) => Some(self.party(code).await?),
            None => None,
        };
        let last_change = self
            .store
            .stream(&crate::events::stream::tender(&row.tender_id))
            .await?
            .last()
            .map(|e| e.recorded_at_ms)
            .ok_or_else(|| AppError::Internal(format!("tender {} has no events", row.tender_id)))?;
        let date_ms =
            awards.iter().map(|a| a.date_ms).chain(contracts.iter().map(|c| c.signed_ms)).fold(last_change, i64::max);
        Ok(Procedure {
            ocid: format!("{ocid_prefix}-{}", row.tender_id),
            tender_id: row.tender_id.clone(),
            title: row.title.clone(),
            status,
            method,
            method_details: method_details.to_owned(),
            buyer: self.party(&row.principal_credit_code).await?,
            agency,
            estimate_fen: row.estimate_fen,
            tender_period: row.documents_issued_ms.zip(row.bid_deadline_ms),
            lots,
            bids,
            awards,
            contracts,
            date_ms,
        })
    }
}
