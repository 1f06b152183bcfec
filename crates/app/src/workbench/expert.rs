//! The expert's workbench (评标专家工作台): the draws that picked the user's expert record (found
//! through the draw notifications the outbox queued for it, one per pick), the answer each still
//! needs, and the evaluation workspace of the lots whose committee it sits on: sign-in with the
//! avoidance declaration, then the opened bids. Scoring and the report are signed with the
//! expert's own SM2 key, which never reaches the platform's pages.

use ggzy_domain::lot_award::LotStage;

use crate::App;
use crate::actor::Actor;
use crate::award::{LotAward, OpenedBidView};
use crate::error::{AppError, AppResult};

/// The user's expert record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskExpert {
    /// Expert id in the pool.
    pub expert_id: String,
    /// Name (the expert's own).
    pub name: String,
    /// `active`, `suspended` or `removed`.
    pub status: String,
}

/// Where the expert stands on a lot's committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertEvaluation {
    /// The member id (the expert id) the certificate's common name must be.
    pub member_id: String,
    /// The lot's stage.
    pub stage: LotStage,
    /// Whether the member signed in with the declaration.
    pub signed_in: bool,
    /// The elected chair, if any.
    pub chair: Option<String>,
    /// Whether the member's signed score sheet is in.
    pub scored: bool,
    /// The draft report's SM3 (hex), once drafted.
    pub draft_sm3: Option<String>,
    /// Whether the member signed the current draft.
    pub signed_draft: bool,
    /// The opened bids, once signed in while the committee evaluates.
    pub opened_bids: Vec<OpenedBidView>,
}

/// A draw that picked the user's expert record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertDraw {
    /// Draw id.
    pub draw_id: String,
    /// Tender.
    pub tender_id: String,
    /// Project title.
    pub title: String,
    /// Lot.
    pub lot_id: String,
    /// Lot name.
    pub lot_name: String,
    /// `member`, `reserve` or `replacement`.
    pub role: String,
    /// Evaluation start, UTC ms.
    pub evaluation_start_ms: i64,
    /// Evaluation end, UTC ms.
    pub evaluation_end_ms: i64,
    /// The expert's answer: accepted, reason.
    pub answer: Option<(bool, String)>,
    /// Replaced, and why.
    pub replaced: Option<String>,
    /// Whether an answer can still be given (none given, not replaced, no committee formed yet and
    /// the evaluation not begun).
    pub answerable: bool,
    /// The committee work, when the expert sits on the lot's committee.
    pub evaluation: Option<ExpertEvaluation>,
}

/// Everything the expert's workbench shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertDesk {
    /// The user's expert record, if one is linked to the account.
    pub expert: Option<DeskExpert>,
    /// Draws that picked it, the newest first.
    pub draws: Vec<ExpertDraw>,
    /// The server's clock, UTC ms.
    pub server_now_ms: i64,
}

/// The draw a notification is about: its id is `{draw_id}-{stream position}`.
fn draw_of_message(message_id: &str) -> Option<&str> {
    message_id.rsplit_once('-').map(|(draw_id, _)| draw_id)
}

impl App {
    /// The expert's workbench of a signed-in user: only the draws of the expert record linked to
    /// the account.
    pub async fn expert_desk(&self, actor: &Actor) -> AppResult<ExpertDesk> {
        let now_ms = self.now_ms();
        let Some(row) = self.store.expert_of_user(&actor.user_id).await? else {
            return Ok(ExpertDesk { expert: None, draws: Vec::new(), server_now_ms: now_ms });
        };
        let mut draw_ids: Vec<String> = Vec::new();
        for message in self.store.notifications_for(&row.expert_id).await? {
            if let Some(draw_id) = draw_of_message(&message.message_id)
                && !draw_ids.iter().any(|seen| seen == draw_id)
            {
                draw_ids.push(draw_id.to_owned());
            }
        }
        let mut draws = Vec::new();
        for draw_id in draw_ids.iter().rev() {
            if let Some(draw) = self.expert_draw(actor, &row.expert_id, draw_id, now_ms).await? {
                draws.push(draw);
            }
        }
        let expert = DeskExpert { expert_id: row.expert_id, name: row.name, status: row.status };
        Ok(ExpertDesk { expert: Some(expert), draws, server_now_ms: now_ms })
    }

    /// The expert's pick in one draw and the lot's committee work, or `None` when the draw does
    /// not (or no longer) name the expert.
    async fn expert_draw(
        &self,
        actor: &Actor,
        expert_id: &str,
        draw_id: &str,
        now_ms: i64,
    ) -> AppResult<Option<ExpertDraw>> {
        let view = match self.draw_fold(draw_id).await {
            Ok(view) => view,
            Err(AppError::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let Some(pick) = view.picks.iter().rev().find(|p| p.pick.expert_id == expert_id) else {
            return Ok(None);
        };
        let schedule = &view.schedule;
        let Some(tender) = self.store.tender(&schedule.tender_id).await? else { return Ok(None) };
        let lots = self.store.tender_lots(&schedule.tender_id).await?;
        let lot_name = lots
            .into_iter()
            .find(|lot| lot.lot_id == schedule.lot_id)
            .map_or_else(|| schedule.lot_id.clone(), |lot| lot.name);
        let fold = self.lot_award(Some(actor), &schedule.tender_id, &schedule.lot_id).await?;
        // Answers are taken only until the committee is formed (the use case refuses later ones).
        let before_committee = fold.stage == LotStage::Opened && now_ms < schedule.evaluation_start_ms;
        let evaluation = self.expert_evaluation(actor, expert_id, &fold).await?;
        Ok(Some(ExpertDraw {
            draw_id: draw_id.to_owned(),
            tender_id: schedule.tender_id.clone(),
            title: tender.title,
            lot_id: schedule.lot_id.clone(),
            lot_name,
            role: pick.pick.role.clone(),
            evaluation_start_ms: schedule.evaluation_start_ms,
            evaluation_end_ms: schedule.evaluation_end_ms,
            answerable: pick.answer.is_none() && pick.replaced.is_none() && before_committee,
            answer: pick.answer.clone(),
            replaced: pick.replaced.clone(),
            evaluation,
        }))
    }

    /// The committee work of the lot as its member sees it, when the expert sits on it.
    async fn expert_evaluation(
        &self,
        actor: &Actor,
        expert_id: &str,
        fold: &LotAward,
    ) -> AppResult<Option<ExpertEvaluation>> {
        let Some(committee) = &fold.committee else { return Ok(None) };
        let Some(member) = committee.members.iter().find(|m| m.expert_id.as_deref() == Some(expert_id)) else {
            return Ok(None);
        };
        let member_id = member.member_id().to_owned();
        let workspace = &fold.workspace;
        let signed_in = workspace.signed_in.contains_key(&member_id);
        let opened_bids = if signed_in && fold.stage == LotStage::Evaluating {
            match self.evaluation_bids(actor, &fold.tender_id, &fold.lot_id, None).await {
                Ok(bids) => bids,
                // The committee's time may have run out between the two reads: nothing to show.
                Err(AppError::Refused { .. }) => Vec::new(),
                Err(other) => return Err(other),
            }
        } else {
            Vec::new()
        };
        Ok(Some(ExpertEvaluation {
            stage: fold.stage,
            signed_in,
            chair: workspace.chair(committee),
            scored: workspace.sheets.contains_key(&member_id),
            draft_sm3: workspace.draft.as_ref().map(|d| d.report_sm3_hex.clone()),
            signed_draft: workspace.draft.as_ref().is_some_and(|d| d.signatures.contains_key(&member_id)),
            opened_bids,
            member_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::draw_of_message;

    #[test]
    fn a_notification_names_its_draw() {
        assert_eq!(draw_of_message("T2026-0001-1-17"), Some("T2026-0001-1"));
        assert_eq!(draw_of_message("nodash"), None);
    }
}
