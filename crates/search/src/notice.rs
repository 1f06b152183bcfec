//! Chinese full-text index of published notices (公告), for the portal's search page.
//!
//! Same rules as the entity index: derived data in RAM, rebuilt from the database and kept
//! current by the caller, never the record; a hit is only a tender id to load from the store.
//! Text fields (title, lot names, region name, principal's name) are segmented with jieba in
//! search mode and every query word must match in one of them. The analysed query words are
//! returned with the hits so that the page can mark them in the text it shows.

use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByString};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema};
use tantivy::{Order, TantivyDocument, Term};

use crate::analyzer::analyze;
use crate::ram::{self, RamIndex};
use crate::{MAX_LIMIT, MAX_QUERY_CHARS, SearchError, essential_tokens, prefix_query};

const F_TENDER_ID: &str = "tender_id";
const F_REGION_CODE: &str = "region_code";
const F_TITLE: &str = "title";
const F_LOTS: &str = "lots";
const F_REGION_NAME: &str = "region_name";
const F_PRINCIPAL_NAME: &str = "principal_name";

/// One published notice as indexed. `tender_id` is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDoc {
    /// The tender the notice belongs to.
    pub tender_id: String,
    /// Project title, e.g. `杭州市文三路综合管廊工程施工`.
    pub title: String,
    /// Lot names, in order.
    pub lot_names: Vec<String>,
    /// Region code of the platform running it, e.g. `330100`.
    pub region_code: String,
    /// Region name, e.g. `浙江省杭州市`.
    pub region_name: String,
    /// The principal's registered name.
    pub principal_name: String,
}

/// One matching notice.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeHit {
    /// Tender id.
    pub tender_id: String,
    /// BM25 relevance; higher is better.
    pub score: f32,
}

/// The hits of a query and the words they were matched on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoticeResults {
    /// Best first; ties by ascending tender id.
    pub hits: Vec<NoticeHit>,
    /// The query's essential words (lower case), each required in some field.
    pub words: Vec<String>,
}

/// Handle to the notice index; cheap to clone, shareable across threads.
#[derive(Clone)]
pub struct NoticeIndex {
    inner: Arc<Inner>,
}

struct Inner {
    ram: RamIndex,
    fields: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    tender_id: Field,
    region_code: Field,
    title: Field,
    lots: Field,
    region_name: Field,
    principal_name: Field,
}

impl Fields {
    fn text(&self) -> [Field; 4] {
        [self.title, self.lots, self.region_name, self.principal_name]
    }
}

impl std::fmt::Debug for NoticeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeIndex").field("docs", &self.len()).finish()
    }
}

impl NoticeIndex {
    /// Creates an empty index in RAM.
    pub fn in_memory() -> Result<NoticeIndex, SearchError> {
        let mut builder = Schema::builder();
        let tender_id = builder.add_text_field(F_TENDER_ID, (STRING | STORED).set_fast("raw"));
        let region_code = builder.add_text_field(F_REGION_CODE, STRING);
        let text = ram::text_options();
        let title = builder.add_text_field(F_TITLE, text.clone());
        let lots = builder.add_text_field(F_LOTS, text.clone());
        let region_name = builder.add_text_field(F_REGION_NAME, text.clone());
        let principal_name = builder.add_text_field(F_PRINCIPAL_NAME, text);
        Ok(NoticeIndex {
            inner: Arc::new(Inner {
                ram: RamIndex::create(builder)?,
                fields: Fields { tender_id, region_code, title, lots, region_name, principal_name },
            }),
        })
    }

    /// Inserts or replaces notices in one commit; all of them become visible, or none.
    pub fn upsert_many(&self, docs: &[NoticeDoc]) -> Result<(), SearchError> {
        let f = self.inner.fields;
        let mut prepared = Vec::with_capacity(docs.len());
        for d in docs {
            let id = d.tender_id.trim();
            if id.is_empty() {
                // Tender ids are never empty; a doc without one could never be replaced, so skip it.
                continue;
            }
            let mut td = TantivyDocument::new();
            td.add_text(f.tender_id, id);
            td.add_text(f.region_code, d.region_code.trim());
            td.add_text(f.title, &d.title);
            td.add_text(f.lots, d.lot_names.join(" "));
            td.add_text(f.region_name, &d.region_name);
            td.add_text(f.principal_name, &d.principal_name);
            prepared.push((id.to_owned(), td));
        }
        self.inner.ram.replace(f.tender_id, prepared)
    }

    /// Notices whose text contains every word of `query`, optionally only in regions whose
    /// code starts with `region_prefix`. An empty query (or one of punctuation only) finds
    /// nothing; `limit` is clamped to [`MAX_LIMIT`].
    pub fn search(&self, query: &str, region_prefix: Option<&str>, limit: usize) -> Result<NoticeResults, SearchError> {
        let region_prefix = match region_prefix.map(str::trim) {
            None | Some("") => None,
            Some(p) if p.len() <= 12 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
            Some(p) => return Err(SearchError::InvalidRegionPrefix(p.to_owned())),
        };
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let mut analyzer = self.inner.ram.analyzer.clone();
        let words = essential_tokens(analyze(&mut analyzer, query.trim()));
        let limit = limit.min(MAX_LIMIT);
        if words.is_empty() || limit == 0 {
            return Ok(NoticeResults { hits: Vec::new(), words });
        }
        let f = self.inner.fields;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let per_field = f
                    .text()
                    .into_iter()
                    .map(|field| {
                        Box::new(TermQuery::new(Term::from_field_text(field, w), IndexRecordOption::WithFreqs))
                            as Box<dyn Query>
                    })
                    .collect();
                (Occur::Must, Box::new(BooleanQuery::union(per_field)) as Box<dyn Query>)
            })
            .collect();
        if let Some(prefix) = region_prefix {
            musts.push((Occur::Must, Box::new(ConstScoreQuery::new(prefix_query(f.region_code, prefix), 0.0))));
        }
        let query = BooleanQuery::new(musts);
        let collector = TopDocs::with_limit(limit)
            .order_by(((SortBySimilarityScore, Order::Desc), (SortByString::for_field(F_TENDER_ID), Order::Asc)));
        let top = self.inner.ram.reader.searcher().search(&query, &collector)?;
        let hits = top
            .into_iter()
            .map(|((score, id), _addr)| NoticeHit { tender_id: id.unwrap_or_default(), score })
            .collect();
        Ok(NoticeResults { hits, words })
    }

    /// Number of notices visible to searches.
    pub fn len(&self) -> u64 {
        self.inner.ram.reader.searcher().num_docs()
    }

    /// True when no notice is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str, region_code: &str, region_name: &str) -> NoticeDoc {
        NoticeDoc {
            tender_id: id.to_owned(),
            title: title.to_owned(),
            lot_names: vec!["施工".to_owned()],
            region_code: region_code.to_owned(),
            region_name: region_name.to_owned(),
            principal_name: "杭州市城市建设投资集团有限公司".to_owned(),
        }
    }

    fn ids(results: &NoticeResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.tender_id.as_str()).collect()
    }

    #[test]
    fn every_word_must_match_and_a_replaced_notice_is_found_by_its_new_title() {
        let ix = NoticeIndex::in_memory().expect("index");
        ix.upsert_many(&[
            doc("t-a", "杭州市文三路综合管廊工程施工", "330100", "浙江省杭州市"),
            doc("t-b", "宁波市轨道交通5号线二期车站装修工程", "330200", "浙江省宁波市"),
        ])
        .expect("upsert");
        let found = ix.search("综合管廊", None, 10).expect("search");
        assert_eq!(ids(&found), ["t-a"]);
        assert!(found.words.iter().any(|w| w == "管廊"), "{:?}", found.words);
        assert_eq!(ids(&ix.search("宁波 装修", None, 10).expect("search")), ["t-b"]);
        assert!(ix.search("宁波 管廊", None, 10).expect("search").hits.is_empty());
        assert_eq!(ids(&ix.search("工程", Some("3302"), 10).expect("search")), ["t-b"]);
        assert!(ix.search("，。", None, 10).expect("search").hits.is_empty());
        assert!(ix.search("工程", Some("33x"), 10).is_err());

        ix.upsert_many(&[doc("t-a", "杭州市文三路人行天桥工程", "330100", "浙江省杭州市")]).expect("replace");
        assert_eq!(ix.len(), 2);
        assert!(ix.search("综合管廊", None, 10).expect("search").hits.is_empty());
        assert_eq!(ids(&ix.search("天桥", None, 10).expect("search")), ["t-a"]);
    }
}
