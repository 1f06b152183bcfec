//! A lot's award procedure after opening (RULES.md §1.4, `OPENED` to `ARCHIVED`): the committee
//! and its report (`evaluation.rs`), the candidates' publicity with objections that stop the clock
//! (`publicity.rs`), the award decision, letter and contract (`decision.rs`), subcontracts
//! (`subcontract.rs`), and the refunds, the report to the regulator and the archive (`closing.rs`).
//!
//! Each lot has its own short stream (`lot-{tender}-{lot}`); its state is the fold of that stream
//! ([`LotAward`], here), so every decision is taken on exactly what was recorded, and the append
//! expects the version the decision was taken on (two principals' clicks cannot both win). The
//! rules come from the pure domain: the stage table ([`ggzy_domain::lot_award`]), the evaluation
//! methods and award rules ([`ggzy_domain::evaluation`]) and the deadline engine.

mod closing;
mod decision;
mod evaluation;
mod publicity;
mod reference_price;
mod subcontract;
mod work_events;
mod workspace;

pub(crate) use evaluation::check_evaluation_terms;
pub use evaluation::{ABNORMALLY_LOW_DEFAULT_PERCENT, AdjustmentInput, CommitteeInput, RejectionInput, ReportInput};
pub use subcontract::SubcontractInput;
pub use work_events::{DraftOutcome, EvaluationAct, EvaluationWork, OutlierDetails, ScoreDetails, StanceDetails};
pub use workspace::{
    ClarificationView, DraftView, OUTLIER_FRACTION, OpenedBidView, ReportSignatureInput, SheetInput, SignInInput,
    Workspace,
};

use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, ClockStatus, DeadlineError, Period, PeriodClock};
use ggzy_domain::evaluation::{Dropout, DropoutGround};
use ggzy_domain::lot_award::{LotCommand, LotStage, lot_transition};
use ggzy_domain::ruleset::{Rule, Ruleset};
use ggzy_domain::tender::TenderState;
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{CommitteeDetails, EvaluationDetails, Event, Recorded, SubcontractDetails, recorded_day, stream};
use crate::tender::tender_state;

/// An objection as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionView {
    /// Id.
    pub objection_id: String,
    /// The objecting bidder (shown to the principal and the objector).
    pub objector_credit_code: String,
    /// Text.
    pub text: String,
    /// Day raised.
    pub raised_day: Date,
    /// Last day for the reply (条例 第五十四条: 3 days).
    pub reply_due_day: Option<Date>,
    /// The reply, once given.
    pub reply: Option<String>,
    /// Day answered.
    pub answered_day: Option<Date>,
}

/// The candidates' publicity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicityView {
    /// First day.
    pub start_day: Date,
    /// The latest day the law allowed to start (条例 第五十四条).
    pub latest_start_day: Date,
    /// Last day of publicity, suspensions counted; `None` while an objection stops the clock.
    pub ends_day: Option<Date>,
    /// Whether an objection waits for its reply.
    pub suspended: bool,
    /// Whether the period is over (the day after its last day has begun).
    pub over: bool,
    /// Why the end is unknown although no objection is open (a year without holiday data).
    pub unknown_reason: Option<String>,
}

/// The award letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterView {
    /// Day issued.
    pub issued_day: Date,
    /// Last day for the contract (招标投标法 第四十六条); `None` when the period reaches a year
    /// without holiday data (its 顺延 cannot be known yet).
    pub contract_due_day: Option<Date>,
    /// The period's last day by counting alone (before any 顺延).
    pub contract_counted_day: Date,
    /// The bidders told the result.
    pub notified: Vec<String>,
}

/// The contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractView {
    /// Amount.
    pub amount_fen: i64,
    /// Performance bond.
    pub performance_bond_fen: i64,
    /// Day signed.
    pub signed_day: Date,
    /// Within the legal period.
    pub in_time: bool,
}

/// A lot's award procedure: the fold of its stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotAward {
    /// Tender.
    pub tender_id: String,
    /// Lot.
    pub lot_id: String,
    /// Stage.
    pub stage: LotStage,
    /// Version of the lot's stream.
    pub version: i64,
    /// The committee (names sealed from the public until the winner is decided, 招标投标法 第三十七条).
    pub committee: Option<CommitteeDetails>,
    /// The committee's work: sign-ins, chair, score sheets, clarifications, draft and signatures
    /// (shown to the committee and the tender's managers only).
    pub workspace: Workspace,
    /// The report.
    pub report: Option<EvaluationDetails>,
    /// Day of the report.
    pub reported_day: Option<Date>,
    /// Why the lot failed, if it did.
    pub failed_reason: Option<String>,
    /// Publicity start, and the latest legal start.
    publicity_start: Option<(Date, Date)>,
    /// Clock stops (objection raised with none open) and restarts (last open one answered), in order.
    clock_stops: Vec<(Date, Option<Date>)>,
    /// Objections.
    pub objections: Vec<ObjectionView>,
    /// The publicity as it stands today (computed when the lot is read).
    pub publicity: Option<PublicityView>,
    /// Whether the principal declared the project state-funded (at the award).
    pub state_funded: Option<bool>,
    /// The winner and its rank.
    pub winner: Option<(String, i64)>,
    /// Candidates that dropped out.
    pub dropouts: Vec<(String, String)>,
    /// The award letter.
    pub letter: Option<LetterView>,
    /// The contract.
    pub contract: Option<ContractView>,
    /// Subcontracts recorded after the contract (招标投标法 第四十八条).
    pub subcontracts: Vec<SubcontractDetails>,
    /// Day the (last) winner was decided: 法 47's 15 days run from it.
    pub awarded_day: Option<Date>,
    /// Securities refunded: day, and whether in time (条例 第五十七条).
    pub refunded: Option<(Date, bool)>,
    /// The report to the regulator: day, and whether in time (招标投标法 第四十七条).
    pub regulator_report: Option<(Date, bool)>,
    /// The sealed reference price (标底), if the principal set one: its commitment, and the price
    /// and day once revealed at the opening (条例 第二十七条、第五十条).
    pub reference_price: Option<(String, Option<(i64, Date)>)>,
}

impl LotAward {
    fn new(tender_id: &str, lot_id: &str) -> LotAward {
        LotAward {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            stage: LotStage::Opened,
            version: 0,
            committee: None,
            workspace: Workspace::default(),
            report: None,
            reported_day: None,
            failed_reason: None,
            publicity_start: None,
            clock_stops: Vec::new(),
            objections: Vec::new(),
            publicity: None,
            state_funded: None,
            winner: None,
            dropouts: Vec::new(),
            letter: None,
            contract: None,
            subcontracts: Vec::new(),
            awarded_day: None,
            reference_price: None,
            refunded: None,
            regulator_report: None,
        }
    }

    fn step(&mut self, command: LotCommand) {
        if let Ok(line) = lot_transition(self.stage, command) {
            self.stage = line.to;
        }
    }

    fn open_objections(&self) -> usize {
        self.objections.iter().filter(|o| o.answered_day.is_none()).count()
    }

    /// Applies one recorded event of the lot's stream.
    fn apply(&mut self, event: &Event, at_ms: i64) {
        match event {
            // The reference price stays outside the stage table: it is set before the opening and
            // read out at it, whatever the lot's stage.
            Event::ReferencePriceCommitted { commitment_hex, .. } => {
                self.reference_price = Some((commitment_hex.clone(), None));
            }
            Event::ReferencePriceRevealed { price_fen, .. } => {
                if let Some((_, revealed)) = self.reference_price.as_mut() {
                    *revealed = Some((*price_fen, china_time::date_of(at_ms)));
                }
            }
            Event::CommitteeFormed(details) => {
                self.committee = Some(details.clone());
                self.step(LotCommand::FormCommittee);
            }
            Event::EvaluationWork(work) => self.workspace.apply(&work.act),
            Event::EvaluationReported(details) => {
                self.report = Some(details.clone());
                self.reported_day = Some(china_time::date_of(at_ms));
                self.step(LotCommand::SubmitReport);
            }
            Event::EvaluationFailed { reason, .. } => {
                self.failed_reason = Some(reason.clone());
                self.step(LotCommand::FailEvaluation);
            }
            Event::CandidatesPublicized { start_day, latest_start_day, .. } => {
                self.publicity_start = Some((recorded_day(start_day), recorded_day(latest_start_day)));
                self.step(LotCommand::PublishCandidates);
            }
            Event::ObjectionRaised { objection_id, objector_credit_code, text, raised_day, .. } => {
                let raised = recorded_day(raised_day);
                if self.open_objections() == 0 {
                    self.clock_stops.push((raised, None));
                }
                self.objections.push(ObjectionView {
                    objection_id: objection_id.clone(),
                    objector_credit_code: objector_credit_code.clone(),
                    text: text.clone(),
                    raised_day: raised,
                    reply_due_day: None,
                    reply: None,
                    answered_day: None,
                });
            }
            Event::ObjectionAnswered { objection_id, reply, answered_day, .. } => {
                let answered = recorded_day(answered_day);
                if let Some(objection) = self.objections.iter_mut().find(|o| &o.objection_id == objection_id) {
                    objection.reply = Some(reply.clone());
                    objection.answered_day = Some(answered);
                }
                if self.open_objections() == 0
                    && let Some(last) = self.clock_stops.last_mut()
                {
                    last.1 = Some(answered);
                }
            }
            Event::AwardDecided { winner_credit_code, rank, state_funded, .. } => {
                self.winner = Some((winner_credit_code.clone(), *rank));
                self.awarded_day = Some(china_time::date_of(at_ms));
                self.state_funded = Some(*state_funded);
                self.letter = None;
                self.step(LotCommand::DecideAward);
            }
            Event::WinnerDropped { bidder_credit_code, ground, .. } => {
                self.dropouts.push((bidder_credit_code.clone(), ground.clone()));
                self.winner = None;
                self.step(LotCommand::RecordDropout);
            }
            Event::LotRetendered { reason, .. } => {
                self.failed_reason = Some(reason.clone());
                self.step(LotCommand::Retender);
            }
            Event::AwardLetterIssued { notified, issued_day, contract_due_day, contract_counted_day, .. } => {
                self.letter = Some(LetterView {
                    issued_day: recorded_day(issued_day),
                    contract_due_day: contract_due_day.as_deref().map(recorded_day),
                    contract_counted_day: recorded_day(contract_counted_day),
                    notified: notified.clone(),
                });
                self.step(LotCommand::IssueAwardLetter);
            }
            Event::ContractSigned { amount_fen, performance_bond_fen, signed_day, in_time, .. } => {
                self.contract = Some(ContractView {
                    amount_fen: *amount_fen,
                    performance_bond_fen: *performance_bond_fen,
                    signed_day: recorded_day(signed_day),
                    in_time: *in_time,
                });
                self.step(LotCommand::SignContract);
            }
            Event::SubcontractRecorded(details) => self.subcontracts.push(details.clone()),
            Event::SecuritiesRefunded { refunded_day, in_time, .. } => {
                self.refunded = Some((recorded_day(refunded_day), *in_time));
                self.step(LotCommand::RefundSecurities);
            }
            Event::RegulatorReported { reported_day, in_time, .. } => {
                self.regulator_report = Some((recorded_day(reported_day), *in_time));
                self.step(LotCommand::ReportToRegulator);
            }
            Event::LotArchived { .. } => self.step(LotCommand::Archive),
            _ => {}
        }
    }

    /// The candidates, in rank order.
    pub fn candidates(&self) -> Vec<String> {
        self.report.as_ref().map(|report| report.candidates.clone()).unwrap_or_default()
    }

    fn dropout_list(&self) -> Vec<Dropout> {
        self.dropouts
            .iter()
            .filter_map(|(bidder, ground)| {
                DropoutGround::parse(ground).map(|ground| Dropout { bidder: bidder.clone(), ground })
            })
            .collect()
    }
}

pub(super) fn rule<'a>(ruleset: &'a Ruleset, id: &str) -> AppResult<&'a Rule> {
    ruleset.get(id).ok_or_else(|| AppError::Internal(format!("ruleset {} has no rule {id}", ruleset.key())))
}

impl App {
    pub(crate) async fn lot_fold(&self, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let mut fold = LotAward::new(tender_id, lot_id);
        for stored in self.store.stream(&stream::lot(tender_id, lot_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            fold.apply(&event, stored.recorded_at_ms);
            fold.version = stored.stream_version;
        }
        Ok(fold)
    }

    /// The tender is opened, the lot exists and was not failed at opening, and the stage allows
    /// `command`; returns the tender and the lot's fold.
    pub(super) async fn lot_for(
        &self,
        tender_id: &str,
        lot_id: &str,
        command: LotCommand,
    ) -> AppResult<(TenderRow, LotAward)> {
        let row = self.tender_row(tender_id).await?;
        let state = tender_state(&row)?;
        if state != TenderState::Opened {
            return Err(AppError::refused(
                "invalid_transition",
                format!("招标项目当前状态为“{}”，不能{}（开标后方可进行）", state.label(), command.label()),
            ));
        }
        let lots = self.store.tender_lots(tender_id).await?;
        let lot = lots.iter().find(|lot| lot.lot_id == lot_id).ok_or(AppError::NotFound { what: "标段" })?;
        if let Some(reason) = &lot.failed_reason {
            return Err(AppError::refused(
                "invalid_transition",
                format!("该标段开标时已流标（{reason}），不能{}", command.label()),
            ));
        }
        let fold = self.lot_fold(tender_id, lot_id).await?;
        lot_transition(fold.stage, command)
            .map_err(|invalid| AppError::refused("invalid_transition", invalid.to_string()))?;
        Ok((row, fold))
    }

    pub(super) async fn record_lot(
        &self,
        actor: &Actor,
        row: &TenderRow,
        fold: &LotAward,
        event: Event,
    ) -> AppResult<LotAward> {
        let stream_id = stream::lot(&fold.tender_id, &fold.lot_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: row.region_code.clone(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(fold.version))], vec![recorded], Vec::new())
            .await?;
        let fold = self.lot_fold(&fold.tender_id, &fold.lot_id).await?;
        self.shown_to(Some(actor), row, fold).await
    }

    /// Fills in what depends on today and the calendar: the publicity and the reply deadlines.
    fn with_clocks(&self, row: &TenderRow, mut fold: LotAward) -> AppResult<LotAward> {
        fold.publicity = self.publicity(row, &fold)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let share = rule(ruleset, "more_time_requests_share_max")?;
        fold.workspace.more_time_share_max = (share.value, share.denominator);
        let reply = rule(ruleset, "objection_reply_days_max")?;
        for objection in &mut fold.objections {
            // Unknown (None) when the period reaches a year without holiday data.
            objection.reply_due_day =
                deadline::deadline(&self.calendar, objection.raised_day, reply).ok().map(|d| d.day);
        }
        Ok(fold)
    }

    /// A lot's award procedure as it stands, as [`App::shown_to`] the viewer.
    pub async fn lot_award(&self, actor: Option<&Actor>, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let row = self.tender_row(tender_id).await?;
        if !self.store.tender_lots(tender_id).await?.iter().any(|lot| lot.lot_id == lot_id) {
            return Err(AppError::NotFound { what: "标段" });
        }
        let fold = self.lot_fold(tender_id, lot_id).await?;
        self.shown_to(actor, &row, fold).await
    }

    /// What `actor` may see of a lot (candidates and results are public): the committee's names are
    /// sealed from everyone but its members until the winner is decided, the principal included
    /// (招标投标法 第三十七条); the committee's work is shown to its members and the tender's
    /// managers; objectors' names to the managers only.
    pub(super) async fn shown_to(
        &self,
        actor: Option<&Actor>,
        row: &TenderRow,
        mut fold: LotAward,
    ) -> AppResult<LotAward> {
        let manager = actor.is_some_and(|actor| self.authorize_tender(actor, row).is_ok());
        let member = match (actor, &fold.committee) {
            (Some(actor), Some(committee)) if !manager => self.member_of(actor, row, committee, None).await.is_ok(),
            _ => false,
        };
        let decided = fold.winner.is_some() || matches!(fold.stage, LotStage::Contracted);
        if !decided
            && !member
            && let Some(committee) = fold.committee.as_mut()
        {
            // The experts' names: the principal's own representatives are its own to know.
            for member in committee.members.iter_mut().filter(|m| m.kind == "expert") {
                member.name = "（中标结果确定前保密）".to_owned();
            }
        }
        if !manager {
            for objection in &mut fold.objections {
                objection.objector_credit_code.clear();
            }
            if !member {
                fold.workspace = Workspace::default();
            }
        }
        self.with_clocks(row, fold)
    }

    /// The candidates' publicity as it stands, with the objections' clock stops.
    pub(super) fn publicity(&self, row: &TenderRow, fold: &LotAward) -> AppResult<Option<PublicityView>> {
        let Some((start_day, latest_start_day)) = fold.publicity_start else {
            return Ok(None);
        };
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let period = Period::of_rule(rule(ruleset, "candidates_publicity_days_min")?).map_err(AppError::from)?;
        let mut clock = PeriodClock::new(start_day, period);
        for (stopped, resumed) in &fold.clock_stops {
            clock.suspend(*stopped).map_err(|e| AppError::Internal(e.to_string()))?;
            if let Some(resumed) = resumed {
                clock.resume(*resumed).map_err(|e| AppError::Internal(e.to_string()))?;
            }
        }
        let today = china_time::date_of(self.now_ms());
        // A year without holiday data leaves the end unknown (never guessed); the view says why.
        let (ends_day, suspended, unknown_reason) = match clock.end(&self.calendar) {
            Ok(ClockStatus::Ends(end)) => (Some(end.day), false, None),
            Ok(ClockStatus::Suspended { .. }) => (None, true, None),
            Err(DeadlineError::Calendar(error)) => (None, false, Some(error.to_string())),
            Err(other) => return Err(AppError::Internal(other.to_string())),
        };
        Ok(Some(PublicityView {
            start_day,
            latest_start_day,
            ends_day,
            suspended,
            over: ends_day.is_some_and(|end| today > end),
            unknown_reason,
        }))
    }

    /// The last day of a calendar-day cap counted from `start`, and the day counting alone reaches.
    /// The last day is `None` when it reaches a year without holiday data: its 顺延 is unknown, never
    /// guessed; the counted day is never later than the law's, so "on or before it" is in time.
    pub(crate) fn limit(&self, start: Date, rule: &Rule) -> AppResult<(Option<Date>, Date)> {
        let counted =
            start.checked_add(jiff::Span::new().days(rule.value)).map_err(|e| AppError::Internal(e.to_string()))?;
        match deadline::deadline(&self.calendar, start, rule) {
            Ok(due) => Ok((Some(due.day), counted)),
            Err(DeadlineError::Calendar(_)) => Ok((None, counted)),
            Err(other) => Err(AppError::Internal(other.to_string())),
        }
    }
}
