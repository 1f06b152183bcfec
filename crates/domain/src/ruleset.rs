//! Rulesets (规则集): the statutory numbers of a procedure as data, each with its unit, its bound
//! and its legal source. A procedure pins the ruleset version it started under (DESIGN §4).

use std::fmt;

/// The unit of a rule's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Calendar days (日).
    CalendarDays,
    /// Working days (工作日), counted on the official holiday calendar.
    WorkingDays,
    /// Months (个月): the same day of the month `n` months on, or that month's last day
    /// (民法典 第二百零二条).
    Months,
    /// Percent of an amount.
    Percent,
    /// A number of parties or items.
    Count,
    /// A fraction: `value / denominator`.
    Ratio,
    /// An amount of money in fen (分), e.g. a contract-value threshold.
    Fen,
}

impl Unit {
    /// The identifier used in ruleset files.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::CalendarDays => "d",
            Unit::WorkingDays => "WD",
            Unit::Months => "month",
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Ratio => "ratio",
            Unit::Fen => "fen",
        }
    }

    /// Parses a unit identifier.
    pub fn parse(text: &str) -> Option<Unit> {
        [Unit::CalendarDays, Unit::WorkingDays, Unit::Months, Unit::Percent, Unit::Count, Unit::Ratio, Unit::Fen]
            .into_iter()
            .find(|unit| unit.as_str() == text)
    }
}

/// Which side of the value the law forbids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// 不得少于 / 以上: at least the value (a floor; 民法典 1259: inclusive).
    Floor,
    /// 不得超过 / 以内: at most the value (a cap; inclusive).
    Cap,
}

impl Bound {
    /// The identifier used in ruleset files.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Floor => "floor",
            Bound::Cap => "cap",
        }
    }

    /// Parses a bound identifier.
    pub fn parse(text: &str) -> Option<Bound> {
        [Bound::Floor, Bound::Cap].into_iter().find(|bound| bound.as_str() == text)
    }
}

/// One statutory number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable identifier, e.g. `bid_preparation_days_min`.
    pub id: String,
    /// The number (the numerator for a ratio).
    pub value: i64,
    /// Denominator of a ratio; 1 otherwise.
    pub denominator: i64,
    /// Unit of the value.
    pub unit: Unit,
    /// Floor or cap.
    pub bound: Bound,
    /// Legal source: law and article, e.g. `招标投标法 第二十四条`.
    pub source: String,
    /// What the article says, in brief (Chinese).
    pub summary: String,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = match self.bound {
            Bound::Floor => "≥",
            Bound::Cap => "≤",
        };
        match self.unit {
            Unit::Ratio => write!(f, "{} {bound} {}/{}", self.id, self.value, self.denominator)?,
            unit => write!(f, "{} {bound} {} {}", self.id, self.value, unit.as_str())?,
        }
        write!(f, "  [{}]", self.source)
    }
}

/// A versioned set of rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ruleset {
    /// Which procedure family, e.g. `construction`.
    pub id: String,
    /// Version, the date of the statute revision it encodes (`YYYY-MM-DD`).
    pub version: String,
    /// Title (Chinese).
    pub title: String,
    /// First day it applies (`YYYY-MM-DD`).
    pub effective_from: String,
    rules: Vec<Rule>,
}

/// Why a ruleset is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesetError {
    /// A rule names no legal source: every statutory number must say where it comes from.
    #[error("规则 {rule} 缺少法律依据（source），请写明法律名称和条款")]
    MissingSource {
        /// The rule.
        rule: String,
    },
    /// Two rules share an identifier.
    #[error("规则标识 {rule} 重复")]
    DuplicateRule {
        /// The rule.
        rule: String,
    },
    /// A value outside what the unit allows (negative, zero denominator, ratio above 1, ...).
    #[error("规则 {rule} 的数值不合理：{reason}")]
    BadValue {
        /// The rule.
        rule: String,
        /// Why.
        reason: &'static str,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("规则集 {ruleset} 的日期 {date} 格式应为 YYYY-MM-DD")]
    BadDate {
        /// The ruleset.
        ruleset: String,
        /// The text.
        date: String,
    },
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// A change between two rulesets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleChange {
    /// Only in the newer one.
    Added(Rule),
    /// Only in the older one.
    Removed(Rule),
    /// In both, different.
    Changed {
        /// As it was.
        before: Rule,
        /// As it is.
        after: Rule,
    },
}

impl Ruleset {
    /// A ruleset, if every rule is sourced, unique and sensible.
    pub fn new(
        id: String,
        version: String,
        title: String,
        effective_from: String,
        rules: Vec<Rule>,
    ) -> Result<Ruleset, RulesetError> {
        for date in [&version, &effective_from] {
            if !is_date(date) {
                return Err(RulesetError::BadDate { ruleset: id.clone(), date: date.clone() });
            }
        }
        for (i, rule) in rules.iter().enumerate() {
            if rule.source.trim().is_empty() {
                return Err(RulesetError::MissingSource { rule: rule.id.clone() });
            }
            if rules[..i].iter().any(|other| other.id == rule.id) {
                return Err(RulesetError::DuplicateRule { rule: rule.id.clone() });
            }
            let bad = |reason| Err(RulesetError::BadValue { rule: rule.id.clone(), reason });
            if rule.value < 0 {
                return bad("不能为负数");
            }
            if rule.denominator <= 0 {
                return bad("分母必须为正数");
            }
            if rule.unit == Unit::Ratio && rule.value > rule.denominator {
                return bad("比例不能大于1");
            }
            if rule.unit != Unit::Ratio && rule.denominator != 1 {
                return bad("只有比例（ratio）才有分母");
            }
            if rule.unit == Unit::Percent && rule.value > 100 {
                return bad("百分比不能大于100");
            }
        }
        Ok(Ruleset { id, version, title, effective_from, rules })
    }

    /// `id@version`, how procedures pin it.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// What changed from `older` to `self`.
    pub fn diff(&self, older: &Ruleset) -> Vec<RuleChange> {
        let mut changes = Vec::new();
        for rule in &self.rules {
            match older.get(&rule.id) {
                None => changes.push(RuleChange::Added(rule.clone())),
                Some(before) if before != rule => {
                    changes.push(RuleChange::Changed { before: before.clone(), after: rule.clone() });
                }
                Some(_) => {}
            }
        }
        changes
            .extend(older.rules.iter().filter(|rule| self.get(&rule.id).is_none()).cloned().map(RuleChange::Removed));
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, value: i64, unit: Unit, source: &str) -> Rule {
        Rule {
            id: id.to_owned(),
            value,
            denominator: 1,
            unit,
            bound: Bound::Floor,
            source: source.to_owned(),
            summary: String::new(),
        }
    }

    fn set(rules: Vec<Rule>) -> Result<Ruleset, RulesetError> {
        Ruleset::new("t".to_owned(), "2019-03-02".to_owned(), "测试".to_owned(), "2019-03-02".to_owned(), rules)
    }

    #[test]
    fn every_rule_needs_a_source_a_unique_id_and_a_sensible_value() {
        assert_eq!(
            set(vec![rule("a", 5, Unit::CalendarDays, "  ")]),
            Err(RulesetError::MissingSource { rule: "a".to_owned() })
        );
        let law = "招标投标法 第二十四条";
        assert!(matches!(
            set(vec![rule("a", 5, Unit::CalendarDays, law), rule("a", 6, Unit::CalendarDays, law)]),
            Err(RulesetError::DuplicateRule { .. })
        ));
        assert!(matches!(set(vec![rule("a", -1, Unit::Count, law)]), Err(RulesetError::BadValue { .. })));
        assert!(matches!(set(vec![rule("a", 120, Unit::Percent, law)]), Err(RulesetError::BadValue { .. })));
        let ratio = Rule { denominator: 2, ..rule("r", 3, Unit::Ratio, law) };
        assert!(matches!(set(vec![ratio]), Err(RulesetError::BadValue { .. })));
        assert!(Ruleset::new("t".into(), "2019".into(), "x".into(), "2019-03-02".into(), vec![]).is_err());
        assert!(set(vec![rule("a", 5, Unit::CalendarDays, law)]).is_ok());
        assert_eq!(Unit::parse("WD"), Some(Unit::WorkingDays));
        assert_eq!(Unit::parse("days"), None);
    }

    #[test]
    fn diff_names_added_removed_and_changed_rules() {
        let law = "招标投标法 第二十四条";
        let old = set(vec![
            rule("keep", 1, Unit::Count, law),
            rule("gone", 2, Unit::Count, law),
            rule("moved", 3, Unit::Count, law),
        ])
        .expect("old");
        let new = set(vec![
            rule("keep", 1, Unit::Count, law),
            rule("moved", 4, Unit::Count, law),
            rule("new", 5, Unit::Count, law),
        ])
        .expect("new");
        let changes = new.diff(&old);
        assert_eq!(changes.len(), 3);
        assert!(matches!(&changes[0], RuleChange::Changed { before, after } if before.value == 3 && after.value == 4));
        assert!(matches!(&changes[1], RuleChange::Added(rule) if rule.id == "new"));
        assert!(matches!(&changes[2], RuleChange::Removed(rule) if rule.id == "gone"));
    }
}
