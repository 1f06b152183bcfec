//! P6 screen throughput: the real `ggzy screen` binary (Cardinal 0.0.8's prepare + indicators, see
//! docs/cardinal.md) end to end on a large OCDS file: the shared sample replicated `--copies` times.
//!
//! Setup (not timed; its duration is printed): `cargo build --release -p ggzy` in the same target
//! directory (skipped with `--ggzy PATH`), then the big file in a temporary directory. Each copy `k`
//! of each sample line is the same compiled release with a new, unique `ocid`
//! (`<original ocid>~c<k>`, k from 000); everything else is kept as published, **party ids
//! included**: tenderers, suppliers, buyers and procuring entities recur across copies, as the same
//! organisations recur over the years in a real large dataset, so per-organisation aggregates
//! (R025, R038, R048) work over groups 100× as large rather than over 100× as many tiny groups.
//! The copies are re-serialized by `serde_json` (keys sorted; same values).
//!
//! Timed: the binary, spawned with `screen --ocds BIG --settings SAMPLE.ini --count`, standard
//! output and error to files in the temporary directory; wall time from spawn to exit. Peak memory
//! is the child's `VmHWM` from `/proc/<pid>/status`, polled every millisecond while it runs (with
//! its CPU time from `/proc/<pid>/stat`). `--runs` runs; the median is the figure. The unreplicated
//! sample is screened once too (the 1× row).
//!
//! Checked afterwards (the 100× result against the 1× one, both from the binary):
//! - per-process indicators that do not depend on the distribution (R003, R018, R028, R030, R035,
//!   R036): for every OCID and every copy, `OCID[<ocid>~c<k>]` holds exactly the codes and values
//!   those indicators gave `OCID[<ocid>]` on the sample, and no other OCID has them; their
//!   Tenderer results (R028, R030, R035) are the sample's, key for key (party ids are kept);
//! - R024 and R058 (per process, but against fences over all processes): every copy of an OCID has
//!   the same value or is absent together (a flag depends only on the process's own ratio and one
//!   global fence); the counts are printed next to the sample's;
//! - R025, R038, R048 (per organisation, fences over organisations): counts printed only — with
//!   party ids kept, minimum-count filters and fences see other populations, so no equality holds.
//!
//! Cardinal itself cannot be installed here (data/ocds/README.md: the crate is not on the
//! reachable registry and the PyPI package has no CLI), so only our figure is reported.
//!
//! ```text
//! cargo run --release -p ggzy-bench --bin screen-throughput -- [--copies 100] [--runs 3] \
//!     [--ggzy PATH] [--dir /tmp]
//! ```

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::collections::{BTreeMap, HashSet};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use ggzy_bench::cpu::clock_ticks_per_second;
use serde_json::Value;

const USAGE: &str =
    "usage: screen-throughput [--copies N] [--runs N] [--ggzy PATH_TO_RELEASE_BINARY] [--dir PARENT_OF_TEMP_DIR]";
/// Separates the original OCID from the copy number.
const COPY_MARK: &str = "~c";
/// Per-process indicators whose flags do not depend on the rest of the file.
const PER_PROCESS: [&str; 6] = ["R003", "R018", "R028", "R030", "R035", "R036"];
/// Their codes with Tenderer results.
const PER_PROCESS_TENDERER: [&str; 3] = ["R028", "R030", "R035"];
/// Per-process indicators judged against a fence over all processes.
const FENCED_PER_PROCESS: [&str; 2] = ["R024", "R058"];

#[derive(Debug, Clone)]
struct Args {
    copies: usize,
    runs: usize,
    ggzy: Option<PathBuf>,
    dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut parsed = Args { copies: 100, runs: 3, ggzy: None, dir: None };
    for (key, value) in ggzy_bench::flags(USAGE)? {
        match key.as_str() {
            "--copies" => parsed.copies = value.parse().context("--copies")?,
            "--runs" => parsed.runs = value.parse().context("--runs")?,
            "--ggzy" => parsed.ggzy = Some(PathBuf::from(value)),
            "--dir" => parsed.dir = Some(PathBuf::from(value)),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    ensure!((1..=1000).contains(&parsed.copies), "--copies must be in 1..=1000");
    ensure!((1..=20).contains(&parsed.runs), "--runs must be in 1..=20");
    Ok(parsed)
}

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/ocds").join(name)
}

/// The release binary: built now with the cargo that runs this benchmark (same target directory),
/// unless given.
fn ggzy_binary(args: &Args) -> Result<PathBuf> {
    if let Some(path) = &args.ggzy {
        return Ok(path.clone());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("building: {cargo} build --release -p ggzy");
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "ggzy"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .context("running cargo build")?;
    ensure!(status.success(), "cargo build --release -p ggzy failed");
    let here = std::env::current_exe().context("path of this benchmark")?;
    let binary = here.with_file_name("ggzy");
    ensure!(binary.is_file(), "{} is missing after the build; pass --ggzy PATH", binary.display());
    Ok(binary)
}

/// Writes `copies` copies of every sample line with a rewritten `ocid`; returns the number of lines.
fn replicate(sample: &Path, copies: usize, out: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(sample).with_context(|| format!("reading {}", sample.display()))?;
    let releases: Vec<Value> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| serde_json::from_str(line).with_context(|| format!("sample line {}", index + 1)))
        .collect::<Result<_>>()?;
    let mut writer = BufWriter::new(std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?);
    let mut seen = HashSet::new();
    let mut lines = 0;
    for copy in 0..copies {
        for release in &releases {
            let mut release = release.clone();
            let ocid = release.get("ocid").and_then(Value::as_str).context("a sample line without a string ocid")?;
            let new = format!("{ocid}{COPY_MARK}{copy:03}");
            ensure!(seen.insert(new.clone()), "ocid {new} would not be unique");
            release["ocid"] = Value::String(new);
            serde_json::to_writer(&mut writer, &release)?;
            writer.write_all(b"\n")?;
            lines += 1;
        }
    }
    writer.flush()?;
    Ok(lines)
}

/// One run of the binary.
#[derive(Debug, Clone)]
struct Run {
    wall: Duration,
    /// Peak resident set of the child (VmHWM), KiB.
    peak_kib: u64,
    /// User + system CPU seconds of the child, from its last `/proc` sample.
    cpu_s: f64,
    stdout: PathBuf,
    stderr: String,
}

/// `VmHWM` (KiB) and user + system CPU seconds of a running process, if it can still be read.
fn sample_child(pid: u32, ticks: f64) -> Option<(u64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after.split_whitespace().map(|field| field.parse().unwrap_or(0.0)).collect();
    let field = |n: usize| fields.get(n - 3).copied().unwrap_or(0.0) / ticks;
    Some((hwm, field(14) + field(15)))
}

fn run_screen(binary: &Path, ocds: &Path, settings: &Path, dir: &Path, label: &str) -> Result<(String, Run)> {
    let stdout = dir.join(format!("{label}.stdout.json"));
    let stderr = dir.join(format!("{label}.stderr.txt"));
    let mut command = Command::new(binary);
    for (key, _) in std::env::vars() {
        if key.starts_with("GGZY_") {
            command.env_remove(key);
        }
    }
    command
        .arg("screen")
        .arg("--ocds")
        .arg(ocds)
        .arg("--settings")
        .arg(settings)
        .arg("--count")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout)?)
        .stderr(std::fs::File::create(&stderr)?);
    let display =
        format!("{} screen --ocds {} --settings {} --count", binary.display(), ocds.display(), settings.display());
    let ticks = clock_ticks_per_second();
    let started = Instant::now();
    let mut child = command.spawn().with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id();
    let mut last = (0, 0.0);
    let status = loop {
        if let Some(sample) = sample_child(pid, ticks) {
            last = sample;
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let wall = started.elapsed();
    let stderr_text = std::fs::read_to_string(&stderr).unwrap_or_default();
    ensure!(status.success(), "{display} failed ({status}):\n{stderr_text}");
    Ok((display, Run { wall, peak_kib: last.0, cpu_s: last.1, stdout, stderr: stderr_text }))
}

type Flags = BTreeMap<String, BTreeMap<String, f64>>;

fn read_group(path: &Path, group: &str) -> Result<Flags> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let value: Value = serde_json::from_slice(&bytes).with_context(|| format!("{} is not JSON", path.display()))?;
    let mut flags = Flags::new();
    if let Some(ids) = value.get(group).and_then(Value::as_object) {
        for (id, codes) in ids {
            let codes = codes
                .as_object()
                .with_context(|| format!("{group}/{id} is not an object"))?
                .iter()
                .map(|(code, number)| Ok((code.clone(), number.as_f64().context("a result that is not a number")?)))
                .collect::<Result<BTreeMap<_, _>>>()?;
            flags.insert(id.clone(), codes);
        }
    }
    Ok(flags)
}

/// Only the given codes, dropping identifiers left without any.
fn only(flags: &Flags, codes: &[&str]) -> Flags {
    flags
        .iter()
        .map(|(id, values)| {
            let kept: BTreeMap<String, f64> = values
                .iter()
                .filter(|(code, _)| codes.contains(&code.as_str()))
                .map(|(c, v)| (c.clone(), *v))
                .collect();
            (id.clone(), kept)
        })
        .filter(|(_, kept)| !kept.is_empty())
        .collect()
}

fn count_code(flags: &Flags, code: &str) -> usize {
    flags.values().filter(|values| values.contains_key(code)).count()
}

/// What the consistency check found.
struct Consistency {
    per_process_expected: usize,
    per_process_mismatches: Vec<String>,
    tenderer_equal: bool,
    fenced_split: Vec<String>,
    counts: Vec<(String, usize, usize)>,
}

fn check(single: &Path, big: &Path, copies: usize) -> Result<Consistency> {
    let one_ocid = read_group(single, "OCID")?;
    let big_ocid = read_group(big, "OCID")?;
    let mut mismatches = Vec::new();

    // Per-process, distribution-free: every copy equals the original, nothing else appears.
    let expected_base = only(&one_ocid, &PER_PROCESS);
    let mut expected = Flags::new();
    for (ocid, values) in &expected_base {
        for copy in 0..copies {
            expected.insert(format!("{ocid}{COPY_MARK}{copy:03}"), values.clone());
        }
    }
    let got = only(&big_ocid, &PER_PROCESS);
    for (id, values) in &expected {
        match got.get(id) {
            Some(found) if found == values => {}
            Some(found) => mismatches.push(format!("{id}: expected {values:?}, got {found:?}")),
            None => mismatches.push(format!("{id}: expected {values:?}, missing")),
        }
    }
    for id in got.keys().filter(|id| !expected.contains_key(*id)) {
        mismatches.push(format!("{id}: flagged in the big file only"));
    }
    let one_tenderer = read_group(single, "Tenderer")?;
    let big_tenderer = read_group(big, "Tenderer")?;
    let tenderer_equal = only(&one_tenderer, &PER_PROCESS_TENDERER) == only(&big_tenderer, &PER_PROCESS_TENDERER);

    // Fenced per-process: the copies of one OCID agree.
    let mut by_original: BTreeMap<(&str, &str), Vec<Option<f64>>> = BTreeMap::new();
    for code in FENCED_PER_PROCESS {
        for (id, values) in &big_ocid {
            if let Some(value) = values.get(code) {
                let original = id.rsplit_once(COPY_MARK).map_or(id.as_str(), |(original, _)| original);
                by_original.entry((code, original)).or_default().push(Some(*value));
            }
        }
    }
    let fenced_split = by_original
        .iter()
        .filter(|(_, values)| values.len() != copies || values.windows(2).any(|pair| pair[0] != pair[1]))
        .map(|((code, original), values)| format!("{code} {original}: {} of {copies} copies", values.len()))
        .collect();

    let mut counts = Vec::new();
    for group in ["OCID", "Tenderer", "Buyer", "ProcuringEntity"] {
        let (one, big) = (read_group(single, group)?, read_group(big, group)?);
        for code in ["R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058"] {
            let (a, b) = (count_code(&one, code), count_code(&big, code));
            if a > 0 || b > 0 {
                counts.push((format!("{group} {code}"), a, b));
            }
        }
    }
    Ok(Consistency {
        per_process_expected: expected.len(),
        per_process_mismatches: mismatches,
        tenderer_equal,
        fenced_split,
        counts,
    })
}

fn machine_facts() -> String {
    let cpu = ggzy_bench::machine::cpu_model();
    let memory = ggzy_bench::machine::memory();
    let kernel = ggzy_bench::machine::kernel();
    let commit = ggzy_bench::machine::commit();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("nproc {cores}, {cpu}, {memory}, Linux {kernel}, commit {commit} (plus working tree), release build")
}

fn median_run(runs: &[Run]) -> Result<&Run> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|run| run.wall);
    sorted.get(sorted.len() / 2).copied().ok_or_else(|| anyhow!("no run"))
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let sample = shared("sample-dev.jsonl");
    let settings = shared("sample-dev.cardinal.ini");
    let temp = match &args.dir {
        Some(parent) => tempfile::Builder::new().prefix("screen-throughput-").tempdir_in(parent),
        None => tempfile::Builder::new().prefix("screen-throughput-").tempdir(),
    }
    .context("temporary directory")?;
    let dir = temp.path().to_owned();

    let setup_started = Instant::now();
    let binary = ggzy_binary(&args)?;
    let big = dir.join(format!("sample-dev-x{}.jsonl", args.copies));
    eprintln!("writing {} ...", big.display());
    let lines = replicate(&sample, args.copies, &big)?;
    let sample_lines = lines / args.copies;
    let big_bytes = std::fs::metadata(&big)?.len();
    let sample_bytes = std::fs::metadata(&sample)?.len();
    let setup_time = setup_started.elapsed();

    eprintln!("1× sample ...");
    let (_, single) = run_screen(&binary, &sample, &settings, &dir, "x1")?;
    let mut runs = Vec::new();
    let mut command = String::new();
    for run in 0..args.runs {
        eprintln!("{}× file, run {} of {} ...", args.copies, run + 1, args.runs);
        let (display, measured) = run_screen(&binary, &big, &settings, &dir, &format!("big{run}"))?;
        command = display;
        runs.push(measured);
    }
    let median = median_run(&runs)?;
    let consistency = check(&single.stdout, &median.stdout, args.copies)?;

    println!("# screen-throughput (P6)");
    println!();
    println!(
        "Command: `cargo run --release -p ggzy-bench --bin screen-throughput -- --copies {} --runs {}`",
        args.copies, args.runs
    );
    println!("Timed:   `{command}` (stdout and stderr to files)");
    println!("Machine: {}", machine_facts());
    println!(
        "Input:   {} × {} sample lines = {} compiled releases, {:.1} MB ({:.2} MB sample); setup (build + write) {:.1} s",
        args.copies,
        sample_lines,
        ggzy_bench::thousands(lines as f64),
        big_bytes as f64 / 1e6,
        sample_bytes as f64 / 1e6,
        setup_time.as_secs_f64()
    );
    println!();
    println!("| input | run | releases | wall s | releases/s | MB/s | CPU s | peak RSS MiB |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let row = |input: &str, label: &str, count: usize, bytes: u64, run: &Run| {
        let seconds = run.wall.as_secs_f64();
        println!(
            "| {input} | {label} | {} | {seconds:.3} | {} | {:.1} | {:.2} | {:.1} |",
            ggzy_bench::thousands(count as f64),
            ggzy_bench::thousands(count as f64 / seconds),
            bytes as f64 / 1e6 / seconds,
            run.cpu_s,
            run.peak_kib as f64 / 1024.0
        );
    };
    row("sample (1×)", "1", sample_lines, sample_bytes, &single);
    for (index, run) in runs.iter().enumerate() {
        row(&format!("{}×", args.copies), &(index + 1).to_string(), lines, big_bytes, run);
    }
    let seconds = median.wall.as_secs_f64();
    println!();
    println!(
        "**Figure: {} releases/s** end to end ({}× file, median of {} runs: {:.2} s wall, peak RSS {:.1} MiB). \
         Cardinal itself cannot be installed here (data/ocds/README.md), so there is no reference figure.",
        ggzy_bench::thousands(lines as f64 / seconds),
        args.copies,
        args.runs,
        seconds,
        median.peak_kib as f64 / 1024.0
    );
    println!();
    let summary = |stderr: &str| stderr.lines().find(|line| line.starts_with("screened ")).unwrap_or("?").to_owned();
    let per_line = median.stderr.lines().filter(|line| line.starts_with("line ")).count();
    println!("Summary line, 1×: {}", summary(&single.stderr));
    println!("Summary line, {}×: {} ({per_line} per-line reports on stderr)", args.copies, summary(&median.stderr));
    println!();
    println!(
        "Consistency: R003, R018, R028, R030, R035, R036 (per process, distribution-free): {} expected OCID entries \
         (each sample OCID's codes × {} copies), {} mismatches; their Tenderer results equal the sample's: {}. \
         R024/R058 copies that disagree: {}.",
        ggzy_bench::thousands(consistency.per_process_expected as f64),
        args.copies,
        consistency.per_process_mismatches.len(),
        if consistency.tenderer_equal { "yes" } else { "NO" },
        consistency.fenced_split.len()
    );
    for mismatch in consistency.per_process_mismatches.iter().chain(&consistency.fenced_split).take(5) {
        println!("  {mismatch}");
    }
    println!();
    println!("| group, code | identifiers 1× | identifiers {}× |", args.copies);
    println!("|---|---:|---:|");
    for (label, one, many) in &consistency.counts {
        println!("| {label} | {one} | {many} |");
    }
    ensure!(
        consistency.per_process_mismatches.is_empty()
            && consistency.tenderer_equal
            && consistency.fenced_split.is_empty(),
        "the {}× result is not consistent with the sample's",
        args.copies
    );
    Ok(())
}
