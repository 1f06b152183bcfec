//! Administrative division codes, 行政区划代码 (GB/T 2260), and the region table loaded from CSV.
//!
//! [`RegionCode`] checks syntax only; whether a code exists is a question for a [`RegionTable`],
//! which is data a deployment updates (RULES.md 8.4) and therefore an input to this pure crate.
//! Levels and parents are derived from the code's digits (`xx0000` province, `xxyy00` prefecture,
//! otherwise county), which is how the table's `level` column is defined too.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::CodeError;

/// Names of 市辖区/县 placeholder rows that are left out of full names.
const PLACEHOLDER_NAMES: [&str; 2] = ["市辖区", "县"];

/// Level of a division, derived from the code's trailing zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionLevel {
    /// 省级: `xx0000`.
    Province,
    /// 地级: `xxyy00`.
    Prefecture,
    /// 县级: everything else.
    County,
}

impl RegionLevel {
    /// The token used in the CSV `level` column: `province`, `prefecture` or `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Prefecture => "prefecture",
            RegionLevel::County => "county",
        }
    }

    fn from_token(token: &str) -> Option<RegionLevel> {
        match token {
            "province" => Some(RegionLevel::Province),
            "prefecture" => Some(RegionLevel::Prefecture),
            "county" => Some(RegionLevel::County),
            _ => None,
        }
    }
}

impl fmt::Display for RegionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A syntactically valid six-digit region code (not necessarily in any table).
///
/// Stored as six ASCII digits, so ordering is numeric order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode([u8; 6]);

impl RegionCode {
    /// Parses a region code: six ASCII digits after trimming surrounding whitespace, province part
    /// (digits 1–2) not `00` (which also excludes `000000`). Existence is checked by
    /// [`RegionTable::validate`].
    ///
    /// # Errors
    /// [`CodeError::Empty`], [`CodeError::Length`], [`CodeError::InvalidChar`] or
    /// [`CodeError::InvalidRegion`].
    pub fn parse(s: &str) -> Result<RegionCode, CodeError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(CodeError::Empty);
        }
        let count = trimmed.chars().count();
        if count != 6 {
            return Err(CodeError::Length { expected: 6, actual: count });
        }
        let mut digits = [0u8; 6];
        for (i, (slot, ch)) in digits.iter_mut().zip(trimmed.chars()).enumerate() {
            if !ch.is_ascii_digit() {
                return Err(CodeError::InvalidChar { position: i + 1, ch });
            }
            *slot = u8::try_from(ch).map_err(|_| CodeError::InvalidChar { position: i + 1, ch })?;
        }
        if digits[..2] == *b"00" {
            return Err(CodeError::InvalidRegion { code: trimmed.to_owned() });
        }
        Ok(RegionCode(digits))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Level derived from trailing zeros: `xx0000` province, `xxyy00` prefecture, else county.
    pub fn level(&self) -> RegionLevel {
        if self.0[2..] == *b"0000" {
            RegionLevel::Province
        } else if self.0[4..] == *b"00" {
            RegionLevel::Prefecture
        } else {
            RegionLevel::County
        }
    }

    /// The code with digits from `keep` on replaced by zeros.
    fn truncated(&self, keep: usize) -> RegionCode {
        let mut digits = self.0;
        for d in digits.iter_mut().skip(keep) {
            *d = b'0';
        }
        RegionCode(digits)
    }

    /// The parent by code: a county's prefecture `xxyy00` (or the province `xx0000` when digits 3–4
    /// are `00`, as for Macao's `820001`), a prefecture's province, none for a province.
    ///
    /// The parent need not exist in a table (e.g. `429004` 仙桃市 has no `429000` row);
    /// [`RegionTable::children`] accounts for that.
    pub fn parent(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::Prefecture => Some(self.province()),
            RegionLevel::County => Some(self.truncated(4)),
        }
    }

    /// The province-level code `xx0000`.
    pub fn province(&self) -> RegionCode {
        self.truncated(2)
    }

    /// Whether `other` is this region or lies within it by code prefix: province `330000` contains
    /// `330100` and `330106`, prefecture `330100` contains `330106`, a county only itself.
    pub fn contains(&self, other: &RegionCode) -> bool {
        let prefix = match self.level() {
            RegionLevel::Province => 2,
            RegionLevel::Prefecture => 4,
            RegionLevel::County => 6,
        };
        self.0[..prefix] == other.0[..prefix]
    }

    /// Lowest and highest code that [`RegionCode::contains`] could accept (inclusive).
    fn descendant_bounds(&self) -> (RegionCode, RegionCode) {
        let keep = match self.level() {
            RegionLevel::Province => 2,
            RegionLevel::Prefecture => 4,
            RegionLevel::County => 6,
        };
        let mut high = self.0;
        for d in high.iter_mut().skip(keep) {
            *d = b'9';
        }
        (*self, RegionCode(high))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RegionCode").field(&self.as_str()).finish()
    }
}

impl FromStr for RegionCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

/// One row of the region table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

/// Why a region table CSV was rejected. Line numbers are 1-based physical lines of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionTableError {
    /// The first line is not the header `code,name,level`.
    #[error("行政区划代码表第1行应为表头“code,name,level”，实际为“{found}”")]
    Header { found: String },
    /// A data line has fewer than three columns.
    #[error("行政区划代码表第{line}行缺少“{column}”列：每行应为“代码,名称,级别”三列")]
    MissingColumn { line: usize, column: &'static str },
    /// A data line has more than three columns (the format has no quoting, names contain no comma).
    #[error("行政区划代码表第{line}行多出了列：每行只能有“代码,名称,级别”三列，名称中不能有逗号")]
    ExtraColumn { line: usize },
    /// The code column is not a valid region code.
    #[error("行政区划代码表第{line}行的代码“{code}”不合法：{error}")]
    BadCode { line: usize, code: String, error: CodeError },
    /// The name column is empty.
    #[error("行政区划代码表第{line}行（代码 {code}）的名称为空，请填写区划名称")]
    EmptyName { line: usize, code: String },
    /// The level column is not one of the three tokens.
    #[error("行政区划代码表第{line}行的级别“{level}”未知：应为 province、prefecture 或 county")]
    UnknownLevel { line: usize, level: String },
    /// The level column disagrees with the level implied by the code's trailing zeros.
    #[error(
        "行政区划代码表第{line}行：代码 {code} 按末尾的0应为 {expected} 级，但级别列写的是 {actual}，请改正其中之一"
    )]
    LevelMismatch { line: usize, code: String, expected: RegionLevel, actual: RegionLevel },
    /// The same code appears twice.
    #[error("行政区划代码表第{line}行：代码 {code} 与第{first_line}行重复，每个代码只能出现一次")]
    DuplicateCode { line: usize, code: String, first_line: usize },
}

/// The set of known region codes with names, ordered by code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegionTable {
    regions: BTreeMap<RegionCode, Region>,
}

impl RegionTable {
    /// Parses the CSV format of `data/regions/gbt2260.csv`: header `code,name,level`, then one
    /// division per line. No quoting; fields are trimmed; blank lines, a UTF-8 BOM and CRLF line
    /// ends are tolerated. The level column must agree with the code (see [`RegionCode::level`]).
    ///
    /// # Errors
    /// The first problem found, with its line number.
    pub fn parse_csv(text: &str) -> Result<RegionTable, RegionTableError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header = lines.next().map(|(_, l)| l).unwrap_or_default();
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        if columns != ["code", "name", "level"] {
            return Err(RegionTableError::Header { found: header.to_owned() });
        }

        let mut regions = BTreeMap::new();
        let mut first_lines: BTreeMap<RegionCode, usize> = BTreeMap::new();
        for (line, content) in lines {
            if content.trim().is_empty() {
                continue;
            }
            let mut fields = content.split(',').map(str::trim);
            let mut next = |column| fields.next().ok_or(RegionTableError::MissingColumn { line, column });
            let (raw_code, name, raw_level) = (next("code")?, next("name")?, next("level")?);
            if fields.next().is_some() {
                return Err(RegionTableError::ExtraColumn { line });
            }
            let code = RegionCode::parse(raw_code).map_err(|error| RegionTableError::BadCode {
                line,
                code: raw_code.to_owned(),
                error,
            })?;
            if name.is_empty() {
                return Err(RegionTableError::EmptyName { line, code: code.to_string() });
            }
            let level = RegionLevel::from_token(raw_level)
                .ok_or_else(|| RegionTableError::UnknownLevel { line, level: raw_level.to_owned() })?;
            if level != code.level() {
                return Err(RegionTableError::LevelMismatch {
                    line,
                    code: code.to_string(),
                    expected: code.level(),
                    actual: level,
                });
            }
            if let Some(&first_line) = first_lines.get(&code) {
                return Err(RegionTableError::DuplicateCode { line, code: code.to_string(), first_line });
            }
            first_lines.insert(code, line);
            regions.insert(code, Region { code, name: name.to_owned(), level });
        }
        Ok(RegionTable { regions })
    }

    /// The row for `code`, if the table has it.
    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.regions.get(code)
    }

    /// Parses `s` and requires the code to be in this table.
    ///
    /// # Errors
    /// The syntax errors of [`RegionCode::parse`], or [`CodeError::UnknownRegion`].
    pub fn validate(&self, s: &str) -> Result<RegionCode, CodeError> {
        let code = RegionCode::parse(s)?;
        if self.regions.contains_key(&code) {
            Ok(code)
        } else {
            Err(CodeError::UnknownRegion { code: code.to_string() })
        }
    }

    /// The nearest ancestor of `code` that is in the table (skipping ancestors that have no row,
    /// such as the `429000` roll-up code above 仙桃市 `429004`).
    fn table_parent(&self, code: &RegionCode) -> Option<RegionCode> {
        let mut candidate = code.parent();
        while let Some(c) = candidate {
            if self.regions.contains_key(&c) {
                return Some(c);
            }
            candidate = c.parent();
        }
        None
    }

    /// Direct children of `code` in the table, in code order: the rows whose nearest ancestor in
    /// the table is `code`. So a province's children include county-level cities under direct
    /// provincial administration (e.g. 湖北省 → 仙桃市 `429004`) whose roll-up prefecture code has
    /// no row.
    pub fn children<'a>(&'a self, code: &RegionCode) -> impl Iterator<Item = &'a Region> + use<'a> {
        let code = *code;
        let (low, high) = code.descendant_bounds();
        self.regions
            .range(low..=high)
            .map(|(_, region)| region)
            .filter(move |region| self.table_parent(&region.code) == Some(code))
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// All rows in code order.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// The full name from province down, e.g. `浙江省杭州市西湖区` for `330106`; `None` if `code`
    /// is not in the table. Left out: ancestors without a row, placeholder rows named 市辖区 or 县,
    /// and a prefecture row named like its province (municipalities: `110100` 北京市 under
    /// `110000` 北京市), so `110101` gives `北京市东城区`.
    pub fn full_name(&self, code: &RegionCode) -> Option<String> {
        let region = self.get(code)?;
        let province = self.get(&code.province());
        let mut chain: Vec<&Region> = Vec::with_capacity(3);
        chain.extend(province);
        if code.level() == RegionLevel::County {
            let prefecture = code.truncated(4);
            if prefecture.level() == RegionLevel::Prefecture {
                chain.extend(self.get(&prefecture));
            }
        }
        if region.level != RegionLevel::Province {
            chain.push(region);
        }
        let province_name = province.map(|p| p.name.as_str());
        let mut full = String::new();
        for r in chain {
            let placeholder = PLACEHOLDER_NAMES.contains(&r.name.as_str());
            let municipality = r.level == RegionLevel::Prefecture && Some(r.name.as_str()) == province_name;
            if !placeholder && !municipality {
                full.push_str(&r.name);
            }
        }
        Some(full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid region code in test")
    }

    #[test]
    fn levels_and_parents() {
        assert_eq!(code("330000").level(), RegionLevel::Province);
        assert_eq!(code("330100").level(), RegionLevel::Prefecture);
        assert_eq!(code("330106").level(), RegionLevel::County);
        assert_eq!(code("330106").parent(), Some(code("330100")));
        assert_eq!(code("330100").parent(), Some(code("330000")));
        assert_eq!(code("330000").parent(), None);
        assert_eq!(code("820001").parent(), Some(code("820000")));
        assert_eq!(code("330106").province(), code("330000"));
    }

    #[test]
    fn descendant_bounds_cover_contains() {
        assert_eq!(code("330000").descendant_bounds(), (code("330000"), code("339999")));
        assert_eq!(code("330100").descendant_bounds(), (code("330100"), code("330199")));
        assert_eq!(code("330106").descendant_bounds(), (code("330106"), code("330106")));
    }

    #[test]
    fn debug_and_display() {
        assert_eq!(format!("{:?}", code("330106")), "RegionCode(\"330106\")");
        assert_eq!(code(" 330106 ").to_string(), "330106");
    }
}
