//! Demo data: a small but realistic platform (regions, market entities, one user per role) seeded
//! into an empty store through the ordinary use cases, so every row is a real event of the hash
//! chain and the demo exercises the same validation and projections as production.
//!
//! The data set is fixed: the same regions, entities and users every run (ids, salts and
//! timestamps still come from the app's entropy and clock). Credit codes and resident ID numbers
//! are invented but carry correct check characters, computed here from their bodies and then
//! parsed by the domain validators, so a demo code is never one the platform would reject.

use anyhow::{Context as _, anyhow, bail};
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::credit::{CreditDecision, NewCreditRecord};
use ggzy_app::entity::EntityInput;
use ggzy_app::error::AppError;
use ggzy_app::identity::NewUser;
use ggzy_domain::role::{Role, RoleGrant};
use ggzy_domain::{CreditCode, OrgCode, RegionCode, ResidentId};

/// The password of every demo user (documented in the README; never use the demo in production).
pub const DEMO_PASSWORD: &str = "ggzy-demo-2026";

/// What [`seed_demo`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Platform regions enabled.
    pub regions: usize,
    /// Market entities registered.
    pub entities: usize,
    /// Demo users as (username, Chinese role label), in creation order.
    pub users: Vec<(String, String)>,
}

/// Platform regions, parents before children: a county joins under the nearest enabled region
/// above it, so enabling 浙江省 before 杭州市 before 西湖区 builds the branch hierarchy.
const DEMO_REGIONS: [&str; 5] = ["330000", "330100", "330106", "330200", "110000"];

/// One demo market entity; codes are built from the bodies given here.
struct DemoEntity {
    name: &'static str,
    /// Registration region (one of [`DEMO_REGIONS`]), also positions 3–8 of the credit code.
    region: &'static str,
    /// The 8 body characters of the embedded GB 11714 organisation code (USCC positions 9–16).
    org_body: &'static str,
    legal_rep: &'static str,
    /// The legal representative's ID: address code (a county of the entity's region), birth
    /// date `YYYYMMDD` and the 3-digit sequence number (odd male, even female).
    rep_address: &'static str,
    rep_birth: &'static str,
    rep_sequence: &'static str,
    contact: &'static str,
    phone: &'static str,
    address: &'static str,
}

const DEMO_ENTITIES: [DemoEntity; 14] = [
    // Principals (招标人).
    DemoEntity {
        name: "杭州市城市建设投资集团有限公司",
        region: "330100",
        org_body: "72587219",
        legal_rep: "沈建平",
        rep_address: "330102",
        rep_birth: "19680314",
        rep_sequence: "031",
        contact: "林佳慧",
        phone: "0571-87061325",
        address: "浙江省杭州市上城区钱江路1366号",
    },
    DemoEntity {
        name: "浙江省交通投资集团有限公司",
        region: "330000",
        org_body: "76961425",
        legal_rep: "俞志宏",
        rep_address: "330105",
        rep_birth: "19650922",
        rep_sequence: "017",
        contact: "郑文杰",
        phone: "0571-85301768",
        address: "浙江省杭州市拱墅区环城北路303号",
    },
    DemoEntity {
        name: "宁波市轨道交通集团有限公司",
        region: "330200",
        org_body: "68210487",
        legal_rep: "王海波",
        rep_address: "330203",
        rep_birth: "19710607",
        rep_sequence: "053",
        contact: "叶晓峰",
        phone: "0574-83887216",
        address: "浙江省宁波市鄞州区宁穿路3399号",
    },
    DemoEntity {
        name: "杭州市西湖区城市发展投资有限公司",
        region: "330106",
        org_body: "MA27WH3K",
        legal_rep: "周雪梅",
        rep_address: "330106",
        rep_birth: "19760418",
        rep_sequence: "026",
        contact: "吴婷",
        phone: "0571-87962410",
        address: "浙江省杭州市西湖区文三路478号",
    },
    // Bidders (投标人).
    DemoEntity {
        name: "浙江省建工集团有限责任公司",
        region: "330000",
        org_body: "14291836",
        legal_rep: "钱国强",
        rep_address: "330108",
        rep_birth: "19660130",
        rep_sequence: "075",
        contact: "张伟",
        phone: "0571-87053390",
        address: "浙江省杭州市滨江区江虹路1750号",
    },
    DemoEntity {
        name: "中国建筑第八工程局有限公司",
        region: "110000",
        org_body: "13420571",
        legal_rep: "马振华",
        rep_address: "110105",
        rep_birth: "19690811",
        rep_sequence: "019",
        contact: "高明",
        phone: "010-65862237",
        address: "北京市朝阳区安定路5号院",
    },
    DemoEntity {
        name: "杭州西湖建设集团有限公司",
        region: "330106",
        org_body: "14311758",
        legal_rep: "胡晓东",
        rep_address: "330106",
        rep_birth: "19730225",
        rep_sequence: "011",
        contact: "刘芳",
        phone: "0571-88931045",
        address: "浙江省杭州市西湖区天目山路226号",
    },
    DemoEntity {
        name: "宁波建工工程集团有限公司",
        region: "330200",
        org_body: "MA2AH7N3",
        legal_rep: "徐丽君",
        rep_address: "330212",
        rep_birth: "19780903",
        rep_sequence: "048",
        contact: "陈斌",
        phone: "0574-87713852",
        address: "浙江省宁波市鄞州区兴宁路46号",
    },
    DemoEntity {
        name: "浙江之江市政园林工程有限公司",
        region: "330100",
        org_body: "MA28C4QT",
        legal_rep: "陆斌",
        rep_address: "330110",
        rep_birth: "19820516",
        rep_sequence: "037",
        contact: "杨帆",
        phone: "0571-86213377",
        address: "浙江省杭州市余杭区五常大道181号",
    },
    DemoEntity {
        name: "北京城建华晟交通建设有限公司",
        region: "110000",
        org_body: "MA01DE5R",
        legal_rep: "刘建军",
        rep_address: "110108",
        rep_birth: "19671029",
        rep_sequence: "093",
        contact: "赵磊",
        phone: "010-82516608",
        address: "北京市海淀区北三环西路43号",
    },
    // Agencies (招标代理机构).
    DemoEntity {
        name: "浙江求是工程咨询监理有限公司",
        region: "330100",
        org_body: "MA2CJ8L6",
        legal_rep: "蒋文涛",
        rep_address: "330106",
        rep_birth: "19740712",
        rep_sequence: "055",
        contact: "孙磊",
        phone: "0571-87952018",
        address: "浙江省杭州市西湖区教工路149号",
    },
    DemoEntity {
        name: "宁波国际招标有限公司",
        region: "330200",
        org_body: "14406522",
        legal_rep: "章慧敏",
        rep_address: "330203",
        rep_birth: "19700201",
        rep_sequence: "062",
        contact: "方琳",
        phone: "0574-87194655",
        address: "浙江省宁波市海曙区药行街42号",
    },
    // Invented contractors named in the demo's credit records (信用记录): a restriction and a fine.
    DemoEntity {
        name: "杭州演示路桥工程有限公司",
        region: "330100",
        org_body: "MA2J5R8W",
        legal_rep: "马国庆",
        rep_address: "330105",
        rep_birth: "19760309",
        rep_sequence: "071",
        contact: "韩冬",
        phone: "0571-88002611",
        address: "浙江省杭州市拱墅区湖州街88号（演示地址）",
    },
    DemoEntity {
        name: "宁波演示水利建设有限公司",
        region: "330200",
        org_body: "MA2K7T4X",
        legal_rep: "叶明",
        rep_address: "330212",
        rep_birth: "19800815",
        rep_sequence: "024",
        contact: "许静",
        phone: "0574-88216502",
        address: "浙江省宁波市鄞州区天童南路66号（演示地址）",
    },
];

/// One demo user; `member_of` indexes [`DEMO_ENTITIES`].
struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    /// Home region, and the region the role is granted for.
    region: &'static str,
    member_of: Option<usize>,
}

const DEMO_USERS: [DemoUser; 11] = [
    DemoUser { username: "admin", display_name: "王建国", role: Role::Admin, region: "330000", member_of: None },
    DemoUser {
        username: "center", display_name: "李晓燕", role: Role::CenterStaff, region: "330100", member_of: None
    },
    DemoUser {
        username: "regulator",
        display_name: "陈志强",
        role: Role::Regulator,
        region: "330100",
        member_of: None,
    },
    DemoUser {
        username: "regulator-zj",
        display_name: "周国平",
        role: Role::Regulator,
        region: "330000",
        member_of: None,
    },
    DemoUser {
        username: "principal",
        display_name: "赵敏",
        role: Role::Principal,
        region: "330100",
        member_of: Some(0),
    },
    DemoUser { username: "agency", display_name: "孙磊", role: Role::Agency, region: "330100", member_of: Some(10) },
    DemoUser { username: "bidder1", display_name: "张伟", role: Role::Bidder, region: "330100", member_of: Some(4) },
    DemoUser { username: "bidder2", display_name: "刘芳", role: Role::Bidder, region: "330100", member_of: Some(6) },
    DemoUser { username: "bidder3", display_name: "何俊", role: Role::Bidder, region: "330100", member_of: Some(8) },
    DemoUser { username: "expert", display_name: "吴海涛", role: Role::Expert, region: "330100", member_of: None },
    DemoUser { username: "expert2", display_name: "郑丽华", role: Role::Expert, region: "330100", member_of: None },
];

/// Fills an empty store with the demo data set. Refuses a store that already has platform
/// regions: seeding twice would fail half-way on duplicates and leave a mixed log behind.
pub async fn seed_demo(app: &App) -> anyhow::Result<DemoSummary> {
    let existing = app.platform_regions().await.map_err(explain).context("reading platform regions")?;
    if !existing.is_empty() {
        bail!("demo data already present");
    }
    let system = Actor::system(region("330000")?);

    for code in DEMO_REGIONS {
        app.enable_platform_region(&system, &region(code)?)
            .await
            .map_err(explain)
            .with_context(|| format!("enabling platform region {code}"))?;
    }

    let mut credit_codes = Vec::with_capacity(DEMO_ENTITIES.len());
    for entity in &DEMO_ENTITIES {
        let credit_code = credit_code(entity.region, entity.org_body)?;
        let input = EntityInput {
            credit_code: credit_code.clone(),
            name: entity.name.to_owned(),
            region: region(entity.region)?,
            legal_rep_name: entity.legal_rep.to_owned(),
            legal_rep_id: resident_id(entity.rep_address, entity.rep_birth, entity.rep_sequence)?,
            contact_name: entity.contact.to_owned(),
            contact_phone: entity.phone.to_owned(),
            address: entity.address.to_owned(),
        };
        app.register_entity(&system, input)
            .await
            .map_err(explain)
            .with_context(|| format!("registering {}", entity.name))?;
        credit_codes.push(credit_code);
    }

    let mut users = Vec::with_capacity(DEMO_USERS.len());
    for user in &DEMO_USERS {
        let home = region(user.region)?;
        let new = NewUser {
            username: user.username.to_owned(),
            display_name: user.display_name.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            region: home,
            grants: vec![RoleGrant { role: user.role, region: home }],
        };
        let view = app
            .create_user(&system, new)
            .await
            .map_err(explain)
            .with_context(|| format!("creating user {}", user.username))?;
        if let Some(index) = user.member_of {
            let code = credit_codes.get(index).with_context(|| format!("demo entity {index} missing"))?;
            app.add_entity_member(&system, code.as_str(), &view.user_id)
                .await
                .map_err(explain)
                .with_context(|| format!("adding {} to {}", user.username, code))?;
        }
        users.push((user.username.to_owned(), user.role.label_zh().to_owned()));
    }
    seed_credit(app, &system, &credit_codes).await?;

    Ok(DemoSummary { regions: DEMO_REGIONS.len(), entities: credit_codes.len(), users })
}

/// Two credit records decided by the province (浙江省) against the two invented contractors: a
/// restriction from tendering, which bars it on every platform of the deployment (一处失信、处处受限),
/// and a fine. Neither entity is a demo bidder's.
async fn seed_credit(app: &App, system: &Actor, credit_codes: &[CreditCode]) -> anyhow::Result<()> {
    let code_of = |name: &str| -> anyhow::Result<String> {
        let index = DEMO_ENTITIES.iter().position(|entity| entity.name == name).context("demo entity")?;
        credit_codes.get(index).map(|code| code.as_str().to_owned()).context("demo entity code")
    };
    let today = ggzy_domain::china_time::date_of(app.now_ms());
    let decided = today - jiff::Span::new().days(20);
    let year_later = decided + jiff::Span::new().years(1) - jiff::Span::new().days(1);
    let records = [
        NewCreditRecord {
            region: region("330000")?,
            decision: CreditDecision {
                credit_code: code_of("杭州演示路桥工程有限公司")?,
                kind: "restriction".to_owned(),
                scope: Some("tendering".to_owned()),
                authority: "浙江省发展和改革委员会".to_owned(),
                document_no: "浙发改法罚〔2026〕7号（演示）".to_owned(),
                decided_on: decided.to_string(),
                barred_from: Some(decided.to_string()),
                barred_until: Some(year_later.to_string()),
                basis: "招标投标法实施条例 第六十七条".to_owned(),
                facts: "在某高速公路改扩建工程施工招标中与其他投标人相互串通投标，情节严重（演示数据）".to_owned(),
            },
        },
        NewCreditRecord {
            region: region("330000")?,
            decision: CreditDecision {
                credit_code: code_of("宁波演示水利建设有限公司")?,
                kind: "penalty".to_owned(),
                scope: None,
                authority: "浙江省住房和城乡建设厅".to_owned(),
                document_no: "浙建罚〔2026〕23号（演示）".to_owned(),
                decided_on: decided.to_string(),
                barred_from: None,
                barred_until: None,
                basis: "招标投标法 第五十四条".to_owned(),
                facts: "以他人名义投标，处中标项目金额千分之五的罚款（演示数据）".to_owned(),
            },
        },
    ];
    for record in records {
        app.record_credit(system, record).await.map_err(explain).context("recording a demo credit record")?;
    }
    Ok(())
}

/// What a store seeded earlier holds, in the shape [`seed_demo`] reports: counts of platform
/// regions and entities, and the demo users that exist (so `ggzy demo` can list the logins again
/// on a second start without seeding).
pub async fn summary(app: &App) -> anyhow::Result<DemoSummary> {
    let regions = app.platform_regions().await.map_err(explain).context("reading platform regions")?.len();
    let mut entities = 0;
    let mut after: Option<String> = None;
    loop {
        let page = app.list_entities(None, after.as_deref(), 200).await.map_err(explain).context("listing entities")?;
        let Some(last) = page.last() else { break };
        after = Some(last.credit_code.clone());
        entities += page.len();
    }
    let system = Actor::system(region("330000")?);
    let mut usernames = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = app.list_users(&system, after.as_deref(), 200).await.map_err(explain).context("listing users")?;
        let Some(last) = page.last() else { break };
        after = Some(last.username.clone());
        usernames.extend(page.into_iter().map(|user| user.username));
    }
    let users = DEMO_USERS
        .iter()
        .filter(|user| usernames.contains(user.username))
        .map(|user| (user.username.to_owned(), user.role.label_zh().to_owned()))
        .collect();
    Ok(DemoSummary { regions, entities, users })
}

/// An app error with its field messages spelled out (the error's own Display omits them).
pub(crate) fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(fields) => {
            let details: Vec<String> =
                fields.iter().map(|field| format!("{} ({}): {}", field.field, field.code, field.message)).collect();
            anyhow!("invalid input: {}", details.join("; "))
        }
        other => anyhow::Error::new(other),
    }
}

fn region(code: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(code).map_err(|e| anyhow!("demo region code {code}: {e}"))
}

/// A unified social credit code of an enterprise (`9` 市场监管, `1` 企业) registered in `region`,
/// embedding the organisation code `org_body` + its GB 11714 check, closed by the GB 32100 check
/// character. Parsed back through [`CreditCode::parse`], which re-checks both check characters.
pub fn credit_code(region: &str, org_body: &str) -> anyhow::Result<CreditCode> {
    let org_check = OrgCode::check_char_for(org_body).with_context(|| format!("organisation code body {org_body}"))?;
    let body = format!("91{region}{org_body}{org_check}");
    let check = CreditCode::check_char_for(&body).with_context(|| format!("credit code body {body}"))?;
    CreditCode::parse(&format!("{body}{check}")).map_err(|e| anyhow!("demo credit code {body}{check}: {e}"))
}

/// GB 11643 weights of positions 1–17 (RULES.md 8.3).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character indexed by Σ dᵢ·Wᵢ mod 11.
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A resident ID number from address code, birth date and sequence number, with its GB 11643
/// check character; parsed back through [`ResidentId::parse`] (which also checks the date).
fn resident_id(address: &str, birth: &str, sequence: &str) -> anyhow::Result<ResidentId> {
    let body = format!("{address}{birth}{sequence}");
    if body.len() != ID_WEIGHTS.len() {
        bail!("resident ID body {body} is not 17 digits");
    }
    let mut sum = 0;
    for (c, weight) in body.chars().zip(ID_WEIGHTS) {
        sum += c.to_digit(10).with_context(|| format!("resident ID body {body}: not a digit: {c}"))? * weight;
    }
    let index = usize::try_from(sum % 11).context("check index")?;
    let check = ID_CHECK.get(index).with_context(|| format!("check index {index}"))?;
    ResidentId::parse(&format!("{body}{check}")).map_err(|e| anyhow!("demo resident ID: {e}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use ggzy_app::AppConfig;
    use ggzy_app::clock::FakeClock;
    use ggzy_app::entropy::OsEntropy;
    use ggzy_domain::RegionTable;
    use ggzy_store::testkit::TestDb;

    use super::*;
    use crate::verify::{VerifyOutcome, verify_store_chain};

    /// An app over a fresh test database, with a fake clock at 2026-03-02 09:00 Beijing time.
    pub(crate) async fn test_app(db: &TestDb) -> App {
        let table = RegionTable::parse_csv(include_str!("../../../data/regions/gbt2260.csv")).expect("region table");
        let start: jiff::Timestamp = "2026-03-02T01:00:00Z".parse().expect("timestamp");
        App::new(
            db.store().await,
            Arc::new(FakeClock::at(start.as_millisecond())),
            Arc::new(OsEntropy),
            Arc::new(table),
            AppConfig::default(),
        )
        .expect("app")
    }

    #[test]
    fn check_characters_match_the_published_examples() {
        // RULES.md 8.1–8.3: 91110000600037341L, org body 60003734 → 1, 11010519491231002X.
        assert_eq!(OrgCode::check_char_for("60003734"), Some('1'));
        assert_eq!(OrgCode::check_char_for("M000100Y"), Some('4'));
        assert_eq!(credit_code("110000", "60003734").expect("credit code").as_str(), "91110000600037341L");
        assert_eq!(resident_id("110105", "19491231", "002").expect("resident id").as_str(), "11010519491231002X");
        assert_eq!(resident_id("360426", "19910101", "007").expect("resident id").as_str(), "360426199101010071");
    }

    #[test]
    fn every_demo_code_is_valid_and_distinct() {
        let mut codes = BTreeSet::new();
        for entity in &DEMO_ENTITIES {
            let code = credit_code(entity.region, entity.org_body).expect("valid credit code");
            assert_eq!(CreditCode::parse(code.as_str()).as_ref(), Ok(&code));
            assert_eq!(code.region_digits(), entity.region);
            assert!(codes.insert(code.as_str().to_owned()), "duplicate {code}");
            let id = resident_id(entity.rep_address, entity.rep_birth, entity.rep_sequence).expect("valid ID");
            assert_eq!(ResidentId::parse(id.as_str()).as_ref(), Ok(&id));
            assert!(DEMO_REGIONS.contains(&entity.region), "{} outside the demo regions", entity.name);
        }
    }

    #[tokio::test]
    async fn seeding_fills_an_empty_store_once_and_the_chain_verifies() {
        let db = TestDb::sqlite();
        let app = test_app(&db).await;
        let summary_of_seed = seed_demo(&app).await.expect("seed the demo");
        let summary = &summary_of_seed;
        assert_eq!(summary.regions, 5);
        assert_eq!(summary.entities, 14);

        let regions: Vec<String> =
            app.platform_regions().await.expect("regions").into_iter().map(|r| r.region_code).collect();
        assert_eq!(regions, ["110000", "330000", "330100", "330106", "330200"]);
        let xihu = app.platform_regions().await.expect("regions").into_iter().find(|r| r.region_code == "330106");
        assert_eq!(xihu.and_then(|r| r.parent_code).as_deref(), Some("330100"));

        let entities = app.list_entities(None, None, 200).await.expect("entities");
        assert_eq!(entities.len(), 14);
        for entity in &entities {
            CreditCode::parse(&entity.credit_code).expect("stored credit code is valid");
        }
        // The province's two decisions: the restriction runs, the fine bars nothing.
        let records = app.credit_records(10).await.expect("credit records");
        assert_eq!(records.iter().map(|record| record.in_force).filter(|in_force| *in_force).count(), 1);
        assert_eq!(records.len(), 2);

        // Every role but 社会公众 is held by someone, and everyone can log in with the demo password.
        let labels: BTreeSet<&str> = summary.users.iter().map(|(_, label)| label.as_str()).collect();
        for role in Role::ALL.into_iter().filter(|role| *role != Role::Public) {
            assert!(labels.contains(role.label_zh()), "no demo user is {}", role.label_zh());
        }
        for (username, _) in &summary.users {
            let session = app.login(username, DEMO_PASSWORD).await.expect("demo user logs in");
            let wants_entity = session.actor.grants.iter().any(|grant| grant.role.acts_for_entity());
            assert_eq!(!session.actor.entities.is_empty(), wants_entity, "{username} entity membership");
        }
        let admin = app.login("admin", DEMO_PASSWORD).await.expect("admin logs in");
        assert_eq!(admin.actor.grants, [RoleGrant { role: Role::Admin, region: region("330000").expect("code") }]);

        match verify_store_chain(app.store(), None).await.expect("verify") {
            VerifyOutcome::Intact { events, .. } => assert!(events > 30, "only {events} events"),
            broken => panic!("fresh demo chain is broken: {broken:?}"),
        }

        assert_eq!(super::summary(&app).await.expect("summary"), summary_of_seed);
        let again = seed_demo(&app).await.expect_err("second seed is refused");
        assert!(again.to_string().contains("demo data already present"), "{again:#}");
        app.store().close().await;
        db.drop_db().await;
    }
}
