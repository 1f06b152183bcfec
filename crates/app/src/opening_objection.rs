//! Objections at the opening (招标投标法实施条例 第四十四条): a bidder who objects to the opening does
//! so on the spot, while the session runs; the principal answers on the spot, and both are on the
//! record. The opening cannot close while an objection waits for its answer.
//!
//! A tender's opening objections are one stream (`opening-objection-{tender}`), read by folding it.

use ggzy_domain::authz::Action;
use ggzy_domain::tender::TenderState;
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recorded, stream};
use crate::tender::tender_state;

/// An objection raised at the opening, with its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningObjectionView {
    /// Number within the tender's opening, from 1.
    pub objection_id: i64,
    /// The objecting bidder.
    pub objector_credit_code: String,
    /// What it objects to.
    pub text: String,
    /// Raised, UTC ms.
    pub raised_ms: i64,
    /// The principal's answer and when, once given.
    pub answer: Option<(String, i64)>,
}

fn text_of(text: &str, what: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::refused("invalid_text", format!("{what}不能为空，且不超过2000个字")));
    }
    Ok(text.to_owned())
}

fn on_the_spot(row: &TenderRow, what: &str) -> AppResult<()> {
    let state = tender_state(row)?;
    if state != TenderState::Opening {
        return Err(AppError::refused(
            "invalid_transition",
            format!(
                "招标项目当前状态为“{}”：对开标的异议应当在开标现场提出并当场答复（招标投标法实施条例 第四十四条），不能{what}",
                state.label()
            ),
        ));
    }
    Ok(())
}

impl App {
    /// The objections raised at a tender's opening, with the stream's version.
    pub(crate) async fn opening_objections(&self, tender_id: &str) -> AppResult<(Vec<OpeningObjectionView>, i64)> {
        let mut objections: Vec<OpeningObjectionView> = Vec::new();
        let mut version = 0;
        for stored in self.store.stream(&stream::opening_objection(tender_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            match event {
                Event::OpeningObjectionRaised { objection_id, objector_credit_code, text, .. } => {
                    objections.push(OpeningObjectionView {
                        objection_id,
                        objector_credit_code,
                        text,
                        raised_ms: stored.recorded_at_ms,
                        answer: None,
                    });
                }
                Event::OpeningObjectionAnswered { objection_id, answer, .. } => {
                    if let Some(objection) = objections.iter_mut().find(|o| o.objection_id == objection_id) {
                        objection.answer = Some((answer, stored.recorded_at_ms));
                    }
                }
                _ => {}
            }
            version = stored.stream_version;
        }
        Ok((objections, version))
    }

    async fn record_opening_objection(
        &self,
        actor: &Actor,
        row: &TenderRow,
        version: i64,
        event: Event,
    ) -> AppResult<Vec<OpeningObjectionView>> {
        let stream_id = stream::opening_objection(&row.tender_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: row.region_code.clone(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(version))], vec![recorded], Vec::new()).await?;
        Ok(self.opening_objections(&row.tender_id).await?.0)
    }

    /// A bidder of the tender objects to the opening, while it runs.
    pub async fn raise_opening_objection(
        &self,
        actor: &Actor,
        tender_id: &str,
        objector: &str,
        text: &str,
    ) -> AppResult<Vec<OpeningObjectionView>> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, objector)?;
        on_the_spot(&row, "提出异议")?;
        if !self.store.submitted_bids(tender_id).await?.iter().any(|bid| bid.bidder_credit_code == objector) {
            return Err(AppError::refused(
                "not_a_bidder",
                format!("{objector} 未对本招标项目投标：对开标有异议的应为投标人（招标投标法实施条例 第四十四条）"),
            ));
        }
        let text = text_of(text, "异议内容")?;
        let (objections, version) = self.opening_objections(tender_id).await?;
        let event = Event::OpeningObjectionRaised {
            tender_id: tender_id.to_owned(),
            objection_id: i64::try_from(objections.len()).unwrap_or(i64::MAX) + 1,
            objector_credit_code: objector.to_owned(),
            text,
        };
        self.record_opening_objection(actor, &row, version, event).await
    }

    /// The principal answers an objection on the spot.
    pub async fn answer_opening_objection(
        &self,
        actor: &Actor,
        tender_id: &str,
        objection_id: i64,
        answer: &str,
    ) -> AppResult<Vec<OpeningObjectionView>> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        on_the_spot(&row, "答复异议")?;
        let (objections, version) = self.opening_objections(tender_id).await?;
        let objection = objections
            .iter()
            .find(|o| o.objection_id == objection_id)
            .ok_or(AppError::NotFound { what: "开标异议" })?;
        if objection.answer.is_some() {
            return Err(AppError::refused("invalid_transition", "该异议已经答复"));
        }
        let answer = text_of(answer, "答复内容")?;
        let event = Event::OpeningObjectionAnswered { tender_id: tender_id.to_owned(), objection_id, answer };
        self.record_opening_objection(actor, &row, version, event).await
    }

    /// The opening closes only when every objection raised at it has its answer (当场答复).
    pub(crate) async fn check_opening_objections_answered(&self, tender_id: &str) -> AppResult<()> {
        let (objections, _) = self.opening_objections(tender_id).await?;
        if let Some(open) = objections.iter().find(|o| o.answer.is_none()) {
            return Err(AppError::refused(
                "opening_objection_pending",
                format!(
                    "投标人 {} 在开标现场提出的异议（第{}号）尚未答复：招标人应当当场作出答复并制作记录（招标投标法实施条例 第四十四条）",
                    open.objector_credit_code, open.objection_id
                ),
            ));
        }
        Ok(())
    }
}
