//! `ggzy screen`: the red-flag indicators of OCP's Cardinal 0.0.8 (its `prepare` then its
//! `indicators` step) over an OCDS file of compiled releases, one per line, with a Cardinal
//! settings file. Prints the same JSON as `ocdscardinal indicators` to standard output; the
//! definitions live in `ggzy_analytics::cardinal` (docs/cardinal.md). This module only does IO.
//!
//! A line that cannot be used, and a data-quality problem inside a release, is reported on standard
//! error as `line N: <field or column>: <message>` and the rest of the file is screened; only a file
//! with no usable line at all is an error.

use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use ggzy_analytics::cardinal::{Screener, Settings};

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

    // Stream the file line by line; each line's findings go to standard error as they are found.
    let mut screener = Screener::new(&settings);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    let (mut lines, mut skipped, mut notes) = (0_usize, 0_usize, 0_usize);
    let mut stderr = std::io::stderr().lock();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("{}: line {}: reading", args.ocds.display(), lines + 1))?;
        if read == 0 {
            break;
        }
        lines += 1;
        for finding in screener.add_line(lines, &line) {
            writeln!(stderr, "{finding}")?;
            if finding.kind.skips_line() {
                skipped += 1;
            } else {
                notes += 1;
            }
        }
    }
    let screening = screener.finish();
    if screening.releases_read == 0 {
        bail!(
            "{}: no compiled release could be read ({lines} line(s), {skipped} skipped, the others blank)",
            args.ocds.display()
        );
    }

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
            writeln!(stderr, "{group}: {count}")?;
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
    writeln!(
        stderr,
        "screened {} contracting processes ({} releases read, {skipped} line(s) skipped or left out, {notes} \
         data-quality finding(s)); {currency}; prepare found {} quality issue(s)",
        output.releases,
        screening.releases_read,
        screening.issues.len()
    )?;
    Ok(())
}
