//! What the purchaser, the suppliers and the finance department do on a procurement after its plan:
//! table steps, the choice of suppliers, sealed offers and their opening, the evaluation, and the
//! single-source publicity's objections. Each runs through `App::procurement_command` on the fold.

use std::collections::BTreeMap;

use ggzy_domain::Fen;
use ggzy_domain::authz::Action;
use ggzy_domain::evaluation::Centipoints;
use ggzy_domain::evaluation::{CommitteeMember, MemberKind};
use ggzy_domain::procurement::{
    AbnormallyLowCommand, Procedure, ProcedureFact, ProcurementCommand, ProcurementMember, StepRequest,
    check_procurement_committee, committee_size, draw_suppliers,
};

use super::fold::rank_record;
use super::records::{CommitteeMemberRecord, SmeClaimRecord};
use super::{Loaded, ProcurementView, Security, TEXT_MAX_CHARS, check_security_cap, field, refusal};
use crate::App;
use crate::actor::Actor;
use crate::entity::stored_region;
use crate::entropy::random_hex;
use crate::error::{AppError, AppResult, required_text};
use crate::events::Event;

/// Every command with its API identifier.
const COMMANDS: [(ProcurementCommand, &str); 32] = [
    (ProcurementCommand::SubmitForApproval, "submit_for_approval"),
    (ProcurementCommand::Approve, "approve"),
    (ProcurementCommand::RefuseApproval, "refuse_approval"),
    (ProcurementCommand::StartPublicity, "start_publicity"),
    (ProcurementCommand::ReviewObjection, "review_objection"),
    (ProcurementCommand::ClosePublicity, "close_publicity"),
    (ProcurementCommand::InviteSuppliers, "invite_suppliers"),
    (ProcurementCommand::PublishNotice, "publish_notice"),
    (ProcurementCommand::IssueDocuments, "issue_documents"),
    (ProcurementCommand::IssueClarification, "issue_clarification"),
    (ProcurementCommand::StartOpening, "start_opening"),
    (ProcurementCommand::CloseOpening, "close_opening"),
    (ProcurementCommand::CompleteReview, "complete_review"),
    (ProcurementCommand::CloseResponses, "close_responses"),
    (ProcurementCommand::StartNegotiation, "start_negotiation"),
    (ProcurementCommand::RequestFinalOffers, "request_final_offers"),
    (ProcurementCommand::CloseFinalOffers, "close_final_offers"),
    (ProcurementCommand::SubmitReport, "submit_report"),
    (ProcurementCommand::DetermineWinner, "determine_winner"),
    (ProcurementCommand::PublishResult, "publish_result"),
    (ProcurementCommand::NextCandidate, "next_candidate"),
    (ProcurementCommand::SignContract, "sign_contract"),
    (ProcurementCommand::PublishContract, "publish_contract"),
    (ProcurementCommand::RecordAcceptance, "record_acceptance"),
    (ProcurementCommand::CallOff, "call_off"),
    (ProcurementCommand::DeclareFailed, "declare_failed"),
    (ProcurementCommand::Terminate, "terminate"),
    (ProcurementCommand::Suspend, "suspend"),
    (ProcurementCommand::Resume, "resume"),
    (ProcurementCommand::HoldContract, "hold_contract"),
    (ProcurementCommand::ReleaseContract, "release_contract"),
    (ProcurementCommand::ReviseResult, "revise_result"),
];

/// A command's API identifier.
pub(crate) fn command_id(command: ProcurementCommand) -> &'static str {
    COMMANDS.iter().find(|(known, _)| *known == command).map_or("unknown", |(_, id)| id)
}

/// Parses a command identifier.
pub(crate) fn parse_command(text: &str) -> Option<ProcurementCommand> {
    COMMANDS.iter().find(|(_, id)| *id == text).map(|(command, _)| *command)
}

/// Commands only the finance department (the regulator) takes: approval of the method
/// (政府采购法 第二十七条) and the suspension during a complaint (第五十七条).
fn is_regulators(command: ProcurementCommand) -> bool {
    matches!(
        command,
        ProcurementCommand::Approve
            | ProcurementCommand::RefuseApproval
            | ProcurementCommand::Suspend
            | ProcurementCommand::Resume
    )
}

/// A step as asked over the API.
#[derive(Debug, Clone, Default)]
pub struct StepAsked {
    /// Command identifier.
    pub command: String,
    /// A new deadline for offers, UTC ms.
    pub offers_due_ms: Option<i64>,
    /// The end of a single-source publicity, UTC ms.
    pub publicity_ends_ms: Option<i64>,
    /// A price, fen (single-source award, call-off).
    pub price_fen: Option<i64>,
    /// A supplier (call-off).
    pub supplier_credit_code: Option<String>,
    /// Suppliers chosen (invite_suppliers).
    pub suppliers: Vec<String>,
    /// How they were chosen: `notice`, `library_draw` or `recommendation`.
    pub selection: Option<String>,
    /// The qualified suppliers to draw from at random (invite_suppliers), instead of `suppliers`.
    pub candidates: Vec<String>,
    /// How many to draw from `candidates`.
    pub draw_count: Option<usize>,
    /// The performance bond at the contract's signing, fen.
    pub performance_bond_fen: Option<i64>,
    /// Why, or what was done.
    pub reason: String,
}

/// An offer as shown after its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferView {
    /// The supplier.
    pub supplier_credit_code: String,
    /// Sealed at, UTC ms.
    pub at_ms: i64,
    /// Price once opened, fen.
    pub price_fen: Option<i64>,
    /// Whether it claims an SME deduction.
    pub sme: Option<SmeClaimRecord>,
}

/// The receipt of a sealed offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferReceipt {
    /// Procurement.
    pub procurement_id: String,
    /// Round.
    pub round: u32,
    /// The supplier.
    pub supplier_credit_code: String,
    /// Server time, UTC ms.
    pub at_ms: i64,
}

pub(crate) fn offer_views(procedure: &Procedure) -> Vec<OfferView> {
    procedure
        .offers()
        .iter()
        .map(|(supplier, offer)| OfferView {
            supplier_credit_code: supplier.clone(),
            at_ms: offer.at_ms,
            price_fen: offer.opened.map(|(price, _)| price.0),
            sme: offer.opened.map(|(_, claim)| sme_record(claim)),
        })
        .collect()
}

fn sme_record(claim: ggzy_domain::procurement::SmeClaim) -> SmeClaimRecord {
    use ggzy_domain::procurement::SmeClaim;
    match claim {
        SmeClaim::None => SmeClaimRecord::default(),
        SmeClaim::SmallMicro => SmeClaimRecord { kind: super::SmeClaimKind::SmallMicro, ..SmeClaimRecord::default() },
        SmeClaim::Share { small_micro_share_percent, related } => {
            SmeClaimRecord { kind: super::SmeClaimKind::Share, share_percent: Some(small_micro_share_percent), related }
        }
    }
}

/// The stored events of pure facts decided on `loaded` (the step's article for a step).
pub(crate) fn events_of(loaded: &Loaded, facts: Vec<ProcedureFact>, source: &str, asked: &StepAsked) -> Vec<Event> {
    let procurement_id = loaded.plan.procurement_id.clone();
    let from = loaded.procedure.state().as_str().to_owned();
    facts
        .into_iter()
        .filter_map(|fact| match fact {
            ProcedureFact::Stepped { command, to, offers_due_ms, publicity_ends_ms, .. } => {
                Some(Event::ProcurementStepped {
                    procurement_id: procurement_id.clone(),
                    command: command_id(command).to_owned(),
                    from: from.clone(),
                    to: to.as_str().to_owned(),
                    source: source.to_owned(),
                    offers_due_ms,
                    publicity_ends_ms,
                    price_fen: asked.price_fen.filter(|_| command == ProcurementCommand::CallOff),
                    supplier_credit_code: asked
                        .supplier_credit_code
                        .clone()
                        .filter(|_| command == ProcurementCommand::CallOff),
                    performance_bond_fen: asked
                        .performance_bond_fen
                        .filter(|_| command == ProcurementCommand::SignContract),
                    reason: asked.reason.trim().to_owned(),
                })
            }
            ProcedureFact::WinnerDetermined { supplier, price } => Some(Event::ProcurementWinnerDetermined {
                procurement_id: procurement_id.clone(),
                supplier_credit_code: supplier,
                price_fen: price.0,
            }),
            ProcedureFact::SuppliersInvited { suppliers } => Some(Event::ProcurementSuppliersInvited {
                procurement_id: procurement_id.clone(),
                selection: asked.selection.clone().unwrap_or_default(),
                candidates: asked.candidates.clone(),
                suppliers,
            }),
            ProcedureFact::PublicityObjectionReviewed { objection_id, upheld } => {
                Some(Event::ProcurementPublicityObjectionReviewed {
                    procurement_id: procurement_id.clone(),
                    objection_id,
                    upheld,
                    reply: asked.reason.trim().to_owned(),
                })
            }
            // Offers, openings, price reviews, evaluations and objections have their own use cases.
            ProcedureFact::OfferSealed { .. }
            | ProcedureFact::OfferOpened { .. }
            | ProcedureFact::Evaluated { .. }
            | ProcedureFact::PriceReviewed { .. }
            | ProcedureFact::PublicityObjected { .. } => None,
        })
        .collect()
}

/// The deadline a clarification moved out by law (not the one asked for), if it did.
fn clarification_extension(loaded: &Loaded, facts: &[ProcedureFact], asked: &StepAsked) -> Option<i64> {
    facts.iter().find_map(|fact| match fact {
        ProcedureFact::Stepped {
            command: ProcurementCommand::IssueClarification, offers_due_ms: Some(due), ..
        } if Some(*due) != asked.offers_due_ms.or(loaded.procedure.offers_due_ms()) => Some(*due),
        _ => None,
    })
}

/// The committee's evaluation as asked.
#[derive(Debug, Clone, Default)]
pub struct EvaluationAsked {
    /// Points of every criterion but price per supplier, centipoints (comprehensive scoring).
    pub other_points: BTreeMap<String, i64>,
    /// Suppliers found non-compliant.
    pub non_compliant: Vec<String>,
    /// The order the documents set for ties.
    pub tie_order: Vec<String>,
    /// The committee or group.
    pub committee: Vec<CommitteeMemberRecord>,
    /// The item is technically complex or of large social impact (a larger tender committee).
    pub complex_or_high_impact: bool,
}

fn committee_members(committee: &[CommitteeMemberRecord]) -> AppResult<Vec<ProcurementMember>> {
    committee
        .iter()
        .map(|member| {
            let name = required_text("committee.name", &member.name, "评审成员姓名", 50)?;
            let kind = if member.expert { MemberKind::Expert } else { MemberKind::PrincipalRepresentative };
            Ok(ProcurementMember {
                member: CommitteeMember { id: name, kind },
                purchaser_staff: member.purchaser_staff,
                agency_staff: member.agency_staff,
            })
        })
        .collect()
}

/// The selection methods of suppliers (政府采购法 第二十九条, 74号令 第十二条, 214号 第六条).
const SELECTIONS: [&str; 3] = ["notice", "library_draw", "recommendation"];

impl App {
    /// Takes one step of the procurement's table.
    pub async fn procurement_step(
        &self,
        actor: &Actor,
        procurement_id: &str,
        asked: StepAsked,
    ) -> AppResult<ProcurementView> {
        let command = parse_command(&asked.command).ok_or_else(|| {
            field("command", "invalid_command", format!("步骤 {} 不存在；可用的步骤见接口文档", asked.command))
        })?;
        if command == ProcurementCommand::ReviewObjection {
            return Err(field(
                "command",
                "invalid_command",
                "处理公示异议请使用 …/publicity-objections/{objection_id}/review",
            ));
        }
        let needs_reason = matches!(
            command,
            ProcurementCommand::DeclareFailed
                | ProcurementCommand::Terminate
                | ProcurementCommand::Suspend
                | ProcurementCommand::RefuseApproval
                | ProcurementCommand::HoldContract
                | ProcurementCommand::IssueClarification
        );
        if needs_reason {
            required_text("reason", &asked.reason, "理由（或澄清、修改的内容）", TEXT_MAX_CHARS)?;
        }
        if command == ProcurementCommand::InviteSuppliers {
            let selection = asked.selection.as_deref().unwrap_or("");
            if !SELECTIONS.contains(&selection) {
                return Err(field(
                    "selection",
                    "invalid_selection",
                    "供应商产生方式须为 notice（发布资格预审公告征集）、library_draw（从供应商库中随机抽取）或 recommendation（采购人和评审专家书面推荐）",
                ));
            }
            for supplier in asked.suppliers.iter().chain(&asked.candidates) {
                self.store.entity(supplier).await?.ok_or(AppError::NotFound { what: "供应商" })?;
            }
        }
        let mut asked = asked;
        if command == ProcurementCommand::InviteSuppliers && !asked.candidates.is_empty() {
            asked.suppliers = self.draw_invited(&asked)?;
        }
        let procurement_id = procurement_id.to_owned();
        self.procurement_update(actor, &procurement_id, |loaded, rules, now_ms| {
            if is_regulators(command) {
                actor.authorize(Action::SuperviseTender, &stored_region(&loaded.plan.region_code)?)?;
            } else {
                Self::authorize_purchaser(actor, loaded)?;
            }
            if let (ProcurementCommand::SignContract, Some(bond)) = (command, asked.performance_bond_fen) {
                let contract_fen = loaded.procedure.winners().last().map_or(0, |(_, price)| price.0);
                let pinned = self.pinned_ruleset(&loaded.plan.ruleset)?;
                check_security_cap(pinned, Security::PerformanceBond, contract_fen, bond)?;
            }
            let request = StepRequest {
                offers_due_ms: asked.offers_due_ms,
                publicity_ends_ms: asked.publicity_ends_ms,
                price: asked.price_fen.map(Fen),
                supplier: asked.supplier_credit_code.clone(),
            };
            let (mut facts, source) =
                loaded.procedure.decide_step(rules, &self.calendar, command, &request, now_ms).map_err(refusal)?;
            if command == ProcurementCommand::InviteSuppliers {
                let method = loaded.procedure.terms().method;
                let must_draw = method == ggzy_domain::procurement::ProcurementMethod::InvitedTender
                    || asked.selection.as_deref() == Some("library_draw");
                if must_draw && asked.candidates.is_empty() {
                    return Err(field(
                        "candidates",
                        "invalid_suppliers",
                        "邀请招标、从供应商库中选取的，应当从符合资格条件的供应商中随机抽取：请填写备选供应商（candidates）和抽取家数（draw_count），由平台随机抽取（政府采购法 第三十四条；政府采购货物和服务招标投标管理办法（财政部令第87号）第十四条）",
                    ));
                }
                let invited = loaded.procedure.decide_invitation(rules, &asked.suppliers).map_err(refusal)?;
                facts.insert(0, invited);
            }
            let mut asked = asked.clone();
            if let Some(moved) = clarification_extension(loaded, &facts, &asked) {
                asked.reason = format!(
                    "{}（澄清发出时距递交截止时间不足法定期限，递交截止时间顺延至{}）",
                    asked.reason.trim(),
                    ggzy_domain::china_time::text(moved)
                );
            }
            Ok(events_of(loaded, facts, source, &asked))
        })
        .await
    }

    /// Draws the invited suppliers at random from the candidates (政府采购法 第三十四条; 87号令 第十四条: from
    /// a written recommendation, at least twice as many candidates as drawn).
    fn draw_invited(&self, asked: &StepAsked) -> AppResult<Vec<String>> {
        if !asked.suppliers.is_empty() {
            return Err(field(
                "suppliers",
                "invalid_suppliers",
                "随机抽取时只填写备选供应商（candidates），不填写 suppliers",
            ));
        }
        let mut candidates = asked.candidates.clone();
        candidates.sort();
        candidates.dedup();
        if candidates.len() != asked.candidates.len() {
            return Err(field("candidates", "invalid_suppliers", "备选供应商不能重复"));
        }
        let count = asked.draw_count.filter(|count| *count >= 1 && *count <= candidates.len()).ok_or_else(|| {
            field(
                "draw_count",
                "invalid_suppliers",
                format!("抽取家数须在1至{}（备选供应商家数）之间", candidates.len()),
            )
        })?;
        if asked.selection.as_deref() == Some("recommendation") && candidates.len() < 2 * count {
            return Err(field(
                "candidates",
                "invalid_suppliers",
                format!(
                    "采用书面推荐方式的，备选供应商不得少于拟随机抽取家数的两倍（{}家）（政府采购货物和服务招标投标管理办法（财政部令第87号）第十四条）",
                    2 * count
                ),
            ));
        }
        Ok(draw_suppliers(&asked.candidates, count, || {
            let mut bytes = [0u8; 8];
            self.entropy.fill(&mut bytes);
            u64::from_be_bytes(bytes)
        }))
    }

    /// A supplier seals its offer (bid, response or final offer): an SM3 commitment to its price and
    /// a salt only it knows, so nobody can read the price before the deadline.
    pub async fn seal_procurement_offer(
        &self,
        actor: &Actor,
        procurement_id: &str,
        supplier: &str,
        commitment_hex: &str,
    ) -> AppResult<OfferReceipt> {
        let commitment = hex::decode(commitment_hex.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| field("commitment", "invalid_commitment", "报价承诺值须为64位十六进制的SM3摘要"))?;
        self.store.entity(supplier).await?.ok_or(AppError::NotFound { what: "供应商" })?;
        self.check_not_restricted(supplier, ggzy_domain::credit::RestrictionScope::Procurement).await?;
        self.procurement_command(actor, procurement_id, |loaded, _, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, supplier)?;
            let fact = loaded.procedure.decide_offer(supplier, commitment, now_ms).map_err(refusal)?;
            let round = loaded.procedure.round();
            let event = Event::ProcurementOfferSealed {
                procurement_id: procurement_id.to_owned(),
                round,
                supplier_credit_code: supplier.to_owned(),
                commitment_hex: hex::encode(commitment),
                at_ms: now_ms,
            };
            debug_assert!(matches!(fact, ProcedureFact::OfferSealed { .. }));
            let receipt = OfferReceipt {
                procurement_id: procurement_id.to_owned(),
                round,
                supplier_credit_code: supplier.to_owned(),
                at_ms: now_ms,
            };
            Ok((vec![event], receipt))
        })
        .await
    }

    /// A supplier opens its offer after the deadline with the price and salt it sealed, and states
    /// its SME claim (the committee checks the declaration).
    pub async fn open_procurement_offer(
        &self,
        actor: &Actor,
        procurement_id: &str,
        supplier: &str,
        price_fen: i64,
        salt_hex: &str,
        sme: SmeClaimRecord,
    ) -> AppResult<ProcurementView> {
        if price_fen <= 0 {
            return Err(field("price_fen", "invalid_amount", "报价须大于零（单位：分）"));
        }
        if sme.kind == super::SmeClaimKind::Share && !sme.share_percent.is_some_and(|share| (0..=100).contains(&share))
        {
            return Err(field(
                "sme.share_percent",
                "invalid_amount",
                "联合体或分包的小微企业合同份额须为0至100的百分比",
            ));
        }
        let (commitment, _) = crate::sale::commitment_of_price(price_fen, salt_hex)?;
        self.procurement_update(actor, procurement_id, |loaded, _, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, supplier)?;
            loaded
                .procedure
                .decide_opening(supplier, Fen(price_fen), commitment, sme.claim(), now_ms)
                .map_err(refusal)?;
            let event = Event::ProcurementOfferOpened {
                procurement_id: procurement_id.to_owned(),
                round: loaded.procedure.round(),
                supplier_credit_code: supplier.to_owned(),
                price_fen,
                sme,
            };
            Ok(vec![event])
        })
        .await
    }

    /// Records the committee's evaluation: the points of every criterion but price per supplier
    /// (comprehensive scoring), the non-compliant suppliers, and an order for remaining ties; the
    /// ranking itself is computed by the statutory formula.
    pub async fn evaluate_procurement(
        &self,
        actor: &Actor,
        procurement_id: &str,
        evaluation: EvaluationAsked,
    ) -> AppResult<ProcurementView> {
        let EvaluationAsked { other_points, non_compliant, tie_order, committee, complex_or_high_impact } = evaluation;
        let members = committee_members(&committee)?;
        let points: BTreeMap<String, Centipoints> =
            other_points.into_iter().map(|(supplier, points)| (supplier, Centipoints(points))).collect();
        if let Some((supplier, _)) = points.iter().find(|(_, points)| points.0 < 0 || points.0 > 10_000) {
            return Err(field(
                "other_points",
                "invalid_points",
                format!("供应商 {supplier} 的得分须在0至100分之间（单位：0.01分）"),
            ));
        }
        self.procurement_update(actor, procurement_id, |loaded, rules, _| {
            Self::authorize_purchaser(actor, loaded)?;
            let terms = loaded.procedure.terms();
            if let Some(size) =
                committee_size(rules, terms.method, terms.category, terms.budget, complex_or_high_impact)
            {
                check_procurement_committee(&size, &members)
                    .map_err(|error| field("committee", error.code(), error.to_string()))?;
            }
            let fact =
                loaded.procedure.decide_evaluation(rules, &points, &non_compliant, &tie_order).map_err(refusal)?;
            let ProcedureFact::Evaluated { ranking } = fact else {
                return Err(AppError::Internal("an evaluation decided as something else".to_owned()));
            };
            let event = Event::ProcurementEvaluated {
                procurement_id: procurement_id.to_owned(),
                ranking: ranking.iter().map(rank_record).collect(),
                non_compliant: non_compliant.clone(),
                committee: committee.clone(),
            };
            Ok(vec![event])
        })
        .await
    }

    /// The committee moves a bid's abnormally-low-price review (87号令 第六十条): flags a price clearly
    /// below the others, asks for a written explanation, accepts or rejects it, or records that none
    /// came. A flagged bid is neither ranked nor dropped until the review ends; a rejected one is
    /// invalid.
    pub async fn review_offer_price(
        &self,
        actor: &Actor,
        procurement_id: &str,
        supplier: &str,
        command: &str,
        reason: &str,
    ) -> AppResult<ProcurementView> {
        let command = AbnormallyLowCommand::parse(command).ok_or_else(|| {
            field(
                "command",
                "invalid_command",
                "报价审查步骤须为 flag（认定报价明显偏低）、request_explanation（要求书面说明）、accept_explanation（采信说明）、\
                 reject_explanation（不采信说明）或 miss_explanation（逾期未说明）",
            )
        })?;
        let reason = required_text("reason", reason, "理由（或说明的要点）", TEXT_MAX_CHARS)?;
        self.procurement_update(actor, procurement_id, |loaded, _, _| {
            Self::authorize_purchaser(actor, loaded)?;
            let (fact, _) = loaded.procedure.decide_price_review(supplier, command).map_err(refusal)?;
            let mut after = loaded.procedure.clone();
            after.apply(&fact);
            let review = after.price_reviews().get(supplier).map_or("unflagged", |review| review.as_str());
            Ok(vec![Event::ProcurementPriceReviewed {
                procurement_id: procurement_id.to_owned(),
                supplier_credit_code: supplier.to_owned(),
                command: command.as_str().to_owned(),
                review: review.to_owned(),
                reason,
            }])
        })
        .await
    }

    /// A supplier objects to a single-source publicity (条例 第三十八条). Returns the objection id.
    pub async fn object_to_publicity(
        &self,
        actor: &Actor,
        procurement_id: &str,
        objector: &str,
        text: &str,
    ) -> AppResult<String> {
        let text = required_text("text", text, "异议内容", TEXT_MAX_CHARS)?;
        self.store.entity(objector).await?.ok_or(AppError::NotFound { what: "供应商" })?;
        let objection_id = random_hex(self.entropy.as_ref(), 8);
        self.procurement_command(actor, procurement_id, |loaded, _, now_ms| {
            actor.authorize_on_entity(Action::SubmitBid, &stored_region(&loaded.plan.region_code)?, objector)?;
            loaded.procedure.decide_publicity_objection(&objection_id, now_ms).map_err(refusal)?;
            let event = Event::ProcurementPublicityObjected {
                procurement_id: procurement_id.to_owned(),
                objection_id: objection_id.clone(),
                objector_credit_code: objector.to_owned(),
                text,
            };
            Ok((vec![event], objection_id.clone()))
        })
        .await
    }

    /// The purchaser reviews a publicity objection (74号令 第四十条: with the experts' opinion) and
    /// answers; an upheld objection ends the single-source route.
    pub async fn review_publicity_objection(
        &self,
        actor: &Actor,
        procurement_id: &str,
        objection_id: &str,
        upheld: bool,
        reply: &str,
    ) -> AppResult<ProcurementView> {
        let reply = required_text("reply", reply, "处理意见", TEXT_MAX_CHARS)?;
        let asked = StepAsked { reason: reply, ..StepAsked::default() };
        self.procurement_update(actor, procurement_id, |loaded, _, now_ms| {
            Self::authorize_purchaser(actor, loaded)?;
            let (facts, source) =
                loaded.procedure.decide_objection_review(objection_id, upheld, now_ms).map_err(refusal)?;
            Ok(events_of(loaded, facts, source, &asked))
        })
        .await
    }
}
