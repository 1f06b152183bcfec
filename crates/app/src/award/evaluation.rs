//! The committee (招标投标法 第三十七条) and its report: the opened bids evaluated by the documents'
//! method with the committee's rejections, adjustments and scores (条例 第四十九条至第五十三条).

use ggzy_domain::Fen;
use ggzy_domain::evaluation::{
    self, BenchmarkPrice, Bid, Centipoints, CommitteeMember, Criterion, CriterionKind, EvaluationOutcome, MemberKind,
    MemberScore, Method, PriceAdjustment, PriceFormula, RankingRules, RejectionGround, ScoringTable,
};
use ggzy_domain::lot_award::LotCommand;
use ggzy_store::tender_projection::TenderRow;

use super::work_events::DraftOutcome;
use super::{LotAward, rule};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::events::{
    CommitteeDetails, EvaluationDetails, EvaluationTermsDetails, Event, MemberDetails, RankedDetails, RejectedDetails,
    ScoringTableDetails,
};

/// Bids priced below this percent of the average of the bids that stand are flagged as abnormally
/// low unless the tender documents set another figure: a practice setting, not a statutory number
/// (the law only says "明显低于", 条例 第五十一条第（五）项; the flag asks for an explanation and
/// rejects nothing by itself).
pub const ABNORMALLY_LOW_DEFAULT_PERCENT: i64 = 80;

/// The committee to form.
#[derive(Debug, Clone)]
pub struct CommitteeInput {
    /// The tender documents' method, restated (optional: the documents' is used).
    pub method: Option<String>,
    /// Members.
    pub members: Vec<MemberDetails>,
    /// The documents' scoring table, restated (optional).
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

/// The committee's findings.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// Rejected bids.
    pub rejections: Vec<RejectionInput>,
    /// Price adjustments.
    pub adjustments: Vec<AdjustmentInput>,
    /// Abnormally-low threshold, percent of the average (default [`ABNORMALLY_LOW_DEFAULT_PERCENT`]).
    pub abnormally_low_percent: Option<i64>,
}

impl App {
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
        super::reference_price::check_reference_price_revealed(&fold)?;
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        // The committee evaluates by the documents' method and table and no other (条例 第四十九条):
        // a request may restate them, never change them.
        let terms = self.documents_evaluation(tender_id).await?.ok_or_else(|| {
            AppError::refused(
                "evaluation_method_not_in_documents",
                "招标文件（招标公告）未载明评标方法：评标委员会只能按照招标文件规定的评标标准和方法评审（招标投标法实施条例 第四十九条），请以澄清或修改载明后再组建委员会",
            )
        })?;
        let differs = input.method.as_deref().is_some_and(|m| m != terms.method)
            || input.scoring_table.as_ref().is_some_and(|t| Some(t) != terms.scoring_table.as_ref());
        if differs {
            return Err(AppError::refused(
                "evaluation_method_not_in_documents",
                format!(
                    "请求的评标方法或评分表与招标文件载明的（{}）不一致：招标文件没有规定的评标标准和方法不得作为评标的依据（招标投标法实施条例 第四十九条）",
                    terms.method
                ),
            ));
        }
        let method = Method::parse(&terms.method)
            .ok_or_else(|| AppError::Internal(format!("recorded documents' method {}", terms.method)))?;
        // The experts of a project that must be tendered are drawn at random from the pool, and
        // nobody may name them (条例 第四十六条): they come from the lot's draw, the request names only
        // the principal's representatives. A voluntary tender may name its experts, unless it drew.
        let drawn = self.seated_experts(tender_id, lot_id).await?;
        let must_tender = self.tender_must_tender(&row).await?;
        if (must_tender || drawn.is_some()) && input.members.iter().any(|m| m.kind == "expert") {
            return Err(AppError::refused(
                "committee_experts_not_drawn",
                "评标专家应当从评标专家库内相关专业的专家名单中以随机抽取方式确定，任何单位和个人不得指定（招标投标法实施条例 第四十六条）：委员会的专家取自本标段的抽取结果，请求中只列招标人代表",
            ));
        }
        let Some(drawn) = drawn.or_else(|| (!must_tender).then(Vec::new)) else {
            return Err(AppError::refused(
                "draw_not_performed",
                "依法必须进行招标的项目，须先从评标专家库随机抽取本标段的评标专家（招标投标法实施条例 第四十六条），再组建评标委员会",
            ));
        };
        let drawn_members: Vec<MemberDetails> = drawn
            .into_iter()
            .map(|(expert_id, name)| MemberDetails { name, kind: "expert".to_owned(), expert_id: Some(expert_id) })
            .collect();
        let all_members: Vec<MemberDetails> = drawn_members.into_iter().chain(input.members.iter().cloned()).collect();
        let mut members = Vec::new();
        for member in &all_members {
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
            members.push(CommitteeMember { id: member.member_id().trim().to_owned(), kind });
        }
        let size = rule(ruleset, "committee_members_min")?;
        let share = rule(ruleset, "committee_experts_share_min")?;
        evaluation::check_committee(&members, size.value, (share.value, share.denominator))
            .map_err(|error| AppError::refused(error.code(), error.to_string()))?;
        let scoring_table = terms.scoring_table;
        let details = CommitteeDetails {
            tender_id: tender_id.to_owned(),
            lot_id: lot_id.to_owned(),
            method: method.as_str().to_owned(),
            members: all_members
                .iter()
                .map(|m| MemberDetails {
                    name: m.name.trim().to_owned(),
                    kind: m.kind.clone(),
                    expert_id: m.expert_id.clone(),
                })
                .collect(),
            scoring_table,
        };
        self.record_lot(actor, &row, &fold, Event::CommitteeFormed(details)).await
    }

    /// The evaluation terms the tender's documents stated at the notice, if any.
    pub(crate) async fn documents_evaluation(&self, tender_id: &str) -> AppResult<Option<EvaluationTermsDetails>> {
        let mut terms = None;
        for stored in self.store.stream(&crate::events::stream::tender(tender_id)).await? {
            let event: Event = serde_json::from_str(&stored.payload)
                .map_err(|e| AppError::Internal(format!("stored event {}: {e}", stored.position)))?;
            if let Event::TenderNoticePublished { evaluation, .. } = event {
                terms = evaluation;
            }
        }
        Ok(terms)
    }

    /// The report the committee's findings and the members' signed score sheets make: the bids
    /// opened for the lot, evaluated by the documents' method with the chair's rejections and
    /// adjustments. When no bid stands the lot fails (招标投标法 第四十二条).
    pub(super) async fn evaluate_outcome(
        &self,
        row: &TenderRow,
        fold: &LotAward,
        input: &ReportInput,
        scores: &[MemberScore],
    ) -> AppResult<DraftOutcome> {
        let (tender_id, lot_id) = (fold.tender_id.as_str(), fold.lot_id.as_str());
        let ruleset = self.pinned_ruleset(&row.ruleset_version)?;
        let committee =
            fold.committee.clone().ok_or_else(|| AppError::Internal("evaluating without a committee".to_owned()))?;
        let mut bids = self.opened_bids(tender_id, lot_id).await?;
        // A bid above the published ceiling price is rejected, whatever the committee sends
        // (条例 第五十一条第（五）项); the ceiling is set with the documents (第二十七条).
        if let Some(ceiling) = row.ceiling_price_fen {
            for bid in bids.iter_mut().filter(|bid| bid.price.0 > ceiling) {
                bid.rejections.push(RejectionGround::PriceBelowCostOrAboveCeiling);
            }
        }
        // Bidders whose heads are one person, or one of which controls the other, may not bid for the
        // same lot: all their bids are invalid (条例 第三十四条第二款、第三款), whatever the committee
        // sends; the register of relations decides, and the ground is eligibility (第五十一条第（三）项).
        let bidders: Vec<String> = bids.iter().map(|bid| bid.bidder.clone()).collect();
        for group in self.related_bidder_groups(tender_id, lot_id, &bidders).await? {
            for related in &group.bidders {
                if let Some(bid) = bids.iter_mut().find(|bid| bid.bidder == related.as_str())
                    && !bid.rejections.contains(&RejectionGround::NotQualified)
                {
                    bid.rejections.push(RejectionGround::NotQualified);
                }
            }
        }
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
                let members: Vec<String> = committee.members.iter().map(|m| m.member_id().to_owned()).collect();
                evaluation::evaluate_comprehensive(&bids, &scoring_table(table)?, &members, scores, rules)
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
        Ok(match outcome {
            EvaluationOutcome::Failed { reason, rejected } => DraftOutcome::Failed {
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
                DraftOutcome::Reported(EvaluationDetails {
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
        })
    }

    /// The lot's bids that were opened (decrypted), with the price read out at opening.
    pub(super) async fn opened_bids(&self, tender_id: &str, lot_id: &str) -> AppResult<Vec<Bid>> {
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
}

fn find_bid<'a>(bids: &'a mut [Bid], bidder: &str) -> AppResult<&'a mut Bid> {
    bids.iter_mut().find(|bid| bid.bidder == bidder).ok_or_else(|| {
        AppError::refused("bidder_not_in_lot", format!("{bidder} 没有在该标段开标的投标文件，不能对其评审"))
    })
}

/// The domain scoring table of a recorded one.
pub(super) fn scoring_table(table: &ScoringTableDetails) -> AppResult<ScoringTable> {
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

/// Checks the documents' evaluation terms when the notice is published: a known method, and for
/// comprehensive scoring a valid table (criteria adding up to 100 points, one price criterion).
pub(crate) fn check_evaluation_terms(terms: &EvaluationTermsDetails) -> AppResult<()> {
    match Method::parse(&terms.method) {
        Some(Method::ComprehensiveScoring) => {
            let table = terms.scoring_table.as_ref().ok_or_else(|| {
                AppError::refused(
                    "scoring_table_invalid",
                    "综合评估法须在招标文件中载明评分表（scoring_table）：评分项、分值和价格分计算方法（招标投标法实施条例 第四十九条）",
                )
            })?;
            scoring_table(table).map(drop)
        }
        Some(Method::LowestEvaluatedPrice) if terms.scoring_table.is_some() => Err(AppError::refused(
            "scoring_table_invalid",
            "经评审的最低投标价法不使用评分表：请删除 scoring_table，或改用 comprehensive_scoring（综合评估法）",
        )),
        Some(Method::LowestEvaluatedPrice) => Ok(()),
        None => Err(AppError::refused(
            "evaluation_method_invalid",
            format!(
                "评标方法“{}”无效：应为 lowest_evaluated_price（经评审的最低投标价法）或 comprehensive_scoring（综合评估法），见招标投标法 第四十一条",
                terms.method
            ),
        )),
    }
}
