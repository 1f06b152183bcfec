//! P4 pages: throughput and latency of a notice detail page (`/notices/{tender_id}`) under `wrk`,
//! against Debian's nginx serving the same bytes as a static file in the same run.
//!
//! Setup (not timed; its duration is printed): the real server in this process on 127.0.0.1 at a
//! free port, in a fresh temporary data directory holding the demo data set seeded as `ggzy demo`
//! seeds it, with a public rate limit no load reaches (the limit is per client IP and `wrk` is one
//! IP). The page measured is the largest notice page of the demo's opened tenders (timeline, opening
//! record, lot results). Its bytes are fetched once and written to a file that nginx
//! (`/usr/sbin/nginx`, one worker per core, access log off, its own minimal configuration in the
//! temporary directory) serves with the same content type.
//!
//! Timed: `wrk -t2 -c{connections} -d{seconds}s --latency` against nginx, then against the server,
//! each after an untimed warm-up of `--warmup` seconds. `wrk`, nginx and the server share the
//! machine's cores, as they would on the project's 2-core machine. Requests/s and the p50/p99 of
//! wrk's latency distribution are reported with the goal of issue #7: the server at ≥ 0.3× nginx's
//! throughput with p99 ≤ 20 ms. Any non-2xx answer or socket error fails the run.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin notice-pages -- [--seconds 15] [--connections 200] \
//!     [--warmup 3] [--dir /tmp]
//! ```
//!
//! `wrk` and `nginx` are Debian packages: `apt-get install -y wrk nginx`.

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use ggzy::demo_tenders::DemoTender;
use ggzy_bench::cpu::{CpuSample, CpuUse, clock_ticks_per_second};
use ggzy_bench::{machine, server, thousands};
use ggzy_domain::tender::TenderState;

const USAGE: &str = "usage: notice-pages [--seconds S] [--connections N] [--warmup S] [--dir PARENT_OF_TEMP_DIR]";
const INSTALL: &str = "apt-get install -y wrk nginx";
const NGINX: &str = "/usr/sbin/nginx";
/// wrk's threads: the issue's command (`wrk -t2`), one per core of the project's machine.
const WRK_THREADS: u32 = 2;
/// The goals of issue #7.
const GOAL_RATIO: f64 = 0.3;
const GOAL_P99_MS: f64 = 20.0;
/// How long nginx may take to answer after it is started.
const NGINX_START_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Args {
    seconds: u32,
    connections: u32,
    warmup: u32,
    dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut parsed = Args { seconds: 15, connections: 200, warmup: 3, dir: None };
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--seconds" => parsed.seconds = value.parse().context("--seconds")?,
            "--connections" => parsed.connections = value.parse().context("--connections")?,
            "--warmup" => parsed.warmup = value.parse().context("--warmup")?,
            "--dir" => parsed.dir = Some(PathBuf::from(value)),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    ensure!((1..=3600).contains(&parsed.seconds), "--seconds must be in 1..=3600");
    // wrk needs at least one connection per thread; the descriptors of both ends stay far below
    // the default limit of 1,024 up to here.
    ensure!((WRK_THREADS..=400).contains(&parsed.connections), "--connections must be in {WRK_THREADS}..=400");
    ensure!(parsed.warmup <= 600, "--warmup must be at most 600");
    Ok(parsed)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `name` on the `PATH`, or `fallback` if it is there.
fn program(name: &str, fallback: &str) -> Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file());
    on_path
        .or_else(|| Some(PathBuf::from(fallback)).filter(|path| path.is_file()))
        .ok_or_else(|| anyhow!("{name} is not installed; install it with `{INSTALL}`"))
}

/// The page measured: its path, bytes and content type as the server sent them.
struct Page {
    path: String,
    title: String,
    body: Vec<u8>,
    content_type: String,
}

/// The largest notice page of the demo's opened tenders: the richest one the demo has (timeline,
/// opening record, lot results), so the most the page handler reads and renders per request.
async fn pick_page(base: &str, tenders: &[DemoTender]) -> Result<Page> {
    let client = reqwest::Client::new();
    let mut best: Option<Page> = None;
    for tender in tenders.iter().filter(|tender| tender.state.starts_with(TenderState::Opened.label())) {
        let path = format!("/notices/{}", tender.tender_id);
        let response = client
            .get(format!("{base}{path}"))
            .header("accept", "text/html")
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        ensure!(response.status() == reqwest::StatusCode::OK, "GET {path}: HTTP {}", response.status());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .context("the page has no content type")?
            .to_owned();
        let body = response.bytes().await.with_context(|| format!("reading {path}"))?.to_vec();
        if best.as_ref().is_none_or(|page| body.len() > page.body.len()) {
            best = Some(Page { path, title: tender.title.clone(), body, content_type });
        }
    }
    best.context("the demo data has no opened tender")
}

/// Debian's nginx serving one file, a child of this process; stopped when dropped.
struct Nginx {
    child: Child,
    url: String,
}

/// Adds `mode`'s bits to the permissions of `path`.
fn readable_by_all(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let current = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.permissions().mode();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(current | mode))
        .with_context(|| format!("changing the permissions of {}", path.display()))
}

/// A loopback port free now (the kernel's pick; released for nginx to bind an instant later).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Nginx {
    /// Writes `page` under `dir`/www and a configuration under `dir`, starts nginx in the
    /// foreground and waits until it serves the page's bytes.
    fn start(nginx: &Path, dir: &Path, page: &Page) -> Result<Nginx> {
        let www = dir.join("www");
        std::fs::create_dir_all(&www).with_context(|| format!("creating {}", www.display()))?;
        std::fs::write(www.join("notice.html"), &page.body).context("writing the page for nginx")?;
        // nginx started as root runs its workers as `nobody`, who must be able to read the file
        // (the caller lets them through the temporary directory above).
        for path in [dir, www.as_path()] {
            readable_by_all(path, 0o755)?;
        }
        let port = free_port()?;
        let config = dir.join("nginx.conf");
        std::fs::write(&config, nginx_config(dir, &www, port, cores(), &page.content_type))
            .context("writing nginx.conf")?;
        // `-e`: nginx opens its compiled-in error log before reading the configuration, so it
        // goes to the temporary directory too.
        let child = Command::new(nginx)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&config)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", nginx.display()))?;
        let mut running = Nginx { child, url: format!("http://127.0.0.1:{port}/notice.html") };
        running.wait_ready(page)?;
        Ok(running)
    }

    fn wait_ready(&mut self, page: &Page) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("nginx")? {
                bail!("nginx exited at start ({status}); see its error log in the temporary directory");
            }
            if let Ok(body) = http_get(&self.url) {
                ensure!(body == page.body, "nginx serves other bytes than the page's");
                return Ok(());
            }
            ensure!(started.elapsed() < NGINX_START_LIMIT, "nginx did not answer within {NGINX_START_LIMIT:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Nginx {
    /// SIGTERM to the master, which stops its workers (SIGKILL would leave them running), then
    /// SIGKILL if it is still there after a few seconds.
    fn drop(&mut self) {
        use rustix::process::{Pid, Signal, kill_process};
        let pid = Pid::from_child(&self.child);
        if kill_process(pid, Signal::TERM).is_ok() {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(5) {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The whole configuration: nothing of the system's `/etc/nginx` is read. The `http` settings are
/// Debian's defaults for a static site (`sendfile`, `tcp_nopush`), the access log is off (the
/// server under test writes none per request either), and connections are kept for the whole run as
/// the server keeps them (nginx's default closes one after 1,000 requests).
fn nginx_config(dir: &Path, www: &Path, port: u16, workers: usize, content_type: &str) -> String {
    let temp = |name: &str| dir.join(name).display().to_string();
    format!(
        "worker_processes {workers};
daemon off;
pid {pid};
error_log {error_log} warn;
events {{
    worker_connections 4096;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {body};
    proxy_temp_path {proxy};
    fastcgi_temp_path {fastcgi};
    uwsgi_temp_path {uwsgi};
    scgi_temp_path {scgi};
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = /notice.html {{
            types {{ }}
            default_type \"{content_type}\";
        }}
    }}
}}
",
        pid = temp("nginx.pid"),
        error_log = temp("error.log"),
        body = temp("client_body"),
        proxy = temp("proxy"),
        fastcgi = temp("fastcgi"),
        uwsgi = temp("uwsgi"),
        scgi = temp("scgi"),
        root = www.display(),
    )
}

/// A GET of `url` (plain `http://127.0.0.1:PORT/...`) on its own connection, blocking: the body if
/// the answer is 200.
fn http_get(url: &str) -> Result<Vec<u8>> {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").context("not an http:// URL")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(host, path)| (host, format!("/{path}")));
    let mut stream = std::net::TcpStream::connect(host).with_context(|| format!("connecting to {host}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).context("reading the answer")?;
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").context("no answer head")?;
    let head = String::from_utf8_lossy(&answer[..head_end]);
    ensure!(head.starts_with("HTTP/1.1 200"), "answer {}", head.lines().next().unwrap_or_default());
    Ok(answer[head_end + 4..].to_vec())
}

/// What one wrk run reported.
#[derive(Debug, Clone, Copy, Default)]
struct Wrk {
    requests: u64,
    requests_per_second: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    /// Connect, read, write and timeout errors together.
    socket_errors: u64,
    non_2xx: u64,
}

/// A latency as wrk prints it (`615.00us`, `1.23ms`, `2.00s`, `1.50m`), in milliseconds.
fn latency_ms(text: &str) -> Result<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e3)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60e3)
    } else if let Some(n) = text.strip_suffix('h') {
        (n, 3600e3)
    } else {
        bail!("latency {text:?} has no unit")
    };
    Ok(number.parse::<f64>().with_context(|| format!("latency {text:?}"))? * scale)
}

/// The figures of wrk's `--latency` report.
fn parse_wrk(output: &str) -> Result<Wrk> {
    let mut wrk = Wrk::default();
    let (mut p50, mut p90, mut p99, mut rate) = (None, None, None, None);
    for line in output.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", value] => p50 = Some(latency_ms(value)?),
            ["90%", value] => p90 = Some(latency_ms(value)?),
            ["99%", value] => p99 = Some(latency_ms(value)?),
            ["Requests/sec:", value] => rate = Some(value.parse::<f64>().context("Requests/sec")?),
            [count, "requests", "in", ..] => wrk.requests = count.parse().context("request count")?,
            ["Non-2xx", "or", "3xx", "responses:", count] => wrk.non_2xx = count.parse().context("non-2xx count")?,
            ["Socket", "errors:", ..] => {
                // `Socket errors: connect 0, read 0, write 0, timeout 0`
                wrk.socket_errors =
                    words.iter().skip(2).filter_map(|word| word.trim_end_matches(',').parse::<u64>().ok()).sum();
            }
            _ => {}
        }
    }
    let missing = || anyhow!("wrk's report lacks a figure (was --latency given?):\n{output}");
    wrk.p50_ms = p50.ok_or_else(missing)?;
    wrk.p90_ms = p90.ok_or_else(missing)?;
    wrk.p99_ms = p99.ok_or_else(missing)?;
    wrk.requests_per_second = rate.ok_or_else(missing)?;
    Ok(wrk)
}

/// One wrk run against `url`, with the CPU this process (the server, when it is the target) and
/// the machine used meanwhile.
fn run_wrk(wrk: &Path, url: &str, connections: u32, seconds: u32) -> Result<(Wrk, CpuUse)> {
    let ticks = clock_ticks_per_second();
    let before = CpuSample::now(ticks);
    let output = Command::new(wrk)
        .arg(format!("-t{WRK_THREADS}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", wrk.display()))?;
    let cpu = CpuSample::now(ticks).since(before);
    let text = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "wrk failed ({}): {}{}",
        output.status,
        text,
        String::from_utf8_lossy(&output.stderr)
    );
    let figures = parse_wrk(&text)?;
    ensure!(figures.non_2xx == 0, "{} answers of {url} were not 2xx (rate limited?)", figures.non_2xx);
    ensure!(figures.socket_errors == 0, "wrk saw {} socket errors against {url}:\n{text}", figures.socket_errors);
    ensure!(figures.requests > 0, "wrk made no request to {url}");
    Ok((figures, cpu))
}

/// Warm-up (untimed, unless zero seconds) and the measured run, on a blocking thread: the server
/// answers on this process's runtime meanwhile.
async fn measure(label: &str, wrk: &Path, url: &str, args: &Args) -> Result<(Wrk, CpuUse)> {
    let wrk = wrk.to_owned();
    let url = url.to_owned();
    let (connections, seconds, warmup) = (args.connections, args.seconds, args.warmup);
    eprintln!("{label}: {url}, warm-up {warmup} s, then {seconds} s ...");
    tokio::task::spawn_blocking(move || {
        if warmup > 0 {
            run_wrk(&wrk, &url, connections, warmup).context("warm-up")?;
        }
        run_wrk(&wrk, &url, connections, seconds)
    })
    .await
    .context("wrk thread")?
}

struct Report<'a> {
    args: &'a Args,
    page: &'a Page,
    setup: Duration,
    nginx: Wrk,
    nginx_machine_busy: f64,
    ggzy: Wrk,
    ggzy_cpu: CpuUse,
}

impl Report<'_> {
    fn ratio(&self) -> f64 {
        self.ggzy.requests_per_second / self.nginx.requests_per_second
    }

    fn print(&self) {
        let (args, page) = (self.args, self.page);
        println!();
        println!(
            "P4 pages: GET {} ({}), {} bytes of {}",
            page.path,
            page.title,
            thousands(page.body.len() as f64),
            page.content_type
        );
        println!(
            "wrk -t{WRK_THREADS} -c{} -d{}s --latency (after {} s of warm-up each); setup {:.1} s",
            args.connections,
            args.seconds,
            args.warmup,
            self.setup.as_secs_f64()
        );
        println!(
            "machine: {} cores, {}, Linux {}, {}, commit {}",
            cores(),
            machine::cpu_model(),
            machine::kernel(),
            machine::memory(),
            machine::commit()
        );
        println!();
        println!("| server | requests/s | p50 | p90 | p99 | requests |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (name, wrk) in [("nginx (static file)", &self.nginx), ("ggzy (notice page)", &self.ggzy)] {
            println!(
                "| {name} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
                thousands(wrk.requests_per_second),
                wrk.p50_ms,
                wrk.p90_ms,
                wrk.p99_ms,
                thousands(wrk.requests as f64)
            );
        }
        let ggzy_cpu_s = self.ggzy_cpu.user + self.ggzy_cpu.system;
        println!();
        println!(
            "ggzy's process: {:.2} cores ({:.0} µs of CPU per page, {:.0} % in the kernel); machine busy {:.0} % \
             (nginx run: {:.0} %)",
            ggzy_cpu_s / f64::from(args.seconds),
            ggzy_cpu_s * 1e6 / self.ggzy.requests.max(1) as f64,
            100.0 * self.ggzy_cpu.system / ggzy_cpu_s.max(f64::MIN_POSITIVE),
            100.0 * self.ggzy_cpu.machine_busy,
            100.0 * self.nginx_machine_busy
        );
        let ratio_ok = self.ratio() >= GOAL_RATIO;
        let p99_ok = self.ggzy.p99_ms <= GOAL_P99_MS;
        println!(
            "ratio ggzy / nginx: {:.2}× (goal ≥ {GOAL_RATIO}×): {}",
            self.ratio(),
            if ratio_ok { "PASS" } else { "FAIL" }
        );
        println!(
            "ggzy p99: {:.2} ms (goal ≤ {GOAL_P99_MS} ms): {}",
            self.ggzy.p99_ms,
            if p99_ok { "PASS" } else { "FAIL" }
        );
        println!("P4: {}", if ratio_ok && p99_ok { "PASS" } else { "FAIL" });
        let json = serde_json::json!({
            "bench": "notice-pages",
            "path": page.path,
            "page_bytes": page.body.len(),
            "connections": args.connections,
            "seconds": args.seconds,
            "cores": cores(),
            "nginx": {"rps": self.nginx.requests_per_second, "p50_ms": self.nginx.p50_ms, "p99_ms": self.nginx.p99_ms},
            "ggzy": {"rps": self.ggzy.requests_per_second, "p50_ms": self.ggzy.p50_ms, "p99_ms": self.ggzy.p99_ms,
                     "cpu_s": ggzy_cpu_s},
            "ratio": self.ratio(),
            "goal_met": ratio_ok && p99_ok,
        });
        println!("{json}");
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    sqlx::any::install_default_drivers();
    let args = parse_args()?;
    // Before any setup: a missing tool should not cost a minute of seeding first.
    let wrk = program("wrk", "/usr/bin/wrk")?;
    let nginx = program("nginx", NGINX)?;
    let temp = match &args.dir {
        Some(parent) => tempfile::Builder::new().prefix("notice-pages-").tempdir_in(parent),
        None => tempfile::Builder::new().prefix("notice-pages-").tempdir(),
    }
    .context("temporary directory")?;
    eprintln!("notice-pages in {} ({} cores)", temp.path().display(), cores());

    let setup_started = Instant::now();
    eprintln!("setup (not timed): seeding the demo data ...");
    let (running, tenders) = server::start_demo(&temp.path().join("server")).await?;
    let base = running.base();
    let page = pick_page(&base, &tenders).await?;
    let static_dir = temp.path().join("nginx");
    std::fs::create_dir_all(&static_dir).context("creating nginx's directory")?;
    // A temporary directory is created 0700: nginx's workers may pass through it to their own
    // directory, without listing it (the server's data is there too).
    readable_by_all(temp.path(), 0o711)?;
    let nginx = Nginx::start(&nginx, &static_dir, &page)?;
    let setup = setup_started.elapsed();

    // One server under load at a time: nginx is stopped once measured.
    let (nginx_figures, nginx_cpu) = measure("nginx", &wrk, &nginx.url, &args).await?;
    drop(nginx);
    let (ggzy_figures, ggzy_cpu) = measure("ggzy", &wrk, &format!("{base}{}", page.path), &args).await?;
    running.stop().await?;

    Report {
        args: &args,
        page: &page,
        setup,
        nginx: nginx_figures,
        nginx_machine_busy: nginx_cpu.machine_busy,
        ggzy: ggzy_figures,
        ggzy_cpu,
    }
    .print();
    Ok(())
}
