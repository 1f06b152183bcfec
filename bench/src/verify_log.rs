//! P7: how fast `ggzy verify` checks a log, against raw SM3 over the same bytes.
//!
//! Builds a SQLite log of N events (~200-byte payloads), then times the store's verification (the
//! code path of `ggzy verify`: read every row, re-encode, SM3, compare, chain, Merkle tree) and,
//! in the same run, plain SM3 over exactly the bytes the chain hashes.
//!
//! `cargo run --release -p ggzy-bench --bin verify-log -- [--events N]`

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use ggzy_crypto::chain::encode_event;
use ggzy_crypto::sm3::sm3;
use ggzy_store::verify::verify_store;
use ggzy_store::{AppendRequest, ExpectedVersion, NewEvent, Store, StoreOptions};

const EVENTS_PER_APPEND: usize = 500;

fn events_arg() -> Result<usize> {
    let mut args = std::env::args().skip(1);
    let mut events = 200_000;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events = args.next().context("--events needs a number")?.parse()?,
            other => bail!("unknown argument {other}; usage: verify-log [--events N]"),
        }
    }
    Ok(events)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let events = events_arg()?;
    let dir = tempfile::tempdir()?;
    let store =
        Store::connect(&format!("sqlite://{}", dir.path().join("verify.db").display()), StoreOptions::default())
            .await?;
    store.migrate().await?;
    eprintln!("building a log of {events} events ...");
    let payload = format!(r#"{{"type":"BidSubmitted","lot":"GZ-2026-001-01","digest":"{}"}}"#, "ab".repeat(80));
    let mut written = 0;
    while written < events {
        let batch = EVENTS_PER_APPEND.min(events - written);
        let stream = format!("lot-{}", written / 10_000);
        store
            .append(AppendRequest {
                actor: "bench".to_owned(),
                recorded_at_ms: 1_798_761_600_000 + written as i64,
                expected: vec![(stream.clone(), ExpectedVersion::Any)],
                events: (0..batch)
                    .map(|_| NewEvent {
                        stream_id: stream.clone(),
                        event_type: "BidSubmitted".to_owned(),
                        region_code: "330100".to_owned(),
                        payload: payload.clone(),
                    })
                    .collect(),
                projections: Vec::new(),
            })
            .await?;
        written += batch;
    }

    // The bytes the chain hashes, for the raw SM3 baseline over the very same input.
    let rows = store.scan(0, i64::try_from(events)?).await?;
    let encoded: Vec<Vec<u8>> = rows.iter().map(|row| encode_event(&row.fields())).collect();
    let bytes: usize = encoded.iter().map(Vec::len).sum();
    drop(rows);

    // Reading alone, the same pages verification reads: what the database layer costs.
    let started = Instant::now();
    let mut after = 0;
    loop {
        let page = store.scan(after, 2000).await?;
        let Some(last) = page.last() else { break };
        after = last.position;
    }
    let read_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let report = verify_store(&store).await?;
    let verify_s = started.elapsed().as_secs_f64();
    if usize::try_from(report.events)? != events {
        bail!("verified {} events, expected {events}", report.events);
    }

    let started = Instant::now();
    let mut sink = 0u8;
    for item in &encoded {
        sink ^= sm3(item)[0];
    }
    let raw_s = started.elapsed().as_secs_f64();
    std::hint::black_box(sink);
    store.close().await;

    let mb = bytes as f64 / 1e6;
    let n = events as f64;
    println!("P7 verify, {events} events ({mb:.1} MB hashed), SQLite, release build, nproc {}", num_cpus());
    println!();
    println!("| measurement | events/s | MB/s |");
    println!("|---|---:|---:|");
    println!(
        "| `verify_store` (the path of `ggzy verify`: read, re-encode, SM3, chain, tree) | {:.0} | {:.1} |",
        n / verify_s,
        mb / verify_s
    );
    println!("| reading the rows only (sqlx, pages of 2,000) | {:.0} | {:.1} |", n / read_s, mb / read_s);
    println!("| raw SM3 over the same encoded events, in memory | {:.0} | {:.1} |", n / raw_s, mb / raw_s);
    println!("| **ratio verify / raw SM3** | **{:.2}** | |", raw_s / verify_s);
    Ok(())
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
