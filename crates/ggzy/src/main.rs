//! `ggzy`: the one binary of the platform — `serve`, `demo`, `migrate`, `admin`, `verify`, `export`
//! (and a tender's dossier: `export --dossier`, `verify --dossier`).

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use ggzy::config::{Config, FlagOverrides, LogFormat};
use ggzy::{
    demo, demo_clock, demo_market, demo_procurement, demo_sales, demo_tenders, export, server, telemetry, verify,
};
use ggzy_app::Actor;
use ggzy_app::clock::{Clock as _, FakeClock, SystemClock};
use ggzy_app::identity::NewUser;
use ggzy_domain::role::{Role, RoleGrant};

mod screen;
mod tools;

/// 公共资源交易平台 (public resource trading platform).
#[derive(Parser)]
#[command(name = "ggzy", version, about)]
struct Cli {
    /// Configuration file (default: ./ggzy.toml if present).
    #[arg(long, global = true, env = "GGZY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone, Default)]
struct ServerFlags {
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long)]
    listen: Option<std::net::SocketAddr>,
    /// Data directory (the embedded database lives here).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long)]
    database_url: Option<String>,
    /// Log format.
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,
}

impl ServerFlags {
    fn overrides(&self) -> FlagOverrides {
        FlagOverrides {
            listen: self.listen,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            log_format: self.log_format,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Runs the platform.
    Serve(ServerFlags),
    /// Runs the platform on an embedded database filled with demo data (regions, entities, users
    /// of every role) and prints the URL and the demo logins.
    Demo {
        #[command(flatten)]
        flags: ServerFlags,
        /// Delete an existing demo database first.
        #[arg(long)]
        fresh: bool,
        /// Create the demo database and exit without serving.
        #[arg(long)]
        seed_only: bool,
    },
    /// Applies database migrations and exits.
    Migrate(ServerFlags),
    /// Administration.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// A demo certificate authority issuing SM2 certificates (real deployments import their CAs).
    #[command(subcommand)]
    Ca(CaCommand),
    /// The statutory rulesets built into this binary.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Bidder tools: seal bid files into an envelope offline, inspect, submit, decrypt at opening.
    #[command(subcommand)]
    Bid(BidCommand),
    /// Receipts of bids: verify offline and against the signed log.
    #[command(subcommand)]
    Receipt(tools::ReceiptCommand),
    /// Tender tools: the opening-key ceremony, offline.
    #[command(subcommand)]
    Tender(tools::TenderToolCommand),
    /// Escrow officials: hand in a share of a tender's opening key.
    #[command(subcommand)]
    Escrow(tools::EscrowCommand),
    /// Checks the event hash chain offline and names the first bad position; or, with `--dossier`,
    /// a tender's dossier (docs/dossier.md), offline, naming the first failed check.
    Verify {
        /// A SQLite file, a database URL, or an export (`.jsonl`).
        #[arg(required_unless_present = "dossier")]
        source: Option<String>,
        /// A tender's dossier written by `ggzy export --dossier` (instead of SOURCE).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["source", "receipts"])]
        dossier: Option<PathBuf>,
        /// The platform's key (public SPKI or private PKCS#8 PEM) to check tree-head signatures;
        /// default: `platform-key.pem` beside a SQLite file, if present. With `--dossier`, the key
        /// the dossier's own key must be.
        #[arg(long)]
        platform_key: Option<PathBuf>,
        /// A receipt a bidder holds (repeatable): signed by the platform and naming an event of
        /// this log that says the same.
        #[arg(long = "receipt")]
        receipts: Vec<PathBuf>,
        /// Recompute this expert draw from its published events (docs/draw.md) instead of checking
        /// the chain; `all` checks every draw of a database. SOURCE may also be a platform's URL
        /// (`https://…`), whose `/api/v1/draws/{id}/verification-data` is used.
        #[arg(long, value_name = "DRAW_ID", conflicts_with_all = ["dossier", "receipts"], requires = "source")]
        draw: Option<String>,
    },
    /// Imports another publisher's OCDS compiled releases (one JSON object per line) as reference
    /// data for supervision (docs/ocds.md); each bad line is reported and the rest imported.
    Import {
        #[command(flatten)]
        flags: ServerFlags,
        /// The file (`.jsonl`).
        #[arg(long, value_name = "FILE.jsonl")]
        ocds: PathBuf,
        /// Who published it.
        #[arg(long)]
        publisher: String,
        /// The platform region recording the import (GB/T 2260).
        #[arg(long)]
        region: String,
    },
    /// Red-flag indicators of OCP's Cardinal 0.0.8 over OCDS compiled releases (docs/cardinal.md).
    Screen(screen::ScreenArgs),
    /// Rebuilds the search indexes (market entities, published notices) from the database,
    /// offline, with progress on standard error; a running server rebuilds its own at start.
    Reindex(ServerFlags),
    /// Writes every event as JSON Lines (for offline verification and archives); with `--dossier`,
    /// the dossier of one tender (its events with inclusion proofs, and its sealed bid files).
    Export {
        #[command(flatten)]
        flags: ServerFlags,
        /// Output file (`-` for standard output).
        #[arg(long)]
        out: PathBuf,
        /// Write the dossier (电子档案) of this tender instead of the whole log (docs/dossier.md).
        #[arg(long, value_name = "TENDER_ID", conflicts_with = "ocds")]
        dossier: Option<String>,
        /// Write every published procedure as an OCDS compiled release per line, with the bids
        /// extension (docs/ocds.md), instead of the log.
        #[arg(long)]
        ocds: bool,
        /// The ocid prefix registered with the Open Contracting Partnership (with `--ocds`).
        #[arg(long, default_value = ggzy::ocds_export::TEST_OCID_PREFIX, requires = "ocds")]
        ocid_prefix: String,
        /// With `--ocds`: the releases imported from other publishers (`ggzy import --ocds`), as read.
        #[arg(long, requires = "ocds")]
        imported: bool,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Lists the rulesets (`id@version`).
    List,
    /// Shows every rule of a ruleset with its source.
    Show {
        /// `id@version`, e.g. construction@2019-03-02.
        ruleset: String,
    },
    /// Shows what changed from one ruleset version to another.
    Diff {
        /// The older `id@version`.
        older: String,
        /// The newer `id@version`.
        newer: String,
    },
}

#[derive(Subcommand)]
enum BidCommand {
    /// Seals bid files into an envelope (docs/envelope.md), offline, on the bidder's machine.
    Seal {
        /// The tender (trade id).
        #[arg(long)]
        tender: String,
        /// The lot (标段).
        #[arg(long)]
        lot: String,
        /// The bidder's certificate (PEM).
        #[arg(long)]
        cert: PathBuf,
        /// The bidder's private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The tender's opening public key (PEM), as published with the tender.
        #[arg(long)]
        opening_key: PathBuf,
        /// Declared fields read into the opening record, a JSON object, e.g. '{"price_fen":123456789}'.
        #[arg(long)]
        declared: String,
        /// Output envelope file.
        #[arg(long)]
        out: PathBuf,
        /// The bid files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Commits to a price offline, for a sealed tender bid of a land or mining-rights sale (or a
    /// principal's sealed reserve): writes a new random salt (hex, mode 0600) and prints the SM3
    /// commitment to hand in (docs/auction.md). Keep the salt secret until the opening.
    Commit {
        /// The price, fen.
        #[arg(long)]
        price_fen: i64,
        /// Where to write the salt (a new file).
        #[arg(long)]
        salt_out: PathBuf,
    },
    /// Checks an envelope's structure and signature and prints its header and digest.
    Inspect {
        /// The envelope file.
        envelope: PathBuf,
    },
    #[command(flatten)]
    Online(tools::OnlineBidCommand),
}

#[derive(Subcommand)]
enum CaCommand {
    /// Creates the CA: `ca-key.pem` (mode 0600) and the self-signed `ca.pem`, valid 10 years.
    Init {
        /// Directory of the CA.
        #[arg(long)]
        dir: PathBuf,
        /// The CA's name (CN).
        #[arg(long, default_value = "ggzy 演示CA")]
        name: String,
    },
    /// Issues a market entity's SM2 certificate (valid 2 years) and its new private key.
    Issue {
        /// Directory of the CA.
        #[arg(long)]
        dir: PathBuf,
        /// The entity's unified social credit code (the certificate's CN).
        #[arg(long)]
        credit_code: String,
        /// The entity's name (the certificate's O).
        #[arg(long)]
        name: String,
        /// Output prefix: writes PREFIX.pem and PREFIX.key.pem.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Creates a user; the password is read from standard input (one line).
    CreateUser {
        #[command(flatten)]
        flags: ServerFlags,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown.
        #[arg(long)]
        display_name: String,
        /// Home region (GB/T 2260 code).
        #[arg(long)]
        region: String,
        /// Role to grant, as ROLE or ROLE@REGION (repeatable), e.g. admin@330000.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Also enable the platform of the home region if it is not enabled yet.
        #[arg(long)]
        enable_region: bool,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve(flags) => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            telemetry::init(config.log_format, &config.log_filter);
            let server = server::build(&config, Arc::new(SystemClock)).await?;
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("binding {}", config.listen))?;
            // The bound address, not the configured one: `--listen 127.0.0.1:0` picks a free port.
            tracing::info!(address = %listener.local_addr()?, "serving");
            server.serve(listener, server::shutdown_signal()).await?;
        }
        Command::Demo { flags, fresh, seed_only } => {
            let mut overrides = flags.overrides();
            overrides.data_dir = overrides.data_dir.or_else(|| Some(PathBuf::from("data/demo")));
            let mut config = Config::load(cli.config.as_deref(), &overrides)?;
            // The demo serves plain HTTP on this machine: a Secure cookie would never come back.
            config.cookie_secure = false;
            if config.database_url.is_some() {
                anyhow::bail!(
                    "demo always uses the embedded database under --data-dir; use `serve` for a database URL"
                );
            }
            telemetry::init(config.log_format, &config.log_filter);
            if fresh && config.data_dir.exists() {
                std::fs::remove_dir_all(&config.data_dir)
                    .with_context(|| format!("removing {}", config.data_dir.display()))?;
            }
            let fresh_database = !config.data_dir.join("platform.db").exists();
            let clock =
                demo_clock::demo_clock(&config.data_dir, fresh_database, jiff::Timestamp::now().as_millisecond())?;
            let now_ms = clock.now_ms();
            demo_tenders::prepare_pki(&config.data_dir, now_ms / 1000)?;
            let server = server::build(&config, Arc::new(clock)).await?;
            let (summary, tenders, market) = if server.app.platform_regions().await?.is_empty() {
                // The demo's history happens under a fake clock that starts 40 days ago and stops
                // before now, so that procedures can pass their deadlines.
                let clock = FakeClock::at(now_ms - 40 * 86_400_000);
                let seeding = server.app.with_clock(Arc::new(clock.clone()));
                let summary = demo::seed_demo(&seeding).await.context("seeding demo data")?;
                let tenders = demo_tenders::seed_tenders(&seeding, &clock, &config.data_dir)
                    .await
                    .context("seeding demo tenders")?;
                let market = demo_market::seed_market(&seeding).await.context("seeding the demo market")?;
                demo_sales::seed_sales(&server.app, now_ms).await.context("seeding demo sales")?;
                demo_procurement::seed_procurements(&server.app, now_ms).await.context("seeding demo procurements")?;
                (summary, tenders, Some(market))
            } else {
                (demo::summary(&server.app).await?, demo_tenders::list(&server.app).await?, None)
            };
            let sales = demo_sales::list(&server.app).await?;
            let procurements = demo_procurement::list(&server.app).await?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "演示数据：{} 个行政区域，{} 个市场主体，数据目录 {}",
                summary.regions,
                summary.entities,
                config.data_dir.display()
            )?;
            if clock.offset_ms != 0 {
                writeln!(
                    out,
                    "演示时钟：{}（比实际时间早 {} 天：节假日日历只收录到国务院已公布安排的年份，演示中的期限须落在其中）",
                    ggzy_domain::china_time::text(now_ms),
                    -clock.offset_ms / 86_400_000
                )?;
            }
            writeln!(out, "演示账号（密码均为 {}）：", demo::DEMO_PASSWORD)?;
            for (username, role) in &summary.users {
                writeln!(out, "  {username:<14} {role}")?;
            }
            for tender in &tenders {
                writeln!(out, "招标项目 {}  {}  {}", tender.tender_id, tender.state, tender.title)?;
            }
            for sale in &sales {
                writeln!(out, "土地与产权交易 {}  {}  {}", sale.sale_id, sale.phase, sale.title)?;
            }
            for procurement in &procurements {
                writeln!(out, "政府采购 {}  {}  {}", procurement.procurement_id, procurement.state, procurement.title)?;
            }
            if let Some(market) = &market {
                writeln!(
                    out,
                    "合成市场（演示用，非真实数据，经 OCDS 导入）：{} 个已定标标段，{} 家单位，其中 {} 家属于预置的串标团伙；按默认阈值，市场筛查标出团伙成员 {} 家、其他单位 {} 家（监管账号 regulator：GET /api/v1/supervision/market-screens）",
                    market.lots, market.firms, market.cartel_firms, market.cartel_flagged, market.honest_flagged
                )?;
            }
            writeln!(
                out,
                "演示证书与私钥：{}（可用 ggzy bid seal / ggzy bid submit 向投标中的项目投标）",
                demo_tenders::keys_dir(&config.data_dir).display()
            )?;
            if seed_only {
                server.app.store().close().await;
                return Ok(std::process::ExitCode::SUCCESS);
            }
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("binding {}", config.listen))?;
            let address = listener.local_addr()?;
            writeln!(
                out,
                "平台已启动：http://{address}/  （接口文档 http://{address}/api/v1/docs/ ，按 Ctrl-C 停止）"
            )?;
            drop(out);
            tracing::info!(address = %address, "serving");
            server.serve(listener, server::shutdown_signal()).await?;
        }
        Command::Migrate(flags) => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let store = server::open_store(&config).await?;
            store.close().await;
            eprintln!("migrations applied to {}", ggzy_store::connect::redact_url(&config.database_url()));
        }
        Command::Admin(AdminCommand::CreateUser { flags, username, display_name, region, roles, enable_region }) => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let server = server::build(&config, Arc::new(SystemClock)).await?;
            let app = &server.app;
            let home = app.region_table().validate(&region).map_err(|e| anyhow::anyhow!("--region {region}: {e}"))?;
            let mut grants = Vec::new();
            for spec in &roles {
                let (role, region) = spec.split_once('@').unwrap_or((spec.as_str(), region.as_str()));
                let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role {spec}: {e}"))?;
                let region = app.region_table().validate(region).map_err(|e| anyhow::anyhow!("--role {spec}: {e}"))?;
                grants.push(RoleGrant { role, region });
            }
            let system = Actor::system(home);
            if enable_region && !app.platform_regions().await?.iter().any(|r| r.region_code == home.as_str()) {
                app.enable_platform_region(&system, &home).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            eprint!("password for {username}: ");
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let user = app
                .create_user(&system, NewUser { username, display_name, password, region: home, grants })
                .await
                .map_err(|e| anyhow::anyhow!("creating the user failed: {e:?}"))?;
            app.store().close().await;
            eprintln!("created user {} ({})", user.username, user.user_id);
        }
        Command::Ca(command) => run_ca(command)?,
        Command::Bid(command) => run_bid(command).await?,
        Command::Receipt(command) => tools::run_receipt(command).await?,
        Command::Tender(command) => tools::run_tender_tool(command)?,
        Command::Escrow(command) => tools::run_escrow(command).await?,
        Command::Rules(command) => run_rules(command)?,
        Command::Screen(args) => screen::run(&args)?,
        Command::Reindex(flags) => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let summary = ggzy::reindex::reindex_with_config(&config).await?;
            eprintln!(
                "reindexed {} entities and {} notices in {:.1} s",
                summary.entities,
                summary.notices,
                summary.elapsed.as_secs_f64()
            );
        }
        Command::Import { flags, ocds, publisher, region } => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let summary = ggzy::ocds_import::import_with_config(&config, &ocds, &publisher, &region).await?;
            eprintln!("imported {} releases of {publisher}; {} lines refused", summary.imported, summary.rejected);
        }
        Command::Verify { source: None, dossier: Some(dossier), platform_key, .. } => {
            let key = platform_key.as_deref().map(verify::load_platform_key).transpose()?;
            match ggzy::dossier::verify_file(&dossier, key).await? {
                ggzy::dossier::DossierOutcome::Intact(summary) => writeln!(std::io::stdout(), "{summary}")?,
                ggzy::dossier::DossierOutcome::Broken(finding) => {
                    eprintln!("dossier broken at {finding}");
                    return Ok(std::process::ExitCode::from(1));
                }
            }
        }
        Command::Verify { source: None, .. } => anyhow::bail!("give SOURCE or --dossier FILE"),
        Command::Verify { source: Some(source), draw: Some(draw_id), platform_key, .. } => {
            let beside = std::path::Path::new(&source).parent().map(|dir| dir.join("platform-key.pem"));
            let key_file = platform_key.or_else(|| beside.filter(|path| !source.contains("://") && path.is_file()));
            let key = key_file.as_deref().map(verify::load_platform_key).transpose()?;
            match ggzy::verify_draw::verify_draw_source(&source, &draw_id, key.as_ref()).await {
                Ok(verified) => {
                    let mut out = std::io::stdout().lock();
                    for draw in &verified {
                        let signature = if draw.signature_checked { "signature checked" } else { "no platform key" };
                        writeln!(
                            out,
                            "draw {} reproduced: {} picks ({} replacements) from a pool of {}, tree head {} ({signature})",
                            draw.draw_id, draw.picks, draw.replacements, draw.pool, draw.tree_size
                        )?;
                    }
                    if verified.is_empty() {
                        writeln!(out, "no draws in this log")?;
                    }
                }
                Err(error) => {
                    eprintln!("draw verification failed: {error:#}");
                    return Ok(std::process::ExitCode::from(1));
                }
            }
        }
        Command::Verify { source: Some(source), platform_key, receipts, .. } => {
            let beside = std::path::Path::new(&source).parent().map(|dir| dir.join("platform-key.pem"));
            let key_file = platform_key.or_else(|| beside.filter(|path| !source.contains("://") && path.is_file()));
            let key = key_file.as_deref().map(verify::load_platform_key).transpose()?;
            match verify::verify_source(&source, key.as_ref()).await? {
                verify::VerifyOutcome::Intact { events, head_hash_hex, tree_heads, signatures_checked } => {
                    let signatures = if signatures_checked {
                        "signatures checked"
                    } else {
                        "signatures not checked: no platform key"
                    };
                    writeln!(std::io::stdout(), "chain intact: {events} events, head {head_hash_hex}")?;
                    writeln!(std::io::stdout(), "tree heads: {tree_heads} match the chain ({signatures})")?;
                    let bids = ggzy::verify_bids::verify_bids(&source, key.as_ref(), &receipts).await?;
                    if let Some((file, finding)) = bids.finding {
                        match file {
                            Some(file) => {
                                eprintln!("receipt {file} fails at position {}: {}", finding.position, finding.reason)
                            }
                            None => {
                                eprintln!("stored file broken at position {}: {}", finding.position, finding.reason)
                            }
                        }
                        return Ok(std::process::ExitCode::from(1));
                    }
                    if let Some(files) = bids.blobs_checked {
                        writeln!(std::io::stdout(), "stored files: {files} match their SM3 addresses")?;
                    }
                    if !receipts.is_empty() {
                        writeln!(std::io::stdout(), "receipts: {} verified", bids.receipts_checked)?;
                    }
                }
                verify::VerifyOutcome::TreeHeadMismatch { tree_size, reason } => {
                    eprintln!("tree head of size {tree_size} does not match: {reason}");
                    return Ok(std::process::ExitCode::from(1));
                }
                verify::VerifyOutcome::Broken { first_bad_position, reason, .. } => {
                    eprintln!("chain broken at position {first_bad_position}: {reason}");
                    return Ok(std::process::ExitCode::from(1));
                }
            }
        }
        Command::Export { flags, out, ocds: true, ocid_prefix, imported, .. } => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let count = ggzy::ocds_export::export_with_config(&config, &ocid_prefix, imported, &out).await?;
            if imported {
                eprintln!("exported {count} imported OCDS compiled releases");
            } else {
                eprintln!("exported {count} procedures as OCDS compiled releases (ocid prefix {ocid_prefix})");
            }
        }
        Command::Export { flags, out, dossier: Some(tender_id), .. } => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let summary = ggzy::dossier::export_with_config(&config, &tender_id, &out).await?;
            eprintln!(
                "exported the dossier of {tender_id}: {} events in {} streams, {} bid files, proven against the \
                 tree head of size {}",
                summary.events, summary.streams, summary.blobs, summary.tree_size
            );
        }
        Command::Export { flags, out, dossier: None, .. } => {
            let config = Config::load(cli.config.as_deref(), &flags.overrides())?;
            let store = ggzy_store::Store::connect(&config.database_url(), ggzy_store::StoreOptions::default())
                .await
                .context("connecting to the database")?;
            let count = if out.as_os_str() == "-" {
                export::export_events(&store, &mut std::io::stdout().lock()).await?
            } else {
                let file = std::fs::File::create(&out).with_context(|| format!("creating {}", out.display()))?;
                let mut writer = std::io::BufWriter::new(file);
                let count = export::export_events(&store, &mut writer).await?;
                writer.flush()?;
                count
            };
            store.close().await;
            eprintln!("exported {count} events");
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn run_ca(command: CaCommand) -> anyhow::Result<()> {
    use ggzy::demo_ca::DemoCa;
    let now = jiff::Timestamp::now().as_second();
    match command {
        CaCommand::Init { dir, name } => {
            DemoCa::init(&dir, &name, now)?;
            eprintln!("CA created in {}: ca.pem (trust this), ca-key.pem (keep secret)", dir.display());
        }
        CaCommand::Issue { dir, credit_code, name, out } => {
            let code = ggzy_domain::CreditCode::parse(&credit_code)
                .map_err(|e| anyhow::anyhow!("--credit-code {credit_code}: 统一社会信用代码{e}"))?;
            let (cert, _) = DemoCa::open(&dir)?.issue(code.as_str(), &name, now, &out)?;
            eprintln!(
                "issued {} (serial {}): {}, key {}",
                code.as_str(),
                cert.serial_hex(),
                out.with_extension("pem").display(),
                out.with_extension("key.pem").display()
            );
        }
    }
    Ok(())
}

/// SM3 of a file's trimmed content, or of nothing when it cannot be read (not every system has it).
fn hash_of_file(path: &str) -> [u8; 32] {
    let content = std::fs::read_to_string(path).unwrap_or_default();
    ggzy_crypto::sm3::sm3(content.trim().as_bytes())
}

/// SM3 over the sorted MAC addresses of the machine's network interfaces (Linux sysfs).
fn mac_hash() -> [u8; 32] {
    let mut macs: Vec<String> = std::fs::read_dir("/sys/class/net")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path().join("address")).ok())
                .map(|mac| mac.trim().to_owned())
                .filter(|mac| !mac.is_empty() && mac != "00:00:00:00:00:00")
                .collect()
        })
        .unwrap_or_default();
    macs.sort();
    ggzy_crypto::sm3::sm3(macs.join(",").as_bytes())
}

async fn run_bid(command: BidCommand) -> anyhow::Result<()> {
    use ggzy_crypto::cert::Certificate;
    use ggzy_crypto::envelope::{BidFile, Envelope, Payload, SealRequest, seal};
    match command {
        BidCommand::Seal { tender, lot, cert, key, opening_key, declared, out, files } => {
            let declared_value: serde_json::Value =
                serde_json::from_str(&declared).map_err(|e| anyhow::anyhow!("--declared 不是合法的JSON对象：{e}"))?;
            anyhow::ensure!(declared_value.is_object(), "--declared 须为JSON对象，如 {{\"price_fen\":123456789}}");
            let cert_pem = std::fs::read_to_string(&cert).with_context(|| format!("reading {}", cert.display()))?;
            let certificate =
                Certificate::from_pem(&cert_pem).map_err(|e| anyhow::anyhow!("{}: {e}", cert.display()))?;
            let credit_code =
                certificate.common_name().and_then(|cn| ggzy_domain::CreditCode::parse(&cn).ok()).ok_or_else(|| {
                    anyhow::anyhow!("{}: the certificate's CN is not a unified social credit code", cert.display())
                })?;
            let bidder_key = ggzy::keys::read_private(&key)?;
            let opening = verify::load_platform_key(&opening_key)?;
            let mut bid_files = Vec::with_capacity(files.len());
            for path in &files {
                let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                bid_files.push(BidFile { name, bytes });
            }
            let payload = Payload { declared_json: declared_value.to_string(), files: bid_files };
            let request = SealRequest {
                tender_id: &tender,
                lot_id: &lot,
                bidder_credit_code: credit_code.as_str(),
                sealed_at_ms: jiff::Timestamp::now().as_millisecond(),
                tool_version: concat!("ggzy ", env!("CARGO_PKG_VERSION")),
                machine_id_hash: hash_of_file("/etc/machine-id"),
                mac_hash: mac_hash(),
                bidder_cert: &certificate,
                bidder_key: &bidder_key,
                opening_key: &opening,
                payload: &payload,
            };
            let sealed = seal(&request, &mut rand::rng()).map_err(|e| anyhow::anyhow!("sealing: {e}"))?;
            std::fs::write(&out, &sealed).with_context(|| format!("writing {}", out.display()))?;
            let digest = Envelope::parse(&sealed).map_err(|e| anyhow::anyhow!("{e}"))?.digest();
            eprintln!("sealed {} file(s) into {} ({} bytes)", files.len(), out.display(), sealed.len());
            writeln!(std::io::stdout(), "digest {}", hex::encode(digest))?;
        }
        BidCommand::Online(command) => tools::run_online_bid(command).await?,
        BidCommand::Commit { price_fen, salt_out } => {
            let mut salt = [0u8; 16];
            rand::Rng::fill_bytes(&mut rand::rng(), &mut salt);
            let commitment = ggzy_crypto::reference_price::reserve_commitment(price_fen, &salt)
                .map_err(|e| anyhow::anyhow!("commitment: {e}"))?;
            ggzy::keys::write_secret(&salt_out, format!("{}\n", hex::encode(salt)).as_bytes())?;
            eprintln!("salt written to {} (keep it secret until the opening)", salt_out.display());
            writeln!(std::io::stdout(), "commitment {}", hex::encode(commitment))?;
        }
        BidCommand::Inspect { envelope } => {
            let bytes = std::fs::read(&envelope).with_context(|| format!("reading {}", envelope.display()))?;
            let parsed = Envelope::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", envelope.display()))?;
            let signer = parsed.verify_signature().map_err(|e| anyhow::anyhow!("{}: {e}", envelope.display()))?;
            let header = &parsed.header;
            let mut out = std::io::stdout().lock();
            writeln!(out, "tender {} lot {} bidder {}", header.tender_id, header.lot_id, header.bidder_credit_code)?;
            writeln!(out, "signed by {} (serial {})", signer.subject(), signer.serial_hex())?;
            writeln!(
                out,
                "sealed at {} by {}",
                jiff::Timestamp::from_millisecond(header.sealed_at_ms)?,
                header.tool_version
            )?;
            writeln!(out, "ciphertext {} bytes", parsed.ciphertext.len())?;
            writeln!(out, "digest {}", hex::encode(parsed.digest()))?;
        }
    }
    Ok(())
}

fn run_rules(command: RulesCommand) -> anyhow::Result<()> {
    use ggzy_domain::ruleset::RuleChange;
    let sets = ggzy_app::rulesets::builtin()?;
    let find = |key: &str| {
        sets.iter().find(|set| set.key() == key).ok_or_else(|| {
            let known: Vec<String> = sets.iter().map(|set| set.key()).collect();
            anyhow::anyhow!("规则集 {key} 不存在，可选：{}", known.join("、"))
        })
    };
    let mut out = std::io::stdout().lock();
    match command {
        RulesCommand::List => {
            for set in &sets {
                writeln!(out, "{}  {}  自 {} 起  {} 条", set.key(), set.title, set.effective_from, set.rules().len())?;
            }
        }
        RulesCommand::Show { ruleset } => {
            let set = find(&ruleset)?;
            writeln!(out, "{}  {}", set.key(), set.title)?;
            for rule in set.rules() {
                writeln!(out, "{rule}\n    {}", rule.summary)?;
            }
        }
        RulesCommand::Diff { older, newer } => {
            let changes = find(&newer)?.diff(find(&older)?);
            if changes.is_empty() {
                writeln!(out, "无变化")?;
            }
            for change in changes {
                match change {
                    RuleChange::Added(rule) => writeln!(out, "+ {rule}")?,
                    RuleChange::Removed(rule) => writeln!(out, "- {rule}")?,
                    RuleChange::Changed { before, after } => writeln!(out, "- {before}\n+ {after}")?,
                }
            }
        }
    }
    Ok(())
}
