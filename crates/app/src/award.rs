//! A lot's award procedure after opening (RULES.md §1.4, `OPENED` to `CONTRACTED`): the committee,
//! its report, the candidates' publicity with objections that stop the clock, the award decision
//! (条例 第五十五条), the award letter and the contract.
//!
//! Each lot has its own short stream (`lot-{tender}-{lot}`); its state is the fold of that stream
//! ([`LotAward`]), so every decision is taken on exactly what was recorded, and the append expects
//! the version the decision was taken on (two principals' clicks cannot both win). The rules come
//! from the pure domain: the stage table ([`ggzy_domain::lot_award`]), the evaluation methods and
//! award rules ([`ggzy_domain::evaluation`]) and the deadline engine.

use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, ClockStatus, DeadlineError, Period, PeriodClock};
use ggzy_domain::evaluation::{
    self, AwardChoice, AwardOption, BenchmarkPrice, Bid, Centipoints, CommitteeMember, Criterion, CriterionKind,
    Dropout, DropoutGround, EvaluationOutcome, MemberKind, MemberScore, Method, PriceAdjustment, PriceFormula,
    RankingRules, RejectionGround, ScoringTable,
};
use ggzy_domain::lot_award::{LotCommand, LotStage, lot_transition};
use ggzy_domain::ruleset::{Rule, Ruleset};
use ggzy_domain::tender::TenderState;
use ggzy_domain::{Fen, authz::Action};
use ggzy_store::ExpectedVersion;
use ggzy_store::tender_projection::TenderRow;
use jiff::civil::Date;

use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult};
use crate::events::{
    CommitteeDetails, EvaluationDetails, Event, MemberDetails, RankedDetails, Recorded, RejectedDetails,
    ScoringTableDetails, stream,
};
use crate::tender::tender_state;

/// Bids priced below this percent of the average of the bids that stand are flagged as abnormally
/// low unless the tender documents set another figure: a practice setting, not a statutory number
/// (the law only says "明显低于", 条例 第五十一条第（五）项; the flag asks for an explanation and
/// rejects nothing by itself).
pub const ABNORMALLY_LOW_DEFAULT_PERCENT: i64 = 80;

/// The committee to form.
#[derive(Debug, Clone)]
pub struct CommitteeInput {
    /// The tender documents' method: `lowest_evaluated_price` or `comprehensive_scoring`.
    pub method: String,
    /// Members.
    pub members: Vec<MemberDetails>,
    /// The documents' scoring table (comprehensive scoring).
    pub scoring_table: Option<ScoringTableDetails>,
}

/// What the committee decided about one bid.
#[derive(Debug, Clone)]
pub struct RejectionInput {
    /// Bidder.
    pub bidder: String,
    /// Grounds (条例 第五十一条 identifiers).
    pub grounds: Vec<String>,
}

/// A price adjustment the committee recorded.
#[derive(Debug, Clone)]
pub struct AdjustmentInput {
    /// Bidder.
    pub bidder: String,
    /// Amount added to the bid price, fen.
    pub amount_fen: i64,
    /// Why.
    pub reason: String,
}

/// One member's score.
#[derive(Debug, Clone)]
pub struct ScoreInput {
    /// Member name.
    pub member: String,
    /// Bidder.
    pub bidder: String,
    /// Criterion id.
    pub criterion: String,
    /// Hundredths of a point.
    pub centipoints: i64,
}

/// The committee's findings.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// Rejected bids.
    pub rejections: Vec<RejectionInput>,
    /// Price adjustments.
    pub adjustments: Vec<AdjustmentInput>,
    /// Members' scores (comprehensive scoring).
    pub scores: Vec<ScoreInput>,
    /// Abnormally-low threshold, percent of the average (default [`ABNORMALLY_LOW_DEFAULT_PERCENT`]).
    pub abnormally_low_percent: Option<i64>,
}

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
    /// Day the (last) winner was decided: 法 47's 15 days run from it.
    pub awarded_day: Option<Date>,
    /// Securities refunded: day, and whether in time (条例 第五十七条).
    pub refunded: Option<(Date, bool)>,
    /// The report to the regulator: day, and whether in time (招标投标法 第四十七条).
    pub regulator_report: Option<(Date, bool)>,
}

fn day(text: &str) -> Date {
    // Written by the app itself as `YYYY-MM-DD`; a bad one would be a bug, shown as the epoch day.
    text.parse().unwrap_or_default()
}

impl LotAward {
    fn new(tender_id: &str, lot_id: &str) -> LotAward {
        LotAward {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            stage: LotStage::Opened,
            version: 0,
            committee: None,
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
            awarded_day: None,
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
            Event::CommitteeFormed(details) => {
                self.committee = Some(details.clone());
                self.step(LotCommand::FormCommittee);
            }
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
                self.publicity_start = Some((day(start_day), day(latest_start_day)));
                self.step(LotCommand::PublishCandidates);
            }
            Event::ObjectionRaised { objection_id, objector_credit_code, text, raised_day, .. } => {
                let raised = day(raised_day);
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
                let answered = day(answered_day);
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
                    issued_day: day(issued_day),
                    contract_due_day: contract_due_day.as_deref().map(day),
                    contract_counted_day: day(contract_counted_day),
                    notified: notified.clone(),
                });
                self.step(LotCommand::IssueAwardLetter);
            }
            Event::ContractSigned { amount_fen, performance_bond_fen, signed_day, in_time, .. } => {
                self.contract = Some(ContractView {
                    amount_fen: *amount_fen,
                    performance_bond_fen: *performance_bond_fen,
                    signed_day: day(signed_day),
                    in_time: *in_time,
                });
                self.step(LotCommand::SignContract);
            }
            Event::SecuritiesRefunded { refunded_day, in_time, .. } => {
                self.refunded = Some((day(refunded_day), *in_time));
                self.step(LotCommand::RefundSecurities);
            }
            Event::RegulatorReported { reported_day, in_time, .. } => {
                self.regulator_report = Some((day(reported_day), *in_time));
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

fn rule<'a>(ruleset: &'a Ruleset, id: &str) -> AppResult<&'a Rule> {
    ruleset.get(id).ok_or_else(|| AppError::Internal(format!("ruleset {} has no rule {id}", ruleset.key())))
}

fn deadline_error(error: DeadlineError) -> AppError {
    match error {
        DeadlineError::Calendar(error) => AppError::refused("calendar_not_covered", error.to_string()),
        other => AppError::Internal(other.to_string()),
    }
}

impl App {
    async fn lot_fold(&self, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
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
    async fn lot_for(&self, tender_id: &str, lot_id: &str, command: LotCommand) -> AppResult<(TenderRow, LotAward)> {
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

    async fn record_lot(&self, actor: &Actor, row: &TenderRow, fold: &LotAward, event: Event) -> AppResult<LotAward> {
        let stream_id = stream::lot(&fold.tender_id, &fold.lot_id);
        let recorded = Recorded { stream_id: stream_id.clone(), region_code: row.region_code.clone(), event };
        self.record(actor, vec![(stream_id, ExpectedVersion::Exactly(fold.version))], vec![recorded], Vec::new())
            .await?;
        let fold = self.lot_fold(&fold.tender_id, &fold.lot_id).await?;
        self.with_clocks(row, fold)
    }

    /// Fills in what depends on today and the calendar: the publicity and the reply deadlines.
    fn with_clocks(&self, row: &TenderRow, mut fold: LotAward) -> AppResult<LotAward> {
        fold.publicity = self.publicity(row, &fold)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let reply = rule(ruleset, "objection_reply_days_max")?;
        for objection in &mut fold.objections {
            // Unknown (None) when the period reaches a year without holiday data.
            objection.reply_due_day =
                deadline::deadline(&self.calendar, objection.raised_day, reply).ok().map(|d| d.day);
        }
        Ok(fold)
    }

    /// A lot's award procedure as it stands (public: candidates and results are published; the
    /// committee's names are sealed until the winner is decided, 招标投标法 第三十七条, and objectors'
    /// names are shown only to the tender's managers).
    pub async fn lot_award(&self, actor: Option<&Actor>, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let row = self.tender_row(tender_id).await?;
        if !self.store.tender_lots(tender_id).await?.iter().any(|lot| lot.lot_id == lot_id) {
            return Err(AppError::NotFound { what: "标段" });
        }
        let mut fold = self.lot_fold(tender_id, lot_id).await?;
        let manager = actor.is_some_and(|actor| self.authorize_tender(actor, &row).is_ok());
        if !manager {
            let decided = fold.winner.is_some() || matches!(fold.stage, LotStage::Contracted);
            if !decided && let Some(committee) = fold.committee.as_mut() {
                for member in &mut committee.members {
                    member.name = "（中标结果确定前保密）".to_owned();
                }
            }
            for objection in &mut fold.objections {
                objection.objector_credit_code.clear();
            }
        }
        self.with_clocks(&row, fold)
    }

    /// The candidates' publicity as it stands, with the objections' clock stops.
    fn publicity(&self, row: &TenderRow, fold: &LotAward) -> AppResult<Option<PublicityView>> {
        let Some((start_day, latest_start_day)) = fold.publicity_start else {
            return Ok(None);
        };
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let period = Period::of_rule(rule(ruleset, "candidates_publicity_days_min")?).map_err(deadline_error)?;
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

    /// Forms a lot's evaluation committee: at least the ruleset's number of members, an odd number,
    /// experts at least two thirds (招标投标法 第三十七条); comprehensive scoring needs a valid table.
    pub async fn form_committee(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: CommitteeInput,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::FormCommittee).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let method = Method::parse(&input.method).ok_or_else(|| {
            AppError::refused(
                "evaluation_method_invalid",
                format!(
                    "评标方法“{}”无效：应为 lowest_evaluated_price（经评审的最低投标价法）或 comprehensive_scoring（综合评估法），见招标投标法 第四十一条",
                    input.method
                ),
            )
        })?;
        let mut members = Vec::new();
        for member in &input.members {
            let kind = match member.kind.as_str() {
                "expert" => MemberKind::Expert,
                "principal_representative" => MemberKind::PrincipalRepresentative,
                other => {
                    return Err(AppError::refused(
                        "committee_member_invalid",
                        format!(
                            "评标委员会成员“{}”的类别“{other}”无效：应为 expert（专家）或 principal_representative（招标人代表）",
                            member.name
                        ),
                    ));
                }
            };
            if member.name.trim().is_empty() || member.name.chars().count() > 50 {
                return Err(AppError::refused(
                    "committee_member_invalid",
                    "评标委员会成员姓名不能为空，且不超过50个字",
                ));
            }
            members.push(CommitteeMember { id: member.name.trim().to_owned(), kind });
        }
        let size = rule(ruleset, "committee_members_min")?;
        let share = rule(ruleset, "committee_experts_share_min")?;
        evaluation::check_committee(&members, size.value, (share.value, share.denominator))
            .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let scoring_table = match method {
            Method::ComprehensiveScoring => {
                let table = input.scoring_table.ok_or_else(|| {
                    AppError::refused(
                        "scoring_table_invalid",
                        "综合评估法须附招标文件规定的评分表（scoring_table）：评分项、分值和价格分计算方法（招标投标法实施条例 第四十九条）",
                    )
                })?;
                scoring_table(&table)?;
                Some(table)
            }
            Method::LowestEvaluatedPrice => None,
        };
        let details = CommitteeDetails {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            method: method.as_str().to_owned(),
            members: input
                .members
                .iter()
                .map(|m| MemberDetails { name: m.name.trim().to_owned(), kind: m.kind.clone() })
                .collect(),
            scoring_table,
        };
        self.record_lot(actor, &row, &fold, Event::CommitteeFormed(details)).await
    }

    /// Records the committee's report: the bids opened for the lot, evaluated by the documents'
    /// method with the committee's rejections, adjustments and scores. When no bid stands the lot
    /// fails (招标投标法 第四十二条).
    pub async fn submit_evaluation(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        input: ReportInput,
    ) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::SubmitReport).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let committee =
            fold.committee.clone().ok_or_else(|| AppError::Internal("evaluating without a committee".to_owned()))?;
        let mut bids = self.opened_bids(tender_id, lot_id).await?;
        for rejection in &input.rejections {
            let bid = find_bid(&mut bids, &rejection.bidder)?;
            for ground in &rejection.grounds {
                let ground = RejectionGround::parse(ground).ok_or_else(|| {
                    AppError::refused(
                        "rejection_ground_invalid",
                        format!(
                            "否决投标的情形“{ground}”无效：应为招标投标法实施条例 第五十一条所列七项之一（{}）",
                            RejectionGround::ALL.iter().map(|g| g.as_str()).collect::<Vec<_>>().join("、")
                        ),
                    )
                })?;
                if !bid.rejections.contains(&ground) {
                    bid.rejections.push(ground);
                }
            }
        }
        for adjustment in &input.adjustments {
            let bid = find_bid(&mut bids, &adjustment.bidder)?;
            bid.adjustments
                .push(PriceAdjustment { amount: Fen(adjustment.amount_fen), reason: adjustment.reason.clone() });
        }
        let rules = RankingRules {
            candidates_max: rule(ruleset, "candidates_max")?.value,
            valid_bids_min: rule(ruleset, "bids_min")?.value,
        };
        let method = Method::parse(&committee.method)
            .ok_or_else(|| AppError::Internal(format!("recorded method {}", committee.method)))?;
        let outcome = match method {
            Method::LowestEvaluatedPrice => evaluation::evaluate_lowest_price(&bids, rules),
            Method::ComprehensiveScoring => {
                let table = committee
                    .scoring_table
                    .as_ref()
                    .ok_or_else(|| AppError::Internal("comprehensive scoring without a table".to_owned()))?;
                let scores: Vec<MemberScore> = input
                    .scores
                    .iter()
                    .map(|s| MemberScore {
                        member: s.member.clone(),
                        bidder: s.bidder.clone(),
                        criterion: s.criterion.clone(),
                        points: Centipoints(s.centipoints),
                    })
                    .collect();
                let members: Vec<String> = committee.members.iter().map(|m| m.name.clone()).collect();
                evaluation::evaluate_comprehensive(&bids, &scoring_table(table)?, &members, &scores, rules)
            }
        }
        .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let rejected_of = |rejected: &[evaluation::RejectedBid]| -> Vec<RejectedDetails> {
            rejected
                .iter()
                .map(|r| RejectedDetails {
                    bidder_credit_code: r.bidder.clone(),
                    grounds: r.grounds.iter().map(|g| g.as_str().to_owned()).collect(),
                })
                .collect()
        };
        let event = match outcome {
            // Evaluating allows both the report and the failure (the stage table's two lines).
            EvaluationOutcome::Failed { reason, rejected } => Event::EvaluationFailed {
                tender_id: tender_id.to_owned(),
                lot_id: lot_id.to_owned(),
                reason: format!("{}（{}），应当依法重新招标", reason.label(), reason.article()),
                rejected: rejected_of(&rejected),
            },
            EvaluationOutcome::Ranked(report) => {
                let percent = input.abnormally_low_percent.unwrap_or(ABNORMALLY_LOW_DEFAULT_PERCENT);
                let prices: Vec<Fen> = report.ranking.iter().map(|r| r.evaluated_price).collect();
                let abnormally_low = evaluation::abnormally_low(&prices, percent)
                    .into_iter()
                    .filter_map(|i| report.ranking.get(i).map(|r| r.bidder.clone()))
                    .collect();
                Event::EvaluationReported(EvaluationDetails {
                    tender_id: tender_id.to_owned(),
                    lot_id: lot_id.to_owned(),
                    method: method.as_str().to_owned(),
                    ranking: report
                        .ranking
                        .iter()
                        .map(|r| RankedDetails {
                            rank: i64::try_from(r.rank).unwrap_or(i64::MAX),
                            bidder_credit_code: r.bidder.clone(),
                            price_fen: r.price.0,
                            evaluated_price_fen: r.evaluated_price.0,
                            total_centipoints: r.scores.as_ref().map(|s| s.total.0),
                        })
                        .collect(),
                    candidates: report.candidates.iter().map(|c| c.bidder.clone()).collect(),
                    rejected: rejected_of(&report.rejected),
                    abnormally_low,
                    competition_lacking: report.competition_lacking,
                })
            }
        };
        self.record_lot(actor, &row, &fold, event).await
    }

    /// The lot's bids that were opened (decrypted), with the price read out at opening.
    async fn opened_bids(&self, tender_id: &str, lot_id: &str) -> AppResult<Vec<Bid>> {
        let submitted = self.store.submitted_bids(tender_id).await?;
        let mut bids = Vec::new();
        for opening in self.store.bid_openings(tender_id).await? {
            if opening.lot_id != lot_id || opening.status != "decrypted" {
                continue;
            }
            let declared: serde_json::Value = serde_json::from_str(&opening.declared_json).unwrap_or_default();
            let price = declared["price_fen"].as_i64().ok_or_else(|| {
                AppError::refused(
                    "bid_price_missing",
                    format!(
                        "投标人 {} 的开标记录没有报价（price_fen），无法评标；请核对开标记录",
                        opening.bidder_credit_code
                    ),
                )
            })?;
            let received_at_ms = submitted
                .iter()
                .find(|b| b.lot_id == lot_id && b.bidder_credit_code == opening.bidder_credit_code)
                .map_or(opening.at_ms, |b| b.received_at_ms);
            bids.push(Bid::new(opening.bidder_credit_code, Fen(price), received_at_ms));
        }
        Ok(bids)
    }

    /// Publishes the candidates (条例 第五十四条: within 3 days of the report, for at least 3 days).
    pub async fn publish_candidates(&self, actor: &Actor, tender_id: &str, lot_id: &str) -> AppResult<LotAward> {
        let (row, fold) = self.lot_for(tender_id, lot_id, LotCommand::PublishCandidates).await?;
        self.authorize_tender(actor, &row)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let reported = fold.reported_day.ok_or_else(|| AppError::Internal("no report day".to_owned()))?;
        let latest =
            deadline::deadline(&self.calendar, reported, rule(ruleset, "candidates_publicity_start_days_max")?)
                .map_err(deadline_error)?;
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

    /// Decides the winner once publicity is over with no objection open: for a state-funded
    /// project the first candidate, or the next one after a dropout (条例 第五十五条).
    pub async fn decide_award(
        &self,
        actor: &Actor,
        tender_id: &str,
        lot_id: &str,
        winner: &str,
        state_funded: bool,
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
        // A state-funded declaration once made holds for the lot: it decides what 条例55 allows.
        let state_funded = fold.state_funded.unwrap_or(state_funded);
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
        let state_funded = fold.state_funded.unwrap_or(true);
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

    /// The last day of a calendar-day cap counted from `start`, and the day counting alone reaches.
    /// The last day is `None` when it reaches a year without holiday data: its 顺延 is unknown, never
    /// guessed; the counted day is never later than the law's, so "on or before it" is in time.
    fn limit(&self, start: Date, rule: &Rule) -> AppResult<(Option<Date>, Date)> {
        let counted =
            start.checked_add(jiff::Span::new().days(rule.value)).map_err(|e| AppError::Internal(e.to_string()))?;
        match deadline::deadline(&self.calendar, start, rule) {
            Ok(due) => Ok((Some(due.day), counted)),
            Err(DeadlineError::Calendar(_)) => Ok((None, counted)),
            Err(other) => Err(AppError::Internal(other.to_string())),
        }
    }
}

fn find_bid<'a>(bids: &'a mut [Bid], bidder: &str) -> AppResult<&'a mut Bid> {
    bids.iter_mut().find(|bid| bid.bidder == bidder).ok_or_else(|| {
        AppError::refused("bidder_not_in_lot", format!("{bidder} 没有在该标段开标的投标文件，不能对其评审"))
    })
}

/// The domain scoring table of a recorded one.
fn scoring_table(table: &ScoringTableDetails) -> AppResult<ScoringTable> {
    let invalid = |message: String| AppError::refused("scoring_table_invalid", message);
    let benchmark = match table.benchmark.as_str() {
        "lowest_valid" => BenchmarkPrice::LowestValid,
        "average_valid" => BenchmarkPrice::AverageValid,
        other => return Err(invalid(format!("评标基准价“{other}”无效：应为 lowest_valid 或 average_valid"))),
    };
    let formula = PriceFormula::new(benchmark, table.penalty_above_bp, table.penalty_below_bp)
        .map_err(|error| invalid(error.to_string()))?;
    let mut criteria = Vec::new();
    for criterion in &table.criteria {
        let kind = CriterionKind::parse(&criterion.kind).ok_or_else(|| {
            invalid(format!(
                "评分项“{}”的类别“{}”无效：应为 price、technical 或 commercial",
                criterion.name, criterion.kind
            ))
        })?;
        criteria.push(Criterion {
            id: criterion.id.clone(),
            name: criterion.name.clone(),
            max: Centipoints(criterion.max_centipoints),
            kind,
        });
    }
    ScoringTable::new(criteria, formula).map_err(|error| invalid(error.to_string()))
}
