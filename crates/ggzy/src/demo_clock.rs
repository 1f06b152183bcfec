//! The demo's clock. The demo seeds procedures whose periods run weeks ahead of "now" (a tender
//! taking bids for 20 days, then evaluation, publicity, contract). Periods are counted on the
//! official holiday calendar, and a year without data is an error, never a guess. So when the
//! calendar does not cover the weeks ahead of the real date (late in a year, before the State
//! Council's notice for the next one is imported), a fresh demo runs on a clock set back to the
//! latest date that leaves those weeks covered, at real speed, and says so. The offset is kept in
//! `<data_dir>/demo-clock.json` so that later starts continue the same timeline; a demo database
//! created without one keeps the real clock. `ggzy serve` never reads it.

use std::path::Path;

use anyhow::Context as _;
use ggzy_app::clock::OffsetClock;
use ggzy_domain::china_time;
use serde::{Deserialize, Serialize};

/// Days ahead of "now" the seeded procedures need covered by the calendar: the tender taking bids
/// was announced two days ago with the 20-day minimum, and a margin for trying its opening.
pub const RUNWAY_DAYS: i64 = 30;

const FILE: &str = "demo-clock.json";

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    offset_ms: i64,
}

/// The demo's clock for `data_dir`: the stored offset; for a database about to be seeded
/// (`fresh`), the offset that leaves [`RUNWAY_DAYS`] covered after "now" (0 when the real date
/// does), stored; otherwise the real clock.
pub fn demo_clock(data_dir: &Path, fresh: bool, real_now_ms: i64) -> anyhow::Result<OffsetClock> {
    let path = data_dir.join(FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let stored: Stored = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
        return Ok(OffsetClock { offset_ms: stored.offset_ms });
    }
    if !fresh {
        return Ok(OffsetClock::default());
    }
    let calendar = ggzy_app::calendar::builtin().map_err(|e| anyhow::anyhow!("built-in calendar: {e}"))?;
    let last_year = calendar.years().max().context("the holiday calendar covers no year")?;
    let offset_ms = offset_for(last_year, real_now_ms)?;
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    std::fs::write(&path, serde_json::to_string(&Stored { offset_ms })?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(OffsetClock { offset_ms })
}

/// 0 when [`RUNWAY_DAYS`] after the real date stay within `last_year`; otherwise how far to set
/// the clock back so that they do (whole days, keeping the time of day).
fn offset_for(last_year: i16, real_now_ms: i64) -> anyhow::Result<i64> {
    let today = china_time::date_of(real_now_ms);
    let last_day = jiff::civil::date(last_year, 12, 31);
    let latest_today = last_day.checked_sub(jiff::Span::new().days(RUNWAY_DAYS))?;
    if today <= latest_today {
        return Ok(0);
    }
    let days_back = i64::from(latest_today.until(today)?.get_days());
    Ok(-days_back * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        text.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond()
    }

    #[test]
    fn the_clock_goes_back_only_as_far_as_the_calendar_needs() {
        // 30 days before 2026-12-31 is 2026-12-01: up to then the real date serves.
        assert_eq!(offset_for(2026, ms("2026-12-01T23:00:00+08:00")).ok(), Some(0));
        assert_eq!(offset_for(2026, ms("2026-12-06T10:00:00+08:00")).ok(), Some(-5 * 86_400_000));
        let shifted =
            ms("2026-12-06T10:00:00+08:00") + offset_for(2026, ms("2026-12-06T10:00:00+08:00")).expect("offset");
        assert_eq!(china_time::date_of(shifted), jiff::civil::date(2026, 12, 1));
    }

    #[test]
    fn a_stored_offset_is_kept_and_an_existing_database_keeps_the_real_clock() {
        let dir = tempfile::tempdir().expect("temporary directory");
        assert_eq!(demo_clock(dir.path(), false, ms("2026-12-20T10:00:00+08:00")).ok().map(|c| c.offset_ms), Some(0));
        let first = demo_clock(dir.path(), true, ms("2026-12-20T10:00:00+08:00")).ok().map(|c| c.offset_ms);
        assert_eq!(first, Some(-19 * 86_400_000));
        // A later start, days later, continues the same timeline.
        let later = demo_clock(dir.path(), false, ms("2026-12-25T10:00:00+08:00")).ok().map(|c| c.offset_ms);
        assert_eq!(later, first);
    }
}
