//! P5 auction fan-out: many land auctions bid on at once while thousands of public watchers follow
//! them over SSE, against the real server (SQLite) on loopback; how long from a bid's request to
//! the moment every watcher of that auction has parsed its `bid` event, and whether any watcher
//! missed one.
//!
//! Setup (not timed; its duration is printed): the server on 127.0.0.1:0 with a fresh data
//! directory in a temporary directory, its clock the real one shifted so that the statutory notice
//! period can pass in an instant (announced 2026-10-09, bidding from 2026-10-29 09:00 to 17:00 with
//! a 300 s countdown, so no auction ends or is extended during the run); `--auctions` land auctions
//! (`land_auction`), each with `--bidders` applicants admitted with their deposit (the law needs
//! 3); 30 bidder users with an API token each, every bidder entity a member of one of them.
//!
//! Timed:
//! 1. `--watchers` SSE connections (`GET /api/v1/sales/{id}/live`), watcher w on auction
//!    w mod auctions, opened before the load and all confirmed subscribed (answer head received).
//!    They run in a second process, this binary started with `--watch-server`: 10,000 connections
//!    with both ends in one process need 20,000 descriptors, which is this machine's hard limit
//!    (raising it needs `CAP_SYS_RESOURCE`), and a separate process also keeps the watchers' CPU
//!    apart from the server's. Each watcher is one HTTP/1.1 connection read by its own task with a
//!    minimal client (chunked transfer decoding, SSE framing, the `bid` data parsed as JSON): a
//!    full HTTP client per connection would take more of the two shared cores from the server
//!    under test. A watcher whose stream ends reconnects with `Last-Event-ID`, as a browser does
//!    (counted).
//! 2. The load: `--rate` bids per second in total for `--seconds`, open loop: bid j is planned at
//!    j / rate s on auction j mod auctions, sent through `POST /api/v1/sales/{id}/bids` by the
//!    bidder after the leader (rotating), at the next valid price (start price, then + increment).
//!    One task per auction sends that auction's bids in order, each at its planned time; a bid is
//!    only sent late if the auction's previous answer is not back yet (the slip is reported).
//!    Latency of a pair (bid, watcher): from the moment the bid's request was sent to the moment
//!    the watcher parsed the `bid` event with that price, both read from the wall clock, which
//!    the two processes share. Every watcher must see every accepted bid of its auction
//!    (missed = expected - seen) with strictly increasing ids.
//!
//! Then the CPU of the server's process (split into server threads and bidder threads by thread
//! name), of the watchers' process and of the machine. Everything shares the two cores: the
//! watchers' reading costs CPU the server would have to itself in production.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin auction-fanout -- [--auctions 100] [--watchers 10000] \
//!     [--rate 500] [--seconds 20] [--bidders 3] [--dir /tmp]
//! ```
//!
//! Each process raises its `RLIMIT_NOFILE` soft limit to what it needs (one descriptor per watcher
//! and some more) if the hard limit allows; else run it after `ulimit -n` with enough.

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use ggzy_app::actor::{Actor, Credential};
use ggzy_app::clock::{Clock, SystemClock};
use ggzy_app::entity::EntityInput;
use ggzy_app::identity::NewUser;
use ggzy_app::sale::{NewSale, SaleNotice};
use ggzy_app::{App, AppError};
use ggzy_bench::cpu::{clock_ticks_per_second, machine_ticks};
use ggzy_bench::server::{self, Running};
use ggzy_domain::role::{Role, RoleGrant};
use ggzy_domain::{CreditCode, RegionCode, ResidentId};
use serde::Deserialize;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::watch;

const USAGE: &str = "usage: auction-fanout [--auctions N] [--watchers N] [--rate BIDS_PER_S] [--seconds S] \
                     [--bidders N] [--dir PARENT_OF_TEMP_DIR]";
/// Region of the sales (杭州市) and of the entities (西湖区).
const SALE_REGION: &str = "330100";
const ENTITY_REGION: &str = "330106";
const PASSWORD: &str = "auction-fanout-password";
/// Bidder users; each bidder entity has one of them as its member and bids with its token.
const BIDDER_USERS: usize = 30;
const PRINCIPAL_NUMBER: u32 = 90_000_002;
const FIRST_BIDDER_NUMBER: u32 = 20_000_000;
/// 1万元 in fen.
const WAN: i64 = 1_000_000;
const START_PRICE_FEN: i64 = 1_000 * WAN;
const INCREMENT_FEN: i64 = 10 * WAN;
const DEPOSIT_FEN: i64 = 200 * WAN;
/// Announced on a Friday; 10-10 is a 调休 working day. The notice period (≥ 20 days counted from
/// the next day) makes 10-29 the earliest bidding day; all dates stay inside the holiday calendar.
const ANNOUNCED_AT: &str = "2026-10-09T10:00:00+08:00";
const APPLICATIONS_CLOSE_AT: &str = "2026-10-28T17:00:00+08:00";
/// Applications and admissions (deposits arrived) happen the day before bidding.
const ADMITTED_AT: &str = "2026-10-28T09:00:00+08:00";
const BIDDING_STARTS_AT: &str = "2026-10-29T09:00:00+08:00";
/// Eight hours of bidding with a 5-minute countdown: the run (from 09:30) stays far from the end,
/// so no bid extends it and no auction closes under the watchers.
const BIDDING_ENDS_AT: &str = "2026-10-29T17:00:00+08:00";
const COUNTDOWN_SECONDS: i64 = 300;
/// The server's time when the load starts (it then runs at real speed).
const LOAD_AT: &str = "2026-10-29T09:30:00+08:00";
/// Connections being opened at once (the listen backlog is 1,024).
const CONNECTING_AT_ONCE: usize = 256;
/// How long after the last answer the watchers may take to get the last events.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);
/// Reconnections a watcher may make before it gives up.
const RECONNECTS_MAX: u32 = 20;

#[derive(Debug, Clone)]
struct Args {
    auctions: usize,
    watchers: usize,
    rate: f64,
    seconds: f64,
    bidders: usize,
    dir: Option<PathBuf>,
    /// Set in the watchers' process (this binary started by the benchmark): the server to watch.
    watch_server: Option<SocketAddr>,
}

fn parse_args() -> Result<Args> {
    let mut parsed =
        Args { auctions: 100, watchers: 10_000, rate: 500.0, seconds: 20.0, bidders: 3, dir: None, watch_server: None };
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--auctions" => parsed.auctions = value.parse().context("--auctions")?,
            "--watchers" => parsed.watchers = value.parse().context("--watchers")?,
            "--rate" => parsed.rate = value.parse().context("--rate")?,
            "--seconds" => parsed.seconds = value.parse().context("--seconds")?,
            "--bidders" => parsed.bidders = value.parse().context("--bidders")?,
            "--dir" => parsed.dir = Some(PathBuf::from(value)),
            "--watch-server" => parsed.watch_server = Some(value.parse().context("--watch-server")?),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    ensure!((1..=10_000).contains(&parsed.auctions), "--auctions must be in 1..=10000");
    ensure!((1..=100_000).contains(&parsed.watchers), "--watchers must be in 1..=100000");
    ensure!(parsed.rate > 0.0 && parsed.rate <= 100_000.0, "--rate must be in (0, 100000]");
    ensure!(parsed.seconds > 0.0 && parsed.seconds <= 3600.0, "--seconds must be in (0, 3600]");
    // The law's minimum for a land auction is 3 (the server refuses bids below it); paddles are 3 digits.
    ensure!((3..=100).contains(&parsed.bidders), "--bidders must be in 3..=100");
    Ok(parsed)
}

fn at(text: &str) -> Result<i64> {
    Ok(text.parse::<jiff::Timestamp>().with_context(|| format!("timestamp {text}"))?.as_millisecond())
}

/// The real clock shifted by an offset that setup moves: announcements, admissions and bids then
/// happen at their statutory dates while time still runs at real speed (bid times, the SSE clock).
#[derive(Debug, Default)]
struct ShiftedClock {
    offset_ms: AtomicI64,
}

impl ShiftedClock {
    /// From now on the clock reads `at_ms` and runs on from there.
    fn jump_to(&self, at_ms: i64) {
        self.offset_ms.store(at_ms - SystemClock.now_ms(), Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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

/// A valid unified social credit code of an enterprise registered in 西湖区, from an 8-digit number.
fn credit_code(number: u32) -> Result<CreditCode> {
    ggzy::demo::credit_code(ENTITY_REGION, &format!("{number:08}"))
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

/// Raises `RLIMIT_NOFILE` to `needed` if it is lower (the hard limit too, which only root may).
/// Returns the soft limit in force.
fn raise_fd_limit(needed: u64) -> Result<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= needed {
        return Ok(current);
    }
    let maximum = limit.maximum.unwrap_or(u64::MAX);
    let wanted = Rlimit { current: Some(needed), maximum: Some(maximum.max(needed)) };
    if setrlimit(Resource::Nofile, wanted).is_ok() {
        return Ok(needed);
    }
    // Not allowed past the hard limit: take what is allowed and say so.
    setrlimit(Resource::Nofile, Rlimit { current: Some(maximum), maximum: Some(maximum) })
        .context("raising RLIMIT_NOFILE")?;
    eprintln!("warning: RLIMIT_NOFILE is {maximum}, {needed} wanted; run `ulimit -n {needed}` first (as root)");
    Ok(maximum)
}

async fn start_server(dir: &Path, clock: Arc<ShiftedClock>) -> Result<Running> {
    server::start(&server::config(&dir.join("server")), clock).await
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

/// One auction as the load drives it.
#[derive(Debug, Clone)]
struct Auction {
    sale_id: String,
    /// The admitted bidders' credit codes and the API token of the user acting for each.
    bidders: Vec<(String, Arc<str>)>,
}

/// Creates the users, entities and auctions; leaves the clock at the start of the load.
async fn setup(args: &Args, app: &App, clock: &ShiftedClock) -> Result<Vec<Auction>> {
    let system = Actor::system(region("330000")?);
    clock.jump_to(at(ANNOUNCED_AT)?);
    for code in ["330000", SALE_REGION] {
        app.enable_platform_region(&system, &region(code)?).await.map_err(explain).context("enabling a region")?;
    }
    let principal = credit_code(PRINCIPAL_NUMBER)?;
    app.register_entity(&system, entity_input(principal.clone(), "杭州市压测土地储备中心".to_owned())?)
        .await
        .map_err(explain)
        .context("registering the principal")?;

    // Bidder users (argon2 hashing, so in parallel) with a token each; entity e is registered by
    // user e mod users, which makes the user its member.
    let started = Instant::now();
    let entities = args.auctions * args.bidders;
    let users = BIDDER_USERS.min(entities);
    let mut tasks = tokio::task::JoinSet::new();
    for user in 0..users {
        let app = app.clone();
        tasks.spawn(async move {
            let system = Actor::system(region("330000")?);
            let new = NewUser {
                display_name: format!("竞买人用户{user}"),
                username: format!("fanout-bidder-{user:03}"),
                password: PASSWORD.to_owned(),
                region: region(SALE_REGION)?,
                grants: vec![RoleGrant { role: Role::Bidder, region: region("330000")? }],
            };
            let view = app.create_user(&system, new).await.map_err(explain).context("creating a user")?;
            let actor = actor_of(&view)?;
            let token = app.issue_api_token(&actor, "auction-fanout", 60).await.map_err(explain).context("token")?;
            for entity in (user..entities).step_by(users) {
                let code = credit_code(FIRST_BIDDER_NUMBER + u32::try_from(entity)?)?;
                let input = entity_input(code, format!("浙江压测置业第{entity}有限公司"))?;
                app.register_entity(&actor, input).await.map_err(explain).context("registering an entity")?;
            }
            Ok::<_, anyhow::Error>((user, Arc::<str>::from(token.secret)))
        });
    }
    let mut tokens = vec![Arc::<str>::from(""); users];
    while let Some(joined) = tasks.join_next().await {
        let (user, token) = joined.context("user task")??;
        tokens[user] = token;
    }
    eprintln!("  {users} users with tokens, {entities} entities: {:.1} s", started.elapsed().as_secs_f64());

    // The auctions, announced in parallel.
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..args.auctions {
        let app = app.clone();
        let principal = principal.as_str().to_owned();
        tasks.spawn(async move {
            let system = Actor::system(region("330000")?);
            let notice = SaleNotice {
                kind: "land_auction".to_owned(),
                title: format!("杭政储出〔2026〕{}号地块国有建设用地使用权", index + 1),
                principal_credit_code: principal,
                description: "位于西湖区文三路以北，出让面积23456平方米，用途为商住用地，出让年限住宅70年、商业40年"
                    .to_owned(),
                start_price_fen: START_PRICE_FEN,
                increment_fen: INCREMENT_FEN,
                deposit_fen: DEPOSIT_FEN,
                appraisal_fen: None,
                reserve_commitment_hex: None,
                applications_close_ms: at(APPLICATIONS_CLOSE_AT)?,
                starts_at_ms: at(BIDDING_STARTS_AT)?,
                ends_at_ms: at(BIDDING_ENDS_AT)?,
                countdown_ms: Some(COUNTDOWN_SECONDS * 1000),
                mining_right: None,
            };
            let new = NewSale { region: region(SALE_REGION)?, notice };
            let view = app.announce_sale(&system, new).await.map_err(explain).context("announcing")?;
            Ok::<_, anyhow::Error>((index, view.announcement.sale_id))
        });
    }
    let mut sale_ids = vec![String::new(); args.auctions];
    while let Some(joined) = tasks.join_next().await {
        let (index, sale_id) = joined.context("announcement task")??;
        sale_ids[index] = sale_id;
    }

    // Applications and admissions with the deposit, the day before bidding.
    clock.jump_to(at(ADMITTED_AT)?);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, sale_id) in sale_ids.iter().enumerate() {
        let app = app.clone();
        let sale_id = sale_id.clone();
        let bidders = args.bidders;
        let tokens = tokens.clone();
        tasks.spawn(async move {
            let system = Actor::system(region("330000")?);
            let mut admitted = Vec::new();
            for slot in 0..bidders {
                let entity = index * bidders + slot;
                let code = credit_code(FIRST_BIDDER_NUMBER + u32::try_from(entity)?)?.as_str().to_owned();
                app.apply_for_sale(&system, &sale_id, &code).await.map_err(explain).context("applying")?;
                app.admit_sale_bidder(&system, &sale_id, &code, DEPOSIT_FEN, &format!("ZJ{code}"))
                    .await
                    .map_err(explain)
                    .context("admitting")?;
                admitted.push((code, tokens[entity % tokens.len()].clone()));
            }
            Ok::<_, anyhow::Error>((index, Auction { sale_id, bidders: admitted }))
        });
    }
    let mut auctions: Vec<Option<Auction>> = vec![None; args.auctions];
    while let Some(joined) = tasks.join_next().await {
        let (index, auction) = joined.context("admission task")??;
        auctions[index] = Some(auction);
    }
    eprintln!(
        "  {} auctions announced, {} bidders admitted to each: {:.1} s",
        args.auctions,
        args.bidders,
        started.elapsed().as_secs_f64()
    );
    clock.jump_to(at(LOAD_AT)?);
    auctions.into_iter().map(|auction| auction.context("an auction was not set up")).collect()
}

/// The wall clock in ns since the Unix epoch: bids are sent in this process and parsed in the
/// watchers' process, and both read this same kernel clock (a monotonic `Instant` cannot cross
/// processes). A clock step during a run would show as an outlier; none is expected in seconds.
fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_nanos()).unwrap_or(u64::MAX))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// The data of a `bid` event (the fields checked).
#[derive(Debug, Deserialize)]
struct BidData {
    price_fen: i64,
    minimum_next_fen: i64,
}

/// What one watcher saw.
#[derive(Debug, Default)]
struct Seen {
    auction: usize,
    /// Every `bid` event: its price and when it was parsed ([`now_ns`]).
    bids: Vec<(i64, u64)>,
    clock_events: u64,
    reconnects: u32,
    /// Events whose id was not above the previous one.
    ids_not_increasing: u64,
    /// `bid` events whose `minimum_next_fen` was not the price plus the increment.
    bad_minimum_next: u64,
    error: Option<String>,
}

/// The body of an SSE answer as it arrives: chunked transfer decoding, then SSE framing.
#[derive(Default)]
struct EventReader {
    chunked: bool,
    /// Bytes of the answer body not yet decoded (chunked framing).
    raw: Vec<u8>,
    /// Decoded SSE text not yet framed into events.
    text: Vec<u8>,
    /// The last chunk (size 0) arrived: the server ended the stream.
    ended: bool,
}

/// One SSE event: `id`, `event` and `data` fields (comments and keep-alives give none).
struct SseFrame<'a> {
    id: Option<i64>,
    name: &'a [u8],
    data: &'a [u8],
}

fn sse_frame(block: &[u8]) -> Option<SseFrame<'_>> {
    let mut frame = SseFrame { id: None, name: b"message", data: b"" };
    let mut any = false;
    for line in block.split(|&byte| byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line[0] == b':' {
            continue;
        }
        let (field, value) = match line.iter().position(|&byte| byte == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        any = true;
        match field {
            b"id" => frame.id = std::str::from_utf8(value).ok().and_then(|text| text.parse().ok()),
            b"event" => frame.name = value,
            // The server sends one data line per event.
            b"data" => frame.data = value,
            _ => {}
        }
    }
    any.then_some(frame)
}

impl EventReader {
    /// Takes bytes from the socket and decodes the transfer framing.
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        if !self.chunked {
            self.text.extend_from_slice(bytes);
            return Ok(());
        }
        self.raw.extend_from_slice(bytes);
        let mut at = 0;
        while let Some(line) = find(&self.raw[at..], b"\r\n") {
            let size_text = &self.raw[at..at + line];
            let size_hex = size_text.split(|&byte| byte == b';').next().unwrap_or(size_text);
            let size = usize::from_str_radix(std::str::from_utf8(size_hex)?.trim(), 16).context("chunk size")?;
            let start = at + line + 2;
            if self.raw.len() < start + size + 2 {
                break;
            }
            if size == 0 {
                self.ended = true;
                at = self.raw.len();
                break;
            }
            self.text.extend_from_slice(&self.raw[start..start + size]);
            at = start + size + 2;
        }
        self.raw.drain(..at);
        Ok(())
    }

    /// Calls `each` on every complete event decoded so far.
    fn events(&mut self, mut each: impl FnMut(SseFrame<'_>)) {
        let mut at = 0;
        while let Some(end) = find(&self.text[at..], b"\n\n") {
            if let Some(frame) = sse_frame(&self.text[at..at + end]) {
                each(frame);
            }
            at += end + 2;
        }
        self.text.drain(..at);
    }
}

/// Opens the live view of `sale_id` resuming after `last_id`; returns the connection and a reader
/// holding whatever body bytes came with the answer head.
async fn open_live(addr: SocketAddr, sale_id: &str, last_id: i64) -> Result<(TcpStream, EventReader)> {
    let mut stream = TcpStream::connect(addr).await.context("connecting")?;
    stream.set_nodelay(true)?;
    let mut request = format!(
        "GET /api/v1/sales/{sale_id}/live HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\
         Cache-Control: no-cache\r\n"
    );
    if last_id > 0 {
        request.push_str(&format!("Last-Event-ID: {last_id}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.context("sending the request")?;
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 4096];
    let end = loop {
        let read = stream.read(&mut buffer).await.context("reading the answer head")?;
        ensure!(read > 0, "the server closed the connection before answering");
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = find(&head, b"\r\n\r\n") {
            break end;
        }
        ensure!(head.len() < 64 * 1024, "answer head too long");
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let status = text.split_whitespace().nth(1).unwrap_or_default();
    ensure!(status == "200", "HTTP {status}: {}", String::from_utf8_lossy(&head).chars().take(300).collect::<String>());
    let mut reader = EventReader {
        chunked: text.lines().any(|line| line.starts_with("transfer-encoding:") && line.contains("chunked")),
        ..EventReader::default()
    };
    reader.push(&head[end + 4..])?;
    Ok((stream, reader))
}

/// What the watchers share.
struct WatchShared {
    addr: SocketAddr,
    /// Watchers subscribed (answer head received).
    ready: AtomicUsize,
    /// `bid` events parsed by all watchers.
    bid_events: AtomicU64,
    /// Admits a limited number of connections being opened at once.
    connecting: tokio::sync::Semaphore,
}

/// One watcher: follows `sale_id` until `stop`, reconnecting with its last id if the stream ends.
async fn watcher(shared: Arc<WatchShared>, auction: usize, sale_id: String, mut stop: watch::Receiver<bool>) -> Seen {
    let mut seen = Seen { auction, ..Seen::default() };
    let mut last_id = 0_i64;
    let mut first = true;
    let mut buffer = vec![0u8; 8192];
    'connections: loop {
        let opened = {
            let _permit = shared.connecting.acquire().await;
            open_live(shared.addr, &sale_id, last_id).await
        };
        let (mut stream, mut reader) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                seen.error = Some(format!("{error:#}"));
                return seen;
            }
        };
        if first {
            first = false;
            shared.ready.fetch_add(1, Ordering::SeqCst);
        }
        loop {
            let mut handle = |frame: SseFrame<'_>| {
                if let Some(id) = frame.id {
                    if id <= last_id {
                        seen.ids_not_increasing += 1;
                    }
                    last_id = id;
                }
                match frame.name {
                    b"bid" => match serde_json::from_slice::<BidData>(frame.data) {
                        Ok(data) => {
                            seen.bids.push((data.price_fen, now_ns()));
                            if data.minimum_next_fen != data.price_fen + INCREMENT_FEN {
                                seen.bad_minimum_next += 1;
                            }
                            shared.bid_events.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(error) => seen.error = Some(format!("bid data: {error}")),
                    },
                    b"clock" => seen.clock_events += 1,
                    _ => {}
                }
            };
            reader.events(&mut handle);
            if reader.ended {
                break;
            }
            let read = tokio::select! {
                biased;
                _ = stop.changed() => break 'connections,
                read = stream.read(&mut buffer) => read,
            };
            match read {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    if let Err(error) = reader.push(&buffer[..read]) {
                        seen.error = Some(format!("{error:#}"));
                        return seen;
                    }
                }
            }
        }
        if *stop.borrow() {
            break;
        }
        seen.reconnects += 1;
        if seen.reconnects > RECONNECTS_MAX {
            seen.error = Some(format!("the stream ended {} times", seen.reconnects));
            break;
        }
    }
    seen
}

/// One bid's request as sent and answered.
#[derive(Debug, Clone)]
struct BidSent {
    auction: usize,
    price_fen: i64,
    planned_ns: u64,
    sent_ns: u64,
    answered_ns: u64,
    /// HTTP status (0: no answer).
    status: u16,
    /// The error code or message of a refusal.
    refusal: Option<String>,
}

/// Sends auction `index`'s share of the bids at their planned times, in order.
async fn bid_loop(http: reqwest::Client, base: String, auction: Auction, index: usize, plan: Plan) -> Vec<BidSent> {
    let url = format!("{base}/api/v1/sales/{}/bids", auction.sale_id);
    let mut sent = Vec::new();
    let mut price = START_PRICE_FEN;
    let mut k = 0_usize;
    loop {
        // Bid j of the whole load goes to auction j mod auctions at j / rate seconds.
        let j = index + k * plan.auctions;
        if j >= plan.bids {
            break;
        }
        let offset = Duration::from_nanos((j as f64 * 1e9 / plan.rate) as u64);
        let planned_ns = plan.start_ns + u64::try_from(offset.as_nanos()).unwrap_or(u64::MAX);
        tokio::time::sleep_until((plan.start + offset).into()).await;
        // The leader is the previous bid's bidder; the next one in turn never is.
        let (bidder, token) = &auction.bidders[k % auction.bidders.len()];
        let body = serde_json::json!({"bidder": bidder, "price_fen": price});
        let sent_ns = now_ns();
        let answer = http.post(&url).bearer_auth(token).json(&body).send().await;
        let (status, text) = match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                (status, response.text().await.unwrap_or_default())
            }
            Err(error) => (0, format!("{error}")),
        };
        let answered_ns = now_ns();
        let refusal = (status != 201).then(|| {
            serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|value| value["code"].as_str().map(str::to_owned))
                .unwrap_or_else(|| text.chars().take(200).collect())
        });
        sent.push(BidSent { auction: index, price_fen: price, planned_ns, sent_ns, answered_ns, status, refusal });
        // A refused bid was not recorded: the next bidder bids one increment higher anyway, which
        // is still valid (above the minimum, and that bidder does not lead).
        price += INCREMENT_FEN;
        k += 1;
    }
    sent
}

/// The load's schedule.
#[derive(Debug, Clone, Copy)]
struct Plan {
    auctions: usize,
    bids: usize,
    rate: f64,
    /// When bid 0 is planned, as an `Instant` (to sleep) and on the wall clock (to measure).
    start: Instant,
    start_ns: u64,
}

/// CPU time used, seconds.
#[derive(Debug, Clone, Copy, Default)]
struct CpuTimes {
    /// This process: the server and the bidders.
    process: f64,
    /// Its threads of the server's runtime and SQLite workers.
    server: f64,
    /// Its threads of the bidders' runtime.
    bidders: f64,
    /// The watchers' process.
    watchers: f64,
    machine_busy: f64,
    machine_total: f64,
}

/// The name and user + system time of a `/proc/.../stat` line.
fn stat_times(stat: &str, ticks: f64) -> (String, f64) {
    let name = stat.split_once('(').and_then(|(_, rest)| rest.rsplit_once(')')).map_or("", |(name, _)| name);
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields: Vec<f64> = after.split_whitespace().map(|field| field.parse().unwrap_or(0.0)).collect();
    let field = |n: usize| fields.get(n - 3).copied().unwrap_or(0.0) / ticks;
    (name.to_owned(), field(14) + field(15))
}

impl CpuTimes {
    /// This process, its threads by name, the watchers' process and the machine, from `/proc`
    /// (Linux; zeros elsewhere).
    fn now(ticks: f64, watchers_pid: u32) -> CpuTimes {
        let read = |path: String| stat_times(&std::fs::read_to_string(path).unwrap_or_default(), ticks).1;
        let mut times = CpuTimes {
            process: read("/proc/self/stat".to_owned()),
            watchers: read(format!("/proc/{watchers_pid}/stat")),
            ..CpuTimes::default()
        };
        if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
            for task in tasks.flatten() {
                let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
                let (name, used) = stat_times(&stat, ticks);
                if name.starts_with("fanout-server") || name.starts_with("sqlx") {
                    times.server += used;
                } else if name.starts_with("fanout-bidders") {
                    times.bidders += used;
                }
            }
        }
        (times.machine_busy, times.machine_total) = machine_ticks();
        times
    }

    fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            process: self.process - earlier.process,
            server: self.server - earlier.server,
            bidders: self.bidders - earlier.bidders,
            watchers: self.watchers - earlier.watchers,
            machine_busy: self.machine_busy - earlier.machine_busy,
            machine_total: self.machine_total - earlier.machine_total,
        }
    }
}

/// What the timed part produced.
struct Load {
    connect_time: Duration,
    send_time: Duration,
    drain_time: Duration,
    sent: Vec<BidSent>,
    seen: Vec<Seen>,
    cpu: CpuTimes,
    wall: Duration,
}

/// The watchers' process (this binary with `--watch-server`), spoken to by lines: it gets the
/// sale ids, answers `ready` once every watcher is subscribed, gets `expect N` (the `bid` events
/// all watchers together must see) after the load, answers `drained`, then one `seen` line per
/// watcher and `done`.
struct WatcherProcess {
    child: std::process::Child,
    to_child: std::process::ChildStdin,
    from_child: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl WatcherProcess {
    fn spawn(addr: SocketAddr, watchers: usize, sale_ids: &[&str]) -> Result<WatcherProcess> {
        use std::io::{BufRead as _, Write as _};
        let mut child = std::process::Command::new(std::env::current_exe().context("this binary")?)
            .args(["--watch-server", &addr.to_string(), "--watchers", &watchers.to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("starting the watchers' process")?;
        let mut to_child = child.stdin.take().context("watchers' stdin")?;
        let stdout = child.stdout.take().context("watchers' stdout")?;
        writeln!(to_child, "sales {}", sale_ids.join(" ")).context("writing to the watchers")?;
        to_child.flush()?;
        // A plain thread reads the pipe: the lines arrive at their own pace, blocking.
        let (lines, from_child) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(WatcherProcess { child, to_child, from_child })
    }

    async fn line(&mut self, within: Duration) -> Result<String> {
        match tokio::time::timeout(within, self.from_child.recv()).await {
            Ok(Some(line)) => Ok(line),
            Ok(None) => bail!("the watchers' process ended"),
            Err(_) => bail!("no word from the watchers' process in {} s", within.as_secs()),
        }
    }

    fn say(&mut self, line: &str) -> Result<()> {
        use std::io::Write as _;
        writeln!(self.to_child, "{line}").context("writing to the watchers")?;
        Ok(self.to_child.flush()?)
    }
}

/// One watcher's `seen` line: auction, reconnects, clock events, ids not increasing, bad
/// minimum_next, then `price:ns` per `bid` event; an error follows a `!`.
fn seen_line(seen: &Seen) -> String {
    use std::fmt::Write as _;
    let mut line = format!(
        "seen {} {} {} {} {}",
        seen.auction, seen.reconnects, seen.clock_events, seen.ids_not_increasing, seen.bad_minimum_next
    );
    for (price, ns) in &seen.bids {
        let _ = write!(line, " {price}:{ns}");
    }
    if let Some(error) = &seen.error {
        let _ = write!(line, " ! {}", error.replace('\n', " "));
    }
    line
}

fn parse_seen(line: &str) -> Result<Seen> {
    let (data, error) = match line.split_once(" ! ") {
        Some((data, error)) => (data, Some(error.to_owned())),
        None => (line, None),
    };
    let mut words = data.split_whitespace().skip(1);
    let mut number = || -> Result<u64> { Ok(words.next().context("short seen line")?.parse()?) };
    let mut seen = Seen {
        auction: usize::try_from(number()?)?,
        reconnects: u32::try_from(number()?)?,
        clock_events: number()?,
        ids_not_increasing: number()?,
        bad_minimum_next: number()?,
        error,
        ..Seen::default()
    };
    for pair in words {
        let (price, ns) = pair.split_once(':').context("price:ns")?;
        seen.bids.push((price.parse()?, ns.parse()?));
    }
    Ok(seen)
}

/// The watchers' process: opens the watchers, reports, waits for the events, reports them.
fn watchers_main(addr: SocketAddr, watchers: usize) -> Result<()> {
    use std::io::{BufRead as _, Write as _};
    raise_fd_limit(watchers as u64 + 1024)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name("fanout-watch")
        .enable_all()
        .build()?;
    let mut input = std::io::stdin().lock().lines();
    let sales_line = input.next().context("no sales line")??;
    let sale_ids: Vec<String> = sales_line.split_whitespace().skip(1).map(str::to_owned).collect();
    ensure!(!sale_ids.is_empty(), "no sales to watch");
    let shared = Arc::new(WatchShared {
        addr,
        ready: AtomicUsize::new(0),
        bid_events: AtomicU64::new(0),
        connecting: tokio::sync::Semaphore::new(CONNECTING_AT_ONCE),
    });
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let handles: Vec<_> = (0..watchers)
        .map(|w| {
            let auction = w % sale_ids.len();
            runtime.spawn(watcher(shared.clone(), auction, sale_ids[auction].clone(), stopped.clone()))
        })
        .collect();
    runtime.block_on(async {
        loop {
            let ready = shared.ready.load(Ordering::SeqCst);
            let failed = handles.iter().filter(|handle| handle.is_finished()).count();
            if ready + failed >= watchers {
                ensure!(failed == 0, "{failed} watchers could not connect");
                return Ok(());
            }
            ensure!(started.elapsed() < Duration::from_secs(300), "only {ready} watchers connected in 300 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "ready {}", started.elapsed().as_millis())?;
    out.flush()?;
    let expect_line = input.next().context("no expect line")??;
    let expected: u64 = expect_line.strip_prefix("expect ").context("expect line")?.parse()?;
    let drain_started = Instant::now();
    runtime.block_on(async {
        while shared.bid_events.load(Ordering::Relaxed) < expected && drain_started.elapsed() < DRAIN_LIMIT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    writeln!(out, "drained {}", drain_started.elapsed().as_micros())?;
    out.flush()?;
    stop.send_replace(true);
    for handle in handles {
        let seen = runtime.block_on(handle).context("watcher task")?;
        writeln!(out, "{}", seen_line(&seen))?;
    }
    writeln!(out, "done")?;
    out.flush()?;
    Ok(())
}

/// Starts the watchers' process, runs the load once they are subscribed, and collects what they saw.
async fn run_load(args: &Args, addr: SocketAddr, auctions: &[Auction]) -> Result<Load> {
    let started = Instant::now();
    let sale_ids: Vec<&str> = auctions.iter().map(|auction| auction.sale_id.as_str()).collect();
    let mut watchers = WatcherProcess::spawn(addr, args.watchers, &sale_ids)?;
    let ready = watchers.line(Duration::from_secs(330)).await?;
    ensure!(ready.starts_with("ready"), "the watchers' process said {ready:?}");
    let connect_time = started.elapsed();
    eprintln!("  {} watchers subscribed in {:.1} s", args.watchers, connect_time.as_secs_f64());
    // Let the first clock events of the last connections pass.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(auctions.len())
        .build()?;
    let base = format!("http://{addr}");
    let bids = (args.rate * args.seconds).round() as usize;
    let lead = Duration::from_millis(200);
    let plan = Plan {
        auctions: auctions.len(),
        bids,
        rate: args.rate,
        start: Instant::now() + lead,
        start_ns: now_ns() + u64::try_from(lead.as_nanos())?,
    };
    eprintln!("  load: {bids} bids at {} bids/s over {} auctions ...", args.rate, auctions.len());
    let ticks = clock_ticks_per_second();
    let cpu_before = CpuTimes::now(ticks, watchers.child.id());
    let wall = Instant::now();
    let mut senders = tokio::task::JoinSet::new();
    for (index, auction) in auctions.iter().enumerate() {
        senders.spawn(bid_loop(http.clone(), base.clone(), auction.clone(), index, plan));
    }
    let mut sent = Vec::with_capacity(bids);
    while let Some(joined) = senders.join_next().await {
        sent.extend(joined.context("bid task")?);
    }
    let send_time = wall.elapsed();
    let accepted = accepted_per_auction(&sent, auctions.len());
    let expected: u64 = (0..args.watchers).map(|w| accepted[w % auctions.len()] as u64).sum();
    watchers.say(&format!("expect {expected}"))?;
    let drained = watchers.line(DRAIN_LIMIT + Duration::from_secs(30)).await?;
    let cpu = CpuTimes::now(ticks, watchers.child.id()).since(cpu_before);
    let wall = wall.elapsed();
    let drain_us: u64 = drained.strip_prefix("drained ").context("drained line")?.parse()?;
    let mut seen = Vec::with_capacity(args.watchers);
    loop {
        let line = watchers.line(Duration::from_secs(60)).await?;
        if line == "done" {
            break;
        }
        seen.push(parse_seen(&line)?);
    }
    let status = tokio::task::spawn_blocking(move || watchers.child.wait()).await??;
    ensure!(status.success(), "the watchers' process failed: {status}");
    Ok(Load { connect_time, send_time, drain_time: Duration::from_micros(drain_us), sent, seen, cpu, wall })
}

fn accepted_per_auction(sent: &[BidSent], auctions: usize) -> Vec<usize> {
    let mut accepted = vec![0; auctions];
    for bid in sent.iter().filter(|bid| bid.status == 201) {
        accepted[bid.auction] += 1;
    }
    accepted
}

/// Nearest-rank percentile of sorted values, in ms.
fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

fn max_ms(sorted_us: &[u64]) -> f64 {
    sorted_us.last().map_or(f64::NAN, |&us| us as f64 / 1000.0)
}

/// The figures of a run.
struct Figures {
    sent: usize,
    accepted: usize,
    refusals: HashMap<String, usize>,
    /// Accepted bids per second of the sending phase.
    bid_rate: f64,
    /// Sorted, µs: bid requests (send to answer), schedule slip, bid → watcher pairs, bid → its
    /// last watcher.
    request_us: Vec<u64>,
    slip_us: Vec<u64>,
    pair_us: Vec<u64>,
    last_watcher_us: Vec<u64>,
    expected: u64,
    seen: u64,
    /// Events of bids not answered 201 (seen anyway).
    unexpected: u64,
    ids_not_increasing: u64,
    bad_minimum_next: u64,
    reconnects: u64,
    clock_events: u64,
    watcher_errors: Vec<String>,
}

impl Figures {
    fn missed(&self) -> u64 {
        self.expected.saturating_sub(self.seen)
    }

    fn goal_met(&self) -> bool {
        percentile_ms(&self.pair_us, 99.0) <= 100.0
            && self.missed() == 0
            && self.ids_not_increasing == 0
            && self.accepted == self.sent
    }
}

/// Accepted bids per second from the first send to the last.
fn send_rate(sent: &[BidSent], accepted: usize) -> f64 {
    let first = sent.iter().map(|bid| bid.sent_ns).min().unwrap_or(0);
    let last = sent.iter().map(|bid| bid.sent_ns).max().unwrap_or(0);
    if last <= first {
        return f64::NAN;
    }
    accepted.saturating_sub(1) as f64 / ((last - first) as f64 / 1e9)
}

fn figures(load: &Load, auctions: usize) -> Figures {
    let us = |from_ns: u64, to_ns: u64| to_ns.saturating_sub(from_ns) / 1000;
    // Accepted bids by auction and price: when each was sent, and where its worst watcher goes.
    let mut by_price: Vec<HashMap<i64, (u64, usize)>> = vec![HashMap::new(); auctions];
    let mut refusals = HashMap::new();
    let mut request_us = Vec::with_capacity(load.sent.len());
    let mut slip_us = Vec::with_capacity(load.sent.len());
    let mut accepted = 0;
    for bid in &load.sent {
        request_us.push(us(bid.sent_ns, bid.answered_ns));
        slip_us.push(us(bid.planned_ns, bid.sent_ns));
        if bid.status == 201 {
            let slot = by_price[bid.auction].len();
            by_price[bid.auction].insert(bid.price_fen, (bid.sent_ns, slot));
            accepted += 1;
        } else {
            let key = format!("{} {}", bid.status, bid.refusal.clone().unwrap_or_default());
            *refusals.entry(key).or_insert(0) += 1;
        }
    }
    let mut worst: Vec<Vec<u64>> = by_price.iter().map(|prices| vec![0; prices.len()]).collect();
    let accepted_count: Vec<u64> = by_price.iter().map(|prices| prices.len() as u64).collect();
    let mut pair_us = Vec::with_capacity(load.seen.iter().map(|seen| seen.bids.len()).sum());
    let mut figures = Figures {
        sent: load.sent.len(),
        accepted,
        refusals,
        bid_rate: send_rate(&load.sent, accepted),
        request_us: Vec::new(),
        slip_us: Vec::new(),
        pair_us: Vec::new(),
        last_watcher_us: Vec::new(),
        expected: 0,
        seen: 0,
        unexpected: 0,
        ids_not_increasing: 0,
        bad_minimum_next: 0,
        reconnects: 0,
        clock_events: 0,
        watcher_errors: Vec::new(),
    };
    for seen in &load.seen {
        figures.expected += accepted_count[seen.auction];
        figures.ids_not_increasing += seen.ids_not_increasing;
        figures.bad_minimum_next += seen.bad_minimum_next;
        figures.reconnects += u64::from(seen.reconnects);
        figures.clock_events += seen.clock_events;
        if let Some(error) = &seen.error {
            figures.watcher_errors.push(error.clone());
        }
        for &(price, parsed_ns) in &seen.bids {
            match by_price[seen.auction].get(&price) {
                Some(&(sent_ns, slot)) => {
                    let latency = us(sent_ns, parsed_ns);
                    pair_us.push(latency);
                    let worst_of_bid = &mut worst[seen.auction][slot];
                    *worst_of_bid = (*worst_of_bid).max(latency);
                    figures.seen += 1;
                }
                None => figures.unexpected += 1,
            }
        }
    }
    request_us.sort_unstable();
    slip_us.sort_unstable();
    pair_us.sort_unstable();
    let mut last_watcher_us: Vec<u64> = worst.into_iter().flatten().collect();
    last_watcher_us.sort_unstable();
    figures.request_us = request_us;
    figures.slip_us = slip_us;
    figures.pair_us = pair_us;
    figures.last_watcher_us = last_watcher_us;
    figures
}

fn machine_facts() -> String {
    let cpu = ggzy_bench::machine::cpu_model();
    let kernel = ggzy_bench::machine::kernel();
    let commit = ggzy_bench::machine::commit();
    format!("nproc {}, {cpu}, Linux {kernel}, commit {commit}, loopback", cores())
}

fn report(args: &Args, setup_time: Duration, fd_limit: u64, load: &Load, figures: &Figures) {
    let wall = load.wall.as_secs_f64();
    let cpu = &load.cpu;
    let ms3 = |sorted: &[u64]| {
        format!(
            "{:.1} / {:.1} / {:.1} / {:.1} ms",
            percentile_ms(sorted, 50.0),
            percentile_ms(sorted, 95.0),
            percentile_ms(sorted, 99.0),
            max_ms(sorted)
        )
    };
    println!();
    println!(
        "P5 auction fan-out: {} land auctions with {} admitted bidders each, {} SSE watchers ({} per auction), \
         {} bids/s for {} s; the server (SQLite, WAL) and the bidders in one process, the watchers in another; {}.",
        args.auctions,
        args.bidders,
        ggzy_bench::thousands(args.watchers as f64),
        args.watchers / args.auctions,
        args.rate,
        args.seconds,
        machine_facts()
    );
    println!(
        "Setup (not timed): {:.1} s; {} watchers subscribed in {:.1} s; RLIMIT_NOFILE of the server's process {}.",
        setup_time.as_secs_f64(),
        ggzy_bench::thousands(args.watchers as f64),
        load.connect_time.as_secs_f64(),
        fd_limit
    );
    println!();
    println!("| measurement | value |");
    println!("|---|---:|");
    println!(
        "| bids sent / accepted (201) / refused | {} / {} / {} |",
        ggzy_bench::thousands(figures.sent as f64),
        ggzy_bench::thousands(figures.accepted as f64),
        figures.sent - figures.accepted
    );
    println!(
        "| achieved rate (accepted bids/s, first to last send; all answered in {:.2} s) | {:.1} |",
        load.send_time.as_secs_f64(),
        figures.bid_rate
    );
    println!("| bid request, send → answer: p50 / p95 / p99 / max | {} |", ms3(&figures.request_us));
    println!("| schedule slip, planned → sent: p50 / p95 / p99 / max | {} |", ms3(&figures.slip_us));
    println!(
        "| **bid → watcher**, all {} (bid, watcher) pairs: p50 / p95 / p99 / max | **{}** |",
        ggzy_bench::thousands(figures.pair_us.len() as f64),
        ms3(&figures.pair_us)
    );
    println!(
        "| bid → the last of its auction's watchers, {} bids: p50 / p95 / p99 / max | {} |",
        ggzy_bench::thousands(figures.last_watcher_us.len() as f64),
        ms3(&figures.last_watcher_us)
    );
    println!(
        "| `bid` events expected / seen / **missed** | {} / {} / **{}** |",
        ggzy_bench::thousands(figures.expected as f64),
        ggzy_bench::thousands(figures.seen as f64),
        ggzy_bench::thousands(figures.missed() as f64)
    );
    println!(
        "| ids not increasing / bad `minimum_next_fen` / events of unanswered bids / reconnects | {} / {} / {} / {} |",
        figures.ids_not_increasing, figures.bad_minimum_next, figures.unexpected, figures.reconnects
    );
    println!(
        "| `clock` events received (on subscribing and after a second without a bid) | {} |",
        ggzy_bench::thousands(figures.clock_events as f64)
    );
    println!(
        "| CPU in {wall:.1} s (load and drain): server's process (server threads + bidders' threads) / watchers' \
         process | {:.1} s ({:.1} + {:.1}) / {:.1} s = {:.2} ({:.2} + {:.2}) / {:.2} cores |",
        cpu.process,
        cpu.server,
        cpu.bidders,
        cpu.watchers,
        cpu.process / wall,
        cpu.server / wall,
        cpu.bidders / wall,
        cpu.watchers / wall
    );
    println!(
        "| machine busy (all processes, {} cores) | {:.0} % |",
        cores(),
        100.0 * cpu.machine_busy / cpu.machine_total.max(f64::MIN_POSITIVE)
    );
    println!();
    for (refusal, count) in &figures.refusals {
        println!("Refused: {count} × {refusal}");
    }
    for error in figures.watcher_errors.iter().take(5) {
        println!("Watcher error: {error}");
    }
    println!("Drain: the watchers had every event {:.2} s after the last answer.", load.drain_time.as_secs_f64());
    println!(
        "Goal bid → every watcher p99 ≤ 100 ms, no event missed: {} (p99 {:.1} ms, {} missed).",
        if figures.goal_met() { "met" } else { "NOT met" },
        percentile_ms(&figures.pair_us, 99.0),
        figures.missed()
    );
    let json = serde_json::json!({
        "bench": "auction-fanout",
        "auctions": args.auctions,
        "watchers": args.watchers,
        "bidders_per_auction": args.bidders,
        "rate": args.rate,
        "seconds": args.seconds,
        "bids_sent": figures.sent,
        "bids_accepted": figures.accepted,
        "achieved_rate": figures.bid_rate,
        "bid_request_ms": {"p50": percentile_ms(&figures.request_us, 50.0), "p99": percentile_ms(&figures.request_us, 99.0), "max": max_ms(&figures.request_us)},
        "slip_ms": {"p99": percentile_ms(&figures.slip_us, 99.0), "max": max_ms(&figures.slip_us)},
        "bid_to_watcher_ms": {
            "pairs": figures.pair_us.len(),
            "p50": percentile_ms(&figures.pair_us, 50.0),
            "p95": percentile_ms(&figures.pair_us, 95.0),
            "p99": percentile_ms(&figures.pair_us, 99.0),
            "max": max_ms(&figures.pair_us),
        },
        "bid_to_last_watcher_ms": {"p50": percentile_ms(&figures.last_watcher_us, 50.0), "p99": percentile_ms(&figures.last_watcher_us, 99.0), "max": max_ms(&figures.last_watcher_us)},
        "events_expected": figures.expected,
        "events_seen": figures.seen,
        "events_missed": figures.missed(),
        "ids_not_increasing": figures.ids_not_increasing,
        "reconnects": figures.reconnects,
        "cpu_s": {"server_process": cpu.process, "server_threads": cpu.server, "bidder_threads": cpu.bidders,
                  "watchers_process": cpu.watchers, "wall": wall},
        "machine_busy": cpu.machine_busy / cpu.machine_total.max(f64::MIN_POSITIVE),
        "goal_met": figures.goal_met(),
    });
    println!("{json}");
}

fn main() -> Result<()> {
    sqlx::any::install_default_drivers();
    let args = parse_args()?;
    if let Some(addr) = args.watch_server {
        return watchers_main(addr, args.watchers);
    }
    // The server's end of every watcher's connection, and the bidders' pool at both ends.
    let fd_limit = raise_fd_limit(args.watchers as u64 + 4 * args.auctions as u64 + 1024)?;
    // Two runtimes, so that /proc tells the server's CPU from the bidders' by thread name.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name("fanout-server")
        .enable_all()
        .build()?;
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name("fanout-bidders")
        .enable_all()
        .build()?;
    let temp = match &args.dir {
        Some(parent) => tempfile::Builder::new().prefix("auction-fanout-").tempdir_in(parent),
        None => tempfile::Builder::new().prefix("auction-fanout-").tempdir(),
    }
    .context("temporary directory")?;
    eprintln!("auction-fanout in {} ({} cores)", temp.path().display(), cores());

    let setup_started = Instant::now();
    let clock = Arc::new(ShiftedClock::default());
    let (running, auctions) = server_runtime.block_on(async {
        let running = start_server(temp.path(), clock.clone()).await?;
        eprintln!("setup (not timed): server at {} ...", running.base());
        let auctions = setup(&args, &running.app, &clock).await?;
        Ok::<_, anyhow::Error>((running, auctions))
    })?;
    let setup_time = setup_started.elapsed();

    let load = client_runtime.block_on(run_load(&args, running.addr, &auctions));
    drop(client_runtime);
    server_runtime.block_on(running.stop())?;
    let load = load?;
    let figures = figures(&load, args.auctions);
    report(&args, setup_time, fd_limit, &load, &figures);
    Ok(())
}
