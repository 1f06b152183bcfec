//! Demo tenders: a demo CA, certificates and keys for the demo bidders and officials (written
//! under `<data_dir>/demo-ca/keys/` so that `ggzy bid seal` and `ggzy bid submit` can be tried
//! against the demo), and tenders in several states, all made through the ordinary use cases by
//! the demo users under a fake clock that starts 40 days back and ends before now. In creation
//! order (day 0 is the clock's start; when the calendar moves the end of a publicity, and so the
//! award, later, every step after it moves with it):
//!
//! - opened on day 30: three bids decrypted by their bidders, record signed;
//! - failed on day 30 (two bids);
//! - lot 1 contracted: opened on day 30 with the committee formed (four experts and the principal's
//!   representative, lowest evaluated price), report and candidates' publicity on day 31, an
//!   objection by the second candidate on day 32 that stops the publicity clock, answered on day
//!   33, so publicity ends on day 35 at the earliest; award and award letter the day after it
//!   ends, contract (winning price, 5% performance bond) the next day;
//! - lot 1 in publicity: opened on day 37 with its committee, report and publicity on day 38, so
//!   its 3 days are not over by now;
//! - lot 1 evaluating: opened on day 38, committee formed;
//! - taking bids (announced on day 38, bidder1's bid in, bidder2 registered);
//! - in draft.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ggzy_app::actor::Actor;
use ggzy_app::award::{CommitteeInput, LotAward, ReportInput};
use ggzy_app::bid::UploadStart;
use ggzy_app::clock::FakeClock;
use ggzy_app::events::MemberDetails;
use ggzy_app::tender::NewTender;
use ggzy_app::{App, AppError};
use ggzy_crypto::cert::Certificate;
use ggzy_crypto::envelope::{self, BidFile, Envelope, KeyHolder, Payload, SealRequest};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::sm3;
use ggzy_domain::CreditCode;
use ggzy_domain::lot_award::LotStage;
use ggzy_domain::tender::TenderState;

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

async fn login(app: &App, username: &str) -> anyhow::Result<Actor> {
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
    let mut bidders = Vec::new();
    for username in ["bidder1", "bidder2", "bidder3"] {
        bidders.push(party(app, &ca, username, now_unix, &keys).await?);
    }
    let mut officials = Vec::new();
    for username in ["center", "regulator", "regulator-zj"] {
        let official = party(app, &ca, username, now_unix, &keys).await?;
        officials.push(Official { user_id: official.actor.user_id.clone(), cert: official.cert });
    }
    let demo = Demo { app, clock, principal, officials, keys: &keys };

    // Day 0: three tenders announced and bid for; they open 30 days later.
    let opened = demo.announced("杭州市文三路综合管廊工程施工", &["土建工程"]).await?;
    let failed = demo.announced("杭州市西湖区留下街道农居安置房配套道路工程", &["施工"]).await?;
    let contracted = demo.announced("杭州市余杭区良渚港河道综合整治工程", &["施工"]).await?;
    let opened_files = demo.bids(&opened, &bidders, [86_000_000, 87_250_000, 88_500_000]).await?;
    for bidder in bidders.iter().take(2) {
        demo.bid(&failed, bidder, 12_800_000).await?;
    }
    let contracted_files = demo.bids(&contracted, &bidders, [2_368_900_000, 2_415_600_000, 2_452_300_000]).await?;
    // Days 7 and 8: two more, so that they open near the end of the history.
    demo.not_before(start_ms + 7 * DAY_MS);
    let publicity = demo.announced("杭州市上城区望江路人行天桥新建工程", &["施工"]).await?;
    let publicity_files = demo.bids(&publicity, &bidders, [605_300_000, 598_700_000, 612_450_000]).await?;
    demo.not_before(start_ms + 8 * DAY_MS);
    let evaluating = demo.announced("杭州市钱塘区义蓬中学新建工程", &["施工总承包"]).await?;
    let evaluating_files = demo.bids(&evaluating, &bidders, [4_580_000_000, 4_512_000_000, 4_633_000_000]).await?;

    // Day 30: the first three deadlines; one tender stays opened, one fails with two bids.
    demo.open(&opened, &bidders, &opened_files).await?;
    demo.not_before(demo.deadline_ms(&failed).await?);
    app.start_opening(&demo.principal, &failed.0).await.map_err(explain).context("failing")?;
    demo.open(&contracted, &bidders, &contracted_files).await?;
    demo.to_contract(&contracted.0, &bidders[1]).await?;

    // Day 37: the candidates' publicity starts the day after the opening and is not over by now.
    demo.open(&publicity, &bidders, &publicity_files).await?;
    demo.committee(&publicity.0).await?;
    demo.later(1);
    demo.report_and_publicize(&publicity.0).await?;
    // Day 38: a committee is formed at the opening and evaluates.
    demo.open(&evaluating, &bidders, &evaluating_files).await?;
    demo.committee(&evaluating.0).await?;

    demo.not_before(start_ms + 38 * DAY_MS);
    let bidding = demo.announced("宁波市轨道交通5号线二期车站装修工程", &["一标段", "二标段"]).await?;
    demo.bid(&bidding, &bidders[0], 45_600_000).await?;
    let code = CreditCode::parse(&bidders[1].code).map_err(|e| anyhow::anyhow!("{e}"))?;
    app.register_bidder(&bidders[1].actor, &bidding.0, "1", &code).await.map_err(explain)?;
    let opening_pem = app.tender(&bidding.0).await.map_err(explain)?.opening_public_key_pem.unwrap_or_default();
    std::fs::write(keys.join(format!("{}-opening.pem", bidding.0)), opening_pem).context("writing the opening key")?;
    demo.draft("浙江之江市政园林绿化养护项目", &["养护"]).await?;
    list(app).await
}

struct Demo<'a> {
    app: &'a App,
    clock: &'a FakeClock,
    principal: Actor,
    officials: Vec<Official>,
    keys: &'a Path,
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

    async fn draft(&self, title: &str, lots: &[&str]) -> anyhow::Result<(String, String)> {
        // A quarter hour between tenders: the store lists them by creation time, so none share one.
        self.clock.advance_ms(TENDER_GAP_MS);
        let code = self.principal.entities.first().context("the demo principal acts for no entity")?;
        let new = NewTender {
            region: ggzy_domain::RegionCode::parse("330100").map_err(|e| anyhow::anyhow!("{e}"))?,
            title: title.to_owned(),
            principal_credit_code: CreditCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?,
            agency_credit_code: None,
            lot_names: lots.iter().map(|lot| (*lot).to_owned()).collect(),
        };
        let view = self.app.create_tender(&self.principal, new).await.map_err(explain).context("creating a tender")?;
        Ok((view.tender_id, title.to_owned()))
    }

    /// A tender with its key ceremony held (2 of 3 officials) and its notice published.
    async fn announced(&self, title: &str, lots: &[&str]) -> anyhow::Result<(String, String)> {
        let tender = self.draft(title, lots).await?;
        let file = ceremony::hold(2, &self.officials, &mut rand::rng())?;
        let ceremony = file.to_key_ceremony()?;
        self.app.record_key_ceremony(&self.principal, &tender.0, ceremony).await.map_err(explain)?;
        let deadline = self.app.now_ms() + BIDDING_DAYS * DAY_MS;
        self.app.publish_notice(&self.principal, &tender.0, deadline).await.map_err(explain).context("notice")?;
        Ok(tender)
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
        let member = |name: &str, kind: &str| MemberDetails { name: name.to_owned(), kind: kind.to_owned() };
        let input = CommitteeInput {
            method: "lowest_evaluated_price".to_owned(),
            members: vec![
                member("吴海涛", "expert"),
                member("郑丽华", "expert"),
                member("钱立新", "expert"),
                member("孙雅琴", "expert"),
                member("林佳慧", "principal_representative"),
            ],
            scoring_table: None,
        };
        self.app.form_committee(&self.principal, tender_id, "1", input).await.map_err(explain).context("committee")
    }

    /// The committee's report on lot 1 (no bid rejected) and the candidates' publicity the same day.
    async fn report_and_publicize(&self, tender_id: &str) -> anyhow::Result<LotAward> {
        let app = self.app;
        app.submit_evaluation(&self.principal, tender_id, "1", ReportInput::default())
            .await
            .map_err(explain)
            .context("evaluation report")?;
        app.publish_candidates(&self.principal, tender_id, "1").await.map_err(explain).context("publicity")
    }

    /// Lot 1 from opening to contract, as a real procedure paces it: the committee on the opening
    /// day, the report and the publicity the next day, an objection by `objector` the day after,
    /// answered the day after that; the award and the letter the day after the publicity ends
    /// (the objection stopped its clock for a day), the contract the next day.
    async fn to_contract(&self, tender_id: &str, objector: &Party) -> anyhow::Result<()> {
        let app = self.app;
        self.committee(tender_id).await?;
        self.later(1);
        self.report_and_publicize(tender_id).await?;
        self.later(1);
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
        let objection_id =
            raised.objections.first().map(|o| o.objection_id.clone()).context("the objection was not recorded")?;
        self.later(1);
        let answered = app
            .answer_objection(
                &self.principal,
                tender_id,
                "1",
                &objection_id,
                "经核查，该项目经理原任职项目已竣工验收并办理变更手续，异议不成立",
            )
            .await
            .map_err(explain)
            .context("answering the objection")?;
        let ends = answered
            .publicity
            .as_ref()
            .and_then(|p| p.ends_day)
            .context("the publicity has no known last day (a year without holiday data?)")?;
        // The award is decided the day after publicity is over, in China time.
        let today = ggzy_domain::china_time::date_of(app.now_ms());
        let days = today.until(ends).context("days to the end of publicity")?.get_days();
        self.later(i64::from(days) + 1);
        let winner = answered.candidates().into_iter().next().context("the report named no candidate")?;
        let price_fen = answered
            .report
            .as_ref()
            .and_then(|r| r.ranking.iter().find(|ranked| ranked.bidder_credit_code == winner))
            .map(|ranked| ranked.price_fen)
            .context("the winner is not in the ranking")?;
        app.decide_award(&self.principal, tender_id, "1", &winner, true).await.map_err(explain).context("award")?;
        app.issue_award_letter(&self.principal, tender_id, "1").await.map_err(explain).context("award letter")?;
        self.later(1);
        // The contract at the winning price, with a 5% performance bond (条例58 caps it at 10%).
        app.sign_contract(&self.principal, tender_id, "1", price_fen, price_fen / 20)
            .await
            .map_err(explain)
            .context("contract")?;
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
