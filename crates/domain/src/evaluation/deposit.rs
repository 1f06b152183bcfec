//! Caps on the securities a principal may ask for: the bid deposit (投标保证金, at most
//! `bid_deposit_percent_max`% of the estimated price, 招标投标法实施条例 第二十六条) and the
//! performance bond (履约保证金, at most `performance_bond_percent_max`% of the contract amount,
//! 第五十八条). The percentages come from the ruleset.
//!
//! 不得超过 includes the cap itself (民法典 第一千二百五十九条), compared exactly as
//! `amount × 100 ≤ base × cap_percent`. The largest legal amount shown in the message is that
//! bound rounded *down* to the fen, so asking for exactly the amount shown is always legal.

use crate::Fen;

/// Why a security amount is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    /// The bid deposit is above the cap.
    #[error(
        "投标保证金{deposit}元超过招标项目估算价{estimate}元的{cap_percent}%：投标保证金最多为{max_allowed}元，请调低投标保证金（招标投标法实施条例 第二十六条）"
    )]
    DepositAboveCap {
        /// The deposit asked for.
        deposit: Fen,
        /// The estimated price of the tender (招标项目估算价).
        estimate: Fen,
        /// The cap in percent.
        cap_percent: i64,
        /// The largest legal deposit, rounded down to the fen.
        max_allowed: Fen,
    },
    /// The performance bond is above the cap.
    #[error(
        "履约保证金{bond}元超过中标合同金额{contract_amount}元的{cap_percent}%：履约保证金最多为{max_allowed}元，请调低履约保证金（招标投标法实施条例 第五十八条）"
    )]
    PerformanceBondAboveCap {
        /// The bond asked for.
        bond: Fen,
        /// The contract amount (中标合同金额).
        contract_amount: Fen,
        /// The cap in percent.
        cap_percent: i64,
        /// The largest legal bond, rounded down to the fen.
        max_allowed: Fen,
    },
    /// A negative amount, which is a typing error rather than a security.
    #[error("{what}不能为负数（{amount}元）：请核对金额")]
    AmountNegative {
        /// Which amount (in Chinese, e.g. 投标保证金).
        what: &'static str,
        /// The amount.
        amount: Fen,
    },
    /// A negative cap from the ruleset.
    #[error("规则 {rule} 的取值 {value}% 不合理，应为非负数：请检查规则集")]
    RuleInvalid {
        /// The rule.
        rule: &'static str,
        /// Its value.
        value: i64,
    },
}

impl DepositError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            DepositError::DepositAboveCap { .. } => "deposit_above_cap",
            DepositError::PerformanceBondAboveCap { .. } => "performance_bond_above_cap",
            DepositError::AmountNegative { .. } => "security_amount_negative",
            DepositError::RuleInvalid { .. } => "security_rule_invalid",
        }
    }
}

/// Checks a bid deposit against `cap_percent`% of the estimated price (条例 第二十六条).
///
/// # Errors
/// [`DepositError::DepositAboveCap`] with the largest legal amount, or a negative amount or cap.
pub fn check_bid_deposit(deposit: Fen, estimate: Fen, cap_percent: i64) -> Result<(), DepositError> {
    let max_allowed = cap("bid_deposit_percent_max", "投标保证金", deposit, "招标项目估算价", estimate, cap_percent)?;
    match max_allowed {
        None => Ok(()),
        Some(max_allowed) => Err(DepositError::DepositAboveCap { deposit, estimate, cap_percent, max_allowed }),
    }
}

/// Checks a performance bond against `cap_percent`% of the contract amount (条例 第五十八条).
///
/// # Errors
/// [`DepositError::PerformanceBondAboveCap`] with the largest legal amount, or a negative amount
/// or cap.
pub fn check_performance_bond(bond: Fen, contract_amount: Fen, cap_percent: i64) -> Result<(), DepositError> {
    let max_allowed =
        cap("performance_bond_percent_max", "履约保证金", bond, "中标合同金额", contract_amount, cap_percent)?;
    match max_allowed {
        None => Ok(()),
        Some(max_allowed) => {
            Err(DepositError::PerformanceBondAboveCap { bond, contract_amount, cap_percent, max_allowed })
        }
    }
}

/// `None` if `amount` keeps the cap, otherwise the largest legal amount (rounded down to the fen).
fn cap(
    rule: &'static str,
    amount_name: &'static str,
    amount: Fen,
    base_name: &'static str,
    base: Fen,
    cap_percent: i64,
) -> Result<Option<Fen>, DepositError> {
    if cap_percent < 0 {
        return Err(DepositError::RuleInvalid { rule, value: cap_percent });
    }
    for (what, value) in [(amount_name, amount), (base_name, base)] {
        if value.0 < 0 {
            return Err(DepositError::AmountNegative { what, amount: value });
        }
    }
    // i128: i64 × i64 cannot overflow it.
    let limit = i128::from(base.0) * i128::from(cap_percent);
    if i128::from(amount.0) * 100 <= limit {
        return Ok(None);
    }
    // The amount is above the bound and fits an i64, so the bound (rounded down) does too.
    Ok(Some(Fen(i64::try_from(limit / 100).unwrap_or(i64::MAX))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bid_deposit_cap() {
        // 2% of 1,000,000.00 元 is 20,000.00 元: exactly the cap is allowed.
        assert_eq!(check_bid_deposit(Fen(2_000_000), Fen(100_000_000), 2), Ok(()));
        let error = check_bid_deposit(Fen(2_000_001), Fen(100_000_000), 2).expect_err("one fen over");
        assert_eq!(error.code(), "deposit_above_cap");
        let message = error.to_string();
        assert!(message.contains("最多为20,000.00元") && message.contains("第二十六条"), "{message}");
    }

    #[test]
    fn largest_legal_amount_is_rounded_down() {
        // 2% of 333.33 元 is 6.6666 元: at most 6.66 元.
        let error = check_bid_deposit(Fen(667), Fen(33_333), 2).expect_err("above");
        assert_eq!(
            error,
            DepositError::DepositAboveCap {
                deposit: Fen(667),
                estimate: Fen(33_333),
                cap_percent: 2,
                max_allowed: Fen(666)
            }
        );
        assert_eq!(check_bid_deposit(Fen(666), Fen(33_333), 2), Ok(()));
    }

    #[test]
    fn performance_bond_cap() {
        assert_eq!(check_performance_bond(Fen(1_000_000), Fen(10_000_000), 10), Ok(()));
        let error = check_performance_bond(Fen(1_000_001), Fen(10_000_000), 10).expect_err("over");
        assert_eq!(error.code(), "performance_bond_above_cap");
        assert!(error.to_string().contains("最多为10,000.00元"), "{error}");
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(check_bid_deposit(Fen(-1), Fen(100), 2).map_err(|e| e.code()), Err("security_amount_negative"));
        assert_eq!(check_bid_deposit(Fen(1), Fen(-100), 2).map_err(|e| e.code()), Err("security_amount_negative"));
        assert_eq!(check_bid_deposit(Fen(1), Fen(100), -2).map_err(|e| e.code()), Err("security_rule_invalid"));
        assert_eq!(check_bid_deposit(Fen(i64::MAX), Fen(i64::MAX), 100), Ok(()));
    }
}
