//! `ggzy verify SOURCE --draw DRAW_ID`: recomputes an expert draw from its published events only
//! (docs/draw.md step 5), from a database (read-only) or from a running platform's
//! `/api/v1/draws/{id}/verification-data`. `--draw all` checks every draw of a database.
//!
//! From a database it also checks that the tree head the draw used is the one the platform
//! published, and the first published head that qualified (so the platform could not pick among
//! several heads).

use anyhow::{Context as _, anyhow, bail};
use ggzy_app::events::{Event, stream};
use ggzy_app::expert::{VerifiedDraw, verify_recorded_draw};
use ggzy_crypto::sm2::PublicKey;
use ggzy_store::{Store, StoreOptions};

use crate::verify::database_url;

/// Events read per page when looking for every draw.
const PAGE: i64 = 5000;

/// Verifies one draw (or every draw, with `all`) of a source; returns what was verified.
pub async fn verify_draw_source(
    source: &str,
    draw_id: &str,
    platform_key: Option<&PublicKey>,
) -> anyhow::Result<Vec<VerifiedDraw>> {
    if source.starts_with("http://") || source.starts_with("https://") {
        if draw_id == "all" {
            bail!("--draw all needs a database source; give one draw id for a platform URL");
        }
        return Ok(vec![verify_over_http(source, draw_id, platform_key).await?]);
    }
    let url = database_url(source)?;
    let store = Store::connect(&url, StoreOptions { max_connections: 1, ..StoreOptions::default() })
        .await
        .with_context(|| format!("opening {}", ggzy_store::connect::redact_url(source)))?;
    let result = verify_in_store(&store, draw_id, platform_key).await;
    store.close().await;
    result
}

/// Every draw id recorded in the store, in the order scheduled.
pub async fn draw_ids(store: &Store) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut after = 0;
    loop {
        let page = store.scan(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.position;
        for event in page.iter().filter(|event| event.event_type == "DrawScheduled") {
            if let Some(id) = event.stream_id.strip_prefix("draw-") {
                ids.push(id.to_owned());
            }
        }
    }
    Ok(ids)
}

/// Verifies one draw, or every draw with `all`, of an open store.
///
/// # Errors
/// The first draw that does not reproduce, or a read failure.
pub async fn verify_in_store(
    store: &Store,
    draw_id: &str,
    platform_key: Option<&PublicKey>,
) -> anyhow::Result<Vec<VerifiedDraw>> {
    let ids = if draw_id == "all" { draw_ids(store).await? } else { vec![draw_id.to_owned()] };
    let heads = store.tree_heads().await?;
    let mut verified = Vec::with_capacity(ids.len());
    for id in ids {
        let stored = store.stream(&stream::draw(&id)).await?;
        if stored.is_empty() {
            bail!("no draw {id} in this log");
        }
        let events = stored
            .iter()
            .map(|event| {
                serde_json::from_str::<Event>(&event.payload)
                    .map(|parsed| (event.position, parsed))
                    .with_context(|| format!("event {} of draw {id}", event.position))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let outcome = verify_recorded_draw(&events, platform_key).map_err(|e| anyhow!("draw {id}: {e}"))?;
        // The head used must be published, and the first one that qualified.
        let (schedule, performed) = recorded(&events).ok_or_else(|| anyhow!("draw {id} has not been made"))?;
        let first = heads
            .iter()
            .find(|h| h.tree_size > performed.commitment_position && h.timestamp_ms >= schedule.draw_at_ms)
            .ok_or_else(|| anyhow!("draw {id}: the tree head it used is not published"))?;
        let used = &performed.tree_head;
        if (first.tree_size, first.timestamp_ms, hex::encode(&first.root_hash))
            != (used.tree_size, used.timestamp_ms, used.root_hash_hex.clone())
        {
            bail!(
                "draw {id}: it used the tree head of size {}, but the first published head after the draw minute is of \
                 size {}",
                used.tree_size,
                first.tree_size
            );
        }
        verified.push(outcome);
    }
    Ok(verified)
}

fn recorded(
    events: &[(i64, Event)],
) -> Option<(&ggzy_app::events::DrawScheduleDetails, &ggzy_app::events::DrawPerformedDetails)> {
    let schedule = events.iter().find_map(|(_, e)| match e {
        Event::DrawScheduled(s) => Some(s),
        _ => None,
    })?;
    let performed = events.iter().find_map(|(_, e)| match e {
        Event::DrawPerformed(p) => Some(p),
        _ => None,
    })?;
    Some((schedule, performed))
}

async fn verify_over_http(base: &str, draw_id: &str, platform_key: Option<&PublicKey>) -> anyhow::Result<VerifiedDraw> {
    let url = format!("{}/api/v1/draws/{draw_id}/verification-data", base.trim_end_matches('/'));
    let response = reqwest::get(&url).await.with_context(|| format!("fetching {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let body: serde_json::Value = response.json().await.with_context(|| format!("reading {url}"))?;
    let events = body["events"]
        .as_array()
        .ok_or_else(|| anyhow!("{url}: no events"))?
        .iter()
        .map(|item| {
            let position = item["position"].as_i64().ok_or_else(|| anyhow!("{url}: an event without position"))?;
            let event: Event = serde_json::from_value(item["event"].clone()).context("an event of the draw")?;
            Ok((position, event))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    verify_recorded_draw(&events, platform_key).map_err(|e| anyhow!("draw {draw_id}: {e}"))
}
