//! Related bidders (关联投标人): 招标投标法实施条例 第三十四条第二款 forbids "单位负责人为同一人或者
//! 存在控股、管理关系的不同单位" to bid for the same lot, and 第三款 makes every such bid invalid.
//!
//! [`related_groups`] finds, among the bidders of one lot, the groups linked by those relations,
//! each with the evidence. It reads the same relations vocabulary as the avoidance screen
//! ([`Relation`]) and is a pure function of its inputs: the order of bidders and relations does
//! not matter, and a relation between `a` and `b` counts the same as one between `b` and `a`.
//!
//! What counts, and why:
//! - **Same head**: two bidders whose legal representatives (法定代表人, the 单位负责人 of a company)
//!   have the same [`PersonKey`], or an explicit `SameLegalRepresentative` fact.
//! - **Control**: one bidder holds more than half of the other (公司法 第二百六十五条 defines the
//!   控股股东 by "超过百分之五十"), or one is declared the controlling entity of the other, which
//!   also covers control by voting rights or management without a majority of shares.
//! - Links are direct, one step: two subsidiaries of a common parent that does not bid are not
//!   related by this rule unless they share a head; the 条例 speaks of a relation between the two
//!   units. Groups are the connected sets of bidders: when A is linked to B and B to C, all three
//!   bids are invalid under 第三款, so they are reported as one group with both links.

use std::collections::{BTreeMap, BTreeSet};

use crate::CreditCode;
use crate::expert::{Holder, Relation};
use crate::person_key::PersonKey;

/// The rule that forbids related bidders.
pub const RELATED_BIDDERS_ARTICLE: &str = "招标投标法实施条例 第三十四条第二款";

/// The consequence: every related bid is invalid.
pub const RELATED_BIDS_INVALID_ARTICLE: &str = "招标投标法实施条例 第三十四条第三款";

/// A holding above this many basis points (50%) is controlling (公司法 第二百六十五条).
pub const CONTROLLING_SHARE_BP: u16 = 5000;

/// One relation between two bidders of the lot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelatedEvidence {
    /// The two bidders' legal representatives are the same person (单位负责人为同一人); `a` sorts
    /// before `b`.
    SameLegalRepresentative {
        /// One bidder.
        a: CreditCode,
        /// The other.
        b: CreditCode,
    },
    /// `holder` holds more than half of `held` (控股).
    ControllingShare {
        /// The holding bidder.
        holder: CreditCode,
        /// The bidder held.
        held: CreditCode,
        /// The share held, in basis points.
        share_bp: u16,
    },
    /// `controller` is declared the controlling entity of `controlled` (控股或管理关系).
    DeclaredController {
        /// The controlling bidder.
        controller: CreditCode,
        /// The bidder controlled.
        controlled: CreditCode,
    },
}

impl RelatedEvidence {
    /// Stable code for the API and the record.
    pub fn code(&self) -> &'static str {
        match self {
            RelatedEvidence::SameLegalRepresentative { .. } => "same_legal_representative",
            RelatedEvidence::ControllingShare { .. } => "controlling_share",
            RelatedEvidence::DeclaredController { .. } => "declared_controller",
        }
    }

    /// The two bidders it links.
    pub fn bidders(&self) -> (&CreditCode, &CreditCode) {
        match self {
            RelatedEvidence::SameLegalRepresentative { a, b } => (a, b),
            RelatedEvidence::ControllingShare { holder, held, .. } => (holder, held),
            RelatedEvidence::DeclaredController { controller, controlled } => (controller, controlled),
        }
    }

    /// The Chinese description for the evaluation report.
    pub fn label(&self) -> String {
        match self {
            RelatedEvidence::SameLegalRepresentative { a, b } => {
                format!("投标人{}与{}的单位负责人（法定代表人）为同一人", a.as_str(), b.as_str())
            }
            RelatedEvidence::ControllingShare { holder, held, share_bp } => format!(
                "投标人{}持有{}{}%的股份，为其控股股东",
                holder.as_str(),
                held.as_str(),
                percent_text(*share_bp)
            ),
            RelatedEvidence::DeclaredController { controller, controlled } => {
                format!("投标人{}为{}申报的控股或控制单位", controller.as_str(), controlled.as_str())
            }
        }
    }
}

/// Basis points as a per-cent figure without trailing zeros: 6000 → "60", 5001 → "50.01".
fn percent_text(share_bp: u16) -> String {
    let (whole, hundredths) = (share_bp / 100, share_bp % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}

/// Bidders of one lot that may not bid together, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedGroup {
    /// The bidders, sorted, at least two.
    pub bidders: Vec<CreditCode>,
    /// Every relation found between two of them, sorted; together they connect all the bidders.
    pub evidence: Vec<RelatedEvidence>,
    /// The rule that forbids it: [`RELATED_BIDDERS_ARTICLE`].
    pub article: &'static str,
}

/// The groups of related bidders among `bidders` (one lot's), sorted by their first bidder.
/// Relations that do not link two of the bidders are ignored; a bidder named twice counts once.
pub fn related_groups(bidders: &[CreditCode], relations: &[Relation]) -> Vec<RelatedGroup> {
    let bidders: BTreeSet<&CreditCode> = bidders.iter().collect();
    let both = |a: &CreditCode, b: &CreditCode| a != b && bidders.contains(a) && bidders.contains(b);
    let ordered = |a: &CreditCode, b: &CreditCode| if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };

    let mut evidence = BTreeSet::new();
    let mut heads: BTreeMap<&PersonKey, BTreeSet<&CreditCode>> = BTreeMap::new();
    for relation in relations {
        match relation {
            Relation::LegalRepresentative { person, entity } if bidders.contains(entity) => {
                heads.entry(person).or_default().insert(entity);
            }
            Relation::SameLegalRepresentative { a, b } if both(a, b) => {
                let (a, b) = ordered(a, b);
                evidence.insert(RelatedEvidence::SameLegalRepresentative { a, b });
            }
            Relation::Shareholder { holder: Holder::Entity(holder), entity, share_bp: Some(share_bp) }
                if *share_bp > CONTROLLING_SHARE_BP && both(holder, entity) =>
            {
                evidence.insert(RelatedEvidence::ControllingShare {
                    holder: holder.clone(),
                    held: entity.clone(),
                    share_bp: *share_bp,
                });
            }
            Relation::Controller { controller, entity } if both(controller, entity) => {
                evidence.insert(RelatedEvidence::DeclaredController {
                    controller: controller.clone(),
                    controlled: entity.clone(),
                });
            }
            _ => {}
        }
    }
    for headed in heads.values() {
        let headed: Vec<&CreditCode> = headed.iter().copied().collect();
        for (i, a) in headed.iter().enumerate() {
            for b in headed.iter().skip(i + 1) {
                evidence.insert(RelatedEvidence::SameLegalRepresentative { a: (*a).clone(), b: (*b).clone() });
            }
        }
    }

    // Connected sets of bidders: the smallest bidder of each set stands for it.
    let mut root: BTreeMap<&CreditCode, &CreditCode> = bidders.iter().map(|b| (*b, *b)).collect();
    fn find<'a>(root: &BTreeMap<&'a CreditCode, &'a CreditCode>, mut at: &'a CreditCode) -> &'a CreditCode {
        while let Some(&up) = root.get(at).filter(|up| **up != at) {
            at = up;
        }
        at
    }
    for item in &evidence {
        let (a, b) = item.bidders();
        let (Some(&a), Some(&b)) = (bidders.get(a), bidders.get(b)) else { continue };
        let (ra, rb) = (find(&root, a), find(&root, b));
        let (low, high) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        root.insert(high, low);
    }
    let mut groups: BTreeMap<&CreditCode, RelatedGroup> = BTreeMap::new();
    for item in evidence {
        let Some(&a) = bidders.get(item.bidders().0) else { continue };
        let group = groups.entry(find(&root, a)).or_insert_with(|| RelatedGroup {
            bidders: Vec::new(),
            evidence: Vec::new(),
            article: RELATED_BIDDERS_ARTICLE,
        });
        group.evidence.push(item);
    }
    for bidder in &bidders {
        if let Some(group) = groups.get_mut(find(&root, bidder)) {
            group.bidders.push((*bidder).clone());
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    // Synthetic credit codes with valid check characters (the expert fixtures' set).
    const CODES: [&str; 8] = [
        "91330100MA2H00030P",
        "91330100MA2H00049L",
        "91330100MA2H00057F",
        "91330100MA2H000735",
        "91330100MA2H000810",
        "91330100MA2H0009XP",
        "91330100MA2H00102G",
        "91330100MA2H00110B",
    ];

    fn code(i: usize) -> CreditCode {
        CreditCode::parse(CODES[i % CODES.len()]).expect("valid fixture code")
    }

    fn person(n: u8) -> PersonKey {
        PersonKey::from_bytes([n; 32])
    }

    fn rep(n: u8, entity: usize) -> Relation {
        Relation::LegalRepresentative { person: person(n), entity: code(entity) }
    }

    fn holds(holder: usize, entity: usize, share_bp: Option<u16>) -> Relation {
        Relation::Shareholder { holder: Holder::Entity(code(holder)), entity: code(entity), share_bp }
    }

    fn lot(n: usize) -> Vec<CreditCode> {
        (0..n).map(code).collect()
    }

    #[test]
    fn a_shared_legal_representative_makes_a_group() {
        let groups = related_groups(&lot(4), &[rep(1, 0), rep(2, 1), rep(1, 2), rep(3, 3)]);
        assert_eq!(
            groups,
            vec![RelatedGroup {
                bidders: vec![code(0), code(2)],
                evidence: vec![RelatedEvidence::SameLegalRepresentative { a: code(0), b: code(2) }],
                article: RELATED_BIDDERS_ARTICLE,
            }]
        );
        assert_eq!(groups[0].evidence[0].code(), "same_legal_representative");
        assert!(groups[0].evidence[0].label().contains("单位负责人（法定代表人）为同一人"));
    }

    #[test]
    fn control_is_more_than_half_or_declared() {
        let table: [(Relation, Option<RelatedEvidence>); 6] = [
            (
                holds(0, 1, Some(5001)),
                Some(RelatedEvidence::ControllingShare { holder: code(0), held: code(1), share_bp: 5001 }),
            ),
            (
                holds(1, 0, Some(10000)),
                Some(RelatedEvidence::ControllingShare { holder: code(1), held: code(0), share_bp: 10000 }),
            ),
            // Exactly half is not control; nor is a holding whose share was not declared.
            (holds(0, 1, Some(5000)), None),
            (holds(0, 1, None), None),
            (
                Relation::Controller { controller: code(1), entity: code(0) },
                Some(RelatedEvidence::DeclaredController { controller: code(1), controlled: code(0) }),
            ),
            // A person's holding is not a relation between two units.
            (Relation::Shareholder { holder: Holder::Person(person(1)), entity: code(0), share_bp: Some(9000) }, None),
        ];
        for (relation, expected) in table {
            let groups = related_groups(&lot(2), std::slice::from_ref(&relation));
            let found: Vec<RelatedEvidence> = groups.into_iter().flat_map(|g| g.evidence).collect();
            assert_eq!(found, expected.into_iter().collect::<Vec<_>>(), "{relation:?}");
        }
        assert_eq!(
            RelatedEvidence::ControllingShare { holder: code(0), held: code(1), share_bp: 5150 }.label(),
            "投标人91330100MA2H00030P持有91330100MA2H00049L51.5%的股份，为其控股股东"
        );
        assert_eq!(percent_text(6000), "60");
        assert_eq!(percent_text(5001), "50.01");
    }

    #[test]
    fn relations_outside_the_lot_do_not_count() {
        // Both held by a parent that does not bid: not related by this rule (no common head).
        let relations = [holds(5, 0, Some(8000)), holds(5, 1, Some(8000)), rep(1, 0), rep(1, 6)];
        assert_eq!(related_groups(&lot(2), &relations), Vec::new());
        // A relation of an entity with itself is no relation between two bidders.
        assert_eq!(related_groups(&lot(2), &[Relation::Controller { controller: code(0), entity: code(0) }]), vec![]);
    }

    #[test]
    fn a_chain_is_one_group_with_every_link() {
        let relations = [rep(7, 0), rep(7, 1), Relation::Controller { controller: code(2), entity: code(1) }];
        let groups = related_groups(&lot(5), &relations);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].bidders, vec![code(0), code(1), code(2)]);
        assert_eq!(groups[0].evidence.len(), 2);
    }

    fn relation() -> impl Strategy<Value = Relation> {
        prop_oneof![
            (0u8..4, 0usize..8).prop_map(|(p, e)| rep(p, e)),
            (0usize..8, 0usize..8).prop_map(|(a, b)| Relation::SameLegalRepresentative { a: code(a), b: code(b) }),
            (0usize..8, 0usize..8, prop::option::of(0u16..=10000)).prop_map(|(h, e, s)| holds(h, e, s)),
            (0usize..8, 0usize..8).prop_map(|(c, e)| Relation::Controller { controller: code(c), entity: code(e) }),
        ]
    }

    /// The relation read the other way round where the rule is symmetric.
    fn mirrored(relation: &Relation) -> Relation {
        match relation {
            Relation::SameLegalRepresentative { a, b } => {
                Relation::SameLegalRepresentative { a: b.clone(), b: a.clone() }
            }
            other => other.clone(),
        }
    }

    proptest! {
        #[test]
        fn grouping_is_symmetric_and_independent_of_order(
            bidders in prop::collection::vec(0usize..8, 0..8),
            relations in prop::collection::vec(relation(), 0..12),
            seed in any::<u64>(),
        ) {
            let bidders: Vec<CreditCode> = bidders.into_iter().map(code).collect();
            let groups = related_groups(&bidders, &relations);

            // Order of the inputs and direction of symmetric facts change nothing.
            let mut shuffled_bidders = bidders.clone();
            let mut shuffled_relations: Vec<Relation> = relations.iter().map(mirrored).collect();
            let rotate_b = usize::try_from(seed % 8).unwrap_or(0);
            let rotate_r = usize::try_from((seed >> 8) % 12).unwrap_or(0);
            shuffled_bidders.reverse();
            if !shuffled_bidders.is_empty() {
                let len = shuffled_bidders.len();
                shuffled_bidders.rotate_left(rotate_b % len);
            }
            shuffled_relations.reverse();
            if !shuffled_relations.is_empty() {
                let len = shuffled_relations.len();
                shuffled_relations.rotate_left(rotate_r % len);
            }
            prop_assert_eq!(&groups, &related_groups(&shuffled_bidders, &shuffled_relations));

            // Related is symmetric: both ends of every link are in the same group, a bidder is in at
            // most one group, and each group is connected by its own evidence.
            let mut seen = BTreeSet::new();
            for group in &groups {
                prop_assert!(group.bidders.len() >= 2);
                prop_assert!(group.bidders.windows(2).all(|w| w[0] < w[1]));
                prop_assert_eq!(group.article, RELATED_BIDDERS_ARTICLE);
                for bidder in &group.bidders {
                    prop_assert!(seen.insert(bidder.clone()), "{:?} in two groups", bidder);
                    prop_assert!(bidders.contains(bidder));
                }
                let mut reached = BTreeSet::from([&group.bidders[0]]);
                loop {
                    let before = reached.len();
                    for item in &group.evidence {
                        let (a, b) = item.bidders();
                        prop_assert!(group.bidders.contains(a) && group.bidders.contains(b));
                        prop_assert!(a != b);
                        if reached.contains(a) || reached.contains(b) {
                            reached.insert(a);
                            reached.insert(b);
                        }
                    }
                    if reached.len() == before {
                        break;
                    }
                }
                prop_assert_eq!(reached.len(), group.bidders.len());
            }
        }
    }
}
