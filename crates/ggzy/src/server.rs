//! Building and running the server: store, app and router from a config, then serve until told
//! to stop, finishing in-flight requests and pending appends.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::bid::BidServices;
use ggzy_app::clock::Clock;
use ggzy_app::entity::person_key::PersonKeyPepper;
use ggzy_app::entropy::OsEntropy;
use ggzy_crypto::cert::{Certificate, TrustStore};
use ggzy_crypto::sm2::PrivateKey;
use ggzy_domain::RegionTable;
use ggzy_store::blob::BlobStore;
use ggzy_store::{Store, StoreOptions};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::keys;

/// The GB/T 2260 table shipped with the binary (a deployment may replace it: `regions_file`).
pub const BUILTIN_REGIONS: &str = include_str!("../../../data/regions/gbt2260.csv");

/// Loads the region table in force.
pub fn region_table(config: &Config) -> anyhow::Result<RegionTable> {
    match &config.regions_file {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading regions_file {}", path.display()))?;
            RegionTable::parse_csv(&text).with_context(|| format!("parsing regions_file {}", path.display()))
        }
        None => RegionTable::parse_csv(BUILTIN_REGIONS).context("parsing the built-in region table"),
    }
}

/// Connects to the database in force (creating the data directory for SQLite) and migrates it.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url();
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let options = StoreOptions { max_connections: config.db_max_connections, ..StoreOptions::default() };
    let store = Store::connect(&url, options)
        .await
        .with_context(|| format!("connecting to {}", ggzy_store::connect::redact_url(&url)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Loads the platform's signing key, creating it (readable by the owner only) on first start.
pub fn platform_key(config: &Config) -> anyhow::Result<PrivateKey> {
    let path = config.platform_key_file();
    if path.exists() {
        return keys::read_private(&path);
    }
    let key = keys::generate();
    keys::write_private(&path, &key)?;
    tracing::info!(path = %path.display(), "platform signing key created");
    Ok(key)
}

/// Loads the pepper of person keys (`<data_dir>/person-key-pepper`), creating it (readable by the
/// owner only) on first start. Like the platform key it is backed up and shared by every server
/// of the deployment: a new pepper would no longer match the person keys already recorded.
pub fn person_key_pepper(config: &Config) -> anyhow::Result<PersonKeyPepper> {
    let path = config.data_dir.join("person-key-pepper");
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        return PersonKeyPepper::parse_hex(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    let mut bytes = [0u8; ggzy_app::entity::person_key::PEPPER_LEN];
    ggzy_app::entropy::Entropy::fill(&OsEntropy, &mut bytes);
    let pepper = PersonKeyPepper::from_bytes(bytes);
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, format!("{}\n", pepper.to_hex()).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "person-key pepper created");
    Ok(pepper)
}

/// The CAs bidders' and officials' certificates must chain to: `trusted_ca_files` plus every
/// `*.pem` in the data directory's `trusted-ca/`, with the revocation lists of `crl_files`.
pub fn trust_store(config: &Config) -> anyhow::Result<TrustStore> {
    let mut files = config.trusted_ca_files.clone();
    let dir = config.trusted_ca_dir();
    if dir.is_dir() {
        let mut found: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "pem"))
            .collect();
        found.sort();
        files.extend(found);
    }
    let mut roots = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading CA file {}", path.display()))?;
        let certs =
            Certificate::load_pem_chain(&text).map_err(|e| anyhow::anyhow!("CA file {}: {e}", path.display()))?;
        roots.extend(certs);
    }
    let mut store = TrustStore::new(roots.clone());
    for path in &config.crl_files {
        let bytes = std::fs::read(path).with_context(|| format!("reading CRL {}", path.display()))?;
        if !roots.iter().any(|issuer| store.add_crl(&bytes, issuer).is_ok()) {
            anyhow::bail!("CRL {} is not a valid list signed by one of the trusted CAs", path.display());
        }
    }
    Ok(store)
}

/// A server ready to accept connections.
pub struct Server {
    /// The app (for seeding and tests).
    pub app: App,
    router: ggzy_web::Router,
    tree_head_interval: std::time::Duration,
}

/// The app over an existing database, for offline tools (exports): the real clock (a demo data
/// directory's set-back one), no bid services, no migration (the tools read what the platform
/// recorded, they change nothing).
pub async fn offline_app(config: &Config) -> anyhow::Result<App> {
    let url = config.database_url();
    let store = Store::connect(&url, StoreOptions::default())
        .await
        .with_context(|| format!("connecting to {}", ggzy_store::connect::redact_url(&url)))?;
    let regions = Arc::new(region_table(config)?);
    // A demo data directory keeps its set-back clock (`demo_clock.rs`): offline tools see the same
    // "now" as `ggzy demo` (sealed offers stay sealed until the demo's deadline); elsewhere the
    // real clock.
    let clock = crate::demo_clock::demo_clock(&config.data_dir, false, jiff::Timestamp::now().as_millisecond())?;
    App::new(store, Arc::new(clock), Arc::new(OsEntropy), regions, config.app_config())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Builds everything before the port is bound, so that a bad config or database fails first.
pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Server> {
    let regions = Arc::new(region_table(config)?);
    let store = open_store(config).await?;
    let app = App::new(store, clock, Arc::new(OsEntropy), regions, config.app_config())
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_platform_key(platform_key(config)?)
        .with_person_key_pepper(person_key_pepper(config)?)
        .with_bid_services(BidServices {
            blobs: BlobStore::open(&config.blob_dir())
                .await
                .with_context(|| format!("opening blob directory {}", config.blob_dir().display()))?,
            trust: trust_store(config)?,
            max_bid_bytes: config.max_bid_bytes(),
        });
    let indexed = app.rebuild_search_index().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(entities = indexed, "search index rebuilt");
    let router = ggzy_web::router(ggzy_web::WebState::new(app.clone(), config.web_config()));
    let tree_head_interval = std::time::Duration::from_secs(config.tree_head_interval_seconds);
    Ok(Server { app, router, tree_head_interval })
}

impl Server {
    /// Serves on `listener` until `shutdown` resolves; then drains requests and closes the store.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let purge = tokio::spawn(purge_sessions(self.app.clone()));
        let heads = tokio::spawn(publish_tree_heads(self.app.clone(), self.tree_head_interval));
        let outbox = tokio::spawn(drain_outbox(self.app.clone()));
        // Live views (SSE) never finish on their own: end them when shutdown begins, or the
        // graceful drain would wait for them forever.
        let hub = self.app.sale_hub().clone();
        let shutdown = async move {
            shutdown.await;
            hub.close();
        };
        let served = ggzy_web::serve(self.router, listener, shutdown).await;
        purge.abort();
        heads.abort();
        outbox.abort();
        self.app.store().close().await;
        served.context("serving HTTP")
    }
}

/// Deletes expired sessions hourly so the table does not grow without bound.
async fn purge_sessions(app: App) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        interval.tick().await;
        match app.purge_expired_sessions().await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(error = %error, "purging sessions failed"),
        }
    }
}

/// Signs a tree head at start and then every interval, whenever the log has grown.
async fn publish_tree_heads(app: App, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        if let Err(error) = app.publish_tree_head().await {
            tracing::warn!(error = %error, "publishing a tree head failed");
        }
    }
}

/// Sends queued notifications (drawn experts) every few seconds through the logging sender; a
/// deployment plugs its SMS or voice gateway in as another `NotificationSender`.
async fn drain_outbox(app: App) {
    let sender = ggzy_app::expert::LoggingSender;
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        ticks.tick().await;
        if let Err(error) = app.drain_outbox(&sender).await {
            tracing::warn!(error = %error, "sending notifications failed");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests and pending appends");
}
