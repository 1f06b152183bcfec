//! Demo tenders: a demo CA, certificates and keys for the demo bidders and officials (written
//! under `<data_dir>/demo-ca/keys/` so that `ggzy bid seal` and `ggzy bid submit` can be tried
//! against the demo), and tenders in several states, all made through the ordinary use cases by
//! the demo users under a fake clock that starts in the past and ends before now:
//! one opened (three bids decrypted by their bidders, record signed), one failed (two bids),
//! one taking bids, one in draft.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::bid::UploadStart;
use ggzy_app::clock::FakeClock;
use ggzy_app::tender::NewTender;
use ggzy_crypto::cert::Certificate;
use ggzy_crypto::envelope::{self, BidFile, Envelope, KeyHolder, Payload, SealRequest};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::sm3;
use ggzy_domain::CreditCode;

use crate::ceremony::{self, Official};
use crate::demo::{DEMO_PASSWORD, explain};
use crate::demo_ca::DemoCa;

const DAY_MS: i64 = 86_400_000;
/// Days between the notice and the deadline in the demo (above the 20-day floor whatever holidays fall).
const BIDDING_DAYS: i64 = 30;

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
    /// State label (Chinese).
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

/// The tenders of a seeded demo, to list them again on a later start.
pub async fn list(app: &App) -> anyhow::Result<Vec<DemoTender>> {
    let rows = app.store().tenders(100).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(rows
        .into_iter()
        .map(|row| DemoTender {
            state: ggzy_domain::tender::TenderState::parse(&row.state)
                .map_or(row.state.clone(), |s| s.label().to_owned()),
            tender_id: row.tender_id,
            title: row.title,
        })
        .collect())
}

/// Seeds the demo tenders on `app`, whose clock is `clock`; returns them in creation order.
pub async fn seed_tenders(app: &App, clock: &FakeClock, data_dir: &Path) -> anyhow::Result<Vec<DemoTender>> {
    let ca = DemoCa::open(&ca_dir(data_dir))?;
    let keys = keys_dir(data_dir);
    std::fs::create_dir_all(&keys).with_context(|| format!("creating {}", keys.display()))?;
    let now_unix = app.now_ms() / 1000;
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
    let demo = Demo { app, principal, officials, keys: &keys };
    let mut tenders = Vec::new();

    let opened = demo.announced("杭州市文三路综合管廊工程施工", &["土建工程"]).await?;
    let failed = demo.announced("杭州市西湖区留下街道农居安置房配套道路工程", &["施工"]).await?;
    let mut opened_files = Vec::new();
    for (i, bidder) in bidders.iter().enumerate() {
        opened_files.push(demo.bid(&opened, bidder, 86_000_000 + 1_250_000 * i64::try_from(i)?).await?);
    }
    for bidder in bidders.iter().take(2) {
        demo.bid(&failed, bidder, 12_800_000).await?;
    }
    clock.advance_ms(BIDDING_DAYS * DAY_MS);
    app.start_opening(&demo.principal, &opened.0).await.map_err(explain).context("opening")?;
    for (bidder, file) in bidders.iter().zip(&opened_files) {
        let envelope = Envelope::parse(file).map_err(|e| anyhow::anyhow!("{e}"))?;
        let data_key = envelope.unwrap_key(&bidder.key, KeyHolder::Bidder).map_err(|e| anyhow::anyhow!("{e}"))?;
        let code = CreditCode::parse(&bidder.code).map_err(|e| anyhow::anyhow!("{e}"))?;
        app.decrypt_bid(&bidder.actor, &opened.0, "1", &code, data_key).await.map_err(explain).context("decrypting")?;
    }
    app.close_opening(&demo.principal, &opened.0).await.map_err(explain).context("closing the opening")?;
    app.start_opening(&demo.principal, &failed.0).await.map_err(explain).context("failing")?;
    tenders.push(DemoTender { tender_id: opened.0, title: opened.1, state: "已开标".to_owned() });
    tenders.push(DemoTender { tender_id: failed.0, title: failed.1, state: "流标".to_owned() });

    clock.advance_ms(8 * DAY_MS);
    let bidding = demo.announced("宁波市轨道交通5号线二期车站装修工程", &["一标段", "二标段"]).await?;
    demo.bid(&bidding, &bidders[0], 45_600_000).await?;
    let code = CreditCode::parse(&bidders[1].code).map_err(|e| anyhow::anyhow!("{e}"))?;
    app.register_bidder(&bidders[1].actor, &bidding.0, "1", &code).await.map_err(explain)?;
    let opening_pem = app.tender(&bidding.0).await.map_err(explain)?.opening_public_key_pem.unwrap_or_default();
    std::fs::write(keys.join(format!("{}-opening.pem", bidding.0)), opening_pem).context("writing the opening key")?;
    tenders.push(DemoTender { tender_id: bidding.0, title: bidding.1, state: "投标中".to_owned() });
    let draft = demo.draft("浙江之江市政园林绿化养护项目", &["养护"]).await?;
    tenders.push(DemoTender { tender_id: draft.0, title: draft.1, state: "草稿".to_owned() });
    Ok(tenders)
}

struct Demo<'a> {
    app: &'a App,
    principal: Actor,
    officials: Vec<Official>,
    keys: &'a Path,
}

impl Demo<'_> {
    async fn draft(&self, title: &str, lots: &[&str]) -> anyhow::Result<(String, String)> {
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
