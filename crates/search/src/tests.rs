//! Tests of the entity index on a handful of realistic entities.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use super::*;

// Credit codes are made up (format-shaped, check digits not computed).
const HZ_CTJT: &str = "91330100MA27XA1B2C"; // 杭州市城市建设投资集团
const ZJ_JG: &str = "91330000142912345K"; // 浙江省建工集团
const ZJ_BJ: &str = "91310000132212345A"; // 中国建筑第八工程局
const QS_JL: &str = "91330106704211111P"; // 浙江求是工程咨询监理
const NB_SZ: &str = "91330200144071234Q"; // 宁波市政工程建设集团
const BJ_CJ: &str = "91110000101123456B"; // 北京城建集团
const HZ_XH: &str = "91330108MA2H123456"; // 杭州西湖建设工程
const ZJ_JT: &str = "91330000MA28ABCDE1"; // 浙江省交通投资集团

fn doc(code: &str, name: &str, region_code: &str, region_name: &str, rep: &str) -> EntityDoc {
    EntityDoc {
        credit_code: code.to_owned(),
        name: name.to_owned(),
        region_code: region_code.to_owned(),
        region_name: region_name.to_owned(),
        legal_rep_name: rep.to_owned(),
    }
}

fn entities() -> Vec<EntityDoc> {
    vec![
        doc(HZ_CTJT, "杭州市城市建设投资集团有限公司", "330100", "浙江省杭州市", "张三"),
        doc(ZJ_JG, "浙江省建工集团有限责任公司", "330000", "浙江省", "李四"),
        doc(ZJ_BJ, "中国建筑第八工程局有限公司", "310000", "上海市", "王五"),
        doc(QS_JL, "浙江求是工程咨询监理有限公司", "330106", "浙江省杭州市西湖区", "赵六"),
        doc(NB_SZ, "宁波市政工程建设集团股份有限公司", "330200", "浙江省宁波市", "孙立"),
        doc(BJ_CJ, "北京城建集团有限责任公司", "110000", "北京市", "周强"),
        doc(HZ_XH, "杭州西湖建设工程有限公司", "330106", "浙江省杭州市西湖区", "欧阳明"),
        doc(ZJ_JT, "浙江省交通投资集团有限公司", "330000", "浙江省", "吴敏"),
    ]
}

fn index() -> EntityIndex {
    let ix = EntityIndex::in_memory().expect("create index");
    ix.upsert_many(&entities()).expect("bulk upsert");
    ix
}

fn codes(ix: &EntityIndex, q: &str, region: Option<&str>) -> Vec<String> {
    ix.search(q, region, 100).expect("search").into_iter().map(|h| h.credit_code).collect()
}

fn code_set(ix: &EntityIndex, q: &str, region: Option<&str>) -> BTreeSet<String> {
    codes(ix, q, region).into_iter().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn handle_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<EntityIndex>();
}

#[test]
fn len_counts_live_documents() {
    let ix = EntityIndex::in_memory().expect("create index");
    assert!(ix.is_empty());
    assert_eq!(ix.len(), 0);
    ix.upsert_many(&entities()).expect("bulk upsert");
    assert_eq!(ix.len(), 8);
    assert!(!ix.is_empty());
    // Re-indexing the same entities replaces them.
    ix.upsert_many(&entities()).expect("bulk upsert again");
    assert_eq!(ix.len(), 8);
}

#[test]
fn word_in_name_finds_every_entity_containing_it() {
    let ix = index();
    assert_eq!(code_set(&ix, "建设", None), set(&[HZ_CTJT, NB_SZ, HZ_XH]));
}

#[test]
fn all_words_must_match() {
    let ix = index();
    // 杭州 occurs in names and region names; only two Hangzhou entities also have 建设.
    assert_eq!(code_set(&ix, "杭州 建设", None), set(&[HZ_CTJT, HZ_XH]));
    assert_eq!(code_set(&ix, "  杭州，建设！ ", None), set(&[HZ_CTJT, HZ_XH]));
    assert_eq!(code_set(&ix, "宁波 建设", None), set(&[NB_SZ]));
    assert!(codes(&ix, "北京 建设", None).is_empty());
}

#[test]
fn multi_token_words_are_not_phrase_queries() {
    let ix = index();
    assert_eq!(code_set(&ix, "建设集团", None), set(&[HZ_CTJT, NB_SZ]));
    // 宁波市政工程建设 holds the characters 工程建设, but jieba segments it 市政工程/建设;
    // a phrase query or a required whole-word token `工程建设` would miss it. Words match
    // in any order: 杭州西湖建设工程 has both.
    assert_eq!(code_set(&ix, "工程建设", None), set(&[NB_SZ, HZ_XH]));
    assert_eq!(code_set(&ix, "城市建设投资", None), set(&[HZ_CTJT]));
}

#[test]
fn short_and_combined_names() {
    let ix = index();
    assert_eq!(code_set(&ix, "建工", None), set(&[ZJ_JG]));
    assert_eq!(code_set(&ix, "浙江建工", None), set(&[ZJ_JG]));
    assert_eq!(code_set(&ix, "城建", None), set(&[BJ_CJ]));
    assert_eq!(code_set(&ix, "监理", None), set(&[QS_JL]));
    assert_eq!(codes(&ix, "中国建筑", None), [ZJ_BJ]);
}

#[test]
fn legal_representative_is_searchable() {
    let ix = index();
    assert_eq!(codes(&ix, "张三", None), [HZ_CTJT]);
    assert_eq!(codes(&ix, "欧阳明", None), [HZ_XH]);
    assert_eq!(codes(&ix, "李四 建工", None), [ZJ_JG]);
}

#[test]
fn full_credit_code_finds_exactly_its_entity_case_insensitively() {
    let ix = index();
    assert_eq!(codes(&ix, HZ_CTJT, None), [HZ_CTJT]);
    assert_eq!(codes(&ix, &HZ_CTJT.to_lowercase(), None), [HZ_CTJT]);
    assert_eq!(codes(&ix, &format!("  {ZJ_JT}  "), None), [ZJ_JT]);
    // One character off: no hit.
    assert!(codes(&ix, "91330100MA27XA1B2D", None).is_empty());
}

#[test]
fn credit_code_prefix_of_six_or_more_characters() {
    let ix = index();
    assert_eq!(code_set(&ix, "913301", None), set(&[HZ_CTJT, QS_JL, HZ_XH]));
    assert_eq!(codes(&ix, "91330100", None), [HZ_CTJT]);
    assert_eq!(codes(&ix, "91330100ma27", None), [HZ_CTJT]);
    // Five characters are not treated as a prefix.
    assert!(codes(&ix, "91330", None).is_empty());
}

#[test]
fn codes_are_stored_upper_case() {
    let ix = EntityIndex::in_memory().expect("create index");
    let mut d = entities().remove(0);
    d.credit_code = format!(" {} ", HZ_CTJT.to_lowercase());
    ix.upsert(&d).expect("upsert");
    assert_eq!(codes(&ix, HZ_CTJT, None), [HZ_CTJT]);
}

#[test]
fn region_prefix_filters() {
    let ix = index();
    assert_eq!(code_set(&ix, "建设", Some("33")), set(&[HZ_CTJT, NB_SZ, HZ_XH]));
    assert_eq!(code_set(&ix, "建设", Some("3301")), set(&[HZ_CTJT, HZ_XH]));
    assert_eq!(codes(&ix, "建设", Some("3302")), [NB_SZ]);
    assert_eq!(codes(&ix, "集团", Some("11")), [BJ_CJ]);
    assert!(codes(&ix, "建设", Some("11")).is_empty());
    assert_eq!(codes(&ix, "有限", Some("330106")).len(), 2);
    // An empty prefix is no filter.
    assert_eq!(codes(&ix, "建设", Some("")).len(), 3);
    // The filter does not change scores.
    let all = ix.search("建设", None, 10).expect("search");
    let hz = ix.search("建设", Some("3301"), 10).expect("search");
    for hit in &hz {
        let same = all.iter().find(|h| h.credit_code == hit.credit_code).expect("hit also unfiltered");
        assert_eq!(same.score, hit.score);
    }
}

#[test]
fn region_prefix_must_be_digits() {
    let ix = index();
    for bad in ["33a", "3301*", "33.*", "3301000000001"] {
        assert!(matches!(ix.search("建设", Some(bad), 10), Err(SearchError::InvalidRegionPrefix(_))), "{bad}");
    }
}

#[test]
fn upsert_replaces_the_entity_with_the_same_code() {
    let ix = index();
    let renamed = doc(HZ_CTJT, "杭州市城市发展投资集团有限公司", "330100", "浙江省杭州市", "张三");
    ix.upsert(&renamed).expect("upsert");
    assert_eq!(ix.len(), 8);
    assert_eq!(codes(&ix, "发展", None), [HZ_CTJT]);
    assert_eq!(code_set(&ix, "建设", None), set(&[NB_SZ, HZ_XH]));
    assert_eq!(codes(&ix, HZ_CTJT, None), [HZ_CTJT]);
    assert_eq!(codes(&ix, "张三", None), [HZ_CTJT]);

    // A new entity is visible right after upsert returns.
    ix.upsert(&doc("91330100MA2NEW0001", "杭州新建设集团有限公司", "330100", "浙江省杭州市", "钱七"))
        .expect("upsert new");
    assert_eq!(ix.len(), 9);
    assert_eq!(codes(&ix, "钱七", None), ["91330100MA2NEW0001"]);
}

#[test]
fn later_duplicate_in_one_batch_wins() {
    let ix = EntityIndex::in_memory().expect("create index");
    let first = doc(ZJ_JG, "浙江省建工集团有限责任公司", "330000", "浙江省", "李四");
    let second = doc(ZJ_JG, "浙江省建设投资集团股份有限公司", "330000", "浙江省", "李四");
    ix.upsert_many(&[first, second]).expect("bulk upsert");
    assert_eq!(ix.len(), 1);
    assert!(codes(&ix, "建工", None).is_empty());
    assert_eq!(codes(&ix, "建设", None), [ZJ_JG]);
}

#[test]
fn empty_credit_code_is_rejected_and_nothing_is_written() {
    let ix = index();
    let mut bad = entities();
    bad[3].credit_code = "  ".to_owned();
    bad[0].name = "杭州市改名集团有限公司".to_owned();
    assert!(matches!(ix.upsert_many(&bad), Err(SearchError::EmptyCreditCode)));
    assert_eq!(ix.len(), 8);
    assert!(codes(&ix, "改名", None).is_empty());
    // The writer still works afterwards.
    ix.upsert(&bad[0]).expect("upsert");
    assert_eq!(codes(&ix, "改名", None), [HZ_CTJT]);
}

#[test]
fn empty_and_wordless_queries_return_nothing() {
    let ix = index();
    for q in ["", "   ", "\t\n", "，。！？", "---", "（）《》“”", "· ， ;"] {
        assert!(ix.search(q, None, 10).expect("search").is_empty(), "{q:?}");
        assert!(ix.search(q, Some("33"), 10).expect("search").is_empty(), "{q:?}");
    }
    assert!(ix.search("建设", None, 0).expect("search").is_empty());
}

#[test]
fn queries_are_truncated_to_100_characters() {
    let ix = index();
    let pad = "，".repeat(MAX_QUERY_CHARS);
    assert!(codes(&ix, &format!("{pad}建设"), None).is_empty());
    let long = "建设".repeat(500);
    assert_eq!(code_set(&ix, &long, None).len(), 3);
}

#[test]
fn limit_is_honoured() {
    let ix = index();
    assert_eq!(ix.search("有限", None, 3).expect("search").len(), 3);
    assert_eq!(ix.search("有限", None, usize::MAX).expect("search").len(), 8);
}

#[test]
fn order_is_by_score_then_credit_code_and_stable() {
    let bulk = index();
    // Same documents, other insertion order, one commit (segment) per document.
    let one_by_one = EntityIndex::in_memory().expect("create index");
    for d in entities().iter().rev() {
        one_by_one.upsert(d).expect("upsert");
    }
    for q in ["有限公司", "集团", "浙江", "建设", "913301", "杭州"] {
        let a = bulk.search(q, None, 100).expect("search");
        assert!(!a.is_empty(), "{q}");
        for pair in a.windows(2) {
            let (x, y) = (&pair[0], &pair[1]);
            assert!(
                x.score > y.score || (x.score == y.score && x.credit_code < y.credit_code),
                "{q}: {x:?} before {y:?}"
            );
        }
        assert_eq!(a, bulk.search(q, None, 100).expect("search"), "{q}");
        assert_eq!(a, one_by_one.search(q, None, 100).expect("search"), "{q}");
    }
    // Equal scores: the prefix matches all score alike, so the order is by code.
    assert_eq!(codes(&bulk, "913301", None), [HZ_CTJT, QS_JL, HZ_XH]);
}

#[test]
fn better_match_ranks_first() {
    let ix = index();
    // Both words in the short name outrank a name that merely shares one field.
    let hits = codes(&ix, "杭州 建设", None);
    assert_eq!(hits.len(), 2);
    let hits = codes(&ix, "浙江", None);
    // 浙江 occurs in name and region of the provincial entities.
    assert!(hits.iter().position(|c| c == ZJ_JG) < hits.iter().position(|c| c == HZ_CTJT));
}

#[test]
fn concurrent_searches_and_upserts() {
    let ix = index();
    std::thread::scope(|s| {
        for t in 0..3 {
            let ix = ix.clone();
            s.spawn(move || {
                for i in 0..5 {
                    let code = format!("91330100MA2T{t}{i:05}");
                    ix.upsert(&doc(&code, "杭州测试建设有限公司", "330100", "浙江省杭州市", "测试")).expect("upsert");
                    assert!(!ix.search("建设", None, 50).expect("search").is_empty());
                }
            });
        }
    });
    assert_eq!(ix.len(), 8 + 15);
    assert_eq!(codes(&ix, "测试", None).len(), 15);
}

#[test]
fn bulk_rebuild_of_ten_thousand_entities() {
    const N: usize = 10_000;
    let cities = [
        ("330100", "浙江省杭州市", "杭州"),
        ("330200", "浙江省宁波市", "宁波"),
        ("330300", "浙江省温州市", "温州"),
        ("320100", "江苏省南京市", "南京"),
        ("110000", "北京市", "北京"),
    ];
    let trades = ["建设", "建筑", "工程咨询", "市政工程", "交通投资", "水利水电", "装饰"];
    let forms = ["有限公司", "集团有限公司", "股份有限公司", "有限责任公司"];
    let surnames = ["张", "王", "李", "赵", "陈", "刘", "杨", "黄"];
    let given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军"];
    let docs: Vec<EntityDoc> = (0..N)
        .map(|i| {
            let (rc, rn, short) = cities[i % cities.len()];
            doc(
                &format!("91{rc}MA{i:08}"),
                &format!(
                    "{short}{}{}{}",
                    ["东方", "华宇", "中天", "恒远", "宏达", "金诚"][i % 6],
                    trades[i % trades.len()],
                    forms[i % forms.len()]
                ),
                rc,
                rn,
                &format!("{}{}", surnames[i % surnames.len()], given[(i / 8) % given.len()]),
            )
        })
        .collect();

    let ix = EntityIndex::in_memory().expect("create index");
    let started = Instant::now();
    ix.upsert_many(&docs).expect("bulk upsert");
    let took = started.elapsed();
    assert_eq!(ix.len(), N as u64);
    assert!(took < Duration::from_secs(30), "indexing {N} docs took {took:?}");

    let started = Instant::now();
    let hits = ix.search("杭州 建设", Some("3301"), 20).expect("search");
    assert_eq!(hits.len(), 20);
    assert!(hits.iter().all(|h| h.credit_code.starts_with("91330100")));
    assert_eq!(codes(&ix, "91330100MA00000000", None), ["91330100MA00000000"]);
    assert!(started.elapsed() < Duration::from_secs(5));
}
