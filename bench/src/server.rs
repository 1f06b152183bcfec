//! The real server in a benchmark's own process, on a free loopback port and a fresh data directory:
//! the configuration the benchmarks share, starting and stopping it, and the demo data set seeded
//! the way `ggzy demo` seeds it.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use ggzy::config::Config;
use ggzy::{demo, demo_clock, demo_market, demo_procurement, demo_sales, demo_tenders, server};
use ggzy_app::App;
use ggzy_app::clock::{Clock, FakeClock};

/// How long a stopping server may take to drain its connections before the benchmark goes on.
const STOP_LIMIT: Duration = Duration::from_secs(30);
const DAY_MS: i64 = 86_400_000;

/// The server's configuration for a benchmark with its data in `data_dir`: plain HTTP cookies (the
/// clients speak HTTP on loopback) and a public rate limit no load reaches. The limit is per client
/// IP and every benchmark client is 127.0.0.1, so the production default (20/s, burst 60) would turn
/// the load into `429` answers and measure the limiter instead of the server.
pub fn config(data_dir: &Path) -> Config {
    Config {
        data_dir: data_dir.to_owned(),
        cookie_secure: false,
        public_rate_per_second: 1_000_000,
        public_rate_burst: u32::MAX,
        ..Config::default()
    }
}

/// The server running in this process, and how to stop it.
pub struct Running {
    pub app: App,
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<Result<()>>,
}

impl Running {
    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, drains the requests in flight and closes the store; a server still
    /// draining after [`STOP_LIMIT`] is left behind with a warning (the process ends soon anyway).
    pub async fn stop(self) -> Result<()> {
        self.stop.send(()).ok();
        match tokio::time::timeout(STOP_LIMIT, self.served).await {
            Ok(served) => served.context("server task")?.context("server"),
            Err(_) => {
                eprintln!("warning: the server did not stop within {} s", STOP_LIMIT.as_secs());
                Ok(())
            }
        }
    }
}

/// Builds the server with `config` and `clock` and serves it on 127.0.0.1 at a port the kernel
/// picks, on the current tokio runtime.
pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> Result<Running> {
    let built = server::build(config, clock).await.context("building the server")?;
    serve(built).await
}

async fn serve(built: server::Server) -> Result<Running> {
    let app = built.app.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(built.serve(listener, async {
        stopped.await.ok();
    }));
    Ok(Running { app, addr, stop, served })
}

/// The server holding the demo data set in a fresh `data_dir`, seeded as `ggzy demo` seeds a new
/// database (its PKI, its set-back clock when the holiday calendar needs it, 40 days of history
/// under a fake clock, then the sales and procurements at "now"), with [`config`]. Returns the
/// demo's tenders too.
pub async fn start_demo(data_dir: &Path) -> Result<(Running, Vec<demo_tenders::DemoTender>)> {
    let config = config(data_dir);
    let clock = demo_clock::demo_clock(&config.data_dir, true, jiff::Timestamp::now().as_millisecond())?;
    let now_ms = clock.now_ms();
    demo_tenders::prepare_pki(&config.data_dir, now_ms / 1000)?;
    let built = server::build(&config, Arc::new(clock)).await.context("building the server")?;
    let history = FakeClock::at(now_ms - 40 * DAY_MS);
    let seeding = built.app.with_clock(Arc::new(history.clone()));
    demo::seed_demo(&seeding).await.context("seeding demo data")?;
    let tenders =
        demo_tenders::seed_tenders(&seeding, &history, &config.data_dir).await.context("seeding demo tenders")?;
    demo_market::seed_market(&seeding).await.context("seeding the demo market")?;
    demo_sales::seed_sales(&built.app, now_ms).await.context("seeding demo sales")?;
    demo_procurement::seed_procurements(&built.app, now_ms).await.context("seeding demo procurements")?;
    Ok((serve(built).await?, tenders))
}
