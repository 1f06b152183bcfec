//! The end of a lot's procedure: the securities refunded (条例 第五十七条), the written report to the
//! regulator (招标投标法 第四十七条) and the archive.

use ggzy_domain::china_time;
use ggzy_domain::lot_award::{LotCommand, LotStage};

use super::{LotAward, rule};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::Event;

impl App {
    /// Refunds the lot's bid securities: after the contract within the ruleset's days
    /// (招标投标法实施条例 第五十七条: 5 days, with interest on cash), or when the lot failed.
    pub async fn refund_securities(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::RefundSecurities).await?;
        self.authorize_tender(actor, &row)?;
        let bidders: Vec<String> = self
            .store
            .securities(tender_id, lot_id)
            .await?
            .into_iter()
            .filter(|s| s.refunded_day.is_none())
            .map(|s| s.bidder_credit_code)
            .collect();
        if bidders.is_empty() {
            return Err(AppError::refused("nothing_to_refund", "该标段没有尚未退还的投标保证金"));
        }
        let today = china_time::date_of(self.now_ms());
        // Only a contract starts 条例57's clock; a failed lot's refunds have no period of their own here.
        let (due, in_time) = match &fold.contract {
            Some(contract) => {
                let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
                let (due, counted) =
                    self.limit(contract.signed_day, rule(ruleset, "deposit_refund_after_contract_days_max")?)?;
                (due, today <= due.unwrap_or(counted))
            }
            None => (None, true),
        };
        let event = Event::SecuritiesRefunded {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            bidders,
            refunded_day: today.to_string(),
            due_day: due.map(|d| d.to_string()),
            in_time,
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Records the written report on the tendering sent to the regulator (招标投标法 第四十七条:
    /// within 15 days of deciding the winner; a later one is recorded as late).
    pub async fn report_to_regulator(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::ReportToRegulator).await?;
        self.authorize_tender(actor, &row)?;
        if fold.regulator_report.is_some() {
            return Err(AppError::refused("already_reported", "该标段的招标投标情况书面报告已经提交"));
        }
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let awarded = fold.awarded_day.ok_or_else(|| AppError::Internal("reporting without an award".to_owned()))?;
        let (due, counted) = self.limit(awarded, rule(ruleset, "report_to_regulator_days_max")?)?;
        let today = china_time::date_of(self.now_ms());
        let event = Event::RegulatorReported {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            reported_day: today.to_string(),
            due_day: due.map(|d| d.to_string()),
            in_time: today <= due.unwrap_or(counted),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Archives the lot once nothing is owed: the report went to the regulator (after a contract)
    /// and every security lodged was refunded.
    pub async fn archive_lot(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::Archive).await?;
        self.authorize_tender(actor, &row)?;
        if fold.stage == LotStage::Contracted && fold.regulator_report.is_none() {
            return Err(AppError::refused(
                "archive_incomplete",
                "归档前须向行政监督部门提交招标投标情况的书面报告（招标投标法 第四十七条）",
            ));
        }
        if self.store.securities(tender_id, lot_id).await?.iter().any(|s| s.refunded_day.is_none()) {
            return Err(AppError::refused(
                "archive_incomplete",
                "归档前须退还全部投标保证金（招标投标法实施条例 第五十七条）",
            ));
        }
        let event = Event::LotArchived { tender_id: tender_id.to_owned(), lot_id: lot_id.to_owned() };
        self.record_lot(actor, &row, &fold, event).await
    }
}
