//! P1 bid surge: many bidders submit sealed bids to one tender at the same time, over HTTP against
//! the real server (SQLite), every answer a receipt signed by the platform; against a bare loop
//! of the same durable work on the same disk, measured in the same run.
//!
//! Setup (not timed; its duration is printed): the server on 127.0.0.1:0 with a fresh data
//! directory in a temporary directory and a CA it trusts; one bidder user with an API token per
//! client; N bidder entities (entity i has user i mod clients as its member), each with a
//! certificate and registered for lot 1 of one published tender (opening-key ceremony held by
//! three officials); N envelopes of `--size-kb` KiB and, for the large phase, `--large` envelopes of
//! `--large-mb` MiB, sealed over all cores.
//!
//! Timed:
//! 1. The surge: `--clients` tasks, each with its own HTTP client and token, submit their bids one
//!    after another in one request each (`POST /api/v1/tenders/{id}/lots/1/bids`). Counted: 201
//!    answers whose receipt names the bid and verifies under the platform key (checked after the
//!    clock stops). Latency is per request, sending to the last byte of the answer.
//! 2. Its baseline, one thread: per envelope, write the same bytes to a new file and fsync it,
//!    then INSERT one row (id, digest, length) in its own transaction into SQLite (WAL,
//!    `synchronous=FULL`). That is the issue's definition: the least durable work one bid needs,
//!    done the simplest way.
//! 3. Large bids: `--large` bidders (the first ones; each replaces its own bid, a new receipted
//!    bid) upload through the resumable API (`POST /api/v1/uploads`, `PATCH` chunks of
//!    `--chunk-mib`, `POST .../submit`), `--large-clients` at a time. Baseline: `dd if=/dev/zero
//!    bs=1M oflag=direct` of as many bytes into the same temporary directory.
//!
//! Then the store is checked (one submitted bid per bidder, the whole chain verified). To show where
//! the time goes: the CPU the process (server and clients) and the machine used in each phase
//! (from `/proc`); the same bids once more through the app's use cases in-process, as the HTTP
//! handler calls them, without HTTP (each bidder replaces its bid with the same envelope); and each
//! step the server runs per bid, timed alone on one core.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin bid-surge -- [--bids 5000] [--clients 64] [--size-kb 10] \
//!     [--large 200] [--large-mb 20] [--large-clients 8] [--chunk-mib 4] [--dir /tmp]
//! ```
//!
//! KiB and MiB are sizes (2^10, 2^20 bytes); every MB/s is 10^6 bytes per second (as dd prints).

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use ggzy::ceremony::{self, Official};
use ggzy::config::Config;
use ggzy_app::actor::{Actor, Credential};
use ggzy_app::clock::SystemClock;
use ggzy_app::entity::EntityInput;
use ggzy_app::identity::NewUser;
use ggzy_app::project::NewProject;
use ggzy_app::tender::NewTender;
use ggzy_app::{App, AppError};
use ggzy_bench::cpu::{CpuSample, CpuUse, clock_ticks_per_second};
use ggzy_bench::server::{self, Running};
use ggzy_crypto::cert::{Certificate, IssueRequest, TrustStore, issue};
use ggzy_crypto::envelope::{self, BidFile, Envelope, Payload, SealRequest, envelope_digests};
use ggzy_crypto::receipt::{ReceiptFields, ReceiptKind};
use ggzy_crypto::sm2::{PrivateKey, PublicKey};
use ggzy_crypto::sm3::sm3;
use ggzy_domain::role::{Role, RoleGrant};
use ggzy_domain::{CreditCode, RegionCode, ResidentId};
use ggzy_store::blob::BlobStore;
use ggzy_web::api::bids::ReceiptDto;
use sqlx::{AnyConnection, Connection, Executor, Row};

const USAGE: &str = "usage: bid-surge [--bids N] [--clients N] [--size-kb KIB] [--large N] [--large-mb MIB] \
                     [--large-clients N] [--chunk-mib MIB] [--dir PARENT_OF_TEMP_DIR]";
const DAY_MS: i64 = 86_400_000;
/// Region of the tender (杭州市) and of the entities (西湖区).
const TENDER_REGION: &str = "330100";
const ENTITY_REGION: &str = "330106";
const PASSWORD: &str = "bid-surge-password";
/// GB 11714 weights of the organisation code body.
/// Envelopes timed alone per step in the profile.
const PROFILE_SAMPLES: usize = 200;
/// Large envelopes timed alone per size-dependent step.
const LARGE_PROFILE_SAMPLES: usize = 5;

#[derive(Debug, Clone)]
struct Args {
    bids: usize,
    clients: usize,
    size_kb: usize,
    large: usize,
    large_mb: usize,
    large_clients: usize,
    chunk_mib: usize,
    dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut parsed = Args {
        bids: 5000,
        clients: 64,
        size_kb: 10,
        large: 200,
        large_mb: 20,
        large_clients: 8,
        chunk_mib: 4,
        dir: None,
    };
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--bids" => parsed.bids = value.parse().context("--bids")?,
            "--clients" => parsed.clients = value.parse().context("--clients")?,
            "--size-kb" => parsed.size_kb = value.parse().context("--size-kb")?,
            "--large" => parsed.large = value.parse().context("--large")?,
            "--large-mb" => parsed.large_mb = value.parse().context("--large-mb")?,
            "--large-clients" => parsed.large_clients = value.parse().context("--large-clients")?,
            "--chunk-mib" => parsed.chunk_mib = value.parse().context("--chunk-mib")?,
            "--dir" => parsed.dir = Some(PathBuf::from(value)),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    ensure!((1..=1_000_000).contains(&parsed.bids), "--bids must be in 1..=1000000");
    ensure!((1..=1000).contains(&parsed.clients), "--clients must be in 1..=1000");
    ensure!((2..=10_240).contains(&parsed.size_kb), "--size-kb must be in 2..=10240");
    ensure!(parsed.large <= parsed.bids, "--large cannot exceed --bids (large bids replace the first bidders' bids)");
    ensure!((1..=1024).contains(&parsed.large_mb), "--large-mb must be in 1..=1024");
    ensure!(parsed.large_clients >= 1, "--large-clients must be at least 1");
    ensure!((1..=64).contains(&parsed.chunk_mib), "--chunk-mib must be in 1..=64");
    Ok(parsed)
}

/// What one timed phase found.
#[derive(Debug, Clone, Default)]
struct Measured {
    /// Operations that succeeded (for a surge: receipted and verified).
    count: u64,
    /// Bytes those operations carried.
    bytes: u64,
    elapsed: Duration,
    /// Latency of each successful operation, sorted ascending.
    latencies_us: Vec<u64>,
}

impl Measured {
    fn new(count: u64, bytes: u64, elapsed: Duration, mut latencies_us: Vec<u64>) -> Measured {
        latencies_us.sort_unstable();
        Measured { count, bytes, elapsed, latencies_us }
    }

    fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }

    fn mb_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        // Nearest rank.
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.latencies_us.len()) - 1;
        self.latencies_us[index] as f64 / 1000.0
    }

    fn max_ms(&self) -> f64 {
        self.latencies_us.last().map_or(f64::NAN, |&us| us as f64 / 1000.0)
    }
}

fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

/// An app error with its field details or refusal message.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(fields) => {
            let details: Vec<String> =
                fields.iter().map(|field| format!("{} ({}): {}", field.field, field.code, field.message)).collect();
            anyhow!("invalid input: {}", details.join("; "))
        }
        other => anyhow!("{other}"),
    }
}

fn region(code: &str) -> Result<RegionCode> {
    RegionCode::parse(code).map_err(|e| anyhow!("region {code}: {e}"))
}

/// A valid unified social credit code (GB 32100, with the GB 11714 organisation code inside) of an
/// enterprise registered in 西湖区, from an 8-digit number.
fn credit_code(number: u32) -> Result<CreditCode> {
    ggzy::demo::credit_code(ENTITY_REGION, &format!("{number:08}"))
}

/// The principal's number and the first bidder's (bidders count up from it).
const PRINCIPAL_NUMBER: u32 = 90_000_001;
const FIRST_BIDDER_NUMBER: u32 = 10_000_000;

fn bidder_code(index: usize) -> Result<CreditCode> {
    credit_code(FIRST_BIDDER_NUMBER + u32::try_from(index).context("bidder index")?)
}

fn entity_input(code: CreditCode, name: String) -> Result<EntityInput> {
    Ok(EntityInput {
        credit_code: code,
        name,
        region: region(ENTITY_REGION)?,
        legal_rep_name: "张三".to_owned(),
        legal_rep_id: ResidentId::parse("11010519491231002X").map_err(|e| anyhow!("resident id: {e}"))?,
        contact_name: "李四".to_owned(),
        contact_phone: "0571-87654321".to_owned(),
        address: "浙江省杭州市西湖区文三路1号".to_owned(),
    })
}

/// A CA the server trusts, issuing every certificate of the run.
struct Ca {
    cert: Certificate,
    key: PrivateKey,
}

impl Ca {
    fn new(now_unix: i64) -> Result<Ca> {
        let key = PrivateKey::generate(&mut rand::rng());
        let request = IssueRequest {
            subject: "CN=ggzy bid-surge CA,O=ggzy,C=CN",
            public_key: &key.verifying_key(),
            serial: &[1],
            not_before_unix: now_unix - 86_400,
            not_after_unix: now_unix + 3650 * 86_400,
            is_ca: true,
        };
        let cert = issue(&request, None, &key).map_err(|e| anyhow!("CA certificate: {e}"))?;
        Ok(Ca { cert, key })
    }

    /// A fresh key and a certificate for `cn`, valid for a year from yesterday.
    fn issue(&self, cn: &str, serial: u32, now_unix: i64) -> Result<(Certificate, PrivateKey)> {
        let key = PrivateKey::generate(&mut rand::rng());
        let mut serial_bytes = vec![0x10];
        serial_bytes.extend_from_slice(&serial.to_be_bytes());
        let request = IssueRequest {
            subject: &format!("CN={cn},O=ggzy bid-surge,C=CN"),
            public_key: &key.verifying_key(),
            serial: &serial_bytes,
            not_before_unix: now_unix - 86_400,
            not_after_unix: now_unix + 365 * 86_400,
            is_ca: false,
        };
        let cert = issue(&request, Some(&self.cert), &self.key).map_err(|e| anyhow!("certificate of {cn}: {e}"))?;
        Ok((cert, key))
    }
}

/// A bidder client: its user and API token.
struct Client {
    token: String,
}

/// A bidder entity with its certificate.
struct Bidder {
    code: String,
    cert: Certificate,
    key: PrivateKey,
}

/// A sealed bid ready to send.
struct Sealed {
    /// Index of the bidder.
    bidder: usize,
    bytes: Vec<u8>,
    digest_hex: String,
}

/// Runs `work(worker)` on `workers` scoped threads; results in worker order.
fn in_parallel<T: Send>(workers: usize, work: impl Fn(usize) -> Result<T> + Sync) -> Result<Vec<T>> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|worker| scope.spawn(move || work(worker))).collect();
        handles.into_iter().map(|handle| handle.join().map_err(|_| anyhow!("a worker panicked"))?).collect()
    })
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Certificates of `count` bidders, issued over all cores.
fn issue_bidders(ca: &Ca, count: usize, now_unix: i64) -> Result<Vec<Bidder>> {
    let workers = cores();
    let parts = in_parallel(workers, |worker| {
        let mut out = Vec::new();
        for index in (worker..count).step_by(workers) {
            let code = bidder_code(index)?.as_str().to_owned();
            let (cert, key) = ca.issue(&code, u32::try_from(index)? + 100, now_unix)?;
            out.push((index, Bidder { code, cert, key }));
        }
        Ok(out)
    })?;
    let mut all: Vec<(usize, Bidder)> = parts.into_iter().flatten().collect();
    all.sort_by_key(|(index, _)| *index);
    Ok(all.into_iter().map(|(_, bidder)| bidder).collect())
}

/// What sealing needs besides the bidder.
struct SealContext<'a> {
    tender_id: &'a str,
    opening_key: &'a PublicKey,
    bidders: &'a [Bidder],
}

impl SealContext<'_> {
    fn seal_one(&self, bidder: usize, payload: &Payload) -> Result<Vec<u8>> {
        let party = self.bidders.get(bidder).context("bidder index")?;
        let request = SealRequest {
            tender_id: self.tender_id,
            lot_id: "1",
            bidder_credit_code: &party.code,
            sealed_at_ms: now_ms(),
            tool_version: concat!("ggzy-bench ", env!("CARGO_PKG_VERSION")),
            machine_id_hash: sm3(party.code.as_bytes()),
            mac_hash: sm3(format!("mac-{}", party.code).as_bytes()),
            bidder_cert: &party.cert,
            bidder_key: &party.key,
            opening_key: self.opening_key,
            payload,
        };
        envelope::seal(&request, &mut rand::rng()).map_err(|e| anyhow!("sealing for {}: {e}", party.code))
    }

    fn payload(price_fen: usize, file_len: usize) -> Payload {
        Payload {
            declared_json: format!(r#"{{"price_fen":{price_fen}}}"#),
            files: vec![BidFile { name: "投标文件.pdf".to_owned(), bytes: vec![0x25; file_len] }],
        }
    }

    /// Envelope bytes beyond the bid file (header, certificate, wrapped keys, tag, signature).
    fn overhead(&self) -> Result<usize> {
        Ok(self.seal_one(0, &SealContext::payload(100_000_000, 0))?.len())
    }

    /// One envelope of about `target_bytes` for each of bidders `0..count`, sealed over all cores.
    fn seal_all(&self, count: usize, target_bytes: usize, label: &str) -> Result<Vec<Sealed>> {
        let file_len = target_bytes.saturating_sub(self.overhead()?);
        let workers = cores();
        let done = AtomicUsize::new(0);
        let started = Instant::now();
        let parts = in_parallel(workers, |worker| {
            let mut payload = SealContext::payload(0, file_len);
            let mut out = Vec::new();
            for bidder in (worker..count).step_by(workers) {
                payload.declared_json = format!(r#"{{"price_fen":{}}}"#, 100_000_000 + bidder);
                let bytes = self.seal_one(bidder, &payload)?;
                let digest = Envelope::parse(&bytes).map_err(|e| anyhow!("parsing a sealed envelope: {e}"))?.digest();
                out.push(Sealed { bidder, bytes, digest_hex: hex::encode(digest) });
                let sealed = done.fetch_add(1, Ordering::Relaxed) + 1;
                if sealed.is_multiple_of((count / 10).max(1)) {
                    eprintln!("    {label}: {sealed}/{count} sealed ({:.1} s)", started.elapsed().as_secs_f64());
                }
            }
            Ok(out)
        })?;
        let mut all: Vec<Sealed> = parts.into_iter().flatten().collect();
        all.sort_by_key(|sealed| sealed.bidder);
        Ok(all)
    }
}

/// Starts the server on a fresh data directory under `dir`.
async fn start_server(dir: &Path, ca: &Ca, max_bid_mib: u64) -> Result<Running> {
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.cert.to_pem().map_err(|e| anyhow!("CA PEM: {e}"))?).context("writing the CA")?;
    let config = Config { max_bid_mib, trusted_ca_files: vec![ca_file], ..server::config(&dir.join("server")) };
    server::start(&config, Arc::new(SystemClock)).await
}

/// An actor for a user just created (as its API token would resolve it).
fn actor_of(view: &ggzy_app::identity::UserView) -> Result<Actor> {
    Ok(Actor {
        user_id: view.user_id.clone(),
        username: view.username.clone(),
        display_name: view.display_name.clone(),
        region: region(&view.region_code)?,
        grants: view.grants.clone(),
        entities: view.entities.clone(),
        credential: Credential::ApiToken,
    })
}

async fn create_user(app: &App, username: String, role: Role, grant_region: &str) -> Result<Actor> {
    let system = Actor::system(region("330000")?);
    let user = NewUser {
        display_name: format!("压测用户{username}"),
        username,
        password: PASSWORD.to_owned(),
        region: region(TENDER_REGION)?,
        grants: vec![RoleGrant { role, region: region(grant_region)? }],
    };
    let view = app.create_user(&system, user).await.map_err(explain).context("creating a user")?;
    actor_of(&view)
}

/// Everything the timed phases need.
struct Fixture {
    tender_id: String,
    clients: Vec<Client>,
    bidders: Vec<Bidder>,
    small: Vec<Sealed>,
    large: Vec<Sealed>,
    ca_cert: Certificate,
}

async fn setup(args: &Args, running: &Running, ca: Ca) -> Result<Fixture> {
    let app = &running.app;
    let system = Actor::system(region("330000")?);
    for code in ["330000", TENDER_REGION] {
        app.enable_platform_region(&system, &region(code)?).await.map_err(explain).context("enabling a region")?;
    }
    let principal = credit_code(PRINCIPAL_NUMBER)?;
    app.register_entity(&system, entity_input(principal.clone(), "杭州市压测建设投资集团有限公司".to_owned())?)
        .await
        .map_err(explain)
        .context("registering the principal")?;

    let started = Instant::now();
    let now_unix = now_ms() / 1000;
    eprintln!("  {} bidder users and 3 officials (argon2 hashing, ~50 ms each) ...", args.clients);
    let mut officials = Vec::new();
    for i in 0..3 {
        let actor = create_user(app, format!("official-{i}"), Role::CenterStaff, TENDER_REGION).await?;
        let (cert, _key) = ca.issue(&format!("official{i}"), 10 + i, now_unix)?;
        officials.push(Official { user_id: actor.user_id, cert });
    }
    let mut users = tokio::task::JoinSet::new();
    for i in 0..args.clients {
        let app = app.clone();
        users.spawn(async move {
            let actor = create_user(&app, format!("bidder-{i:04}"), Role::Bidder, "330000").await?;
            let token = app.issue_api_token(&actor, "bid-surge", 1).await.map_err(explain).context("API token")?;
            Ok::<_, anyhow::Error>((i, actor, token.secret))
        });
    }
    let mut made = Vec::new();
    while let Some(joined) = users.join_next().await {
        made.push(joined.context("user task")??);
    }
    made.sort_by_key(|(i, _, _)| *i);
    let actors: Vec<Actor> = made.iter().map(|(_, actor, _)| actor.clone()).collect();
    let clients: Vec<Client> = made.into_iter().map(|(_, _, token)| Client { token }).collect();
    eprintln!("    users: {:.1} s", started.elapsed().as_secs_f64());

    // A privately funded project outside the duty to tender: it needs no approval or filing first.
    let project = NewProject {
        code: "2026-330100-48-01-000001".to_owned(),
        name: "杭州市投标高峰压测工程".to_owned(),
        region: region(TENDER_REGION)?,
        principal_credit_code: principal.clone(),
        public_interest: false,
        foreign_loan_or_aid: false,
        total_investment_fen: 1_000_000_000,
        state_budget_funds_fen: 0,
        state_controlled: false,
        packages: vec![("works".to_owned(), "施工".to_owned(), 500_000_000)],
        exemption: None,
        approval_required: false,
        method: "open".to_owned(),
        organisation_form: "self".to_owned(),
        invitation_ground: None,
    };
    let project_id = app
        .register_project(&system, project)
        .await
        .map_err(explain)
        .context("registering the project")?
        .details
        .project_id;
    let new = NewTender {
        region: region(TENDER_REGION)?,
        title: "杭州市投标高峰压测工程施工".to_owned(),
        principal_credit_code: principal,
        agency_credit_code: None,
        lot_names: vec!["施工".to_owned()],
        project_id,
    };
    let tender_id = app.create_tender(&system, new).await.map_err(explain).context("creating the tender")?.tender_id;
    let file = ceremony::hold(2, &officials, &mut rand::rng())?;
    let opening_key = PublicKey::from_public_key_pem(&file.public_key_pem).map_err(|e| anyhow!("opening key: {e}"))?;
    let ceremony = file.to_key_ceremony()?;
    app.record_key_ceremony(&system, &tender_id, ceremony).await.map_err(explain).context("key ceremony")?;
    let deadline = now_ms() + 25 * DAY_MS;
    app.publish_notice(&system, &tender_id, deadline).await.map_err(explain).context(
        "publishing the notice (deadline now + 25 days; the built-in holiday calendar must cover that date)",
    )?;

    // Entities and registrations (async, group commit) while certificates and envelopes are made.
    let registered = register_bidders(app, &actors, args.bids, &tender_id);
    let size_small = args.size_kb << 10;
    let size_large = args.large_mb << 20;
    let (bids, large) = (args.bids, args.large);
    let sealing_tender = tender_id.clone();
    let sealing = tokio::task::spawn_blocking(move || -> Result<_> {
        let started = Instant::now();
        let bidders = issue_bidders(&ca, bids, now_unix)?;
        eprintln!("    {bids} certificates: {:.1} s", started.elapsed().as_secs_f64());
        let context = SealContext { tender_id: &sealing_tender, opening_key: &opening_key, bidders: &bidders };
        let started = Instant::now();
        let small = context.seal_all(bids, size_small, "small")?;
        eprintln!("    {bids} envelopes of {} KiB: {:.1} s", size_small >> 10, started.elapsed().as_secs_f64());
        let started = Instant::now();
        if large > 0 {
            eprintln!(
                "    sealing {large} envelopes of {} MiB ({:.1} GB of SM4-GCM and SM3; this takes a while) ...",
                size_large >> 20,
                (large * size_large) as f64 / 1e9
            );
        }
        let large_sealed = context.seal_all(large, size_large, "large")?;
        if large > 0 {
            eprintln!("    {large} large envelopes: {:.1} s", started.elapsed().as_secs_f64());
        }
        Ok((bidders, small, large_sealed, ca.cert))
    });
    let (registered, sealed) = tokio::join!(registered, sealing);
    registered?;
    let (bidders, small, large, ca_cert) = sealed.context("sealing task")??;
    Ok(Fixture { tender_id, clients, bidders, small, large, ca_cert })
}

/// Registers entity i with user i mod clients as its member, and registers it for lot 1.
async fn register_bidders(app: &App, actors: &[Actor], count: usize, tender_id: &str) -> Result<()> {
    let started = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for (client, actor) in actors.iter().enumerate() {
        let app = app.clone();
        let actor = actor.clone();
        let tender_id = tender_id.to_owned();
        let stride = actors.len();
        let done = done.clone();
        tasks.spawn(async move {
            let system = Actor::system(region("330000")?);
            for index in (client..count).step_by(stride) {
                let code = bidder_code(index)?;
                let input = entity_input(code.clone(), format!("浙江压测建设第{index}工程有限公司"))?;
                // A bidder registering an entity becomes its member in the same event batch.
                app.register_entity(&actor, input).await.map_err(explain).context("registering an entity")?;
                app.register_bidder(&system, &tender_id, "1", &code)
                    .await
                    .map_err(explain)
                    .context("registering for lot 1")?;
                let registered = done.fetch_add(1, Ordering::Relaxed) + 1;
                if registered.is_multiple_of((count / 10).max(1)) {
                    eprintln!(
                        "    entities registered for lot 1: {registered}/{count} ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.context("registration task")??;
    }
    Ok(())
}

fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(600)).build()?)
}

/// Reads an answer: the receipt of a 201, or the status and body as the error.
async fn receipt_of(response: reqwest::Response) -> Result<ReceiptDto> {
    let status = response.status();
    let text = response.text().await.context("reading the answer")?;
    ensure!(status == reqwest::StatusCode::CREATED, "HTTP {status}: {}", text.chars().take(300).collect::<String>());
    serde_json::from_str(&text).context("the receipt is not valid JSON")
}

async fn json_of(response: reqwest::Response, expected: reqwest::StatusCode) -> Result<serde_json::Value> {
    let status = response.status();
    let text = response.text().await.context("reading the answer")?;
    ensure!(status == expected, "HTTP {status}: {}", text.chars().take(300).collect::<String>());
    serde_json::from_str(&text).context("the answer is not valid JSON")
}

/// One request's outcome.
struct Outcome {
    /// Index into the sealed bids of the phase.
    bid: usize,
    latency_us: u64,
    receipt: Result<ReceiptDto, String>,
}

/// Prints progress every two seconds until aborted.
fn ticker(label: &'static str, done: Arc<AtomicUsize>, total: usize) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let started = Instant::now();
        let mut ticks = tokio::time::interval(Duration::from_secs(2));
        ticks.tick().await;
        loop {
            ticks.tick().await;
            eprintln!(
                "    {label}: {}/{total} answered ({:.0} s)",
                done.load(Ordering::Relaxed),
                started.elapsed().as_secs_f64()
            );
        }
    })
}

/// The surge: each client submits its bidders' bids one after another, all clients at once.
async fn surge(args: &Args, fixture: &Arc<Fixture>, base: &str) -> Result<(Duration, Vec<Outcome>)> {
    let done = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        clients.push(http_client()?);
    }
    let progress = ticker("surge", done.clone(), fixture.small.len());
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.clients);
    for (client, http) in clients.into_iter().enumerate() {
        let fixture = fixture.clone();
        let done = done.clone();
        let stride = args.clients;
        let url = format!("{base}/api/v1/tenders/{}/lots/1/bids", fixture.tender_id);
        tasks.push(tokio::spawn(async move {
            let token = &fixture.clients[client].token;
            let mut outcomes = Vec::new();
            for bid in (client..fixture.small.len()).step_by(stride) {
                let sealed = &fixture.small[bid];
                let code = &fixture.bidders[sealed.bidder].code;
                let began = Instant::now();
                let answer = async {
                    let response = http
                        .post(&url)
                        .query(&[("bidder", code.as_str())])
                        .bearer_auth(token)
                        .header("content-type", "application/octet-stream")
                        .header("bid-digest", &sealed.digest_hex)
                        .body(sealed.bytes.clone())
                        .send()
                        .await?;
                    receipt_of(response).await
                }
                .await;
                let latency_us = micros(began.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
                outcomes.push(Outcome { bid, latency_us, receipt: answer.map_err(|e| format!("{e:#}")) });
            }
            outcomes
        }));
    }
    let mut outcomes = Vec::with_capacity(fixture.small.len());
    for task in tasks {
        outcomes.extend(task.await.context("client task panicked")?);
    }
    let elapsed = started.elapsed();
    progress.abort();
    Ok((elapsed, outcomes))
}

/// Uploads one envelope in chunks and submits it.
async fn upload_one(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    tender_id: &str,
    code: &str,
    sealed: &Sealed,
    chunk: usize,
) -> Result<ReceiptDto> {
    let started = http
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "tender_id": tender_id,
            "lot_id": "1",
            "bidder_credit_code": code,
            "size_bytes": sealed.bytes.len(),
            "envelope_digest": sealed.digest_hex,
        }))
        .send()
        .await?;
    let started = json_of(started, reqwest::StatusCode::CREATED).await.context("starting the upload")?;
    let upload_id = started["upload_id"].as_str().context("no upload id")?.to_owned();
    let path = format!("{base}/api/v1/uploads/{upload_id}");
    let mut offset = 0;
    while offset < sealed.bytes.len() {
        let end = (offset + chunk).min(sealed.bytes.len());
        let response = http
            .patch(&path)
            .bearer_auth(token)
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(sealed.bytes[offset..end].to_vec())
            .send()
            .await?;
        let status = json_of(response, reqwest::StatusCode::OK).await.context("sending a chunk")?;
        ensure!(status["received_bytes"].as_u64() == u64::try_from(end).ok(), "the server has {status}");
        offset = end;
    }
    let response = http.post(format!("{path}/submit")).bearer_auth(token).send().await?;
    receipt_of(response).await.context("submitting")
}

/// For the profile: the same bids again (each replaces itself), through the app's use cases in this
/// process as the HTTP handler calls them (start, write, submit), without HTTP or token lookup per
/// request. Returns the wall time, receipts that verify, and latencies.
async fn direct_surge(args: &Args, fixture: &Arc<Fixture>, app: &App, platform_key: &PublicKey) -> Result<Checked> {
    let mut actors = Vec::with_capacity(args.clients);
    for client in &fixture.clients {
        actors.push(app.token_actor(&client.token).await.map_err(explain).context("token actor")?);
    }
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.clients);
    for (client, actor) in actors.into_iter().enumerate() {
        let fixture = fixture.clone();
        let app = app.clone();
        let stride = args.clients;
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for bid in (client..fixture.small.len()).step_by(stride) {
                let sealed = &fixture.small[bid];
                let began = Instant::now();
                let answer = async {
                    let digest: [u8; 32] =
                        hex::decode(&sealed.digest_hex)?.try_into().map_err(|_| anyhow!("digest is not 32 bytes"))?;
                    let start = ggzy_app::bid::UploadStart {
                        tender_id: fixture.tender_id.clone(),
                        lot_id: "1".to_owned(),
                        bidder: bidder_code(sealed.bidder)?,
                        size_bytes: u64::try_from(sealed.bytes.len())?,
                        declared_digest: digest,
                    };
                    let view = app.start_upload(&actor, start).await.map_err(explain)?;
                    let mut writer = app.write_upload(&actor, &view.upload_id, 0).await.map_err(explain)?;
                    writer.write(&sealed.bytes).await.map_err(explain)?;
                    writer.finish().await.map_err(explain)?;
                    let receipt = app.submit_upload(&actor, &view.upload_id, "127.0.0.1").await.map_err(explain)?;
                    Ok::<_, anyhow::Error>(ReceiptDto::from(receipt))
                }
                .await;
                outcomes.push(Outcome {
                    bid,
                    latency_us: micros(began.elapsed()),
                    receipt: answer.map_err(|e| format!("{e:#}")),
                });
            }
            outcomes
        }));
    }
    let mut outcomes = Vec::with_capacity(fixture.small.len());
    for task in tasks {
        outcomes.extend(task.await.context("direct task panicked")?);
    }
    let elapsed = started.elapsed();
    Ok(check_receipts(outcomes, &fixture.small, fixture, platform_key, elapsed))
}

/// Large bids: `--large-clients` at a time, each uploading in chunks.
async fn large_surge(args: &Args, fixture: &Arc<Fixture>, base: &str) -> Result<(Duration, Vec<Outcome>)> {
    let done = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(args.large_clients);
    for _ in 0..args.large_clients {
        clients.push(http_client()?);
    }
    let progress = ticker("large", done.clone(), fixture.large.len());
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.large_clients);
    for (client, http) in clients.into_iter().enumerate() {
        let fixture = fixture.clone();
        let done = done.clone();
        let base = base.to_owned();
        let (stride, users, chunk) = (args.large_clients, args.clients, args.chunk_mib << 20);
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for bid in (client..fixture.large.len()).step_by(stride) {
                let sealed = &fixture.large[bid];
                // The bidder's member user is the client that submitted its small bid.
                let token = &fixture.clients[sealed.bidder % users].token;
                let code = &fixture.bidders[sealed.bidder].code;
                let began = Instant::now();
                let answer = upload_one(&http, &base, token, &fixture.tender_id, code, sealed, chunk).await;
                let latency_us = micros(began.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
                outcomes.push(Outcome { bid, latency_us, receipt: answer.map_err(|e| format!("{e:#}")) });
            }
            outcomes
        }));
    }
    let mut outcomes = Vec::with_capacity(fixture.large.len());
    for task in tasks {
        outcomes.extend(task.await.context("client task panicked")?);
    }
    let elapsed = started.elapsed();
    progress.abort();
    Ok((elapsed, outcomes))
}

/// What checking a phase's receipts found.
struct Checked {
    measured: Measured,
    failures: Vec<String>,
    bad_receipts: usize,
}

/// Counts the receipts that name their bid and verify under the platform key.
fn check_receipts(
    outcomes: Vec<Outcome>,
    sealed: &[Sealed],
    fixture: &Fixture,
    platform_key: &PublicKey,
    elapsed: Duration,
) -> Checked {
    let mut latencies = Vec::with_capacity(outcomes.len());
    let mut failures = Vec::new();
    let mut bad_receipts = 0;
    let mut bytes = 0u64;
    let mut positions = HashSet::new();
    for outcome in outcomes {
        let Some(bid) = sealed.get(outcome.bid) else {
            failures.push(format!("bid {} out of range", outcome.bid));
            continue;
        };
        let receipt = match outcome.receipt {
            Ok(receipt) => receipt,
            Err(error) => {
                failures.push(error);
                continue;
            }
        };
        let code = fixture.bidders.get(bid.bidder).map(|bidder| bidder.code.as_str()).unwrap_or_default();
        let good = receipt.to_fields().is_ok_and(|(fields, signature)| {
            fields.verify(platform_key, &signature).is_ok()
                && fields.kind == ReceiptKind::Submitted
                && fields.tender_id == fixture.tender_id
                && fields.lot_id == "1"
                && fields.bidder_credit_code == code
                && hex::encode(&fields.envelope_digest) == bid.digest_hex
                && positions.insert(fields.log_position)
        });
        if good {
            latencies.push(outcome.latency_us);
            bytes += bid.bytes.len() as u64;
        } else {
            bad_receipts += 1;
        }
    }
    Checked { measured: Measured::new(latencies.len() as u64, bytes, elapsed, latencies), failures, bad_receipts }
}

/// The issue's baseline, one thread: per envelope, a new file with its bytes and an fsync, then one
/// row in its own transaction (SQLite WAL, `synchronous=FULL`).
async fn baseline_small(dir: &Path, bids: &[Sealed]) -> Result<(Measured, String)> {
    let files = dir.join("files");
    std::fs::create_dir_all(&files).with_context(|| format!("creating {}", files.display()))?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("baseline.db").display());
    let mut conn = AnyConnection::connect(&url).await.context("connect baseline database")?;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = FULL").await?;
    let version: String = sqlx::query("SELECT sqlite_version()").fetch_one(&mut conn).await?.try_get(0)?;
    conn.execute("CREATE TABLE baseline_bid (id BIGINT PRIMARY KEY, digest BLOB NOT NULL, size_bytes BIGINT NOT NULL)")
        .await
        .context("create baseline table")?;
    let mut latencies = Vec::with_capacity(bids.len());
    let mut bytes = 0u64;
    let started = Instant::now();
    for (id, bid) in bids.iter().enumerate() {
        let began = Instant::now();
        let path = files.join(format!("{id}.bid"));
        {
            use std::io::Write as _;
            let mut file = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            file.write_all(&bid.bytes)?;
            file.sync_all()?;
        }
        let digest = hex::decode(&bid.digest_hex)?;
        let mut tx = conn.begin().await?;
        sqlx::query("INSERT INTO baseline_bid (id, digest, size_bytes) VALUES ($1, $2, $3)")
            .bind(i64::try_from(id)?)
            .bind(digest.as_slice())
            .bind(i64::try_from(bid.bytes.len())?)
            .execute(&mut *tx)
            .await
            .context("baseline insert")?;
        tx.commit().await.context("baseline commit")?;
        latencies.push(micros(began.elapsed()));
        bytes += bid.bytes.len() as u64;
    }
    let elapsed = started.elapsed();
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM baseline_bid").fetch_one(&mut conn).await?.try_get(0)?;
    ensure!(usize::try_from(count).ok() == Some(bids.len()), "baseline: {count} rows stored");
    conn.close().await.ok();
    Ok((Measured::new(latencies.len() as u64, bytes, elapsed, latencies), version))
}

/// `dd if=/dev/zero of=<dir>/dd.bin bs=1M count=N oflag=direct`, timed here (spawn included, a few
/// ms); also returns dd's own summary line.
fn dd_baseline(dir: &Path, bytes: u64) -> Result<(Measured, String)> {
    let count = bytes.div_ceil(1 << 20);
    let target = dir.join("dd.bin");
    let started = Instant::now();
    let output = std::process::Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", target.display()))
        .args(["bs=1M", &format!("count={count}"), "oflag=direct"])
        .output()
        .context("running dd")?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    ensure!(output.status.success(), "dd failed: {stderr}");
    let summary = stderr.lines().last().unwrap_or_default().to_owned();
    std::fs::remove_file(&target).ok();
    Ok((Measured::new(1, count << 20, elapsed, vec![micros(elapsed)]), summary))
}

/// Time of each step the server runs per bid, alone on one core, per envelope.
struct Profile {
    steps: Vec<(&'static str, f64)>,
    /// Steps that are CPU (not the blob store's disk path).
    cpu_us: f64,
    /// The steps whose cost grows with the size, on large envelopes (µs per bid), if any.
    large_steps: Vec<(&'static str, f64)>,
}

fn per_op_us(samples: usize, f: impl FnMut(usize) -> Result<()>) -> Result<f64> {
    let mut f = f;
    let started = Instant::now();
    for i in 0..samples {
        f(i)?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / samples.max(1) as f64)
}

async fn profile_steps(fixture: &Fixture, dir: &Path) -> Result<Profile> {
    let samples: Vec<&Sealed> = fixture.small.iter().take(PROFILE_SAMPLES).collect();
    let n = samples.len();
    ensure!(n > 0, "nothing to profile");
    let envelopes: Vec<Envelope> =
        samples.iter().map(|s| Envelope::parse(&s.bytes)).collect::<Result<_, _>>().map_err(|e| anyhow!("{e}"))?;
    let certs: Vec<Certificate> = envelopes
        .iter()
        .map(|e| Certificate::from_der(&e.header.bidder_cert_der))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!("{e}"))?;
    let trust = TrustStore::new(vec![fixture.ca_cert.clone()]);
    let now_unix = now_ms() / 1000;
    let platform = PrivateKey::generate(&mut rand::rng());
    let mut steps = Vec::new();
    steps.push((
        "`Envelope::parse`",
        per_op_us(n, |i| Envelope::parse(&samples[i].bytes).map(drop).map_err(|e| anyhow!("{e}")))?,
    ));
    steps.push((
        "`envelope_digests` (one SM3 pass: the signed digest and the blob address)",
        per_op_us(n, |i| envelope_digests(&samples[i].bytes).map(drop).map_err(|e| anyhow!("{e}")))?,
    ));
    steps.push((
        "`Certificate::from_der` + common name",
        per_op_us(n, |i| {
            let cert = Certificate::from_der(&envelopes[i].header.bidder_cert_der).map_err(|e| anyhow!("{e}"))?;
            std::hint::black_box(cert.common_name());
            Ok(())
        })?,
    ));
    steps.push((
        "`TrustStore::verify` (chain: SM2 verify of the CA signature)",
        per_op_us(n, |i| trust.verify(&certs[i], &[], now_unix).map(drop).map_err(|e| anyhow!("{e}")))?,
    ));
    steps.push((
        "bidder signature over the digest (SM2 verify)",
        per_op_us(n, |i| {
            let key = certs[i].public_key().map_err(|e| anyhow!("{e}"))?;
            key.verify(&envelopes[i].digest(), &envelopes[i].signature).map_err(|e| anyhow!("{e}"))
        })?,
    ));
    steps.push((
        "receipt signature (SM2 sign)",
        per_op_us(n, |i| {
            let fields = ReceiptFields {
                kind: ReceiptKind::Submitted,
                tender_id: fixture.tender_id.clone(),
                lot_id: "1".to_owned(),
                bidder_credit_code: fixture.bidders[samples[i].bidder].code.clone(),
                envelope_digest: envelopes[i].digest().to_vec(),
                received_at_ms: now_ms(),
                log_position: i64::try_from(i)?,
                event_hash: vec![0; 32],
            };
            std::hint::black_box(fields.sign(&platform));
            Ok(())
        })?,
    ));
    let cpu_us = steps.iter().map(|(_, us)| us).sum();
    // The blob store's disk path, one bid at a time (so every bid pays a whole `syncfs`; in the
    // surge concurrent bids share one): write, rename into place, sync the filesystem.
    let blobs = BlobStore::open(&dir.join("profile-blobs")).await?;
    let started = Instant::now();
    for sample in &samples {
        blobs.put(std::sync::Arc::new(sample.bytes.clone()), sm3(&sample.bytes)).await?;
    }
    // Since one-shot bids up to `INLINE_MAX_BYTES` are rows written with their event, the surge's
    // small bids no longer take this path; it is kept to show what it cost them.
    let inline = samples.iter().all(|sample| sample.bytes.len() <= ggzy_store::inline_blob::INLINE_MAX_BYTES);
    steps.push((
        if inline {
            "blob directory alone, not used for these bids (kept in the database): write, rename, `syncfs`"
        } else {
            "blob store alone: write, rename, `syncfs` (disk, not CPU)"
        },
        started.elapsed().as_secs_f64() * 1e6 / n as f64,
    ));
    let large: Vec<&Sealed> = fixture.large.iter().take(LARGE_PROFILE_SAMPLES).collect();
    let mut large_steps = Vec::new();
    if !large.is_empty() {
        let m = large.len();
        large_steps.push((
            "`Envelope::parse` (copies the ciphertext)",
            per_op_us(m, |i| Envelope::parse(&large[i].bytes).map(drop).map_err(|e| anyhow!("{e}")))?,
        ));
        large_steps.push((
            "`envelope_digests` (one SM3 pass: the signed digest and the blob address)",
            per_op_us(m, |i| envelope_digests(&large[i].bytes).map(drop).map_err(|e| anyhow!("{e}")))?,
        ));
        large_steps.push((
            "`to_vec` of the envelope (one copy, as reading the file back into memory costs at least)",
            per_op_us(m, |i| {
                std::hint::black_box(large[i].bytes.to_vec());
                Ok(())
            })?,
        ));
    }
    Ok(Profile { steps, cpu_us, large_steps })
}

/// How the store looks after the phases.
struct StoreCheck {
    submitted: usize,
    distinct: usize,
    large_in_store: usize,
    events_verified: i64,
}

async fn check_store(app: &App, fixture: &Fixture) -> Result<StoreCheck> {
    let bids = app.store().submitted_bids(&fixture.tender_id).await.context("reading submitted bids")?;
    let distinct: HashSet<&str> = bids.iter().map(|bid| bid.bidder_credit_code.as_str()).collect();
    let large_digests: HashSet<String> = fixture.large.iter().map(|s| s.digest_hex.clone()).collect();
    let large_in_store = bids.iter().filter(|bid| large_digests.contains(&hex::encode(&bid.envelope_digest))).count();
    let report = ggzy_store::verify::verify_store(app.store()).await.map_err(|e| anyhow!("chain check: {e}"))?;
    Ok(StoreCheck { submitted: bids.len(), distinct: distinct.len(), large_in_store, events_verified: report.events })
}

#[tokio::main]
async fn main() -> Result<()> {
    sqlx::any::install_default_drivers();
    let args = parse_args()?;
    let temp = match &args.dir {
        Some(parent) => tempfile::Builder::new().prefix("bid-surge-").tempdir_in(parent),
        None => tempfile::Builder::new().prefix("bid-surge-").tempdir(),
    }
    .context("temporary directory")?;
    let dir = temp.path().to_owned();
    eprintln!("bid-surge in {} ({} cores)", dir.display(), cores());

    let setup_started = Instant::now();
    let ca = Ca::new(now_ms() / 1000)?;
    let max_bid_mib = u64::try_from(args.large_mb.max(args.size_kb.div_ceil(1024)) + 1)?;
    let running = start_server(&dir, &ca, max_bid_mib).await?;
    let base = running.base();
    eprintln!("setup (not timed): server at {base} ...");
    let fixture = Arc::new(setup(&args, &running, ca).await?);
    let setup_time = setup_started.elapsed();
    eprintln!("setup done in {:.1} s", setup_time.as_secs_f64());

    let http = http_client()?;
    let key = json_of(http.get(format!("{base}/api/v1/log/key")).send().await?, reqwest::StatusCode::OK)
        .await
        .context("platform key")?;
    let platform_key = PublicKey::from_public_key_pem(key["public_key_pem"].as_str().context("no key PEM")?)
        .map_err(|e| anyhow!("platform key: {e}"))?;

    eprintln!("surge: {} clients, {} bids ...", args.clients, fixture.small.len());
    let ticks = clock_ticks_per_second();
    let cpu_before = CpuSample::now(ticks);
    let (elapsed, outcomes) = surge(&args, &fixture, &base).await?;
    let small_cpu = CpuSample::now(ticks).since(cpu_before);
    eprintln!("  {:.2} s; verifying receipts ...", elapsed.as_secs_f64());
    let small = check_receipts(outcomes, &fixture.small, &fixture, &platform_key, elapsed);
    let after_surge = check_store(&running.app, &fixture).await?;

    eprintln!("profile variant: the same bids again through the app in-process, no HTTP ...");
    let cpu_before = CpuSample::now(ticks);
    let direct = direct_surge(&args, &fixture, &running.app, &platform_key).await?;
    let direct_cpu = CpuSample::now(ticks).since(cpu_before);

    eprintln!("baseline: file + fsync, then one row per transaction, one thread ...");
    let (baseline, sqlite_version) = baseline_small(&dir.join("baseline"), &fixture.small).await?;

    let mut large = None;
    if !fixture.large.is_empty() {
        eprintln!("large: {} clients, {} bids of {} MiB ...", args.large_clients, fixture.large.len(), args.large_mb);
        let cpu_before = CpuSample::now(ticks);
        let (elapsed, outcomes) = large_surge(&args, &fixture, &base).await?;
        let large_cpu = CpuSample::now(ticks).since(cpu_before);
        eprintln!("  {:.2} s; verifying receipts ...", elapsed.as_secs_f64());
        let checked = check_receipts(outcomes, &fixture.large, &fixture, &platform_key, elapsed);
        let total: u64 = fixture.large.iter().map(|s| s.bytes.len() as u64).sum();
        eprintln!("dd of {:.0} MB with oflag=direct ...", total as f64 / 1e6);
        let dd_dir = dir.clone();
        let dd = tokio::task::spawn_blocking(move || dd_baseline(&dd_dir, total)).await.context("dd task")??;
        large = Some((checked, dd, large_cpu));
    }
    let after_all = check_store(&running.app, &fixture).await?;

    eprintln!("profile: each step of a bid alone, {} envelopes ...", PROFILE_SAMPLES.min(fixture.small.len()));
    let profile = profile_steps(&fixture, &dir).await?;

    running.stop().await?;

    let report = Report {
        args: &args,
        fixture: &fixture,
        setup_time,
        small,
        small_cpu,
        direct,
        direct_cpu,
        baseline,
        sqlite_version,
        after_surge,
        after_all,
        large,
        profile,
    };
    report.print();
    Ok(())
}

struct Report<'a> {
    args: &'a Args,
    fixture: &'a Fixture,
    setup_time: Duration,
    small: Checked,
    small_cpu: CpuUse,
    direct: Checked,
    direct_cpu: CpuUse,
    baseline: Measured,
    sqlite_version: String,
    after_surge: StoreCheck,
    after_all: StoreCheck,
    large: Option<(Checked, (Measured, String), CpuUse)>,
    profile: Profile,
}

fn machine_facts() -> String {
    let cpu = ggzy_bench::machine::cpu_model();
    let kernel = ggzy_bench::machine::kernel();
    let commit = ggzy_bench::machine::commit();
    format!("nproc {}, {cpu}, Linux {kernel}, commit {commit}, release build, loopback", cores())
}

fn row(label: &str, m: &Measured) {
    println!(
        "| {label} | {} | {} | {:.1} | {:.2} ms | {:.2} ms | {:.2} ms |",
        ggzy_bench::thousands(m.count as f64),
        ggzy_bench::thousands(m.per_second()),
        m.mb_per_second(),
        m.percentile_ms(50.0),
        m.percentile_ms(99.0),
        m.max_ms()
    );
}

/// CPU used by a phase: this process (server and clients together) and the machine.
fn cpu_line(phase: &str, cpu: &CpuUse, measured: &Measured) {
    let wall = measured.elapsed.as_secs_f64();
    println!(
        "CPU during the {phase}: this process (server and clients) {:.1} s user + {:.1} s system in {:.1} s \
         = {:.2} of {} cores, {:.0} µs per receipted bid ({:.0} % in the kernel); the machine was {:.0} % busy.",
        cpu.user,
        cpu.system,
        wall,
        (cpu.user + cpu.system) / wall,
        cores(),
        (cpu.user + cpu.system) * 1e6 / measured.count.max(1) as f64,
        100.0 * cpu.system / (cpu.user + cpu.system),
        100.0 * cpu.machine_busy
    );
}

fn mean_len(sealed: &[Sealed]) -> f64 {
    sealed.iter().map(|s| s.bytes.len() as f64).sum::<f64>() / sealed.len().max(1) as f64
}

impl Report<'_> {
    fn print(&self) {
        let (args, fixture) = (self.args, self.fixture);
        let small = &self.small.measured;
        let baseline = &self.baseline;
        println!();
        println!(
            "P1 bid surge on SQLite {} (WAL, synchronous=FULL), server and clients in one process; {}.",
            self.sqlite_version,
            machine_facts()
        );
        println!(
            "Setup (not timed): {:.1} s for {} users, {} entities with certificates registered for lot 1, {} + {} envelopes \
             sealed (mean {:.0} bytes and {:.0} bytes).",
            self.setup_time.as_secs_f64(),
            args.clients + 3,
            fixture.bidders.len(),
            fixture.small.len(),
            fixture.large.len(),
            mean_len(&fixture.small),
            mean_len(&fixture.large),
        );
        println!();
        println!("| measurement | ops | ops/s | MB/s | p50 | p99 | max |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        row(
            &format!(
                "**surge**: one-shot `POST …/bids`, {} clients, {} KiB envelopes, receipted and verified",
                args.clients, args.size_kb
            ),
            small,
        );
        row("baseline: 1 thread, new file + fsync, then INSERT + COMMIT", baseline);
        println!(
            "| **ratio surge / baseline** (goal ≥ 0.5) | | **{:.2}** | | | | |",
            small.per_second() / baseline.per_second()
        );
        row(
            &format!(
                "(profile) the same bids again through the app in-process (start, write, submit), {} tasks, no HTTP",
                args.clients
            ),
            &self.direct.measured,
        );
        if let Some((large, (dd, _), _)) = &self.large {
            row(
                &format!(
                    "**large**: chunked upload ({} MiB chunks), {} clients, {} MiB envelopes, receipted and verified",
                    args.chunk_mib, args.large_clients, args.large_mb
                ),
                &large.measured,
            );
            row(&format!("dd if=/dev/zero bs=1M count={} oflag=direct, same directory", dd.bytes >> 20), dd);
            println!(
                "| **ratio large / dd** (MB/s) | | | **{:.2}** | | | |",
                large.measured.mb_per_second() / dd.mb_per_second()
            );
        }
        println!();
        let goal = if small.per_second() >= 2000.0 { "met" } else { "NOT met" };
        println!("Goal ≥ 2,000 receipted bids/s: {goal} ({} bids/s).", ggzy_bench::thousands(small.per_second()));
        println!(
            "Surge: {} of {} answered with a receipt that names the bid and verifies under the platform key; {} failed, \
             {} receipts did not verify.",
            ggzy_bench::thousands(small.count as f64),
            ggzy_bench::thousands(fixture.small.len() as f64),
            self.small.failures.len(),
            self.small.bad_receipts
        );
        for failure in self.small.failures.iter().take(3) {
            println!("  failure: {failure}");
        }
        cpu_line("surge", &self.small_cpu, small);
        println!(
            "Profile variant (in-process, no HTTP): {} receipted and verified, {} failed, {} receipts did not verify.",
            self.direct.measured.count,
            self.direct.failures.len(),
            self.direct.bad_receipts
        );
        for failure in self.direct.failures.iter().take(3) {
            println!("  failure: {failure}");
        }
        cpu_line("in-process variant", &self.direct_cpu, &self.direct.measured);
        if let Some((large, (_, dd_summary), large_cpu)) = &self.large {
            println!(
                "Large: {} of {} receipted and verified; {} failed, {} receipts did not verify. dd said: {dd_summary}",
                large.measured.count,
                fixture.large.len(),
                large.failures.len(),
                large.bad_receipts
            );
            for failure in large.failures.iter().take(3) {
                println!("  failure: {failure}");
            }
            cpu_line("large phase", large_cpu, &large.measured);
        }
        for (when, check) in [("after the surge", &self.after_surge), ("at the end", &self.after_all)] {
            println!(
                "Store {when}: {} submitted bids for the tender, {} distinct bidders (expected {}), {} of them the large \
                 replacements; `verify_store` checked the chain of {} events.",
                ggzy_bench::thousands(check.submitted as f64),
                ggzy_bench::thousands(check.distinct as f64),
                ggzy_bench::thousands(fixture.bidders.len() as f64),
                check.large_in_store,
                ggzy_bench::thousands(check.events_verified as f64),
            );
        }
        println!();
        println!(
            "The baseline is one thread on purpose: it is the issue's definition, the bare durable work of one bid \
             (its bytes in a synced file, one committed row) done in a loop, with no HTTP, no checks, no crypto \
             and no hash chain. The surge does all of that per bid with {} clients at once, and may batch its \
             commits (group commit); the baseline cannot.",
            args.clients
        );
        println!();
        println!(
            "Where a bid's time goes: each step the server runs per bid, alone on one core over {} envelopes \
             ({:.0} bytes mean):",
            PROFILE_SAMPLES.min(fixture.small.len()),
            mean_len(&fixture.small)
        );
        println!();
        println!("| step | µs per bid |");
        println!("|---|---:|");
        for (step, us) in &self.profile.steps {
            println!("| {step} | {us:.0} |");
        }
        println!(
            "| CPU steps above (no HTTP, no database, no disk) | **{:.0}** → at most {} bids/s on {} cores |",
            self.profile.cpu_us,
            ggzy_bench::thousands(1e6 * cores() as f64 / self.profile.cpu_us),
            cores()
        );
        if !self.profile.large_steps.is_empty() {
            let size = mean_len(&fixture.large);
            println!();
            println!(
                "The steps that grow with size, on {} large envelopes ({:.0} bytes mean), alone on one core:",
                LARGE_PROFILE_SAMPLES.min(fixture.large.len()),
                size
            );
            println!();
            println!("| step | ms per bid | MB/s |");
            println!("|---|---:|---:|");
            for (step, us) in &self.profile.large_steps {
                println!("| {step} | {:.1} | {:.0} |", us / 1000.0, size / us);
            }
            let total: f64 = self.profile.large_steps.iter().map(|(_, us)| us).sum();
            println!(
                "| together | **{:.1}** | at most {:.0} MB/s on {} cores |",
                total / 1000.0,
                size * cores() as f64 / total,
                cores()
            );
        }
    }
}
