//! Chinese full-text index of market entities (市场主体).
//!
//! The index is derived data (DESIGN §6): it lives in RAM, is rebuilt from the database
//! at startup with [`EntityIndex::upsert_many`] and kept current with
//! [`EntityIndex::upsert`] after each write. It is never the record; a hit is only a
//! credit code for the caller to load from the store.
//!
//! Text fields (`name`, `region_name`, `legal_rep_name`) are segmented with jieba in search
//! mode. Queries are **not** given to tantivy's `QueryParser`, which turns a multi-token
//! Chinese word into a phrase query (STACK §2). Instead the query is segmented with the
//! same analyzer and every word must match, in any of the text fields. A query that looks
//! like a unified social credit code (or a prefix of at least [`MIN_CODE_PREFIX`] characters
//! of one) also matches the raw `credit_code` field, case-insensitively.

mod analyzer;
mod notice;
mod ram;

pub use notice::{FacetCount, NoticeDoc, NoticeFacets, NoticeHit, NoticeIndex, NoticeQuery, NoticeResults};
pub use ram::IndexOptions;

use std::ops::Bound;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByString};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema};
use tantivy::{Order, TantivyDocument, Term};

use crate::analyzer::{QueryToken, analyze};
use crate::ram::RamIndex;

/// Queries longer than this many characters are truncated.
pub const MAX_QUERY_CHARS: usize = 100;

/// Shortest credit-code prefix that is searched as a prefix.
pub const MIN_CODE_PREFIX: usize = 6;

/// Largest `limit` honoured by [`EntityIndex::search`]; larger values are clamped.
pub const MAX_LIMIT: usize = 1_000;

/// Length of a unified social credit code (统一社会信用代码).
const CREDIT_CODE_LEN: usize = 18;

/// Longest accepted region prefix (region codes have 6 or 12 digits).
pub(crate) const MAX_REGION_PREFIX: usize = 12;

const F_CREDIT_CODE: &str = "credit_code";
const F_REGION_CODE: &str = "region_code";
const F_NAME: &str = "name";
const F_REGION_NAME: &str = "region_name";
const F_LEGAL_REP_NAME: &str = "legal_rep_name";

/// One market entity as indexed. `credit_code` is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityDoc {
    /// Unified social credit code; stored upper-cased.
    pub credit_code: String,
    /// Registered name, e.g. `浙江省建工集团有限责任公司`.
    pub name: String,
    /// Administrative division code, e.g. `330100`.
    pub region_code: String,
    /// Administrative division name, e.g. `浙江省杭州市`.
    pub region_name: String,
    /// Legal representative's name.
    pub legal_rep_name: String,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Credit code of the matching entity (upper case).
    pub credit_code: String,
    /// BM25 relevance; higher is better.
    pub score: f32,
}

/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed (index, writer or reader).
    #[error("search index failure: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A previous writer panicked while holding the lock; the index must be rebuilt.
    #[error("search index writer lock poisoned")]
    WriterPoisoned,
    /// The writer could not be reopened after merging segments; the index must be rebuilt.
    #[error("search index writer unavailable")]
    WriterUnavailable,
    /// Reading the index's files failed (only when measuring its size).
    #[error("search index read failure: {0}")]
    Io(String),
    /// A document without a credit code cannot be keyed.
    #[error("entity document has an empty credit code")]
    EmptyCreditCode,
    /// The region filter must be 1 to 12 ASCII digits.
    #[error("invalid region prefix {0:?}: expected 1 to 12 ASCII digits")]
    InvalidRegionPrefix(String),
}

/// Handle to the entity index; cheap to clone, shareable across threads.
#[derive(Clone)]
pub struct EntityIndex {
    inner: Arc<Inner>,
}

struct Inner {
    /// The index; its analyzer is the query analyzer's prototype, cloned per search because
    /// analyzing needs `&mut`.
    ram: RamIndex,
    fields: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    credit_code: Field,
    region_code: Field,
    name: Field,
    region_name: Field,
    legal_rep_name: Field,
}

impl Fields {
    fn text(&self) -> [Field; 3] {
        [self.name, self.region_name, self.legal_rep_name]
    }
}

impl std::fmt::Debug for EntityIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityIndex").field("docs", &self.len()).finish()
    }
}

impl EntityIndex {
    /// Creates an empty index in RAM.
    pub fn in_memory() -> Result<EntityIndex, SearchError> {
        let mut builder = Schema::builder();
        // Raw key: exact and prefix lookups, delete-by-term, and the fast column that
        // breaks score ties.
        let credit_code = builder.add_text_field(F_CREDIT_CODE, (STRING | STORED).set_fast("raw"));
        let region_code = builder.add_text_field(F_REGION_CODE, STRING);
        let text = ram::text_options();
        let name = builder.add_text_field(F_NAME, text.clone());
        let region_name = builder.add_text_field(F_REGION_NAME, text.clone());
        let legal_rep_name = builder.add_text_field(F_LEGAL_REP_NAME, text);
        Ok(EntityIndex {
            inner: Arc::new(Inner {
                ram: RamIndex::create(builder, ram::IndexOptions::default())?,
                fields: Fields { credit_code, region_code, name, region_name, legal_rep_name },
            }),
        })
    }

    /// Inserts or replaces the entity with this credit code; visible to the next search.
    pub fn upsert(&self, doc: &EntityDoc) -> Result<(), SearchError> {
        self.upsert_many(std::slice::from_ref(doc))
    }

    /// Inserts or replaces many entities in one commit (the startup rebuild). Within the
    /// batch a later document replaces an earlier one with the same credit code. Either
    /// the whole batch becomes visible or, on error, none of it.
    pub fn upsert_many(&self, docs: &[EntityDoc]) -> Result<(), SearchError> {
        let f = self.inner.fields;
        let prepared = docs
            .iter()
            .map(|d| {
                let code = normalize_code(&d.credit_code);
                if code.is_empty() {
                    return Err(SearchError::EmptyCreditCode);
                }
                let mut td = TantivyDocument::new();
                td.add_text(f.credit_code, &code);
                td.add_text(f.region_code, d.region_code.trim());
                td.add_text(f.name, &d.name);
                td.add_text(f.region_name, &d.region_name);
                td.add_text(f.legal_rep_name, &d.legal_rep_name);
                Ok((code, td))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.inner.ram.replace(f.credit_code, prepared)
    }

    /// Searches names, region names and legal representatives; see the crate docs.
    ///
    /// `region_prefix` keeps only entities whose region code starts with it (`"33"` =
    /// Zhejiang, `"3301"` = Hangzhou). Results are ordered by descending score, ties by
    /// ascending credit code. An empty query, or one without any word (only punctuation),
    /// returns no hits. `limit` is clamped to [`MAX_LIMIT`].
    pub fn search(
        &self,
        query: &str,
        region_prefix: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SearchHit>, SearchError> {
        let region_prefix = match region_prefix.map(str::trim) {
            None | Some("") => None,
            Some(p) if p.len() <= MAX_REGION_PREFIX && p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
            Some(p) => return Err(SearchError::InvalidRegionPrefix(p.to_owned())),
        };
        let limit = limit.min(MAX_LIMIT);
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let Some(matcher) = self.build_matcher(query.trim()).filter(|_| limit > 0) else {
            return Ok(Vec::new());
        };

        let query: Box<dyn Query> = match region_prefix {
            None => matcher,
            Some(prefix) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, matcher),
                (
                    Occur::Must,
                    // A pure filter: contributes 0 to the score.
                    Box::new(ConstScoreQuery::new(prefix_query(self.inner.fields.region_code, prefix), 0.0)),
                ),
            ])),
        };

        let collector = TopDocs::with_limit(limit)
            .order_by(((SortBySimilarityScore, Order::Desc), (SortByString::for_field(F_CREDIT_CODE), Order::Asc)));
        let searcher = self.inner.ram.reader.searcher();
        let top = searcher.search(&query, &collector)?;
        Ok(top
            .into_iter()
            .map(|((score, code), _addr)| SearchHit { credit_code: code.unwrap_or_default(), score })
            .collect())
    }

    /// Number of live (not replaced) documents visible to searches.
    pub fn len(&self) -> u64 {
        self.inner.ram.reader.searcher().num_docs()
    }

    /// True when no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Builds the matching part of the query, or `None` when nothing can match.
    fn build_matcher(&self, query: &str) -> Option<Box<dyn Query>> {
        let f = self.inner.fields;
        let mut analyzer = self.inner.ram.analyzer.clone();
        let words = essential_tokens(analyze(&mut analyzer, query));

        // Every word must occur, each in any of the text fields.
        let text: Option<Box<dyn Query>> = (!words.is_empty()).then(|| {
            let musts = words
                .iter()
                .map(|w| {
                    let per_field = f
                        .text()
                        .into_iter()
                        .map(|field| {
                            let term = Term::from_field_text(field, w);
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
                        })
                        .collect();
                    (Occur::Must, Box::new(BooleanQuery::union(per_field)) as Box<dyn Query>)
                })
                .collect();
            Box::new(BooleanQuery::new(musts)) as Box<dyn Query>
        });

        let code: Option<Box<dyn Query>> = code_like(query).map(|code| {
            let exact = TermQuery::new(Term::from_field_text(f.credit_code, &code), IndexRecordOption::Basic);
            if code.len() == CREDIT_CODE_LEN {
                Box::new(exact) as Box<dyn Query>
            } else {
                // A prefix matches with a constant score; an exact code (some test or
                // legacy codes are shorter than 18) scores on top of it.
                Box::new(BooleanQuery::union(vec![
                    Box::new(exact),
                    Box::new(ConstScoreQuery::new(prefix_query(f.credit_code, &code), 1.0)),
                ]))
            }
        });

        match (text, code) {
            (None, None) => None,
            (Some(q), None) | (None, Some(q)) => Some(q),
            (Some(t), Some(c)) => Some(Box::new(BooleanQuery::union(vec![t, c]))),
        }
    }
}

/// Trims and upper-cases a credit code (the letters of a code are upper case).
fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The normalised code if the whole query could be a credit code or a prefix of one.
fn code_like(query: &str) -> Option<String> {
    let q = query.trim();
    (q.len() >= MIN_CODE_PREFIX && q.len() <= CREDIT_CODE_LEN && q.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| normalize_code(q))
}

/// Terms of a raw field that start with `prefix`: the range `[prefix, prefix⁺)`, where
/// `prefix⁺` has its last character incremented. Callers pass non-empty ASCII
/// alphanumerics (validated region prefixes and code-like queries), so the increment stays
/// within ASCII; anything else matches nothing.
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    match prefix.char_indices().last() {
        Some((at, last)) if last.is_ascii_alphanumeric() => {
            let mut upper = prefix[..at].to_owned();
            upper.push(char::from(last as u8 + 1));
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_text(field, prefix)),
                Bound::Excluded(Term::from_field_text(field, &upper)),
            ))
        }
        _ => Box::new(EmptyQuery),
    }
}

/// Deduplicates query tokens and drops each token whose characters are all covered by
/// strictly shorter tokens.
///
/// jieba's search mode emits a long word together with its dictionary sub-words
/// (`工程建设` → `工程`, `建设`, `工程建设`). Requiring the long word too would miss a
/// name that contains the characters but was segmented differently
/// (`宁波市政工程建设集团` → `市政工程`, `建设`, …, no `工程建设`); the sub-words alone
/// occur in both.
fn essential_tokens(tokens: Vec<QueryToken>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in &tokens {
        let len = t.end - t.start;
        let covered =
            (t.start..t.end).all(|pos| tokens.iter().any(|s| s.end - s.start < len && s.start <= pos && pos < s.end));
        if !covered && !out.contains(&t.text) {
            out.push(t.text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod notice_tests;
