//! The error type shared by all code parsers (credit code, organisation code, resident ID, region code).
//!
//! Messages are Chinese (the UI language) and say both what is wrong and what the user should fix,
//! because they are shown directly next to the form field that was typed in.

use std::fmt;

/// Why a textual code (统一社会信用代码, 组织机构代码, 居民身份证号码, 行政区划代码) was rejected.
///
/// Positions are 1-based and count characters (not bytes) of the input after surrounding whitespace
/// was trimmed, so they match what the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nothing (or only whitespace) was entered.
    #[error("不能为空，请填写完整的代码")]
    Empty,
    /// The code has the wrong number of characters.
    #[error("长度应为{expected}位，实际为{actual}位，请检查是否漏填、多填或混入了空格")]
    Length { expected: usize, actual: usize },
    /// A character that is not allowed at this position.
    #[error("{}", InvalidCharMessage { position: *position, ch: *ch })]
    InvalidChar { position: usize, ch: char },
    /// The final check character does not match the one computed from the other characters.
    #[error("校验位错误：应为“{expected}”，实际为“{actual}”，请逐位核对代码是否抄错")]
    CheckDigit { expected: char, actual: char },
    /// The organisation code embedded in a credit code (positions 9–17) has a wrong check character
    /// (position 17). Kept apart from [`CodeError::CheckDigit`] so the message can point at the right
    /// position: the two check characters are checked independently.
    #[error("第9–17位（组织机构代码）的校验位错误：第17位应为“{expected}”，实际为“{actual}”，请逐位核对代码是否抄错")]
    OrgCodeCheckDigit { expected: char, actual: char },
    /// The birth date inside a resident ID number is not a real calendar date (or is before 1900).
    #[error("出生日期无效：第7–14位应为真实存在的出生日期（YYYYMMDD，1900年及以后）")]
    InvalidBirthDate,
    /// A syntactically valid region code that is not in the region table in use.
    #[error("行政区划代码 {code} 不存在，请核对代码或更新行政区划代码表")]
    UnknownRegion { code: String },
    /// A region code that is syntactically impossible as a whole (all zeros, or province part `00`).
    #[error("行政区划代码 {code} 不合法：前两位（省级）不能为00，请填写6位行政区划代码")]
    InvalidRegion { code: String },
}

/// Formats [`CodeError::InvalidChar`]; whitespace and full-width characters get their own hint because
/// they are the most common cause (copy-paste from documents) and are invisible in the quoted form.
struct InvalidCharMessage {
    position: usize,
    ch: char,
}

impl fmt::Display for InvalidCharMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { position, ch } = *self;
        if ch.is_whitespace() {
            write!(f, "第{position}位是空白字符，不合法：请删除代码中间的空格")
        } else if !ch.is_ascii() {
            write!(f, "第{position}位字符“{ch}”不合法：请使用半角数字和大写字母，不要使用全角或中文字符")
        } else {
            write!(
                f,
                "第{position}位字符“{ch}”不合法：该位不允许此字符，请逐位核对（注意数字0/1与字母O/I等易混淆字符）"
            )
        }
    }
}

impl CodeError {
    /// The characters of a fixed-length code: surrounding whitespace trimmed, not empty, exactly
    /// `len` characters (the common first checks of every code parser).
    pub(crate) fn chars_of_length(s: &str, len: usize) -> Result<Vec<char>, CodeError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(CodeError::Empty);
        }
        let chars: Vec<char> = trimmed.chars().collect();
        if chars.len() != len {
            return Err(CodeError::Length { expected: len, actual: chars.len() });
        }
        Ok(chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_is_wrong() {
        let cases = [
            (CodeError::Empty, "不能为空"),
            (CodeError::Length { expected: 18, actual: 17 }, "长度应为18位，实际为17位"),
            (CodeError::InvalidChar { position: 3, ch: 'I' }, "第3位字符“I”不合法"),
            (CodeError::InvalidChar { position: 5, ch: ' ' }, "第5位是空白字符"),
            (CodeError::InvalidChar { position: 2, ch: 'Ａ' }, "不要使用全角"),
            (CodeError::CheckDigit { expected: 'L', actual: 'X' }, "校验位错误：应为“L”，实际为“X”"),
            (CodeError::OrgCodeCheckDigit { expected: '1', actual: '2' }, "第17位应为“1”"),
            (CodeError::InvalidBirthDate, "出生日期无效"),
            (CodeError::UnknownRegion { code: "123456".into() }, "行政区划代码 123456 不存在"),
            (CodeError::InvalidRegion { code: "000000".into() }, "行政区划代码 000000 不合法"),
        ];
        for (err, expected) in cases {
            let msg = err.to_string();
            assert!(msg.contains(expected), "{msg:?} should contain {expected:?}");
        }
    }
}
