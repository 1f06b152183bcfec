//! The avoidance screen (回避): which experts of the pool may be drawn for a lot, and why each of
//! the others may not, with the legal source of every reason.
//!
//! The screen is a pure function of the pool and an [`AvoidanceContext`]: the lot's parties
//! (principal, agency, bidders), the supervising departments, the entity-relations data the
//! platform holds, the names excluded on request, the evaluation's time and the look-back period
//! for former employment. Every reason that applies to an expert is recorded, not just the first,
//! so the record shows the full picture when one reason is later disputed.
//!
//! Persons are matched by [`PersonKey`], never by resident ID number: the platform does not keep
//! the numbers of entities' representatives, shareholders and officers, only their keys, so the
//! caller gives each expert's key in [`AvoidanceContext::expert_persons`].
//!
//! Relations are used as given, one link deep (the expert or an employer of theirs, linked directly
//! to a party). Deeper groups (a shareholder of a shareholder) are for the caller to flatten into
//! direct links, e.g. from the analytics crate's relation graph; the screen stays predictable.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Span;
use jiff::civil::Date;

use super::record::{Expert, ExpertId, TimeWindow};
use super::status::ExpertStatus;
use crate::person_key::PersonKey;
use crate::{CreditCode, china_time};

/// Employment by a supplier within the look-back period (GP's three years).
const BIDDER_EMPLOYMENT: &str =
    "招标投标法 第三十七条第四款；招标投标法实施条例 第四十六条第三款；政府采购法实施条例 第九条第（一）项";
/// The principal's side sits on the committee only as the principal's representatives; its staff
/// are not independent experts. Confidence L: no article says so in these words (see docs/draw.md).
const PRINCIPAL_SIDE: &str = "招标投标法 第三十七条第二款";
const ECONOMIC_INTEREST: &str =
    "评标委员会和评标方法暂行规定 第十二条第（三）项；政府采购法实施条例 第九条第（二）、（三）项";
const NEAR_RELATIVE: &str = "评标委员会和评标方法暂行规定 第十二条第（一）项；政府采购法实施条例 第九条第（四）项";
const REGULATOR_STAFF: &str = "招标投标法实施条例 第四十六条第四款；评标委员会和评标方法暂行规定 第十二条第（二）项";
const PRIOR_PENALTY: &str = "评标委员会和评标方法暂行规定 第十二条第（四）项";
const NOT_ACTIVE: &str = "招标投标法实施条例 第七十一条";
const BY_NAME: &str = "政府采购法 第十二条；招标投标法实施条例 第四十六条第三款";

/// The role a party plays in the lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyRole {
    /// 招标人 / 采购人.
    Principal,
    /// 招标代理机构 / 采购代理机构.
    Agency,
    /// 投标人 / 供应商.
    Bidder,
}

impl PartyRole {
    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Principal => "principal",
            PartyRole::Agency => "agency",
            PartyRole::Bidder => "bidder",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            PartyRole::Principal => "招标人",
            PartyRole::Agency => "招标代理机构",
            PartyRole::Bidder => "投标人",
        }
    }
}

/// Who holds shares: an entity or a person.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holder {
    /// A market entity.
    Entity(CreditCode),
    /// A natural person.
    Person(PersonKey),
}

/// One fact of the entity-relations data (关联关系).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// `person` is the legal representative (法定代表人) or head (负责人) of `entity`.
    LegalRepresentative {
        /// The person.
        person: PersonKey,
        /// The entity.
        entity: CreditCode,
    },
    /// `person` is a director, supervisor or senior manager (董事、监事、高级管理人员) of `entity`.
    Officer {
        /// The person.
        person: PersonKey,
        /// The entity.
        entity: CreditCode,
    },
    /// `holder` holds shares in `entity`.
    Shareholder {
        /// The holder.
        holder: Holder,
        /// The entity held.
        entity: CreditCode,
        /// The share in basis points (1/100 of a per cent: 5000 is 50%), when declared.
        share_bp: Option<u16>,
    },
    /// `controller` is declared the controlling entity (控股股东 or the entity in control) of
    /// `entity`, whatever share it holds on record.
    Controller {
        /// The controlling entity.
        controller: CreditCode,
        /// The entity controlled.
        entity: CreditCode,
    },
    /// The two entities have the same legal representative (when the person is not on record).
    SameLegalRepresentative {
        /// One entity.
        a: CreditCode,
        /// The other.
        b: CreditCode,
    },
    /// The two persons are near relatives (夫妻、直系血亲、三代以内旁系血亲或者近姻亲).
    NearRelative {
        /// One person.
        a: PersonKey,
        /// The other.
        b: PersonKey,
    },
}

/// How an expert is linked to a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Link {
    /// The expert is the party's legal representative.
    LegalRepresentative,
    /// The expert is a director, supervisor or senior manager of the party.
    Officer,
    /// The expert, or their employer, holds shares in the party.
    Shareholder,
    /// The party holds shares in the expert's employer.
    HeldByParty,
    /// The expert's employer controls the party.
    Controls,
    /// The party controls the expert's employer.
    ControlledByParty,
    /// The expert's employer and the party have the same legal representative.
    SameLegalRepresentative,
    /// The expert is a near relative of the party's legal representative.
    NearRelative,
}

impl Link {
    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::LegalRepresentative => "legal_representative",
            Link::Officer => "officer",
            Link::Shareholder => "shareholder",
            Link::HeldByParty => "held_by_party",
            Link::Controls => "controls",
            Link::ControlledByParty => "controlled_by_party",
            Link::SameLegalRepresentative => "same_legal_representative",
            Link::NearRelative => "near_relative",
        }
    }

    /// The Chinese description.
    pub fn label(self) -> &'static str {
        match self {
            Link::LegalRepresentative => "担任其法定代表人或负责人",
            Link::Officer => "担任其董事、监事或高级管理人员",
            Link::Shareholder => "持有其股份",
            Link::HeldByParty => "其持有专家工作单位的股份",
            Link::Controls => "专家工作单位为其控股或控制单位",
            Link::ControlledByParty => "其为专家工作单位的控股或控制单位",
            Link::SameLegalRepresentative => "专家工作单位与其法定代表人相同",
            Link::NearRelative => "与其法定代表人或负责人有近亲属关系",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Link::NearRelative => NEAR_RELATIVE,
            _ => ECONOMIC_INTEREST,
        }
    }
}

/// A name excluded on request (申请回避), with the reason given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedExclusion {
    /// The expert.
    pub expert: ExpertId,
    /// Why, as the requester wrote it.
    pub reason: String,
}

/// Why an expert may not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExclusionReason {
    /// Suspended or removed.
    NotActive {
        /// The status.
        status: ExpertStatus,
    },
    /// Not available for the evaluation's time.
    Unavailable,
    /// Penalised before for misconduct in tendering or evaluation.
    PriorPenalty,
    /// Works for a supervising department of the project.
    RegulatorStaff {
        /// The department.
        department: CreditCode,
    },
    /// Works for a party now.
    EmployedByParty {
        /// The party's role.
        role: PartyRole,
        /// The party.
        party: CreditCode,
    },
    /// Worked for a party within the look-back period.
    FormerlyEmployedByParty {
        /// The party's role.
        role: PartyRole,
        /// The party.
        party: CreditCode,
        /// Last day of that employment.
        until: Date,
    },
    /// Linked to a party in person.
    PersonallyRelated {
        /// The party's role.
        role: PartyRole,
        /// The party.
        party: CreditCode,
        /// The link.
        link: Link,
    },
    /// Linked to a party through an employer (current or within the look-back period).
    EmployerRelated {
        /// The party's role.
        role: PartyRole,
        /// The party.
        party: CreditCode,
        /// The employer.
        employer: CreditCode,
        /// The link.
        link: Link,
    },
    /// Excluded by name on request.
    ExcludedByName {
        /// The reason given.
        reason: String,
    },
}

impl ExclusionReason {
    /// Stable reason code for the API and the record.
    pub fn code(&self) -> &'static str {
        match self {
            ExclusionReason::NotActive { .. } => "expert_not_active",
            ExclusionReason::Unavailable => "expert_unavailable",
            ExclusionReason::PriorPenalty => "expert_prior_penalty",
            ExclusionReason::RegulatorStaff { .. } => "regulator_staff",
            ExclusionReason::EmployedByParty { .. } => "employed_by_party",
            ExclusionReason::FormerlyEmployedByParty { .. } => "formerly_employed_by_party",
            ExclusionReason::PersonallyRelated { .. } => "personally_related_to_party",
            ExclusionReason::EmployerRelated { .. } => "employer_related_to_party",
            ExclusionReason::ExcludedByName { .. } => "excluded_by_name",
        }
    }

    /// The legal source; `None` for availability, which is the expert's own declaration, not law.
    pub fn source(&self) -> Option<&'static str> {
        let bidder_or_principal = |role: &PartyRole, for_bidder: &'static str| match role {
            PartyRole::Bidder => for_bidder,
            PartyRole::Principal | PartyRole::Agency => PRINCIPAL_SIDE,
        };
        Some(match self {
            ExclusionReason::NotActive { .. } => NOT_ACTIVE,
            ExclusionReason::Unavailable => return None,
            ExclusionReason::PriorPenalty => PRIOR_PENALTY,
            ExclusionReason::RegulatorStaff { .. } => REGULATOR_STAFF,
            ExclusionReason::EmployedByParty { role, .. } | ExclusionReason::FormerlyEmployedByParty { role, .. } => {
                bidder_or_principal(role, BIDDER_EMPLOYMENT)
            }
            ExclusionReason::PersonallyRelated { link, .. } | ExclusionReason::EmployerRelated { link, .. } => {
                link.source()
            }
            ExclusionReason::ExcludedByName { .. } => BY_NAME,
        })
    }

    /// The Chinese description for the draw record.
    pub fn label(&self) -> String {
        match self {
            ExclusionReason::NotActive { status } => format!("专家状态为“{}”", status.label()),
            ExclusionReason::Unavailable => "评标时间不在专家可参加评标的时间内".to_owned(),
            ExclusionReason::PriorPenalty => "曾因招标投标或评标违法行为受过行政处罚或刑事处罚".to_owned(),
            ExclusionReason::RegulatorStaff { department } => {
                format!("为本项目行政监督部门（{}）的工作人员", department.as_str())
            }
            ExclusionReason::EmployedByParty { role, party } => {
                format!("现任职于本项目{}（{}）", role.label(), party.as_str())
            }
            ExclusionReason::FormerlyEmployedByParty { role, party, until } => {
                format!("回避期限内曾任职于本项目{}（{}），离职日期{}", role.label(), party.as_str(), until)
            }
            ExclusionReason::PersonallyRelated { role, party, link } => {
                format!("与本项目{}（{}）存在关联：{}", role.label(), party.as_str(), link.label())
            }
            ExclusionReason::EmployerRelated { role, party, employer, link } => format!(
                "工作单位（{}）与本项目{}（{}）存在关联：{}",
                employer.as_str(),
                role.label(),
                party.as_str(),
                link.label()
            ),
            ExclusionReason::ExcludedByName { reason } => format!("经申请回避：{reason}"),
        }
    }
}

/// Everything the screen needs besides the pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvoidanceContext {
    /// The principal.
    pub principal: CreditCode,
    /// The agency, if one runs the procedure.
    pub agency: Option<CreditCode>,
    /// The bidders known at the draw (registered or submitted).
    pub bidders: Vec<CreditCode>,
    /// The project's supervising departments (行政监督部门, 项目主管部门).
    pub supervising_departments: Vec<CreditCode>,
    /// The entity-relations data that touches the parties (may hold more; only links to parties
    /// count).
    pub relations: Vec<Relation>,
    /// The experts' person keys, to match the relations that name persons. An expert without one
    /// is screened on employment and entity relations only.
    pub expert_persons: BTreeMap<ExpertId, PersonKey>,
    /// Experts excluded by name.
    pub excluded_by_name: Vec<NamedExclusion>,
    /// When the evaluation takes place.
    pub evaluation: TimeWindow,
    /// How far back a former employment still counts, in months, counted back from the
    /// evaluation's date in China (GP: 36, 政府采购法实施条例 第九条 "前3年内"). An employment
    /// whose last day is on or after the cut-off day counts ("以内" includes the bound,
    /// 民法典 第一千二百五十九条).
    pub former_employment_months: u16,
}

impl AvoidanceContext {
    /// The earliest last day of employment that still counts.
    pub fn former_employment_cutoff(&self) -> Date {
        let day = china_time::date_of(self.evaluation.start_ms());
        // Month arithmetic clamps to the month's end (31 March − 1 month = 28/29 February); the
        // fallback is only for dates near year −9999, which no evaluation has.
        day.checked_sub(Span::new().months(i64::from(self.former_employment_months))).unwrap_or(Date::MIN)
    }

    fn parties(&self) -> BTreeMap<&CreditCode, PartyRole> {
        let mut parties = BTreeMap::new();
        // Bidders first, then agency, then principal: an entity named in two roles is reported
        // under the principal's side, whose rule is the stricter one to explain.
        for bidder in &self.bidders {
            parties.insert(bidder, PartyRole::Bidder);
        }
        if let Some(agency) = &self.agency {
            parties.insert(agency, PartyRole::Agency);
        }
        parties.insert(&self.principal, PartyRole::Principal);
        parties
    }
}

/// One expert the screen excluded, with every reason that applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclusion {
    /// The expert.
    pub expert: ExpertId,
    /// The reasons, in a stable order.
    pub reasons: Vec<ExclusionReason>,
}

/// The result of the screen: who may be drawn and who may not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screening<'a> {
    /// Experts that may be drawn, sorted by id.
    pub eligible: Vec<&'a Expert>,
    /// Experts that may not, sorted by id.
    pub exclusions: Vec<Exclusion>,
}

/// Screens the pool for one lot. Pure: the same pool and context always give the same result.
pub fn screen<'a>(pool: &'a [Expert], context: &AvoidanceContext) -> Screening<'a> {
    let parties = context.parties();
    let cutoff = context.former_employment_cutoff();
    let evaluation_day = china_time::date_of(context.evaluation.start_ms());
    let departments: BTreeSet<&CreditCode> = context.supervising_departments.iter().collect();
    let mut by_name: BTreeMap<&ExpertId, Vec<&str>> = BTreeMap::new();
    for named in &context.excluded_by_name {
        by_name.entry(&named.expert).or_default().push(named.reason.as_str());
    }
    // Legal representatives both ways, for the derived "same legal representative" link.
    let mut representatives: BTreeMap<&CreditCode, BTreeSet<&PersonKey>> = BTreeMap::new();
    for relation in &context.relations {
        if let Relation::LegalRepresentative { person, entity } = relation {
            representatives.entry(entity).or_default().insert(person);
        }
    }

    let mut eligible = Vec::new();
    let mut exclusions = Vec::new();
    for expert in pool {
        let mut reasons = BTreeSet::new();
        if expert.status != ExpertStatus::Active {
            reasons.insert(ExclusionReason::NotActive { status: expert.status });
        }
        if !expert.availability.allows(&context.evaluation) {
            reasons.insert(ExclusionReason::Unavailable);
        }
        if !expert.penalties.is_empty() {
            reasons.insert(ExclusionReason::PriorPenalty);
        }
        for department in expert.current_employers().filter(|e| departments.contains(e)) {
            reasons.insert(ExclusionReason::RegulatorStaff { department: department.clone() });
        }

        // Employers that count: current ones, and former ones whose last day is within the period.
        let mut employers: BTreeSet<&CreditCode> = BTreeSet::new();
        for employment in &expert.employments {
            let current = employment.until.is_none_or(|until| until >= evaluation_day);
            let recent = employment.until.is_some_and(|until| until >= cutoff);
            if !(current || recent) {
                continue;
            }
            employers.insert(&employment.employer);
            if let Some(&role) = parties.get(&employment.employer) {
                let party = employment.employer.clone();
                match employment.until.filter(|_| !current) {
                    Some(until) => reasons.insert(ExclusionReason::FormerlyEmployedByParty { role, party, until }),
                    None => reasons.insert(ExclusionReason::EmployedByParty { role, party }),
                };
            }
        }

        let person = context.expert_persons.get(&expert.id);
        let personal = |party: &CreditCode, link: Link, reasons: &mut BTreeSet<ExclusionReason>| {
            if let Some(&role) = parties.get(party) {
                reasons.insert(ExclusionReason::PersonallyRelated { role, party: party.clone(), link });
            }
        };
        let through_employer =
            |employer: &CreditCode, party: &CreditCode, link: Link, reasons: &mut BTreeSet<ExclusionReason>| {
                // Working for the party itself is reported as employment, not as a relation.
                if employer == party || !employers.contains(employer) {
                    return;
                }
                if let Some(&role) = parties.get(party) {
                    let (employer, party) = (employer.clone(), party.clone());
                    reasons.insert(ExclusionReason::EmployerRelated { role, party, employer, link });
                }
            };
        for relation in &context.relations {
            match relation {
                Relation::LegalRepresentative { person: p, entity } if Some(p) == person => {
                    personal(entity, Link::LegalRepresentative, &mut reasons);
                }
                Relation::Officer { person: p, entity } if Some(p) == person => {
                    personal(entity, Link::Officer, &mut reasons);
                }
                Relation::Shareholder { holder: Holder::Person(p), entity, .. } if Some(p) == person => {
                    personal(entity, Link::Shareholder, &mut reasons);
                }
                Relation::Shareholder { holder: Holder::Entity(holder), entity, .. } => {
                    through_employer(holder, entity, Link::Shareholder, &mut reasons);
                    through_employer(entity, holder, Link::HeldByParty, &mut reasons);
                }
                Relation::Controller { controller, entity } => {
                    through_employer(controller, entity, Link::Controls, &mut reasons);
                    through_employer(entity, controller, Link::ControlledByParty, &mut reasons);
                }
                Relation::SameLegalRepresentative { a, b } => {
                    through_employer(a, b, Link::SameLegalRepresentative, &mut reasons);
                    through_employer(b, a, Link::SameLegalRepresentative, &mut reasons);
                }
                Relation::NearRelative { a, b } if Some(a) == person || Some(b) == person => {
                    let relative = if Some(a) == person { b } else { a };
                    for (entity, reps) in &representatives {
                        if reps.contains(relative) {
                            personal(entity, Link::NearRelative, &mut reasons);
                        }
                    }
                }
                _ => {}
            }
        }
        // Same legal representative derived from the legal-representative facts.
        for employer in &employers {
            let Some(employer_reps) = representatives.get(employer) else { continue };
            for (entity, reps) in &representatives {
                if !employer_reps.is_disjoint(reps) {
                    through_employer(employer, entity, Link::SameLegalRepresentative, &mut reasons);
                }
            }
        }

        if let Some(requests) = by_name.get(&expert.id) {
            for reason in requests {
                reasons.insert(ExclusionReason::ExcludedByName { reason: (*reason).to_owned() });
            }
        }

        if reasons.is_empty() {
            eligible.push(expert);
        } else {
            exclusions.push(Exclusion { expert: expert.id.clone(), reasons: reasons.into_iter().collect() });
        }
    }
    eligible.sort_by(|a, b| a.id.cmp(&b.id));
    exclusions.sort_by(|a, b| a.expert.cmp(&b.expert));
    Screening { eligible, exclusions }
}
