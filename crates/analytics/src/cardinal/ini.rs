//! A small INI reader for Cardinal settings files: `[section]` headers, `key = value` lines, and
//! whole-line comments starting with `;` or `#`. Keys before the first header are global.
//!
//! Cardinal reads its settings through the `config` crate's INI format, where a dotted header such
//! as `[R003.procurement_method_details]` is a table nested in `[R003]`; `settings.rs` applies that
//! rule, this module only splits the text.

use thiserror::Error;

/// One `key = value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// 1-based line number in the file, for error messages.
    pub(crate) line: usize,
    pub(crate) key: String,
    pub(crate) value: String,
}

/// A section: its header (`None` for the keys before the first header) and its entries in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) name: Option<String>,
    pub(crate) line: usize,
    pub(crate) entries: Vec<Entry>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum IniError {
    #[error("line {line}: unterminated section header")]
    UnterminatedHeader { line: usize },
    #[error("line {line}: empty section name")]
    EmptySectionName { line: usize },
    #[error("line {line}: expected `key = value`, `[section]` or a comment")]
    NotAnEntry { line: usize },
}

/// Splits INI text into sections. A header that repeats starts another section with the same name;
/// the caller merges them (later keys win, as in Cardinal).
pub(crate) fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let mut sections = vec![Section { name: None, line: 0, entries: Vec::new() }];
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest.strip_suffix(']').ok_or(IniError::UnterminatedHeader { line })?.trim();
            if name.is_empty() {
                return Err(IniError::EmptySectionName { line });
            }
            sections.push(Section { name: Some(name.to_owned()), line, entries: Vec::new() });
            continue;
        }
        let (key, value) = trimmed.split_once(['=', ':']).ok_or(IniError::NotAnEntry { line })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(IniError::NotAnEntry { line });
        }
        let entry = Entry { line, key: key.to_owned(), value: unquote(value.trim()).to_owned() };
        if let Some(section) = sections.last_mut() {
            section.entries.push(entry);
        }
    }
    Ok(sections)
}

/// A value wrapped in matching double or single quotes stands for the text inside them.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_keys_sections_and_comments() {
        let text = "; comment\ncurrency = USD\n\n[R003]\n# another\nthreshold = 15\n[R003.procurement_method_details]\nemergency = \"10\"\n";
        let sections = parse(text).expect("valid INI");
        assert_eq!(sections.len(), 3);
        assert_eq!(sections[0].name, None);
        assert_eq!(sections[0].entries[0], Entry { line: 2, key: "currency".into(), value: "USD".into() });
        assert_eq!(sections[1].name.as_deref(), Some("R003"));
        assert_eq!(sections[1].entries[0].value, "15");
        assert_eq!(sections[2].name.as_deref(), Some("R003.procurement_method_details"));
        assert_eq!(sections[2].entries[0].value, "10");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse("[R003\n"), Err(IniError::UnterminatedHeader { line: 1 }));
        assert_eq!(parse("\n[]\n"), Err(IniError::EmptySectionName { line: 2 }));
        assert_eq!(parse("threshold\n"), Err(IniError::NotAnEntry { line: 1 }));
    }

    #[test]
    fn empty_values_are_kept() {
        let sections = parse("[redactions]\namount =\n").expect("valid INI");
        assert_eq!(sections[1].entries[0].value, "");
    }
}
