//! Credit records of market entities (信用记录): administrative penalties (行政处罚) and restrictions
//! (取消投标资格, 禁止参加政府采购活动) decided by a supervising authority and published. A restriction
//! bars the entity from the platform's procedures in its scope for its period, in every region
//! (一处失信、处处受限): the record lives once, and every procedure asks it.

use jiff::civil::Date;

/// What was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CreditRecordKind {
    /// 行政处罚 (a fine, a warning): published, bars nothing by itself.
    Penalty,
    /// A restriction (失信惩戒), barring the entity from bidding for a period: 取消投标资格 (招标投标法实施条例 第六十七条、第六十八条) or 禁止参加政府
    /// 采购活动 (政府采购法 第七十七条).
    Restriction,
}

impl CreditRecordKind {
    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditRecordKind::Penalty => "penalty",
            CreditRecordKind::Restriction => "restriction",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<CreditRecordKind> {
        [CreditRecordKind::Penalty, CreditRecordKind::Restriction].into_iter().find(|kind| kind.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            CreditRecordKind::Penalty => "行政处罚",
            CreditRecordKind::Restriction => "禁止参加交易活动",
        }
    }
}

/// Which procedures a restriction bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RestrictionScope {
    /// Tenders that must be tendered by law (依法必须进行招标的项目, 招标投标法实施条例 第六十七条).
    Tendering,
    /// Government procurement (政府采购法 第七十七条).
    Procurement,
    /// Every public resource transaction on the platform (联合惩戒: tenders, procurement, land,
    /// mining-rights and property sales).
    All,
}

impl RestrictionScope {
    /// Identifier in the API and the events.
    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionScope::Tendering => "tendering",
            RestrictionScope::Procurement => "procurement",
            RestrictionScope::All => "all",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<RestrictionScope> {
        [RestrictionScope::Tendering, RestrictionScope::Procurement, RestrictionScope::All]
            .into_iter()
            .find(|scope| scope.as_str() == text)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            RestrictionScope::Tendering => "依法必须进行招标的项目",
            RestrictionScope::Procurement => "政府采购活动",
            RestrictionScope::All => "全部公共资源交易活动",
        }
    }

    /// Whether a bar of this scope covers a procedure of `area`.
    pub fn covers(self, area: RestrictionScope) -> bool {
        self == RestrictionScope::All || self == area
    }
}

/// A decision as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditRecord {
    /// What was decided.
    pub kind: CreditRecordKind,
    /// Restrictions: which procedures are barred.
    pub scope: Option<RestrictionScope>,
    /// Decided on.
    pub decided_on: Date,
    /// Restrictions: the first and the last day barred (inclusive).
    pub barred: Option<(Date, Date)>,
    /// The legal basis, law and article.
    pub basis: String,
    /// Revoked (撤销: overturned on review or in court).
    pub revoked: bool,
}

/// Longest bar the statutes allow: 政府采购法 第七十七条 (一至三年); 招标投标法实施条例 第六十七条 allows
/// 1–2 years, so three years bounds both.
pub const RESTRICTION_YEARS_MAX: i16 = 3;

/// Why a record is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditRecordError {
    /// A restriction without its period and scope, or a penalty with them.
    #[error("禁止参加交易活动须填写范围（scope）和起止日期（barred_from、barred_until）；行政处罚不填写")]
    PeriodShape,
    /// A period that ends before it starts, starts before the decision, or exceeds three years.
    #[error("禁止期间须自决定之日或之后开始，结束日不早于开始日，且不超过3年（政府采购法 第七十七条：一至三年）")]
    PeriodOutOfRange,
    /// A basis that names no article.
    #[error("处理依据须写明法律名称和条款，如“招标投标法实施条例 第六十七条”")]
    BasisWithoutArticle,
}

impl CreditRecordError {
    /// Stable error code.
    pub fn code(self) -> &'static str {
        match self {
            CreditRecordError::PeriodShape | CreditRecordError::PeriodOutOfRange => "invalid_restriction_period",
            CreditRecordError::BasisWithoutArticle => "invalid_legal_basis",
        }
    }

    /// The request field to fix.
    pub fn field(self) -> &'static str {
        match self {
            CreditRecordError::PeriodShape | CreditRecordError::PeriodOutOfRange => "barred_until",
            CreditRecordError::BasisWithoutArticle => "basis",
        }
    }
}

impl CreditRecord {
    /// Checks a new record.
    pub fn check(&self) -> Result<(), CreditRecordError> {
        let cites = self.basis.find('第').is_some_and(|at| self.basis[at..].contains('条'));
        if !cites {
            return Err(CreditRecordError::BasisWithoutArticle);
        }
        match (self.kind, self.scope, self.barred) {
            (CreditRecordKind::Penalty, None, None) => Ok(()),
            (CreditRecordKind::Restriction, Some(_), Some((from, until))) => {
                let latest = from
                    .checked_add(jiff::Span::new().years(RESTRICTION_YEARS_MAX))
                    .map_err(|_| CreditRecordError::PeriodOutOfRange)?;
                if from < self.decided_on || until < from || until > latest {
                    return Err(CreditRecordError::PeriodOutOfRange);
                }
                Ok(())
            }
            _ => Err(CreditRecordError::PeriodShape),
        }
    }

    /// Whether the record bars a procedure of `area` on `day`.
    pub fn bars(&self, area: RestrictionScope, day: Date) -> bool {
        !self.revoked
            && self.kind == CreditRecordKind::Restriction
            && self.scope.is_some_and(|scope| scope.covers(area))
            && self.barred.is_some_and(|(from, until)| from <= day && day <= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn restriction(from: Date, until: Date) -> CreditRecord {
        CreditRecord {
            kind: CreditRecordKind::Restriction,
            scope: Some(RestrictionScope::Tendering),
            decided_on: date(2026, 3, 2),
            barred: Some((from, until)),
            basis: "招标投标法实施条例 第六十七条".to_owned(),
            revoked: false,
        }
    }

    #[test]
    fn a_restriction_bars_its_scope_for_its_days_only() {
        let record = restriction(date(2026, 3, 2), date(2027, 3, 1));
        assert_eq!(record.check(), Ok(()));
        assert!(record.bars(RestrictionScope::Tendering, date(2026, 3, 2)));
        assert!(record.bars(RestrictionScope::Tendering, date(2027, 3, 1)));
        assert!(!record.bars(RestrictionScope::Tendering, date(2027, 3, 2)));
        assert!(!record.bars(RestrictionScope::Procurement, date(2026, 6, 1)));
        assert!(!CreditRecord { revoked: true, ..record.clone() }.bars(RestrictionScope::Tendering, date(2026, 6, 1)));
        let all = CreditRecord { scope: Some(RestrictionScope::All), ..record };
        assert!(all.bars(RestrictionScope::Procurement, date(2026, 6, 1)));
    }

    #[test]
    fn periods_and_bases_are_checked() {
        assert_eq!(restriction(date(2026, 3, 2), date(2029, 3, 2)).check(), Ok(()), "three years exactly");
        assert_eq!(restriction(date(2026, 3, 2), date(2029, 3, 3)).check(), Err(CreditRecordError::PeriodOutOfRange));
        assert_eq!(restriction(date(2026, 3, 1), date(2026, 9, 1)).check(), Err(CreditRecordError::PeriodOutOfRange));
        assert_eq!(restriction(date(2026, 9, 1), date(2026, 3, 2)).check(), Err(CreditRecordError::PeriodOutOfRange));
        let vague =
            CreditRecord { basis: "招标投标法".to_owned(), ..restriction(date(2026, 3, 2), date(2026, 9, 1)) };
        assert_eq!(vague.check(), Err(CreditRecordError::BasisWithoutArticle));
        let penalty_with_period =
            CreditRecord { kind: CreditRecordKind::Penalty, ..restriction(date(2026, 3, 2), date(2026, 9, 1)) };
        assert_eq!(penalty_with_period.check(), Err(CreditRecordError::PeriodShape));
    }
}
