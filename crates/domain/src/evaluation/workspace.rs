//! The committee's workspace (评标工作): the rules that decide, from what the members have done so
//! far, who chairs, whether the time must be extended, whether one member's score sheet is
//! complete, whether the chair may draw up the report and whether it is signed.
//!
//! The caller records each member's act (sign-in with the avoidance declaration, a vote for the
//! chair, a signed score sheet, a request for more time, a signature on the report) and asks these
//! functions what follows; nothing here reads a clock or a store.

use std::collections::{BTreeMap, BTreeSet};

use super::scoring::ScoreSheet;
use super::{Bid, EvaluationError, MemberScore, ScoringTable};
use crate::Fen;

const CHAIR: &str = "评标委员会和评标方法暂行规定 第九条";
const TIME: &str = "招标投标法实施条例 第四十八条第二款";
const CLARIFICATION: &str = "招标投标法实施条例 第五十二条";
const SIGNING: &str = "招标投标法实施条例 第五十三条";
const CRITERIA: &str = "招标投标法实施条例 第四十九条";

/// Why the workspace refuses a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    /// A member has not signed in with the avoidance declaration.
    #[error("评标委员会成员“{member}”尚未签到并作出回避承诺，不能进行评标工作")]
    NotSignedIn {
        /// The member.
        member: String,
    },
    /// No chair elected yet.
    #[error("评标委员会尚未推举负责人：过半数成员推举同一成员后方可由其汇总评标报告（{CHAIR}）")]
    NoChair,
    /// A step only the chair may take.
    #[error("只有评标委员会负责人“{chair}”可以{step}")]
    NotChair {
        /// The chair.
        chair: String,
        /// The step.
        step: &'static str,
    },
    /// More than a third asked for more time and the principal has not extended it.
    #[error(
        "{requests}名评标委员会成员（超过三分之一）认为评标时间不够，招标人应当适当延长评标时间（{TIME}）：延长前不能汇总评标报告"
    )]
    ExtensionRequired {
        /// How many asked.
        requests: usize,
    },
    /// A member has not handed in a complete score sheet (comprehensive scoring).
    #[error("评标委员会成员“{member}”尚未提交签名的评分表：每名成员应对每份投标文件的每个评分项评分（{CRITERIA}）")]
    ScoresMissing {
        /// The member.
        member: String,
    },
    /// A clarification the committee asked for is not answered.
    #[error("投标人“{bidder}”尚未答复评标委员会的澄清要求（{CLARIFICATION}）：答复后方可汇总评标报告")]
    ClarificationOpen {
        /// The bidder.
        bidder: String,
    },
    /// A dissent with no written reason.
    #[error("不同意评标结果的，应当以书面形式说明不同意见和理由（{SIGNING}）：请填写 dissent")]
    DissentReasonMissing,
}

impl WorkspaceError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            WorkspaceError::NotSignedIn { .. } => "evaluation_not_signed_in",
            WorkspaceError::NoChair => "evaluation_chair_missing",
            WorkspaceError::NotChair { .. } => "evaluation_not_chair",
            WorkspaceError::ExtensionRequired { .. } => "evaluation_time_extension_required",
            WorkspaceError::ScoresMissing { .. } => "evaluation_scores_missing",
            WorkspaceError::ClarificationOpen { .. } => "clarification_open",
            WorkspaceError::DissentReasonMissing => "dissent_reason_missing",
        }
    }
}

/// The chair (评标委员会负责人): the member whom more than half of the committee voted for, if any
/// (推举产生, 评标委员会和评标方法暂行规定 第九条). Each member has one vote, the latest counts.
pub fn elected_chair(members: usize, votes: &BTreeMap<String, String>) -> Option<String> {
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for candidate in votes.values() {
        *tally.entry(candidate.as_str()).or_default() += 1;
    }
    tally.into_iter().find(|&(_, count)| count * 2 > members).map(|(candidate, _)| candidate.to_owned())
}

/// Whether the principal must extend the evaluation time: the share of the committee that asked
/// is above `share_max` (num, den) — 条例 第四十八条第二款 says "超过三分之一": exactly a third is not
/// above it. Compared exactly by cross-multiplication.
pub fn extension_required(members: usize, requests: usize, share_max: (i64, i64)) -> bool {
    let (num, den) = share_max;
    // usize → i128 is lossless; a negative or zero denominator never owes an extension.
    den > 0 && (requests as i128) * i128::from(den) > (members as i128) * i128::from(num)
}

/// Checks one member's score sheet as handed in: every opened bid scored on every criterion the
/// tender documents' table lists except price (computed by formula), each once and within range;
/// no criterion outside the table (条例 第四十九条: only the documents' criteria may be used).
///
/// # Errors
/// The first problem, as [`EvaluationError`] (unknown bidder or criterion, price scored, out of
/// range, duplicate, missing).
pub fn check_score_sheet(
    table: &ScoringTable,
    member: &str,
    scores: &[MemberScore],
    bidders: &[String],
) -> Result<(), EvaluationError> {
    let members = [member.to_owned()];
    if let Some(score) = scores.iter().find(|score| score.member != member) {
        return Err(EvaluationError::ScoreUnknownMember {
            member: score.member.clone(),
            bidder: score.bidder.clone(),
            criterion: score.criterion.clone(),
        });
    }
    // Every opened bid counts as standing here: the preliminary review's rejections come with the
    // report, and a rejected bid's scores are then ignored.
    let bids: Vec<Bid> = bidders.iter().map(|bidder| Bid::new(bidder.clone(), Fen(1), 0)).collect();
    let sheet = ScoreSheet::new(table, &members, scores, &bids)?;
    for bidder in bidders {
        for criterion in table.criteria().iter().filter(|c| c.kind != super::CriterionKind::Price) {
            sheet.mean(bidder, criterion)?;
        }
    }
    Ok(())
}

/// What the workspace holds when the chair asks to draw up the report.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceState {
    /// Every member, in committee order.
    pub members: Vec<String>,
    /// Members signed in with the avoidance declaration.
    pub signed_in: BTreeSet<String>,
    /// The elected chair.
    pub chair: Option<String>,
    /// Members who handed in a signed score sheet.
    pub scored: BTreeSet<String>,
    /// Whether the method needs members' scores (comprehensive scoring).
    pub scores_needed: bool,
    /// Members who asked for more time since the last extension.
    pub time_requests: usize,
    /// The ruleset's share above which the time must be extended (num, den).
    pub more_time_share_max: (i64, i64),
    /// Whether the principal extended the time after the requests.
    pub extended: bool,
    /// Bidders whose clarification is still unanswered.
    pub open_clarifications: Vec<String>,
}

impl WorkspaceState {
    /// Checks that `member` signed in.
    ///
    /// # Errors
    /// [`WorkspaceError::NotSignedIn`].
    pub fn check_signed_in(&self, member: &str) -> Result<(), WorkspaceError> {
        if self.signed_in.contains(member) {
            Ok(())
        } else {
            Err(WorkspaceError::NotSignedIn { member: member.to_owned() })
        }
    }

    /// Checks that `member` is the chair, for `step`.
    ///
    /// # Errors
    /// [`WorkspaceError::NoChair`] or [`WorkspaceError::NotChair`].
    pub fn check_chair(&self, member: &str, step: &'static str) -> Result<(), WorkspaceError> {
        match &self.chair {
            None => Err(WorkspaceError::NoChair),
            Some(chair) if chair == member => Ok(()),
            Some(chair) => Err(WorkspaceError::NotChair { chair: chair.clone(), step }),
        }
    }

    /// Whether the chair may draw up the report: everyone signed in, a chair, every score sheet
    /// (comprehensive scoring), every clarification answered and the time extended if asked.
    ///
    /// # Errors
    /// The first thing missing, in that order.
    pub fn check_ready_to_report(&self, by: &str) -> Result<(), WorkspaceError> {
        if let Some(member) = self.members.iter().find(|m| !self.signed_in.contains(*m)) {
            return Err(WorkspaceError::NotSignedIn { member: member.clone() });
        }
        self.check_chair(by, "汇总评标报告")?;
        if self.scores_needed
            && let Some(member) = self.members.iter().find(|m| !self.scored.contains(*m))
        {
            return Err(WorkspaceError::ScoresMissing { member: member.clone() });
        }
        if let Some(bidder) = self.open_clarifications.first() {
            return Err(WorkspaceError::ClarificationOpen { bidder: bidder.clone() });
        }
        if self.extension_owed() {
            return Err(WorkspaceError::ExtensionRequired { requests: self.time_requests });
        }
        Ok(())
    }

    /// Whether the principal still owes an extension: more than the share asked since the last one.
    pub fn extension_owed(&self) -> bool {
        extension_required(self.members.len(), self.time_requests, self.more_time_share_max) && !self.extended
    }
}

/// How a member stands on the report (条例 第五十三条).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stance {
    /// Signed, agreeing.
    Agrees,
    /// Signed with a written dissent and its reasons (noted in the report).
    Dissents(String),
    /// Did not sign and gave no written dissent: counts as agreeing.
    DeemedToAgree,
}

impl Stance {
    /// The stance of a signature: a dissent needs its reasons in writing.
    ///
    /// # Errors
    /// [`WorkspaceError::DissentReasonMissing`] for a dissent with an empty reason.
    pub fn of_signature(agree: bool, dissent: Option<&str>) -> Result<Stance, WorkspaceError> {
        match (agree, dissent.map(str::trim).filter(|text| !text.is_empty())) {
            (true, _) => Ok(Stance::Agrees),
            (false, Some(reason)) => Ok(Stance::Dissents(reason.to_owned())),
            (false, None) => Err(WorkspaceError::DissentReasonMissing),
        }
    }

    /// Identifier shown by the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stance::Agrees => "agrees",
            Stance::Dissents(_) => "dissents",
            Stance::DeemedToAgree => "deemed_to_agree",
        }
    }
}

/// Every member's stance on the report when it is closed: who signed keeps their stance, who did
/// not is deemed to agree (拒绝签字又不书面说明其不同意见和理由的，视为同意评标结果, 条例 第五十三条).
pub fn stances(members: &[String], signed: &BTreeMap<String, Stance>) -> Vec<(String, Stance)> {
    members
        .iter()
        .map(|member| (member.clone(), signed.get(member).cloned().unwrap_or(Stance::DeemedToAgree)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{BenchmarkPrice, Centipoints, Criterion, CriterionKind, PriceFormula};
    use super::*;

    fn votes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(voter, candidate)| ((*voter).to_owned(), (*candidate).to_owned())).collect()
    }

    #[test]
    fn the_chair_needs_more_than_half_of_the_committee() {
        assert_eq!(elected_chair(5, &votes(&[("a", "b"), ("b", "b")])), None);
        assert_eq!(elected_chair(5, &votes(&[("a", "b"), ("b", "b"), ("c", "b")])), Some("b".to_owned()));
        assert_eq!(elected_chair(4, &votes(&[("a", "b"), ("b", "b")])), None, "half is not more than half");
        assert_eq!(elected_chair(5, &votes(&[("a", "b"), ("b", "c"), ("c", "a")])), None);
    }

    #[test]
    fn more_time_is_owed_only_when_more_than_a_third_ask() {
        let third = (1, 3);
        assert!(!extension_required(5, 1, third));
        assert!(extension_required(5, 2, third), "2 of 5 is more than a third");
        assert!(!extension_required(9, 3, third), "exactly a third is not more");
        assert!(extension_required(9, 4, third));
        assert!(!extension_required(7, 0, third));
        assert!(!extension_required(7, 7, (1, 0)), "a broken share owes nothing");
    }

    fn table() -> ScoringTable {
        let criterion = |id: &str, points: i64, kind| Criterion {
            id: id.to_owned(),
            name: id.to_owned(),
            max: Centipoints(points * 100),
            kind,
        };
        let formula = PriceFormula::new(BenchmarkPrice::LowestValid, 100, 50).expect("formula");
        ScoringTable::new(
            vec![
                criterion("tech", 50, CriterionKind::Technical),
                criterion("biz", 10, CriterionKind::Commercial),
                criterion("price", 40, CriterionKind::Price),
            ],
            formula,
        )
        .expect("table")
    }

    fn score(member: &str, bidder: &str, criterion: &str, points: i64) -> MemberScore {
        MemberScore {
            member: member.to_owned(),
            bidder: bidder.to_owned(),
            criterion: criterion.to_owned(),
            points: Centipoints(points),
        }
    }

    #[test]
    fn a_score_sheet_covers_every_bid_on_every_criterion_of_the_documents_and_nothing_else() {
        let bidders = vec!["A".to_owned(), "B".to_owned()];
        let full: Vec<MemberScore> =
            ["A", "B"].iter().flat_map(|b| [score("m", b, "tech", 4000), score("m", b, "biz", 800)]).collect();
        assert_eq!(check_score_sheet(&table(), "m", &full, &bidders), Ok(()));
        let missing = &full[..3];
        assert_eq!(check_score_sheet(&table(), "m", missing, &bidders).map_err(|e| e.code()), Err("score_missing"));
        let mut outside = full.clone();
        outside.push(score("m", "A", "brand", 100));
        assert_eq!(
            check_score_sheet(&table(), "m", &outside, &bidders).map_err(|e| e.code()),
            Err("score_criterion_unknown"),
            "条例49: a criterion the documents do not state"
        );
        let mut price = full.clone();
        price.push(score("m", "A", "price", 100));
        assert_eq!(
            check_score_sheet(&table(), "m", &price, &bidders).map_err(|e| e.code()),
            Err("score_on_price_criterion")
        );
        let mut other = full;
        other[0].member = "n".to_owned();
        assert_eq!(
            check_score_sheet(&table(), "m", &other, &bidders).map_err(|e| e.code()),
            Err("score_member_unknown"),
            "a member signs only their own scores"
        );
    }

    fn ready() -> WorkspaceState {
        let members: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|m| (*m).to_owned()).collect();
        WorkspaceState {
            signed_in: members.iter().cloned().collect(),
            scored: members.iter().cloned().collect(),
            members,
            chair: Some("a".to_owned()),
            scores_needed: true,
            more_time_share_max: (1, 3),
            ..WorkspaceState::default()
        }
    }

    #[test]
    fn the_report_waits_for_sign_in_chair_scores_clarifications_and_time() {
        assert_eq!(ready().check_ready_to_report("a"), Ok(()));
        assert_eq!(ready().check_ready_to_report("b").map_err(|e| e.code()), Err("evaluation_not_chair"));
        let mut state = ready();
        state.signed_in.remove("c");
        assert_eq!(state.check_ready_to_report("a"), Err(WorkspaceError::NotSignedIn { member: "c".to_owned() }));
        let mut state = ready();
        state.chair = None;
        assert_eq!(state.check_ready_to_report("a"), Err(WorkspaceError::NoChair));
        let mut state = ready();
        state.scored.remove("e");
        assert_eq!(state.check_ready_to_report("a"), Err(WorkspaceError::ScoresMissing { member: "e".to_owned() }));
        state.scores_needed = false;
        assert_eq!(state.check_ready_to_report("a"), Ok(()), "lowest evaluated price: no score sheets");
        let mut state = ready();
        state.open_clarifications.push("B".to_owned());
        assert_eq!(state.check_ready_to_report("a").map_err(|e| e.code()), Err("clarification_open"));
        let mut state = ready();
        state.time_requests = 2;
        assert_eq!(state.check_ready_to_report("a"), Err(WorkspaceError::ExtensionRequired { requests: 2 }));
        state.extended = true;
        assert_eq!(state.check_ready_to_report("a"), Ok(()));
    }

    #[test]
    fn silence_counts_as_agreement_and_a_dissent_needs_reasons() {
        assert_eq!(Stance::of_signature(false, Some("  ")), Err(WorkspaceError::DissentReasonMissing));
        assert_eq!(Stance::of_signature(false, None), Err(WorkspaceError::DissentReasonMissing));
        assert_eq!(Stance::of_signature(true, None), Ok(Stance::Agrees));
        let dissent = Stance::of_signature(false, Some("技术评分偏高")).expect("dissent");
        let members: Vec<String> = ["a", "b", "c"].iter().map(|m| (*m).to_owned()).collect();
        let signed: BTreeMap<String, Stance> =
            [("a".to_owned(), Stance::Agrees), ("b".to_owned(), dissent.clone())].into_iter().collect();
        assert_eq!(
            stances(&members, &signed),
            vec![("a".to_owned(), Stance::Agrees), ("b".to_owned(), dissent), ("c".to_owned(), Stance::DeemedToAgree)]
        );
    }
}
