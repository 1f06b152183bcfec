//! The candidates' publicity (条例 第五十四条) and the objections to the result that stop its clock.

use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::deadline;
use ggzy_domain::lot_award::LotCommand;

use super::{LotAward, rule};
use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult};
use crate::events::Event;

impl App {
    /// Publishes the candidates (条例 第五十四条: within 3 days of the report, for at least 3 days).
    pub async fn publish_candidates(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::PublishCandidates).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let reported = fold.reported_day.ok_or_else(|| AppError::Internal("no report day".to_owned()))?;
        let latest =
            deadline::deadline(&self.calendar, reported, rule(ruleset, "candidates_publicity_start_days_max")?)
                .map_err(AppError::from)?;
        let today = china_time::date_of(self.now_ms());
        let event = Event::CandidatesPublicized {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            start_day: today.to_string(),
            latest_start_day: latest.day.to_string(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// A bidder of the lot objects to the result; only during publicity (条例 第五十四条). The
    /// publicity clock stops until the principal answers.
    pub async fn raise_objection(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        objector: &str,
        text: &str,
    ) -> AppResult<LotAward> {
        let out_of_time = || {
            AppError::refused(
                "objection_out_of_time",
                "对评标结果的异议应当在中标候选人公示期间提出（招标投标法实施条例 第五十四条）；该标段当前不在公示期内",
            )
        };
        let (row, fold) =
            self.lot_for(tender_id, lot_id, LotCommand::RaiseObjection).await.map_err(|error| match error {
                AppError::Refused { code: "invalid_transition", .. } => out_of_time(),
                other => other,
            })?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, objector)?;
        if self.publicity(&row, &fold)?.is_some_and(|p| p.over) {
            return Err(out_of_time());
        }
        let bid_in_lot = self
            .store
            .bid_openings(tender_id)
            .await?
            .iter()
            .any(|o| o.lot_id == lot_id && o.bidder_credit_code == objector);
        if !bid_in_lot {
            return Err(AppError::refused(
                "objection_not_a_bidder",
                format!(
                    "{objector} 未参加该标段投标，不能对评标结果提出异议（招标投标法实施条例 第五十四条：投标人或者其他利害关系人）"
                ),
            ));
        }
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 5000 {
            return Err(AppError::refused("invalid_text", "异议内容不能为空，且不超过5000个字"));
        }
        let event = Event::ObjectionRaised {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            objection_id: format!("yy{}", random_hex(self.entropy.as_ref(), 6)),
            objector_credit_code: objector.to_owned(),
            text: text.to_owned(),
            raised_day: china_time::date_of(self.now_ms()).to_string(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// The principal answers an objection; when none is left open the publicity clock runs again.
    pub async fn answer_objection(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        objection_id: &str,
        reply: &str,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::AnswerObjection).await?;
        self.authorize_tender(actor, &row)?;
        match fold.objections.iter().find(|o| o.objection_id == objection_id) {
            None => return Err(AppError::NotFound { what: "异议" }),
            Some(objection) if objection.answered_day.is_some() => {
                return Err(AppError::refused("objection_already_answered", "该异议已经答复"));
            }
            Some(_) => {}
        }
        let reply = reply.trim();
        if reply.is_empty() || reply.chars().count() > 5000 {
            return Err(AppError::refused("invalid_text", "答复内容不能为空，且不超过5000个字"));
        }
        let event = Event::ObjectionAnswered {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            objection_id: objection_id.to_owned(),
            reply: reply.to_owned(),
            answered_day: china_time::date_of(self.now_ms()).to_string(),
        };
        self.record_lot(actor, &row, &fold, event).await
    }
}
