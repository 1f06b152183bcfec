//! Unified social credit code, 统一社会信用代码 (GB 32100-2015), the identifier of every market entity.
//!
//! Layout and check algorithm follow RULES.md 8.1: 18 characters from a 31-character set; positions
//! 3–8 are the registering authority's region code (digits only, deliberately not looked up, since
//! divisions are renumbered); positions 9–17 are a complete GB 11714 organisation code with its own
//! check character; position 18 is the check character over positions 1–17.

use std::fmt;
use std::str::FromStr;

use crate::{CodeError, OrgCode, org_code};

/// The 31 characters of GB 32100 in value order (0…30): no I, O, S, V, Z.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17: Wᵢ = 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Length of a credit code in characters.
const LEN: usize = 18;

/// Value of `c` in the GB 32100 character set, if it belongs to it (upper case only).
fn value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    let index = CHARSET.iter().position(|&b| b == byte)?;
    u32::try_from(index).ok()
}

/// Character of value `v` (0…30) in the GB 32100 character set.
fn char_of(v: u32) -> char {
    let index = usize::try_from(v % 31).unwrap_or(0);
    CHARSET.get(index).map_or('0', |&b| char::from(b))
}

/// Check character over the values of positions 1–17:
/// C₁₈ = (31 − (Σ vᵢ·Wᵢ mod 31)) mod 31. (Not `Σ mod 31` itself: that common mistake is tested.)
fn check_from_values(values: &[u32; 17]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS.iter()).map(|(v, w)| v * w).sum();
    char_of((31 - sum % 31) % 31)
}

/// A validated unified social credit code, stored in upper case, e.g. `91110000600037341L`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and validates a credit code.
    ///
    /// Surrounding whitespace is trimmed and lower-case ASCII letters are normalised to upper case.
    /// Checks, in this order: not empty; 18 characters; every character from the 31-character set and
    /// positions 3–8 digits; the organisation code in positions 9–17 has a correct check character
    /// (checked before position 18 because a typo in position 17 also breaks position 18, and the
    /// message should point at 17); position 18 is the correct check character.
    ///
    /// # Errors
    /// [`CodeError::Empty`], [`CodeError::Length`], [`CodeError::InvalidChar`],
    /// [`CodeError::OrgCodeCheckDigit`] or [`CodeError::CheckDigit`].
    pub fn parse(s: &str) -> Result<CreditCode, CodeError> {
        let typed = CodeError::chars_of_length(s, LEN)?;
        let upper: Vec<char> = typed.iter().map(char::to_ascii_uppercase).collect();
        let mut values = [0u32; 17];
        for (i, (&ch, &up)) in typed.iter().zip(upper.iter()).enumerate() {
            let v = match value(up) {
                // Positions 3–8 are a region code: digits only.
                Some(_) if (2..8).contains(&i) && !up.is_ascii_digit() => None,
                other => other,
            };
            let Some(v) = v else {
                return Err(CodeError::InvalidChar { position: i + 1, ch });
            };
            if let Some(slot) = values.get_mut(i) {
                *slot = v;
            }
        }

        // Every character is in the 31-character set, a subset of what GB 11714 accepts, so the
        // embedded check can always be computed.
        if let Some(expected) = org_code::check_char(&upper[8..16])
            && expected != upper[16]
        {
            return Err(CodeError::OrgCodeCheckDigit { expected, actual: upper[16] });
        }

        let expected = check_from_values(&values);
        if expected != upper[17] {
            return Err(CodeError::CheckDigit { expected, actual: upper[17] });
        }
        Ok(CreditCode(upper.into_iter().collect()))
    }

    /// Computes the position-18 check character for a 17-character body (upper case), or `None` if
    /// the body is not 17 characters of the 31-character set. Meant for generating fixtures and test
    /// data; it does not validate positions 3–8 or the embedded organisation code.
    pub fn check_char_for(body: &str) -> Option<char> {
        let mut values = [0u32; 17];
        let mut count = 0;
        for c in body.chars() {
            *values.get_mut(count)? = value(c)?;
            count += 1;
        }
        (count == 17).then(|| check_from_values(&values))
    }

    /// The code in upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The embedded organisation code (positions 9–17), already validated by [`CreditCode::parse`].
    pub fn org_code(&self) -> OrgCode {
        OrgCode::from_validated(self.0.get(8..17).unwrap_or_default().to_owned())
    }

    /// Positions 3–8: the region code of the registering authority. Six digits, but not checked
    /// against the region table (RULES.md 8.1: divisions are renumbered, old codes stay valid).
    pub fn region_digits(&self) -> &str {
        self.0.get(2..8).unwrap_or_default()
    }

    /// Position 1: 登记管理部门代码, e.g. `9` for 市场监管 (工商), `5` for 民政, `1` for 机构编制.
    pub fn registration_authority(&self) -> char {
        self.0.chars().next().unwrap_or('0')
    }

    /// Position 2: 机构类别代码, whose meaning depends on position 1 (e.g. `91…` is an enterprise).
    pub fn entity_category(&self) -> char {
        self.0.chars().nth(1).unwrap_or('0')
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CreditCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_values_match_rules() {
        assert_eq!(value('0'), Some(0));
        assert_eq!(value('A'), Some(10));
        assert_eq!(value('H'), Some(17));
        assert_eq!(value('J'), Some(18));
        assert_eq!(value('L'), Some(20));
        assert_eq!(value('M'), Some(21));
        assert_eq!(value('Y'), Some(30));
        for forbidden in ['I', 'O', 'S', 'V', 'Z', 'a', ' ', '中'] {
            assert_eq!(value(forbidden), None, "{forbidden}");
        }
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn check_char_for_known_codes() {
        assert_eq!(CreditCode::check_char_for("91110000600037341"), Some('L'));
        assert_eq!(CreditCode::check_char_for("91350100M000100Y4"), Some('3'));
        assert_eq!(CreditCode::check_char_for("9111000060003734"), None);
        assert_eq!(CreditCode::check_char_for("911100006000373410"), None);
        assert_eq!(CreditCode::check_char_for("9111000060003734I"), None);
    }

    #[test]
    fn accessors() {
        let code = CreditCode::parse(" 91350100m000100y43 ").expect("valid code");
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.entity_category(), '1');
        assert_eq!(code.region_digits(), "350100");
        assert_eq!(code.org_code().as_str(), "M000100Y4");
        assert_eq!(code.org_code(), OrgCode::parse("M000100Y-4").expect("valid org code"));
    }
}
