//! Demo expert pool and draws: 40 experts across specialties and regions of Zhejiang (two linked to
//! the demo users `expert` and `expert2`, three employed by demo bidders, one suspended), and two
//! draws made through the ordinary use cases so that `ggzy verify SOURCE --draw all` reproduces
//! them: one on the tender left opened (a member declines and is replaced from the same stream),
//! one on the tender whose committee is formed afterwards (a remote cross-region slot).

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::events::{EmploymentDetails, QualificationDetails};
use ggzy_app::expert::{DrawInput, DrawSlotInput, DrawView, ExpertInput};
use ggzy_domain::ResidentId;

use crate::demo::explain;

/// (name, county of residence, specialties) of the demo pool, in registration order.
const EXPERTS: [(&str, &str, &[&str]); 40] = [
    ("吴海涛", "330106", &["A0101"]),
    ("郑丽华", "330102", &["C0102"]),
    ("钱立新", "330105", &["A0101", "A0105"]),
    ("孙雅琴", "330108", &["C0102", "C0601"]),
    ("周建明", "330110", &["A0101"]),
    ("冯晓东", "330106", &["A0102"]),
    ("陈思远", "330203", &["A0101"]),
    ("褚文博", "330205", &["A0101", "A0104"]),
    ("卫国平", "330302", &["A0101"]),
    ("蒋慧敏", "330402", &["C0102"]),
    ("沈一鸣", "330502", &["A0101"]),
    ("韩志刚", "330602", &["A0201", "A0203"]),
    ("杨秀英", "330702", &["A0101"]),
    ("朱红梅", "330106", &["C0102"]),
    ("秦少华", "330105", &["A0201"]),
    ("尤金龙", "330203", &["C0102"]),
    ("许家宁", "330302", &["A0102", "A0103"]),
    ("何振华", "330102", &["A0101"]),
    ("吕梦婷", "330402", &["A0201"]),
    ("施国强", "330502", &["C0102", "C0103"]),
    ("张永康", "330602", &["A0101"]),
    ("孔令仪", "330702", &["A0106"]),
    ("曹德胜", "330802", &["A0101"]),
    ("严静怡", "330902", &["C0102"]),
    ("华建军", "331002", &["A0101"]),
    ("金玉兰", "331102", &["A0201"]),
    ("魏明哲", "330106", &["A0107"]),
    ("陶海燕", "330203", &["A0101"]),
    ("姜文涛", "330302", &["C0301"]),
    ("戚美玲", "330402", &["A0101"]),
    ("谢宏伟", "330105", &["A0101", "C0301"]),
    ("邹雨欣", "330110", &["C0102"]),
    ("喻志远", "330502", &["A0202"]),
    ("柏晓峰", "330602", &["A0101"]),
    ("水晶晶", "330702", &["C0102"]),
    ("窦国栋", "330802", &["A0101"]),
    ("章立群", "330902", &["A0108"]),
    ("云飞扬", "331002", &["A0101"]),
    ("苏婉清", "331102", &["C0102"]),
    ("潘永福", "330106", &["A0101"]),
];

/// A valid resident ID for a county, birth date and sequence (the check character computed by trying
/// each, as the parser checks it).
fn resident_id(county: &str, birth: &str, sequence: usize) -> anyhow::Result<String> {
    let body = format!("{county}{birth}{:03}", sequence % 1000);
    "0123456789X"
        .chars()
        .map(|check| format!("{body}{check}"))
        .find(|number| ResidentId::parse(number).is_ok())
        .with_context(|| format!("no check character for {body}"))
}

/// Registers the demo pool as the province's admin: `employers` are demo entities (the first ones are the
/// demo bidders), `linked` the users of the first experts. Returns the experts' ids.
pub async fn seed_experts(
    app: &App,
    keeper: &Actor,
    employers: &[String],
    linked: &[String],
) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(EXPERTS.len());
    for (i, (name, county, specialties)) in EXPERTS.iter().enumerate() {
        let birth = format!("{}{:02}{:02}", 1958 + i % 22, 1 + i % 12, 1 + (i * 7) % 28);
        // Experts 4, 9 and 20 work for the demo bidders (avoided when those bid); the rest for
        // entities outside the demo's tenders, or for none (retired).
        let employments = match i {
            4 | 9 | 20 => employers.get((i / 5) % 3).cloned().into_iter().collect(),
            _ if i % 3 == 0 => Vec::new(),
            _ => employers.get(3 + i % employers.len().saturating_sub(3).max(1)).cloned().into_iter().collect(),
        }
        .into_iter()
        .map(|employer_credit_code| EmploymentDetails {
            employer_credit_code,
            from: "2010-03-01".to_owned(),
            until: None,
        })
        .collect();
        let input = ExpertInput {
            expert_id: Some(format!("ZJ{:04}", i + 1)),
            name: (*name).to_owned(),
            resident_id: resident_id(county, &birth, 11 + i)?,
            region_code: (*county).to_owned(),
            phone: format!("139{:08}", 57_100_000 + i * 37),
            user_id: linked.get(i).cloned(),
            employments,
            career_start: format!("{}-07-01", 1982 + i % 20),
            specialties: specialties.iter().map(|s| (*s).to_owned()).collect(),
            qualifications: vec![QualificationDetails {
                level: if i % 4 == 0 { "practice" } else { "senior" }.to_owned(),
                name: if i % 4 == 0 { "一级注册建造师" } else { "高级工程师" }.to_owned(),
                certificate_no: format!("ZJG{:06}", 202_000 + i),
                valid_until: None,
            }],
            ..ExpertInput::default()
        };
        let view =
            app.register_expert(keeper, input).await.map_err(explain).with_context(|| format!("expert {name}"))?;
        ids.push(view.details.expert_id);
    }
    // One expert is suspended after a failed assessment: the screen excludes them.
    app.change_expert_status(
        keeper,
        &ids[12],
        "suspend",
        "年度考核不合格，暂停评标资格六个月（招标投标法实施条例 第七十一条）",
    )
    .await
    .map_err(explain)
    .context("suspending an expert")?;
    Ok(ids)
}

/// Schedules and makes a draw for lot 1 of a tender at `now + 1 minute`, the evaluation starting
/// two hours later; the caller's clock is moved on by `advance` (one minute).
pub async fn draw(
    app: &App,
    requester: &Actor,
    center: &Actor,
    tender_id: &str,
    slots: Vec<DrawSlotInput>,
    advance: impl Fn(i64),
) -> anyhow::Result<DrawView> {
    let now = app.now_ms();
    let input = DrawInput {
        slots,
        draw_at_ms: now + 60_000,
        evaluation_start_ms: now + 2 * 3_600_000,
        evaluation_end_ms: now + 8 * 3_600_000,
        excluded_by_name: Vec::new(),
    };
    let scheduled = app.schedule_draw(requester, tender_id, "1", input).await.map_err(explain).context("scheduling")?;
    advance(60_000);
    app.perform_draw(center, &scheduled.schedule.draw_id).await.map_err(explain).context("drawing")
}

/// The first sitting member declines and is replaced from the same stream.
pub async fn decline_and_replace(app: &App, center: &Actor, view: &DrawView) -> anyhow::Result<DrawView> {
    let draw_id = &view.schedule.draw_id;
    let first = view.sitting().next().map(|p| p.pick.expert_id.clone()).context("a drawn member")?;
    app.answer_draw(center, draw_id, &first, false, "评标当日已有其他项目评审任务，无法参加").await.map_err(explain)?;
    let replaced = app.replace_drawn_expert(center, draw_id, &first, "declined").await.map_err(explain)?;
    for pick in replaced.sitting() {
        app.answer_draw(center, draw_id, &pick.pick.expert_id, true, "").await.map_err(explain)?;
    }
    app.draw(Some(center), draw_id).await.map_err(explain)
}
