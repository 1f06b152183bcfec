//! From a procurement's stored events to the pure [`Procedure`] and the records shown beside it.

use ggzy_domain::Fen;
use ggzy_domain::evaluation::Centipoints;
use ggzy_domain::procurement::{
    AbnormallyLowCommand, AdjustedPrice, Procedure, ProcedureFact, ProcurementCommand, ProcurementRules,
    ProcurementState, RankedBid, WeightSetting, check_price_weight,
};
use ggzy_store::StoredEvent;

use super::objections::{ComplaintState, ObjectionState, QuestionState};
use super::records::{ProcurementPlan, RankRecord};
use crate::error::{AppError, AppResult};
use crate::events::Event;

/// One step as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    /// Command identifier.
    pub command: String,
    /// Chinese name of the step.
    pub label: String,
    /// State left.
    pub from: String,
    /// State reached.
    pub to: String,
    /// The article.
    pub source: String,
    /// When, UTC ms.
    pub at_ms: i64,
    /// The performance bond at the contract's signing, fen.
    pub performance_bond_fen: Option<i64>,
    /// Why, or what was done.
    pub reason: String,
}

/// A single-source publicity objection as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicityObjectionView {
    /// Id.
    pub objection_id: String,
    /// The objecting supplier.
    pub objector_credit_code: String,
    /// What is objected to.
    pub text: String,
    /// Received, UTC ms.
    pub at_ms: i64,
    /// The review: upheld?, reply.
    pub review: Option<(bool, String)>,
}

/// A procurement folded from its stream.
pub(crate) struct Loaded {
    /// The plan (first event).
    pub(crate) plan: ProcurementPlan,
    /// The pure fold.
    pub(crate) procedure: Procedure,
    /// Steps in order.
    pub(crate) history: Vec<StepView>,
    /// The recorded ranking.
    pub(crate) ranking: Vec<RankRecord>,
    /// Suppliers found non-compliant.
    pub(crate) non_compliant: Vec<String>,
    /// The committee or group.
    pub(crate) committee: Vec<super::CommitteeMemberRecord>,
    /// When the evaluation was recorded, UTC ms.
    pub(crate) evaluated_at_ms: Option<i64>,
    /// Framework call-offs.
    pub(crate) call_offs: Vec<(String, i64, i64)>,
    /// Publicity objections.
    pub(crate) publicity_objections: Vec<PublicityObjectionView>,
    /// Questions (询问).
    pub(crate) questions: Vec<QuestionState>,
    /// Objections.
    pub(crate) objections: Vec<ObjectionState>,
    /// Complaints.
    pub(crate) complaints: Vec<ComplaintState>,
    /// Stream version.
    pub(crate) version: i64,
}

fn command_of(text: &str) -> AppResult<ProcurementCommand> {
    super::steps::parse_command(text).ok_or_else(|| AppError::Internal(format!("stored command {text}")))
}

fn state_of(text: &str) -> AppResult<ProcurementState> {
    ProcurementState::parse(text).ok_or_else(|| AppError::Internal(format!("stored state {text}")))
}

impl Loaded {
    /// Folds the stored stream; `rules` gives the pinned rules for a ruleset key and region.
    pub(crate) fn fold(
        events: &[StoredEvent],
        rules: impl Fn(&str, &str) -> AppResult<ProcurementRules>,
    ) -> AppResult<Loaded> {
        let mut parsed = events.iter().map(|stored| {
            serde_json::from_str::<Event>(&stored.payload)
                .map(|event| (stored, event))
                .map_err(|error| AppError::Internal(format!("procurement event {}: {error}", stored.position)))
        });
        let (first, Event::ProcurementPlanned(plan)) =
            parsed.next().ok_or_else(|| AppError::Internal("empty procurement stream".to_owned()))??
        else {
            return Err(AppError::Internal("a procurement stream not starting with its plan".to_owned()));
        };
        let rules = rules(&plan.ruleset, &plan.region_code)?;
        let weight = match plan.request.price_weight_percent {
            Some(percent) => Some(
                check_price_weight(
                    &rules,
                    WeightSetting {
                        method: plan.method()?,
                        category: plan.category()?,
                        percent,
                        fixed_price: false,
                        approved_exception: false,
                    },
                )
                .map_err(|error| AppError::Internal(format!("stored price weight: {error}")))?,
            ),
            None => None,
        };
        let procedure = Procedure::plan(plan.terms(weight)?, first.recorded_at_ms);
        let mut loaded = Loaded {
            plan,
            procedure,
            history: Vec::new(),
            ranking: Vec::new(),
            non_compliant: Vec::new(),
            committee: Vec::new(),
            evaluated_at_ms: None,
            call_offs: Vec::new(),
            publicity_objections: Vec::new(),
            questions: Vec::new(),
            objections: Vec::new(),
            complaints: Vec::new(),
            version: first.stream_version,
        };
        for item in parsed {
            let (stored, event) = item?;
            loaded.apply(&event, stored.recorded_at_ms)?;
            loaded.version = stored.stream_version;
        }
        Ok(loaded)
    }

    /// Folds one event recorded at `at_ms`.
    pub(crate) fn apply(&mut self, event: &Event, at_ms: i64) -> AppResult<()> {
        let fact = match event {
            Event::ProcurementStepped {
                command,
                from,
                to,
                source,
                offers_due_ms,
                publicity_ends_ms,
                price_fen,
                supplier_credit_code,
                performance_bond_fen,
                reason,
                ..
            } => {
                let command = command_of(command)?;
                if let (ProcurementCommand::CallOff, Some(supplier), Some(price)) =
                    (command, supplier_credit_code, price_fen)
                {
                    self.call_offs.push((supplier.clone(), *price, at_ms));
                }
                self.history.push(StepView {
                    command: super::steps::command_id(command).to_owned(),
                    label: command.label().to_owned(),
                    from: from.clone(),
                    to: to.clone(),
                    source: source.clone(),
                    at_ms,
                    performance_bond_fen: *performance_bond_fen,
                    reason: reason.clone(),
                });
                Some(ProcedureFact::Stepped {
                    command,
                    to: state_of(to)?,
                    at_ms,
                    offers_due_ms: *offers_due_ms,
                    publicity_ends_ms: *publicity_ends_ms,
                })
            }
            Event::ProcurementSuppliersInvited { suppliers, .. } => {
                Some(ProcedureFact::SuppliersInvited { suppliers: suppliers.clone() })
            }
            Event::ProcurementOfferSealed { supplier_credit_code, commitment_hex, at_ms, .. } => {
                Some(ProcedureFact::OfferSealed {
                    supplier: supplier_credit_code.clone(),
                    commitment: hex::decode(commitment_hex)
                        .ok()
                        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                        .ok_or_else(|| AppError::Internal(format!("stored commitment {commitment_hex}")))?,
                    at_ms: *at_ms,
                })
            }
            Event::ProcurementOfferOpened { supplier_credit_code, price_fen, sme, .. } => {
                Some(ProcedureFact::OfferOpened {
                    supplier: supplier_credit_code.clone(),
                    price: Fen(*price_fen),
                    claim: sme.claim(),
                })
            }
            Event::ProcurementPriceReviewed { supplier_credit_code, command, .. } => {
                Some(ProcedureFact::PriceReviewed {
                    supplier: supplier_credit_code.clone(),
                    command: AbnormallyLowCommand::parse(command)
                        .ok_or_else(|| AppError::Internal(format!("stored price-review command {command}")))?,
                })
            }
            Event::ProcurementEvaluated { ranking, non_compliant, committee, .. } => {
                self.ranking = ranking.clone();
                self.non_compliant = non_compliant.clone();
                self.committee = committee.clone();
                self.evaluated_at_ms = Some(at_ms);
                Some(ProcedureFact::Evaluated { ranking: ranking.iter().map(ranked_bid).collect() })
            }
            Event::ProcurementWinnerDetermined { supplier_credit_code, price_fen, .. } => {
                Some(ProcedureFact::WinnerDetermined { supplier: supplier_credit_code.clone(), price: Fen(*price_fen) })
            }
            Event::ProcurementPublicityObjected { objection_id, objector_credit_code, text, .. } => {
                self.publicity_objections.push(PublicityObjectionView {
                    objection_id: objection_id.clone(),
                    objector_credit_code: objector_credit_code.clone(),
                    text: text.clone(),
                    at_ms,
                    review: None,
                });
                Some(ProcedureFact::PublicityObjected { objection_id: objection_id.clone() })
            }
            Event::ProcurementPublicityObjectionReviewed { objection_id, upheld, reply, .. } => {
                if let Some(view) = self.publicity_objections.iter_mut().find(|view| &view.objection_id == objection_id)
                {
                    view.review = Some((*upheld, reply.clone()));
                }
                Some(ProcedureFact::PublicityObjectionReviewed { objection_id: objection_id.clone(), upheld: *upheld })
            }
            Event::ProcurementQuestionAsked { question_id, supplier_credit_code, text, asked_on, .. } => {
                self.questions.push(QuestionState {
                    question_id: question_id.clone(),
                    supplier_credit_code: supplier_credit_code.clone(),
                    text: text.clone(),
                    asked_on: crate::events::recorded_day(asked_on),
                    answer: None,
                });
                None
            }
            Event::ProcurementQuestionAnswered { question_id, reply, answered_on, .. } => {
                let question = self
                    .questions
                    .iter_mut()
                    .find(|question| &question.question_id == question_id)
                    .ok_or_else(|| AppError::Internal(format!("answer to unknown question {question_id}")))?;
                question.answer = Some((reply.clone(), crate::events::recorded_day(answered_on)));
                None
            }
            Event::ProcurementObjectionFiled(record) => {
                self.objections.push(ObjectionState::filed(record));
                None
            }
            Event::ProcurementObjectionAnswered { objection_id, upheld, reply, answered_on, .. } => {
                let objection = self
                    .objections
                    .iter_mut()
                    .find(|objection| &objection.record.objection_id == objection_id)
                    .ok_or_else(|| AppError::Internal(format!("answer to unknown objection {objection_id}")))?;
                objection.answer = Some((*upheld, reply.clone(), crate::events::recorded_day(answered_on)));
                None
            }
            Event::ProcurementComplaintFiled {
                complaint_id,
                objection_id,
                supplier_credit_code,
                text,
                received_on,
                ..
            } => {
                self.complaints.push(ComplaintState {
                    complaint_id: complaint_id.clone(),
                    objection_id: objection_id.clone(),
                    supplier_credit_code: supplier_credit_code.clone(),
                    text: text.clone(),
                    received_on: crate::events::recorded_day(received_on),
                    decision: None,
                    clock_stops: Vec::new(),
                });
                None
            }
            Event::ProcurementComplaintClockMoved { complaint_id, stopped, on, reason, .. } => {
                let complaint = self
                    .complaints
                    .iter_mut()
                    .find(|complaint| &complaint.complaint_id == complaint_id)
                    .ok_or_else(|| AppError::Internal(format!("clock of unknown complaint {complaint_id}")))?;
                let day = crate::events::recorded_day(on);
                if *stopped {
                    complaint.clock_stops.push((day, None, reason.clone()));
                } else if let Some(open) = complaint.clock_stops.last_mut() {
                    open.1 = Some(day);
                }
                None
            }
            Event::ProcurementComplaintDecided {
                complaint_id, upheld, affects_result, decision, decided_on, ..
            } => {
                let complaint = self
                    .complaints
                    .iter_mut()
                    .find(|complaint| &complaint.complaint_id == complaint_id)
                    .ok_or_else(|| AppError::Internal(format!("decision on unknown complaint {complaint_id}")))?;
                complaint.decision =
                    Some((*upheld, *affects_result, decision.clone(), crate::events::recorded_day(decided_on)));
                None
            }
            other => return Err(AppError::Internal(format!("{} in a procurement stream", other.type_name()))),
        };
        if let Some(fact) = fact {
            self.procedure.apply(&fact);
        }
        Ok(())
    }
}

/// A recorded place back to the pure ranking.
fn ranked_bid(record: &RankRecord) -> RankedBid {
    RankedBid {
        rank: record.rank,
        bidder: record.supplier_credit_code.clone(),
        price: AdjustedPrice { price: Fen(record.price_fen), deduction_percent: record.deduction_percent },
        price_points: record.price_points_centi.map(Centipoints),
        total: record.total_centi.map(Centipoints),
    }
}

/// A pure ranking as recorded.
pub(crate) fn rank_record(bid: &RankedBid) -> RankRecord {
    RankRecord {
        rank: bid.rank,
        supplier_credit_code: bid.bidder.clone(),
        price_fen: bid.price.price.0,
        deduction_percent: bid.price.deduction_percent,
        price_points_centi: bid.price_points.map(|points| points.0),
        total_centi: bid.total.map(|points| points.0),
    }
}
