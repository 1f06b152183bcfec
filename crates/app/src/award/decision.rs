//! The award decision (招标投标法 第四十条, 条例 第五十五条), the award letter (法 第四十五条) and the
//! contract (法 第四十六条, 条例 第五十八条).

use ggzy_domain::evaluation::{self, AwardChoice, AwardOption, DropoutGround};
use ggzy_domain::lot_award::{LotCommand, LotStage};
use ggzy_domain::{Fen, china_time, deadline};

use super::{LotAward, rule};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::Event;

impl App {
    /// Decides the winner once publicity is over with no objection open: for a state-funded
    /// project (as its registration says) the first candidate, or the next one after a dropout
    /// (条例 第五十五条).
    pub async fn decide_award(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        winner: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::DecideAward).await?;
        self.authorize_tender(actor, &row)?;
        if fold.stage == LotStage::Publicity {
            let publicity = self.publicity(&row, &fold)?;
            if let Some(publicity) = publicity.filter(|p| !p.over) {
                return Err(match publicity.ends_day {
                    None if let Some(reason) = publicity.unknown_reason => {
                        AppError::refused("calendar_not_covered", format!("无法确定中标候选人公示期届满日：{reason}"))
                    }
                    None => AppError::refused(
                        "objection_pending",
                        "有异议尚未答复，招标投标活动暂停；答复异议后公示期继续计算（招标投标法实施条例 第五十四条）",
                    ),
                    Some(end) => AppError::refused(
                        "publicity_not_over",
                        format!(
                            "中标候选人公示期至 {} 届满，期满后方可确定中标人（招标投标法实施条例 第五十四条）",
                            deadline::chinese_date(end)
                        ),
                    ),
                });
            }
        }
        let state_funded = self.tender_state_funded(&row).await?;
        let decision = evaluation::decide_award(state_funded, &fold.candidates(), &fold.dropout_list());
        let chosen = decision
            .check(&AwardChoice::Winner(winner.to_owned()))
            .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let AwardOption::Winner { bidder, rank } = chosen else {
            return Err(AppError::Internal("a winner choice gave no winner".to_owned()));
        };
        let event = Event::AwardDecided {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            winner_credit_code: bidder,
            rank: i64::try_from(rank).unwrap_or(i64::MAX),
            state_funded,
            basis: decision.basis.as_str().to_owned(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Records that the winner dropped out on a ground of 条例 第五十五条; the principal then picks
    /// the next candidate or re-tenders.
    pub async fn record_dropout(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        ground: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::RecordDropout).await?;
        self.authorize_tender(actor, &row)?;
        let ground = DropoutGround::parse(ground).ok_or_else(|| {
            AppError::refused(
                "dropout_ground_invalid",
                "放弃中标的情形无效：应为 declined（放弃中标）、force_majeure（因不可抗力不能履行合同）、no_performance_bond（未按要求提交履约保证金）或 unlawful（被查实存在影响中标结果的违法行为），见招标投标法实施条例 第五十五条",
            )
        })?;
        let (winner, _) =
            fold.winner.clone().ok_or_else(|| AppError::Internal("awarded without a winner".to_owned()))?;
        let event = Event::WinnerDropped {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            bidder_credit_code: winner,
            ground: ground.as_str().to_owned(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Re-tenders the lot after a dropout, where 条例 第五十五条 allows it.
    pub async fn retender_lot(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        reason: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::Retender).await?;
        self.authorize_tender(actor, &row)?;
        let state_funded = self.tender_state_funded(&row).await?;
        evaluation::decide_award(state_funded, &fold.candidates(), &fold.dropout_list())
            .check(&AwardChoice::Retender)
            .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(AppError::refused("invalid_text", "重新招标的理由不能为空，且不超过1000个字"));
        }
        let event = Event::LotRetendered {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            reason: reason.to_owned(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Sends the award letter to the winner and the result to every other bidder of the lot
    /// (招标投标法 第四十五条); the contract is due within the ruleset's days (第四十六条).
    pub async fn issue_award_letter(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::IssueAwardLetter).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let (winner, _) =
            fold.winner.clone().ok_or_else(|| AppError::Internal("awarded without a winner".to_owned()))?;
        let today = china_time::date_of(self.now_ms());
        // The letter goes out even when the period reaches a year without holiday data: the last
        // day by counting is known, only its 顺延 is not (shown as unknown, never guessed).
        let (due, counted) = self.limit(today, rule(ruleset, "contract_days_max")?)?;
        let notified = self
            .store
            .submitted_bids(tender_id)
            .await?
            .into_iter()
            .filter(|bid| bid.lot_id == lot_id && bid.bidder_credit_code != winner)
            .map(|bid| bid.bidder_credit_code)
            .collect();
        let event = Event::AwardLetterIssued {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            winner_credit_code: winner,
            notified,
            issued_day: today.to_string(),
            contract_due_day: due.map(|d| d.to_string()),
            contract_counted_day: counted.to_string(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// Records the signed contract; a performance bond above the cap is refused (条例 第五十八条),
    /// a contract after the legal period is recorded as late (招标投标法 第四十六条).
    pub async fn sign_contract(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        amount_fen: i64,
        performance_bond_fen: i64,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::SignContract).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        if amount_fen <= 0 {
            return Err(AppError::refused("invalid_amount", "合同金额须大于0（单位：分）"));
        }
        evaluation::check_performance_bond(
            Fen(performance_bond_fen),
            Fen(amount_fen),
            rule(ruleset, "performance_bond_percent_max")?.value,
        )
        .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let letter = fold.letter.clone().ok_or_else(|| AppError::Internal("notified without a letter".to_owned()))?;
        let (winner, _) =
            fold.winner.clone().ok_or_else(|| AppError::Internal("notified without a winner".to_owned()))?;
        let today = china_time::date_of(self.now_ms());
        let event = Event::ContractSigned {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            winner_credit_code: winner,
            amount_fen,
            performance_bond_fen,
            signed_day: today.to_string(),
            // Without the 顺延 (year not covered), the counted last day decides: never later than the law's.
            in_time: today <= letter.contract_due_day.unwrap_or(letter.contract_counted_day),
        };
        self.record_lot(actor, &row, &fold, event).await
    }
}
