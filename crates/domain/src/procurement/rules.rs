//! The numbers of government procurement, read once from the pinned ruleset
//! (`rules/gov_procurement/*.toml`) into a typed view, so that the rest of the module names every
//! number by a field and never hard-codes one (DESIGN §4).
//!
//! Why a typed view rather than lookups by id everywhere: a missing or mistyped rule is found when
//! the procedure starts, not halfway through an evaluation, and the functions of this module cannot
//! fail for want of a number.
//!
//! Regional thresholds: local-budget procurement uses the thresholds its province sets
//! (政府采购法 第八条、第二十七条). A region's ruleset may therefore override the threshold rules
//! ([`OVERRIDABLE`]) and nothing else: every other number is national law.

use crate::ruleset::{Rule, Ruleset, Unit};

/// The rule ids a region may override (政府采购法 第八条、第二十七条: thresholds of local budgets are set
/// by the province).
pub const OVERRIDABLE: [&str; 4] = [
    "open_tender_goods_services_fen_min",
    "open_tender_works_fen_min",
    "decentralised_goods_services_fen_min",
    "decentralised_works_fen_min",
];

/// Why a ruleset cannot serve government procurement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// A rule the procedure needs is not in the ruleset.
    #[error("规则集 {ruleset} 缺少政府采购规则 {rule}：请使用完整的政府采购规则集（rules/gov_procurement）")]
    Missing {
        /// The ruleset's key.
        ruleset: String,
        /// The rule id.
        rule: &'static str,
    },
    /// A rule in another unit than the code expects (a threshold in days, ...).
    #[error("规则 {rule} 的单位应为 {expected}，实际为 {found}：请改正规则集")]
    WrongUnit {
        /// The rule id.
        rule: String,
        /// The unit expected.
        expected: &'static str,
        /// The unit found.
        found: &'static str,
    },
    /// A regional ruleset overrides a national number.
    #[error(
        "地方规则集不能改变全国统一的规则 {rule}：地方只能规定公开招标数额标准和采购限额标准（政府采购法 第八条、第二十七条）"
    )]
    NotOverridable {
        /// The rule id.
        rule: String,
    },
}

impl RulesError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            RulesError::Missing { .. } => "procurement_rule_missing",
            RulesError::WrongUnit { .. } => "procurement_rule_unit",
            RulesError::NotOverridable { .. } => "procurement_rule_not_overridable",
        }
    }
}

/// Thresholds (数额标准), in fen: central ones from the ruleset, possibly overridden by a province.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Goods and services at or above this must use open tender (公开招标数额标准).
    pub open_tender_goods_services: Rule,
    /// Works at or above this must be tendered (工程招标规模标准).
    pub open_tender_works: Rule,
    /// Goods and services at or above this are government procurement outside the catalogue
    /// (分散采购限额标准).
    pub decentralised_goods_services: Rule,
    /// Works at or above this are government procurement outside the catalogue.
    pub decentralised_works: Rule,
}

/// The committee and group sizes (评标委员会、谈判小组、询价小组、磋商小组).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeRules {
    /// Tender committee minimum (87号令 第四十七条).
    pub committee_members_min: Rule,
    /// Tender committee minimum for large projects (87号令 第四十七条).
    pub committee_large_members_min: Rule,
    /// Budget from which a tender committee is large (87号令 第四十七条).
    pub committee_large_budget: Rule,
    /// Experts' share of the members (ratio).
    pub experts_share: Rule,
    /// Negotiation, quotation and consultation group minimum (政府采购法 第三十八条、第四十条; 214号 第十四条).
    pub group_members_min: Rule,
    /// Negotiation and quotation group minimum at or above the open-tender threshold (74号令 第七条).
    pub group_large_members_min: Rule,
}

/// The minimum numbers of suppliers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierRules {
    /// Tender: bids to open, qualified bids to evaluate (政府采购法 第三十六条; 87号令 第四十一条、第四十四条).
    pub bids_min: Rule,
    /// Invited tender: suppliers drawn at random (政府采购法 第三十四条).
    pub invited_suppliers_min: Rule,
    /// Negotiation and quotation (政府采购法 第三十八条、第四十条; 74号令 第三十七条).
    pub non_tender_suppliers_min: Rule,
    /// Negotiation after a failed open tender with two suppliers (74号令 第二十七条).
    pub negotiation_after_failed_tender_min: Rule,
    /// Consultation final offers (214号 第二十一条).
    pub consultation_final_offers_min: Rule,
    /// Consultation final offers, research, technology-transfer and purchased-services projects.
    pub consultation_final_offers_exception_min: Rule,
}

/// The price-weight ranges (价格分值比重).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceWeightRules {
    /// Tender, goods: floor (87号令 第五十五条).
    pub goods_min: Rule,
    /// Tender, services: floor (87号令 第五十五条).
    pub services_min: Rule,
    /// Consultation, goods: floor (214号 第二十四条).
    pub consultation_goods_min: Rule,
    /// Consultation, goods: cap (214号 第二十四条).
    pub consultation_goods_max: Rule,
    /// Consultation, services: floor (214号 第二十四条).
    pub consultation_services_min: Rule,
    /// Consultation, services: cap (214号 第二十四条).
    pub consultation_services_max: Rule,
}

/// The SME price-deduction ranges (价格扣除, 财库〔2020〕46号 第九条, 财库〔2022〕19号).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmeRules {
    /// Small and micro enterprises, goods and services: floor.
    pub goods_services_min: Rule,
    /// Small and micro enterprises, goods and services: cap.
    pub goods_services_max: Rule,
    /// Small and micro enterprises, works: floor.
    pub works_min: Rule,
    /// Small and micro enterprises, works: cap.
    pub works_max: Rule,
    /// Consortium or subcontract share, goods and services: floor.
    pub share_goods_services_min: Rule,
    /// Consortium or subcontract share, goods and services: cap.
    pub share_goods_services_max: Rule,
    /// Consortium or subcontract share, works: floor.
    pub share_works_min: Rule,
    /// Consortium or subcontract share, works: cap.
    pub share_works_max: Rule,
    /// The small and micro enterprises' share of the contract a consortium or subcontract needs.
    pub share_of_contract_min: Rule,
    /// Goods and services up to this amount that suit SMEs are reserved for them wholly (46号 第八条).
    pub reserved_goods_services_max: Rule,
    /// Works up to this amount that suit SMEs are reserved for them wholly (46号 第八条).
    pub reserved_works_max: Rule,
    /// Above it, the share of goods and services reserved, percent.
    pub reserved_share_goods_services_min: Rule,
    /// Above it, the share of works reserved, percent (raised by 财库〔2022〕19号).
    pub reserved_share_works_min: Rule,
}

/// The periods of questions, objections and complaints (询问、质疑、投诉; RULES.md §2.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectionRules {
    /// Reply to a question (询问, 条例 第五十二条).
    pub question_reply: Rule,
    /// Raise an objection (质疑, 政府采购法 第五十二条).
    pub objection: Rule,
    /// Reply to an objection (政府采购法 第五十三条).
    pub objection_reply: Rule,
    /// File a complaint after the reply period (投诉, 政府采购法 第五十五条).
    pub complaint: Rule,
    /// Review of a complaint (94号令 第二十一条).
    pub complaint_review: Rule,
    /// Copy to the respondents (94号令 第二十一条).
    pub complaint_copy: Rule,
    /// The respondents' answer (94号令 第二十二条).
    pub complaint_answer: Rule,
    /// The decision (政府采购法 第五十六条).
    pub complaint_decision: Rule,
    /// Suspension of the procurement during a complaint (政府采购法 第五十七条).
    pub suspension: Rule,
}

/// The procedure periods (RULES.md §2.2), counted by the deadline engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodRules {
    /// Tender notice period, WD (87号令 第十六条).
    pub notice: Rule,
    /// Tender documents available, WD (条例 第三十一条).
    pub doc_availability: Rule,
    /// Documents issued to bid deadline, d (政府采购法 第三十五条).
    pub bid_preparation: Rule,
    /// Clarification before the bid deadline, d (条例 第三十一条).
    pub amendment_before_bid_deadline: Rule,
    /// Negotiation documents to first responses, WD (74号令 第二十九条).
    pub negotiation_docs: Rule,
    /// Negotiation clarification before first responses, WD (74号令 第二十九条).
    pub negotiation_clarification: Rule,
    /// Quotation notice to responses, WD (74号令 第四十五条).
    pub inquiry_response: Rule,
    /// Quotation clarification before responses, WD (74号令 第四十五条).
    pub inquiry_clarification: Rule,
    /// Consultation documents to first responses, d (214号 第十条).
    pub consultation_docs: Rule,
    /// Consultation clarification before first responses, d (214号 第十条).
    pub consultation_clarification: Rule,
    /// Evaluation report to the purchaser, WD (条例 第四十三条).
    pub report_to_purchaser: Rule,
    /// The purchaser determines the winner, WD (条例 第四十三条).
    pub award_decision: Rule,
    /// Result published and award notice sent, WD (条例 第四十三条).
    pub result_notice: Rule,
    /// Contract after the award notice, d (政府采购法 第四十六条).
    pub contract: Rule,
    /// Contract published, WD (条例 第五十条).
    pub contract_publish: Rule,
    /// Contract filed with the finance department, WD (政府采购法 第四十七条).
    pub contract_filing: Rule,
}

/// Every number of government procurement this module uses, from one pinned ruleset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcurementRules {
    /// The pinned ruleset's key (`gov_procurement@2022-07-01`).
    pub ruleset_key: String,
    /// Thresholds.
    pub thresholds: Thresholds,
    /// Single-source add-on cap, percent of the original contract (政府采购法 第三十一条第（三）项).
    pub single_source_add_on_max: Rule,
    /// Single-source publicity above the open-tender threshold, working days (条例 第三十八条).
    pub single_source_publicity: Rule,
    /// Procedure periods.
    pub periods: PeriodRules,
    /// Committee and group sizes.
    pub committee: CommitteeRules,
    /// Supplier counts.
    pub suppliers: SupplierRules,
    /// Price weights.
    pub price_weights: PriceWeightRules,
    /// SME deductions.
    pub sme: SmeRules,
    /// Question, objection and complaint periods.
    pub objections: ObjectionRules,
}

struct Reader<'a> {
    ruleset: &'a Ruleset,
}

impl Reader<'_> {
    fn get(&self, id: &'static str, unit: Unit) -> Result<Rule, RulesError> {
        let rule = self.ruleset.get(id).ok_or_else(|| RulesError::Missing { ruleset: self.ruleset.key(), rule: id })?;
        if rule.unit != unit {
            return Err(RulesError::WrongUnit {
                rule: id.to_owned(),
                expected: unit.as_str(),
                found: rule.unit.as_str(),
            });
        }
        Ok(rule.clone())
    }
}

impl ProcurementRules {
    /// Reads every number from `ruleset`.
    ///
    /// # Errors
    /// The first rule that is missing or in the wrong unit.
    pub fn from_ruleset(ruleset: &Ruleset) -> Result<ProcurementRules, RulesError> {
        let r = Reader { ruleset };
        let (fen, pct, count, wd) = (Unit::Fen, Unit::Percent, Unit::Count, Unit::WorkingDays);
        Ok(ProcurementRules {
            ruleset_key: ruleset.key(),
            thresholds: Thresholds {
                open_tender_goods_services: r.get("open_tender_goods_services_fen_min", fen)?,
                open_tender_works: r.get("open_tender_works_fen_min", fen)?,
                decentralised_goods_services: r.get("decentralised_goods_services_fen_min", fen)?,
                decentralised_works: r.get("decentralised_works_fen_min", fen)?,
            },
            single_source_add_on_max: r.get("single_source_add_on_percent_max", pct)?,
            single_source_publicity: r.get("single_source_publicity_wd_min", wd)?,
            periods: PeriodRules {
                notice: r.get("notice_wd_min", wd)?,
                doc_availability: r.get("doc_availability_wd_min", wd)?,
                bid_preparation: r.get("bid_preparation_days_min", Unit::CalendarDays)?,
                amendment_before_bid_deadline: r.get("amendment_before_bid_deadline_days_min", Unit::CalendarDays)?,
                negotiation_docs: r.get("negotiation_docs_wd_min", wd)?,
                negotiation_clarification: r.get("negotiation_clarification_wd_min", wd)?,
                inquiry_response: r.get("inquiry_response_wd_min", wd)?,
                inquiry_clarification: r.get("inquiry_clarification_wd_min", wd)?,
                consultation_docs: r.get("consultation_docs_days_min", Unit::CalendarDays)?,
                consultation_clarification: r.get("consultation_clarification_days_min", Unit::CalendarDays)?,
                report_to_purchaser: r.get("report_to_purchaser_wd_max", wd)?,
                award_decision: r.get("award_decision_wd_max", wd)?,
                result_notice: r.get("result_notice_wd_max", wd)?,
                contract: r.get("contract_days_max", Unit::CalendarDays)?,
                contract_publish: r.get("contract_publish_wd_max", wd)?,
                contract_filing: r.get("contract_filing_wd_max", wd)?,
            },
            committee: CommitteeRules {
                committee_members_min: r.get("committee_members_min", count)?,
                committee_large_members_min: r.get("committee_large_members_min", count)?,
                committee_large_budget: r.get("committee_large_budget_fen_min", fen)?,
                experts_share: r.get("committee_experts_share_min", Unit::Ratio)?,
                group_members_min: r.get("group_members_min", count)?,
                group_large_members_min: r.get("group_large_members_min", count)?,
            },
            suppliers: SupplierRules {
                bids_min: r.get("bids_min", count)?,
                invited_suppliers_min: r.get("invited_suppliers_min", count)?,
                non_tender_suppliers_min: r.get("non_tender_suppliers_min", count)?,
                negotiation_after_failed_tender_min: r.get("negotiation_after_failed_tender_suppliers_min", count)?,
                consultation_final_offers_min: r.get("consultation_final_offers_min", count)?,
                consultation_final_offers_exception_min: r.get("consultation_final_offers_exception_min", count)?,
            },
            price_weights: PriceWeightRules {
                goods_min: r.get("price_weight_goods_percent_min", pct)?,
                services_min: r.get("price_weight_services_percent_min", pct)?,
                consultation_goods_min: r.get("consultation_price_weight_goods_percent_min", pct)?,
                consultation_goods_max: r.get("consultation_price_weight_goods_percent_max", pct)?,
                consultation_services_min: r.get("consultation_price_weight_services_percent_min", pct)?,
                consultation_services_max: r.get("consultation_price_weight_services_percent_max", pct)?,
            },
            sme: SmeRules {
                goods_services_min: r.get("sme_deduction_goods_services_percent_min", pct)?,
                goods_services_max: r.get("sme_deduction_goods_services_percent_max", pct)?,
                works_min: r.get("sme_deduction_works_percent_min", pct)?,
                works_max: r.get("sme_deduction_works_percent_max", pct)?,
                share_goods_services_min: r.get("sme_share_deduction_goods_services_percent_min", pct)?,
                share_goods_services_max: r.get("sme_share_deduction_goods_services_percent_max", pct)?,
                share_works_min: r.get("sme_share_deduction_works_percent_min", pct)?,
                share_works_max: r.get("sme_share_deduction_works_percent_max", pct)?,
                share_of_contract_min: r.get("sme_share_of_contract_percent_min", pct)?,
                reserved_goods_services_max: r.get("sme_reserved_goods_services_fen_max", fen)?,
                reserved_works_max: r.get("sme_reserved_works_fen_max", fen)?,
                reserved_share_goods_services_min: r.get("sme_reserved_share_goods_services_percent_min", pct)?,
                reserved_share_works_min: r.get("sme_reserved_share_works_percent_min", pct)?,
            },
            objections: ObjectionRules {
                question_reply: r.get("question_reply_wd_max", wd)?,
                objection: r.get("objection_wd_max", wd)?,
                objection_reply: r.get("objection_reply_wd_max", wd)?,
                complaint: r.get("complaint_wd_max", wd)?,
                complaint_review: r.get("complaint_review_wd_max", wd)?,
                complaint_copy: r.get("complaint_copy_wd_max", wd)?,
                complaint_answer: r.get("complaint_answer_wd_max", wd)?,
                complaint_decision: r.get("complaint_decision_wd_max", wd)?,
                suspension: r.get("procurement_suspension_days_max", Unit::CalendarDays)?,
            },
        })
    }

    /// The same rules with a province's thresholds (政府采购法 第八条、第二十七条): every rule of
    /// `regional` replaces the national one of the same id.
    ///
    /// # Errors
    /// A regional rule that is not a threshold ([`OVERRIDABLE`]) or not in fen.
    pub fn with_regional_thresholds(mut self, regional: &Ruleset) -> Result<ProcurementRules, RulesError> {
        for rule in regional.rules() {
            if rule.unit != Unit::Fen {
                return Err(RulesError::WrongUnit {
                    rule: rule.id.clone(),
                    expected: Unit::Fen.as_str(),
                    found: rule.unit.as_str(),
                });
            }
            let slot = match rule.id.as_str() {
                "open_tender_goods_services_fen_min" => &mut self.thresholds.open_tender_goods_services,
                "open_tender_works_fen_min" => &mut self.thresholds.open_tender_works,
                "decentralised_goods_services_fen_min" => &mut self.thresholds.decentralised_goods_services,
                "decentralised_works_fen_min" => &mut self.thresholds.decentralised_works,
                _ => return Err(RulesError::NotOverridable { rule: rule.id.clone() }),
            };
            *slot = rule.clone();
        }
        Ok(self)
    }
}

/// The ruleset file of this version, for tests of the whole module (the app loads the same file
/// through `ggzy_app::rulesets`).
#[cfg(test)]
pub(crate) mod fixture {
    use super::ProcurementRules;
    use crate::ruleset::{Bound, Rule, Ruleset, Unit};

    /// Parses `rules/gov_procurement/2022-07-01.toml` with a minimal reader of its flat format
    /// (the domain has no TOML dependency; the app's loader is the real one).
    pub(crate) fn ruleset() -> Ruleset {
        let text = include_str!("../../../../rules/gov_procurement/2022-07-01.toml");
        let mut rules = Vec::new();
        let mut current: Option<Rule> = None;
        for line in text.lines().map(str::trim) {
            if line == "[[rule]]" {
                rules.extend(current.take());
                current = Some(Rule {
                    id: String::new(),
                    value: 0,
                    denominator: 1,
                    unit: Unit::Count,
                    bound: Bound::Floor,
                    source: String::new(),
                    summary: String::new(),
                });
                continue;
            }
            let (Some(rule), Some((key, value))) = (current.as_mut(), line.split_once(" = ")) else { continue };
            let text = value.trim_matches('"').to_owned();
            match key {
                "id" => rule.id = text,
                "value" => rule.value = text.parse().expect("integer value"),
                "denominator" => rule.denominator = text.parse().expect("integer denominator"),
                "unit" => rule.unit = Unit::parse(&text).expect("known unit"),
                "bound" => rule.bound = Bound::parse(&text).expect("known bound"),
                "source" => rule.source = text,
                "summary" => rule.summary = text,
                _ => {}
            }
        }
        rules.extend(current);
        Ruleset::new(
            "gov_procurement".to_owned(),
            "2022-07-01".to_owned(),
            "政府采购".to_owned(),
            "2022-07-01".to_owned(),
            rules,
        )
        .expect("the gov_procurement ruleset is valid")
    }

    /// The typed view of [`ruleset`].
    pub(crate) fn rules() -> ProcurementRules {
        ProcurementRules::from_ruleset(&ruleset()).expect("every procurement rule is present")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::Bound;

    #[test]
    fn the_file_provides_every_number() {
        let rules = fixture::rules();
        assert_eq!(rules.ruleset_key, "gov_procurement@2022-07-01");
        assert_eq!(rules.thresholds.open_tender_goods_services.value, 200_000_000);
        assert_eq!(rules.committee.committee_large_budget.value, 1_000_000_000);
        assert_eq!((rules.committee.experts_share.value, rules.committee.experts_share.denominator), (2, 3));
        assert_eq!(rules.objections.objection.value, 7);
        for rule in fixture::ruleset().rules() {
            assert!(crate::transition_table::cites_article(&rule.source), "{} cites no article", rule.id);
        }
    }

    #[test]
    fn the_numbers_match_rules_md() {
        // (rule, value, unit, bound, article it must cite): RULES.md §2.1-2.6; statute articles checked
        // against ../shared/laws.
        let expected: &[(&str, i64, Unit, Bound, &str)] = &[
            ("open_tender_goods_services_fen_min", 200_000_000, Unit::Fen, Bound::Floor, "政府采购法 第二十七条"),
            ("decentralised_goods_services_fen_min", 100_000_000, Unit::Fen, Bound::Floor, "政府采购法 第八条"),
            ("decentralised_works_fen_min", 120_000_000, Unit::Fen, Bound::Floor, "政府采购法 第八条"),
            ("invited_suppliers_min", 3, Unit::Count, Bound::Floor, "政府采购法 第三十四条"),
            ("single_source_add_on_percent_max", 10, Unit::Percent, Bound::Cap, "第三十一条第（三）项"),
            ("notice_wd_min", 5, Unit::WorkingDays, Bound::Floor, "第十六条"),
            ("doc_availability_wd_min", 5, Unit::WorkingDays, Bound::Floor, "政府采购法实施条例 第三十一条"),
            ("pq_application_wd_min", 5, Unit::WorkingDays, Bound::Floor, "政府采购法实施条例 第二十一条"),
            ("bid_preparation_days_min", 20, Unit::CalendarDays, Bound::Floor, "政府采购法 第三十五条"),
            ("amendment_before_bid_deadline_days_min", 15, Unit::CalendarDays, Bound::Floor, "第三十一条"),
            ("report_to_purchaser_wd_max", 2, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第四十三条"),
            ("award_decision_wd_max", 5, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第四十三条"),
            ("result_notice_wd_max", 2, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第四十三条"),
            ("contract_days_max", 30, Unit::CalendarDays, Bound::Cap, "政府采购法 第四十六条"),
            ("contract_publish_wd_max", 2, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第五十条"),
            ("contract_filing_wd_max", 7, Unit::WorkingDays, Bound::Cap, "政府采购法 第四十七条"),
            ("deposit_refund_wd_max", 5, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第三十三条"),
            ("single_source_publicity_wd_min", 5, Unit::WorkingDays, Bound::Floor, "政府采购法实施条例 第三十八条"),
            ("record_retention_years_min", 15, Unit::Count, Bound::Floor, "政府采购法 第四十二条"),
            ("bid_deposit_percent_max", 2, Unit::Percent, Bound::Cap, "政府采购法实施条例 第三十三条"),
            ("performance_bond_percent_max", 10, Unit::Percent, Bound::Cap, "政府采购法实施条例 第四十八条"),
            ("supplementary_contract_percent_max", 10, Unit::Percent, Bound::Cap, "政府采购法 第四十九条"),
            ("committee_members_min", 5, Unit::Count, Bound::Floor, "第四十七条"),
            ("committee_large_members_min", 7, Unit::Count, Bound::Floor, "第四十七条"),
            ("group_members_min", 3, Unit::Count, Bound::Floor, "政府采购法 第三十八条、第四十条"),
            ("bids_min", 3, Unit::Count, Bound::Floor, "政府采购法 第三十六条"),
            ("price_weight_goods_percent_min", 30, Unit::Percent, Bound::Floor, "第五十五条"),
            ("price_weight_services_percent_min", 10, Unit::Percent, Bound::Floor, "第五十五条"),
            ("question_reply_wd_max", 3, Unit::WorkingDays, Bound::Cap, "政府采购法实施条例 第五十二条"),
            ("objection_wd_max", 7, Unit::WorkingDays, Bound::Cap, "政府采购法 第五十二条"),
            ("objection_reply_wd_max", 7, Unit::WorkingDays, Bound::Cap, "政府采购法 第五十三条"),
            ("complaint_wd_max", 15, Unit::WorkingDays, Bound::Cap, "政府采购法 第五十五条"),
            ("complaint_decision_wd_max", 30, Unit::WorkingDays, Bound::Cap, "政府采购法 第五十六条"),
            ("procurement_suspension_days_max", 30, Unit::CalendarDays, Bound::Cap, "政府采购法 第五十七条"),
        ];
        let set = fixture::ruleset();
        for &(id, value, unit, bound, article) in expected {
            let rule = set.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!((rule.value, rule.unit, rule.bound), (value, unit, bound), "{id}");
            assert!(rule.source.contains(article), "{id} should cite {article}: {}", rule.source);
        }
    }

    #[test]
    fn a_province_overrides_only_thresholds() {
        let law = "某省人民政府关于政府采购限额标准的通知 第二条";
        let threshold = |id: &str, value| Rule {
            id: id.to_owned(),
            value,
            denominator: 1,
            unit: Unit::Fen,
            bound: Bound::Floor,
            source: law.to_owned(),
            summary: String::new(),
        };
        let regional = |rules| Ruleset::new("r".into(), "2021-01-01".into(), "地方".into(), "2021-01-01".into(), rules);
        let province = regional(vec![threshold("open_tender_goods_services_fen_min", 400_000_000)]).expect("valid");
        let rules = fixture::rules().with_regional_thresholds(&province).expect("a threshold may be overridden");
        assert_eq!(rules.thresholds.open_tender_goods_services.value, 400_000_000);
        assert_eq!(rules.thresholds.open_tender_goods_services.source, law);
        let national = regional(vec![threshold("bids_min", 2)]).expect("valid");
        let refused = fixture::rules().with_regional_thresholds(&national).expect_err("national number");
        assert_eq!(refused.code(), "procurement_rule_not_overridable");
        let missing = Ruleset::new("x".into(), "2021-01-01".into(), "x".into(), "2021-01-01".into(), vec![]);
        let refused = ProcurementRules::from_ruleset(&missing.expect("empty is valid")).expect_err("empty");
        assert_eq!(refused.code(), "procurement_rule_missing");
    }
}
