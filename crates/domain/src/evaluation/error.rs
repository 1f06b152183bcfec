//! Why an evaluation cannot be computed from its inputs: bad ruleset numbers, a bid list that
//! breaks an invariant, or a score sheet that is incomplete or out of range. Messages are shown to
//! the committee and say what to correct.

use super::Centipoints;
use crate::Fen;

const SCORING_ARTICLE: &str = "招标投标法实施条例 第四十九条";

/// Why an evaluation cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    /// A ruleset number or configured parameter that makes no sense (e.g. `candidates_max < 1`).
    #[error("评标参数 {rule} 的取值 {value} 不合理：请检查规则集或评标办法的设置")]
    RuleInvalid {
        /// The parameter.
        rule: &'static str,
        /// The value given.
        value: String,
    },
    /// Two bids from the same bidder. They must be resolved (one rejected on
    /// 条例 第五十一条第（四）项, or merged when alternatives were asked for) before evaluation.
    #[error(
        "投标人“{bidder}”有多份投标参加评审：同一投标人提交两个以上不同的投标文件或者投标报价的，应当否决其投标，请合并为一条记录并注明否决理由（招标投标法实施条例 第五十一条第（四）项）"
    )]
    DuplicateBidder {
        /// The bidder.
        bidder: String,
    },
    /// A bid that stands with an evaluated price of zero or less, which no formula can use.
    #[error(
        "投标人“{bidder}”的评审价格为{evaluated_price}元，不是正数：请核对投标报价和价格调整（招标投标法 第四十一条第（二）项）"
    )]
    EvaluatedPriceNotPositive {
        /// The bidder.
        bidder: String,
        /// Its evaluated price.
        evaluated_price: Fen,
    },
    /// An amount or a score too large to compute with.
    #[error("投标人“{bidder}”的金额或分值超出可计算范围：请核对投标报价、价格调整和评分")]
    Overflow {
        /// The bidder.
        bidder: String,
    },
    /// Comprehensive scoring without any scoring member.
    #[error("没有提交评分的评标委员会成员：综合评估法须由评标委员会成员逐项评分（{SCORING_ARTICLE}）")]
    NoMembers,
    /// A member listed twice among the scorers (their scores would count twice in the mean).
    #[error("评分成员“{member}”重复列出：每名成员只能计算一次，请删除重复的成员（招标投标法 第三十七条）")]
    DuplicateMember {
        /// The member.
        member: String,
    },
    /// A score by someone who is not a scoring member.
    #[error(
        "“{member}”不是评标委员会成员，不能对投标人“{bidder}”的评分项“{criterion}”评分：请删除该评分或核对成员名单（招标投标法 第三十七条）"
    )]
    ScoreUnknownMember {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The criterion scored.
        criterion: String,
    },
    /// A score of a bidder that did not bid.
    #[error("成员“{member}”对未参加评审的投标人“{bidder}”评了分（评分项“{criterion}”）：请删除该评分或核对投标人名单")]
    ScoreUnknownBidder {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The criterion scored.
        criterion: String,
    },
    /// A score on a criterion the table does not have (条例 第四十九条: only the documents' criteria
    /// may be used).
    #[error(
        "成员“{member}”对投标人“{bidder}”的评分项“{criterion}”不在招标文件的评分表中：招标文件没有规定的评标标准不得作为评标依据，请删除该评分（{SCORING_ARTICLE}）"
    )]
    ScoreUnknownCriterion {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The criterion named.
        criterion: String,
    },
    /// A hand-entered score on the price criterion, which the formula computes.
    #[error(
        "成员“{member}”对投标人“{bidder}”的价格评分项“{criterion}”手工评了分：价格分按招标文件规定的公式计算，请删除该评分（{SCORING_ARTICLE}）"
    )]
    ScoreOnPriceCriterion {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The price criterion.
        criterion: String,
    },
    /// A score outside `0..=max` of its criterion.
    #[error(
        "成员“{member}”对投标人“{bidder}”的评分项“{criterion}”打分{points}分，超出0至{max}分的范围：请在该项满分以内重新评分（{SCORING_ARTICLE}）"
    )]
    ScoreOutOfRange {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The criterion scored.
        criterion: String,
        /// The score given.
        points: Centipoints,
        /// The criterion's maximum.
        max: Centipoints,
    },
    /// The same member scored the same bid on the same criterion twice.
    #[error(
        "成员“{member}”对投标人“{bidder}”的评分项“{criterion}”评了两次分：每名成员每项只能评一次分，请删除多余的评分"
    )]
    ScoreDuplicate {
        /// Who scored.
        member: String,
        /// The bidder scored.
        bidder: String,
        /// The criterion scored.
        criterion: String,
    },
    /// A member has not scored a bid that stands on a criterion.
    #[error(
        "成员“{member}”尚未对投标人“{bidder}”的评分项“{criterion}”评分：每名成员应对每个有效投标的每个评分项评分，请补充评分（{SCORING_ARTICLE}）"
    )]
    ScoreMissing {
        /// Who has not scored.
        member: String,
        /// The bidder not scored.
        bidder: String,
        /// The criterion not scored.
        criterion: String,
    },
}

impl EvaluationError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            EvaluationError::RuleInvalid { .. } => "evaluation_rule_invalid",
            EvaluationError::DuplicateBidder { .. } => "bid_bidder_duplicate",
            EvaluationError::EvaluatedPriceNotPositive { .. } => "evaluated_price_not_positive",
            EvaluationError::Overflow { .. } => "evaluation_overflow",
            EvaluationError::NoMembers => "score_members_missing",
            EvaluationError::DuplicateMember { .. } => "score_member_duplicate",
            EvaluationError::ScoreUnknownMember { .. } => "score_member_unknown",
            EvaluationError::ScoreUnknownBidder { .. } => "score_bidder_unknown",
            EvaluationError::ScoreUnknownCriterion { .. } => "score_criterion_unknown",
            EvaluationError::ScoreOnPriceCriterion { .. } => "score_on_price_criterion",
            EvaluationError::ScoreOutOfRange { .. } => "score_out_of_range",
            EvaluationError::ScoreDuplicate { .. } => "score_duplicate",
            EvaluationError::ScoreMissing { .. } => "score_missing",
        }
    }
}
