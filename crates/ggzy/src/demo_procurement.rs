//! The demo's government procurements (政府采购), one or more per method in different states: an
//! open tender whose contract is published, another taking bids, an invited tender waiting for the
//! finance department's approval, a competitive negotiation whose result was objected to and is
//! suspended while a complaint is handled, a consultation whose report waits for the purchaser, an
//! inquiry taking quotes, a single source in its publicity with an objection, and a framework
//! agreement with a call-off. Each goes through the same use cases as the API.
//!
//! Their history starts 40 days before now under its own fake clock (an open tender needs its 20
//! days and more); within each procurement, times are in order.

use std::sync::Arc;

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::clock::FakeClock;
use ggzy_app::procurement::{CommitteeMemberRecord, EvaluationAsked, ProcurementRequest, SmeClaimRecord, StepAsked};
use ggzy_crypto::reference_price::reserve_commitment;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::{RegionCode, china_time};
use jiff::civil::{Date, Time};

use crate::demo::explain;
use crate::demo_tenders::login;

const DAY_MS: i64 = 86_400_000;
const WAN: i64 = 1_000_000;
/// The offers' salt in the demo (a real supplier keeps a random one secret until the opening).
const DEMO_SALT: [u8; 16] = *b"ggzy-demo-offer!";

/// A seeded procurement: id, state and title.
pub struct DemoProcurement {
    /// Procurement id.
    pub procurement_id: String,
    /// State (Chinese).
    pub state: &'static str,
    /// Title.
    pub title: String,
}

/// The procurements of a store seeded earlier, newest first.
pub async fn list(app: &App) -> anyhow::Result<Vec<DemoProcurement>> {
    let views = app.procurements(50).await.map_err(explain).context("listing procurements")?;
    Ok(views
        .into_iter()
        .map(|view| DemoProcurement {
            procurement_id: view.plan.procurement_id,
            state: view.state.label(),
            title: view.plan.request.title,
        })
        .collect())
}

/// `day` at `hour`:00 China time, UTC ms.
fn at(day: Date, hour: i8) -> anyhow::Result<i64> {
    china_time::instant_of(day.to_datetime(Time::constant(hour, 0, 0, 0))).context("date out of range")
}

/// Who acts in the demo procurements.
struct Cast {
    app: App,
    clock: FakeClock,
    calendar: HolidayCalendar,
    purchaser: Actor,
    purchaser_code: String,
    regulator: Actor,
    suppliers: Vec<(Actor, String)>,
    region: RegionCode,
}

impl Cast {
    fn today(&self) -> Date {
        china_time::date_of(self.app.now_ms())
    }

    /// The first working day at least `days` calendar days after today, at `hour`.
    fn after_days(&self, days: i64, hour: i8) -> anyhow::Result<i64> {
        let mut day = self.today() + jiff::Span::new().days(days);
        while !self.calendar.is_working_day(day).map_err(|e| anyhow::anyhow!("{e}"))? {
            day = day.tomorrow()?;
        }
        at(day, hour)
    }

    /// `n` working days after today, at `hour`.
    fn after_working_days(&self, n: u32, hour: i8) -> anyhow::Result<i64> {
        at(self.calendar.add_working_days(self.today(), n).map_err(|e| anyhow::anyhow!("{e}"))?, hour)
    }

    async fn plan(&self, request: ProcurementRequest) -> anyhow::Result<String> {
        let title = request.title.clone();
        let view = self
            .app
            .plan_procurement(&self.purchaser, self.region, request)
            .await
            .map_err(explain)
            .with_context(|| format!("planning {title}"))?;
        Ok(view.plan.procurement_id)
    }

    async fn step_by(&self, actor: &Actor, id: &str, asked: StepAsked) -> anyhow::Result<()> {
        let command = asked.command.clone();
        self.app
            .procurement_step(actor, id, asked)
            .await
            .map_err(explain)
            .with_context(|| format!("demo procurement step {command}"))?;
        Ok(())
    }

    async fn step(&self, id: &str, command: &str) -> anyhow::Result<()> {
        self.step_by(&self.purchaser, id, StepAsked { command: command.to_owned(), ..StepAsked::default() }).await
    }

    async fn step_with(&self, id: &str, asked: StepAsked) -> anyhow::Result<()> {
        self.step_by(&self.purchaser, id, asked).await
    }

    /// The three demo suppliers, named directly or (a library draw) drawn by the platform from them.
    fn invite(&self, selection: &str) -> StepAsked {
        let codes: Vec<String> = self.suppliers.iter().map(|(_, code)| code.clone()).collect();
        let drawn = selection == "library_draw";
        StepAsked {
            command: "invite_suppliers".to_owned(),
            selection: Some(selection.to_owned()),
            draw_count: drawn.then_some(codes.len()),
            candidates: if drawn { codes.clone() } else { Vec::new() },
            suppliers: if drawn { Vec::new() } else { codes },
            ..StepAsked::default()
        }
    }

    fn due(command: &str, offers_due_ms: i64) -> StepAsked {
        StepAsked { command: command.to_owned(), offers_due_ms: Some(offers_due_ms), ..StepAsked::default() }
    }

    async fn seal(&self, id: &str, prices: &[i64]) -> anyhow::Result<()> {
        for ((actor, code), price) in self.suppliers.iter().zip(prices) {
            let commitment = reserve_commitment(*price, &DEMO_SALT).map_err(|e| anyhow::anyhow!("{e}"))?;
            self.app
                .seal_procurement_offer(actor, id, code, &hex::encode(commitment))
                .await
                .map_err(explain)
                .context("demo offer")?;
        }
        Ok(())
    }

    async fn open(&self, id: &str, prices: &[i64], sme: &[SmeClaimRecord]) -> anyhow::Result<()> {
        for (i, ((actor, code), price)) in self.suppliers.iter().zip(prices).enumerate() {
            let claim = sme.get(i).copied().unwrap_or_default();
            self.app
                .open_procurement_offer(actor, id, code, *price, &hex::encode(DEMO_SALT), claim)
                .await
                .map_err(explain)
                .context("demo opening")?;
        }
        Ok(())
    }

    /// The committee's evaluation by five members (four experts drawn from the library and the
    /// purchaser's representative), with the points of every criterion but price.
    async fn evaluate(&self, id: &str, points: &[i64]) -> anyhow::Result<()> {
        let other_points = self.suppliers.iter().map(|(_, code)| code.clone()).zip(points.iter().copied()).collect();
        let member = |name: &str, expert: bool| CommitteeMemberRecord {
            name: name.to_owned(),
            expert,
            purchaser_staff: !expert,
            agency_staff: false,
        };
        let committee = vec![
            member("吴海涛", true),
            member("郑丽华", true),
            member("钱文博", true),
            member("冯晓燕", true),
            member("赵敏", false),
        ];
        let asked = EvaluationAsked { other_points, committee, ..EvaluationAsked::default() };
        self.app.evaluate_procurement(&self.purchaser, id, asked).await.map_err(explain).context("demo evaluation")?;
        Ok(())
    }

    fn request(
        &self,
        title: &str,
        method: &str,
        category: &str,
        budget_wan: i64,
        grounds: &[&str],
    ) -> ProcurementRequest {
        ProcurementRequest {
            title: title.to_owned(),
            purchaser_credit_code: self.purchaser_code.clone(),
            agency_credit_code: None,
            method: method.to_owned(),
            category: category.to_owned(),
            budget_fen: budget_wan * WAN,
            grounds: grounds.iter().map(|ground| (*ground).to_owned()).collect(),
            add_on_original_fen: None,
            add_on_total_fen: None,
            price_weight_percent: None,
            sme_deduction_percent: None,
            sme_share_deduction_percent: None,
            reserved_for_sme: false,
            single_source_supplier: None,
            justification: None,
            previous_procurement_id: None,
            bid_deposit_fen: None,
            uniform_standards: false,
        }
    }
}

/// Seeds the procurements; `now_ms` is the server's now.
pub async fn seed_procurements(app: &App, now_ms: i64) -> anyhow::Result<()> {
    let clock = FakeClock::at(now_ms - 40 * DAY_MS);
    let app = app.with_clock(Arc::new(clock.clone()));
    let purchaser = login(&app, "principal").await?;
    let purchaser_code = purchaser.entities.first().cloned().context("demo principal without an entity")?;
    let mut suppliers = Vec::new();
    for username in ["bidder1", "bidder2", "bidder3"] {
        let actor = login(&app, username).await?;
        let code = actor.entities.first().cloned().context("demo bidder without an entity")?;
        suppliers.push((actor, code));
    }
    let cast = Cast {
        regulator: login(&app, "regulator").await?,
        calendar: ggzy_app::calendar::builtin().map_err(|e| anyhow::anyhow!("built-in calendar: {e}"))?,
        region: RegionCode::parse("330100").map_err(|e| anyhow::anyhow!("{e}"))?,
        app,
        clock,
        purchaser,
        purchaser_code,
        suppliers,
    };
    // 1. An open tender (公开招标) of goods, 40 days ago; its contract is published.
    let open_done =
        cast.plan(cast.request("区属中小学智慧教室设备采购（演示）", "open_tender", "goods", 460, &[])).await?;
    let due = cast.after_days(30, 9)?;
    cast.step_with(&open_done, Cast::due("publish_notice", due)).await?;
    let prices = [438 * WAN, 445 * WAN, 429 * WAN];
    cast.seal(&open_done, &prices).await?;
    cast.clock.set_ms(due);
    cast.step(&open_done, "start_opening").await?;
    cast.open(&open_done, &prices, &[]).await?;
    for command in ["close_opening", "complete_review"] {
        cast.step(&open_done, command).await?;
    }
    cast.evaluate(&open_done, &[]).await?;
    for command in ["submit_report", "determine_winner", "publish_result"] {
        cast.step(&open_done, command).await?;
    }
    cast.clock.advance_ms(2 * DAY_MS);
    cast.step(&open_done, "sign_contract").await?;
    cast.step(&open_done, "publish_contract").await?;

    // 2. A competitive negotiation (竞争性谈判), urgent, 40 days ago: its result was objected to, the
    //    supplier complained, and the finance department suspended it while deciding.
    cast.clock.set_ms(now_ms - 40 * DAY_MS);
    let negotiation = cast
        .plan(cast.request("防汛应急物资紧急采购（演示）", "competitive_negotiation", "goods", 90, &["urgency"]))
        .await?;
    cast.step_with(&negotiation, cast.invite("recommendation")).await?;
    let due = cast.after_working_days(3, 17)?;
    cast.step_with(&negotiation, Cast::due("issue_documents", due)).await?;
    cast.seal(&negotiation, &[88 * WAN, 86 * WAN, 89 * WAN]).await?;
    cast.clock.set_ms(due);
    cast.step(&negotiation, "start_negotiation").await?;
    let finals_due = due + 3 * 3_600_000;
    cast.step_with(&negotiation, Cast::due("request_final_offers", finals_due)).await?;
    let finals = [84 * WAN, 83 * WAN, 85 * WAN];
    cast.seal(&negotiation, &finals).await?;
    cast.clock.set_ms(finals_due);
    cast.open(&negotiation, &finals, &[]).await?;
    cast.step(&negotiation, "close_final_offers").await?;
    cast.evaluate(&negotiation, &[]).await?;
    for command in ["submit_report", "determine_winner", "publish_result"] {
        cast.step(&negotiation, command).await?;
    }
    cast.clock.advance_ms(3 * DAY_MS);
    let (objectionr, objectionr_code) = cast.suppliers[0].clone();
    let objection_id = cast
        .app
        .file_procurement_objection(
            &objectionr,
            &negotiation,
            &objectionr_code,
            "result",
            None,
            "成交供应商的响应文件未满足谈判文件规定的交货期要求（演示）",
        )
        .await
        .map_err(explain)
        .context("demo objection")?;
    cast.clock.advance_ms(DAY_MS);
    cast.app
        .answer_procurement_objection(
            &cast.purchaser,
            &negotiation,
            &objection_id,
            false,
            "经核查，成交供应商承诺的交货期满足要求，质疑不成立（演示）",
        )
        .await
        .map_err(explain)
        .context("demo objection answer")?;
    cast.clock.advance_ms(2 * DAY_MS);
    let (objectionr, _) = cast.suppliers[0].clone();
    cast.app
        .file_procurement_complaint(
            &objectionr,
            &negotiation,
            &objection_id,
            "对质疑答复不满意，请求财政部门审查成交结果（演示）",
        )
        .await
        .map_err(explain)
        .context("demo complaint")?;
    let suspend = StepAsked {
        command: "suspend".to_owned(),
        reason: "处理投诉期间暂停采购活动（演示）".to_owned(),
        ..StepAsked::default()
    };
    cast.step_by(&cast.regulator, &negotiation, suspend).await?;

    // 3. A competitive consultation (竞争性磋商) of services, 20 days ago: the report waits for the
    //    purchaser's decision.
    cast.clock.set_ms(now_ms - 20 * DAY_MS);
    let mut request = cast.request(
        "政务服务中心运营服务采购（演示）",
        "competitive_consultation",
        "services",
        150,
        &["purchased_services"],
    );
    request.price_weight_percent = Some(20);
    request.sme_deduction_percent = Some(10);
    request.sme_share_deduction_percent = Some(5);
    let consultation = cast.plan(request).await?;
    cast.step_with(&consultation, cast.invite("library_draw")).await?;
    let due = cast.after_days(11, 9)?;
    cast.step_with(&consultation, Cast::due("issue_documents", due)).await?;
    cast.seal(&consultation, &[118 * WAN, 122 * WAN, 125 * WAN]).await?;
    cast.clock.set_ms(due);
    cast.step(&consultation, "start_negotiation").await?;
    let finals_due = due + 4 * 3_600_000;
    cast.step_with(&consultation, Cast::due("request_final_offers", finals_due)).await?;
    let finals = [112 * WAN, 115 * WAN, 117 * WAN];
    cast.seal(&consultation, &finals).await?;
    cast.clock.set_ms(finals_due);
    let small = SmeClaimRecord { kind: ggzy_app::procurement::SmeClaimKind::SmallMicro, ..SmeClaimRecord::default() };
    cast.open(&consultation, &finals, &[SmeClaimRecord::default(), small, SmeClaimRecord::default()]).await?;
    cast.step(&consultation, "close_final_offers").await?;
    cast.evaluate(&consultation, &[6_800, 7_150, 6_900]).await?;
    cast.step(&consultation, "submit_report").await?;

    // 4. A framework agreement (框架协议采购) for catalogue items, 18 days ago, with one call-off.
    cast.clock.set_ms(now_ms - 18 * DAY_MS);
    let framework = cast
        .plan(cast.request(
            "办公设备及耗材框架协议采购（演示）",
            "framework_agreement",
            "goods",
            120,
            &["framework_catalogue_items"],
        ))
        .await?;
    let due = cast.after_days(7, 17)?;
    cast.step_with(&framework, Cast::due("publish_notice", due)).await?;
    let prices = [3 * WAN, 2 * WAN + 90_000, 3 * WAN + 20_000];
    cast.seal(&framework, &prices).await?;
    cast.clock.set_ms(due);
    cast.open(&framework, &prices, &[]).await?;
    cast.step(&framework, "close_responses").await?;
    cast.evaluate(&framework, &[]).await?;
    for command in ["submit_report", "determine_winner", "publish_result", "sign_contract"] {
        cast.step(&framework, command).await?;
    }
    let call_off = StepAsked {
        command: "call_off".to_owned(),
        supplier_credit_code: Some(cast.suppliers[1].1.clone()),
        price_fen: Some(2 * WAN + 60_000),
        reason: "第一批办公设备".to_owned(),
        ..StepAsked::default()
    };
    cast.step_with(&framework, call_off).await?;

    // 5. An invited tender (邀请招标) of services above the threshold: waiting for approval.
    cast.clock.set_ms(now_ms - 3 * DAY_MS);
    let invited = cast
        .plan(cast.request(
            "城市地下管网检测服务采购（演示）",
            "invited_tender",
            "services",
            320,
            &["limited_suppliers"],
        ))
        .await?;
    cast.step(&invited, "submit_for_approval").await?;

    // 6. A single source (单一来源) above the threshold in its publicity, objected to.
    let mut request = cast.request("数字档案馆系统升级（演示）", "single_source", "goods", 260, &["sole_supplier"]);
    request.single_source_supplier = Some(cast.suppliers[2].1.clone());
    request.justification = Some("现有数字档案馆系统采用该供应商的专有技术，升级须保持一致（演示）".to_owned());
    let single = cast.plan(request).await?;
    let ends = cast.after_working_days(6, 17)?;
    let publicity =
        StepAsked { command: "start_publicity".to_owned(), publicity_ends_ms: Some(ends), ..StepAsked::default() };
    cast.step_with(&single, publicity).await?;
    let (objector, objector_code) = cast.suppliers[0].clone();
    cast.app
        .object_to_publicity(
            &objector,
            &single,
            &objector_code,
            "本公司的档案管理系统同样可以兼容现有数据，并非唯一供应商（演示）",
        )
        .await
        .map_err(explain)
        .context("demo publicity objection")?;

    // 7. An open tender taking bids, and an inquiry (询价) taking quotes.
    cast.clock.set_ms(now_ms - 2 * DAY_MS);
    let open_now = cast.plan(cast.request("区人民医院医用设备采购（演示）", "open_tender", "goods", 680, &[])).await?;
    let due = cast.after_days(24, 9)?;
    cast.step_with(&open_now, Cast::due("publish_notice", due)).await?;
    cast.seal(&open_now, &[655 * WAN, 662 * WAN]).await?;
    let inquiry = cast
        .plan(cast.request("打印纸等办公用品询价采购（演示）", "inquiry", "goods", 40, &["standard_goods"]))
        .await?;
    cast.step_with(&inquiry, cast.invite("notice")).await?;
    let due = cast.after_working_days(4, 17)?;
    cast.step_with(&inquiry, Cast::due("issue_documents", due)).await?;
    cast.seal(&inquiry, &[38 * WAN]).await?;
    Ok(())
}
