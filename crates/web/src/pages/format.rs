//! Display helpers shared by the pages: China-time instants, money in yuan, query-string
//! escaping, and marking the searched words in a text.

use ggzy_domain::{Fen, china_time};

/// Shown for a statutory day that falls in a year whose official holidays are not published yet (the
/// calendar cannot count it, and a guess would mislead).
pub(crate) const UNCOUNTED_DAY: &str = "所涉年份的法定节假日安排尚未公布，公布后计算";

/// `2026-11-24 16:00` (China time, the time every statute and notice speaks of).
pub(crate) fn datetime(ms: i64) -> String {
    let dt = china_time::datetime_of(ms);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute())
}

/// `2026-11-24 16:00:05`: with seconds, where they decide something (bids, the end of bidding).
pub(crate) fn datetime_seconds(ms: i64) -> String {
    let dt = china_time::datetime_of(ms);
    format!("{} {:02}:{:02}:{:02}", date(ms), dt.hour(), dt.minute(), dt.second())
}

/// The same as an HTML `datetime` attribute value (RFC 3339 with +08:00).
pub(crate) fn machine_datetime(ms: i64) -> String {
    let dt = china_time::datetime_of(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// `2026-11-24` (China time).
pub(crate) fn date(ms: i64) -> String {
    let d = china_time::date_of(ms);
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `1,234.56 元` from fen.
pub(crate) fn yuan(fen: i64) -> String {
    format!("{} 元", Fen(fen))
}

/// A `YYYY-MM-DD` date input as the UTC ms of its start in China time; `None` if malformed.
pub(crate) fn day_start_ms(day: &str) -> Option<i64> {
    let date: jiff::civil::Date = day.trim().parse().ok()?;
    china_time::instant_of(date.to_datetime(jiff::civil::Time::midnight()))
}

/// A `datetime-local` input (`YYYY-MM-DDTHH:MM`, China time) as UTC ms; `None` if malformed.
pub(crate) fn local_datetime_ms(value: &str) -> Option<i64> {
    let datetime: jiff::civil::DateTime = value.trim().parse().ok()?;
    china_time::instant_of(datetime)
}

/// Percent-encodes a query-string value (everything but unreserved ASCII).
pub(crate) fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A piece of text, marked when it is one of the searched words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The text.
    pub(crate) text: String,
    /// Whether to mark it.
    pub(crate) hit: bool,
}

/// Splits `text` into segments, marking every occurrence of a word (longest word first at each
/// position, compared case-insensitively). The template escapes each segment; no markup is built
/// from the text itself.
pub(crate) fn highlight(text: &str, words: &[String]) -> Vec<Segment> {
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    // Lower-casing may change the length of some characters; then mark nothing rather than wrongly.
    if lower.len() != chars.len() {
        return vec![Segment { text: text.to_owned(), hit: false }];
    }
    let mut words: Vec<Vec<char>> =
        words.iter().map(|w| w.chars().collect::<Vec<char>>()).filter(|w| !w.is_empty()).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut hit = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        match words.iter().find(|w| lower[i..].starts_with(w)) {
            Some(w) => {
                hit[i..i + w.len()].iter_mut().for_each(|h| *h = true);
                i += w.len();
            }
            None => i += 1,
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    for (c, h) in chars.into_iter().zip(hit) {
        match segments.last_mut() {
            Some(last) if last.hit == h => last.text.push(c),
            _ => segments.push(Segment { text: c.to_string(), hit: h }),
        }
    }
    segments
}

/// One statutory date as shown.
pub(crate) struct DeadlineRow {
    pub(crate) name: &'static str,
    pub(crate) day: String,
    pub(crate) source: String,
}

impl From<&ggzy_app::statutory_date::StatutoryDate> for DeadlineRow {
    fn from(date: &ggzy_app::statutory_date::StatutoryDate) -> DeadlineRow {
        DeadlineRow { name: date.name, day: date.day.to_string(), source: date.source.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searched_words_are_marked_and_the_rest_is_kept() {
        let words = vec!["管廊".to_owned(), "综合".to_owned()];
        let segments = highlight("杭州市文三路综合管廊工程施工", &words);
        let marked: Vec<&str> = segments.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect();
        assert_eq!(marked, ["综合管廊"]);
        let whole: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(whole, "杭州市文三路综合管廊工程施工");
        assert!(highlight("ABC 工程", &["abc".to_owned()])[0].hit);
        assert!(highlight("工程", &[]).iter().all(|s| !s.hit));
    }

    #[test]
    fn times_are_shown_in_china_time() {
        // 2026-11-24T08:00:00Z is 16:00 in Beijing.
        assert_eq!(datetime(1_795_507_200_000), "2026-11-24 16:00");
        assert_eq!(day_start_ms("2026-11-25"), Some(1_795_507_200_000 + 8 * 3_600_000));
        assert_eq!(day_start_ms("2026-13-01"), None);
        assert_eq!(query_value("综合 a&b"), "%E7%BB%BC%E5%90%88%20a%26b");
    }
}
