//! Demo tenders: a demo CA, certificates and keys for the demo bidders and officials (written
//! under `<data_dir>/demo-ca/keys/` so that `ggzy bid seal` and `ggzy bid submit` can be tried
//! against the demo), and tenders in every state but the three a procedure passes through between
//! steps (开标中, 资格预审已完成, 第一阶段已结束), and lots in the award stages from opened to
//! archived, all made through the ordinary use cases by the demo users under a fake clock that
//! starts 40 days back and ends before now. In creation order (day 0 is the clock's start; when the calendar moves the end of a
//! period, every step after it moves with it):
//!
//! - opened on day 30: three bids decrypted by their bidders, record signed;
//! - failed on day 30 (two bids);
//! - lot 1 archived: the notice asks for a bid security, which each bidder lodges; opened on day 30
//!   with the committee formed (four experts and the principal's representative, lowest evaluated
//!   price), report and candidates' publicity on day 31, an objection by the second candidate on
//!   day 32 that stops the publicity clock, answered on day 33, so publicity ends on day 35 at the
//!   earliest; award and award letter the day after it ends, contract (winning price, 5%
//!   performance bond) the next day; on day 38 the securities refunded (条例57: within 5 days of
//!   the contract), the written report to the regulator (法47: within 15 days of the award) and
//!   the archive;
//! - lot 1 contracted: the same steps on the same days up to the contract, no security;
//! - terminated on day 5 by the principal (条例31), one potential bidder registered;
//! - failed at pre-qualification: notice on day 0 with the shortest legal periods (documents on
//!   sale 5 days, applications until 5 days later, each end moved to a working day), three
//!   applications, two qualified when they close (条例19: fewer than three);
//! - lot 1 in publicity: announced on day 7, opened on day 37 with its committee, report and
//!   publicity on day 38, so its 3 days are not over by now;
//! - lot 1 evaluating: announced on day 8, opened on day 38, committee formed;
//! - suspended: announced on day 20 (bids until day 50), bidder1's bid in, suspended on day 22 by
//!   杭州市's regulator while it investigates a complaint (条例62);
//! - taking bids (announced on day 38, bidder1's bid in, bidder2 registered): the only tender
//!   listed as 投标中, the one the README's bid flow uses;
//! - pre-qualifying: notice on day 38, two applications, applications open until about day 48;
//! - two-stage tendering in its first stage (条例30): notice on day 38, two technical proposals,
//!   proposals open until about day 48;
//! - in draft.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ggzy_app::actor::Actor;
use ggzy_app::award::{CommitteeInput, LotAward};
use ggzy_app::bid::UploadStart;
use ggzy_app::clock::FakeClock;
use ggzy_app::events::{EvaluationTermsDetails, MemberDetails};
use ggzy_app::expert::DrawSlotInput;
use ggzy_app::prequalification::PqResultInput;
use ggzy_app::project::NewProject;
use ggzy_app::security::{SecurityInput, SecurityKind};
use ggzy_app::tender::{NewTender, NoticeInput};
use ggzy_app::two_stage::ProposalInvitation;
use ggzy_app::{App, AppError};
use ggzy_crypto::cert::Certificate;
use ggzy_crypto::envelope::{self, BidFile, Envelope, KeyHolder, Payload, SealRequest};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::sm3;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::lot_award::LotStage;
use ggzy_domain::tender::TenderState;
use ggzy_domain::{CreditCode, china_time};
use jiff::civil::Date;

use crate::ceremony::{self, Official};
use crate::demo::{DEMO_PASSWORD, explain};
use crate::demo_ca::DemoCa;

const DAY_MS: i64 = 86_400_000;
/// Days between the notice and the deadline in the demo (above the 20-day floor whatever holidays fall).
const BIDDING_DAYS: i64 = 30;
/// Time between the creations of two demo tenders.
const TENDER_GAP_MS: i64 = 15 * 60_000;

/// Where the demo CA lives under the data directory.
pub fn ca_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("demo-ca")
}

/// Where the demo users' certificates and keys are written.
pub fn keys_dir(data_dir: &Path) -> PathBuf {
    ca_dir(data_dir).join("keys")
}

/// Creates the demo CA (once) and makes the server trust it: run before the server is built.
pub fn prepare_pki(data_dir: &Path, now_unix: i64) -> anyhow::Result<()> {
    let dir = ca_dir(data_dir);
    if !dir.join("ca.pem").exists() {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        // Valid from before the demo's history begins (it is seeded under a clock 40 days back).
        DemoCa::init(&dir, "ggzy 演示CA", now_unix - 60 * 86_400)?;
    }
    let trusted = data_dir.join("trusted-ca");
    std::fs::create_dir_all(&trusted).with_context(|| format!("creating {}", trusted.display()))?;
    std::fs::copy(dir.join("ca.pem"), trusted.join("demo-ca.pem")).context("trusting the demo CA")?;
    Ok(())
}

/// A demo tender and what state it was left in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTender {
    /// Tender id.
    pub tender_id: String,
    /// Title.
    pub title: String,
    /// State label (Chinese); for an opened tender with lot 1 further along, that lot's stage too,
    /// as in `已开标（标段1：已签订合同）`.
    pub state: String,
}

struct Party {
    actor: Actor,
    code: String,
    cert: Certificate,
    key: PrivateKey,
}

/// Signs a demo user in (every demo user has [`DEMO_PASSWORD`]).
pub(crate) async fn login(app: &App, username: &str) -> anyhow::Result<Actor> {
    Ok(app
        .login(username, DEMO_PASSWORD)
        .await
        .map_err(explain)
        .with_context(|| format!("signing in {username}"))?
        .actor)
}

async fn party(app: &App, ca: &DemoCa, username: &str, now_unix: i64, keys: &Path) -> anyhow::Result<Party> {
    let actor = login(app, username).await?;
    let code = actor.entities.first().cloned().unwrap_or_else(|| username.to_owned());
    let (cert, key) = ca.issue(&code, username, now_unix, &keys.join(&code))?;
    Ok(Party { actor, code, cert, key })
}

/// The tenders in the store, with their states and, for an opened tender, the award stage of its
/// lot 1 (to list them again on a later start, as [`seed_tenders`] listed them).
pub async fn list(app: &App) -> anyhow::Result<Vec<DemoTender>> {
    let rows = app.store().tenders(100).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tenders = Vec::with_capacity(rows.len());
    for row in rows {
        let parsed = TenderState::parse(&row.state);
        let mut state = parsed.map_or(row.state.clone(), |s| s.label().to_owned());
        // After opening the tender's own state stays 已开标: what moves on is each lot's award
        // procedure, so lot 1's stage is what tells the demo's opened tenders apart.
        if parsed == Some(TenderState::Opened) {
            match app.lot_award(None, &row.tender_id, "1").await {
                Ok(lot) if lot.stage != LotStage::Opened => state = format!("{state}（标段1：{}）", lot.stage.label()),
                Ok(_) | Err(AppError::NotFound { .. }) => {}
                Err(error) => return Err(explain(error)).context("reading the award of lot 1"),
            }
        }
        tenders.push(DemoTender { tender_id: row.tender_id, title: row.title, state });
    }
    Ok(tenders)
}

/// Seeds the demo tenders on `app`, whose clock is `clock` (at least 40 days before now: the
/// history takes about 39 days); returns them in creation order, as [`list`] shows them.
pub async fn seed_tenders(app: &App, clock: &FakeClock, data_dir: &Path) -> anyhow::Result<Vec<DemoTender>> {
    let ca = DemoCa::open(&ca_dir(data_dir))?;
    let keys = keys_dir(data_dir);
    std::fs::create_dir_all(&keys).with_context(|| format!("creating {}", keys.display()))?;
    let start_ms = app.now_ms();
    let now_unix = start_ms / 1000;
    let principal = login(app, "principal").await?;
    // 杭州市's regulator: the demo tenders are in 330100, and suspending one is its call (条例62).
    let regulator = login(app, "regulator").await?;
    let mut bidders = Vec::new();
    for username in ["bidder1", "bidder2", "bidder3"] {
        bidders.push(party(app, &ca, username, now_unix, &keys).await?);
    }
    let mut officials = Vec::new();
    for username in ["center", "regulator", "regulator-zj"] {
        let official = party(app, &ca, username, now_unix, &keys).await?;
        officials.push(Official { user_id: official.actor.user_id.clone(), cert: official.cert });
    }
    let calendar = ggzy_app::calendar::builtin().map_err(|e| anyhow::anyhow!("built-in calendar: {e}"))?;
    let demo = Demo { app, clock, principal, officials, keys: &keys, ca: &ca, calendar, projects: Cell::new(0) };

    // The expert pool, kept by the platform (the centre runs the draws): the demo bidders first among the employers, so that the
    // draws' avoidance screen has someone to exclude.
    let center = login(app, "center").await?;
    let mut employers: Vec<String> = bidders.iter().map(|bidder| bidder.code.clone()).collect();
    for entity in app.store().entities(None, None, 100).await? {
        if !employers.contains(&entity.credit_code) && !demo.principal.entities.contains(&entity.credit_code) {
            employers.push(entity.credit_code);
        }
    }
    let linked = vec![login(app, "expert").await?.user_id, login(app, "expert2").await?.user_id];
    // The province's pool takes experts from every city of Zhejiang: its admin registers them.
    let admin = login(app, "admin").await?;
    crate::demo_experts::seed_experts(app, &admin, &employers, &linked).await.context("seeding the expert pool")?;
    let advance = |ms: i64| clock.advance_ms(ms);

    // Day 0: five tenders announced, four bid for (they open 30 days later), and a pre-qualification.
    let opened = demo.announced("杭州市文三路综合管廊工程施工", &["土建工程"]).await?;
    let failed = demo.announced("杭州市西湖区留下街道农居安置房配套道路工程", &["施工"]).await?;
    // The lot that goes on to the archive asks for a bid security (40万元 of a 2600万元 estimate,
    // under 条例26's 2%), so that refunding it is part of its closing.
    let security_fen = 40_000_000;
    let archived = demo
        .announced_with("杭州市余杭区良渚港河道综合整治工程", &["施工"], Some((2_600_000_000, security_fen)))
        .await?;
    let contracted = demo.announced("杭州市拱墅区大关路道路综合提升改造工程", &["施工"]).await?;
    let terminated = demo.announced("杭州市滨江区长河街道社区服务中心装修工程", &["装修"]).await?;
    let (pq_failed, pq_deadline_ms) =
        demo.prequalifying("杭州市萧山区湘湖路快速路工程", &["施工总承包"], &bidders).await?;
    let opened_files = demo.bids(&opened, &bidders, [86_000_000, 87_250_000, 88_500_000]).await?;
    for bidder in bidders.iter().take(2) {
        demo.bid(&failed, bidder, 12_800_000).await?;
    }
    let archived_files = demo.bids(&archived, &bidders, [2_368_900_000, 2_415_600_000, 2_452_300_000]).await?;
    for bidder in &bidders {
        demo.security(&archived, bidder, security_fen).await?;
    }
    let contracted_files = demo.bids(&contracted, &bidders, [1_286_400_000, 1_302_700_000, 1_315_900_000]).await?;
    // bidder3 obtains the documents of the tender about to be terminated: the termination is what
    // it is then notified of, with its fees refunded (条例31).
    let code = CreditCode::parse(&bidders[2].code).map_err(|e| anyhow::anyhow!("{e}"))?;
    app.register_bidder(&bidders[2].actor, &terminated.0, "1", &code).await.map_err(explain)?;
    // Day 5: a change of the land-use plan makes the principal terminate it.
    demo.not_before(start_ms + 5 * DAY_MS);
    let reason =
        "因项目所在地块控制性详细规划调整，本项目建设内容发生重大变化，招标人决定终止本次招标，调整后将重新组织招标";
    app.terminate_tender(&demo.principal, &terminated.0, reason).await.map_err(explain).context("terminating")?;
    // Days 7 and 8: two more, so that they open near the end of the history.
    demo.not_before(start_ms + 7 * DAY_MS);
    let publicity = demo.announced("杭州市上城区望江路人行天桥新建工程", &["施工"]).await?;
    let publicity_files = demo.bids(&publicity, &bidders, [605_300_000, 598_700_000, 612_450_000]).await?;
    demo.not_before(start_ms + 8 * DAY_MS);
    let evaluating = demo.announced("杭州市钱塘区义蓬中学新建工程", &["施工总承包"]).await?;
    let evaluating_files = demo.bids(&evaluating, &bidders, [4_580_000_000, 4_512_000_000, 4_633_000_000]).await?;

    // Once applications are closed: two of the three applicants qualify, fewer than three, so the
    // pre-qualification fails and the tender is to be re-run (条例19).
    demo.not_before(pq_deadline_ms);
    let result = PqResultInput {
        qualified: vec![bidders[0].code.clone(), bidders[1].code.clone()],
        rejected: vec![(
            bidders[2].code.clone(),
            "未提供资格预审文件要求的市政公用工程施工总承包一级资质证书".to_owned(),
        )],
    };
    app.record_prequalification(&demo.principal, &pq_failed.0, result).await.map_err(explain).context("pq result")?;
    // Day 20: a tender taking bids until day 50, suspended two days later over a complaint.
    demo.not_before(start_ms + 20 * DAY_MS);
    let suspended = demo.announced("杭州市临平区东湖街道老旧小区综合改造工程", &["施工"]).await?;
    demo.bid(&suspended, &bidders[0], 31_760_000).await?;
    demo.later(2);
    let reason = "收到潜在投标人投诉：招标文件将杭州市本地工程业绩作为加分条件，涉嫌以不合理条件排斥潜在投标人（招标投标法实施条例 第三十二条）。本部门正在调查处理，暂停招标投标活动";
    app.suspend_tender(&regulator, &suspended.0, reason).await.map_err(explain).context("suspending")?;

    // Day 30: the first deadlines; one tender stays opened, one fails with two bids, two go on to
    // a contract together.
    demo.open(&opened, &bidders, &opened_files).await?;
    demo.not_before(demo.deadline_ms(&failed).await?);
    app.start_opening(&demo.principal, &failed.0).await.map_err(explain).context("failing")?;
    demo.open(&archived, &bidders, &archived_files).await?;
    demo.open(&contracted, &bidders, &contracted_files).await?;
    demo.to_contract(&[&archived.0, &contracted.0], &bidders[1]).await?;

    // Day 37: the candidates' publicity starts the day after the opening and is not over by now.
    demo.open(&publicity, &bidders, &publicity_files).await?;
    demo.committee(&publicity.0).await?;
    demo.later(1);
    demo.report_and_publicize(&publicity.0).await?;
    // Day 38: a committee is formed at the opening and evaluates.
    demo.open(&evaluating, &bidders, &evaluating_files).await?;
    // The experts are drawn after the opening, before the committee sits: three building experts
    // from Zhejiang with a reserve, and a cost expert from outside Hangzhou (远程异地评标).
    let slots = vec![
        DrawSlotInput {
            specialty: "A0101".to_owned(),
            include: vec!["330000".to_owned()],
            count: 3,
            reserves: 1,
            ..Default::default()
        },
        DrawSlotInput {
            specialty: "C0102".to_owned(),
            exclude: vec!["330100".to_owned()],
            count: 1,
            ..Default::default()
        },
    ];
    crate::demo_experts::draw(app, &demo.principal, &center, &evaluating.0, slots, advance).await?;
    demo.committee(&evaluating.0).await?;

    demo.not_before(start_ms + 38 * DAY_MS);
    let bidding = demo.announced("宁波市轨道交通5号线二期车站装修工程", &["一标段", "二标段"]).await?;
    demo.bid(&bidding, &bidders[0], 45_600_000).await?;
    let code = CreditCode::parse(&bidders[1].code).map_err(|e| anyhow::anyhow!("{e}"))?;
    app.register_bidder(&bidders[1].actor, &bidding.0, "1", &code).await.map_err(explain)?;
    let opening_pem = app.tender(&bidding.0).await.map_err(explain)?.opening_public_key_pem.unwrap_or_default();
    std::fs::write(keys.join(format!("{}-opening.pem", bidding.0)), opening_pem).context("writing the opening key")?;
    // Pre-qualification with two applications in: its periods end about ten days after day 38, so
    // applications are still open at now.
    demo.prequalifying("杭州市钱塘区江东大道智慧交通系统工程", &["系统集成"], &bidders[..2]).await?;
    // A two-stage tender (条例30) in its first stage: proposals until 09:30 ten days later, two in.
    demo.proposing("杭州市城市大脑交通信号协同控制平台", &["平台建设"], &bidders[..2]).await?;
    demo.draft("浙江之江市政园林绿化养护项目", &["养护"]).await?;

    // The archived lot's closing, a day or two after its contract: securities refunded (条例57:
    // within 5 days of the contract), the written report (法47: within 15 days of the award), archive.
    let principal = &demo.principal;
    app.refund_securities(principal, &archived.0, "1").await.map_err(explain).context("refunding")?;
    app.report_to_regulator(principal, &archived.0, "1").await.map_err(explain).context("reporting")?;
    app.archive_lot(principal, &archived.0, "1").await.map_err(explain).context("archiving")?;

    // The opened tender's experts: four building experts with a reserve and a cost expert, all from
    // Zhejiang; one member declines and is replaced from the same stream (条例46).
    let slots = vec![
        DrawSlotInput {
            specialty: "A0101".to_owned(),
            include: vec!["330000".to_owned()],
            count: 4,
            reserves: 1,
            ..Default::default()
        },
        DrawSlotInput {
            specialty: "C0102".to_owned(),
            include: vec!["330000".to_owned()],
            count: 1,
            ..Default::default()
        },
    ];
    let made = crate::demo_experts::draw(app, &demo.principal, &center, &opened.0, slots, advance).await?;
    crate::demo_experts::decline_and_replace(app, &center, &made).await.context("replacing a drawn expert")?;
    list(app).await
}

struct Demo<'a> {
    app: &'a App,
    clock: &'a FakeClock,
    principal: Actor,
    officials: Vec<Official>,
    keys: &'a Path,
    /// The demo CA: committee members' certificates.
    ca: &'a DemoCa,
    /// The platform's holiday calendar, to choose the shortest legal pre-qualification periods.
    calendar: HolidayCalendar,
    /// Projects registered so far (each tender gets its own, numbered from 1).
    projects: Cell<u32>,
}

impl Demo<'_> {
    /// Moves the clock on by whole days.
    fn later(&self, days: i64) {
        self.clock.advance_ms(days * DAY_MS);
    }

    /// Moves the clock to `ms` unless it is already later (a step delayed by the calendar delays
    /// the ones after it, never the other way round).
    fn not_before(&self, ms: i64) {
        if ms > self.app.now_ms() {
            self.clock.set_ms(ms);
        }
    }

    /// Registers the tender's project: the principal is a state-owned city investment company, so
    /// each project must tender openly and its first candidate wins (实施条例 第八条、第五十五条);
    /// the approval of its tender scope, method and form and its self-tendering filing follow.
    async fn project(&self, title: &str) -> anyhow::Result<String> {
        let serial = self.projects.get() + 1;
        self.projects.set(serial);
        let code = self.principal.entities.first().context("the demo principal acts for no entity")?;
        let new = NewProject {
            code: format!("2026-330100-48-01-{serial:06}"),
            name: title.to_owned(),
            region: ggzy_domain::RegionCode::parse("330100").map_err(|e| anyhow::anyhow!("{e}"))?,
            principal_credit_code: CreditCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?,
            public_interest: true,
            foreign_loan_or_aid: false,
            total_investment_fen: 6_000_000_000,
            state_budget_funds_fen: 0,
            state_controlled: true,
            packages: vec![("works".to_owned(), title.to_owned(), 2_600_000_000)],
            exemption: None,
            approval_required: true,
            method: "open".to_owned(),
            organisation_form: "self".to_owned(),
            invitation_ground: None,
        };
        let view = self.app.register_project(&self.principal, new).await.map_err(explain).context("project")?;
        let id = view.details.project_id;
        let approved_on = ggzy_domain::china_time::date_of(self.app.now_ms());
        self.app
            .record_project_approval(
                &self.principal,
                &id,
                "杭州市发展和改革委员会",
                "杭发改审批〔2026〕1号",
                approved_on,
                "open",
                "self",
                None,
            )
            .await
            .map_err(explain)
            .context("approval")?;
        self.app
            .file_self_tendering(&self.principal, &id, 4, 2, "本公司工程管理部具有编制招标文件和组织评标能力的专业人员")
            .await
            .map_err(explain)
            .context("filing")?;
        Ok(id)
    }

    async fn draft(&self, title: &str, lots: &[&str]) -> anyhow::Result<(String, String)> {
        // A quarter hour between tenders: the store lists them by creation time, so none share one.
        self.clock.advance_ms(TENDER_GAP_MS);
        let project_id = self.project(title).await?;
        let code = self.principal.entities.first().context("the demo principal acts for no entity")?;
        let new = NewTender {
            region: ggzy_domain::RegionCode::parse("330100").map_err(|e| anyhow::anyhow!("{e}"))?,
            title: title.to_owned(),
            principal_credit_code: CreditCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?,
            agency_credit_code: None,
            lot_names: lots.iter().map(|lot| (*lot).to_owned()).collect(),
            project_id,
        };
        let view = self.app.create_tender(&self.principal, new).await.map_err(explain).context("creating a tender")?;
        Ok((view.tender_id, title.to_owned()))
    }

    /// A tender with its key ceremony held (2 of 3 officials) and its notice published.
    async fn announced(&self, title: &str, lots: &[&str]) -> anyhow::Result<(String, String)> {
        self.announced_with(title, lots, None).await
    }

    /// [`Demo::announced`], the notice giving the estimate and requiring a bid security, both in
    /// fen, when `security` is `(estimate, security)`.
    async fn announced_with(
        &self,
        title: &str,
        lots: &[&str],
        security: Option<(i64, i64)>,
    ) -> anyhow::Result<(String, String)> {
        let tender = self.draft(title, lots).await?;
        let file = ceremony::hold(2, &self.officials, &mut rand::rng())?;
        let ceremony = file.to_key_ceremony()?;
        self.app.record_key_ceremony(&self.principal, &tender.0, ceremony).await.map_err(explain)?;
        let notice = NoticeInput {
            bid_deadline_ms: self.app.now_ms() + BIDDING_DAYS * DAY_MS,
            estimate_fen: security.map(|(estimate, _)| estimate),
            bid_security_fen: security.map(|(_, security)| security),
            ceiling_price_fen: None,
            bid_validity_days: None,
            evaluation: Some(EvaluationTermsDetails {
                method: "lowest_evaluated_price".to_owned(),
                scoring_table: None,
            }),
            document_fee: None,
        };
        self.app.publish_notice_with(&self.principal, &tender.0, notice).await.map_err(explain).context("notice")?;
        Ok(tender)
    }

    /// A tender in pre-qualification with the shortest legal periods: documents on sale for 5 days
    /// (条例16), applications until 09:30 of the day 5 days after the sale ends (条例17); then an
    /// application of each of `applicants`. Returns the tender and the application deadline.
    async fn prequalifying(
        &self,
        title: &str,
        lots: &[&str],
        applicants: &[Party],
    ) -> anyhow::Result<((String, String), i64)> {
        let tender = self.draft(title, lots).await?;
        let sale_ends = self.period_end(china_time::date_of(self.app.now_ms()), 5)?;
        let deadline_day = self.period_end(sale_ends, 5)?;
        let deadline_ms =
            china_time::instant_of(deadline_day.at(9, 30, 0, 0)).context("the application deadline's instant")?;
        self.app
            .publish_prequalification(&self.principal, &tender.0, sale_ends, deadline_ms)
            .await
            .map_err(explain)
            .context("pre-qualification notice")?;
        for applicant in applicants {
            self.app
                .apply_for_prequalification(&applicant.actor, &tender.0, &applicant.code)
                .await
                .map_err(explain)
                .context("applying for pre-qualification")?;
        }
        Ok((tender, deadline_ms))
    }

    /// A two-stage tender in its first stage (条例30): technical proposals without prices until 09:30
    /// ten days from now, one from each of `proposers`.
    async fn proposing(&self, title: &str, lots: &[&str], proposers: &[Party]) -> anyhow::Result<()> {
        let tender = self.draft(title, lots).await?;
        let deadline_day = self.period_end(china_time::date_of(self.app.now_ms()), 10)?;
        let invitation = ProposalInvitation {
            proposal_deadline_ms: china_time::instant_of(deadline_day.at(9, 30, 0, 0))
                .context("the proposal deadline's instant")?,
            requirements: "请就信号控制算法、路口设备接口和数据安全方案提出技术建议，不含报价".to_owned(),
            bid_security_fen: None,
        };
        self.app
            .invite_proposals(&self.principal, &tender.0, invitation)
            .await
            .map_err(explain)
            .context("first stage")?;
        for proposer in proposers {
            let document = format!("{title}：{}的技术建议（信号配时优化、设备接口、数据安全）", proposer.code);
            self.app
                .submit_technical_proposal(
                    &proposer.actor,
                    &tender.0,
                    &proposer.code,
                    "技术建议书.txt",
                    document.into_bytes(),
                )
                .await
                .map_err(explain)
                .context("technical proposal")?;
        }
        Ok(())
    }

    /// The last day of a period of `days` calendar days from `start` as the platform counts a floor:
    /// from the next day (民法典201), moved to the next working day if it ends on a rest day (民法典203).
    fn period_end(&self, start: Date, days: i64) -> anyhow::Result<Date> {
        let mut day = start.checked_add(jiff::Span::new().days(days))?;
        // Ends: the calendar errors on the first day of a year it does not cover.
        while !self.calendar.is_working_day(day).map_err(|e| anyhow::anyhow!("holiday calendar: {e}"))? {
            day = day.tomorrow()?;
        }
        Ok(day)
    }

    /// The bidder lodges the lot-1 bid security by a transfer from its basic account (条例26).
    async fn security(&self, tender: &(String, String), bidder: &Party, amount_fen: i64) -> anyhow::Result<()> {
        let input = SecurityInput {
            lot_id: "1".to_owned(),
            bidder: bidder.code.clone(),
            amount_fen,
            kind: SecurityKind::Cash { reference: format!("ZZ{}-{}", tender.0, bidder.code) },
        };
        self.app.lodge_security(&bidder.actor, &tender.0, input).await.map_err(explain).context("bid security")?;
        Ok(())
    }

    async fn deadline_ms(&self, tender: &(String, String)) -> anyhow::Result<i64> {
        let view = self.app.tender(&tender.0).await.map_err(explain)?;
        view.bid_deadline_ms.with_context(|| format!("{} has no bid deadline", tender.1))
    }

    /// A bid of every bidder for lot 1 at the given prices (fen); returns the envelopes.
    async fn bids(
        &self,
        tender: &(String, String),
        bidders: &[Party],
        prices: [i64; 3],
    ) -> anyhow::Result<Vec<Vec<u8>>> {
        let mut files = Vec::new();
        for (bidder, price_fen) in bidders.iter().zip(prices) {
            files.push(self.bid(tender, bidder, price_fen).await?);
        }
        Ok(files)
    }

    /// Opens the tender at its deadline: each bidder decrypts its own bid, the record is signed.
    async fn open(&self, tender: &(String, String), bidders: &[Party], files: &[Vec<u8>]) -> anyhow::Result<()> {
        let app = self.app;
        self.not_before(self.deadline_ms(tender).await?);
        app.start_opening(&self.principal, &tender.0).await.map_err(explain).context("opening")?;
        for (bidder, file) in bidders.iter().zip(files) {
            let envelope = Envelope::parse(file).map_err(|e| anyhow::anyhow!("{e}"))?;
            let data_key = envelope.unwrap_key(&bidder.key, KeyHolder::Bidder).map_err(|e| anyhow::anyhow!("{e}"))?;
            let code = CreditCode::parse(&bidder.code).map_err(|e| anyhow::anyhow!("{e}"))?;
            app.decrypt_bid(&bidder.actor, &tender.0, "1", &code, data_key)
                .await
                .map_err(explain)
                .context("decrypting")?;
        }
        app.close_opening(&self.principal, &tender.0).await.map_err(explain).context("closing the opening")?;
        Ok(())
    }

    /// Forms lot 1's committee: four experts and the principal's representative (法37: five or more,
    /// an odd number, experts at least two thirds), evaluating by the lowest evaluated price.
    async fn committee(&self, tender_id: &str) -> anyhow::Result<LotAward> {
        // The projects must be tendered, so the experts are drawn (条例46): four building experts of
        // Zhejiang, unless the lot's draw was made already; the principal adds its representative.
        if self.app.draw(None, &format!("{tender_id}-1")).await.is_err() {
            let slots = vec![DrawSlotInput {
                specialty: "A0101".to_owned(),
                include: vec!["330000".to_owned()],
                count: 4,
                ..Default::default()
            }];
            let center = login(self.app, "center").await?;
            let advance = |ms: i64| self.clock.advance_ms(ms);
            crate::demo_experts::draw(self.app, &self.principal, &center, tender_id, slots, advance).await?;
        }
        let input = CommitteeInput {
            method: None,
            members: vec![MemberDetails {
                name: "林佳慧".to_owned(),
                kind: "principal_representative".to_owned(),
                expert_id: None,
            }],
            scoring_table: None,
        };
        self.app.form_committee(&self.principal, tender_id, "1", input).await.map_err(explain).context("committee")
    }

    /// The committee's report on lot 1 (no bid rejected) and the candidates' publicity the same day.
    async fn report_and_publicize(&self, tender_id: &str) -> anyhow::Result<LotAward> {
        let app = self.app;
        let admin = login(app, "admin").await?;
        crate::demo_evaluation::evaluate(app, &self.principal, &admin, self.ca, self.keys, tender_id)
            .await
            .context("evaluation report")?;
        app.publish_candidates(&self.principal, tender_id, "1").await.map_err(explain).context("publicity")
    }

    /// Lot 1 of each tender from opening to contract, side by side, as a real procedure paces it:
    /// the committee on the opening day, the report and the publicity the next day, an objection
    /// by `objector` the day after, answered the day after that; the award and the letter the day
    /// after the (last) publicity ends (the objection stopped its clock for a day), the contract
    /// the next day.
    async fn to_contract(&self, tender_ids: &[&str], objector: &Party) -> anyhow::Result<()> {
        let app = self.app;
        for tender_id in tender_ids {
            self.committee(tender_id).await?;
        }
        self.later(1);
        for tender_id in tender_ids {
            self.report_and_publicize(tender_id).await?;
        }
        self.later(1);
        let mut objections = Vec::new();
        for tender_id in tender_ids {
            let raised = app
                .raise_objection(
                    &objector.actor,
                    tender_id,
                    "1",
                    &objector.code,
                    "第一中标候选人拟派项目经理同时在其他在建项目任职，不符合招标文件要求",
                )
                .await
                .map_err(explain)
                .context("raising an objection")?;
            let objection = raised.objections.first().map(|o| o.objection_id.clone());
            objections.push(objection.context("the objection was not recorded")?);
        }
        self.later(1);
        let mut answered = Vec::new();
        for (tender_id, objection_id) in tender_ids.iter().zip(&objections) {
            let lot = app
                .answer_objection(
                    &self.principal,
                    tender_id,
                    "1",
                    objection_id,
                    "经核查，该项目经理原任职项目已竣工验收并办理变更手续，异议不成立",
                )
                .await
                .map_err(explain)
                .context("answering the objection")?;
            answered.push(lot);
        }
        let mut ends = None;
        for lot in &answered {
            let end = lot.publicity.as_ref().and_then(|p| p.ends_day);
            ends = ends.max(Some(end.context("the publicity has no known last day (a year without holiday data?)")?));
        }
        let ends = ends.context("no lot to contract")?;
        // The awards are decided the day after publicity is over, in China time.
        let today = china_time::date_of(app.now_ms());
        let days = today.until(ends).context("days to the end of publicity")?.get_days();
        self.later(i64::from(days) + 1);
        let mut prices = Vec::new();
        for (tender_id, lot) in tender_ids.iter().zip(&answered) {
            let winner = lot.candidates().into_iter().next().context("the report named no candidate")?;
            let price_fen = lot
                .report
                .as_ref()
                .and_then(|r| r.ranking.iter().find(|ranked| ranked.bidder_credit_code == winner))
                .map(|ranked| ranked.price_fen)
                .context("the winner is not in the ranking")?;
            app.decide_award(&self.principal, tender_id, "1", &winner).await.map_err(explain).context("award")?;
            app.issue_award_letter(&self.principal, tender_id, "1").await.map_err(explain).context("award letter")?;
            prices.push(price_fen);
        }
        self.later(1);
        // The contracts at the winning prices, with a 5% performance bond (条例58 caps it at 10%).
        for (tender_id, price_fen) in tender_ids.iter().zip(prices) {
            app.sign_contract(&self.principal, tender_id, "1", price_fen, price_fen / 20)
                .await
                .map_err(explain)
                .context("contract")?;
        }
        Ok(())
    }

    /// Registers and submits a sealed bid of the bidder for lot 1; returns the envelope.
    async fn bid(&self, tender: &(String, String), bidder: &Party, price_fen: i64) -> anyhow::Result<Vec<u8>> {
        let app = self.app;
        let code = CreditCode::parse(&bidder.code).map_err(|e| anyhow::anyhow!("{e}"))?;
        app.register_bidder(&bidder.actor, &tender.0, "1", &code).await.map_err(explain).context("registering")?;
        let pem = app.tender(&tender.0).await.map_err(explain)?.opening_public_key_pem.unwrap_or_default();
        let opening = PublicKey::from_public_key_pem(&pem).map_err(|e| anyhow::anyhow!("{e}"))?;
        let letter = format!("投标函\n招标项目：{}\n投标人：{}\n投标报价：{price_fen}分\n", tender.1, bidder.code);
        let payload = Payload {
            declared_json: serde_json::json!({"price_fen": price_fen, "duration_days": 540}).to_string(),
            files: vec![BidFile { name: "投标函.txt".to_owned(), bytes: letter.into_bytes() }],
        };
        let request = SealRequest {
            tender_id: &tender.0,
            lot_id: "1",
            bidder_credit_code: &bidder.code,
            sealed_at_ms: app.now_ms(),
            tool_version: concat!("ggzy ", env!("CARGO_PKG_VERSION")),
            machine_id_hash: sm3(bidder.code.as_bytes()),
            mac_hash: sm3(format!("mac-{}", bidder.code).as_bytes()),
            bidder_cert: &bidder.cert,
            bidder_key: &bidder.key,
            opening_key: &opening,
            payload: &payload,
        };
        let bytes = envelope::seal(&request, &mut rand::rng()).map_err(|e| anyhow::anyhow!("sealing: {e}"))?;
        let digest = Envelope::parse(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?.digest();
        std::fs::write(self.keys.join(format!("{}-{}.bid", tender.0, bidder.code)), &bytes)
            .context("writing the bid")?;
        let start = UploadStart {
            tender_id: tender.0.clone(),
            lot_id: "1".to_owned(),
            bidder: code,
            size_bytes: u64::try_from(bytes.len())?,
            declared_digest: digest,
        };
        // Some bidders send the file in one request (kept in the database, being small), the others
        // by resumable upload (a file in the blob directory), so the demo's data holds both kinds.
        if bidder.code.bytes().last().is_some_and(|last| last % 2 == 0) {
            app.submit_bid(&bidder.actor, start, bytes.clone(), "127.0.0.1")
                .await
                .map_err(explain)
                .context("submitting")?;
            return Ok(bytes);
        }
        let upload = app.start_upload(&bidder.actor, start).await.map_err(explain)?;
        let mut writer = app.write_upload(&bidder.actor, &upload.upload_id, 0).await.map_err(explain)?;
        writer.write(&bytes).await.map_err(explain)?;
        writer.finish().await.map_err(explain)?;
        app.submit_upload(&bidder.actor, &upload.upload_id, "127.0.0.1")
            .await
            .map_err(explain)
            .context("submitting")?;
        Ok(bytes)
    }
}
