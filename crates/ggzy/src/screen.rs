//! `ggzy screen`: the red-flag indicators of OCP's Cardinal 0.0.8 (its `prepare` then its
//! `indicators` step) over an OCDS file of compiled releases, one per line, with a Cardinal
//! settings file. Prints the same JSON as `ocdscardinal indicators` to standard output; the
//! definitions live in `ggzy_analytics::cardinal` (docs/cardinal.md). This module only does IO.

use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use ggzy_analytics::cardinal::{self, Settings};

#[derive(clap::Args)]
pub(crate) struct ScreenArgs {
    /// OCDS compiled releases, one JSON object per line (`.jsonl`).
    #[arg(long, value_name = "FILE.jsonl")]
    ocds: PathBuf,
    /// Cardinal settings (INI, as written by `ocdscardinal init`); its sections enable indicators.
    #[arg(long, value_name = "FILE.ini")]
    settings: PathBuf,
    /// Also print the number of identifiers with results per group to standard error.
    #[arg(long)]
    count: bool,
    /// Leave the `Meta` key (quartiles and fences) out of the output.
    #[arg(long)]
    no_meta: bool,
    /// Write the quality issues found by the prepare step to this file as CSV (Cardinal's columns:
    /// line, ocid, path, array indexes, value, error).
    #[arg(long, value_name = "FILE.csv")]
    issues: Option<PathBuf>,
}

pub(crate) fn run(args: &ScreenArgs) -> anyhow::Result<()> {
    let settings_text = std::fs::read_to_string(&args.settings)
        .with_context(|| format!("reading the settings file {}", args.settings.display()))?;
    let settings =
        Settings::parse(&settings_text).with_context(|| format!("settings file {}", args.settings.display()))?;
    let file = File::open(&args.ocds).with_context(|| format!("opening {}", args.ocds.display()))?;

    // Stream the file: the first line that cannot be read or parsed stops the run and is reported.
    let mut failure: Option<anyhow::Error> = None;
    let releases = BufReader::new(file)
        .lines()
        .enumerate()
        .map_while(|(index, line)| {
            let number = index + 1;
            let parsed = line.with_context(|| format!("line {number}: reading")).and_then(|text| {
                if text.trim().is_empty() {
                    return Ok(None);
                }
                serde_json::from_str(&text).map(|value| Some((number, value))).map_err(|error| {
                    // serde_json counts lines within the text it was given, which is one line here.
                    let message = error.to_string();
                    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(head, _)| head);
                    anyhow::anyhow!("line {number}, column {}: not valid JSON: {message}", error.column())
                })
            });
            parsed.map_err(|error| failure = Some(error)).ok()
        })
        .flatten();
    let screening = cardinal::screen(releases, &settings);
    if let Some(error) = failure {
        return Err(error.context(format!("{}", args.ocds.display())));
    }
    let screening = screening.with_context(|| format!("{}", args.ocds.display()))?;

    let output = &screening.indicators;
    let json = serde_json::to_string(&output.results.to_json(!args.no_meta))?;
    writeln!(std::io::stdout().lock(), "{json}")?;

    if let Some(path) = &args.issues {
        let mut csv = String::new();
        for issue in &screening.issues {
            csv.push_str(&issue.to_string());
            csv.push('\n');
        }
        std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.count {
        for (group, count) in output.results.counts() {
            eprintln!("{group}: {count}");
        }
    }
    let currency = match &output.main_currency {
        Some(currency) => {
            format!(
                "main currency {currency} (bids in other currencies skipped {} time(s))",
                output.skipped_currency_bids
            )
        }
        None => "no prices compared".to_owned(),
    };
    eprintln!(
        "screened {} contracting processes; {currency}; prepare found {} quality issue(s)",
        output.releases,
        screening.issues.len()
    );
    Ok(())
}
