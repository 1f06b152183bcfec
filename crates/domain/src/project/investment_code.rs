//! The investment project code (投资项目代码) issued by the 全国投资项目在线审批监管平台: one code for
//! the whole life of a project, carried by its tenders (`PROJECT_CODE`).
//!
//! RULES.md §8.5 (confidence M/L): 24 positions, read as `YYYY-RRRRRR-DD-TT-NNNNNC` (year, region,
//! guiding department, project type, serial with a check character). The check algorithm is
//! unverified, so only the layout is checked: refusing a real code on a guessed checksum would be
//! worse than accepting a mistyped one the issuing platform never issued.

use std::fmt;

use crate::CodeError;

/// Length with the four separators.
const LENGTH: usize = 24;
/// Where the separators stand (1-based), as the code is printed.
const SEPARATORS: [usize; 4] = [5, 12, 15, 18];

/// A well-formed investment project code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvestmentCode(String);

impl InvestmentCode {
    /// Parses a code such as `2026-330106-48-01-000123`; surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<InvestmentCode, CodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CodeError::Empty);
        }
        let count = text.chars().count();
        if count != LENGTH {
            return Err(CodeError::Length { expected: LENGTH, actual: count });
        }
        for (index, ch) in text.chars().enumerate() {
            let position = index + 1;
            let fits = if SEPARATORS.contains(&position) { ch == '-' } else { ch.is_ascii_digit() };
            if !fits {
                return Err(CodeError::InvalidChar { position, ch });
            }
        }
        Ok(InvestmentCode(text.to_owned()))
    }

    /// The code as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year the code was issued (positions 1–4).
    pub fn year(&self) -> &str {
        &self.0[..4]
    }

    /// The region part (positions 6–11, a GB/T 2260 code).
    pub fn region(&self) -> &str {
        &self.0[5..11]
    }
}

impl fmt::Display for InvestmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_in_the_published_layout_parses_and_names_its_parts() {
        let code = InvestmentCode::parse(" 2026-330106-48-01-000123 ").expect("valid");
        assert_eq!((code.as_str(), code.year(), code.region()), ("2026-330106-48-01-000123", "2026", "330106"));
    }

    #[test]
    fn a_wrong_length_or_character_is_refused_at_its_position() {
        assert_eq!(InvestmentCode::parse(""), Err(CodeError::Empty));
        assert_eq!(
            InvestmentCode::parse("2026-330106-48-01-00012"),
            Err(CodeError::Length { expected: 24, actual: 23 })
        );
        assert_eq!(
            InvestmentCode::parse("2026/330106-48-01-000123"),
            Err(CodeError::InvalidChar { position: 5, ch: '/' })
        );
        assert_eq!(
            InvestmentCode::parse("2026-33010６-48-01-000123"),
            Err(CodeError::InvalidChar { position: 11, ch: '６' })
        );
    }
}
