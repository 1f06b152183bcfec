//! The screens over one lot's bids.

use std::collections::BTreeMap;

use ggzy_domain::Fen;

use super::{Evidence, Flag, Rule};
use crate::price_stats;

/// What the record holds about one bid. Empty strings mean "not recorded" and never match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LotBid {
    /// The bidder's credit code.
    pub bidder: String,
    /// The price read out at opening.
    pub price: Option<Fen>,
    /// Machine id hash from the sealing tool (hex).
    pub machine_id_hash: String,
    /// MAC hash from the sealing tool (hex).
    pub mac_hash: String,
    /// Submission address.
    pub client_ip: String,
    /// The account the bid security was paid from.
    pub deposit_account: String,
    /// The bidder's contact phone.
    pub contact_phone: String,
    /// The legal representative (an identity the platform can compare, e.g. a keyed hash).
    pub legal_representative: String,
    /// The project manager named in the bid (certificate number).
    pub project_manager: String,
    /// SM3 of each file of the bid (hex), once opened.
    pub file_digests: Vec<String>,
}

/// Thresholds of the statistical screens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenSettings {
    /// Fewest prices for the statistical screens (dispersion, lone low bid).
    pub min_bids: usize,
    /// A coefficient of variation below this is flagged. Default 0.005 (0.5%): honest bids on
    /// works spread by several percent; the value is a starting point to calibrate.
    pub cv_max: f64,
    /// The gap between the two lowest bids, divided by the standard deviation of the others, above
    /// this is flagged. Default 2.0.
    pub relative_distance_min: f64,
    /// Fewest prices for the kurtosis screen: with few prices kurtosis cannot be high (the excess
    /// is at most n − 5 + 1/(n − 1) for n prices: 1.2 for 6). Default 6.
    pub kurtosis_min_bids: usize,
    /// An excess kurtosis at or above this is flagged. Default 1.0 (clearly heavier tails than a
    /// normal distribution; honest bids spread about evenly score near −1); a starting point to
    /// calibrate.
    pub kurtosis_min: f64,
}

impl Default for ScreenSettings {
    fn default() -> ScreenSettings {
        ScreenSettings {
            min_bids: 4,
            cv_max: 0.005,
            relative_distance_min: 2.0,
            kurtosis_min_bids: 6,
            kurtosis_min: 1.0,
        }
    }
}

fn shared_traces(bids: &[LotBid], rule: Rule, what: &str, key: impl Fn(&LotBid) -> &str) -> Vec<Flag> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for bid in bids {
        let value = key(bid).trim();
        if !value.is_empty() {
            groups.entry(value).or_default().push(bid.bidder.clone());
        }
    }
    groups
        .into_iter()
        .filter_map(|(value, mut bidders)| {
            bidders.sort();
            bidders.dedup();
            (bidders.len() >= 2).then(|| Flag {
                rule,
                score: 1.0,
                bidders,
                evidence: vec![Evidence { what: what.to_owned(), value: value.to_owned() }],
            })
        })
        .collect()
}

/// The same file (by its SM3) in the bids of different bidders: one prepared them, or they were
/// mixed up (条例 第四十条第（一）项、第（五）项). One flag per shared file.
fn shared_files(bids: &[LotBid]) -> Vec<Flag> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for bid in bids {
        for digest in &bid.file_digests {
            let digest = digest.trim();
            if !digest.is_empty() {
                groups.entry(digest).or_default().push(bid.bidder.clone());
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|(digest, mut bidders)| {
            bidders.sort();
            bidders.dedup();
            (bidders.len() >= 2).then(|| Flag {
                rule: Rule::SameFile,
                score: 1.0,
                bidders,
                evidence: vec![Evidence { what: "file_sm3".to_owned(), value: digest.to_owned() }],
            })
        })
        .collect()
}

fn price_flags(bids: &[LotBid], settings: &ScreenSettings) -> Vec<Flag> {
    let mut priced: Vec<(i64, &str)> = bids.iter().filter_map(|b| b.price.map(|p| (p.0, b.bidder.as_str()))).collect();
    priced.sort();
    let mut flags = Vec::new();
    let mut by_price: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (price, bidder) in &priced {
        by_price.entry(*price).or_default().push((*bidder).to_owned());
    }
    for (price, bidders) in by_price.iter().filter(|(_, b)| b.len() >= 2) {
        flags.push(Flag {
            rule: Rule::IdenticalPrices,
            score: 1.0,
            bidders: bidders.clone(),
            evidence: vec![Evidence { what: "price_fen".to_owned(), value: price.to_string() }],
        });
    }
    // Equal non-zero gaps between consecutive distinct prices, three prices or more in a run.
    let distinct: Vec<i64> = by_price.keys().copied().collect();
    let mut start = 0;
    while start + 2 < distinct.len() {
        let gap = distinct[start + 1] - distinct[start];
        let mut end = start + 1;
        while end + 1 < distinct.len() && distinct[end + 1] - distinct[end] == gap {
            end += 1;
        }
        if end - start >= 2 {
            let run = &distinct[start..=end];
            let mut bidders: Vec<String> = run.iter().flat_map(|p| by_price[p].clone()).collect();
            bidders.sort();
            flags.push(Flag {
                rule: Rule::RegularPriceGaps,
                score: 1.0,
                bidders,
                evidence: vec![
                    Evidence {
                        what: "price_fen".to_owned(),
                        value: run.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
                    },
                    Evidence { what: "gap_fen".to_owned(), value: gap.to_string() },
                ],
            });
        }
        start = end;
    }
    if priced.len() < settings.min_bids {
        return flags;
    }
    let prices: Vec<Fen> = priced.iter().map(|(p, _)| Fen(*p)).collect();
    let all: Vec<String> = {
        let mut all: Vec<String> = priced.iter().map(|(_, b)| (*b).to_owned()).collect();
        all.sort();
        all.dedup();
        all
    };
    if let Some(kurtosis) = price_stats(&prices).and_then(|s| s.excess_kurtosis)
        && prices.len() >= settings.kurtosis_min_bids
        && kurtosis >= settings.kurtosis_min
    {
        flags.push(Flag {
            rule: Rule::HighKurtosis,
            // Grows from 0.5 at the threshold towards 1 for heavier tails.
            score: (kurtosis / (kurtosis + settings.kurtosis_min)).clamp(0.0, 1.0),
            bidders: all.clone(),
            evidence: vec![Evidence { what: "excess_kurtosis".to_owned(), value: format!("{kurtosis:.4}") }],
        });
    }
    if let Some(cv) = price_stats(&prices).and_then(|s| s.coefficient_of_variation)
        && cv < settings.cv_max
    {
        flags.push(Flag {
            rule: Rule::LowPriceDispersion,
            // 1 when all prices are equal, falling to 0 at the threshold.
            score: (1.0 - cv / settings.cv_max).clamp(0.0, 1.0),
            bidders: all.clone(),
            evidence: vec![Evidence { what: "coefficient_of_variation".to_owned(), value: format!("{cv:.6}") }],
        });
    }
    // The two lowest and the spread of the others: (b2 − b1) / sd(b2..bn).
    let others = &prices[1..];
    if let Some(spread) = price_stats(others).map(|s| s.std_dev_fen).filter(|sd| *sd > 0.0) {
        #[allow(clippy::cast_precision_loss)]
        let gap = (prices[1].0 - prices[0].0) as f64;
        let distance = gap / spread;
        if distance > settings.relative_distance_min {
            flags.push(Flag {
                rule: Rule::LoneLowBid,
                score: (1.0 - settings.relative_distance_min / distance).clamp(0.0, 1.0),
                bidders: all,
                evidence: vec![
                    Evidence { what: "relative_distance".to_owned(), value: format!("{distance:.4}") },
                    Evidence { what: "lowest_bidder".to_owned(), value: priced[0].1.to_owned() },
                ],
            });
        }
    }
    flags
}

/// Every flag on one lot's bids, in rule order, then by evidence.
pub fn screen_lot(bids: &[LotBid], settings: &ScreenSettings) -> Vec<Flag> {
    let mut flags = Vec::new();
    flags.extend(shared_traces(bids, Rule::SameMachine, "machine_id_hash", |b| &b.machine_id_hash));
    flags.extend(shared_traces(bids, Rule::SameNetworkCard, "mac_hash", |b| &b.mac_hash));
    flags.extend(shared_traces(bids, Rule::SameSubmissionAddress, "client_ip", |b| &b.client_ip));
    flags.extend(shared_traces(bids, Rule::SameDepositAccount, "deposit_account", |b| &b.deposit_account));
    flags.extend(shared_traces(bids, Rule::SameContactPhone, "contact_phone", |b| &b.contact_phone));
    flags.extend(shared_traces(bids, Rule::SameLegalRepresentative, "legal_representative", |b| {
        &b.legal_representative
    }));
    flags.extend(shared_traces(bids, Rule::SameProjectManager, "project_manager", |b| &b.project_manager));
    flags.extend(shared_files(bids));
    flags.extend(price_flags(bids, settings));
    flags.sort_by_key(|flag| flag.rule);
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(bidder: &str, price: i64) -> LotBid {
        LotBid { bidder: bidder.to_owned(), price: Some(Fen(price)), ..LotBid::default() }
    }

    fn rules(flags: &[Flag]) -> Vec<Rule> {
        flags.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_file_in_two_bidders_bids_is_flagged_once_and_a_bidders_own_repeat_is_not() {
        let with = |bidder: &str, files: &[&str]| LotBid {
            file_digests: files.iter().map(|f| (*f).to_owned()).collect(),
            ..bid(bidder, 0)
        };
        let bids = [with("A", &["f1", "f2"]), with("B", &["f3", "f1"]), with("C", &["f4", "f4"]), with("D", &[""])];
        let flags = shared_files(&bids);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].bidders, ["A", "B"]);
        assert_eq!(flags[0].evidence[0].value, "f1");
        assert_eq!(flags[0].rule.article(), "招标投标法实施条例 第四十条第（一）项、第（五）项");
    }

    #[test]
    fn a_tight_cluster_with_an_outlier_has_high_kurtosis_and_an_even_spread_does_not() {
        let prices = [10_000_000, 10_010_000, 10_020_000, 10_005_000, 10_015_000, 10_012_000, 10_008_000, 12_000_000];
        let clustered: Vec<LotBid> = prices.iter().enumerate().map(|(i, p)| bid(&format!("F{i}"), *p)).collect();
        let flags = screen_lot(&clustered, &ScreenSettings::default());
        let kurtosis = flags.iter().find(|f| f.rule == Rule::HighKurtosis).expect("flagged");
        assert_eq!(kurtosis.bidders.len(), 8);
        assert_eq!(kurtosis.rule.article(), "招标投标法实施条例 第三十九条第（一）项");
        let even: Vec<LotBid> = (0..8)
            .map(|i| bid(&format!("E{i}"), 9_000_000 + 370_000 * i64::from(i) + 1_000 * i64::from(i * i)))
            .collect();
        assert!(!rules(&screen_lot(&even, &ScreenSettings::default())).contains(&Rule::HighKurtosis));
        // Five prices are too few for the screen, however they lie.
        assert!(!rules(&screen_lot(&clustered[3..], &ScreenSettings::default())).contains(&Rule::HighKurtosis));
    }

    #[test]
    fn honest_looking_bids_raise_nothing() {
        // 4.1%, 7.3% and 2.0% apart: no shared trace, no pattern, ordinary dispersion.
        let bids = [bid("A", 9_500_000), bid("B", 9_890_000), bid("C", 10_610_000), bid("D", 10_820_000)];
        assert!(screen_lot(&bids, &ScreenSettings::default()).is_empty());
    }

    #[test]
    fn a_shared_machine_or_address_flags_exactly_the_bidders_who_share_it() {
        let mut bids = [bid("A", 9_500_000), bid("B", 9_890_000), bid("C", 10_610_000)];
        bids[0].machine_id_hash = "ab12".to_owned();
        bids[2].machine_id_hash = "ab12".to_owned();
        bids[1].machine_id_hash = "ff00".to_owned();
        bids[1].client_ip = "10.0.0.8".to_owned();
        bids[2].client_ip = "10.0.0.8".to_owned();
        bids[0].client_ip = " ".to_owned(); // not recorded: never matches
        let flags = screen_lot(&bids, &ScreenSettings::default());
        assert_eq!(rules(&flags), vec![Rule::SameMachine, Rule::SameSubmissionAddress]);
        assert_eq!(flags[0].bidders, vec!["A", "C"]);
        assert_eq!(flags[0].evidence[0].value, "ab12");
        assert_eq!(flags[1].bidders, vec!["B", "C"]);
        assert_eq!(Rule::SameMachine.article(), "招标投标法实施条例 第四十条第（一）项");
    }

    #[test]
    fn identical_prices_and_equal_gaps_are_flagged_with_the_numbers() {
        let bids =
            [bid("A", 1_000_000), bid("B", 1_000_000), bid("C", 1_050_000), bid("D", 1_100_000), bid("E", 1_300_000)];
        let flags = screen_lot(&bids, &ScreenSettings { min_bids: 99, ..ScreenSettings::default() });
        assert_eq!(rules(&flags), vec![Rule::IdenticalPrices, Rule::RegularPriceGaps]);
        assert_eq!(flags[0].bidders, vec!["A", "B"]);
        assert_eq!(flags[1].evidence[0].value, "1000000, 1050000, 1100000");
        assert_eq!(flags[1].evidence[1].value, "50000");
        assert_eq!(flags[1].bidders, vec!["A", "B", "C", "D"]);
    }

    #[test]
    fn a_tight_cluster_is_flagged_and_a_lone_low_bid_below_it_too() {
        // Mean 10,002,500 fen, population sd ≈ 2,958 fen: CV ≈ 0.000296, far below 0.5%.
        let tight = [bid("A", 10_000_000), bid("B", 10_001_000), bid("C", 10_004_000), bid("D", 10_005_000)];
        let flags = screen_lot(&tight, &ScreenSettings::default());
        assert_eq!(rules(&flags), vec![Rule::LowPriceDispersion]);
        assert!(flags[0].score > 0.9, "{flags:?}");
        // A low bid 5% under a cluster whose own sd is ~1,700 fen: RD ≈ 290.
        let lone = [bid("W", 9_500_000), bid("B", 10_001_000), bid("C", 10_004_000), bid("D", 10_005_000)];
        let flags = screen_lot(&lone, &ScreenSettings { cv_max: 0.0, ..ScreenSettings::default() });
        assert_eq!(rules(&flags), vec![Rule::LoneLowBid]);
        assert_eq!(flags[0].evidence[1].value, "W");
    }
}
