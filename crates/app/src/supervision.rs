//! The regulator's hold on a procedure (招标投标法实施条例 第六十二条): while it handles a complaint it
//! may suspend the tendering activity; nothing moves until it lets the procedure go on, back in the
//! state it was suspended from.

use ggzy_domain::authz::Action;
use ggzy_domain::tender::{TenderCommand, TenderState, resumption, transition};
use ggzy_store::ExpectedVersion;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recorded, stream};
use crate::tender::{TenderView, tender_state};

fn reason_text(reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(AppError::refused("invalid_text", "须写明理由（不超过2000字），理由将告知招标人和投标人"));
    }
    Ok(reason.to_owned())
}

impl App {
    /// Suspends a tender while a complaint is handled (the regulator of the tender's region).
    pub async fn suspend_tender(&self, actor: &Actor, tender_id: &str, reason: &str) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize(Action::SuperviseTender, &stored_region(&row.region_code)?)?;
        let reason = reason_text(reason)?;
        let state = tender_state(&row)?;
        transition(state, TenderCommand::Suspend)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let event = Event::TenderSuspended {
            tender_id: tender_id.to_owned(),
            reason,
            suspended_from: state.as_str().to_owned(),
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// Records that the pre-qualification or tender documents break a mandatory provision of law or
    /// the principles of openness and fairness in a way that affects the result: the tender fails and
    /// must be re-run with corrected documents (招标投标法实施条例 第二十三条). The region's regulator
    /// decides it (typically on a complaint, the tender suspended meanwhile), or the principal finds
    /// it of its own documents (e.g. on an objection), before the opening.
    pub async fn require_retender(&self, actor: &Actor, tender_id: &str, finding: &str) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        let regulator = actor.authorize(Action::SuperviseTender, &stored_region(&row.region_code)?).is_ok();
        if !regulator {
            self.authorize_tender(actor, &row)?;
        }
        let finding = reason_text(finding)?;
        let line = transition(tender_state(&row)?, TenderCommand::RequireRetender)
            .map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let event = Event::TenderFailed {
            tender_id: tender_id.to_owned(),
            reason: format!(
                "资格预审文件或者招标文件违反法律、行政法规的强制性规定或者公开、公平、公正和诚实信用原则，影响资格预审结果或者潜在投标人投标：{finding}。招标人应当修改文件后重新招标"
            ),
            source: line.source.to_owned(),
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// Lets a suspended tender go on, in the state it was suspended from.
    pub async fn resume_tender(&self, actor: &Actor, tender_id: &str, reason: &str) -> AppResult<TenderView> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize(Action::SuperviseTender, &stored_region(&row.region_code)?)?;
        let reason = reason_text(reason)?;
        let state = tender_state(&row)?;
        // The state to return to is the one the last suspension recorded.
        let mut suspended_from = None;
        for stored in self.store.stream(&stream::tender(tender_id)).await? {
            if let Ok(Event::TenderSuspended { suspended_from: from, .. }) = serde_json::from_str(&stored.payload) {
                suspended_from = TenderState::parse(&from);
            }
        }
        let back = suspended_from.unwrap_or(state);
        let line =
            resumption(state, back).map_err(|refused| AppError::refused("invalid_transition", refused.to_string()))?;
        let event =
            Event::TenderResumed { tender_id: tender_id.to_owned(), reason, resumed_to: line.to.as_str().to_owned() };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await
    }

    /// Appends one event to a tender's stream, expecting the version it was read at.
    pub(crate) async fn record_tender(
        &self,
        actor: &Actor,
        region_code: &str,
        tender_id: &str,
        version: i64,
        event: Event,
    ) -> AppResult<TenderView> {
        let stream_id = stream::tender(tender_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: region_code.to_owned(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(version))], vec![recorded], Vec::new()).await?;
        self.tender(tender_id).await
    }
}
