//! Resident ID number, 居民身份证号码 (GB 11643-1999): 18 characters with address code, birth date,
//! sequence number and check character (RULES.md 8.3).
//!
//! This is personal data: `Debug` prints only the masked form, and there is deliberately no `Display`
//! so that the full number cannot slip into logs or pages through `{}`. Code that really needs it
//! (storage, the holder's own profile) calls [`ResidentId::as_str`] explicitly.

use std::fmt;
use std::str::FromStr;

use crate::CodeError;

/// Weights of positions 1–17: Wᵢ = 2^(18−i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character indexed by Σ dᵢ·Wᵢ mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Length of the number in characters.
const LEN: usize = 18;

/// Earliest accepted birth year: earlier dates are typing errors in practice.
const MIN_BIRTH_YEAR: i32 = 1900;

/// Sex encoded in the sequence number (position 17): odd is male, even is female.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Male => "男",
            Sex::Female => "女",
        })
    }
}

/// A validated 18-character resident ID number (check character normalised to upper-case `X`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId {
    number: String,
    year: i32,
    month: u8,
    day: u8,
}

/// Whether `year` is a Gregorian leap year.
fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Reads a run of ASCII digits as a number (the caller has checked they are digits).
fn number(digits: &[u32]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + d)
}

impl ResidentId {
    /// Parses and validates a resident ID number.
    ///
    /// Surrounding whitespace is trimmed and a lower-case `x` check character is normalised to `X`.
    /// Checks, in this order: not empty; 18 characters; positions 1–17 digits and position 18 a digit
    /// or `X`; the birth date (positions 7–14) is a real calendar date in 1900 or later; the check
    /// character. The address code is not looked up: it is the code at the time of issue, and
    /// historical codes are valid. Whether the birth date lies in the future needs today's date,
    /// see [`ResidentId::birth_date_not_after`].
    ///
    /// # Errors
    /// [`CodeError::Empty`], [`CodeError::Length`], [`CodeError::InvalidChar`],
    /// [`CodeError::InvalidBirthDate`] or [`CodeError::CheckDigit`].
    pub fn parse(s: &str) -> Result<ResidentId, CodeError> {
        let typed = CodeError::chars_of_length(s, LEN)?;
        let mut digits = [0u32; 17];
        for (i, &ch) in typed.iter().enumerate() {
            let ok = match (digits.get_mut(i), ch.to_digit(10)) {
                (Some(slot), Some(d)) => {
                    *slot = d;
                    true
                }
                (Some(_), None) => false,
                (None, _) => ch.is_ascii_digit() || ch == 'X' || ch == 'x',
            };
            // `to_digit(10)` accepts only ASCII digits, so full-width digits are rejected here.
            if !ok {
                return Err(CodeError::InvalidChar { position: i + 1, ch });
            }
        }

        let year = i32::try_from(number(&digits[6..10])).map_err(|_| CodeError::InvalidBirthDate)?;
        let month = u8::try_from(number(&digits[10..12])).map_err(|_| CodeError::InvalidBirthDate)?;
        let day = u8::try_from(number(&digits[12..14])).map_err(|_| CodeError::InvalidBirthDate)?;
        if year < MIN_BIRTH_YEAR || day == 0 || day > days_in_month(year, month) {
            return Err(CodeError::InvalidBirthDate);
        }

        let sum: u32 = digits.iter().zip(WEIGHTS.iter()).map(|(d, w)| d * w).sum();
        let expected = CHECK.get(usize::try_from(sum % 11).unwrap_or(0)).copied().unwrap_or('1');
        let actual = typed[17].to_ascii_uppercase();
        if expected != actual {
            return Err(CodeError::CheckDigit { expected, actual });
        }
        let number = typed.iter().map(char::to_ascii_uppercase).collect();
        Ok(ResidentId { number, year, month, day })
    }

    /// The full number, upper-case `X`. Personal data: prefer [`ResidentId::masked`] for display.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// Birth date as (year, month, day).
    pub fn birth_date(&self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// Whether the birth date is on or before `today` (year, month, day). Today is an input because
    /// the domain crate reads no clock.
    pub fn birth_date_not_after(&self, today: (i32, u8, u8)) -> bool {
        self.birth_date() <= today
    }

    /// Sex from the parity of the sequence number's last digit (position 17).
    pub fn sex(&self) -> Sex {
        let odd = self
            .number
            .as_bytes()
            .get(16)
            // b'0' is even, so an odd digit is an odd byte.
            .is_some_and(|b| b % 2 == 1);
        if odd { Sex::Male } else { Sex::Female }
    }

    /// Positions 1–6: the address code at the time of issue (may be a retired region code).
    pub fn address_code(&self) -> &str {
        self.number.get(..6).unwrap_or_default()
    }

    /// First 6 and last 4 characters with `*` in between, e.g. `110105********002X`, for showing
    /// personal data on pages and in logs.
    pub fn masked(&self) -> String {
        let head = self.number.get(..6).unwrap_or_default();
        let tail = self.number.get(LEN - 4..).unwrap_or_default();
        format!("{head}{}{tail}", "*".repeat(LEN - 10))
    }
}

impl fmt::Debug for ResidentId {
    // Masked on purpose: Debug output ends up in logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

impl FromStr for ResidentId {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidentId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years() {
        assert!(is_leap(2000));
        assert!(is_leap(2024));
        assert!(!is_leap(1900));
        assert!(!is_leap(2023));
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2001, 13), 0);
        assert_eq!(days_in_month(2001, 0), 0);
    }

    #[test]
    fn debug_is_masked() {
        let id = ResidentId::parse("11010519491231002x").expect("valid id");
        assert_eq!(format!("{id:?}"), "ResidentId(\"110105********002X\")");
        assert!(!format!("{id:?}").contains("19491231"));
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn fields() {
        let id = ResidentId::parse("360426199101010071").expect("valid id");
        assert_eq!(id.birth_date(), (1991, 1, 1));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.address_code(), "360426");
        assert!(id.birth_date_not_after((1991, 1, 1)));
        assert!(id.birth_date_not_after((2025, 6, 30)));
        assert!(!id.birth_date_not_after((1990, 12, 31)));
        let id = ResidentId::parse("11010519491231002X").expect("valid id");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.sex().to_string(), "女");
    }
}
