//! Red-flag indicators of the Open Contracting Partnership's Cardinal 0.0.8, reimplemented:
//! `prepare` (normalize and correct compiled releases, report quality issues) followed by
//! `indicators` (R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058), with the same
//! definitions, settings file and JSON output, so that our supervision screens can be checked
//! against the reference tool on the same data (docs/cardinal.md).
//!
//! Pure: the caller reads the file and hands over one parsed JSON value per line; time comes only
//! from the dates in the data.

mod indicators;
mod ini;
pub mod output;
pub mod prepare;
mod quantile;
mod release;
pub mod settings;
mod timestamp;

use serde_json::Value;
use thiserror::Error;

pub use indicators::{IndicatorOutput, Indicators};
pub use ini::IniError;
pub use output::{Code, Group, Results};
pub use prepare::{Issue, Problem, prepare_release};
pub use settings::{Settings, SettingsError};

/// A line that is not a compiled release.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReleaseError {
    #[error("line {line}: not a JSON object (a compiled release)")]
    NotAnObject { line: usize },
    #[error("line {line}: field /ocid is missing or not a string")]
    MissingOcid { line: usize },
}

/// The outcome of `screen`.
#[derive(Clone, Debug, PartialEq)]
pub struct Screening {
    pub indicators: IndicatorOutput,
    /// What `prepare` reported, in input order.
    pub issues: Vec<Issue>,
}

/// Runs `prepare` then `indicators` over compiled releases, given as `(line number, JSON)` pairs.
/// Every line must be an object with a string `ocid`; the first that is not is an error.
pub fn screen<I>(releases: I, settings: &Settings) -> Result<Screening, ReleaseError>
where
    I: IntoIterator<Item = (usize, Value)>,
{
    let mut indicators = Indicators::new(settings);
    let mut issues = Vec::new();
    for (line, value) in releases {
        let Value::Object(mut release) = value else { return Err(ReleaseError::NotAnObject { line }) };
        if !release.get("ocid").is_some_and(Value::is_string) {
            return Err(ReleaseError::MissingOcid { line });
        }
        issues.extend(prepare_release(&mut release, line, settings));
        indicators.add(&release);
    }
    Ok(Screening { indicators: indicators.finish(), issues })
}
