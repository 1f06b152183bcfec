//! Organisation code, 组织机构代码 (GB 11714-1997): 8 body characters plus one check character.
//!
//! Since 2015 it survives as positions 9–17 of the unified social credit code, which is why
//! [`crate::CreditCode`] reuses [`check_char`] from here (RULES.md 8.2).

use std::fmt;
use std::str::FromStr;

use crate::CodeError;

/// Weights of body positions 1–8 (GB 11714-1997).
const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A validated organisation code, stored without the dash and in upper case, e.g. `600037341`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgCode(String);

/// Value of a body character in GB 11714: digits are themselves, letters A–Z are 10–35.
///
/// Note this differs from the 31-character table of GB 32100 (where e.g. `M` is 21, not 22),
/// so the two check computations must not share a value table.
pub(crate) fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' | 'A'..='Z' => c.to_digit(36),
        _ => None,
    }
}

/// Computes the check character for 8 body characters; `None` if a body character is not a digit or
/// an upper-case ASCII letter.
pub(crate) fn check_char(body: &[char]) -> Option<char> {
    let values: Vec<u32> = body.iter().map(|&c| char_value(c)).collect::<Option<_>>()?;
    let values: [u32; 8] = values.try_into().ok()?;
    Some(check_from_values(&values))
}

/// Check character from the GB 11714 values of the 8 body characters.
fn check_from_values(values: &[u32; 8]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS.iter()).map(|(v, w)| v * w).sum();
    // C9 = 11 − (Σ mod 11); 10 is written 'X' and 11 is written '0'.
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        // 1..=9: a single decimal digit, so `from_digit` always succeeds.
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

impl OrgCode {
    /// The check character of an 8-character body (digits and upper-case letters), e.g. to
    /// build valid codes for demo or test data; `None` if the body is not 8 such characters.
    pub fn check_char_for(body: &str) -> Option<char> {
        check_char(&body.chars().collect::<Vec<_>>())
    }

    /// Parses an organisation code, with or without the dash before the check character
    /// (`60003734-1` or `600037341`). Surrounding whitespace is trimmed and lower-case letters are
    /// normalised to upper case.
    ///
    /// # Errors
    /// [`CodeError::Empty`], [`CodeError::Length`] (9 characters without the dash),
    /// [`CodeError::InvalidChar`] (positions refer to the input as typed, dash included) or
    /// [`CodeError::CheckDigit`].
    pub fn parse(s: &str) -> Result<OrgCode, CodeError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(CodeError::Empty);
        }
        // (1-based position in the input, character as typed)
        let mut chars: Vec<(usize, char)> = trimmed.chars().enumerate().map(|(i, c)| (i + 1, c)).collect();
        // The printed form has a dash before the check character; only there is it allowed.
        if chars.len() == 10 && chars[8].1 == '-' {
            chars.remove(8);
        }
        if chars.len() != 9 {
            return Err(CodeError::Length { expected: 9, actual: chars.len() });
        }
        let mut normalised = String::with_capacity(9);
        let mut values = [0u32; 8];
        for (i, &(position, ch)) in chars.iter().enumerate() {
            let upper = ch.to_ascii_uppercase();
            let allowed = match values.get_mut(i) {
                // Body (positions 1–8): digits and letters, and their values feed the check.
                Some(slot) => match char_value(upper) {
                    Some(v) => {
                        *slot = v;
                        true
                    }
                    None => false,
                },
                // Check character: a digit or X.
                None => upper.is_ascii_digit() || upper == 'X',
            };
            if !allowed {
                return Err(CodeError::InvalidChar { position, ch });
            }
            normalised.push(upper);
        }
        let expected = check_from_values(&values);
        let actual = chars[8].1.to_ascii_uppercase();
        if expected != actual {
            return Err(CodeError::CheckDigit { expected, actual });
        }
        Ok(OrgCode(normalised))
    }

    /// Wraps nine characters already validated by [`crate::CreditCode::parse`].
    pub(crate) fn from_validated(code: String) -> OrgCode {
        OrgCode(code)
    }

    /// The code without dash, e.g. `600037341`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OrgCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_check_characters() {
        let body: Vec<char> = "60003734".chars().collect();
        assert_eq!(check_char(&body), Some('1'));
        let body: Vec<char> = "M000100Y".chars().collect();
        assert_eq!(check_char(&body), Some('4'));
        assert_eq!(check_char(&['1']), None);
    }

    #[test]
    fn dash_is_optional_and_not_stored() {
        let a = OrgCode::parse("60003734-1").expect("valid with dash");
        let b = OrgCode::parse("600037341").expect("valid without dash");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "600037341");
        assert_eq!(a.to_string(), "600037341");
    }
}
