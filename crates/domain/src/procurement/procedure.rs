//! One procurement procedure folded from its facts, and the decisions taken on it: every step runs
//! through the method's transition table ([`super::transition`]); the periods a step sets are checked
//! against the ruleset's floors on the holiday calendar; offers are sealed commitments accepted only
//! before their deadline and opened only after it; the evaluation ranks by the statutory formula;
//! the winner is the first in rank (条例 第四十三条) and the next one only when the winner refuses
//! (条例 第四十九条).
//!
//! Time is an input (`now_ms`, UTC ms); nothing here reads a clock or a store.

use std::collections::BTreeMap;

use super::rules::ProcurementRules;
use super::{
    AbnormallyLowCommand, AbnormallyLowReview, CompliantBid, DeductionRates, InvalidAbnormallyLowStep,
    InvalidProcurementTransition, ItemCategory, PriceWeight, ProcurementCommand, ProcurementMethod, ProcurementState,
    RankedBid, RankingError, Shortfall, SmeClaim, SupplierFacts, SupplierStage, TieBreak, abnormally_low_transition,
    adjusted_price, break_ties, rank_comprehensive, rank_lowest_price, supplier_shortfall, transition,
};
use crate::Fen;
use crate::calendar::HolidayCalendar;
use crate::china_time;
use crate::deadline::{self, DeadlineError};
use crate::evaluation::Centipoints;
use crate::ruleset::Rule;

/// What is fixed when the procedure is planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcedureTerms {
    /// The method.
    pub method: ProcurementMethod,
    /// Goods, services or works.
    pub category: ItemCategory,
    /// The budget.
    pub budget: Fen,
    /// The price weight of comprehensive scoring; `None` for the lowest evaluated price.
    pub price_weight: Option<PriceWeight>,
    /// The SME deduction rates the documents set.
    pub sme_rates: DeductionRates,
    /// Whether the whole procurement is reserved for small and micro enterprises (then no deduction).
    pub reserved_for_sme: bool,
    /// Single source: the supplier named in the justification.
    pub single_source_supplier: Option<String>,
    /// The finance department must approve the method before the procedure starts (政府采购法
    /// 第二十七条; [`super::MethodDecision::needs_approval`]).
    pub needs_approval: bool,
    /// A single source above the open-tender threshold: publicity first (条例 第三十八条).
    pub needs_publicity: bool,
    /// Competitive negotiation after an open tender with only two bids (政府采购法 第三十条, 87号令
    /// 第四十三条): two suppliers suffice.
    pub after_failed_tender_with_two: bool,
}

/// A sealed offer (投标、响应文件报价、最后报价): an SM3 commitment to price and salt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The commitment.
    pub commitment: [u8; 32],
    /// When it was sealed, UTC ms.
    pub at_ms: i64,
    /// The price and the SME claim, once opened.
    pub opened: Option<(Fen, SmeClaim)>,
}

/// What happened to a procedure, in the order of its stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcedureFact {
    /// A step of the transition table; `offers_due_ms` when the step sets a deadline for offers,
    /// `publicity_ends_ms` when it starts a single-source publicity.
    Stepped {
        /// The command.
        command: ProcurementCommand,
        /// The state reached.
        to: ProcurementState,
        /// When, UTC ms.
        at_ms: i64,
        /// The new deadline for offers.
        offers_due_ms: Option<i64>,
        /// The end of the publicity.
        publicity_ends_ms: Option<i64>,
    },
    /// The suppliers chosen to respond (by notice, library draw or written recommendation).
    SuppliersInvited {
        /// Their credit codes.
        suppliers: Vec<String>,
    },
    /// An offer was sealed (a new one replaces the supplier's earlier one of the same round).
    OfferSealed {
        /// The supplier.
        supplier: String,
        /// The commitment.
        commitment: [u8; 32],
        /// When, UTC ms.
        at_ms: i64,
    },
    /// An offer was opened against its commitment.
    OfferOpened {
        /// The supplier.
        supplier: String,
        /// The price.
        price: Fen,
        /// Its SME claim.
        claim: SmeClaim,
    },
    /// The committee's ranking.
    Evaluated {
        /// In rank order.
        ranking: Vec<RankedBid>,
    },
    /// The winner (or for a framework agreement one admitted supplier) at a price.
    WinnerDetermined {
        /// The supplier.
        supplier: String,
        /// The price.
        price: Fen,
    },
    /// The committee moved a bid's abnormally-low-price review (87号令 第六十条).
    PriceReviewed {
        /// The supplier.
        supplier: String,
        /// The command.
        command: AbnormallyLowCommand,
    },
    /// An objection to a single-source publicity arrived.
    PublicityObjected {
        /// Its id.
        objection_id: String,
    },
    /// The purchaser reviewed it.
    PublicityObjectionReviewed {
        /// Its id.
        objection_id: String,
        /// Whether it was upheld.
        upheld: bool,
    },
}

/// Why a decision is refused. Every variant has a stable code and a Chinese message saying what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureRefusal {
    /// Not a step of the method's table in this state.
    #[error(transparent)]
    Transition(#[from] InvalidProcurementTransition),
    /// Publicity or approval must come first.
    #[error("{0}")]
    RequirementPending(String),
    /// A step that sets a deadline without one, or one in the past.
    #[error("{what}须填写，且须晚于现在")]
    DeadlineMissing {
        /// Which deadline.
        what: &'static str,
    },
    /// A deadline shorter than the statutory period: what, the earliest day and its rule.
    #[error("{0}")]
    PeriodTooShort(String),
    /// A step that waits for the offers' deadline.
    #[error("递交截止时间（{}）未到，不能{}", china_time::text(*.due_ms), .command.label())]
    OffersNotDue {
        /// The command.
        command: ProcurementCommand,
        /// The deadline, UTC ms.
        due_ms: i64,
    },
    /// Too few suppliers to go on.
    #[error("{}：{}家，少于{}家（依据：{}）；应当宣布废标（终止）后按规定重新组织采购", .stage, .shortfall.count, .shortfall.minimum.value, .shortfall.minimum.source)]
    SuppliersTooFew {
        /// At which stage (Chinese).
        stage: &'static str,
        /// The shortfall with its fallbacks.
        shortfall: Box<Shortfall>,
    },
    /// No supplier was chosen, or a supplier twice.
    #[error("{0}")]
    SuppliersInvalid(&'static str),
    /// An offer from a supplier that was not invited.
    #[error("该供应商不在本项目邀请（确定）的供应商之列，不能递交响应文件")]
    NotInvited,
    /// An offer when none is accepted.
    #[error("本项目当前状态为“{}”，不接收报价", .0.label())]
    NotAcceptingOffers(ProcurementState),
    /// An offer after the deadline.
    #[error("递交截止时间（{}）已过，不再接收报价；服务器时间为{}", china_time::text(*.due_ms), china_time::text(*.now_ms))]
    OfferAfterDeadline {
        /// The deadline, UTC ms.
        due_ms: i64,
        /// The server time, UTC ms.
        now_ms: i64,
    },
    /// A second quote in an inquiry.
    #[error("询价中供应商一次报出不得更改的价格（政府采购法 第四十条第（三）项），已递交的报价不能替换")]
    OfferFinal,
    /// A final offer from a supplier that did not respond in the first round.
    #[error("只有递交了响应文件的供应商可以提交最后报价")]
    NotResponded,
    /// Opening before the deadline.
    #[error("递交截止时间（{}）未到，报价不能解密", china_time::text(*.0))]
    OpeningTooEarly(i64),
    /// No offer to open.
    #[error("该供应商在本轮没有递交报价")]
    NoOffer,
    /// Opened already.
    #[error("该报价已经解密")]
    AlreadyOpened,
    /// The price and salt do not match.
    #[error("报价与盐值不符合递交时的承诺值，请核对后重试")]
    CommitmentMismatch,
    /// An evaluation outside the evaluation step.
    #[error("本项目当前状态为“{}”，不能登记评审结果", .0.label())]
    NotEvaluating(ProcurementState),
    /// A second evaluation.
    #[error("评审结果已经登记；除财政部门规定的情形外，不得组织重新评审（政府采购法实施条例 第四十四条）")]
    ReEvaluation,
    /// Nothing to rank.
    #[error("没有已解密的有效报价，不能评审")]
    NothingToRank,
    /// Points for a supplier that has no opened offer, or missing points.
    #[error("{0}")]
    PointsInvalid(String),
    /// The ranking refused.
    #[error(transparent)]
    Ranking(#[from] RankingError),
    /// A move the abnormally-low-price review does not allow.
    #[error(transparent)]
    PriceReview(#[from] InvalidAbnormallyLowStep),
    /// A report without an evaluation.
    #[error("评审结果尚未登记，不能送交评审报告")]
    NotEvaluated,
    /// No candidate left.
    #[error("没有排名在后的候选人可以确定")]
    NoCandidateLeft,
    /// A single-source award without the price agreed.
    #[error("单一来源采购须填写与供应商商定的成交价格（元，大于零）")]
    PriceMissing,
    /// A publicity closed with an objection unreviewed or upheld.
    #[error("{0}")]
    PublicityOpen(&'static str),
    /// A publicity closed before its end.
    #[error("公示期至{}，期满后方可结束公示", china_time::text(*.0))]
    PublicityNotOver(i64),
    /// An objection id that does not exist.
    #[error("该公示异议不存在，或已经处理")]
    ObjectionUnknown,
    /// A publicity objection outside the publicity.
    #[error("公示期（至{}）已结束，不再接收异议", china_time::text(*.0))]
    PublicityOver(i64),
    /// A call-off from a supplier that is not in the agreement.
    #[error("该供应商不是框架协议入围供应商，不能确定为第二阶段成交供应商")]
    NotInAgreement,
    /// The calendar could not count.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

impl ProcedureRefusal {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ProcedureRefusal::Transition(error) => error.code(),
            ProcedureRefusal::RequirementPending(_) => "method_approval_required",
            ProcedureRefusal::DeadlineMissing { .. } => "invalid_time",
            ProcedureRefusal::PeriodTooShort(_) => "deadline_below_statutory_minimum",
            ProcedureRefusal::OffersNotDue { .. } => "offers_not_due",
            ProcedureRefusal::SuppliersTooFew { .. } => "suppliers_too_few",
            ProcedureRefusal::SuppliersInvalid(_) => "invalid_suppliers",
            ProcedureRefusal::NotInvited => "supplier_not_invited",
            ProcedureRefusal::NotAcceptingOffers(_) => "not_accepting_offers",
            ProcedureRefusal::OfferAfterDeadline { .. } => "bid_deadline_passed",
            ProcedureRefusal::OfferFinal => "offer_final",
            ProcedureRefusal::NotResponded => "supplier_not_responded",
            ProcedureRefusal::OpeningTooEarly(_) => "opening_too_early",
            ProcedureRefusal::NoOffer => "offer_not_found",
            ProcedureRefusal::AlreadyOpened => "offer_already_opened",
            ProcedureRefusal::CommitmentMismatch => "commitment_mismatch",
            ProcedureRefusal::NotEvaluating(_) => "not_evaluating",
            ProcedureRefusal::ReEvaluation => "re_evaluation_forbidden",
            ProcedureRefusal::NothingToRank => "nothing_to_rank",
            ProcedureRefusal::PointsInvalid(_) => "invalid_points",
            ProcedureRefusal::Ranking(error) => error.code(),
            ProcedureRefusal::PriceReview(error) => error.code(),
            ProcedureRefusal::NotEvaluated => "not_evaluated",
            ProcedureRefusal::NoCandidateLeft => "no_candidate_left",
            ProcedureRefusal::PriceMissing => "price_missing",
            ProcedureRefusal::PublicityOpen(_) => "publicity_objection_open",
            ProcedureRefusal::PublicityNotOver(_) => "publicity_not_over",
            ProcedureRefusal::ObjectionUnknown => "publicity_objection_unknown",
            ProcedureRefusal::PublicityOver(_) => "publicity_over",
            ProcedureRefusal::NotInAgreement => "supplier_not_in_agreement",
            ProcedureRefusal::Deadline(_) => "deadline_not_computable",
        }
    }
}

/// A step someone asks for, with what the step needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepRequest {
    /// The new deadline for offers (publishing a notice, issuing documents, asking for final offers).
    pub offers_due_ms: Option<i64>,
    /// The end of a single-source publicity.
    pub publicity_ends_ms: Option<i64>,
    /// Single source: the agreed price.
    pub price: Option<Fen>,
    /// Framework call-off: the supplier.
    pub supplier: Option<String>,
}

/// One procurement procedure, folded.
#[derive(Clone, Debug)]
pub struct Procedure {
    terms: ProcedureTerms,
    state: ProcurementState,
    /// Where a suspension or contract hold came from.
    origin: Option<ProcurementState>,
    /// 0 for the first bids or responses, then one per call for final offers.
    round: u32,
    offers_due_ms: Option<i64>,
    publicity_ends_ms: Option<i64>,
    invited: Vec<String>,
    /// Who responded in round 0 (final offers are asked from them).
    responded: Vec<String>,
    offers: BTreeMap<String, Offer>,
    ranking: Vec<RankedBid>,
    /// The abnormally-low-price reviews by supplier (absent: unflagged).
    price_reviews: BTreeMap<String, AbnormallyLowReview>,
    /// Winners in order (the last is the current one; a framework agreement admits several).
    winners: Vec<(String, Fen)>,
    /// Publicity objections: id → reviewed and upheld?
    publicity_objections: Vec<(String, Option<bool>)>,
    /// When each state was entered, UTC ms (the last time, not counting a return after a suspension
    /// or hold).
    entered_ms: BTreeMap<&'static str, i64>,
}

fn period_unit(rule: &Rule) -> &'static str {
    if rule.unit.as_str() == "WD" { "个工作日" } else { "日" }
}

impl Procedure {
    /// A procedure planned at `at_ms`.
    pub fn plan(terms: ProcedureTerms, at_ms: i64) -> Procedure {
        let mut entered_ms = BTreeMap::new();
        entered_ms.insert(ProcurementState::Planned.as_str(), at_ms);
        Procedure {
            terms,
            state: ProcurementState::Planned,
            origin: None,
            round: 0,
            offers_due_ms: None,
            publicity_ends_ms: None,
            invited: Vec::new(),
            responded: Vec::new(),
            offers: BTreeMap::new(),
            ranking: Vec::new(),
            price_reviews: BTreeMap::new(),
            winners: Vec::new(),
            publicity_objections: Vec::new(),
            entered_ms,
        }
    }

    /// The terms.
    pub fn terms(&self) -> &ProcedureTerms {
        &self.terms
    }
    /// The state.
    pub fn state(&self) -> ProcurementState {
        self.state
    }
    /// The current round (0: first offers).
    pub fn round(&self) -> u32 {
        self.round
    }
    /// The current deadline for offers, UTC ms.
    pub fn offers_due_ms(&self) -> Option<i64> {
        self.offers_due_ms
    }
    /// The end of the single-source publicity, UTC ms.
    pub fn publicity_ends_ms(&self) -> Option<i64> {
        self.publicity_ends_ms
    }
    /// The invited suppliers.
    pub fn invited(&self) -> &[String] {
        &self.invited
    }
    /// The suppliers who sealed an offer in the first round (bids or responses).
    pub fn responded(&self) -> &[String] {
        &self.responded
    }
    /// The offers of the current round by supplier.
    pub fn offers(&self) -> &BTreeMap<String, Offer> {
        &self.offers
    }
    /// The ranking, once evaluated.
    pub fn ranking(&self) -> &[RankedBid] {
        &self.ranking
    }
    /// The abnormally-low-price reviews by supplier (absent: unflagged).
    pub fn price_reviews(&self) -> &BTreeMap<String, AbnormallyLowReview> {
        &self.price_reviews
    }
    /// The winners in order (the current one last; several for a framework agreement).
    pub fn winners(&self) -> &[(String, Fen)] {
        &self.winners
    }
    /// When `state` was last entered by an act (a return after a suspension or hold does not count),
    /// UTC ms.
    pub fn entered_ms(&self, state: ProcurementState) -> Option<i64> {
        self.entered_ms.get(state.as_str()).copied()
    }
    /// Whether offers can be read: the round's deadline has passed.
    pub fn offers_readable(&self, now_ms: i64) -> bool {
        self.offers_due_ms.is_some_and(|due| now_ms >= due)
    }

    /// Folds one fact.
    pub fn apply(&mut self, fact: &ProcedureFact) {
        match fact {
            ProcedureFact::Stepped { command, to, at_ms, offers_due_ms, publicity_ends_ms } => {
                if matches!(command, ProcurementCommand::Suspend | ProcurementCommand::HoldContract) {
                    self.origin = Some(self.state);
                }
                if command.returns_to_origin() {
                    self.origin = None;
                }
                if *command == ProcurementCommand::RequestFinalOffers {
                    self.round += 1;
                    self.offers.clear();
                }
                if let Some(due) = offers_due_ms {
                    self.offers_due_ms = Some(*due);
                }
                if let Some(ends) = publicity_ends_ms {
                    self.publicity_ends_ms = Some(*ends);
                }
                self.state = *to;
                // Going back after a suspension or hold is no new act: the clocks of the state
                // keep running from when it was first reached.
                if !command.returns_to_origin() {
                    self.entered_ms.insert(to.as_str(), *at_ms);
                }
            }
            ProcedureFact::SuppliersInvited { suppliers } => self.invited = suppliers.clone(),
            ProcedureFact::OfferSealed { supplier, commitment, at_ms } => {
                if self.round == 0 && !self.responded.contains(supplier) {
                    self.responded.push(supplier.clone());
                }
                self.offers.insert(supplier.clone(), Offer { commitment: *commitment, at_ms: *at_ms, opened: None });
            }
            ProcedureFact::OfferOpened { supplier, price, claim } => {
                if let Some(offer) = self.offers.get_mut(supplier) {
                    offer.opened = Some((*price, *claim));
                }
            }
            ProcedureFact::Evaluated { ranking } => self.ranking = ranking.clone(),
            ProcedureFact::PriceReviewed { supplier, command } => {
                let now = self.price_reviews.get(supplier).copied().unwrap_or(AbnormallyLowReview::Unflagged);
                if let Ok(line) = abnormally_low_transition(now, *command) {
                    self.price_reviews.insert(supplier.clone(), line.to);
                }
            }
            ProcedureFact::WinnerDetermined { supplier, price } => self.winners.push((supplier.clone(), *price)),
            ProcedureFact::PublicityObjected { objection_id } => {
                self.publicity_objections.push((objection_id.clone(), None));
            }
            ProcedureFact::PublicityObjectionReviewed { objection_id, upheld } => {
                if let Some(entry) = self.publicity_objections.iter_mut().find(|(id, _)| id == objection_id) {
                    entry.1 = Some(*upheld);
                }
            }
        }
    }

    /// The move `command` makes now: the facts it records (the step itself last) and the article of
    /// the table's line.
    ///
    /// # Errors
    /// A step the table does not allow, a deadline below its statutory floor, a step that waits for
    /// the offers' deadline, too few suppliers, a missing price or supplier.
    pub fn decide_step(
        &self,
        rules: &ProcurementRules,
        calendar: &HolidayCalendar,
        command: ProcurementCommand,
        request: &StepRequest,
        now_ms: i64,
    ) -> Result<(Vec<ProcedureFact>, &'static str), ProcedureRefusal> {
        let method = self.terms.method;
        let line = if command.returns_to_origin() {
            let origin = self.origin.ok_or(InvalidProcurementTransition { method, state: self.state, command })?;
            super::return_to(method, self.state, command, origin)?
        } else {
            transition(method, self.state, command)?
        };
        let to = line.to;
        self.check_requirements(rules, command)?;
        let mut facts = Vec::new();
        let mut offers_due_ms = None;
        let mut publicity_ends_ms = None;
        match command {
            ProcurementCommand::PublishNotice
            | ProcurementCommand::IssueDocuments
            | ProcurementCommand::RequestFinalOffers => {
                if command == ProcurementCommand::IssueDocuments {
                    self.check_invited(rules)?;
                }
                if command == ProcurementCommand::RequestFinalOffers {
                    self.check_suppliers(rules, SupplierStage::Qualified, self.responded.len())?;
                }
                let due = request
                    .offers_due_ms
                    .filter(|due| *due > now_ms)
                    .ok_or(ProcedureRefusal::DeadlineMissing { what: "递交截止时间" })?;
                let floor = match command {
                    ProcurementCommand::RequestFinalOffers => None,
                    _ => super::response_period(rules, method),
                };
                if let Some(rule) = floor {
                    check_floor(calendar, "递交截止日", now_ms, due, rule)?;
                }
                offers_due_ms = Some(due);
            }
            ProcurementCommand::IssueClarification => {
                // A clarification may move the deadline out, never in.
                if let Some(due) = request.offers_due_ms {
                    if Some(due) < self.offers_due_ms {
                        return Err(ProcedureRefusal::DeadlineMissing {
                            what: "顺延后的递交截止时间（不得提前）"
                        });
                    }
                    offers_due_ms = Some(due);
                }
                offers_due_ms =
                    self.extend_for_clarification(rules, calendar, offers_due_ms, now_ms)?.or(offers_due_ms);
            }
            ProcurementCommand::StartPublicity => {
                let ends = request
                    .publicity_ends_ms
                    .filter(|ends| *ends > now_ms)
                    .ok_or(ProcedureRefusal::DeadlineMissing { what: "公示截止时间" })?;
                check_floor(calendar, "公示截止日", now_ms, ends, &rules.single_source_publicity)?;
                publicity_ends_ms = Some(ends);
            }
            ProcurementCommand::ClosePublicity => {
                if let Some(ends) = self.publicity_ends_ms.filter(|ends| now_ms < *ends) {
                    return Err(ProcedureRefusal::PublicityNotOver(ends));
                }
                if self.publicity_objections.iter().any(|(_, upheld)| upheld.is_none()) {
                    return Err(ProcedureRefusal::PublicityOpen("公示期内收到的异议尚未处理，请先处理异议"));
                }
                if self.publicity_objections.iter().any(|(_, upheld)| *upheld == Some(true)) {
                    return Err(ProcedureRefusal::PublicityOpen(
                        "公示异议成立，不能按单一来源方式继续采购；请宣布终止后变更采购方式（政府采购法实施条例 第三十八条）",
                    ));
                }
            }
            ProcurementCommand::StartOpening
            | ProcurementCommand::CloseResponses
            | ProcurementCommand::CloseFinalOffers => {
                self.check_due(command, now_ms)?;
                let stage = if command == ProcurementCommand::CloseFinalOffers {
                    SupplierStage::FinalOffers
                } else {
                    SupplierStage::Received
                };
                self.check_suppliers(rules, stage, self.offers.len())?;
            }
            ProcurementCommand::StartNegotiation if self.state == ProcurementState::Bidding => {
                self.check_due(command, now_ms)?;
                self.check_suppliers(rules, SupplierStage::Received, self.offers.len())?;
            }
            ProcurementCommand::SubmitReport if self.ranking.is_empty() => {
                return Err(ProcedureRefusal::NotEvaluated);
            }
            ProcurementCommand::DetermineWinner => facts.extend(self.decide_winners(request)?),
            ProcurementCommand::NextCandidate | ProcurementCommand::ReviseResult => {
                let current = self.winners.last().map(|(supplier, _)| supplier.as_str());
                let position = self.ranking.iter().position(|bid| Some(bid.bidder.as_str()) == current);
                let next = position.and_then(|i| self.ranking.get(i + 1)).ok_or(ProcedureRefusal::NoCandidateLeft)?;
                facts.push(ProcedureFact::WinnerDetermined { supplier: next.bidder.clone(), price: next.price.price });
            }
            ProcurementCommand::CallOff => {
                let supplier = request.supplier.as_deref().ok_or(ProcedureRefusal::NotInAgreement)?;
                if !self.winners.iter().any(|(admitted, _)| admitted == supplier) {
                    return Err(ProcedureRefusal::NotInAgreement);
                }
                if request.price.is_none_or(|price| price.0 <= 0) {
                    return Err(ProcedureRefusal::PriceMissing);
                }
            }
            _ => {}
        }
        facts.push(ProcedureFact::Stepped { command, to, at_ms: now_ms, offers_due_ms, publicity_ends_ms });
        Ok((facts, line.source))
    }

    /// A procedure that needs publicity or approval takes no other first step (terminating aside).
    fn check_requirements(
        &self,
        rules: &ProcurementRules,
        command: ProcurementCommand,
    ) -> Result<(), ProcedureRefusal> {
        if self.state != ProcurementState::Planned || command == ProcurementCommand::Terminate {
            return Ok(());
        }
        if self.terms.needs_publicity && command != ProcurementCommand::StartPublicity {
            let rule = &rules.single_source_publicity;
            return Err(ProcedureRefusal::RequirementPending(format!(
                "达到公开招标数额标准的单一来源采购，应当先公示采购项目信息和唯一供应商名称，公示期不少于{}{}（{}）",
                rule.value,
                period_unit(rule),
                rule.source
            )));
        }
        if self.terms.needs_approval && !self.terms.needs_publicity && command != ProcurementCommand::SubmitForApproval
        {
            return Err(ProcedureRefusal::RequirementPending(
                "达到公开招标数额标准采用其他采购方式的，应当在采购活动开始前报财政部门批准（政府采购法 第二十七条）"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    /// Every clarification is taken to affect the offers (the platform cannot tell which do): one
    /// issued later than the method's period before the deadline moves it out to the period's end, at
    /// the same time of day (条例 第三十一条; 74号令 第二十九条、第四十五条; 214号 第十条). Returns the
    /// moved deadline, if it moved.
    fn extend_for_clarification(
        &self,
        rules: &ProcurementRules,
        calendar: &HolidayCalendar,
        asked_due_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<Option<i64>, ProcedureRefusal> {
        let (Some(rule), Some(due_ms)) =
            (super::clarification_period(rules, self.terms.method), asked_due_ms.or(self.offers_due_ms))
        else {
            return Ok(None);
        };
        if self.round > 0 {
            return Ok(None);
        }
        let due_day = china_time::date_of(due_ms);
        let extension = deadline::extend_for_late_amendment(calendar, china_time::date_of(now_ms), due_day, rule)?;
        if !extension.extended {
            return Ok(None);
        }
        let days = i64::from((extension.deadline.day - due_day).get_days());
        Ok(Some(due_ms + days * 86_400_000))
    }

    fn check_due(&self, command: ProcurementCommand, now_ms: i64) -> Result<(), ProcedureRefusal> {
        match self.offers_due_ms {
            Some(due) if now_ms < due => Err(ProcedureRefusal::OffersNotDue { command, due_ms: due }),
            _ => Ok(()),
        }
    }

    fn check_suppliers(
        &self,
        rules: &ProcurementRules,
        stage: SupplierStage,
        count: usize,
    ) -> Result<(), ProcedureRefusal> {
        let facts = SupplierFacts {
            after_failed_tender_with_two: self.terms.after_failed_tender_with_two,
            ..SupplierFacts::default()
        };
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        match supplier_shortfall(rules, self.terms.method, stage, count, facts) {
            None => Ok(()),
            Some(shortfall) => Err(ProcedureRefusal::SuppliersTooFew {
                stage: match stage {
                    SupplierStage::Invited => "邀请的供应商",
                    SupplierStage::Received => "递交响应（投标）文件的供应商",
                    SupplierStage::Qualified => "通过审查的供应商",
                    SupplierStage::FinalOffers => "提交最后报价的供应商",
                },
                shortfall: Box::new(shortfall),
            }),
        }
    }

    fn check_invited(&self, rules: &ProcurementRules) -> Result<(), ProcedureRefusal> {
        self.check_suppliers(rules, SupplierStage::Invited, self.invited.len())
    }

    /// The suppliers invited at [`ProcurementCommand::InviteSuppliers`]: at least the minimum for the
    /// method, no duplicates.
    ///
    /// # Errors
    /// None given, a duplicate, or fewer than the minimum.
    pub fn decide_invitation(
        &self,
        rules: &ProcurementRules,
        suppliers: &[String],
    ) -> Result<ProcedureFact, ProcedureRefusal> {
        if suppliers.is_empty() {
            return Err(ProcedureRefusal::SuppliersInvalid("请填写邀请的供应商（统一社会信用代码）"));
        }
        let mut sorted = suppliers.to_vec();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != suppliers.len() {
            return Err(ProcedureRefusal::SuppliersInvalid("同一供应商不能重复邀请"));
        }
        let stage = if self.terms.method == ProcurementMethod::InvitedTender {
            SupplierStage::Invited
        } else {
            SupplierStage::Received
        };
        self.check_suppliers(rules, stage, suppliers.len())?;
        Ok(ProcedureFact::SuppliersInvited { suppliers: suppliers.to_vec() })
    }

    fn decide_winners(&self, request: &StepRequest) -> Result<Vec<ProcedureFact>, ProcedureRefusal> {
        if self.terms.method == ProcurementMethod::SingleSource {
            let price = request.price.filter(|price| price.0 > 0).ok_or(ProcedureRefusal::PriceMissing)?;
            let supplier = self.terms.single_source_supplier.clone().ok_or(ProcedureRefusal::NoCandidateLeft)?;
            return Ok(vec![ProcedureFact::WinnerDetermined { supplier, price }]);
        }
        let first = self.ranking.first().ok_or(ProcedureRefusal::NotEvaluated)?;
        if self.terms.method == ProcurementMethod::FrameworkAgreement {
            // Every supplier ranked is admitted into the agreement (110号令 第二条).
            return Ok(self
                .ranking
                .iter()
                .map(|bid| ProcedureFact::WinnerDetermined { supplier: bid.bidder.clone(), price: bid.price.price })
                .collect());
        }
        Ok(vec![ProcedureFact::WinnerDetermined { supplier: first.bidder.clone(), price: first.price.price }])
    }

    /// Whether the method takes offers from invited suppliers only.
    fn invites(&self) -> bool {
        !matches!(self.terms.method, ProcurementMethod::OpenTender | ProcurementMethod::FrameworkAgreement)
    }

    /// A sealed offer from `supplier` now.
    ///
    /// # Errors
    /// Not accepting offers, after the deadline, a supplier not invited, a replaced quote in an
    /// inquiry, a final offer from a supplier that did not respond.
    pub fn decide_offer(
        &self,
        supplier: &str,
        commitment: [u8; 32],
        now_ms: i64,
    ) -> Result<ProcedureFact, ProcedureRefusal> {
        if !matches!(self.state, ProcurementState::Bidding | ProcurementState::FinalOffers) {
            return Err(ProcedureRefusal::NotAcceptingOffers(self.state));
        }
        let due = self.offers_due_ms.ok_or(ProcedureRefusal::NotAcceptingOffers(self.state))?;
        if now_ms >= due {
            return Err(ProcedureRefusal::OfferAfterDeadline { due_ms: due, now_ms });
        }
        if self.invites() && !self.invited.iter().any(|invited| invited == supplier) {
            return Err(ProcedureRefusal::NotInvited);
        }
        if self.round > 0 && !self.responded.iter().any(|responded| responded == supplier) {
            return Err(ProcedureRefusal::NotResponded);
        }
        if self.terms.method == ProcurementMethod::Inquiry && self.offers.contains_key(supplier) {
            return Err(ProcedureRefusal::OfferFinal);
        }
        Ok(ProcedureFact::OfferSealed { supplier: supplier.to_owned(), commitment, at_ms: now_ms })
    }

    /// Opens `supplier`'s offer of this round, whose `commitment` the caller computed from the price
    /// and salt given.
    ///
    /// # Errors
    /// Before the deadline, no offer, opened already, or a commitment that does not match.
    pub fn decide_opening(
        &self,
        supplier: &str,
        price: Fen,
        commitment: [u8; 32],
        claim: SmeClaim,
        now_ms: i64,
    ) -> Result<ProcedureFact, ProcedureRefusal> {
        let due = self.offers_due_ms.ok_or(ProcedureRefusal::NoOffer)?;
        if now_ms < due {
            return Err(ProcedureRefusal::OpeningTooEarly(due));
        }
        let offer = self.offers.get(supplier).ok_or(ProcedureRefusal::NoOffer)?;
        if offer.opened.is_some() {
            return Err(ProcedureRefusal::AlreadyOpened);
        }
        if offer.commitment != commitment {
            return Err(ProcedureRefusal::CommitmentMismatch);
        }
        Ok(ProcedureFact::OfferOpened { supplier: supplier.to_owned(), price, claim })
    }

    /// The committee's evaluation of the opened offers: `other_points` per supplier for comprehensive
    /// scoring (every criterion but price), the suppliers found non-compliant excluded, and an order
    /// for ties the formula leaves.
    ///
    /// # Errors
    /// Not in evaluation, nothing to rank, points missing or for an unknown supplier, or the ranking's
    /// own refusals (an unbroken tie).
    pub fn decide_evaluation(
        &self,
        rules: &ProcurementRules,
        other_points: &BTreeMap<String, Centipoints>,
        non_compliant: &[String],
        tie_order: &[String],
    ) -> Result<ProcedureFact, ProcedureRefusal> {
        if self.state != ProcurementState::Evaluating {
            return Err(ProcedureRefusal::NotEvaluating(self.state));
        }
        if !self.ranking.is_empty() {
            return Err(ProcedureRefusal::ReEvaluation);
        }
        let mut bids = Vec::new();
        for (supplier, offer) in &self.offers {
            let Some((price, claim)) = offer.opened else { continue };
            if non_compliant.contains(supplier) {
                continue;
            }
            let points = match self.terms.price_weight {
                Some(_) => *other_points.get(supplier).ok_or_else(|| {
                    ProcedureRefusal::PointsInvalid(format!("请填写供应商 {supplier} 除价格外各评审因素的得分"))
                })?,
                None => Centipoints(0),
            };
            bids.push(CompliantBid {
                bidder: supplier.clone(),
                price: adjusted_price(rules, self.terms.sme_rates, self.terms.reserved_for_sme, claim, price),
                abnormally_low: self.price_reviews.get(supplier).copied().unwrap_or(AbnormallyLowReview::Unflagged),
                other_points: points,
            });
        }
        if let Some(stranger) = other_points.keys().find(|supplier| !bids.iter().any(|bid| &bid.bidder == *supplier)) {
            return Err(ProcedureRefusal::PointsInvalid(format!(
                "供应商 {stranger} 没有有效的已解密报价，不能为其评分"
            )));
        }
        if bids.is_empty() {
            return Err(ProcedureRefusal::NothingToRank);
        }
        // 政府采购法 第三十六条; 87号令 第四十四条: fewer qualified than the minimum are not evaluated.
        let qualified =
            bids.iter().filter(|bid| bid.abnormally_low.stands() || !bid.abnormally_low.is_settled()).count();
        self.check_suppliers(rules, SupplierStage::Qualified, qualified)?;
        let ranked = match self.terms.price_weight {
            Some(weight) => rank_comprehensive(&bids, weight)?,
            None => rank_lowest_price(&bids)?,
        };
        let ranking = if ranked.windows(2).any(|pair| pair[0].rank == pair[1].rank) {
            break_ties(&ranked, &TieBreak::DocumentsOrder(tie_order.to_vec()))?
        } else {
            ranked
        };
        Ok(ProcedureFact::Evaluated { ranking })
    }

    /// The committee's move in `supplier`'s abnormally-low-price review (87号令 第六十条): during the
    /// evaluation, before the ranking, on an opened offer.
    ///
    /// # Errors
    /// Not evaluating (or evaluated already), no opened offer, or a move the review does not allow.
    pub fn decide_price_review(
        &self,
        supplier: &str,
        command: AbnormallyLowCommand,
    ) -> Result<(ProcedureFact, &'static str), ProcedureRefusal> {
        if self.state != ProcurementState::Evaluating {
            return Err(ProcedureRefusal::NotEvaluating(self.state));
        }
        if !self.ranking.is_empty() {
            return Err(ProcedureRefusal::ReEvaluation);
        }
        if self.offers.get(supplier).is_none_or(|offer| offer.opened.is_none()) {
            return Err(ProcedureRefusal::NoOffer);
        }
        let now = self.price_reviews.get(supplier).copied().unwrap_or(AbnormallyLowReview::Unflagged);
        let line = abnormally_low_transition(now, command)?;
        Ok((ProcedureFact::PriceReviewed { supplier: supplier.to_owned(), command }, line.source))
    }

    /// An objection to the single-source publicity, now.
    ///
    /// # Errors
    /// Not in publicity, or after its end.
    pub fn decide_publicity_objection(
        &self,
        objection_id: &str,
        now_ms: i64,
    ) -> Result<ProcedureFact, ProcedureRefusal> {
        if self.state != ProcurementState::Publicity {
            return Err(ProcedureRefusal::PublicityOpen("本项目不在单一来源公示期内，不接收公示异议"));
        }
        if let Some(ends) = self.publicity_ends_ms.filter(|ends| now_ms >= *ends) {
            return Err(ProcedureRefusal::PublicityOver(ends));
        }
        Ok(ProcedureFact::PublicityObjected { objection_id: objection_id.to_owned() })
    }

    /// The purchaser's review of a publicity objection (a table step, [`ProcurementCommand::ReviewObjection`]).
    ///
    /// # Errors
    /// Not in publicity, or an unknown or reviewed objection.
    pub fn decide_objection_review(
        &self,
        objection_id: &str,
        upheld: bool,
        now_ms: i64,
    ) -> Result<(Vec<ProcedureFact>, &'static str), ProcedureRefusal> {
        let command = ProcurementCommand::ReviewObjection;
        let line = transition(self.terms.method, self.state, command)?;
        let to = line.to;
        if !self.publicity_objections.iter().any(|(id, upheld)| id == objection_id && upheld.is_none()) {
            return Err(ProcedureRefusal::ObjectionUnknown);
        }
        Ok((
            vec![
                ProcedureFact::PublicityObjectionReviewed { objection_id: objection_id.to_owned(), upheld },
                ProcedureFact::Stepped { command, to, at_ms: now_ms, offers_due_ms: None, publicity_ends_ms: None },
            ],
            line.source,
        ))
    }
}

fn check_floor(
    calendar: &HolidayCalendar,
    what: &'static str,
    from_ms: i64,
    end_ms: i64,
    rule: &Rule,
) -> Result<(), ProcedureRefusal> {
    let from = china_time::date_of(from_ms);
    match deadline::check_floor(calendar, from, china_time::date_of(end_ms), rule) {
        Ok(_) => Ok(()),
        Err(DeadlineError::TooEarly { earliest, .. }) => Err(ProcedureRefusal::PeriodTooShort(format!(
            "{what}不得早于{}（自{}起不少于{}{}，依据：{}）",
            deadline::chinese_date(earliest.day),
            deadline::chinese_date(from),
            rule.value,
            period_unit(rule),
            earliest.source
        ))),
        Err(other) => Err(other.into()),
    }
}

/// Draws `count` suppliers at random from `candidates` (政府采购法 第三十四条; 87号令 第十四条): a partial
/// Fisher–Yates shuffle driven by `random` (a uniform `u64` per call; the modulo bias over at most a few
/// hundred candidates is below 2⁻⁵⁵). Returns them in the order drawn.
pub fn draw_suppliers(candidates: &[String], count: usize, mut random: impl FnMut() -> u64) -> Vec<String> {
    let mut pool = candidates.to_vec();
    let count = count.min(pool.len());
    for i in 0..count {
        let span = (pool.len() - i) as u64;
        let j = i + usize::try_from(random() % span).unwrap_or(0);
        pool.swap(i, j);
    }
    pool.truncate(count);
    pool
}
