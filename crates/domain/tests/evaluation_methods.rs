//! Worked examples of evaluation, computed by hand in the comments: a five-bid comprehensive
//! scoring with five members, a lowest evaluated price evaluation with ties and a rejected bid,
//! failure and lack of competition, abnormally low prices, outlying scores, the award that follows
//! and the security caps.

use ggzy_domain::Fen;
use ggzy_domain::evaluation::{
    AwardBasis, AwardChoice, AwardOption, BenchmarkPrice, Bid, Centipoints, CommitteeMember, Criterion, CriterionKind,
    Dropout, DropoutGround, EvaluationOutcome, EvaluationReport, FailureReason, MemberKind, MemberScore, Method,
    PriceAdjustment, PriceFormula, RankingRules, RejectionGround, ScoringTable, abnormally_low, below_reference_price,
    check_bid_deposit, check_committee, check_performance_bond, decide_award, evaluate_comprehensive,
    evaluate_lowest_price, outlier_scores,
};

/// The construction ruleset's numbers (rules/construction/2019-03-02.toml): at most 3 candidates
/// (条例 53), competition lacking below 3 bids (法 28).
const RULES: RankingRules = RankingRules { candidates_max: 3, valid_bids_min: 3 };

fn yuan(amount: i64) -> Fen {
    Fen::from_yuan(amount).expect("test amounts fit")
}

fn members() -> Vec<String> {
    (1..=5).map(|i| format!("M{i}")).collect()
}

/// Scores in hundredths, one row per bidder: the five members' scores in order M1..M5.
fn scores(criterion: &str, rows: &[(&str, [i64; 5])]) -> Vec<MemberScore> {
    rows.iter()
        .flat_map(|(bidder, points)| {
            points.iter().enumerate().map(move |(i, &points)| MemberScore {
                member: format!("M{}", i + 1),
                bidder: (*bidder).to_owned(),
                criterion: criterion.to_owned(),
                points: Centipoints(points),
            })
        })
        .collect()
}

fn criterion(id: &str, name: &str, points: i64, kind: CriterionKind) -> Criterion {
    Criterion { id: id.to_owned(), name: name.to_owned(), max: Centipoints(points * 100), kind }
}

/// Price 40 (lowest valid evaluated price as base, factor 2 either side), technical 40,
/// commercial 20.
fn table() -> ScoringTable {
    ScoringTable::new(
        vec![
            criterion("price", "投标报价", 40, CriterionKind::Price),
            criterion("tech", "施工组织设计", 40, CriterionKind::Technical),
            criterion("biz", "业绩与信誉", 20, CriterionKind::Commercial),
        ],
        PriceFormula::new(BenchmarkPrice::LowestValid, 20_000, 20_000).expect("valid factors"),
    )
    .expect("valid table")
}

fn five_bids() -> Vec<Bid> {
    let mut e = Bid::new("E", yuan(990_000), 5);
    e.adjustments.push(PriceAdjustment {
        amount: yuan(20_000), reason: "漏报项目按其他投标人最高价补齐".to_owned()
    });
    vec![
        Bid::new("A", yuan(1_050_000), 1),
        Bid::new("B", yuan(1_000_000), 2),
        Bid::new("C", yuan(1_100_000), 3),
        Bid::new("D", yuan(1_025_000), 4),
        e,
    ]
}

fn five_bid_scores() -> Vec<MemberScore> {
    let mut all = scores(
        "tech",
        &[
            ("A", [3500, 3400, 3600, 3300, 3550]),
            ("B", [3000, 3100, 2900, 3000, 3000]),
            ("C", [3800, 3700, 3900, 3800, 3750]),
            ("D", [3300, 3400, 3300, 3200, 3400]),
            ("E", [3201, 3300, 3100, 3250, 3300]),
        ],
    );
    all.extend(scores(
        "biz",
        &[
            ("A", [1500, 1600, 1500, 1600, 1550]),
            ("B", [1800, 1700, 1800, 1800, 1700]),
            ("C", [1200, 1300, 1200, 1250, 1300]),
            ("D", [1600, 1600, 1700, 1600, 1600]),
            ("E", [1703, 1700, 1600, 1700, 1700]),
        ],
    ));
    all
}

fn ranked(outcome: &EvaluationOutcome) -> &EvaluationReport {
    outcome.report().expect("bids were ranked")
}

fn order(report: &EvaluationReport) -> Vec<(&str, usize)> {
    report.ranking.iter().map(|bid| (bid.bidder.as_str(), bid.rank)).collect()
}

/// Five bids, five members, comprehensive scoring.
///
/// Evaluated prices: E is 990,000 + 20,000 = 1,010,000 元; the others are their bid prices.
/// Base price = lowest evaluated price = B's 1,000,000 元. Price score = 40 × (1 − 2 × dev):
///
/// | bid | evaluated | dev   | price score |
/// |-----|-----------|-------|-------------|
/// | A   | 1,050,000 | 5%    | 40 × 0.90 = 36.00 |
/// | B   | 1,000,000 | 0     | 40.00 |
/// | C   | 1,100,000 | 10%   | 40 × 0.80 = 32.00 |
/// | D   | 1,025,000 | 2.5%  | 40 × 0.95 = 38.00 |
/// | E   | 1,010,000 | 1%    | 40 × 0.98 = 39.20 |
///
/// Technical (mean of five): A 173.50/5 = 34.70; B 150/5 = 30.00; C 189.50/5 = 37.90;
/// D 166/5 = 33.20; E 161.51/5 = 32.302 → 32.30 (rounded half up to the hundredth).
/// Commercial: A 77.50/5 = 15.50; B 88/5 = 17.60; C 62.50/5 = 12.50; D 81/5 = 16.20;
/// E 84.03/5 = 16.806 → 16.81.
///
/// Totals: A 36 + 34.70 + 15.50 = 86.20; B 40 + 30 + 17.60 = 87.60; C 32 + 37.90 + 12.50 = 82.40;
/// D 38 + 33.20 + 16.20 = 87.40; E 39.20 + 32.30 + 16.81 = 88.31.
/// Ranking: E 88.31, B 87.60, D 87.40, A 86.20, C 82.40; candidates E, B, D.
#[test]
fn five_bid_comprehensive_scoring() {
    let outcome = evaluate_comprehensive(&five_bids(), &table(), &members(), &five_bid_scores(), RULES)
        .expect("complete score sheet");
    let report = ranked(&outcome);
    assert_eq!(report.method, Method::ComprehensiveScoring);
    assert_eq!(order(report), [("E", 1), ("B", 2), ("D", 3), ("A", 4), ("C", 5)]);

    let expected = [
        ("E", [3920, 3230, 1681], 8831),
        ("B", [4000, 3000, 1760], 8760),
        ("D", [3800, 3320, 1620], 8740),
        ("A", [3600, 3470, 1550], 8620),
        ("C", [3200, 3790, 1250], 8240),
    ];
    for (bid, (bidder, parts, total)) in report.ranking.iter().zip(expected) {
        assert_eq!(bid.bidder, bidder);
        let scores = bid.scores.as_ref().expect("comprehensive scoring has scores");
        let criteria: Vec<(&str, i64)> =
            scores.criteria.iter().map(|score| (score.criterion.as_str(), score.points.0)).collect();
        assert_eq!(criteria, [("price", parts[0]), ("tech", parts[1]), ("biz", parts[2])], "{bidder}");
        assert_eq!(scores.total, Centipoints(total), "{bidder}");
    }
    assert_eq!(report.ranking[0].evaluated_price, yuan(1_010_000));
    assert_eq!(report.ranking[0].price, yuan(990_000));

    let candidates: Vec<&str> = report.candidates.iter().map(|bid| bid.bidder.as_str()).collect();
    assert_eq!(candidates, ["E", "B", "D"]);
    assert!(!report.competition_lacking);
    assert!(report.rejected.is_empty());
}

/// A rejected bid neither appears in the ranking nor sets the base price.
///
/// F bids 900,000 元 but is rejected as unresponsive, so the base stays B's 1,000,000 元 and the
/// scores are those of [`five_bid_comprehensive_scoring`]; F's scores are ignored.
#[test]
fn a_rejected_bid_does_not_set_the_base() {
    let mut bids = five_bids();
    let mut f = Bid::new("F", yuan(900_000), 6);
    f.rejections.push(RejectionGround::NotResponsive);
    bids.push(f);
    let mut sheet = five_bid_scores();
    sheet.extend(scores("tech", &[("F", [4000, 4000, 4000, 4000, 4000])]));

    let outcome = evaluate_comprehensive(&bids, &table(), &members(), &sheet, RULES).expect("valid");
    let report = ranked(&outcome);
    assert_eq!(order(report), [("E", 1), ("B", 2), ("D", 3), ("A", 4), ("C", 5)]);
    assert_eq!(report.ranking[1].scores.as_ref().map(|scores| scores.criteria[0].points), Some(Centipoints(4_000)));
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].bidder, "F");
    assert_eq!(report.rejected[0].grounds, [RejectionGround::NotResponsive]);
}

/// The average of the valid prices as the base.
///
/// Prices 100, 110, 120 元 (bidders X, Y, Z); base = 110 元 exactly. Table: price 50 (factor 1
/// above, 0.5 below), technical 50, every member gives 40 to everyone.
/// X: 10/110 = 9.0909% below → 50 × (1 − 0.5 × 0.090909) = 47.727 → 47.73.
/// Y: at the base → 50.00. Z: 9.0909% above → 50 × (1 − 0.090909) = 45.4545 → 45.45.
/// Totals: X 87.73, Y 90.00, Z 85.45 → Y, X, Z.
#[test]
fn average_base_price() {
    let table = ScoringTable::new(
        vec![
            criterion("price", "投标报价", 50, CriterionKind::Price),
            criterion("tech", "技术方案", 50, CriterionKind::Technical),
        ],
        PriceFormula::new(BenchmarkPrice::AverageValid, 10_000, 5_000).expect("valid factors"),
    )
    .expect("valid table");
    let bids = [Bid::new("X", yuan(100), 1), Bid::new("Y", yuan(110), 2), Bid::new("Z", yuan(120), 3)];
    let sheet = scores("tech", &[("X", [4000; 5]), ("Y", [4000; 5]), ("Z", [4000; 5])]);
    let outcome = evaluate_comprehensive(&bids, &table, &members(), &sheet, RULES).expect("valid");
    let totals: Vec<(&str, Option<Centipoints>)> = ranked(&outcome)
        .ranking
        .iter()
        .map(|bid| (bid.bidder.as_str(), bid.scores.as_ref().map(|scores| scores.total)))
        .collect();
    assert_eq!(
        totals,
        [("Y", Some(Centipoints(9_000))), ("X", Some(Centipoints(8_773))), ("Z", Some(Centipoints(8_545)))]
    );
}

/// Equal totals: the lower evaluated price ranks first, then the earlier receipt.
///
/// Table: price 40 (lowest base, factor 2), technical 60. G 100 元, H 105 元, K 105 元 (K received
/// before H). Price: G 40.00; H and K 5% above → 36.00. Technical: G 50.00, H and K 54.00.
/// Totals: all 90.00. Order: G (lowest evaluated price), then K (received earlier), then H.
#[test]
fn equal_totals_follow_the_tie_rule() {
    let table = ScoringTable::new(
        vec![
            criterion("price", "投标报价", 40, CriterionKind::Price),
            criterion("tech", "技术", 60, CriterionKind::Technical),
        ],
        PriceFormula::new(BenchmarkPrice::LowestValid, 20_000, 20_000).expect("valid"),
    )
    .expect("valid table");
    let bids = [Bid::new("G", yuan(100), 3), Bid::new("H", yuan(105), 2), Bid::new("K", yuan(105), 1)];
    let sheet = scores("tech", &[("G", [5000; 5]), ("H", [5400; 5]), ("K", [5400; 5])]);
    let outcome = evaluate_comprehensive(&bids, &table, &members(), &sheet, RULES).expect("valid");
    let report = ranked(&outcome);
    assert!(report.ranking.iter().all(|bid| bid.scores.as_ref().map(|s| s.total) == Some(Centipoints(9_000))));
    assert_eq!(order(report), [("G", 1), ("K", 2), ("H", 3)]);
}

/// Lowest evaluated price with adjustments, ties and a rejection.
///
/// | bid | price     | adjustment | evaluated | received |
/// |-----|-----------|------------|-----------|----------|
/// | P   | 2,000,000 | +50,000    | 2,050,000 | 1        |
/// | Q   | 2,030,000 |            | 2,030,000 | 5        |
/// | R   | 1,800,000 | rejected (不符合资格条件)            |
/// | S   | 2,010,000 | +20,000    | 2,030,000 | 9        |
/// | T   | 2,030,000 |            | 2,030,000 | 3        |
///
/// S, T and Q tie at 2,030,000: S has the lowest bid price; T and Q have the same price and T was
/// received first. Ranking S, T, Q, P; candidates S, T, Q.
#[test]
fn lowest_evaluated_price_with_ties() {
    let mut p = Bid::new("P", yuan(2_000_000), 1);
    p.adjustments.push(PriceAdjustment { amount: yuan(50_000), reason: "偏差调整".to_owned() });
    let mut r = Bid::new("R", yuan(1_800_000), 2);
    r.rejections.push(RejectionGround::NotQualified);
    let mut s = Bid::new("S", yuan(2_010_000), 9);
    s.adjustments.push(PriceAdjustment { amount: yuan(20_000), reason: "付款条件偏差".to_owned() });
    let bids = [p, Bid::new("Q", yuan(2_030_000), 5), r, s, Bid::new("T", yuan(2_030_000), 3)];

    let outcome = evaluate_lowest_price(&bids, RULES).expect("valid");
    let report = ranked(&outcome);
    assert_eq!(report.method, Method::LowestEvaluatedPrice);
    assert_eq!(order(report), [("S", 1), ("T", 2), ("Q", 3), ("P", 4)]);
    assert_eq!(report.ranking[3].evaluated_price, yuan(2_050_000));
    assert!(report.ranking.iter().all(|bid| bid.scores.is_none()));
    let candidates: Vec<&str> = report.candidates.iter().map(|bid| bid.bidder.as_str()).collect();
    assert_eq!(candidates, ["S", "T", "Q"]);
    assert_eq!(report.rejected[0].bidder, "R");
}

/// All bids rejected: the evaluation fails (法 42); two bids standing: competition lacking.
#[test]
fn failure_and_lack_of_competition() {
    let rejected = |bidder: &str, ground| {
        let mut bid = Bid::new(bidder, yuan(100), 0);
        bid.rejections.push(ground);
        bid
    };
    let all_rejected = [
        rejected("A", RejectionGround::MissingSealOrSignature),
        rejected("B", RejectionGround::CollusionFraudOrBribery),
        rejected("C", RejectionGround::PriceBelowCostOrAboveCeiling),
    ];
    match evaluate_lowest_price(&all_rejected, RULES).expect("valid") {
        EvaluationOutcome::Failed { reason, rejected } => {
            assert_eq!(reason, FailureReason::AllRejected);
            assert_eq!(reason.article(), "招标投标法 第四十二条");
            assert_eq!(rejected.len(), 3);
        }
        EvaluationOutcome::Ranked(report) => panic!("nothing should stand: {report:?}"),
    }

    let two_stand =
        [rejected("A", RejectionGround::NotResponsive), Bid::new("B", yuan(90), 0), Bid::new("C", yuan(95), 0)];
    let outcome = evaluate_lowest_price(&two_stand, RULES).expect("valid");
    let report = ranked(&outcome);
    assert!(report.competition_lacking);
    assert_eq!(report.candidates.len(), 2);
}

/// Score sheet errors name the member, bidder and criterion.
#[test]
fn score_sheet_errors() {
    let bids = five_bids();
    let evaluate = |sheet: &[MemberScore]| {
        evaluate_comprehensive(&bids, &table(), &members(), sheet, RULES).map_err(|error| error.code())
    };

    let mut missing = five_bid_scores();
    missing.retain(|score| !(score.member == "M3" && score.bidder == "D" && score.criterion == "biz"));
    let error = evaluate_comprehensive(&bids, &table(), &members(), &missing, RULES).expect_err("M3 missed D");
    assert_eq!(error.code(), "score_missing");
    let message = error.to_string();
    assert!(message.contains("M3") && message.contains("“D”") && message.contains("biz"), "{message}");

    let mut too_high = five_bid_scores();
    too_high[0].points = Centipoints(4_001);
    assert_eq!(evaluate(&too_high), Err("score_out_of_range"));

    let mut on_price = five_bid_scores();
    on_price[0].criterion = "price".to_owned();
    assert_eq!(evaluate(&on_price), Err("score_on_price_criterion"));

    let mut unknown = five_bid_scores();
    unknown[0].criterion = "design".to_owned();
    assert_eq!(evaluate(&unknown), Err("score_criterion_unknown"));

    let mut stranger = five_bid_scores();
    stranger[0].member = "M9".to_owned();
    assert_eq!(evaluate(&stranger), Err("score_member_unknown"));

    let mut twice = five_bid_scores();
    twice.push(twice[0].clone());
    assert_eq!(evaluate(&twice), Err("score_duplicate"));
}

/// Abnormally low prices are flagged for an explanation.
///
/// Prices 1,000,000, 980,000, 1,020,000, 760,000 元: average 940,000; 85% of it is 799,000, so
/// 760,000 is flagged. Against a 标底 of 1,000,000 at 80%: below 800,000, the same bid.
#[test]
fn abnormally_low_prices() {
    let prices = [yuan(1_000_000), yuan(980_000), yuan(1_020_000), yuan(760_000)];
    assert_eq!(abnormally_low(&prices, 85), [3]);
    assert!(abnormally_low(&prices, 80).is_empty()); // 80% of 940,000 = 752,000
    assert_eq!(below_reference_price(&prices, yuan(1_000_000), 80), [3]);
}

/// Outlying scores on the five-bid example.
///
/// At 10% of the maximum (4 points on technical, 2 on commercial) nobody is flagged: the widest
/// gap is A's M4 on technical, 33 against the others' (35 + 34 + 36 + 35.5) / 4 = 35.125.
/// If M2 gives C 20 on technical, the others' mean is (38 + 39 + 38 + 37.5) / 4 = 38.125: 18.125
/// points off. At 10% that one low score also pushes M1 and M4 (38 against 33.625) and M3 (39
/// against 33.375) over 4 points; only M5 (37.5 against 33.75) stays within. At 20% (8 points)
/// only M2 is flagged.
#[test]
fn outlying_scores() {
    let table = table();
    assert!(outlier_scores(&five_bid_scores(), &table, (1, 10)).expect("valid").is_empty());

    let mut sheet = five_bid_scores();
    if let Some(score) = sheet.iter_mut().find(|s| s.member == "M2" && s.bidder == "C" && s.criterion == "tech") {
        score.points = Centipoints(2_000);
    }
    assert_eq!(outlier_scores(&sheet, &table, (1, 10)).expect("valid").len(), 4);
    let outliers = outlier_scores(&sheet, &table, (1, 5)).expect("valid");
    assert_eq!(outliers.len(), 1);
    assert_eq!((outliers[0].member.as_str(), outliers[0].bidder.as_str()), ("M2", "C"));
    assert_eq!(outliers[0].others_mean, Centipoints(3_813)); // 38.125 rounded half up
}

/// The award after the five-bid evaluation: state-funded, so E must win; when E declines, B or a
/// new tender.
#[test]
fn award_after_evaluation() {
    let outcome = evaluate_comprehensive(&five_bids(), &table(), &members(), &five_bid_scores(), RULES).expect("valid");
    let candidates: Vec<String> = ranked(&outcome).candidates.iter().map(|bid| bid.bidder.clone()).collect();

    let decision = decide_award(true, &candidates, &[]);
    assert_eq!(decision.basis, AwardBasis::FirstCandidate);
    let error = decision.check(&AwardChoice::Winner("B".to_owned())).expect_err("E stands");
    assert_eq!(error.code(), "award_not_first_candidate");
    assert!(error.to_string().contains("招标投标法实施条例 第五十五条"));

    let declined = [Dropout { bidder: "E".to_owned(), ground: DropoutGround::Declined }];
    let decision = decide_award(true, &candidates, &declined);
    assert_eq!(decision.options, [AwardOption::Winner { bidder: "B".to_owned(), rank: 2 }, AwardOption::Retender]);

    let decision = decide_award(false, &candidates, &[]);
    assert_eq!(
        decision.check(&AwardChoice::Winner("D".to_owned())),
        Ok(AwardOption::Winner { bidder: "D".to_owned(), rank: 3 })
    );
}

/// The committee of 招标投标法 第三十七条 with the construction ruleset's numbers (5, 2/3).
#[test]
fn committee_compositions() {
    let committee = |experts: usize, representatives: usize| {
        let mut members: Vec<CommitteeMember> =
            (0..experts).map(|i| CommitteeMember { id: format!("E{i}"), kind: MemberKind::Expert }).collect();
        members.extend(
            (0..representatives)
                .map(|i| CommitteeMember { id: format!("R{i}"), kind: MemberKind::PrincipalRepresentative }),
        );
        check_committee(&members, 5, (2, 3)).map_err(|error| error.code())
    };
    assert_eq!(committee(4, 1), Ok(()));
    assert_eq!(committee(7, 2), Ok(()));
    assert_eq!(committee(3, 2), Err("committee_experts_too_few")); // 3 × 3 = 9 < 2 × 5 = 10
    assert_eq!(committee(4, 2), Err("committee_size_even"));
    assert_eq!(committee(3, 0), Err("committee_too_small"));
}

/// Security caps: 2% of an estimate of 5,000,000 元 is 100,000 元; 10% of a contract of
/// 3,456,789.01 元 is 345,678.901 元, so at most 345,678.90 元.
#[test]
fn security_caps() {
    assert_eq!(check_bid_deposit(yuan(100_000), yuan(5_000_000), 2), Ok(()));
    let error = check_bid_deposit(yuan(100_001), yuan(5_000_000), 2).expect_err("over the cap");
    assert_eq!(error.code(), "deposit_above_cap");
    let message = error.to_string();
    assert!(message.contains("最多为100,000.00元"), "{message}");

    let contract = Fen(345_678_901);
    assert_eq!(check_performance_bond(Fen(34_567_890), contract, 10), Ok(()));
    let error = check_performance_bond(Fen(34_567_891), contract, 10).expect_err("one fen over");
    assert_eq!(error.code(), "performance_bond_above_cap");
    assert!(error.to_string().contains("最多为345,678.90元"), "{error}");
}
