//! What the benchmark binaries share: reading their `--key value` arguments, printing counts, the
//! facts of the machine and commit a report names, and the real server in the benchmark's process.

pub mod cpu;
pub mod machine;
pub mod server;

/// A whole number with thousands separators, as the reports print counts: `1,000,000`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The `--key value` and `--key=value` pairs of the command line, in order. `--help` or `-h`
/// prints `usage` and exits; a key without a value is an error that shows `usage`.
pub fn flags(usage: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((key, value)) => (key.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        if key == "--help" || key == "-h" {
            #[allow(clippy::print_stdout, reason = "the usage text is the answer to --help")]
            {
                println!("{usage}");
            }
            std::process::exit(0);
        }
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or_else(|| anyhow::anyhow!("{key} needs a value\n{usage}"))?,
        };
        pairs.push((key, value));
    }
    Ok(pairs)
}
