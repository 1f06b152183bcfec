//! Complaints to the regulator about a tender (投诉, 招标投标法实施条例 第六十条、第六十一条): filed
//! within 10 days of knowing (a later one is refused with its last day), accepted or not within 3
//! working days, decided within 30 working days of acceptance; both clocks shown to both sides.
//! While handling it the regulator may suspend the tender (第六十二条, `supervision.rs`).
//!
//! Each complaint is its own stream (`complaint-{id}`); its state is the fold of that stream. Not
//! built yet: the rule that time waiting for an objection's reply does not count (第六十条第二款).

use ggzy_domain::authz::Action;
use ggzy_domain::china_time;
use ggzy_domain::complaint::{ComplaintCommand, ComplaintState, complaint_transition};
use ggzy_domain::deadline;
use ggzy_domain::ruleset::Rule;
use ggzy_store::ExpectedVersion;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recorded, recorded_day, stream};

/// A complaint as shown to the complainant and the regulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintView {
    /// Id.
    pub complaint_id: String,
    /// Tender.
    pub tender_id: String,
    /// The complainant.
    pub complainant_credit_code: String,
    /// What it says.
    pub text: String,
    /// The day the complainant knew or should have known (知道或者应当知道之日).
    pub known_on: Date,
    /// Day filed.
    pub filed_day: Date,
    /// Where it stands.
    pub state: ComplaintState,
    /// Last day to decide acceptance (3 working days), `None` when the calendar does not reach it.
    pub acceptance_due: Option<Date>,
    /// The acceptance decision: day, in time, reason (for a refusal).
    pub acceptance: Option<(Date, bool, String)>,
    /// Last day for the written decision (30 working days from acceptance), when known.
    pub decision_due: Option<Date>,
    /// The decision: day, in time, upheld, text.
    pub decision: Option<(Date, bool, bool, String)>,
    /// Region of the tender (whose regulators handle it).
    region_code: String,
    version: i64,
}

fn text_of(text: &str, what: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 5000 {
        return Err(AppError::refused("invalid_text", format!("{what}不能为空，且不超过5000个字")));
    }
    Ok(text.to_owned())
}

impl App {
    fn complaint_rule(&self, tender_ruleset: &str, id: &str) -> AppResult<Rule> {
        let ruleset = self.pinned_ruleset(tender_ruleset)?;
        ruleset.get(id).cloned().ok_or_else(|| AppError::Internal(format!("{} lacks {id}", ruleset.key())))
    }

    async fn complaint_fold(&self, complaint_id: &str) -> AppResult<ComplaintView> {
        let mut view: Option<ComplaintView> = None;
        for stored in self.store.stream(&stream::complaint(complaint_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            match (event, view.as_mut()) {
                (
                    Event::ComplaintFiled {
                        complaint_id,
                        tender_id,
                        complainant_credit_code,
                        text,
                        known_on,
                        filed_day,
                    },
                    _,
                ) => {
                    view = Some(ComplaintView {
                        complaint_id,
                        tender_id,
                        complainant_credit_code,
                        text,
                        known_on: recorded_day(&known_on),
                        filed_day: recorded_day(&filed_day),
                        state: ComplaintState::Filed,
                        acceptance_due: None,
                        acceptance: None,
                        decision_due: None,
                        decision: None,
                        region_code: stored.region_code.clone(),
                        version: 0,
                    });
                }
                (Event::ComplaintAcceptanceDecided { accepted, reason, day: when, in_time, .. }, Some(view)) => {
                    view.state = if accepted { ComplaintState::Accepted } else { ComplaintState::NotAccepted };
                    view.acceptance = Some((recorded_day(&when), in_time, reason));
                }
                (Event::ComplaintDecided { upheld, decision, day: when, in_time, .. }, Some(view)) => {
                    view.state = ComplaintState::Decided;
                    view.decision = Some((recorded_day(&when), in_time, upheld, decision));
                }
                _ => {}
            }
            if let Some(view) = view.as_mut() {
                view.version = stored.stream_version;
            }
        }
        let mut view = view.ok_or(AppError::NotFound { what: "投诉" })?;
        let row = self.tender_row(&view.tender_id).await?;
        let acceptance = self.complaint_rule(&row.ruleset_version, "complaint_acceptance_wd_max")?;
        view.acceptance_due = deadline::deadline(&self.calendar, view.filed_day, &acceptance).ok().map(|d| d.day);
        if let Some((accepted_on, _, _)) =
            view.acceptance.as_ref().filter(|_| view.state != ComplaintState::NotAccepted)
        {
            let decision = self.complaint_rule(&row.ruleset_version, "complaint_decision_wd_max")?;
            view.decision_due = deadline::deadline(&self.calendar, *accepted_on, &decision).ok().map(|d| d.day);
        }
        Ok(view)
    }

    /// A complaint as the complainant or a regulator of the tender's region sees it.
    pub async fn complaint(&self, actor: &Actor, complaint_id: &str) -> AppResult<ComplaintView> {
        let view = self.complaint_fold(complaint_id).await?;
        let region = stored_region(&view.region_code)?;
        let own = actor.entities.contains(&view.complainant_credit_code);
        if !own {
            actor.authorize(Action::SuperviseTender, &region)?;
        }
        Ok(view)
    }

    /// Files a complaint about a tender within the ruleset's days (10) of knowing.
    pub async fn file_complaint(
        &self,
        actor: &Actor,
        tender_id: &str,
        complainant: &str,
        known_on: Date,
        text: &str,
    ) -> AppResult<ComplaintView> {
        let row = self.tender_row(tender_id).await?;
        actor.authorize_on_entity(Action::SubmitBid, &stored_region(&row.region_code)?, complainant)?;
        let today = china_time::date_of(self.now_ms());
        if known_on > today {
            return Err(AppError::refused("invalid_time", "知道或者应当知道之日不能晚于今天"));
        }
        let rule = self.complaint_rule(&row.ruleset_version, "complaint_days_max")?;
        if !deadline::within_cap(&self.calendar, known_on, today, &rule).map_err(AppError::from)? {
            let last = deadline::deadline(&self.calendar, known_on, &rule).map_err(AppError::from)?;
            return Err(AppError::refused(
                "complaint_out_of_time",
                format!(
                    "投诉应当自知道或者应当知道之日起{}日内提出，本投诉最迟应于{}提出（{}）",
                    rule.value,
                    deadline::chinese_date(last.day),
                    rule.source
                ),
            ));
        }
        let complaint_id = format!("ts{}", random_hex(self.entropy.as_ref(), 8));
        let event = Recorded {
            stream_id: stream::complaint(&complaint_id),
            region_code: row.region_code.clone(),
            event: Event::ComplaintFiled {
                complaint_id: complaint_id.clone(),
                tender_id: tender_id.to_owned(),
                complainant_credit_code: complainant.to_owned(),
                text: text_of(text, "投诉内容")?,
                known_on: known_on.to_string(),
                filed_day: today.to_string(),
            },
        };
        self.record(actor, vec![(event.stream_id.clone(), ExpectedVersion::NoStream)], vec![event], Vec::new()).await?;
        self.complaint_fold(&complaint_id).await
    }

    /// The regulator accepts a complaint for handling, or declines with a reason (3 working days).
    pub async fn decide_complaint_acceptance(
        &self,
        actor: &Actor,
        complaint_id: &str,
        accept: bool,
        reason: &str,
    ) -> AppResult<ComplaintView> {
        let view = self.complaint_fold(complaint_id).await?;
        actor.authorize(Action::SuperviseTender, &stored_region(&view.region_code)?)?;
        let command = if accept { ComplaintCommand::Accept } else { ComplaintCommand::Refuse };
        complaint_transition(view.state, command)
            .map_err(|e| AppError::refused("invalid_transition", e.to_string()))?;
        let reason = if accept { reason.trim().to_owned() } else { text_of(reason, "不予受理的理由")? };
        let row = self.tender_row(&view.tender_id).await?;
        let rule = self.complaint_rule(&row.ruleset_version, "complaint_acceptance_wd_max")?;
        let today = china_time::date_of(self.now_ms());
        let in_time = deadline::within_cap(&self.calendar, view.filed_day, today, &rule).map_err(AppError::from)?;
        let event = Event::ComplaintAcceptanceDecided {
            complaint_id: complaint_id.to_owned(),
            accepted: accept,
            reason,
            day: today.to_string(),
            in_time,
        };
        self.record_complaint(actor, &view, event).await
    }

    /// The regulator decides an accepted complaint in writing (30 working days from acceptance).
    pub async fn decide_complaint(
        &self,
        actor: &Actor,
        complaint_id: &str,
        upheld: bool,
        decision: &str,
    ) -> AppResult<ComplaintView> {
        let view = self.complaint_fold(complaint_id).await?;
        actor.authorize(Action::SuperviseTender, &stored_region(&view.region_code)?)?;
        complaint_transition(view.state, ComplaintCommand::Decide)
            .map_err(|e| AppError::refused("invalid_transition", e.to_string()))?;
        let accepted_on = view.acceptance.as_ref().map_or(view.filed_day, |(accepted_on, _, _)| *accepted_on);
        let row = self.tender_row(&view.tender_id).await?;
        let rule = self.complaint_rule(&row.ruleset_version, "complaint_decision_wd_max")?;
        let today = china_time::date_of(self.now_ms());
        let in_time = deadline::within_cap(&self.calendar, accepted_on, today, &rule).map_err(AppError::from)?;
        let event = Event::ComplaintDecided {
            complaint_id: complaint_id.to_owned(),
            upheld,
            decision: text_of(decision, "处理决定")?,
            day: today.to_string(),
            in_time,
        };
        self.record_complaint(actor, &view, event).await
    }

    async fn record_complaint(&self, actor: &Actor, view: &ComplaintView, event: Event) -> AppResult<ComplaintView> {
        let stream_id = stream::complaint(&view.complaint_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: view.region_code.clone(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(view.version))], vec![recorded], Vec::new())
            .await?;
        self.complaint_fold(&view.complaint_id).await
    }
}
