//! P3 "search": Chinese full-text search of 1,000,000 notices with `ggzy_search::NoticeIndex`
//! (tantivy + jieba), against PostgreSQL `ILIKE '%word%'` over the same rows, on the same queries.
//!
//! The corpus is generated from a seed: titles from project templates (works, goods, services,
//! land, state property, mining rights) × the real administrative divisions of
//! `data/regions/gbt2260.csv` × a vocabulary of roads, facilities, goods and services; bodies of a
//! few hundred characters from the sections a real notice has (overview, scope, qualifications,
//! documents, deadline, contacts); principals and agencies named after their region; categories,
//! methods and statuses with a realistic skew. The query mix has four kinds, in equal shares:
//! one word, several words, words with filters (category, region prefix, method, status,
//! publication window) and words with facets (counts by category and province).
//!
//! tantivy answers through the product's API (`NoticeIndex::query`, top 20 by relevance, facets
//! over every match). PostgreSQL answers the same question with each word required in title, body,
//! principal or region name (`ILIKE '%w%'`, AND across words), the filters as `WHERE` clauses, the
//! newest 20 (`ORDER BY published_ms DESC LIMIT 20`, with a B-tree index on it and on the filter
//! columns), and for the faceted kind a `GROUP BY GROUPING SETS` over the matches as well. Queries
//! run one at a time, after a warm-up; both engines have the machine's cores.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin search-notices -- [--notices 1000000] [--queries 200] \
//!     [--seed 7] [--writer-threads 2] [--writer-mb 1024] [--search-threads 1] [--skip-postgres yes] \
//!     [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//! ```
//!
//! The PostgreSQL URL names an admin database (default: `BENCH_DATABASE_URL`, else the local
//! server); the benchmark creates its own database `ggzy_bench_search_<pid>` and drops it at the end.

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use ggzy_search::{IndexOptions, NoticeDoc, NoticeIndex, NoticeQuery};
use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng as _};
use sqlx::{Connection as _, Executor as _, PgConnection, Row as _};

const USAGE: &str = "usage: search-notices [--notices N] [--queries Q] [--seed S] [--writer-threads T] \
                     [--writer-mb MB] [--search-threads T] [--skip-postgres yes] \
                     [--database-url postgres://USER@HOST:PORT/ADMIN_DB]";
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Hits per query, as on a result page.
const PAGE: usize = 20;
/// Notices per `upsert_many` call (one commit each), as `ggzy reindex` feeds the index in chunks.
const CHUNK: usize = 50_000;
/// Queries run untimed on each engine first.
const WARM_UP: usize = 10;
/// Goals of issue 7 (P3).
const GOAL_P99_MS: f64 = 50.0;
const GOAL_RATIO: f64 = 10.0;

/// The administrative divisions, compiled in so that the benchmark runs from any directory.
const REGIONS_CSV: &str = include_str!("../../data/regions/gbt2260.csv");

struct Args {
    notices: usize,
    queries: usize,
    seed: u64,
    writer_threads: usize,
    writer_mb: usize,
    search_threads: usize,
    postgres: bool,
    admin_url: String,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        notices: 1_000_000,
        queries: 200,
        seed: 7,
        writer_threads: 2,
        writer_mb: 1024,
        search_threads: 1,
        postgres: true,
        admin_url: std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned()),
    };
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--notices" => args.notices = value.parse().context("--notices")?,
            "--queries" => args.queries = value.parse().context("--queries")?,
            "--seed" => args.seed = value.parse().context("--seed")?,
            "--writer-threads" => args.writer_threads = value.parse().context("--writer-threads")?,
            "--writer-mb" => args.writer_mb = value.parse().context("--writer-mb")?,
            "--search-threads" => args.search_threads = value.parse().context("--search-threads")?,
            "--skip-postgres" => args.postgres = !matches!(value.as_str(), "true" | "yes" | "1"),
            "--database-url" => args.admin_url = value,
            _ => bail!("unknown flag {key}\n{USAGE}"),
        }
    }
    if args.notices == 0 || args.queries == 0 {
        bail!("--notices and --queries must be positive\n{USAGE}");
    }
    Ok(args)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let regions = Regions::load()?;
    eprintln!("generating {} notices (seed {}) ...", args.notices, args.seed);
    let started = Instant::now();
    let docs = generate_notices(&regions, args.notices, args.seed);
    let generated = started.elapsed();
    let text_bytes: usize = docs
        .iter()
        .map(|d| d.title.len() + d.body.as_ref().map_or(0, String::len) + d.principal_name.len() + d.region_name.len())
        .sum();
    let body_chars: usize = docs.iter().map(|d| d.body.as_ref().map_or(0, |b| b.chars().count())).sum();
    eprintln!("  {:.1} s, {:.0} MB of text", generated.as_secs_f64(), text_bytes as f64 / 1e6);

    let queries = generate_queries(&regions, &docs, args.queries, args.seed.wrapping_add(1));

    eprintln!("building the tantivy index ...");
    let tantivy = build_index(&docs, &args)?;
    eprintln!(
        "  {:.1} s indexing + {:.1} s merging, {:.0} MB",
        tantivy.indexing.as_secs_f64(),
        tantivy.merging.as_secs_f64(),
        tantivy.size_bytes as f64 / 1e6
    );
    eprintln!("running {} queries on tantivy ...", queries.len());
    let tantivy_runs = run_tantivy(&tantivy.index, &queries)?;
    let index_rss = peak_rss_mb();

    let postgres = if args.postgres {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Some(runtime.block_on(run_postgres(&args, &docs, &queries))?)
    } else {
        None
    };

    report(&Report {
        args: &args,
        docs: &docs,
        text_bytes,
        body_chars,
        generated,
        tantivy: &tantivy,
        queries: &queries,
        tantivy_runs: &tantivy_runs,
        postgres: postgres.as_ref(),
        peak_rss_mb: peak_rss_mb(),
        index_rss_mb: index_rss,
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Regions

/// One division a notice can come from.
struct Place {
    code: String,
    /// Full name, e.g. `浙江省杭州市西湖区`.
    full: String,
    /// Its own name, e.g. `西湖区` (a prefecture's for a prefecture).
    own: String,
    /// The prefecture's name, e.g. `杭州市` (the province's for a province-level notice).
    city: String,
}

struct Regions {
    /// Counties (most notices), prefectures and provinces.
    counties: Vec<Place>,
    prefectures: Vec<Place>,
    provinces: Vec<Place>,
}

impl Regions {
    fn load() -> Result<Regions> {
        let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
        for line in REGIONS_CSV.lines().skip(1) {
            let mut cols = line.split(',');
            let (Some(code), Some(name), Some(level)) = (cols.next(), cols.next(), cols.next()) else {
                bail!("bad region line {line:?}");
            };
            names.insert(code.to_owned(), (name.to_owned(), level.to_owned()));
        }
        let name_of = |code: &str| names.get(code).map(|(n, _)| n.clone());
        let (mut counties, mut prefectures, mut provinces) = (Vec::new(), Vec::new(), Vec::new());
        for (code, (name, level)) in &names {
            let province = name_of(&format!("{}0000", &code[..2])).unwrap_or_default();
            let prefecture = name_of(&format!("{}00", &code[..4])).filter(|p| *p != province && p != "市辖区");
            let city = prefecture.clone().unwrap_or_else(|| province.clone());
            match level.as_str() {
                "province" => provinces.push(Place { code: code.clone(), full: name.clone(), own: name.clone(), city }),
                "prefecture" => {
                    if *name == province || name == "市辖区" || name == "县" {
                        continue;
                    }
                    prefectures.push(Place {
                        code: code.clone(),
                        full: format!("{province}{name}"),
                        own: name.clone(),
                        city: name.clone(),
                    });
                }
                _ => counties.push(Place {
                    code: code.clone(),
                    full: format!("{province}{}{name}", prefecture.unwrap_or_default()),
                    own: name.clone(),
                    city,
                }),
            }
        }
        if counties.is_empty() || prefectures.is_empty() || provinces.is_empty() {
            bail!("the region table is incomplete");
        }
        Ok(Regions { counties, prefectures, provinces })
    }

    /// 70% of notices come from a county's platform, 25% from a city's, 5% from a province's.
    fn pick(&self, rng: &mut StdRng) -> &Place {
        let r = rng.random::<f64>();
        if r < 0.70 {
            pick(rng, &self.counties)
        } else if r < 0.95 {
            pick(rng, &self.prefectures)
        } else {
            pick(rng, &self.provinces)
        }
    }
}

/// `杭州市` → `杭州`; names of two characters or other suffixes stay whole.
fn short(name: &str) -> &str {
    match name.strip_suffix('市') {
        Some(s) if s.chars().count() >= 2 => s,
        _ => name,
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks by weight; `items` is non-empty with positive weights.
fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random::<f64>() * total;
    for (item, w) in items {
        if r < *w {
            return item;
        }
        r -= w;
    }
    &items[items.len() - 1].0
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/// The words notices are made of. Kept one list per line: rustfmt would put each word on a line of its own.
#[rustfmt::skip]
mod vocab {
    pub(crate) const ROADS: &[&str] = &[
        "解放路", "人民路", "建设路", "中山路", "文化路", "学院路", "滨江大道", "环城北路", "工业大道", "新华路", "朝阳路",
        "长江路", "黄河路", "世纪大道", "迎宾大道", "体育路", "湖滨路", "科技大道", "站前路", "东环路",
    ];
    pub(crate) const ROAD_WORKS: &[&str] = &[
        "道路改造", "提升改造", "拓宽改造", "雨污分流改造", "综合管廊", "沥青路面修复", "人行道改造", "管网改造",
        "路灯亮化", "交通信号", "桥梁加固", "立交桥新建",
    ];
    pub(crate) const FACILITIES: &[&str] = &[
        "第一中学", "实验小学", "中心幼儿园", "人民医院", "中医院", "妇幼保健院", "体育中心", "文化中心", "图书馆",
        "档案馆", "养老服务中心", "污水处理厂", "自来水厂", "垃圾中转站", "公交首末站", "停车场", "农贸市场",
        "党群服务中心", "派出所", "消防救援站", "职业技术学校", "疾病预防控制中心", "殡仪馆", "会展中心",
    ];
    pub(crate) const BUILD_WORKS: &[&str] = &[
        "新建", "改扩建", "迁建", "综合楼新建", "教学楼改造", "门诊楼改扩建", "装修改造", "附属设施", "维修加固",
        "屋面防水维修", "消防设施改造", "电梯更新",
    ];
    pub(crate) const AREAS: &[&str] =
        &["老旧小区", "城中村", "高标准农田", "美丽乡村", "河道", "水库", "山塘", "海塘", "农村公路", "工业园区", "口袋公园"];
    pub(crate) const AREA_WORKS: &[&str] =
        &["改造提升", "综合整治", "建设", "除险加固", "生态修复", "安全提升", "绿化提升", "基础设施配套", "污水零直排"];
    pub(crate) const RIVERS: &[&str] =
        &["运河", "钱塘江", "瓯江", "浦阳江", "东苕溪", "清水河", "白沙河", "南渡河", "新安江", "沙河", "小清河", "汉江"];
    pub(crate) const WATER_WORKS: &[&str] = &["综合治理", "堤防加固", "清淤疏浚", "防洪排涝", "生态护岸", "水系连通"];
    pub(crate) const WORKS_SUFFIX: &[(&str, f64)] = &[
        ("施工", 0.45),
        ("施工总承包", 0.12),
        ("监理", 0.12),
        ("勘察设计", 0.07),
        ("EPC总承包", 0.08),
        ("全过程工程咨询", 0.06),
        ("造价咨询", 0.04),
        ("", 0.06),
    ];
    pub(crate) const DEPARTMENTS: &[&str] = &[
        "教育局", "卫生健康委员会", "公安局", "交通运输局", "人民医院", "中医院", "第一中学", "实验小学", "职业技术学院",
        "疾病预防控制中心", "城市管理局", "市场监督管理局", "民政局", "文化广电旅游局", "农业农村局", "生态环境局",
        "机关事务管理局", "人民法院", "人民检察院", "图书馆", "应急管理局", "退役军人事务局", "大数据发展管理局",
    ];
    pub(crate) const GOODS: &[&str] = &[
        "医疗设备", "彩色多普勒超声诊断仪", "CT机", "救护车", "台式计算机", "便携式计算机", "服务器", "网络交换机",
        "多媒体教学设备", "课桌椅", "图书", "办公家具", "空调设备", "执法记录仪", "无人机", "电梯", "LED显示屏",
        "实验室设备", "消防车", "警用装备", "视频监控设备", "打印机", "复印机", "食堂食材", "体育器材", "核磁共振成像系统",
        "数字化X射线摄影系统", "血液透析设备", "新能源公交车", "垃圾分类收集车",
    ];
    pub(crate) const SERVICES: &[&str] = &[
        "物业管理", "保安", "保洁", "食堂托管", "信息系统运维", "网络安全等级保护测评", "审计", "法律顾问", "绿化养护",
        "道路保洁", "垃圾清运", "车辆维修", "印刷", "会议", "培训", "软件开发", "数据中心运维", "公务用车租赁",
        "市政道路养护", "路灯维护", "污水管网检测", "档案数字化", "安全生产巡查",
    ];
    pub(crate) const ZONES: &[&str] = &["城东", "城西", "城南", "城北", "高新区", "经开区", "滨江", "新城", "临港", "中心城区"];
    pub(crate) const LAND_USES: &[&str] = &["住宅用地", "商业用地", "商服用地", "工业用地", "仓储用地", "科研用地", "商住用地"];
    pub(crate) const COMPANY_WORDS: &[&str] = &["城投", "交投", "国资", "水务", "燃气", "公交", "旅游", "文化", "建工", "产业", "粮食", "物产"];
    pub(crate) const COMPANY_FORMS: &[&str] = &["集团有限公司", "有限公司", "发展有限公司", "投资有限公司"];
    pub(crate) const ASSETS: &[&str] = &["闲置设备", "报废车辆", "沿街商铺", "办公用房", "厂房及土地使用权", "库存物资", "废旧物资"];
    pub(crate) const MINERALS: &[&str] = &["建筑用石料", "石灰岩", "花岗岩", "建筑用砂", "高岭土", "萤石", "饰面用大理石"];
    pub(crate) const AGENCY_WORDS: &[&str] = &["正信", "华诚", "中诚", "国信", "明达", "建科", "求是", "天平", "信达", "德润", "恒正", "永明"];
    pub(crate) const AGENCY_FORMS: &[&str] = &["工程咨询有限公司", "招标代理有限公司", "项目管理有限公司", "工程管理咨询有限公司"];
    pub(crate) const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "胡", "郭", "何"];
    pub(crate) const GIVEN: &[&str] = &["工", "女士", "先生", "经理"];
    pub(crate) const FUNDS: &[&str] = &["财政资金", "自筹资金", "国有企业自有资金", "专项债券资金", "财政资金及自筹资金"];
    pub(crate) const QUALIFICATIONS: &[&str] = &[
        "建筑工程施工总承包三级及以上资质",
        "市政公用工程施工总承包二级及以上资质",
        "水利水电工程施工总承包三级及以上资质",
        "公路工程施工总承包二级及以上资质",
        "工程监理综合资质或市政公用工程监理乙级及以上资质",
        "建筑装修装饰工程专业承包二级及以上资质",
        "工程设计综合资质或相应行业乙级及以上资质",
    ];
}

use vocab::*;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Category {
    Construction,
    GovProcurement,
    LandUse,
    StateProperty,
    MiningRights,
}

impl Category {
    const ALL: [(Category, f64); 5] = [
        (Category::Construction, 0.45),
        (Category::GovProcurement, 0.35),
        (Category::LandUse, 0.08),
        (Category::StateProperty, 0.09),
        (Category::MiningRights, 0.03),
    ];

    fn as_str(self) -> &'static str {
        match self {
            Category::Construction => "construction",
            Category::GovProcurement => "gov_procurement",
            Category::LandUse => "land_use",
            Category::StateProperty => "state_property",
            Category::MiningRights => "mining_rights",
        }
    }

    fn methods(self) -> &'static [(&'static str, f64)] {
        match self {
            Category::Construction => &[("open", 0.86), ("invited", 0.14)],
            Category::GovProcurement => &[
                ("open", 0.58),
                ("competitive_consultation", 0.18),
                ("competitive_negotiation", 0.10),
                ("inquiry", 0.08),
                ("single_source", 0.06),
            ],
            Category::LandUse => &[("listing", 0.78), ("auction", 0.19), ("open", 0.03)],
            Category::StateProperty => &[("listing", 0.62), ("auction", 0.24), ("negotiated_transfer", 0.14)],
            Category::MiningRights => &[("listing", 0.55), ("auction", 0.45)],
        }
    }
}

/// Most notices on a portal are of finished procedures.
const STATUSES: &[(&str, f64)] = &[
    ("opened", 0.58),
    ("bidding", 0.17),
    ("failed", 0.08),
    ("prequalifying", 0.04),
    ("opening", 0.02),
    ("terminated", 0.05),
    ("suspended", 0.01),
    ("proposing", 0.01),
    ("prequalified", 0.04),
];

/// 2024-01-01T00:00:00Z and three years on: the publication window.
const EPOCH_MS: i64 = 1_704_067_200_000;
const SPAN_MS: i64 = 3 * 365 * 86_400_000;

// ---------------------------------------------------------------------------------------------
// Notices

fn generate_notices(regions: &Regions, n: usize, seed: u64) -> Vec<NoticeDoc> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|i| notice(&mut rng, regions, i)).collect()
}

fn person(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

fn phone(rng: &mut StdRng) -> String {
    format!("0{}-{}", rng.random_range(10..999), rng.random_range(2_000_000..89_999_999))
}

/// A date in Chinese, from UTC ms (approximate calendar: 28-day months keep it simple and valid).
fn date_zh(ms: i64) -> String {
    let days = (ms - EPOCH_MS).max(0) / 86_400_000;
    format!("{}年{}月{}日", 2024 + days / 365, 1 + (days % 365) / 31 % 12, 1 + days % 28)
}

fn notice(rng: &mut StdRng, regions: &Regions, i: usize) -> NoticeDoc {
    let place = regions.pick(rng);
    let category = *weighted(rng, &Category::ALL);
    let method = *weighted(rng, category.methods());
    let status = *weighted(rng, STATUSES);
    let published_ms = EPOCH_MS + rng.random_range(0..SPAN_MS);
    // How a title names its place: the city, the county alone, or both.
    let name_place = match rng.random_range(0..3) {
        0 => place.city.clone(),
        1 => place.own.clone(),
        _ if place.own != place.city => format!("{}{}", place.city, place.own),
        _ => place.own.clone(),
    };
    let city_short = short(&place.city).to_owned();
    let agency = format!("{}{}{}", short(&place.city), pick(rng, AGENCY_WORDS), pick(rng, AGENCY_FORMS));
    let (title, principal, body) = match category {
        Category::Construction => construction(rng, place, &name_place, &agency, method, published_ms),
        Category::GovProcurement => procurement(rng, place, &name_place, &agency, method, published_ms),
        Category::LandUse => land(rng, place, &name_place, method, published_ms),
        Category::StateProperty => property(rng, place, &city_short, method, published_ms),
        Category::MiningRights => mining(rng, place, &name_place, method, published_ms),
    };
    NoticeDoc {
        tender_id: format!("N{i:08}"),
        title,
        lot_names: Vec::new(),
        region_code: place.code.clone(),
        region_name: place.full.clone(),
        principal_name: principal,
        category: category.as_str().to_owned(),
        method: method.to_owned(),
        status: status.to_owned(),
        published_ms: Some(published_ms),
        body: Some(body),
    }
}

fn contacts(rng: &mut StdRng, principal: &str, agency: Option<&str>) -> String {
    let mut s = format!("招标人（采购人）：{principal}，联系人：{}，电话：{}。", person(rng), phone(rng));
    if let Some(agency) = agency {
        let _ = write!(s, "代理机构：{agency}，联系人：{}，电话：{}。", person(rng), phone(rng));
    }
    s
}

fn construction(
    rng: &mut StdRng,
    place: &Place,
    name_place: &str,
    agency: &str,
    method: &str,
    published_ms: i64,
) -> (String, String, String) {
    let city = &place.city;
    let own = &place.own;
    let base = match rng.random_range(0..4) {
        0 => format!("{name_place}{}{}工程", pick(rng, ROADS), pick(rng, ROAD_WORKS)),
        1 => format!("{name_place}{}{}工程", pick(rng, FACILITIES), pick(rng, BUILD_WORKS)),
        2 => format!("{name_place}{}{}项目", pick(rng, AREAS), pick(rng, AREA_WORKS)),
        _ => format!("{name_place}{}{}工程", pick(rng, RIVERS), pick(rng, WATER_WORKS)),
    };
    let suffix = *weighted(rng, WORKS_SUFFIX);
    let title = format!("{base}{suffix}");
    let principal = match rng.random_range(0..8) {
        0 => format!("{city}城市建设投资集团有限公司"),
        1 => format!("{own}住房和城乡建设局"),
        2 => format!("{city}交通投资集团有限公司"),
        3 => format!("{own}交通运输局"),
        4 => format!("{city}水务集团有限公司"),
        5 => format!("{own}水利局"),
        6 => format!("{own}教育局"),
        _ => format!("{own}城市发展集团有限公司"),
    };
    let days = [90, 120, 180, 240, 365, 540][rng.random_range(0..6)];
    let wan = rng.random_range(80..60_000);
    let mut body = format!(
        "{title}已由{own}发展和改革局批准建设，项目业主为{principal}，建设资金来自{}，项目出资比例为100%，招标人为{principal}。\
         项目已具备招标条件，现对该项目{}进行{}。",
        pick(rng, FUNDS),
        if suffix.is_empty() { "施工" } else { suffix },
        if method == "invited" { "邀请招标" } else { "公开招标" }
    );
    let _ = write!(
        body,
        "建设地点：{}。招标范围：{}，具体详见工程量清单及施工图纸。计划工期：{days}日历天。估算价：约{wan}万元。",
        place.full,
        ["施工图范围内的全部内容", "土建、安装及附属工程", "道路、排水、照明及绿化工程", "勘察、设计及施工"]
            [rng.random_range(0..4)]
    );
    let _ = write!(
        body,
        "投标人须具备{}，并在人员、设备、资金等方面具有相应的施工能力；拟派项目经理须具备相应专业注册建造师执业资格，\
         且未担任其他在建工程项目的项目经理。本次招标{}联合体投标。",
        pick(rng, QUALIFICATIONS),
        if rng.random_bool(0.8) { "不接受" } else { "接受" }
    );
    if rng.random_bool(0.7) {
        let _ = write!(
            body,
            "凡有意参加投标者，请于{}起登录公共资源交易平台下载电子招标文件。投标截止时间为{}，投标人应在截止时间前\
             通过电子交易系统递交加密的投标文件，逾期送达的投标文件将被拒收。投标保证金{}万元。",
            date_zh(published_ms),
            date_zh(published_ms + 21 * 86_400_000),
            rng.random_range(2..80)
        );
    }
    body.push_str(&contacts(rng, &principal, Some(agency)));
    (title, principal, body)
}

fn procurement(
    rng: &mut StdRng,
    place: &Place,
    name_place: &str,
    agency: &str,
    method: &str,
    published_ms: i64,
) -> (String, String, String) {
    let org = format!("{name_place}{}", pick(rng, DEPARTMENTS));
    let (title, item) = if rng.random_bool(0.55) {
        let goods = *pick(rng, GOODS);
        (format!("{org}{goods}采购项目"), goods)
    } else {
        let service = *pick(rng, SERVICES);
        let title = if rng.random_bool(0.5) {
            format!("{org}{}年度{service}服务项目", 2024 + rng.random_range(0..3))
        } else {
            format!("{org}{service}服务采购")
        };
        (title, service)
    };
    let method_zh = match method {
        "competitive_consultation" => "竞争性磋商",
        "competitive_negotiation" => "竞争性谈判",
        "inquiry" => "询价",
        "single_source" => "单一来源",
        _ => "公开招标",
    };
    let wan = rng.random_range(5..3_000);
    let mut body = format!(
        "项目概况：{title}的潜在供应商应在{}获取采购文件，并于{}前提交响应文件。采购方式：{method_zh}。\
         预算金额：{wan}万元，最高限价：{wan}万元。采购需求：{item}，数量及技术要求详见采购文件第三章。",
        place.full,
        date_zh(published_ms + 20 * 86_400_000)
    );
    let _ = write!(
        body,
        "合同履行期限：自合同签订之日起{}日。本项目{}。申请人的资格要求：满足《中华人民共和国政府采购法》第二十二条规定；\
         落实政府采购政策需满足的资格要求：{}；未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单。",
        [30, 60, 90, 180, 365][rng.random_range(0..5)],
        if rng.random_bool(0.3) { "接受联合体投标" } else { "不接受联合体投标" },
        ["专门面向中小企业采购", "节能产品、环境标志产品优先采购", "支持监狱企业和残疾人福利性单位", "无"]
            [rng.random_range(0..4)]
    );
    if rng.random_bool(0.5) {
        body.push_str("对本次采购提出询问，请按以下方式联系；供应商对采购文件有质疑的，应在知道或者应知其权益受到损害之日起七个工作日内提出。");
    }
    body.push_str(&contacts(rng, &org, Some(agency)));
    (title, org, body)
}

fn land(
    rng: &mut StdRng,
    place: &Place,
    name_place: &str,
    method: &str,
    published_ms: i64,
) -> (String, String, String) {
    let parcel =
        format!("{}{}-{:02}", pick(rng, ZONES), ["", "单元", "片区"][rng.random_range(0..3)], rng.random_range(1..60));
    let way = if method == "auction" { "拍卖" } else { "挂牌" };
    let title = format!("{name_place}{parcel}地块国有建设用地使用权{way}出让");
    let principal = format!("{}自然资源和规划局", place.city);
    let land_use = *pick(rng, LAND_USES);
    let area = rng.random_range(3_000..150_000);
    let body = format!(
        "经{}人民政府批准，{principal}决定以{way}方式出让{parcel}地块国有建设用地使用权。宗地位于{}，出让面积{area}平方米，\
         土地用途为{land_use}，容积率不大于{:.1}，出让年限{}年。起始价{}万元，竞买保证金{}万元，增价幅度为每次{}万元。\
         中华人民共和国境内外的法人、自然人和其他组织均可申请参加，申请人可以单独申请，也可以联合申请。\
         {way}时间：{}。竞买人须在{}前通过网上交易系统提交竞买申请并足额交纳竞买保证金。",
        place.city,
        place.full,
        rng.random_range(10..35) as f64 / 10.0,
        if land_use.contains("住") {
            70
        } else if land_use == "工业用地" {
            50
        } else {
            40
        },
        rng.random_range(300..90_000),
        rng.random_range(60..18_000),
        rng.random_range(10..500),
        date_zh(published_ms + 20 * 86_400_000),
        date_zh(published_ms + 18 * 86_400_000),
    );
    (title, principal, body)
}

fn property(
    rng: &mut StdRng,
    place: &Place,
    city_short: &str,
    method: &str,
    published_ms: i64,
) -> (String, String, String) {
    let company = format!("{city_short}{}{}", pick(rng, COMPANY_WORDS), pick(rng, COMPANY_FORMS));
    let target = format!(
        "{city_short}{}{}",
        pick(rng, COMPANY_WORDS),
        ["科技有限公司", "置业有限公司", "物业服务有限公司", "商贸有限公司"][rng.random_range(0..4)]
    );
    let title = match rng.random_range(0..3) {
        0 => format!("{company}所持{target}{}%股权转让", [10, 20, 30, 35, 49, 51, 100][rng.random_range(0..7)]),
        1 => format!("{company}{}公开转让", pick(rng, ASSETS)),
        _ => format!("{company}所属{}房产出租", ["沿街商铺", "办公用房", "厂房", "仓库"][rng.random_range(0..4)]),
    };
    let way = match method {
        "auction" => "拍卖",
        "negotiated_transfer" => "协议转让",
        _ => "公开挂牌",
    };
    let body = format!(
        "转让方：{company}，所在地区：{}。转让标的：{title}，经有资质的评估机构评估，评估值为{}万元，转让底价{}万元，\
         交易方式为{way}。挂牌期间：自{}起二十个工作日。意向受让方须为依法设立并有效存续的企业法人或具有完全民事行为能力的自然人，\
         具有良好的财务状况和支付能力，不接受联合体受让。交易保证金为转让底价的30%。转让方已履行国有资产监督管理机构的批准程序，\
         标的企业职工安置方案已经职工代表大会审议通过。",
        place.full,
        rng.random_range(50..50_000),
        rng.random_range(50..50_000),
        date_zh(published_ms)
    );
    (title, company, body)
}

fn mining(
    rng: &mut StdRng,
    place: &Place,
    name_place: &str,
    method: &str,
    published_ms: i64,
) -> (String, String, String) {
    let mineral = *pick(rng, MINERALS);
    let way = if method == "auction" { "拍卖" } else { "挂牌" };
    let title = format!(
        "{name_place}{}{mineral}矿采矿权{way}出让",
        ["东山", "西岭", "南坞", "北坑", "大岭", "石门"][rng.random_range(0..6)]
    );
    let principal = format!("{}自然资源和规划局", place.city);
    let body = format!(
        "根据《矿业权出让管理办法》，{principal}以{way}方式出让{title}。矿区位于{}，矿区面积{:.4}平方公里，开采矿种为{mineral}，\
         开采方式为露天开采，生产规模{}万吨/年，出让年限{}年。起始价{}万元，竞买保证金{}万元。竞买人须为具有独立法人资格的企业，\
         具备相应的资金实力和技术能力。{way}时间：{}。",
        place.full,
        rng.random_range(1_000..90_000) as f64 / 10_000.0,
        rng.random_range(10..300),
        rng.random_range(3..15),
        rng.random_range(500..90_000),
        rng.random_range(100..9_000),
        date_zh(published_ms + 20 * 86_400_000),
    );
    (title, principal, body)
}

// ---------------------------------------------------------------------------------------------
// Queries

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    OneWord,
    MultiWord,
    Filtered,
    Faceted,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::OneWord, Kind::MultiWord, Kind::Filtered, Kind::Faceted];

    fn as_str(self) -> &'static str {
        match self {
            Kind::OneWord => "one word",
            Kind::MultiWord => "multi-word",
            Kind::Filtered => "filtered",
            Kind::Faceted => "faceted",
        }
    }
}

/// One query of the mix, as both engines run it.
#[derive(Debug, Clone)]
struct BenchQuery {
    kind: Kind,
    words: Vec<String>,
    category: Option<String>,
    region_prefix: Option<String>,
    method: Option<String>,
    status: Option<String>,
    from_ms: Option<i64>,
    before_ms: Option<i64>,
    facets: bool,
}

/// Words people search notices for: the things procured and built, the kinds of work, places, and
/// terms of the notices' text.
fn one_word_pool(regions: &Regions, rng: &mut StdRng) -> Vec<String> {
    let mut pool: Vec<String> = Vec::new();
    let items: Vec<&str> =
        [ROADS, FACILITIES, AREAS, RIVERS, GOODS, SERVICES, LAND_USES, MINERALS, ASSETS].concat().into_iter().collect();
    pool.extend(items.iter().map(|s| (*s).to_owned()));
    pool.extend(
        [
            "道路", "桥梁", "污水", "绿化", "监理", "施工", "设计", "采购", "养护", "改造", "出让", "股权", "转让",
            "挂牌", "学校", "医院",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    pool.extend(
        ["工期", "联合体", "保证金", "容积率", "项目经理", "中小企业", "节能", "建造师"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    for _ in 0..40 {
        pool.push(short(&pick(rng, &regions.prefectures).own).to_owned());
    }
    for _ in 0..20 {
        pool.push(pick(rng, &regions.counties).own.clone());
    }
    pool
}

fn generate_queries(regions: &Regions, docs: &[NoticeDoc], n: usize, seed: u64) -> Vec<BenchQuery> {
    let mut rng = StdRng::seed_from_u64(seed);
    let pool = one_word_pool(regions, &mut rng);
    let kinds_of_work = ["施工", "监理", "采购", "设计", "养护", "改造", "出让", "转让", "服务"];
    let topics: Vec<&str> = [GOODS, SERVICES, FACILITIES, ROAD_WORKS, AREA_WORKS].concat();
    let mut out = Vec::with_capacity(n + WARM_UP);
    for i in 0..n + WARM_UP {
        let kind = Kind::ALL[i % Kind::ALL.len()];
        let mut q = BenchQuery {
            kind,
            words: vec![pick(&mut rng, &pool).clone()],
            category: None,
            region_prefix: None,
            method: None,
            status: None,
            from_ms: None,
            before_ms: None,
            facets: false,
        };
        match kind {
            Kind::OneWord => {}
            Kind::MultiWord => {
                // A place and a topic, sometimes with the kind of work: `杭州 绿化养护 监理`.
                let doc = pick(&mut rng, docs);
                let place = if rng.random_bool(0.5) {
                    short(&doc.region_name.chars().take(6).collect::<String>()).to_owned()
                } else {
                    short(&regions.pick(&mut rng).city).to_owned()
                };
                q.words = vec![place, (*pick(&mut rng, &topics)).to_owned()];
                if rng.random_bool(0.4) {
                    q.words.push((*pick(&mut rng, &kinds_of_work)).to_owned());
                }
            }
            Kind::Filtered => {
                if rng.random_bool(0.3) {
                    q.words.push((*pick(&mut rng, &kinds_of_work)).to_owned());
                }
                let doc = pick(&mut rng, docs);
                let mut filters = 0;
                while filters == 0 {
                    if rng.random_bool(0.5) {
                        q.category = Some(weighted(&mut rng, &Category::ALL).as_str().to_owned());
                        filters += 1;
                    }
                    if rng.random_bool(0.5) {
                        let digits = if rng.random_bool(0.6) { 2 } else { 4 };
                        q.region_prefix = Some(doc.region_code.chars().take(digits).collect());
                        filters += 1;
                    }
                    if rng.random_bool(0.3) {
                        q.status = Some((*weighted(&mut rng, STATUSES)).to_owned());
                        filters += 1;
                    }
                    if rng.random_bool(0.2) {
                        q.method = Some(doc.method.clone());
                        filters += 1;
                    }
                    if rng.random_bool(0.3) {
                        let from = EPOCH_MS + rng.random_range(0..SPAN_MS - 90 * 86_400_000);
                        q.from_ms = Some(from);
                        q.before_ms = Some(from + 90 * 86_400_000);
                        filters += 1;
                    }
                }
            }
            Kind::Faceted => {
                q.facets = true;
                if rng.random_bool(0.3) {
                    q.category = Some(weighted(&mut rng, &Category::ALL).as_str().to_owned());
                }
            }
        }
        out.push(q);
    }
    out
}

impl BenchQuery {
    fn text(&self) -> String {
        self.words.join(" ")
    }

    fn describe(&self) -> String {
        let mut s = self.text();
        for (name, value) in [
            ("category", &self.category),
            ("region", &self.region_prefix),
            ("method", &self.method),
            ("status", &self.status),
        ] {
            if let Some(v) = value {
                let _ = write!(s, " {name}={v}");
            }
        }
        if let (Some(from), Some(_)) = (self.from_ms, self.before_ms) {
            let _ = write!(s, " published=90d from {}", date_zh(from));
        }
        if self.facets {
            s.push_str(" +facets");
        }
        s
    }

    fn notice_query(&self) -> NoticeQuery {
        NoticeQuery {
            text: self.text(),
            region_prefix: self.region_prefix.clone(),
            category: self.category.clone(),
            method: self.method.clone(),
            status: self.status.clone(),
            published_from_ms: self.from_ms,
            published_before_ms: self.before_ms,
            limit: PAGE,
            facets: self.facets,
            region_facet_digits: Some(2),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// tantivy

struct Built {
    index: NoticeIndex,
    indexing: Duration,
    merging: Duration,
    segments_before_merge: usize,
    size_bytes: u64,
}

fn build_index(docs: &[NoticeDoc], args: &Args) -> Result<Built> {
    let index = NoticeIndex::with_options(IndexOptions {
        writer_threads: args.writer_threads,
        writer_heap_bytes: args.writer_mb * 1_000_000,
        search_threads: args.search_threads,
    })?;
    let started = Instant::now();
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        index.upsert_many(chunk)?;
        if (i + 1) % 4 == 0 {
            eprintln!("  {} notices, {:.0} s", (i + 1) * CHUNK, started.elapsed().as_secs_f64());
        }
    }
    let indexing = started.elapsed();
    let segments_before_merge = index.segments();
    let started = Instant::now();
    index.merge_segments()?;
    let merging = started.elapsed();
    if index.len() != docs.len() as u64 {
        bail!("the index holds {} notices, expected {}", index.len(), docs.len());
    }
    let size_bytes = index.size_bytes()?;
    Ok(Built { index, indexing, merging, segments_before_merge, size_bytes })
}

/// Per query: latency and what came back (hits on the page; matches counted by the facets).
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    latency: Duration,
    hits: usize,
    total: Option<u64>,
}

fn run_tantivy(index: &NoticeIndex, queries: &[BenchQuery]) -> Result<Vec<Run>> {
    for q in &queries[..WARM_UP] {
        index.query(&q.notice_query())?;
    }
    let mut runs = Vec::with_capacity(queries.len() - WARM_UP);
    for q in &queries[WARM_UP..] {
        let nq = q.notice_query();
        let started = Instant::now();
        let results = index.query(&nq)?;
        let latency = started.elapsed();
        runs.push(Run { latency, hits: results.hits.len(), total: results.facets.map(|f| f.total) });
    }
    Ok(runs)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

struct PgOutcome {
    version: String,
    settings: String,
    copy: Duration,
    indexes: Duration,
    table_mb: f64,
    runs: Vec<Run>,
}

async fn run_postgres(args: &Args, docs: &[NoticeDoc], queries: &[BenchQuery]) -> Result<PgOutcome> {
    let name = format!("ggzy_bench_search_{}", std::process::id());
    let mut admin = PgConnection::connect(&args.admin_url).await.context("connect to the admin database")?;
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .await
        .context("drop a stale benchmark database")?;
    admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.context("create benchmark database")?;
    let base = args.admin_url.rsplit_once('/').map_or(args.admin_url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");

    let outcome = postgres_inner(&url, docs, queries).await;

    let dropped = admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await;
    admin.close().await.ok();
    let outcome = outcome?;
    dropped.with_context(|| format!("drop benchmark database {name}"))?;
    Ok(outcome)
}

async fn postgres_inner(url: &str, docs: &[NoticeDoc], queries: &[BenchQuery]) -> Result<PgOutcome> {
    let mut conn = PgConnection::connect(url).await.context("connect to the benchmark database")?;
    let version: String = sqlx::query("SHOW server_version").fetch_one(&mut conn).await?.try_get(0)?;
    let mut settings = Vec::new();
    for setting in ["max_parallel_workers_per_gather", "shared_buffers", "work_mem"] {
        let value: String =
            sqlx::query(sqlx::AssertSqlSafe(format!("SHOW {setting}"))).fetch_one(&mut conn).await?.try_get(0)?;
        settings.push(format!("{setting}={value}"));
    }
    conn.execute(
        "CREATE TABLE notices (
            tender_id text NOT NULL,
            title text NOT NULL,
            body text,
            region_code text NOT NULL,
            region_name text NOT NULL,
            principal_name text NOT NULL,
            category text NOT NULL,
            method text NOT NULL,
            status text NOT NULL,
            published_ms bigint
        )",
    )
    .await?;

    eprintln!("loading {} rows into PostgreSQL with COPY ...", docs.len());
    let started = Instant::now();
    let mut copy = conn.copy_in_raw("COPY notices FROM STDIN").await?;
    let mut buf = String::with_capacity(8 << 20);
    for d in docs {
        for (i, field) in [
            Some(d.tender_id.as_str()),
            Some(d.title.as_str()),
            d.body.as_deref(),
            Some(d.region_code.as_str()),
            Some(d.region_name.as_str()),
            Some(d.principal_name.as_str()),
            Some(d.category.as_str()),
            Some(d.method.as_str()),
            Some(d.status.as_str()),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                buf.push('\t');
            }
            copy_field(&mut buf, field);
        }
        buf.push('\t');
        match d.published_ms {
            Some(ms) => {
                let _ = write!(buf, "{ms}");
            }
            None => buf.push_str("\\N"),
        }
        buf.push('\n');
        if buf.len() > 4 << 20 {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes()).await?;
    }
    let rows = copy.finish().await?;
    let copy_time = started.elapsed();
    if rows != docs.len() as u64 {
        bail!("COPY loaded {rows} rows, expected {}", docs.len());
    }
    eprintln!("  {:.1} s; indexes and ANALYZE ...", copy_time.as_secs_f64());
    let started = Instant::now();
    // What a notice list needs anyway: the key, newest first, and the filter columns. ILIKE
    // '%word%' can use none of them; the planner may walk `published_ms` backwards for the page.
    for ddl in [
        "ALTER TABLE notices ADD PRIMARY KEY (tender_id)",
        "CREATE INDEX notices_published ON notices (published_ms)",
        "CREATE INDEX notices_region ON notices (region_code text_pattern_ops)",
        "CREATE INDEX notices_category ON notices (category, published_ms)",
        "CREATE INDEX notices_status ON notices (status, published_ms)",
        "VACUUM ANALYZE notices",
    ] {
        conn.execute(ddl).await.with_context(|| ddl.to_owned())?;
    }
    let indexes = started.elapsed();
    let table_bytes: i64 =
        sqlx::query("SELECT pg_total_relation_size('notices')").fetch_one(&mut conn).await?.try_get(0)?;

    eprintln!("running {} queries on PostgreSQL ...", queries.len() - WARM_UP);
    for q in &queries[..WARM_UP] {
        pg_query(&mut conn, q).await?;
    }
    let mut runs = Vec::with_capacity(queries.len() - WARM_UP);
    for (i, q) in queries[WARM_UP..].iter().enumerate() {
        let started = Instant::now();
        let (hits, total) = pg_query(&mut conn, q).await?;
        runs.push(Run { latency: started.elapsed(), hits, total });
        if (i + 1) % 50 == 0 {
            eprintln!("  {} queries", i + 1);
        }
    }
    conn.close().await.ok();
    Ok(PgOutcome {
        version: format!("PostgreSQL {version}"),
        settings: settings.join(", "),
        copy: copy_time,
        indexes,
        table_mb: table_bytes as f64 / 1e6,
        runs,
    })
}

/// One field in COPY's text format.
fn copy_field(buf: &mut String, field: Option<&str>) {
    let Some(text) = field else {
        buf.push_str("\\N");
        return;
    };
    for c in text.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// `%word%` with LIKE's wildcards escaped.
fn like_pattern(word: &str) -> String {
    let mut p = String::from("%");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The WHERE clause of a query and its parameters, in order.
fn pg_where(q: &BenchQuery) -> (String, Vec<String>, Vec<i64>) {
    let mut clauses = Vec::new();
    let mut texts = Vec::new();
    for word in &q.words {
        texts.push(like_pattern(word));
        let n = texts.len();
        clauses.push(format!(
            "(title ILIKE ${n} OR body ILIKE ${n} OR principal_name ILIKE ${n} OR region_name ILIKE ${n})"
        ));
    }
    for (column, value) in [("category", &q.category), ("method", &q.method), ("status", &q.status)] {
        if let Some(v) = value {
            texts.push(v.clone());
            clauses.push(format!("{column} = ${}", texts.len()));
        }
    }
    if let Some(prefix) = &q.region_prefix {
        texts.push(format!("{prefix}%"));
        clauses.push(format!("region_code LIKE ${}", texts.len()));
    }
    let mut ints = Vec::new();
    if let (Some(from), Some(before)) = (q.from_ms, q.before_ms) {
        ints.extend([from, before]);
        clauses.push(format!("published_ms >= ${} AND published_ms < ${}", texts.len() + 1, texts.len() + 2));
    }
    (clauses.join(" AND "), texts, ints)
}

/// Runs the query's page (and its facets for the faceted kind); returns the hits on the page and
/// the number of matches when facets were counted.
async fn pg_query(conn: &mut PgConnection, q: &BenchQuery) -> Result<(usize, Option<u64>)> {
    let (cond, texts, ints) = pg_where(q);
    let page_sql = format!("SELECT tender_id FROM notices WHERE {cond} ORDER BY published_ms DESC LIMIT {PAGE}");
    let mut page = sqlx::query(sqlx::AssertSqlSafe(page_sql));
    for t in &texts {
        page = page.bind(t);
    }
    for i in &ints {
        page = page.bind(i);
    }
    let hits = page.fetch_all(&mut *conn).await?.len();
    if !q.facets {
        return Ok((hits, None));
    }
    // The counts by category, by province, and in all, in one pass over the matches.
    let facet_sql = format!(
        "SELECT category, left(region_code, 2) AS province, count(*) FROM notices WHERE {cond} \
         GROUP BY GROUPING SETS ((category), (left(region_code, 2)), ())"
    );
    let mut facets = sqlx::query(sqlx::AssertSqlSafe(facet_sql));
    for t in &texts {
        facets = facets.bind(t);
    }
    for i in &ints {
        facets = facets.bind(i);
    }
    let mut total = 0;
    for row in facets.fetch_all(&mut *conn).await? {
        let category: Option<String> = row.try_get(0)?;
        let province: Option<String> = row.try_get(1)?;
        if category.is_none() && province.is_none() {
            total = u64::try_from(row.try_get::<i64, _>(2)?)?;
        }
    }
    Ok((hits, Some(total)))
}

// ---------------------------------------------------------------------------------------------
// Report

struct Report<'a> {
    args: &'a Args,
    docs: &'a [NoticeDoc],
    text_bytes: usize,
    body_chars: usize,
    generated: Duration,
    tantivy: &'a Built,
    queries: &'a [BenchQuery],
    tantivy_runs: &'a [Run],
    postgres: Option<&'a PgOutcome>,
    peak_rss_mb: f64,
    index_rss_mb: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    n: usize,
    p50_ms: f64,
    p99_ms: f64,
    mean_ms: f64,
    max_ms: f64,
    with_hits: usize,
}

fn stats(runs: &[&Run]) -> Stats {
    if runs.is_empty() {
        return Stats::default();
    }
    let mut ms: Vec<f64> = runs.iter().map(|r| r.latency.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    let rank = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    Stats {
        n: ms.len(),
        p50_ms: rank(0.50),
        p99_ms: rank(0.99),
        mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
        max_ms: ms[ms.len() - 1],
        with_hits: runs.iter().filter(|r| r.hits > 0).count(),
    }
}

fn by_kind<'a>(queries: &[BenchQuery], runs: &'a [Run], kind: Option<Kind>) -> Vec<&'a Run> {
    queries[WARM_UP..].iter().zip(runs).filter(|(q, _)| kind.is_none_or(|k| q.kind == k)).map(|(_, r)| r).collect()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn report(r: &Report<'_>) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let t = r.tantivy;
    println!();
    println!(
        "P3 search: {} notices (seed {}), {} timed queries, {cores} cores",
        r.docs.len(),
        r.args.seed,
        r.tantivy_runs.len()
    );
    println!(
        "corpus: {:.0} MB of text, mean body {:.0} characters, generated in {:.1} s",
        r.text_bytes as f64 / 1e6,
        r.body_chars as f64 / r.docs.len() as f64,
        r.generated.as_secs_f64()
    );
    println!(
        "tantivy index (RAM): build {:.1} s = {:.1} s indexing ({} writer threads, {} MB, chunks of {CHUNK}) + {:.1} s merging {} segments into 1; size {:.0} MB (tantivy space usage); peak RSS after build {:.0} MB",
        (t.indexing + t.merging).as_secs_f64(),
        t.indexing.as_secs_f64(),
        r.args.writer_threads,
        r.args.writer_mb,
        t.merging.as_secs_f64(),
        t.segments_before_merge,
        t.size_bytes as f64 / 1e6,
        r.index_rss_mb
    );
    if let Some(pg) = r.postgres {
        println!(
            "{}: COPY {:.1} s, indexes + VACUUM ANALYZE {:.1} s, table with indexes {:.0} MB ({})",
            pg.version,
            pg.copy.as_secs_f64(),
            pg.indexes.as_secs_f64(),
            pg.table_mb,
            pg.settings
        );
    }
    println!();
    println!(
        "| {:<10} | {:>3} | {:>11} | {:>11} | {:>10} | {:>10} | {:>9} | {:>9} | {:>11} |",
        "kind", "n", "tantivy p50", "tantivy p99", "ILIKE p50", "ILIKE p99", "ratio p50", "ratio p99", "with hits"
    );
    println!(
        "|{}|",
        [
            "-".repeat(12),
            "-".repeat(5),
            "-".repeat(13),
            "-".repeat(13),
            "-".repeat(12),
            "-".repeat(12),
            "-".repeat(11),
            "-".repeat(11),
            "-".repeat(13)
        ]
        .join("|")
    );
    let mut json_kinds = Vec::new();
    let rows: Vec<Option<Kind>> = Kind::ALL.iter().copied().map(Some).chain([None]).collect();
    for kind in rows {
        let ts = stats(&by_kind(r.queries, r.tantivy_runs, kind));
        let ps = r.postgres.map(|pg| stats(&by_kind(r.queries, &pg.runs, kind)));
        let name = kind.map_or("all", Kind::as_str);
        let (p50, p99, r50, r99, hits) = match ps {
            Some(ps) => (
                format!("{:.1} ms", ps.p50_ms),
                format!("{:.1} ms", ps.p99_ms),
                format!("{:.0}×", ps.p50_ms / ts.p50_ms),
                format!("{:.0}×", ps.p99_ms / ts.p99_ms),
                format!("{}/{}", ts.with_hits, ps.with_hits),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into(), format!("{}/-", ts.with_hits)),
        };
        println!(
            "| {name:<10} | {:>3} | {:>8.2} ms | {:>8.2} ms | {p50:>10} | {p99:>10} | {r50:>9} | {r99:>9} | {hits:>11} |",
            ts.n, ts.p50_ms, ts.p99_ms
        );
        json_kinds.push(serde_json::json!({
            "kind": name,
            "queries": ts.n,
            "tantivy_p50_ms": round3(ts.p50_ms),
            "tantivy_p99_ms": round3(ts.p99_ms),
            "tantivy_mean_ms": round3(ts.mean_ms),
            "tantivy_max_ms": round3(ts.max_ms),
            "tantivy_with_hits": ts.with_hits,
            "ilike_p50_ms": ps.map(|s| round3(s.p50_ms)),
            "ilike_p99_ms": ps.map(|s| round3(s.p99_ms)),
            "ilike_mean_ms": ps.map(|s| round3(s.mean_ms)),
            "ilike_with_hits": ps.map(|s| s.with_hits),
            "ratio_p50": ps.map(|s| round3(s.p50_ms / ts.p50_ms)),
            "ratio_p99": ps.map(|s| round3(s.p99_ms / ts.p99_ms)),
        }));
    }
    println!(
        "(with hits: queries with at least one hit, tantivy/ILIKE; jieba words and substrings do not match the same rows)"
    );

    // The faceted queries' match counts, side by side: how far word and substring matching differ.
    let mut facet_totals = Vec::new();
    if let Some(pg) = r.postgres {
        for (tr, pr) in r.tantivy_runs.iter().zip(&pg.runs) {
            if let (Some(a), Some(b)) = (tr.total, pr.total) {
                facet_totals.push((a, b));
            }
        }
        let (sa, sb): (u64, u64) = facet_totals.iter().fold((0, 0), |(x, y), (a, b)| (x + a, y + b));
        println!("faceted queries: {} matches counted by tantivy, {} by ILIKE (summed over the queries)", sa, sb);
    }
    let all_t = stats(&by_kind(r.queries, r.tantivy_runs, None));
    let all_p = r.postgres.map(|pg| stats(&by_kind(r.queries, &pg.runs, None)));
    let slowest = r.queries[WARM_UP..]
        .iter()
        .zip(r.tantivy_runs)
        .max_by_key(|(_, run)| run.latency)
        .map(|(q, run)| format!("{} ({:.1} ms)", q.describe(), run.latency.as_secs_f64() * 1e3))
        .unwrap_or_default();
    println!("slowest tantivy query: {slowest}");
    let p99_ok = all_t.p99_ms <= GOAL_P99_MS;
    let ratio = all_p.map(|p| p.p99_ms / all_t.p99_ms);
    println!(
        "goals: tantivy p99 {:.1} ms ≤ {GOAL_P99_MS} ms: {}; ILIKE/tantivy {}: {}",
        all_t.p99_ms,
        if p99_ok { "met" } else { "MISSED" },
        ratio.map_or("-".to_owned(), |x| format!(
            "{x:.0}× (p99), {:.0}× (p50)",
            all_p.map_or(0.0, |p| p.p50_ms / all_t.p50_ms)
        )),
        match ratio {
            Some(x) if x >= GOAL_RATIO => "met",
            Some(_) => "MISSED",
            None => "not measured",
        }
    );
    println!("peak RSS of this process: {:.0} MB", r.peak_rss_mb);
    let json = serde_json::json!({
        "bench": "search-notices",
        "notices": r.docs.len(),
        "seed": r.args.seed,
        "cores": cores,
        "queries": r.tantivy_runs.len(),
        "text_mb": round3(r.text_bytes as f64 / 1e6),
        "tantivy_build_s": round3((t.indexing + t.merging).as_secs_f64()),
        "tantivy_indexing_s": round3(t.indexing.as_secs_f64()),
        "tantivy_merge_s": round3(t.merging.as_secs_f64()),
        "tantivy_segments_before_merge": t.segments_before_merge,
        "tantivy_index_mb": round3(t.size_bytes as f64 / 1e6),
        "writer_threads": r.args.writer_threads,
        "writer_mb": r.args.writer_mb,
        "search_threads": r.args.search_threads,
        "postgres": r.postgres.map(|pg| serde_json::json!({
            "version": pg.version,
            "settings": pg.settings,
            "copy_s": round3(pg.copy.as_secs_f64()),
            "indexes_s": round3(pg.indexes.as_secs_f64()),
            "table_mb": round3(pg.table_mb),
        })),
        "kinds": json_kinds,
        "peak_rss_mb": round3(r.peak_rss_mb),
    });
    println!("{json}");
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
