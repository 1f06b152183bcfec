//! The specialty classification (评标专家专业分类) experts register under and draws ask for
//! (招标投标法实施条例 第四十五条: a national unified classification). The tree is data a
//! deployment configures (`data/specialties/specialties.txt`, format in its README), so it is an
//! input here, like the region table.
//!
//! Codes are hierarchical by construction: a top-level code is one capital letter (`A` 工程,
//! `B` 货物, `C` 服务), and each lower level appends two digits (`A01`, then `A0101`). A code's
//! parent is therefore the code without its last two digits, and "`A0101` lies within `A01`" is a
//! prefix test. That lets anyone check a published draw without the tree (`docs/draw.md`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Deepest level: letter, then two more levels of two digits.
const LEVELS_MAX: usize = 3;

/// Longest name accepted, in characters.
const NAME_CHARS_MAX: usize = 40;

/// Most entries a tree may have (a bound on the input; the national list has a few hundred).
const ENTRIES_MAX: usize = 5_000;

/// A syntactically valid specialty code such as `A`, `A01` or `A0101` (not necessarily in a tree).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecialtyCode(String);

/// Why a specialty code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecialtyCodeError {
    /// Not a capital letter followed by 0, 2 or 4 digits.
    #[error("专业代码“{code}”格式不正确：应为一个大写字母加0、2或4位数字，如 A、A01、A0101")]
    Malformed {
        /// The text given.
        code: String,
    },
}

impl SpecialtyCodeError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        "specialty_code_malformed"
    }
}

impl SpecialtyCode {
    /// Parses a code: surrounding whitespace trimmed, one ASCII capital letter, then 0, 2 or 4
    /// ASCII digits.
    ///
    /// # Errors
    /// [`SpecialtyCodeError::Malformed`].
    pub fn parse(text: &str) -> Result<SpecialtyCode, SpecialtyCodeError> {
        let trimmed = text.trim();
        let bytes = trimmed.as_bytes();
        let well_formed = matches!(bytes.first(), Some(b'A'..=b'Z'))
            && matches!(bytes.len(), 1 | 3 | 5)
            && bytes.iter().skip(1).all(u8::is_ascii_digit);
        if !well_formed {
            return Err(SpecialtyCodeError::Malformed { code: trimmed.to_owned() });
        }
        Ok(SpecialtyCode(trimmed.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Level 1 (letter), 2 (`A01`) or 3 (`A0101`).
    pub fn level(&self) -> usize {
        self.0.len().div_ceil(2)
    }

    /// The parent code (the code without its last two digits); none for a top-level code.
    pub fn parent(&self) -> Option<SpecialtyCode> {
        let len = self.0.len();
        (len > 1).then(|| SpecialtyCode(self.0.get(..len - 2).unwrap_or_default().to_owned()))
    }

    /// Whether this code is `ancestor` or lies below it (`A0101` is within `A01` and `A`).
    pub fn is_within(&self, ancestor: &SpecialtyCode) -> bool {
        self.0.starts_with(ancestor.as_str())
    }
}

impl fmt::Display for SpecialtyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SpecialtyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SpecialtyCode").field(&self.0).finish()
    }
}

impl FromStr for SpecialtyCode {
    type Err = SpecialtyCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SpecialtyCode::parse(s)
    }
}

/// One entry of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Specialty {
    /// Its code.
    pub code: SpecialtyCode,
    /// Its Chinese name, e.g. `房屋建筑工程`.
    pub name: String,
}

/// Why a specialty file was rejected. Lines are 1-based physical lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecialtyTreeError {
    /// A line that is neither blank, a `#` comment, nor `code name`.
    #[error("专业分类表第{line}行格式不正确：每行应为“代码 名称”，如“A0101 建筑工程施工”")]
    MissingName {
        /// The line.
        line: usize,
    },
    /// The code column is not a valid code.
    #[error("专业分类表第{line}行：{source}")]
    Code {
        /// The line.
        line: usize,
        /// What is wrong with the code.
        source: SpecialtyCodeError,
    },
    /// A name longer than the limit.
    #[error("专业分类表第{line}行的名称超过{NAME_CHARS_MAX}个字符，请缩短")]
    NameTooLong {
        /// The line.
        line: usize,
    },
    /// The same code twice.
    #[error("专业分类表第{line}行的代码 {code} 与前面重复")]
    Duplicate {
        /// The line of the second occurrence.
        line: usize,
        /// The code.
        code: SpecialtyCode,
    },
    /// A code whose parent is not in the file.
    #[error("专业分类表第{line}行的代码 {code} 缺少上级专业 {parent}：请先列出上级专业")]
    MissingParent {
        /// The line.
        line: usize,
        /// The code.
        code: SpecialtyCode,
        /// Its missing parent.
        parent: SpecialtyCode,
    },
    /// More entries than the limit.
    #[error("专业分类表超过{ENTRIES_MAX}条，请检查文件是否正确")]
    TooLarge,
    /// No entries at all.
    #[error("专业分类表为空")]
    Empty,
}

impl SpecialtyTreeError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            SpecialtyTreeError::MissingName { .. } => "specialty_line_malformed",
            SpecialtyTreeError::Code { .. } => "specialty_code_malformed",
            SpecialtyTreeError::NameTooLong { .. } => "specialty_name_too_long",
            SpecialtyTreeError::Duplicate { .. } => "specialty_duplicate",
            SpecialtyTreeError::MissingParent { .. } => "specialty_parent_missing",
            SpecialtyTreeError::TooLarge => "specialty_tree_too_large",
            SpecialtyTreeError::Empty => "specialty_tree_empty",
        }
    }
}

/// The specialty classification: every code with its name, every non-top code's parent present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialtyTree {
    names: BTreeMap<SpecialtyCode, String>,
}

impl SpecialtyTree {
    /// Parses the line format of `data/specialties/specialties.txt`: one entry per line, the code,
    /// whitespace, then the name (which may contain spaces); blank lines and lines starting with
    /// `#` are skipped. Entries may come in any order; every parent must appear somewhere.
    ///
    /// # Errors
    /// The first problem found, by line.
    pub fn parse(text: &str) -> Result<SpecialtyTree, SpecialtyTreeError> {
        let mut names = BTreeMap::new();
        let mut lines = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let Some((code_text, name)) = trimmed.split_once(char::is_whitespace) else {
                return Err(SpecialtyTreeError::MissingName { line });
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(SpecialtyTreeError::MissingName { line });
            }
            let code = SpecialtyCode::parse(code_text).map_err(|source| SpecialtyTreeError::Code { line, source })?;
            if name.chars().count() > NAME_CHARS_MAX {
                return Err(SpecialtyTreeError::NameTooLong { line });
            }
            if names.contains_key(&code) {
                return Err(SpecialtyTreeError::Duplicate { line, code });
            }
            if names.len() >= ENTRIES_MAX {
                return Err(SpecialtyTreeError::TooLarge);
            }
            lines.insert(code.clone(), line);
            names.insert(code, name.to_owned());
        }
        if names.is_empty() {
            return Err(SpecialtyTreeError::Empty);
        }
        // Parents are checked after reading everything so that the file need not be sorted; the
        // error names the earliest line (in file order) whose parent is missing.
        let mut orphans: Vec<(usize, SpecialtyCode, SpecialtyCode)> = names
            .keys()
            .filter_map(|code| {
                let parent = code.parent()?;
                (!names.contains_key(&parent)).then(|| (lines.get(code).copied().unwrap_or(0), code.clone(), parent))
            })
            .collect();
        orphans.sort();
        if let Some((line, code, parent)) = orphans.into_iter().next() {
            return Err(SpecialtyTreeError::MissingParent { line, code, parent });
        }
        debug_assert!(names.keys().all(|code| code.level() <= LEVELS_MAX));
        Ok(SpecialtyTree { names })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the tree has no entries (never true for a parsed tree).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether `code` is in the tree.
    pub fn contains(&self, code: &SpecialtyCode) -> bool {
        self.names.contains_key(code)
    }

    /// The name of `code`.
    pub fn name(&self, code: &SpecialtyCode) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// The names from the top level down, joined with ` / `, e.g. `工程 / 房屋建筑工程 / 建筑工程施工`.
    pub fn path_name(&self, code: &SpecialtyCode) -> Option<String> {
        let mut parts = vec![self.name(code)?];
        let mut current = code.parent();
        while let Some(parent) = current {
            parts.push(self.name(&parent)?);
            current = parent.parent();
        }
        parts.reverse();
        Some(parts.join(" / "))
    }

    /// The direct children of `code`, in code order.
    pub fn children<'a>(&'a self, code: &'a SpecialtyCode) -> impl Iterator<Item = Specialty> + 'a {
        self.iter().filter(move |entry| entry.code.parent().as_ref() == Some(code))
    }

    /// Whether `code` has no children (experts usually register at this level).
    pub fn is_leaf(&self, code: &SpecialtyCode) -> bool {
        self.children(code).next().is_none()
    }

    /// Every entry in code order (parents before their children).
    pub fn iter(&self) -> impl Iterator<Item = Specialty> + '_ {
        self.names.iter().map(|(code, name)| Specialty { code: code.clone(), name: name.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> SpecialtyCode {
        SpecialtyCode::parse(text).expect("valid code")
    }

    #[test]
    fn codes_and_their_parents() {
        for bad in ["", "a01", "A1", "A0101X", "AB", "A010101", "０1", "A０1"] {
            assert!(SpecialtyCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(code(" A0101 ").as_str(), "A0101");
        assert_eq!(code("A0101").level(), 3);
        assert_eq!(code("A01").level(), 2);
        assert_eq!(code("A").level(), 1);
        assert_eq!(code("A0101").parent(), Some(code("A01")));
        assert_eq!(code("A01").parent(), Some(code("A")));
        assert_eq!(code("A").parent(), None);
        assert!(code("A0101").is_within(&code("A")));
        assert!(code("A0101").is_within(&code("A0101")));
        assert!(!code("A01").is_within(&code("A0101")));
        assert!(!code("A0201").is_within(&code("A01")));
    }

    #[test]
    fn the_line_format() {
        let tree = SpecialtyTree::parse("# 注释\n\nA 工程\nA01 房屋建筑 工程\nA0101\t建筑工程施工\n").expect("valid");
        assert_eq!(tree.len(), 3);
        assert_eq!(tree.name(&code("A01")), Some("房屋建筑 工程"));
        assert_eq!(tree.path_name(&code("A0101")).as_deref(), Some("工程 / 房屋建筑 工程 / 建筑工程施工"));
        assert!(tree.is_leaf(&code("A0101")));
        assert!(!tree.is_leaf(&code("A")));
        assert_eq!(tree.children(&code("A")).map(|s| s.code).collect::<Vec<_>>(), vec![code("A01")]);

        let cases = [
            ("A", SpecialtyTreeError::MissingName { line: 1 }.code()),
            ("A 工程\nA1 x", "specialty_code_malformed"),
            ("A 工程\nA 工程", "specialty_duplicate"),
            ("A 工程\nA0101 施工", "specialty_parent_missing"),
            ("# only", "specialty_tree_empty"),
        ];
        for (text, expected) in cases {
            let err = SpecialtyTree::parse(text).expect_err(text);
            assert_eq!(err.code(), expected, "{text:?}: {err}");
        }
        let err = SpecialtyTree::parse("A 工程\nA0101 施工\nB 货物\nB0101 x").expect_err("orphans");
        assert_eq!(err.to_string(), "专业分类表第2行的代码 A0101 缺少上级专业 A01：请先列出上级专业");
    }
}
