//! Minimum numbers of suppliers and what follows a shortfall (RULES.md §2.3):
//!
//! - tenders: fewer than 3 bids at the deadline, no opening (87号令 第四十一条); fewer than 3 qualified or
//!   responsive, 废标 (政府采购法 第三十六条; 87号令 第四十四条); then re-tender, or another method with
//!   prior approval (政府采购法 第三十七条; 87号令 第四十三条), or, with exactly 2, negotiate with the two
//!   with approval (74号令 第二十七条);
//! - invited tender: at least 3 suppliers drawn (政府采购法 第三十四条);
//! - negotiation and quotation: at least 3 (政府采购法 第三十八条、第四十条), else terminate and restart
//!   (74号令 第三十七条), except a negotiation after a failed open tender with 2 (74号令 第二十七条);
//! - consultation: 3 final offers, or 2 for research, technology-transfer and purchased-services
//!   projects (214号 第二十一条).

use super::ProcurementMethod;
use super::rules::ProcurementRules;
use crate::ruleset::Rule;

/// Where the suppliers are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupplierStage {
    /// Suppliers invited or drawn.
    Invited,
    /// Bids or responses received at the deadline.
    Received,
    /// Bids or responses that pass the qualification and compliance review.
    Qualified,
    /// Final offers (谈判、磋商).
    FinalOffers,
}

/// Facts that change the minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SupplierFacts {
    /// A negotiation after an open tender of goods or services that had exactly 2 bidders, approved
    /// (74号令 第二十七条).
    pub after_failed_tender_with_two: bool,
    /// A consultation for research, technology transfer or purchased services (214号 第二十一条).
    pub consultation_exception: bool,
}

/// What may follow a shortfall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Tender again (重新招标).
    ReTender {
        /// The article.
        source: &'static str,
    },
    /// Another method, with prior approval.
    OtherMethodWithApproval {
        /// The article.
        source: &'static str,
    },
    /// Negotiate with the two suppliers, with approval.
    NegotiateWithTwo {
        /// The article.
        source: String,
    },
    /// Invite or draw more suppliers before going on.
    InviteMore {
        /// The article.
        source: String,
    },
    /// Terminate and start the procurement again.
    Restart {
        /// The article.
        source: &'static str,
    },
}

/// Too few suppliers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// The count.
    pub count: u32,
    /// The rule not met.
    pub minimum: Rule,
    /// What may follow.
    pub fallbacks: Vec<Fallback>,
}

const RETENDER: &str = "政府采购法 第三十六条、第三十七条";
const OTHER_METHOD: &str = "政府采购法 第三十七条；政府采购货物和服务招标投标管理办法（财政部令第87号）第四十三条";
const NON_TENDER_RESTART: &str = "政府采购非招标采购方式管理办法（财政部令第74号）第三十七条";
const CONSULTATION_RESTART: &str = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三十四条";

/// Whether `count` suppliers at `stage` are enough for `method`; `None` when they are, else the
/// shortfall with its fallbacks.
pub fn supplier_shortfall(
    rules: &ProcurementRules,
    method: ProcurementMethod,
    stage: SupplierStage,
    count: u32,
    facts: SupplierFacts,
) -> Option<Shortfall> {
    let s = &rules.suppliers;
    let (minimum, fallbacks): (&Rule, Vec<Fallback>) = match (method, stage) {
        (ProcurementMethod::InvitedTender, SupplierStage::Invited) => {
            (&s.invited_suppliers_min, vec![Fallback::InviteMore { source: s.invited_suppliers_min.source.clone() }])
        }
        (ProcurementMethod::OpenTender | ProcurementMethod::InvitedTender, _) => {
            let mut fallbacks = vec![
                Fallback::ReTender { source: RETENDER },
                Fallback::OtherMethodWithApproval { source: OTHER_METHOD },
            ];
            if method == ProcurementMethod::OpenTender
                && i64::from(count) == s.negotiation_after_failed_tender_min.value
                && matches!(stage, SupplierStage::Received | SupplierStage::Qualified)
            {
                fallbacks
                    .push(Fallback::NegotiateWithTwo { source: s.negotiation_after_failed_tender_min.source.clone() });
            }
            (&s.bids_min, fallbacks)
        }
        (ProcurementMethod::CompetitiveNegotiation, _) if facts.after_failed_tender_with_two => {
            (&s.negotiation_after_failed_tender_min, vec![Fallback::Restart { source: NON_TENDER_RESTART }])
        }
        (ProcurementMethod::CompetitiveNegotiation | ProcurementMethod::Inquiry, _) => {
            (&s.non_tender_suppliers_min, vec![Fallback::Restart { source: NON_TENDER_RESTART }])
        }
        (ProcurementMethod::CompetitiveConsultation, SupplierStage::FinalOffers) => {
            let rule = if facts.consultation_exception {
                &s.consultation_final_offers_exception_min
            } else {
                &s.consultation_final_offers_min
            };
            (rule, vec![Fallback::Restart { source: CONSULTATION_RESTART }])
        }
        (ProcurementMethod::CompetitiveConsultation, _) => {
            (&s.consultation_final_offers_min, vec![Fallback::Restart { source: CONSULTATION_RESTART }])
        }
        // One supplier is the method; a framework agreement's entry stage sets its own numbers in the
        // documents (not modelled yet).
        (ProcurementMethod::SingleSource | ProcurementMethod::FrameworkAgreement, _) => return None,
    };
    (i64::from(count) < minimum.value).then(|| Shortfall { count, minimum: minimum.clone(), fallbacks })
}

#[cfg(test)]
mod tests {
    use super::super::rules::fixture;
    use super::*;

    #[test]
    fn shortfalls_and_fallbacks() {
        let rules = fixture::rules();
        let none = SupplierFacts::default();
        let check = |method, stage, count, facts| supplier_shortfall(&rules, method, stage, count, facts);
        use ProcurementMethod::*;
        use SupplierStage::*;
        assert!(check(OpenTender, Received, 3, none).is_none());
        let two = check(OpenTender, Received, 2, none).expect("fewer than 3: no opening");
        assert!(two.fallbacks.iter().any(|f| matches!(f, Fallback::NegotiateWithTwo { .. })));
        let one = check(OpenTender, Qualified, 1, none).expect("废标");
        assert!(!one.fallbacks.iter().any(|f| matches!(f, Fallback::NegotiateWithTwo { .. })));
        assert!(one.minimum.source.contains("第三十六条"));
        assert!(check(CompetitiveNegotiation, Qualified, 2, none).is_some());
        let approved = SupplierFacts { after_failed_tender_with_two: true, ..none };
        assert!(check(CompetitiveNegotiation, Qualified, 2, approved).is_none());
        assert!(check(CompetitiveConsultation, FinalOffers, 2, none).is_some());
        let research = SupplierFacts { consultation_exception: true, ..none };
        assert!(check(CompetitiveConsultation, FinalOffers, 2, research).is_none());
        assert!(check(CompetitiveConsultation, Received, 2, research).is_some(), "the exception is for final offers");
        let invited = check(InvitedTender, Invited, 2, none).expect("3 must be drawn");
        assert!(matches!(invited.fallbacks[0], Fallback::InviteMore { .. }));
        assert!(check(SingleSource, Received, 1, none).is_none());
    }
}
