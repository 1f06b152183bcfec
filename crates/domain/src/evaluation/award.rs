//! The award decision (确定中标人): which choices the principal has, given the ranked candidates
//! and the candidates who dropped out.
//!
//! - Every project: the winner is chosen from the committee's candidates (招标投标法 第四十条).
//! - 国有资金占控股或者主导地位的依法必须进行招标的项目 (`state_funded`): the winner must be the
//!   first-ranked candidate. Only when that candidate drops out on a ground of
//!   招标投标法实施条例 第五十五条 (放弃中标, 因不可抗力不能履行合同, 不按照招标文件要求提交履约保证金,
//!   被查实存在影响中标结果的违法行为) may the principal take the next candidate *in rank order*
//!   (依次) or re-run the tender; the principal chooses.
//! - Other projects: any candidate still standing may be chosen (第四十条). The statute gives no
//!   ground to re-run the tender while a candidate stands, so re-tendering is offered only when
//!   every candidate has dropped out.
//!
//! A dropout that names a bidder who is not a candidate changes nothing and is ignored.

/// Why a candidate dropped out (招标投标法实施条例 第五十五条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropoutGround {
    /// The candidate declined the award (放弃中标).
    Declined,
    /// Force majeure prevents performing the contract (因不可抗力不能履行合同).
    ForceMajeure,
    /// No performance bond as the documents require (不按照招标文件要求提交履约保证金).
    NoPerformanceBond,
    /// Found to have acted unlawfully in a way that affects the result (被查实存在影响中标结果的违法行为).
    Unlawful,
}

impl DropoutGround {
    /// Every ground, in the article's order.
    pub const ALL: [DropoutGround; 4] = [
        DropoutGround::Declined,
        DropoutGround::ForceMajeure,
        DropoutGround::NoPerformanceBond,
        DropoutGround::Unlawful,
    ];

    /// Identifier stored in events and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DropoutGround::Declined => "declined",
            DropoutGround::ForceMajeure => "force_majeure",
            DropoutGround::NoPerformanceBond => "no_performance_bond",
            DropoutGround::Unlawful => "unlawful",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<DropoutGround> {
        DropoutGround::ALL.into_iter().find(|ground| ground.as_str() == text)
    }

    /// The Chinese wording of the article.
    pub fn label(self) -> &'static str {
        match self {
            DropoutGround::Declined => "放弃中标",
            DropoutGround::ForceMajeure => "因不可抗力不能履行合同",
            DropoutGround::NoPerformanceBond => "不按照招标文件要求提交履约保证金",
            DropoutGround::Unlawful => "被查实存在影响中标结果的违法行为",
        }
    }

    /// The legal source.
    pub fn article(self) -> &'static str {
        "招标投标法实施条例 第五十五条"
    }
}

/// A candidate who dropped out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropout {
    /// The candidate's bidder id.
    pub bidder: String,
    /// The ground.
    pub ground: DropoutGround,
}

/// One choice the principal may make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwardOption {
    /// Award this candidate.
    Winner {
        /// The candidate's bidder id.
        bidder: String,
        /// Its 1-based rank among the candidates.
        rank: usize,
    },
    /// Re-run the tender (重新招标).
    Retender,
}

/// What the principal chose, to be checked against the [`AwardDecision`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwardChoice {
    /// Award the candidate with this bidder id.
    Winner(String),
    /// Re-run the tender.
    Retender,
}

/// Which rule shapes the options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AwardBasis {
    /// State-funded, the first candidate stands: it must be the winner.
    FirstCandidate,
    /// State-funded, the first candidate(s) dropped out: the next in rank order, or re-tender.
    NextCandidateOrRetender,
    /// Not state-funded: any standing candidate.
    AnyCandidate,
    /// No candidate stands: re-tender.
    NoCandidateLeft,
}

impl AwardBasis {
    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AwardBasis::FirstCandidate => "first_candidate",
            AwardBasis::NextCandidateOrRetender => "next_candidate_or_retender",
            AwardBasis::AnyCandidate => "any_candidate",
            AwardBasis::NoCandidateLeft => "no_candidate_left",
        }
    }
}

/// The principal's options after evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardDecision {
    /// Whether 国有资金占控股或者主导地位 (条例 第五十五条 applies).
    pub state_funded: bool,
    /// Which rule shapes the options.
    pub basis: AwardBasis,
    /// The allowed choices; candidates in rank order, then re-tendering if allowed.
    pub options: Vec<AwardOption>,
    /// The legal source of the options.
    pub article: &'static str,
    /// The candidates in rank order, with the ground if they dropped out.
    candidates: Vec<(String, Option<DropoutGround>)>,
}

/// Why a choice of winner is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwardError {
    /// The chosen bidder is not among the committee's candidates.
    #[error(
        "投标人“{chosen}”不在评标委员会推荐的中标候选人名单中：应根据书面评标报告从推荐的中标候选人中确定中标人（招标投标法 第四十条）"
    )]
    NotACandidate {
        /// The bidder chosen.
        chosen: String,
    },
    /// The chosen candidate dropped out.
    #[error("中标候选人“{chosen}”{}，不符合中标条件：请按排序确定其他中标候选人或者重新招标（招标投标法实施条例 第五十五条）", .ground.label())]
    CandidateDropped {
        /// The candidate chosen.
        chosen: String,
        /// Why it dropped out.
        ground: DropoutGround,
    },
    /// State-funded project: the choice skips a candidate ranked higher who still stands.
    #[error(
        "国有资金占控股或者主导地位的依法必须进行招标的项目，应当确定排名第{required_rank}的中标候选人“{required}”为中标人：“{chosen}”排名第{chosen_rank}，只有排名在前的候选人放弃中标、因不可抗力不能履行合同、不按照招标文件要求提交履约保证金或者被查实存在影响中标结果的违法行为时，才能按排序依次确定（招标投标法实施条例 第五十五条）"
    )]
    NotFirstCandidate {
        /// The candidate chosen.
        chosen: String,
        /// Its rank.
        chosen_rank: usize,
        /// The candidate who must be chosen.
        required: String,
        /// That candidate's rank.
        required_rank: usize,
    },
    /// Re-tendering while the candidate who must (or may) be chosen still stands.
    #[error(
        "排名第{rank}的中标候选人“{candidate}”未放弃中标，也不存在不能履约、未提交履约保证金或者违法等情形：应当确定中标人，不能重新招标（{article}）"
    )]
    RetenderNotAllowed {
        /// The candidate who stands.
        candidate: String,
        /// Its rank.
        rank: usize,
        /// The legal source.
        article: &'static str,
    },
}

impl AwardError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            AwardError::NotACandidate { .. } => "award_not_a_candidate",
            AwardError::CandidateDropped { .. } => "award_candidate_dropped",
            AwardError::NotFirstCandidate { .. } => "award_not_first_candidate",
            AwardError::RetenderNotAllowed { .. } => "award_retender_not_allowed",
        }
    }
}

/// The principal's options, from the candidates in rank order (`candidates[0]` is ranked first)
/// and the dropouts. See the module documentation for the rules.
pub fn decide_award(state_funded: bool, candidates: &[String], dropped: &[Dropout]) -> AwardDecision {
    let candidates: Vec<(String, Option<DropoutGround>)> = candidates
        .iter()
        .map(|bidder| {
            let ground = dropped.iter().find(|dropout| &dropout.bidder == bidder).map(|dropout| dropout.ground);
            (bidder.clone(), ground)
        })
        .collect();
    let standing = candidates
        .iter()
        .enumerate()
        .filter(|(_, (_, ground))| ground.is_none())
        .map(|(index, (bidder, _))| AwardOption::Winner { bidder: bidder.clone(), rank: index + 1 });

    let (basis, options) = match (state_funded, candidates.iter().position(|(_, ground)| ground.is_none())) {
        (_, None) => (AwardBasis::NoCandidateLeft, vec![AwardOption::Retender]),
        (true, Some(0)) => (AwardBasis::FirstCandidate, standing.take(1).collect()),
        (true, Some(_)) => {
            (AwardBasis::NextCandidateOrRetender, standing.take(1).chain([AwardOption::Retender]).collect())
        }
        (false, Some(_)) => (AwardBasis::AnyCandidate, standing.collect()),
    };
    AwardDecision { state_funded, basis, options, article: article_for(state_funded), candidates }
}

/// The legal source of the options: 条例 第五十五条 where it applies, 招标投标法 第四十条 otherwise.
fn article_for(state_funded: bool) -> &'static str {
    if state_funded { "招标投标法实施条例 第五十五条" } else { "招标投标法 第四十条" }
}

impl AwardDecision {
    /// Checks the principal's choice against the options and returns the matching option.
    ///
    /// # Errors
    /// An [`AwardError`] saying why the choice is not allowed and what is.
    pub fn check(&self, choice: &AwardChoice) -> Result<AwardOption, AwardError> {
        let first_option = self.options.iter().find_map(|option| match option {
            AwardOption::Winner { bidder, rank } => Some((bidder, *rank)),
            AwardOption::Retender => None,
        });
        match choice {
            AwardChoice::Retender => {
                if self.options.contains(&AwardOption::Retender) {
                    return Ok(AwardOption::Retender);
                }
                let (candidate, rank) = first_option.map(|(bidder, rank)| (bidder.clone(), rank)).unwrap_or_default();
                Err(AwardError::RetenderNotAllowed { candidate, rank, article: self.article })
            }
            AwardChoice::Winner(chosen) => {
                let Some(index) = self.candidates.iter().position(|(bidder, _)| bidder == chosen) else {
                    return Err(AwardError::NotACandidate { chosen: chosen.clone() });
                };
                if let (_, Some(ground)) = self.candidates[index] {
                    return Err(AwardError::CandidateDropped { chosen: chosen.clone(), ground });
                }
                let option = AwardOption::Winner { bidder: chosen.clone(), rank: index + 1 };
                if self.options.contains(&option) {
                    return Ok(option);
                }
                // Only a state-funded decision leaves out a standing candidate: one ranked below
                // the candidate who must be chosen.
                let (required, required_rank) =
                    first_option.map(|(bidder, rank)| (bidder.clone(), rank)).unwrap_or_default();
                Err(AwardError::NotFirstCandidate {
                    chosen: chosen.clone(),
                    chosen_rank: index + 1,
                    required,
                    required_rank,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<String> {
        ["A", "B", "C"].iter().map(|&bidder| bidder.to_owned()).collect()
    }

    fn dropout(bidder: &str, ground: DropoutGround) -> Dropout {
        Dropout { bidder: bidder.to_owned(), ground }
    }

    fn winner(bidder: &str, rank: usize) -> AwardOption {
        AwardOption::Winner { bidder: bidder.to_owned(), rank }
    }

    #[test]
    fn state_funded_must_take_the_first() {
        let decision = decide_award(true, &candidates(), &[]);
        assert_eq!(decision.basis, AwardBasis::FirstCandidate);
        assert_eq!(decision.options, [winner("A", 1)]);
        assert_eq!(decision.check(&AwardChoice::Winner("A".to_owned())), Ok(winner("A", 1)));
        let error = decision.check(&AwardChoice::Winner("B".to_owned())).expect_err("B is second");
        assert_eq!(error.code(), "award_not_first_candidate");
        let message = error.to_string();
        assert!(message.contains("排名第1") && message.contains("第五十五条"), "{message}");
        assert_eq!(decision.check(&AwardChoice::Retender).map_err(|e| e.code()), Err("award_retender_not_allowed"));
    }

    #[test]
    fn state_funded_after_the_first_drops_out() {
        let decision = decide_award(true, &candidates(), &[dropout("A", DropoutGround::NoPerformanceBond)]);
        assert_eq!(decision.basis, AwardBasis::NextCandidateOrRetender);
        assert_eq!(decision.options, [winner("B", 2), AwardOption::Retender]);
        assert_eq!(decision.check(&AwardChoice::Retender), Ok(AwardOption::Retender));
        // 依次: C only after B drops out too.
        assert_eq!(
            decision.check(&AwardChoice::Winner("C".to_owned())).map_err(|e| e.code()),
            Err("award_not_first_candidate")
        );
        assert_eq!(
            decision.check(&AwardChoice::Winner("A".to_owned())),
            Err(AwardError::CandidateDropped { chosen: "A".to_owned(), ground: DropoutGround::NoPerformanceBond })
        );
    }

    #[test]
    fn a_lower_dropout_does_not_free_the_first() {
        let decision = decide_award(true, &candidates(), &[dropout("B", DropoutGround::Declined)]);
        assert_eq!(decision.options, [winner("A", 1)]);
    }

    #[test]
    fn everyone_dropped_out() {
        let all = [
            dropout("A", DropoutGround::Declined),
            dropout("B", DropoutGround::Unlawful),
            dropout("C", DropoutGround::ForceMajeure),
        ];
        for state_funded in [true, false] {
            let decision = decide_award(state_funded, &candidates(), &all);
            assert_eq!(decision.basis, AwardBasis::NoCandidateLeft);
            assert_eq!(decision.options, [AwardOption::Retender]);
        }
        assert_eq!(decide_award(false, &[], &[]).options, [AwardOption::Retender]);
    }

    #[test]
    fn other_projects_take_any_standing_candidate() {
        let decision = decide_award(
            false,
            &candidates(),
            &[dropout("B", DropoutGround::Declined), dropout("Z", DropoutGround::Declined)],
        );
        assert_eq!(decision.basis, AwardBasis::AnyCandidate);
        assert_eq!(decision.options, [winner("A", 1), winner("C", 3)]);
        assert_eq!(decision.check(&AwardChoice::Winner("C".to_owned())), Ok(winner("C", 3)));
        assert_eq!(
            decision.check(&AwardChoice::Winner("Z".to_owned())).map_err(|e| e.code()),
            Err("award_not_a_candidate")
        );
        assert_eq!(decision.check(&AwardChoice::Retender).map_err(|e| e.code()), Err("award_retender_not_allowed"));
        assert_eq!(decision.article, "招标投标法 第四十条");
    }

    #[test]
    fn identifiers_round_trip() {
        for ground in DropoutGround::ALL {
            assert_eq!(DropoutGround::parse(ground.as_str()), Some(ground));
        }
    }
}
