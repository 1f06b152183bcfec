//! Supplier questions (询问), objections (质疑) and complaints (投诉) on a procurement, with their clocks
//! (RULES.md §2.6): a question answered within 3 working days; an objection within 7 working days of the
//! day the supplier knew (条例 第五十三条 fixes that day by what is objected to), the purchaser's reply
//! within 7 working days; a complaint to the finance department within 15 working days after the reply
//! period, the department's review, copy and decision clocks (the decision clock stopped for testing,
//! expert review or correction, 条例 第五十八条), the suspension of the procurement (≤ 30 days) and, when
//! the complaint is upheld and the unlawful act affects the result, the outcome of 条例 第七十一条.

use ggzy_domain::authz::Action;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{ClockStatus, Deadline, PeriodClock, deadline};
use ggzy_domain::procurement::{
    ObjectionError, ObjectionSubject, ProcedureFact, ProcurementCommand, ProcurementRules, ProcurementState,
    StepRequest, check_complaint, check_objection, complaint_copy_deadline, complaint_decision_clock,
    complaint_review_deadline, objection_reply_deadline, question_reply_deadline,
};
use jiff::civil::Date;

use super::records::ObjectionRecord;
use super::steps::StepAsked;
use super::{Loaded, ProcurementView, TEXT_MAX_CHARS, field, refusal};
use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, required_text};
use crate::events::{Event, recorded_day};
use crate::statutory_date::unless_uncovered;

/// A question folded.
#[derive(Debug, Clone)]
pub(crate) struct QuestionState {
    pub(crate) question_id: String,
    pub(crate) supplier_credit_code: String,
    pub(crate) text: String,
    pub(crate) asked_on: Date,
    /// The answer and its day.
    pub(crate) answer: Option<(String, Date)>,
}

/// A question (询问) with the reply clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    /// Id.
    pub question_id: String,
    /// The supplier.
    pub supplier_credit_code: String,
    /// The question.
    pub text: String,
    /// Asked on.
    pub asked_on: Date,
    /// The answer is due (条例 第五十二条), with its rule; `None` while it falls in a year the
    /// holiday calendar does not hold yet (so for every clock of these views).
    pub reply_due: Option<Deadline>,
    /// The answer and its day.
    pub answer: Option<(String, Date)>,
}

/// A objection folded.
#[derive(Debug, Clone)]
pub(crate) struct ObjectionState {
    /// As filed.
    pub(crate) record: ObjectionRecord,
    /// The reply: upheld?, text, day.
    pub(crate) answer: Option<(bool, String, Date)>,
}

impl ObjectionState {
    pub(crate) fn filed(record: &ObjectionRecord) -> ObjectionState {
        ObjectionState { record: record.clone(), answer: None }
    }
}

/// A complaint folded.
#[derive(Debug, Clone)]
pub(crate) struct ComplaintState {
    pub(crate) complaint_id: String,
    pub(crate) objection_id: String,
    pub(crate) supplier_credit_code: String,
    pub(crate) text: String,
    pub(crate) received_on: Date,
    /// upheld?, affects the result?, decision, day.
    pub(crate) decision: Option<(bool, bool, String, Date)>,
    /// Time excluded from the decision clock (条例 第五十八条): stopped on, resumed on, why.
    pub(crate) clock_stops: Vec<(Date, Option<Date>, String)>,
}

impl ComplaintState {
    /// The decision clock with its stops.
    fn decision_clock(&self, rules: &ProcurementRules) -> AppResult<PeriodClock> {
        let mut clock = complaint_decision_clock(rules, self.received_on)?;
        for (stopped, resumed, _) in &self.clock_stops {
            clock.suspend(*stopped).map_err(|error| AppError::Internal(format!("stored clock stop: {error}")))?;
            if let Some(resumed) = resumed {
                clock.resume(*resumed).map_err(|error| AppError::Internal(format!("stored clock resume: {error}")))?;
            }
        }
        Ok(clock)
    }
}

/// A objection with its clocks, as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionView {
    /// As filed.
    pub record: ObjectionRecord,
    /// The last day it could be filed, with its rule.
    pub last_day: Option<Deadline>,
    /// The purchaser's reply is due, with its rule.
    pub reply_due: Option<Deadline>,
    /// The last day to complain, with its rule (counted from the end of the reply period).
    pub complaint_last_day: Option<Deadline>,
    /// The reply: upheld?, text, day.
    pub answer: Option<(bool, String, Date)>,
}

/// A complaint with its clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintView {
    /// Id.
    pub complaint_id: String,
    /// The objection it follows.
    pub objection_id: String,
    /// The complainant.
    pub supplier_credit_code: String,
    /// What is complained about.
    pub text: String,
    /// Received (and accepted) on.
    pub received_on: Date,
    /// The review is due (94号令 第二十一条).
    pub review_due: Option<Deadline>,
    /// The copy to the respondents is due.
    pub copy_due: Option<Deadline>,
    /// The decision is due (政府采购法 第五十六条), after the excluded time (条例 第五十八条); `None` while
    /// the clock is stopped (then [`ComplaintView::decision_clock_stopped`] says since when), or
    /// while the day falls in a year the holiday calendar does not hold yet.
    pub decision_due: Option<Deadline>,
    /// While stopped: since when, and the working days left.
    pub decision_clock_stopped: Option<(Date, u32)>,
    /// The excluded stretches: stopped on, resumed on, why.
    pub clock_stops: Vec<(Date, Option<Date>, String)>,
    /// The decision: upheld?, affects the result?, text, day.
    pub decision: Option<(bool, bool, String, Date)>,
}

/// Parses a subject and the day it fixes (条例 第五十三条).
fn subject_of(record: &ObjectionRecord) -> AppResult<ObjectionSubject> {
    let known_on: Date = record.known_on.parse().map_err(|_| AppError::Internal("stored known_on".to_owned()))?;
    Ok(match record.subject.as_str() {
        "documents" => ObjectionSubject::Documents { known_on },
        "process" => ObjectionSubject::Process { step_ended_on: known_on },
        _ => ObjectionSubject::Result { publicity_ended_on: known_on },
    })
}

impl Loaded {
    /// The questions with their reply clocks.
    pub(crate) fn question_views(
        &self,
        calendar: &HolidayCalendar,
        rules: &ProcurementRules,
    ) -> AppResult<Vec<QuestionView>> {
        let mut views = Vec::new();
        for question in &self.questions {
            views.push(QuestionView {
                question_id: question.question_id.clone(),
                supplier_credit_code: question.supplier_credit_code.clone(),
                text: question.text.clone(),
                asked_on: question.asked_on,
                reply_due: unless_uncovered(question_reply_deadline(calendar, rules, question.asked_on))?,
                answer: question.answer.clone(),
            });
        }
        Ok(views)
    }

    /// The objections with their clocks.
    pub(crate) fn objection_views(
        &self,
        calendar: &HolidayCalendar,
        rules: &ProcurementRules,
    ) -> AppResult<Vec<ObjectionView>> {
        let mut views = Vec::new();
        for objection in &self.objections {
            let subject = subject_of(&objection.record)?;
            let received = recorded_day(&objection.record.received_on);
            let last_day = unless_uncovered(ggzy_domain::procurement::objection_deadline(calendar, rules, subject))?;
            let reply_due = unless_uncovered(objection_reply_deadline(calendar, rules, received))?;
            let complaint_last_day = match &reply_due {
                Some(reply_due) => {
                    unless_uncovered(ggzy_domain::procurement::complaint_deadline(calendar, rules, reply_due.day))?
                }
                None => None,
            };
            views.push(ObjectionView {
                record: objection.record.clone(),
                last_day,
                reply_due,
                complaint_last_day,
                answer: objection.answer.clone(),
            });
        }
        Ok(views)
    }

    /// The complaints with their clocks.
    pub(crate) fn complaint_views(
        &self,
        calendar: &HolidayCalendar,
        rules: &ProcurementRules,
    ) -> AppResult<Vec<ComplaintView>> {
        let mut views = Vec::new();
        for complaint in &self.complaints {
            let received = complaint.received_on;
            let (decision_due, decision_clock_stopped) =
                match unless_uncovered(complaint.decision_clock(rules)?.end(calendar))? {
                    Some(ClockStatus::Ends(end)) => {
                        (Some(Deadline::new(end, &rules.objections.complaint_decision)), None)
                    }
                    Some(ClockStatus::Suspended { since, remaining }) => (None, Some((since, remaining))),
                    None => (None, None),
                };
            views.push(ComplaintView {
                complaint_id: complaint.complaint_id.clone(),
                objection_id: complaint.objection_id.clone(),
                supplier_credit_code: complaint.supplier_credit_code.clone(),
                text: complaint.text.clone(),
                received_on: complaint.received_on,
                review_due: unless_uncovered(complaint_review_deadline(calendar, rules, received))?,
                copy_due: unless_uncovered(complaint_copy_deadline(calendar, rules, received))?,
                decision_due,
                decision_clock_stopped,
                clock_stops: complaint.clock_stops.clone(),
                decision: complaint.decision.clone(),
            });
        }
        Ok(views)
    }

    /// The day the supplier is deemed to know, by subject: the end of the documents' availability
    /// (a supplier who got them earlier may say so), a step's end as the supplier names it, or the end
    /// of the result's notice period.
    fn known_on(
        &self,
        calendar: &HolidayCalendar,
        rules: &ProcurementRules,
        pinned: &ggzy_domain::ruleset::Ruleset,
        subject: &str,
        stated: Option<Date>,
    ) -> AppResult<Date> {
        let entered = |state: ProcurementState| self.procedure.entered_ms(state).map(china_time::date_of);
        match subject {
            "documents" => {
                let issued = entered(ProcurementState::Bidding).ok_or_else(|| {
                    field("subject", "objection_subject_invalid", "采购文件尚未发出，不能对采购文件提出质疑")
                })?;
                let availability = deadline(calendar, issued, &rules.periods.doc_availability)?;
                Ok(stated.filter(|day| *day >= issued && *day <= availability.day).unwrap_or(availability.day))
            }
            "process" => stated.ok_or_else(|| {
                field(
                    "known_on",
                    "objection_subject_invalid",
                    "对采购过程提出质疑，须填写该程序环节结束之日（known_on）",
                )
            }),
            "result" => {
                let published = entered(ProcurementState::ResultPublished)
                    .ok_or_else(|| field("subject", "objection_subject_invalid", "结果尚未公告，不能对结果提出质疑"))?;
                let rule = pinned
                    .get("result_publicity_wd_min")
                    .ok_or_else(|| AppError::Internal("ruleset lacks result_publicity_wd_min".to_owned()))?;
                Ok(deadline(calendar, published, rule)?.day)
            }
            _ => Err(field(
                "subject",
                "objection_subject_invalid",
                "质疑事项须为 documents（采购文件）、process（采购过程）或 result（中标、成交结果）",
            )),
        }
    }
}

fn objection_refusal(error: ObjectionError) -> AppError {
    let code = error.code();
    match error {
        ObjectionError::Deadline(inner) => inner.into(),
        other => AppError::refused(code, other.to_string()),
    }
}

impl App {
    /// A supplier asks the purchaser or agency a question (询问, 政府采购法 第五十一条); it is answered
    /// within 3 working days (条例 第五十二条). Returns the question id.
    pub async fn ask_question(
        &self,
        actor: &Actor,
        procurement_id: &str,
        supplier: &str,
        text: &str,
    ) -> AppResult<String> {
        let text = required_text("text", text, "询问内容", TEXT_MAX_CHARS)?;
        self.store.entity(supplier).await?.ok_or(AppError::NotFound { what: "供应商" })?;
        let question_id = random_hex(self.entropy.as_ref(), 8);
        self.procurement_command(actor, procurement_id, |loaded, _, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, supplier)?;
            let event = Event::ProcurementQuestionAsked {
                procurement_id: procurement_id.to_owned(),
                question_id: question_id.clone(),
                supplier_credit_code: supplier.to_owned(),
                text,
                asked_on: china_time::date_of(now_ms).to_string(),
            };
            Ok((vec![event], question_id.clone()))
        })
        .await
    }

    /// The purchaser (or agency) answers a question.
    pub async fn answer_question(
        &self,
        actor: &Actor,
        procurement_id: &str,
        question_id: &str,
        reply: &str,
    ) -> AppResult<ProcurementView> {
        let reply = required_text("reply", reply, "答复内容", TEXT_MAX_CHARS)?;
        self.procurement_update(actor, procurement_id, |loaded, _, now_ms| {
            Self::authorize_purchaser(actor, loaded)?;
            let question = loaded
                .questions
                .iter()
                .find(|question| question.question_id == question_id)
                .ok_or(AppError::NotFound { what: "询问" })?;
            if question.answer.is_some() {
                return Err(AppError::refused("question_answered", "该询问已经答复"));
            }
            let event = Event::ProcurementQuestionAnswered {
                procurement_id: procurement_id.to_owned(),
                question_id: question_id.to_owned(),
                reply,
                answered_on: china_time::date_of(now_ms).to_string(),
            };
            Ok(vec![event])
        })
        .await
    }

    /// A supplier objects (质疑) to the documents, a step or the result, in writing. Refused after its
    /// last day with `challenge_out_of_time` naming that day. Returns the objection id.
    pub async fn file_procurement_objection(
        &self,
        actor: &Actor,
        procurement_id: &str,
        supplier: &str,
        subject: &str,
        known_on: Option<&str>,
        text: &str,
    ) -> AppResult<String> {
        let text = required_text("text", text, "质疑事项和理由", TEXT_MAX_CHARS)?;
        let stated = match known_on {
            Some(day) => {
                Some(day.parse::<Date>().map_err(|_| field("known_on", "invalid_date", "日期格式须为 YYYY-MM-DD"))?)
            }
            None => None,
        };
        self.store.entity(supplier).await?.ok_or(AppError::NotFound { what: "供应商" })?;
        let objection_id = random_hex(self.entropy.as_ref(), 8);
        self.procurement_command(actor, procurement_id, |loaded, rules, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, supplier)?;
            let pinned = self.pinned_ruleset(&loaded.plan.ruleset)?;
            let today = china_time::date_of(now_ms);
            let known = loaded.known_on(&self.calendar, rules, pinned, subject, stated)?;
            if known > today {
                return Err(field("known_on", "invalid_date", "知道或者应当知道其权益受到损害之日不能晚于今天"));
            }
            let record = ObjectionRecord {
                procurement_id: procurement_id.to_owned(),
                objection_id: objection_id.clone(),
                supplier_credit_code: supplier.to_owned(),
                subject: subject.to_owned(),
                known_on: known.to_string(),
                received_on: today.to_string(),
                text,
            };
            let parsed = subject_of(&record)?;
            check_objection(&self.calendar, rules, parsed, today).map_err(objection_refusal)?;
            Ok((vec![Event::ProcurementObjectionFiled(record)], objection_id.clone()))
        })
        .await
    }

    /// The purchaser (or agency) replies to an objection in writing.
    pub async fn answer_procurement_objection(
        &self,
        actor: &Actor,
        procurement_id: &str,
        objection_id: &str,
        upheld: bool,
        reply: &str,
    ) -> AppResult<ProcurementView> {
        let reply = required_text("reply", reply, "答复内容", TEXT_MAX_CHARS)?;
        self.procurement_update(actor, procurement_id, |loaded, _, now_ms| {
            Self::authorize_purchaser(actor, loaded)?;
            let objection = loaded
                .objections
                .iter()
                .find(|objection| objection.record.objection_id == objection_id)
                .ok_or(AppError::NotFound { what: "质疑" })?;
            if objection.answer.is_some() {
                return Err(AppError::refused("objection_answered", "该质疑已经答复"));
            }
            let event = Event::ProcurementObjectionAnswered {
                procurement_id: procurement_id.to_owned(),
                objection_id: objection_id.to_owned(),
                upheld,
                reply,
                answered_on: china_time::date_of(now_ms).to_string(),
            };
            Ok(vec![event])
        })
        .await
    }

    /// The objecting supplier complains to the finance department (only on what it objected to),
    /// within 15 working days after the reply period. Returns the complaint id.
    pub async fn file_procurement_complaint(
        &self,
        actor: &Actor,
        procurement_id: &str,
        objection_id: &str,
        text: &str,
    ) -> AppResult<String> {
        let text = required_text("text", text, "投诉事项和理由", TEXT_MAX_CHARS)?;
        let complaint_id = random_hex(self.entropy.as_ref(), 8);
        self.procurement_command(actor, procurement_id, |loaded, rules, now_ms| {
            let objection =
                loaded.objections.iter().find(|objection| objection.record.objection_id == objection_id).ok_or_else(
                    || {
                        field(
                            "objection_id",
                            "complaint_without_objection",
                            "投诉的事项须先经质疑（政府采购法 第五十五条）；该质疑不存在",
                        )
                    },
                )?;
            let supplier = &objection.record.supplier_credit_code;
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, supplier)?;
            if loaded.complaints.iter().any(|complaint| complaint.objection_id == objection_id) {
                return Err(AppError::refused("complaint_exists", "已就该质疑事项提出投诉"));
            }
            let received = recorded_day(&objection.record.received_on);
            let reply_due = objection_reply_deadline(&self.calendar, rules, received)?;
            let today = china_time::date_of(now_ms);
            // 政府采购法 第五十五条: after an unsatisfying reply, or once the reply period ran out.
            if objection.answer.is_none() && today <= reply_due.day {
                return Err(AppError::refused(
                    "complaint_too_early",
                    format!(
                        "采购人的答复期限至{}，期满未答复或者对答复不满意的，方可投诉（{}）",
                        china_time::date_text(reply_due.day),
                        reply_due.source
                    ),
                ));
            }
            check_complaint(&self.calendar, rules, reply_due.day, today).map_err(objection_refusal)?;
            let event = Event::ProcurementComplaintFiled {
                procurement_id: procurement_id.to_owned(),
                complaint_id: complaint_id.clone(),
                objection_id: objection_id.to_owned(),
                supplier_credit_code: supplier.clone(),
                text,
                received_on: today.to_string(),
            };
            Ok((vec![event], complaint_id.clone()))
        })
        .await
    }

    /// The finance department stops (`stop`) or restarts (`resume`) a complaint's decision clock for
    /// testing, expert review or the complainant's correction, which do not count (条例 第五十八条).
    pub async fn complaint_clock(
        &self,
        actor: &Actor,
        procurement_id: &str,
        complaint_id: &str,
        stop: bool,
        reason: &str,
    ) -> AppResult<ProcurementView> {
        let reason = if stop {
            required_text("reason", reason, "暂停计算的事由", TEXT_MAX_CHARS)?
        } else {
            String::new()
        };
        self.procurement_update(actor, procurement_id, |loaded, rules, now_ms| {
            actor.authorize(Action::SuperviseTender, &stored_region(&loaded.plan.region_code)?)?;
            let complaint = loaded
                .complaints
                .iter()
                .find(|complaint| complaint.complaint_id == complaint_id)
                .ok_or(AppError::NotFound { what: "投诉" })?;
            if complaint.decision.is_some() {
                return Err(AppError::refused("complaint_decided", "该投诉已经作出处理决定"));
            }
            let today = china_time::date_of(now_ms);
            let mut clock = complaint.decision_clock(rules)?;
            let moved = if stop { clock.suspend(today) } else { clock.resume(today) };
            moved.map_err(|error| AppError::refused("complaint_clock_invalid", error.to_string()))?;
            clock
                .end(&self.calendar)
                .map_err(|error| AppError::refused("complaint_clock_invalid", error.to_string()))?;
            Ok(vec![Event::ProcurementComplaintClockMoved {
                procurement_id: procurement_id.to_owned(),
                complaint_id: complaint_id.to_owned(),
                stopped: stop,
                on: today.to_string(),
                reason: reason.clone(),
            }])
        })
        .await
    }

    /// The finance department decides a complaint. Upheld with an effect on the result, the
    /// outcome of 条例 第七十一条 is recorded with it: before a winner, the procedure fails (and starts
    /// again); after it, the next qualified candidate is determined, or, with none, it fails.
    pub async fn decide_procurement_complaint(
        &self,
        actor: &Actor,
        procurement_id: &str,
        complaint_id: &str,
        upheld: bool,
        affects_result: bool,
        decision: &str,
    ) -> AppResult<ProcurementView> {
        let decision = required_text("decision", decision, "处理决定", TEXT_MAX_CHARS)?;
        self.procurement_update(actor, procurement_id, |loaded, rules, now_ms| {
            actor.authorize(Action::SuperviseTender, &stored_region(&loaded.plan.region_code)?)?;
            let complaint = loaded
                .complaints
                .iter()
                .find(|complaint| complaint.complaint_id == complaint_id)
                .ok_or(AppError::NotFound { what: "投诉" })?;
            if complaint.decision.is_some() {
                return Err(AppError::refused("complaint_decided", "该投诉已经作出处理决定"));
            }
            let mut events = vec![Event::ProcurementComplaintDecided {
                procurement_id: procurement_id.to_owned(),
                complaint_id: complaint_id.to_owned(),
                upheld,
                affects_result: upheld && affects_result,
                decision: decision.clone(),
                decided_on: china_time::date_of(now_ms).to_string(),
            }];
            if upheld && affects_result {
                let procedure = &loaded.procedure;
                let has_next = procedure.winners().last().is_some_and(|(current, _)| {
                    let ranking = procedure.ranking();
                    ranking.iter().position(|bid| &bid.bidder == current).is_some_and(|i| i + 1 < ranking.len())
                });
                let command =
                    if has_next { ProcurementCommand::ReviseResult } else { ProcurementCommand::DeclareFailed };
                let (facts, source) = procedure
                    .decide_step(rules, &self.calendar, command, &StepRequest::default(), now_ms)
                    .map_err(refusal)?;
                let asked = StepAsked { reason: decision.clone(), ..StepAsked::default() };
                debug_assert!(facts.iter().any(|fact| matches!(fact, ProcedureFact::Stepped { .. })));
                events.extend(super::steps::events_of(loaded, facts, source, &asked));
            }
            Ok(events)
        })
        .await
    }
}
