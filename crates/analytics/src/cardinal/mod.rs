//! Red-flag indicators of the Open Contracting Partnership's Cardinal 0.0.8, reimplemented:
//! `prepare` (normalize and correct compiled releases, report quality issues) followed by
//! `indicators` (R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058), with the same
//! definitions, settings file and JSON output, so that our supervision screens can be checked
//! against the reference tool on the same data (docs/cardinal.md).
//!
//! Pure: the caller reads the file and hands over each line (as bytes, or parsed); time comes only
//! from the dates in the data. A line that cannot be used is a [`Finding`], never an error: the
//! rest of the file is screened, as Cardinal does.

mod indicators;
mod ini;
pub mod output;
pub mod prepare;
mod quality;
mod quantile;
mod read;
mod release;
pub mod settings;
mod timestamp;

use serde_json::Value;

pub use indicators::{IndicatorOutput, Indicators};
pub use ini::IniError;
pub use output::{Code, Group, Results};
pub use prepare::{Issue, Problem, prepare_release};
pub use quality::{Finding, FindingKind};
pub use settings::{Settings, SettingsError};

/// The outcome of a screening.
#[derive(Clone, Debug, PartialEq)]
pub struct Screening {
    pub indicators: IndicatorOutput,
    /// What `prepare` reported, in input order.
    pub issues: Vec<Issue>,
    /// Lines that were releases with a string `ocid` (before the global exclusions).
    pub releases_read: usize,
}

/// `prepare` then `indicators`, one input line at a time.
pub struct Screener<'s> {
    settings: &'s Settings,
    indicators: Indicators,
    issues: Vec<Issue>,
    releases_read: usize,
}

impl<'s> Screener<'s> {
    pub fn new(settings: &'s Settings) -> Self {
        Self { settings, indicators: Indicators::new(settings), issues: Vec::new(), releases_read: 0 }
    }

    /// One line of the input file, with or without its line ending; `line` is its 1-based number.
    /// Blank lines are ignored. Returns what is wrong with the line (nothing, usually); a line
    /// that is not JSON is skipped. Only the parts of the release that the screening reads are
    /// built (`read.rs`): same results as `add_value` with the whole line, in a fraction of the time.
    pub fn add_line(&mut self, line: usize, text: &[u8]) -> Vec<Finding> {
        if text.iter().all(u8::is_ascii_whitespace) {
            return Vec::new();
        }
        // Without its line ending, so that an error's column is on this line.
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        match read::parse_release(text) {
            Ok(value) => self.add_value(line, value),
            Err(error) => vec![Finding::invalid_json(line, &error)],
        }
    }

    /// One parsed line. A value that is not an object is skipped; an object without a string
    /// `ocid` is prepared (so its issues are reported, as Cardinal does) but left out of the
    /// indicators.
    pub fn add_value(&mut self, line: usize, value: Value) -> Vec<Finding> {
        let Value::Object(mut release) = value else {
            return vec![Finding { line, field: "/".to_owned(), kind: FindingKind::NotAnObject }];
        };
        self.issues.extend(prepare_release(&mut release, line, self.settings));
        if !release.get("ocid").is_some_and(Value::is_string) {
            return vec![Finding { line, field: "/ocid".to_owned(), kind: FindingKind::MissingOcid }];
        }
        self.releases_read += 1;
        self.indicators.add(&release);
        let skipped = self.indicators.take_skipped_currencies();
        quality::check_release(
            &release,
            line,
            self.indicators.main_currency(),
            &skipped,
            self.settings.info_currency_mismatches,
        )
    }

    pub fn finish(self) -> Screening {
        Screening { indicators: self.indicators.finish(), issues: self.issues, releases_read: self.releases_read }
    }
}

/// Runs `prepare` then `indicators` over `(line number, JSON)` pairs; returns the screening and
/// every finding, in input order.
pub fn screen<I>(releases: I, settings: &Settings) -> (Screening, Vec<Finding>)
where
    I: IntoIterator<Item = (usize, Value)>,
{
    let mut screener = Screener::new(settings);
    let mut findings = Vec::new();
    for (line, value) in releases {
        findings.extend(screener.add_value(line, value));
    }
    (screener.finish(), findings)
}
