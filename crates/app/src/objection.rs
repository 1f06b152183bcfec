//! Objections to the tender documents (招标投标法实施条例 第二十二条): raised at least 10 days before the
//! bid deadline (to the pre-qualification documents, while pre-qualification runs: 2 days before the
//! application deadline, which is then the deadline that moves), answered within 3 days; until the reply the tendering activity stops (no bid,
//! registration or security is taken, `bid::check_accepting`). When the last open objection is
//! answered the bid deadline moves out by the days the activity stood still, counted as the
//! suspension clock counts them (the day raised ran, the day answered did not: `deadline::clock`),
//! and off a non-working day (民法典 第二百零三条). The objector is sealed from the principal
//! (招标投标法 第二十二条): only the objector itself and regulators see who objected.

use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, DeadlineError};
use ggzy_domain::tender::TenderState;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult};
use crate::events::{Event, recorded_day, stream};
use crate::tender::tender_state;

/// An objection to the documents as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentObjection {
    /// Id.
    pub objection_id: String,
    /// The objector; empty for viewers who may not know it.
    pub objector_credit_code: String,
    /// Text.
    pub text: String,
    /// Day raised.
    pub raised_day: Date,
    /// The reply and its day, once answered.
    pub answer: Option<(String, Date)>,
}

impl App {
    /// The tender's objections to the documents, in the order raised.
    async fn document_objections(&self, tender_id: &str) -> AppResult<Vec<DocumentObjection>> {
        let mut objections: Vec<DocumentObjection> = Vec::new();
        for stored in self.store.stream(&stream::tender(tender_id)).await? {
            match serde_json::from_str(&stored.payload) {
                Ok(Event::DocumentObjectionRaised { objection_id, objector_credit_code, text, raised_day, .. }) => {
                    objections.push(DocumentObjection {
                        objection_id,
                        objector_credit_code,
                        text,
                        raised_day: recorded_day(&raised_day),
                        answer: None,
                    });
                }
                Ok(Event::DocumentObjectionAnswered { objection_id, reply, answered_day, .. }) => {
                    if let Some(objection) = objections.iter_mut().find(|o| o.objection_id == objection_id) {
                        objection.answer = Some((reply, recorded_day(&answered_day)));
                    }
                }
                _ => {}
            }
        }
        Ok(objections)
    }

    /// A potential bidder or interested party objects to the documents, at least the ruleset's
    /// days (10) before the bid deadline.
    pub async fn object_to_documents(
        &self,
        actor: &Actor,
        tender_id: &str,
        objector: &str,
        text: &str,
    ) -> AppResult<Vec<DocumentObjection>> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, objector)?;
        let state = tender_state(&row)?;
        // While pre-qualification runs the objection is to its documents, 2 days before the
        // application deadline; afterwards to the tender documents, 10 days before the bid deadline.
        let (rule_id, deadline_ms, documents, deadline_name) = match state {
            TenderState::Bidding => {
                ("objection_tender_docs_before_deadline_days", row.bid_deadline_ms, "招标文件", "投标截止时间")
            }
            TenderState::Prequalifying => {
                ("objection_pq_docs_before_deadline_days", row.pq_deadline_ms, "资格预审文件", "资格预审申请截止时间")
            }
            _ => {
                return Err(AppError::refused(
                    "invalid_transition",
                    format!("招标项目当前状态为“{}”，不能对招标文件提出异议", state.label()),
                ));
            }
        };
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let rule = ruleset.get(rule_id).ok_or_else(|| AppError::Internal(format!("ruleset lacks {rule_id}")))?;
        let deadline_day = china_time::date_of(deadline_ms.unwrap_or_default());
        let latest = deadline::latest_day_before(&self.calendar, deadline_day, rule).map_err(AppError::from)?;
        let today = china_time::date_of(self.now_ms());
        if today > latest {
            return Err(AppError::refused(
                "objection_out_of_time",
                format!(
                    "对{documents}的异议应当在{deadline_name}{}日前提出，本项目最迟应于{}提出（{}）",
                    rule.value,
                    deadline::chinese_date(latest),
                    rule.source
                ),
            ));
        }
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 5000 {
            return Err(AppError::refused("invalid_text", "异议内容不能为空，且不超过5000个字"));
        }
        let event = Event::DocumentObjectionRaised {
            tender_id: tender_id.to_owned(),
            objection_id: format!("yy{}", random_hex(self.entropy.as_ref(), 6)),
            objector_credit_code: objector.to_owned(),
            text: text.to_owned(),
            raised_day: today.to_string(),
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await?;
        self.objections_for(Some(actor), tender_id).await
    }

    /// The principal answers an objection; answering the last open one moves the bid deadline out
    /// by the days the activity stood still.
    pub async fn answer_document_objection(
        &self,
        actor: &Actor,
        tender_id: &str,
        objection_id: &str,
        reply: &str,
    ) -> AppResult<Vec<DocumentObjection>> {
        let row = self.tender_row(tender_id).await?;
        self.authorize_tender(actor, &row)?;
        let objections = self.document_objections(tender_id).await?;
        let Some(objection) = objections.iter().find(|o| o.objection_id == objection_id) else {
            return Err(AppError::NotFound { what: "异议" });
        };
        if objection.answer.is_some() {
            return Err(AppError::refused("objection_already_answered", "该异议已经答复"));
        }
        let reply = reply.trim();
        if reply.is_empty() || reply.chars().count() > 5000 {
            return Err(AppError::refused("invalid_text", "答复内容不能为空，且不超过5000个字"));
        }
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let reply_rule = ruleset
            .get("objection_reply_days_max")
            .ok_or_else(|| AppError::Internal("ruleset lacks objection_reply_days_max".to_owned()))?;
        let today = china_time::date_of(self.now_ms());
        let in_time = match deadline::check_cap(&self.calendar, objection.raised_day, today, reply_rule) {
            Ok(_) => true,
            Err(DeadlineError::TooLate { .. }) => false,
            Err(other) => return Err(other.into()),
        };
        // The activity stood still from the first of the objections open now to today; what moves is
        // the application deadline while pre-qualification runs, the bid deadline otherwise.
        let open: Vec<&DocumentObjection> = objections.iter().filter(|o| o.answer.is_none()).collect();
        let prequalification = tender_state(&row)? == TenderState::Prequalifying;
        let (previous_deadline_ms, documents, deadline_name) = if prequalification {
            (row.pq_deadline_ms.unwrap_or_default(), "资格预审文件", "资格预审申请截止时间")
        } else {
            (row.bid_deadline_ms.unwrap_or_default(), "招标文件", "投标截止时间")
        };
        let (bid_deadline_ms, extension_reason) = match open.iter().map(|o| o.raised_day).min() {
            Some(stopped) if open.len() == 1 && today > stopped => {
                let days = stopped.until(today).map_err(|e| AppError::Internal(e.to_string()))?.get_days();
                let old = china_time::datetime_of(previous_deadline_ms);
                let counted = old
                    .date()
                    .checked_add(jiff::Span::new().days(days))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let moved_day = self.next_working_day(counted)?;
                let moved_ms = china_time::instant_of(moved_day.to_datetime(old.time()))
                    .ok_or_else(|| AppError::Internal("deadline out of range".to_owned()))?;
                let reason = format!(
                    "对{documents}的异议自{}起至{}答复，招标投标活动暂停{days}日，{deadline_name}顺延至{}（招标投标法实施条例 第二十二条）",
                    deadline::chinese_date(stopped),
                    deadline::chinese_date(today),
                    china_time::text(moved_ms)
                );
                (moved_ms, reason)
            }
            _ => (previous_deadline_ms, String::new()),
        };
        let event = Event::DocumentObjectionAnswered {
            tender_id: tender_id.to_owned(),
            objection_id: objection_id.to_owned(),
            reply: reply.to_owned(),
            answered_day: today.to_string(),
            in_time,
            previous_deadline_ms,
            bid_deadline_ms,
            extension_reason,
            prequalification,
        };
        self.record_tender(actor, &row.region_code, tender_id, row.version, event).await?;
        self.objections_for(Some(actor), tender_id).await
    }

    /// The first working day on or after `day` (民法典 第二百零三条).
    fn next_working_day(&self, mut day: Date) -> AppResult<Date> {
        // Bounded: the calendar errors once it leaves the covered years.
        while !self
            .calendar
            .is_working_day(day)
            .map_err(|e| AppError::refused("calendar_not_covered", e.to_string()))?
        {
            day = day.tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
        }
        Ok(day)
    }

    /// The objections as `actor` may see them: texts and replies are public; who objected only to
    /// the objector and to regulators.
    pub async fn objections_for(&self, actor: Option<&Actor>, tender_id: &str) -> AppResult<Vec<DocumentObjection>> {
        let row = self.tender_row(tender_id).await?;
        let region = stored_region(&row.region_code)?;
        let regulator = actor.is_some_and(|a| a.authorize(Action::SuperviseTender, &region).is_ok());
        let mut objections = self.document_objections(tender_id).await?;
        for objection in &mut objections {
            let own = actor.is_some_and(|a| a.entities.contains(&objection.objector_credit_code));
            if !(regulator || own) {
                objection.objector_credit_code.clear();
            }
        }
        Ok(objections)
    }
}
