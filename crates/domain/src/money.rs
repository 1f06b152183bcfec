//! Money as an integer number of fen (分, 0.01 元): parsing of the amount formats found in tender
//! documents, display with thousands separators, and the capital-letter form (大写金额) printed on
//! award letters and contracts.
//!
//! There are no floats anywhere here: amounts are summed, compared and published, and a binary
//! fraction would turn 0.1 元 into something that is not 1 角.

use std::fmt;
use std::str::FromStr;

/// An amount of money in fen (分). One yuan (元) is 100 fen, one 万元 is 1,000,000 fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Why an amount text was rejected. Every message starts with “金额格式错误” and says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing (or only whitespace) was entered.
    #[error("金额格式错误：金额不能为空，请填写金额，如 1,234.56 或 12.5万元")]
    Empty,
    /// No digits where digits are needed: only a sign, symbol or unit, or a dot without a digit on
    /// one side (`.5`, `5.`).
    #[error("金额格式错误：缺少数字，小数点前后都要有数字，如 0.50、1234.56")]
    MissingDigits,
    /// A character that has no place in an amount (letters, spaces inside, full-width digits …).
    #[error("金额格式错误：不能识别的字符“{ch}”，请只填写半角数字、小数点和千位分隔符“,”，可带“¥”前缀和“元”“万元”单位")]
    InvalidCharacter { ch: char },
    /// `-`, `¥` or `￥` somewhere other than at the start, or more than once.
    #[error("金额格式错误：“{ch}”只能写在金额最前面且只能出现一次，如 -¥1,234.56")]
    MisplacedPrefix { ch: char },
    /// `万` or `元` somewhere other than at the end, or more than once (`万万`).
    #[error("金额格式错误：单位“{ch}”只能写在金额末尾且只能出现一次，如 1,234.56元 或 12.5万元")]
    MisplacedUnit { ch: char },
    /// More than one decimal point.
    #[error("金额格式错误：出现了多个小数点，只能有一个小数点")]
    MultipleDots,
    /// Thousands separators not in groups of three, or in the decimals.
    #[error("金额格式错误：千位分隔符“,”位置不对，整数部分应从个位起每3位一组，如 1,234,567.89")]
    MisplacedSeparator,
    /// More decimals than the unit allows (2 for 元, 6 for 万元: both are whole fen).
    #[error("金额格式错误：以{unit}为单位最多保留{max}位小数（精确到分），实际有{actual}位，请删去多余的小数位")]
    TooManyDecimals { unit: &'static str, max: usize, actual: usize },
    /// The amount does not fit (about ±92,233,720,368,547,758 元).
    #[error("金额格式错误：金额超出可表示的范围，请核对金额或单位")]
    Overflow,
}

/// Capital digits 零…玖 used on financial documents.
const CAPITAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// Place names within a four-digit section: ones, tens, hundreds, thousands.
const CAPITAL_PLACES: [&str; 4] = ["", "拾", "佰", "仟"];

const WAN: u64 = 10_000;
const YI: u64 = 100_000_000;

/// Appends a capital digit (0–9).
fn push_digit(out: &mut String, d: u64) {
    out.push(CAPITAL_DIGITS[usize::try_from(d % 10).unwrap_or(0)]);
}

/// Writes 1…9999 without leading zeros, one 零 for any run of inner zeros, nothing for trailing
/// zeros: 1005 → 壹仟零伍, 1010 → 壹仟零壹拾, 10 → 壹拾 (the leading 壹 is written, as on cheques).
fn capital_section(n: u64, out: &mut String) {
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut started = false;
    let mut zero_pending = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            zero_pending = started;
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        push_digit(out, d);
        out.push_str(CAPITAL_PLACES[3 - i]);
        started = true;
    }
}

/// Writes 1…99,999,999 as [section 万] [零] [section]. 零 separates the halves when the lower half is
/// non-zero but has no thousands digit (10,0100 → 壹拾万零壹佰); a lower half starting with a
/// thousands digit gets none (10,7000 → 壹拾万柒仟, the first of the two forms the rules allow).
fn capital_below_yi(n: u64, out: &mut String) {
    let (high, low) = (n / WAN, n % WAN);
    if high > 0 {
        capital_section(high, out);
        out.push('万');
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        capital_section(low, out);
    }
}

/// Writes any positive integer: the part above 亿 recursively (so 1,0000,0000,0000 → 壹万亿), then
/// 零 if the rest is non-zero but below 1000,0000, then the rest.
fn capital_integer(n: u64, out: &mut String) {
    let (high, low) = (n / YI, n % YI);
    if high > 0 {
        capital_integer(high, out);
        out.push('亿');
        if low > 0 && low < YI / 10 {
            out.push('零');
        }
    }
    if low > 0 {
        capital_below_yi(low, out);
    }
}

/// Checks the integer part's thousands separators: first group 1–3 digits, then groups of exactly 3.
fn separators_ok(int_part: &str) -> bool {
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen; `None` on overflow.
    pub fn from_yuan(yuan: i64) -> Option<Fen> {
        yuan.checked_mul(100).map(Fen)
    }

    /// Parses an amount as written in tender documents and forms.
    ///
    /// Accepted: surrounding whitespace; a leading `-` and a leading `¥`/`￥` (each at most once, in
    /// either order); digits with optional thousands separators in groups of three (`1,234,567`);
    /// an optional decimal part; an optional unit `元` (at most 2 decimals), `万元` or `万` (at most 6
    /// decimals, which is still whole fen), optionally separated from the number by spaces.
    /// Without a unit the amount is in 元. Leading zeros are accepted (`007` is 7 元).
    ///
    /// # Errors
    /// A [`MoneyError`] naming the first problem found.
    pub fn parse(s: &str) -> Result<Fen, MoneyError> {
        let text = s.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }

        let mut rest = text;
        let mut negative = false;
        let mut symbol = false;
        loop {
            if !negative && let Some(r) = rest.strip_prefix('-') {
                negative = true;
                rest = r;
            } else if !symbol && let Some(r) = rest.strip_prefix(['¥', '￥']) {
                symbol = true;
                rest = r;
            } else {
                break;
            }
        }

        // (number, allowed decimals, unit name for messages); decimals = log10(fen per unit).
        let (number, decimals, unit) = if let Some(r) = rest.strip_suffix("万元") {
            (r, 6, "万元")
        } else if let Some(r) = rest.strip_suffix('万') {
            (r, 6, "万元")
        } else if let Some(r) = rest.strip_suffix('元') {
            (r, 2, "元")
        } else {
            (rest, 2, "元")
        };
        let number = number.trim_end();

        if let Some(ch) = number.chars().find(|c| !matches!(c, '0'..='9' | ',' | '.')) {
            return Err(match ch {
                '万' | '元' => MoneyError::MisplacedUnit { ch },
                '-' | '¥' | '￥' => MoneyError::MisplacedPrefix { ch },
                _ => MoneyError::InvalidCharacter { ch },
            });
        }

        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number, ""),
        };
        if frac_part.contains('.') {
            return Err(MoneyError::MultipleDots);
        }
        if int_part.is_empty() || (number.contains('.') && frac_part.is_empty()) {
            return Err(MoneyError::MissingDigits);
        }
        if frac_part.contains(',') || (int_part.contains(',') && !separators_ok(int_part)) {
            return Err(MoneyError::MisplacedSeparator);
        }
        if frac_part.len() > decimals {
            return Err(MoneyError::TooManyDecimals { unit, max: decimals, actual: frac_part.len() });
        }

        // Digits of the amount in fen: integer digits, decimals, zero padding up to `decimals`.
        let padding = std::iter::repeat_n(b'0', decimals - frac_part.len());
        let digits = int_part.bytes().filter(u8::is_ascii_digit).chain(frac_part.bytes()).chain(padding);
        let mut magnitude: i128 = 0;
        for b in digits {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        let value = if negative { -magnitude } else { magnitude };
        i64::try_from(value).map(Fen).map_err(|_| MoneyError::Overflow)
    }

    /// Sum, `None` on overflow.
    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }

    /// Difference, `None` on overflow.
    pub fn checked_sub(self, o: Fen) -> Option<Fen> {
        self.0.checked_sub(o.0).map(Fen)
    }

    /// Multiple (e.g. unit price × quantity), `None` on overflow.
    pub fn checked_mul(self, n: i64) -> Option<Fen> {
        self.0.checked_mul(n).map(Fen)
    }

    /// The amount in capital letters (大写金额), following the rules for filling in bills and
    /// settlement vouchers (《正确填写票据和结算凭证的基本规定》) where they allow a choice:
    ///
    /// - 整 after 元 when there are no 角 and 分; nothing after 角 or 分: `100` → 壹佰元整,
    ///   `1409.50` → 壹仟肆佰零玖元伍角.
    /// - One 零 for each run of zeros inside the number: `1005` → 壹仟零伍元整,
    ///   `6007.14` → 陆仟零柒元壹角肆分, `100100` → 壹拾万零壹佰元整, `100000001` → 壹亿零壹元整.
    /// - No 零 at a 万/亿 boundary when the next digit is non-zero: `107000.53` →
    ///   壹拾万柒仟元零伍角叁分.
    /// - 零 after 元 when the 元 digit is 0 and there are 角, or when 角 is 0 and there are 分:
    ///   `1680.32` → 壹仟陆佰捌拾元零叁角贰分, `100000.5` → 壹拾万元零伍角, `325.04` → 叁佰贰拾伍元零肆分.
    /// - A leading ten is written 壹拾 (`10` → 壹拾元整), as banks require against tampering.
    /// - Below one yuan there is no 元 part: `0.5` → 伍角, `0.05` → 伍分; zero is 零元整.
    /// - Negative amounts get the prefix 负.
    pub fn to_capital(self) -> String {
        let abs = self.0.unsigned_abs();
        if abs == 0 {
            return "零元整".to_owned();
        }
        let (yuan, jiao, fen) = (abs / 100, abs / 10 % 10, abs % 10);
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        if yuan > 0 {
            capital_integer(yuan, &mut out);
            out.push('元');
        }
        if jiao == 0 && fen == 0 {
            out.push('整');
            return out;
        }
        if jiao > 0 {
            if yuan > 0 && yuan.is_multiple_of(10) {
                out.push('零');
            }
            push_digit(&mut out, jiao);
            out.push('角');
        } else if yuan > 0 {
            out.push('零');
        }
        if fen > 0 {
            push_digit(&mut out, fen);
            out.push('分');
        }
        out
    }
}

impl fmt::Display for Fen {
    /// Yuan with thousands separators and exactly two decimals: `1,234.56`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
        if self.0 < 0 {
            grouped.push('-');
        }
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{grouped}.{:02}", abs % 100)
    }
}

impl FromStr for Fen {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fen::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let cases = [
            (1, "壹"),
            (10, "壹拾"),
            (11, "壹拾壹"),
            (101, "壹佰零壹"),
            (1001, "壹仟零壹"),
            (1010, "壹仟零壹拾"),
            (1100, "壹仟壹佰"),
            (9999, "玖仟玖佰玖拾玖"),
        ];
        for (n, expected) in cases {
            let mut out = String::new();
            capital_section(n, &mut out);
            assert_eq!(out, expected, "{n}");
        }
    }

    #[test]
    fn separators() {
        assert!(separators_ok("1,234"));
        assert!(separators_ok("123,456,789"));
        assert!(!separators_ok("1,23"));
        assert!(!separators_ok("1234,567"));
        assert!(!separators_ok(",123"));
        assert!(!separators_ok("1,,234"));
    }

    #[test]
    fn display_extremes() {
        assert_eq!(Fen(i64::MAX).to_string(), "92,233,720,368,547,758.07");
        assert_eq!(Fen(i64::MIN).to_string(), "-92,233,720,368,547,758.08");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen::ZERO.to_string(), "0.00");
    }
}
