//! Tests of the notice index's filters and facets on six notices of four trading categories in
//! two provinces, with exact expected counts.

use super::*;

struct Row {
    id: &'static str,
    title: &'static str,
    region_code: &'static str,
    region_name: &'static str,
    principal: &'static str,
    category: &'static str,
    method: &'static str,
    status: &'static str,
    published_ms: Option<i64>,
    body: Option<&'static str>,
}

const ROWS: [Row; 6] = [
    Row {
        id: "n1",
        title: "杭州市文三路综合管廊工程施工",
        region_code: "330106",
        region_name: "浙江省杭州市西湖区",
        principal: "杭州市城市建设投资集团有限公司",
        category: "construction",
        method: "open",
        status: "bidding",
        published_ms: Some(1_000),
        body: Some("本项目为综合管廊工程，计划工期三百六十五日历天。"),
    },
    Row {
        id: "n2",
        title: "杭州市第一人民医院医疗设备采购",
        region_code: "330102",
        region_name: "浙江省杭州市上城区",
        principal: "杭州市第一人民医院",
        category: "gov_procurement",
        method: "competitive_negotiation",
        status: "bidding",
        published_ms: Some(2_000),
        body: Some("采购内容：医疗设备一批，含彩色超声诊断仪两台。"),
    },
    Row {
        id: "n3",
        title: "宁波市轨道交通5号线车站装修工程",
        region_code: "330203",
        region_name: "浙江省宁波市江北区",
        principal: "宁波市轨道交通集团有限公司",
        category: "construction",
        method: "open",
        status: "opened",
        published_ms: Some(3_000),
        body: None,
    },
    Row {
        id: "n4",
        title: "宁波市北仑区国有建设用地使用权挂牌出让",
        region_code: "330206",
        region_name: "浙江省宁波市北仑区",
        principal: "宁波市自然资源和规划局",
        category: "land_use",
        method: "listing",
        status: "bidding",
        published_ms: Some(4_000),
        body: Some("出让宗地位于北仑区，用途为工业用地。"),
    },
    Row {
        id: "n5",
        title: "南京市市政道路养护服务采购",
        region_code: "320104",
        region_name: "江苏省南京市秦淮区",
        principal: "南京市秦淮区城市管理局",
        category: "gov_procurement",
        method: "open",
        status: "opened",
        published_ms: Some(5_000),
        body: Some("服务内容为市政道路日常养护。"),
    },
    Row {
        id: "n6",
        title: "浙江省交通投资集团所持股权转让",
        region_code: "330100",
        region_name: "浙江省杭州市",
        principal: "浙江省交通投资集团有限公司",
        category: "state_property",
        method: "",
        status: "bidding",
        published_ms: None,
        body: Some("转让标的为某公司百分之三十股权。"),
    },
];

fn doc(r: &Row) -> NoticeDoc {
    NoticeDoc {
        tender_id: r.id.to_owned(),
        title: r.title.to_owned(),
        lot_names: Vec::new(),
        region_code: r.region_code.to_owned(),
        region_name: r.region_name.to_owned(),
        principal_name: r.principal.to_owned(),
        category: r.category.to_owned(),
        method: r.method.to_owned(),
        status: r.status.to_owned(),
        published_ms: r.published_ms,
        body: r.body.map(str::to_owned),
    }
}

fn index() -> NoticeIndex {
    let ix = NoticeIndex::in_memory().expect("create index");
    ix.upsert_many(&ROWS.iter().map(doc).collect::<Vec<_>>()).expect("upsert");
    ix
}

fn ids(ix: &NoticeIndex, q: &NoticeQuery) -> Vec<String> {
    let mut ids: Vec<String> = ix.query(q).expect("query").hits.into_iter().map(|h| h.tender_id).collect();
    ids.sort();
    ids
}

fn q(text: &str) -> NoticeQuery {
    NoticeQuery::new(text, 100)
}

fn counts(items: &[FacetCount]) -> Vec<(&str, u64)> {
    items.iter().map(|c| (c.value.as_str(), c.count)).collect()
}

fn facets(ix: &NoticeIndex, q: NoticeQuery) -> NoticeFacets {
    ix.query(&NoticeQuery { facets: true, ..q }).expect("query").facets.expect("facets asked")
}

#[test]
fn body_is_searched() {
    let ix = index();
    assert_eq!(ids(&ix, &q("超声")), ["n2"]);
    assert_eq!(ids(&ix, &q("工业用地")), ["n4"]);
    assert_eq!(ids(&ix, &q("工期")), ["n1"]);
    // Title and body together: every word somewhere.
    assert_eq!(ids(&ix, &q("医院 超声")), ["n2"]);
    assert!(ids(&ix, &q("宁波 超声")).is_empty());
}

#[test]
fn category_filter() {
    let ix = index();
    assert_eq!(ids(&ix, &q("杭州")), ["n1", "n2", "n6"]);
    let by = |category: &str| ids(&ix, &NoticeQuery { category: Some(category.to_owned()), ..q("杭州") });
    assert_eq!(by("construction"), ["n1"]);
    assert_eq!(by("gov_procurement"), ["n2"]);
    assert_eq!(by("state_property"), ["n6"]);
    assert!(by("mining_rights").is_empty());
    // An empty filter is no filter.
    assert_eq!(by(" ").len(), 3);
}

#[test]
fn region_method_and_status_filters() {
    let ix = index();
    assert_eq!(ids(&ix, &q("浙江")).len(), 5);
    let region = |p: &str| ids(&ix, &NoticeQuery { region_prefix: Some(p.to_owned()), ..q("浙江") });
    assert_eq!(region("3302"), ["n3", "n4"]);
    assert_eq!(region("3301"), ["n1", "n2", "n6"]);
    assert_eq!(region("330106"), ["n1"]);
    assert!(region("32").is_empty());
    assert!(matches!(
        ix.query(&NoticeQuery { region_prefix: Some("33a".to_owned()), ..q("浙江") }),
        Err(SearchError::InvalidRegionPrefix(_))
    ));

    let method = |m: &str| ids(&ix, &NoticeQuery { method: Some(m.to_owned()), ..q("浙江") });
    assert_eq!(method("open"), ["n1", "n3"]);
    assert_eq!(method("listing"), ["n4"]);
    assert!(method("invited").is_empty());

    let status = |s: &str| ids(&ix, &NoticeQuery { status: Some(s.to_owned()), ..q("浙江") });
    assert_eq!(status("opened"), ["n3"]);
    assert_eq!(status("bidding"), ["n1", "n2", "n4", "n6"]);

    // All filters at once.
    let all = NoticeQuery {
        region_prefix: Some("3302".to_owned()),
        category: Some("construction".to_owned()),
        method: Some("open".to_owned()),
        status: Some("opened".to_owned()),
        ..q("浙江")
    };
    assert_eq!(ids(&ix, &all), ["n3"]);
}

#[test]
fn publication_time_filter_is_half_open() {
    let ix = index();
    let range = |from: Option<i64>, before: Option<i64>| {
        ids(&ix, &NoticeQuery { published_from_ms: from, published_before_ms: before, ..q("浙江") })
    };
    assert_eq!(range(Some(2_000), Some(4_000)), ["n2", "n3"]);
    // n6 has no publication time: any time filter leaves it out.
    assert_eq!(range(Some(4_000), None), ["n4"]);
    assert_eq!(range(None, Some(1_001)), ["n1"]);
    assert!(range(Some(4_000), Some(4_000)).is_empty());
}

#[test]
fn filters_do_not_change_scores() {
    let ix = index();
    let all = ix.query(&q("浙江")).expect("query");
    let filtered = ix.query(&NoticeQuery { category: Some("construction".to_owned()), ..q("浙江") }).expect("query");
    assert_eq!(filtered.hits.len(), 2);
    for hit in &filtered.hits {
        let same = all.hits.iter().find(|h| h.tender_id == hit.tender_id).expect("also unfiltered");
        assert_eq!(same.score, hit.score);
    }
}

#[test]
fn facets_count_every_match_by_category_and_region() {
    let ix = index();
    let f = facets(&ix, q("浙江"));
    assert_eq!(f.total, 5);
    assert_eq!(
        counts(&f.categories),
        [("construction", 2), ("gov_procurement", 1), ("land_use", 1), ("state_property", 1)]
    );
    assert_eq!(counts(&f.regions), [("330100", 1), ("330102", 1), ("330106", 1), ("330203", 1), ("330206", 1)]);

    let by_city = facets(&ix, NoticeQuery { region_facet_digits: Some(4), ..q("浙江") });
    assert_eq!(counts(&by_city.regions), [("3301", 3), ("3302", 2)]);
    let by_province = facets(&ix, NoticeQuery { region_facet_digits: Some(2), ..q("采购") });
    assert_eq!(by_province.total, 2);
    assert_eq!(counts(&by_province.regions), [("32", 1), ("33", 1)]);
    assert_eq!(counts(&by_province.categories), [("gov_procurement", 2)]);
}

#[test]
fn facets_count_after_the_filters_and_beyond_the_limit() {
    let ix = index();
    let f = facets(
        &ix,
        NoticeQuery { category: Some("construction".to_owned()), region_facet_digits: Some(4), ..q("浙江") },
    );
    assert_eq!(f.total, 2);
    assert_eq!(counts(&f.categories), [("construction", 2)]);
    assert_eq!(counts(&f.regions), [("3301", 1), ("3302", 1)]);

    // One hit returned, all five counted.
    let one = ix.query(&NoticeQuery { limit: 1, facets: true, ..q("浙江") }).expect("query");
    assert_eq!(one.hits.len(), 1);
    assert_eq!(one.facets.map(|f| f.total), Some(5));
    // Limit 0: the facets alone.
    let none = ix.query(&NoticeQuery { limit: 0, facets: true, ..q("浙江") }).expect("query");
    assert!(none.hits.is_empty());
    assert_eq!(none.facets.map(|f| f.total), Some(5));
    // Facets not asked: none computed.
    assert_eq!(ix.query(&q("浙江")).expect("query").facets, None);
    // No words: nothing matches, the facets are empty.
    assert_eq!(facets(&ix, q("，。")), NoticeFacets::default());
}

#[test]
fn empty_method_is_neither_filtered_nor_counted() {
    let ix = index();
    // n6 has no method: it matches no method filter.
    assert_eq!(ids(&ix, &NoticeQuery { method: Some(String::new()), ..q("股权") }), ["n6"]);
    assert!(ids(&ix, &NoticeQuery { method: Some("open".to_owned()), ..q("股权") }).is_empty());
}

#[test]
fn replacing_a_notice_moves_it_between_filters_and_facets() {
    let ix = index();
    let mut failed = doc(&ROWS[2]);
    failed.status = "failed".to_owned();
    failed.category = "gov_procurement".to_owned();
    ix.upsert_many(&[failed]).expect("replace");
    assert_eq!(ix.len(), 6);
    assert!(ids(&ix, &NoticeQuery { status: Some("opened".to_owned()), ..q("浙江") }).is_empty());
    assert_eq!(ids(&ix, &NoticeQuery { status: Some("failed".to_owned()), ..q("浙江") }), ["n3"]);
    let f = facets(&ix, q("浙江"));
    assert_eq!(f.total, 5);
    assert_eq!(
        counts(&f.categories),
        [("gov_procurement", 2), ("construction", 1), ("land_use", 1), ("state_property", 1)]
    );
}

#[test]
fn many_segments_count_like_one_and_merge_into_one() {
    let bulk = index();
    let one_by_one = NoticeIndex::in_memory().expect("create index");
    for r in ROWS.iter().rev() {
        one_by_one.upsert_many(&[doc(r)]).expect("upsert");
    }
    assert!(one_by_one.segments() > 1);
    let queries = [
        NoticeQuery { region_facet_digits: Some(4), ..q("浙江") },
        NoticeQuery { status: Some("bidding".to_owned()), ..q("浙江") },
        q("采购"),
        q("工程"),
    ];
    for query in &queries {
        assert_eq!(facets(&bulk, query.clone()), facets(&one_by_one, query.clone()), "{query:?}");
        assert_eq!(ids(&bulk, query), ids(&one_by_one, query), "{query:?}");
    }
    one_by_one.merge_segments().expect("merge");
    assert_eq!(one_by_one.segments(), 1);
    assert_eq!(one_by_one.len(), 6);
    assert!(one_by_one.size_bytes().expect("size") > 0);
    for query in &queries {
        assert_eq!(facets(&bulk, query.clone()), facets(&one_by_one, query.clone()), "{query:?}");
    }
    // The writer still works after the merge.
    let mut renamed = doc(&ROWS[0]);
    renamed.title = "杭州市文三路人行天桥工程".to_owned();
    one_by_one.upsert_many(&[renamed]).expect("upsert after merge");
    assert_eq!(ids(&one_by_one, &q("天桥")), ["n1"]);
    assert_eq!(one_by_one.len(), 6);
}

#[test]
fn options_with_more_threads_index_the_same() {
    let ix = NoticeIndex::with_options(IndexOptions { writer_threads: 2, writer_heap_bytes: 0, search_threads: 2 })
        .expect("create index");
    ix.upsert_many(&ROWS.iter().map(doc).collect::<Vec<_>>()).expect("upsert");
    assert_eq!(facets(&ix, q("浙江")), facets(&index(), q("浙江")));
}
