//! Loading rulesets from their TOML files (`rules/` in the repository, built into the binary).
//! The domain type checks every rule; this module only reads the format.

use ggzy_domain::ruleset::{Bound, Rule, Ruleset, RulesetError, Unit};
use serde::Deserialize;

/// The rulesets shipped with this build: (path under `rules/`, file text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("construction/2019-03-02.toml", include_str!("../../../rules/construction/2019-03-02.toml")),
    ("gov_procurement/2022-07-01.toml", include_str!("../../../rules/gov_procurement/2022-07-01.toml")),
    ("land/2007-11-01.toml", include_str!("../../../rules/land/2007-11-01.toml")),
    ("mining_rights/2025-07-01.toml", include_str!("../../../rules/mining_rights/2025-07-01.toml")),
    ("state_property/2016-06-24.toml", include_str!("../../../rules/state_property/2016-06-24.toml")),
];

/// Why a ruleset file cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Not valid TOML of the expected shape.
    #[error("{file}: 规则集文件格式错误：{message}")]
    Format {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A unit or bound that does not exist.
    #[error("{file}: 规则 {rule} 的 {field} 取值 “{value}” 不存在")]
    UnknownValue {
        /// The file.
        file: String,
        /// The rule.
        rule: String,
        /// `unit` or `bound`.
        field: &'static str,
        /// The text.
        value: String,
    },
    /// The rules themselves are refused.
    #[error("{file}: {source}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        source: RulesetError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    ruleset: Header,
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: String,
    version: String,
    title: String,
    effective_from: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    value: i64,
    #[serde(default = "one")]
    denominator: i64,
    unit: String,
    bound: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    summary: String,
}

fn one() -> i64 {
    1
}

/// Parses one ruleset file.
pub fn parse(file: &str, text: &str) -> Result<Ruleset, LoadError> {
    let parsed: File =
        toml::from_str(text).map_err(|e| LoadError::Format { file: file.to_owned(), message: e.to_string() })?;
    let mut rules = Vec::with_capacity(parsed.rule.len());
    for entry in parsed.rule {
        let unknown = |field, value: &str| LoadError::UnknownValue {
            file: file.to_owned(),
            rule: entry.id.clone(),
            field,
            value: value.to_owned(),
        };
        let unit = Unit::parse(&entry.unit).ok_or_else(|| unknown("unit", &entry.unit))?;
        let bound = Bound::parse(&entry.bound).ok_or_else(|| unknown("bound", &entry.bound))?;
        rules.push(Rule {
            id: entry.id,
            value: entry.value,
            denominator: entry.denominator,
            unit,
            bound,
            source: entry.source,
            summary: entry.summary,
        });
    }
    let header = parsed.ruleset;
    Ruleset::new(header.id, header.version, header.title, header.effective_from, rules)
        .map_err(|source| LoadError::Invalid { file: file.to_owned(), source })
}

/// Every built-in ruleset.
pub fn builtin() -> Result<Vec<Ruleset>, LoadError> {
    BUILTIN.iter().map(|(file, text)| parse(file, text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normative notice without articles (通知) is cited by its document number, e.g. `国土资发〔2010〕34号`:
    /// 〔year〕, a number, 号.
    fn cites_a_document_number(source: &str) -> bool {
        source.split('〔').skip(1).any(|rest| {
            rest.split_once('〕').is_some_and(|(year, after)| {
                year.len() == 4
                    && year.chars().all(|c| c.is_ascii_digit())
                    && after
                        .split_once('号')
                        .is_some_and(|(number, _)| !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()))
            })
        })
    }

    #[test]
    fn a_document_number_is_told_from_a_vague_citation() {
        assert!(cites_a_document_number("国土资发〔2010〕34号（通知不分条款）"));
        assert!(!cites_a_document_number("国土资源部通知（2010年）"));
        assert!(!cites_a_document_number("国土资发〔2010〕号"));
    }

    #[test]
    fn builtin_rulesets_load_and_every_rule_cites_an_article() {
        let sets = builtin().expect("built-in rulesets load");
        assert!(!sets.is_empty());
        for set in &sets {
            for rule in set.rules() {
                let article = rule.source.contains('第') && rule.source.contains('条');
                assert!(article || cites_a_document_number(&rule.source), "{} cites no article", rule.id);
                assert!(!rule.summary.is_empty(), "{} has no summary", rule.id);
            }
        }
    }

    #[test]
    fn the_construction_numbers_match_the_statutes() {
        let sets = builtin().expect("load");
        let set = sets.iter().find(|set| set.key() == "construction@2019-03-02").expect("construction ruleset");
        // (rule, value, unit, bound, article it must cite): RULES.md §1.2-1.3, checked against shared/laws.
        let expected: &[(&str, i64, Unit, Bound, &str)] = &[
            ("doc_sale_days_min", 5, Unit::CalendarDays, Bound::Floor, "实施条例 第十六条"),
            ("bid_preparation_days_min", 20, Unit::CalendarDays, Bound::Floor, "招标投标法 第二十四条"),
            ("amendment_before_bid_deadline_days_min", 15, Unit::CalendarDays, Bound::Floor, "第二十三条"),
            ("objection_tender_docs_before_deadline_days", 10, Unit::CalendarDays, Bound::Floor, "第二十二条"),
            ("bids_min", 3, Unit::Count, Bound::Floor, "招标投标法 第二十八条"),
            ("committee_members_min", 5, Unit::Count, Bound::Floor, "第三十七条"),
            ("bid_deposit_percent_max", 2, Unit::Percent, Bound::Cap, "第二十六条"),
            ("performance_bond_percent_max", 10, Unit::Percent, Bound::Cap, "第五十八条"),
            ("candidates_publicity_days_min", 3, Unit::CalendarDays, Bound::Floor, "第五十四条"),
            ("contract_days_max", 30, Unit::CalendarDays, Bound::Cap, "第四十六条"),
            ("complaint_decision_wd_max", 30, Unit::WorkingDays, Bound::Cap, "第六十一条"),
            ("deposit_refund_after_contract_days_max", 5, Unit::CalendarDays, Bound::Cap, "第五十七条"),
            ("withdrawal_deposit_refund_days_max", 5, Unit::CalendarDays, Bound::Cap, "第三十五条"),
        ];
        for &(id, value, unit, bound, article) in expected {
            let rule = set.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!((rule.value, rule.unit, rule.bound), (value, unit, bound), "{id}");
            assert!(rule.source.contains(article), "{id} cites {}", rule.source);
        }
        let experts = set.get("committee_experts_share_min").expect("experts share");
        assert_eq!((experts.value, experts.denominator, experts.unit), (2, 3, Unit::Ratio));
        let more_time = set.get("more_time_requests_share_max").expect("more-time share");
        assert_eq!((more_time.value, more_time.denominator, more_time.bound), (1, 3, Bound::Cap));
        assert!(more_time.source.contains("第四十八条"), "{}", more_time.source);
    }

    #[test]
    fn the_land_and_state_property_numbers_match_rules_md() {
        let sets = builtin().expect("load");
        // (ruleset, rule, value, unit, bound, article): RULES.md §3 and §4; 拍卖法 checked against shared/laws.
        let expected: &[(&str, &str, i64, Unit, Bound, &str)] = &[
            ("land@2007-11-01", "notice_days_min", 20, Unit::CalendarDays, Bound::Floor, "第十条"),
            ("land@2007-11-01", "listing_days_min", 10, Unit::WorkingDays, Bound::Floor, "第十八条"),
            ("land@2007-11-01", "auction_bidders_min", 3, Unit::Count, Bound::Floor, "第十五条"),
            ("land@2007-11-01", "deposit_refund_wd_max", 5, Unit::WorkingDays, Bound::Cap, "第二十一条"),
            ("land@2007-11-01", "result_publish_wd_max", 10, Unit::WorkingDays, Bound::Cap, "第二十二条"),
            (
                "land@2007-11-01",
                "auction_house_notice_days_min",
                7,
                Unit::CalendarDays,
                Bound::Floor,
                "拍卖法 第四十五条",
            ),
            (
                "land@2007-11-01",
                "auction_house_display_days_min",
                2,
                Unit::CalendarDays,
                Bound::Floor,
                "拍卖法 第四十八条",
            ),
            ("state_property@2016-06-24", "disclosure_wd_min", 20, Unit::WorkingDays, Bound::Floor, "第十三条"),
            (
                "state_property@2016-06-24",
                "price_cut_percent_of_appraisal_min",
                90,
                Unit::Percent,
                Bound::Floor,
                "第十八条",
            ),
            ("state_property@2016-06-24", "lump_sum_payment_wd_max", 5, Unit::WorkingDays, Bound::Cap, "第二十八条"),
            ("state_property@2016-06-24", "result_publicity_wd_min", 5, Unit::WorkingDays, Bound::Floor, "第二十九条"),
            (
                "state_property@2016-06-24",
                "large_asset_notice_wd_min",
                20,
                Unit::WorkingDays,
                Bound::Floor,
                "第四十八条",
            ),
        ];
        for &(key, id, value, unit, bound, article) in expected {
            let set = sets.iter().find(|set| set.key() == key).unwrap_or_else(|| panic!("{key} missing"));
            let rule = set.get(id).unwrap_or_else(|| panic!("{key}: {id} missing"));
            assert_eq!((rule.value, rule.unit, rule.bound), (value, unit, bound), "{key}: {id}");
            assert!(rule.source.contains(article), "{key}: {id} cites {}", rule.source);
        }
    }

    #[test]
    fn a_rule_without_source_or_with_an_unknown_unit_is_refused_with_a_clear_message() {
        let head = "[ruleset]\nid = \"t\"\nversion = \"2026-01-01\"\ntitle = \"t\"\neffective_from = \"2026-01-01\"\n";
        let unsourced = format!("{head}[[rule]]\nid = \"x\"\nvalue = 1\nunit = \"d\"\nbound = \"floor\"\n");
        let error = parse("t.toml", &unsourced).expect_err("no source");
        assert!(error.to_string().contains("缺少法律依据"), "{error}");
        let bad_unit = format!(
            "{head}[[rule]]\nid = \"x\"\nvalue = 1\nunit = \"days\"\nbound = \"floor\"\nsource = \"法 第一条\"\n"
        );
        let error = parse("t.toml", &bad_unit).expect_err("unknown unit");
        assert!(error.to_string().contains("days"), "{error}");
        assert!(parse("t.toml", "not = [toml").is_err());
    }
}
