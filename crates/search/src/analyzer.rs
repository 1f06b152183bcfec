//! The Chinese text analyzer shared by indexing and querying.
//!
//! jieba in search mode emits a long word together with its dictionary sub-words
//! (`杭州市` → `杭州`, `杭州市`), which lets a short query word match inside a long name.
//! It also emits every space and punctuation mark as a token of its own; [`WordOnly`]
//! drops those, so that neither the index nor a query carries them. Latin letters are
//! lower-cased so that `ABC` and `abc` match.

use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

/// Name under which the analyzer is registered in the index's tokenizer manager.
pub(crate) const ANALYZER_NAME: &str = "ggzy_zh";

/// Tokens longer than this many bytes are dropped (a Chinese character takes 3 bytes).
const MAX_TOKEN_BYTES: usize = 60;

/// Builds the analyzer: jieba (search mode, HMM on) → drop non-words → drop overlong → lower case.
pub(crate) fn chinese_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::with_search_mode(true))
        .filter(WordOnly)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// Runs `text` through `analyzer` and returns the token texts with their character spans.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<QueryToken> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        out.push(QueryToken {
            text: token.text.clone(),
            start: token.position,
            end: token.position + token.position_length.max(1),
        });
    }
    out
}

/// One analyzed token; `start..end` is its span in characters of the analyzed text
/// (tantivy-jieba's default position mode reports character offsets, not ordinals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryToken {
    pub(crate) text: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// True when the token carries a letter or digit of any script (Han characters are
/// alphabetic); spaces and punctuation (`，`, `（`, `-`, `·`, …) are not words.
fn is_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Token filter that keeps only tokens for which [`is_word`] holds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordOnly;

impl TokenFilter for WordOnly {
    type Tokenizer<T: Tokenizer> = WordOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordOnlyTokenizer<T> {
        WordOnlyTokenizer { inner: tokenizer }
    }
}

/// The tokenizer produced by [`WordOnly`].
#[derive(Clone)]
pub(crate) struct WordOnlyTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for WordOnlyTokenizer<T> {
    type TokenStream<'a> = WordOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordOnlyStream { inner: self.inner.token_stream(text) }
    }
}

/// The token stream produced by [`WordOnlyTokenizer`].
pub(crate) struct WordOnlyStream<S> {
    inner: S,
}

impl<S: TokenStream> TokenStream for WordOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if is_word(&self.inner.token().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        analyze(&mut chinese_analyzer(), text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn punctuation_and_spaces_are_dropped() {
        assert!(texts("，。！？（）  —— ·").is_empty());
        assert_eq!(texts("杭州 建设"), ["杭州", "建设"]);
    }

    #[test]
    fn latin_is_lower_cased() {
        assert_eq!(texts("ABC"), ["abc"]);
    }

    #[test]
    fn search_mode_emits_sub_words_with_char_spans() {
        let toks = analyze(&mut chinese_analyzer(), "浙江省建工");
        let has = |text: &str, start: usize, end: usize| {
            toks.iter().any(|t| t.text == text && t.start == start && t.end == end)
        };
        assert!(has("浙江", 0, 2), "{toks:?}");
        assert!(has("浙江省", 0, 3), "{toks:?}");
        assert!(has("建工", 3, 5), "{toks:?}");
    }
}
