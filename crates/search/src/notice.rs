//! Chinese full-text index of published notices (公告), for the portal's search page.
//!
//! Same rules as the entity index: derived data in RAM, rebuilt from the database and kept
//! current by the caller, never the record; a hit is only a tender id to load from the store.
//! Text fields (title, lot names, region name, principal's name, body) are segmented with jieba in
//! search mode and every query word must match in one of them. The analysed query words are
//! returned with the hits so that the page can mark them in the text it shows.
//!
//! [`NoticeIndex::query`] adds what the portal's notice pages filter and count by: the trading
//! category, the region (a code prefix), the procurement or tendering method, the procedure's
//! status and the publication time; facets count the matches per category and per region. The
//! filters are exact terms of untokenized fields (scored 0, so they never change the ranking);
//! the facets are read from columnar fast fields, one counter per distinct value and segment.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByString};
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema};
use tantivy::{DocId, Order, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::analyzer::analyze;
use crate::ram::{self, IndexOptions, RamIndex};
use crate::{MAX_LIMIT, MAX_QUERY_CHARS, MAX_REGION_PREFIX, SearchError, essential_tokens, prefix_query};

const F_TENDER_ID: &str = "tender_id";
const F_REGION_CODE: &str = "region_code";
const F_TITLE: &str = "title";
const F_LOTS: &str = "lots";
const F_REGION_NAME: &str = "region_name";
const F_PRINCIPAL_NAME: &str = "principal_name";
const F_BODY: &str = "body";
const F_CATEGORY: &str = "category";
const F_METHOD: &str = "method";
const F_STATUS: &str = "status";
const F_PUBLISHED_MS: &str = "published_ms";

/// One published notice as indexed. `tender_id` is the key.
///
/// `category`, `method` and `status` are the API's identifiers (e.g. `construction`, `open`,
/// `bidding`); the index matches them exactly and does not check them, so a value it has never
/// seen simply matches nothing. An empty one is not indexed (no filter finds the notice by it,
/// no facet counts it).
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
    /// Trading category (交易类别), e.g. `construction`, `gov_procurement`, `land_use`,
    /// `state_property` (GLOSSARY `Category`).
    pub category: String,
    /// Tendering or procurement method (招标/采购方式), e.g. `open`, `invited`,
    /// `competitive_negotiation`; empty when unknown.
    pub method: String,
    /// Where the procedure stands, e.g. `bidding`, `opened`.
    pub status: String,
    /// When the notice was published, UTC ms; `None` before publication.
    pub published_ms: Option<i64>,
    /// The notice's text, searched like the title; `None` when there is none.
    pub body: Option<String>,
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
    /// The counts asked for with [`NoticeQuery::facets`]; `None` when not asked.
    pub facets: Option<NoticeFacets>,
}

/// A search of the notice index: the words and the filters that every hit must pass.
///
/// The words are required; an empty query (or one of punctuation only) finds nothing, whatever
/// the filters. Every filter is optional; an empty string is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeQuery {
    /// The words, as the visitor typed them; truncated to [`MAX_QUERY_CHARS`] characters.
    pub text: String,
    /// Only regions whose code starts with this (`"33"` = Zhejiang, `"3301"` = Hangzhou): 1 to
    /// 12 ASCII digits.
    pub region_prefix: Option<String>,
    /// Only this trading category.
    pub category: Option<String>,
    /// Only this tendering or procurement method.
    pub method: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only notices published at or after this instant, UTC ms.
    pub published_from_ms: Option<i64>,
    /// Only notices published before this instant, UTC ms.
    pub published_before_ms: Option<i64>,
    /// Most hits to return (clamped to [`MAX_LIMIT`]); 0 returns only the facets.
    pub limit: usize,
    /// Also count every match (not only the returned hits) per category and per region.
    pub facets: bool,
    /// Count regions by the first this many digits of their code (`2` = by province, `4` = by
    /// city); `None` or 0 counts by the full code.
    pub region_facet_digits: Option<usize>,
}

impl NoticeQuery {
    /// The words alone, no filter, no facets.
    pub fn new(text: &str, limit: usize) -> NoticeQuery {
        NoticeQuery { text: text.to_owned(), limit, ..NoticeQuery::default() }
    }
}

/// Counts of the matches of a query (after its filters), by category and by region.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeFacets {
    /// Every match, not only the hits returned.
    pub total: u64,
    /// Matches per category; most first, ties by value.
    pub categories: Vec<FacetCount>,
    /// Matches per region code (or its prefix, see [`NoticeQuery::region_facet_digits`]); most
    /// first, ties by value.
    pub regions: Vec<FacetCount>,
}

/// How many matches share one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The value (a category identifier, a region code or prefix).
    pub value: String,
    /// Matches with it.
    pub count: u64,
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
    body: Field,
    category: Field,
    method: Field,
    status: Field,
    published_ms: Field,
}

impl Fields {
    fn text(&self) -> [Field; 5] {
        [self.title, self.lots, self.region_name, self.principal_name, self.body]
    }
}

impl std::fmt::Debug for NoticeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeIndex").field("docs", &self.len()).finish()
    }
}

impl NoticeIndex {
    /// Creates an empty index in RAM with the default [`IndexOptions`].
    pub fn in_memory() -> Result<NoticeIndex, SearchError> {
        NoticeIndex::with_options(IndexOptions::default())
    }

    /// Creates an empty index in RAM that writes and searches as `options` say.
    pub fn with_options(options: IndexOptions) -> Result<NoticeIndex, SearchError> {
        let mut builder = Schema::builder();
        let tender_id = builder.add_text_field(F_TENDER_ID, (STRING | STORED).set_fast("raw"));
        // Fast (columnar) as well as indexed: the index filters by prefix, the column counts facets.
        let region_code = builder.add_text_field(F_REGION_CODE, STRING.set_fast("raw"));
        let text = ram::text_options();
        let title = builder.add_text_field(F_TITLE, text.clone());
        let lots = builder.add_text_field(F_LOTS, text.clone());
        let region_name = builder.add_text_field(F_REGION_NAME, text.clone());
        let principal_name = builder.add_text_field(F_PRINCIPAL_NAME, text.clone());
        let body = builder.add_text_field(F_BODY, text);
        let category = builder.add_text_field(F_CATEGORY, STRING.set_fast("raw"));
        let method = builder.add_text_field(F_METHOD, STRING);
        let status = builder.add_text_field(F_STATUS, STRING);
        let published_ms = builder.add_i64_field(F_PUBLISHED_MS, INDEXED | FAST);
        Ok(NoticeIndex {
            inner: Arc::new(Inner {
                ram: RamIndex::create(builder, options)?,
                fields: Fields {
                    tender_id,
                    region_code,
                    title,
                    lots,
                    region_name,
                    principal_name,
                    body,
                    category,
                    method,
                    status,
                    published_ms,
                },
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
            if let Some(body) = d.body.as_deref().filter(|b| !b.trim().is_empty()) {
                td.add_text(f.body, body);
            }
            // An empty value stays out of the index, so that facets never count a "" bucket.
            for (field, value) in [(f.category, &d.category), (f.method, &d.method), (f.status, &d.status)] {
                let value = value.trim();
                if !value.is_empty() {
                    td.add_text(field, value);
                }
            }
            if let Some(ms) = d.published_ms {
                td.add_i64(f.published_ms, ms);
            }
            prepared.push((id.to_owned(), td));
        }
        self.inner.ram.replace(f.tender_id, prepared)
    }

    /// Notices whose text contains every word of `query`, optionally only in regions whose
    /// code starts with `region_prefix`. An empty query (or one of punctuation only) finds
    /// nothing; `limit` is clamped to [`MAX_LIMIT`]. The same as [`NoticeIndex::query`] with
    /// only these three set.
    pub fn search(&self, query: &str, region_prefix: Option<&str>, limit: usize) -> Result<NoticeResults, SearchError> {
        self.query(&NoticeQuery { region_prefix: region_prefix.map(str::to_owned), ..NoticeQuery::new(query, limit) })
    }

    /// Notices whose text contains every word of `q.text` and that pass every filter of `q`,
    /// best first (ties by ascending tender id), with the facets if asked; see [`NoticeQuery`].
    pub fn query(&self, q: &NoticeQuery) -> Result<NoticeResults, SearchError> {
        let region_prefix = match q.region_prefix.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) if p.len() <= MAX_REGION_PREFIX && p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
            Some(p) => return Err(SearchError::InvalidRegionPrefix(p.to_owned())),
        };
        let text: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let mut analyzer = self.inner.ram.analyzer.clone();
        let words = essential_tokens(analyze(&mut analyzer, text.trim()));
        let limit = q.limit.min(MAX_LIMIT);
        if words.is_empty() || (limit == 0 && !q.facets) {
            return Ok(NoticeResults { hits: Vec::new(), words, facets: q.facets.then(NoticeFacets::default) });
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
        // Filters score 0: they narrow the matches and never change the ranking.
        let mut filter = |query: Box<dyn Query>| musts.push((Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0))));
        if let Some(prefix) = region_prefix {
            filter(prefix_query(f.region_code, prefix));
        }
        for (field, value) in [(f.category, &q.category), (f.method, &q.method), (f.status, &q.status)] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                filter(Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic)));
            }
        }
        if q.published_from_ms.is_some() || q.published_before_ms.is_some() {
            let bound = |ms: Option<i64>, make: fn(Term) -> Bound<Term>| {
                ms.map_or(Bound::Unbounded, |ms| make(Term::from_field_i64(f.published_ms, ms)))
            };
            filter(Box::new(RangeQuery::new(
                bound(q.published_from_ms, Bound::Included),
                bound(q.published_before_ms, Bound::Excluded),
            )));
        }
        let query = BooleanQuery::new(musts);

        let top = (limit > 0).then(|| {
            TopDocs::with_limit(limit)
                .order_by(((SortBySimilarityScore, Order::Desc), (SortByString::for_field(F_TENDER_ID), Order::Asc)))
        });
        let counter = q.facets.then_some(FacetCollector { region_digits: q.region_facet_digits.filter(|&d| d > 0) });
        let (top, facets) = self.inner.ram.reader.searcher().search(&query, &(top, counter))?;
        let hits = top
            .unwrap_or_default()
            .into_iter()
            .map(|((score, id), _addr)| NoticeHit { tender_id: id.unwrap_or_default(), score })
            .collect();
        Ok(NoticeResults { hits, words, facets })
    }

    /// Number of notices visible to searches.
    pub fn len(&self) -> u64 {
        self.inner.ram.reader.searcher().num_docs()
    }

    /// True when no notice is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Merges the index into one segment once the background merges are done (see
    /// [`IndexOptions::writer_heap_bytes`]); worth it after a bulk rebuild, when the index holds
    /// many segments: a search then reads one posting list per term. Writes wait meanwhile.
    pub fn merge_segments(&self) -> Result<(), SearchError> {
        self.inner.ram.merge_segments()
    }

    /// Bytes the index takes in RAM: postings, term dictionaries, columns and stored ids (the
    /// same files an index on disk would write).
    pub fn size_bytes(&self) -> Result<u64, SearchError> {
        self.inner.ram.size_bytes()
    }

    /// Segments searched.
    pub fn segments(&self) -> usize {
        self.inner.ram.segments()
    }
}

/// Counts the matches per category and per region from the fast-field columns: per segment one
/// counter per distinct value (its term ordinal), turned into strings once at the end.
struct FacetCollector {
    region_digits: Option<usize>,
}

/// A column of ordinals and the dictionary that names them.
struct OrdCounts {
    column: StrColumn,
    ords: Column<u64>,
    counts: Vec<u64>,
}

impl OrdCounts {
    fn open(segment: &SegmentReader, field: &str) -> tantivy::Result<Option<OrdCounts>> {
        Ok(segment.fast_fields().str(field)?.map(|column| {
            let ords = column.ords().clone();
            let counts = vec![0; column.num_terms()];
            OrdCounts { column, ords, counts }
        }))
    }

    #[inline]
    fn count(&mut self, doc: DocId) {
        if let Some(slot) = self.ords.first(doc).and_then(|ord| self.counts.get_mut(usize::try_from(ord).ok()?)) {
            *slot += 1;
        }
    }

    /// Adds the non-zero counts to `into`, by value (cut to `digits` characters if given).
    fn resolve(self, digits: Option<usize>, into: &mut BTreeMap<String, u64>) -> tantivy::Result<()> {
        let (ords, counts): (Vec<u64>, Vec<u64>) =
            self.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(ord, c)| (ord as u64, *c)).unzip();
        // One pass over the dictionary for all the ordinals, in order: looking each up on its own
        // decodes its dictionary block from the start every time, which for a few thousand region
        // codes cost more than counting a million matches.
        let mut counts = counts.into_iter();
        self.column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            let count = counts.next().unwrap_or(0);
            let value = String::from_utf8_lossy(bytes);
            let key = match digits {
                Some(d) => value.chars().take(d).collect(),
                None => value.into_owned(),
            };
            *into.entry(key).or_default() += count;
        })?;
        Ok(())
    }
}

/// What one segment counted.
struct SegmentFacets {
    total: u64,
    categories: Option<OrdCounts>,
    regions: Option<OrdCounts>,
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        if let Some(c) = self.categories.as_mut() {
            c.count(doc);
        }
        if let Some(r) = self.regions.as_mut() {
            r.count(doc);
        }
    }

    fn harvest(self) -> SegmentFacets {
        self
    }
}

impl Collector for FacetCollector {
    type Fruit = NoticeFacets;
    type Child = SegmentFacets;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        Ok(SegmentFacets {
            total: 0,
            categories: OrdCounts::open(reader, F_CATEGORY)?,
            regions: OrdCounts::open(reader, F_REGION_CODE)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentFacets>) -> tantivy::Result<NoticeFacets> {
        let mut total = 0;
        let (mut categories, mut regions) = (BTreeMap::new(), BTreeMap::new());
        for s in segments {
            total += s.total;
            if let Some(c) = s.categories {
                c.resolve(None, &mut categories)?;
            }
            if let Some(r) = s.regions {
                r.resolve(self.region_digits, &mut regions)?;
            }
        }
        Ok(NoticeFacets { total, categories: ranked(categories), regions: ranked(regions) })
    }
}

/// Most first, ties by value (the map's order, kept by the stable sort).
fn ranked(counts: BTreeMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
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
            category: "construction".to_owned(),
            method: "open".to_owned(),
            status: "bidding".to_owned(),
            published_ms: None,
            body: None,
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
