//! `ggzy export --ocds`: every published procedure as one OCDS compiled release per line (JSON
//! Lines), with the bids extension (docs/ocds.md). The facts come from `ggzy_app::ocds`, the
//! mapping from `ggzy_analytics::ocds_release`; this module only writes the file.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

use crate::config::Config;

/// The ocid prefix when none is configured: OCP's prefix for tests and examples. A publisher
/// registers its own prefix with the Open Contracting Partnership and passes it with `--ocid-prefix`.
pub const TEST_OCID_PREFIX: &str = "ocds-213czf";

/// Writes the compiled releases of every published procedure to `out` (`-` for standard output),
/// or, with `imported`, the releases imported from other publishers as they were read (to screen
/// them with `ggzy screen`); returns how many were written.
pub async fn export_with_config(
    config: &Config,
    ocid_prefix: &str,
    imported: bool,
    out: &Path,
) -> anyhow::Result<usize> {
    let app = crate::server::offline_app(config).await?;
    let releases = releases(&app, ocid_prefix, imported).await;
    app.store().close().await;
    let releases = releases?;
    let mut lines = String::new();
    for release in &releases {
        lines.push_str(release);
        lines.push('\n');
    }
    if out.as_os_str() == "-" {
        std::io::stdout().lock().write_all(lines.as_bytes())?;
    } else {
        std::fs::write(out, lines).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(releases.len())
}

async fn releases(app: &ggzy_app::App, ocid_prefix: &str, imported: bool) -> anyhow::Result<Vec<String>> {
    if imported {
        return Ok(app.store().ocds_imported_all().await?);
    }
    let procedures = app.ocds_procedures(ocid_prefix).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    procedures
        .iter()
        .map(|procedure| Ok(serde_json::to_string(&ggzy_analytics::ocds_release::compiled_release(procedure))?))
        .collect()
}
