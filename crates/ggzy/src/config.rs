//! Configuration: built-in defaults < `ggzy.toml` < environment `GGZY_*` (nesting with `__`) <
//! command-line flags. Validated once into what the server needs; a bad value names its key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The server's configuration. Every field can be set in `ggzy.toml`, as `GGZY_<FIELD>` in the
/// environment, and the most common ones as flags.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory for the embedded database and other local state.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://...`; default: `sqlite://<data_dir>/platform.db`.
    pub database_url: Option<String>,
    /// A GB/T 2260 table (CSV `code,name,level`) replacing the built-in one.
    pub regions_file: Option<PathBuf>,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter (`tracing` env-filter syntax), e.g. `info,ggzy_store=debug`.
    pub log_filter: String,
    /// Mark session cookies `Secure`; turn off only for plain HTTP on a developer machine.
    pub cookie_secure: bool,
    /// Session lifetime in minutes.
    pub session_ttl_minutes: i64,
    /// Failed logins of a username before it is locked for `login_window_minutes`.
    pub login_max_failures: i64,
    /// Window of the login throttle, in minutes.
    pub login_window_minutes: i64,
    /// Requests per second per client IP on public endpoints.
    pub public_rate_per_second: u64,
    /// Burst above the steady public rate.
    pub public_rate_burst: u32,
    /// Largest JSON request body in bytes.
    pub max_json_bytes: usize,
    /// Database connections for reads (the event appender holds one more).
    pub db_max_connections: u32,
    /// The platform's SM2 signing key (PKCS#8 PEM) for tree heads; default `<data_dir>/platform-key.pem`,
    /// created on first start.
    pub platform_key_file: Option<PathBuf>,
    /// Seconds between signed tree heads (a head is signed only when the log grew).
    pub tree_head_interval_seconds: u64,
    /// Seconds after which a retry may take over an `Idempotency-Key` whose first request never
    /// finished (its server died).
    pub idempotency_lease_seconds: i64,
    /// Largest sealed bid file accepted, in MiB.
    pub max_bid_mib: u64,
    /// Where sealed bid files are kept, content-addressed by SM3 (default `<data_dir>/blobs`; on
    /// several nodes, a directory they share).
    pub blob_dir: Option<PathBuf>,
    /// PEM files of the CAs whose certificates bidders and officials may use (several at once:
    /// mutual recognition, 互认). Every `*.pem` in `<data_dir>/trusted-ca/` is trusted as well.
    pub trusted_ca_files: Vec<PathBuf>,
    /// Revocation lists (PEM or DER), each signed by one of the trusted CAs.
    pub crl_files: Vec<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            regions_file: None,
            log_format: LogFormat::Pretty,
            log_filter: "info".to_owned(),
            cookie_secure: true,
            session_ttl_minutes: 8 * 60,
            login_max_failures: 5,
            login_window_minutes: 15,
            public_rate_per_second: 20,
            public_rate_burst: 60,
            max_json_bytes: 1 << 20,
            db_max_connections: 8,
            platform_key_file: None,
            tree_head_interval_seconds: 60,
            idempotency_lease_seconds: 60,
            max_bid_mib: 200,
            blob_dir: None,
            trusted_ca_files: Vec::new(),
            crl_files: Vec::new(),
        }
    }
}

/// Values given as command-line flags (only those present override).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// `--data-dir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--log-format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

impl Config {
    /// Loads the layers. A missing `ggzy.toml` at the default path is fine; a missing file the
    /// user named explicitly is an error.
    pub fn load(file: Option<&Path>, flags: &FlagOverrides) -> anyhow::Result<Config> {
        let (path, explicit) = match file {
            Some(path) => (path.to_owned(), true),
            None => (PathBuf::from("ggzy.toml"), false),
        };
        if explicit && !path.exists() {
            anyhow::bail!("config file {} does not exist", path.display());
        }
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&path))
            .merge(Env::prefixed("GGZY_").split("__"))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.session_ttl_minutes > 0, "session_ttl_minutes must be positive");
        anyhow::ensure!(self.login_max_failures > 0, "login_max_failures must be positive");
        anyhow::ensure!(self.login_window_minutes > 0, "login_window_minutes must be positive");
        anyhow::ensure!(self.public_rate_per_second > 0, "public_rate_per_second must be positive");
        anyhow::ensure!(self.db_max_connections > 0, "db_max_connections must be positive");
        anyhow::ensure!(self.tree_head_interval_seconds > 0, "tree_head_interval_seconds must be positive");
        anyhow::ensure!(self.idempotency_lease_seconds > 0, "idempotency_lease_seconds must be positive");
        anyhow::ensure!((1..=4096).contains(&self.max_bid_mib), "max_bid_mib must be between 1 and 4096");
        if let Some(url) = &self.database_url {
            ggzy_store::Backend::from_url(url).context("database_url")?;
        }
        Ok(())
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("platform.db").display()),
        }
    }

    /// The blob directory in force.
    pub fn blob_dir(&self) -> PathBuf {
        self.blob_dir.clone().unwrap_or_else(|| self.data_dir.join("blobs"))
    }

    /// The directory whose `*.pem` files are trusted CAs (the demo puts its CA here).
    pub fn trusted_ca_dir(&self) -> PathBuf {
        self.data_dir.join("trusted-ca")
    }

    /// The sealed-bid size limit in bytes.
    pub fn max_bid_bytes(&self) -> u64 {
        self.max_bid_mib << 20
    }

    /// The platform key file in force.
    pub fn platform_key_file(&self) -> PathBuf {
        self.platform_key_file.clone().unwrap_or_else(|| self.data_dir.join("platform-key.pem"))
    }

    /// The settings of the app layer.
    pub fn app_config(&self) -> ggzy_app::AppConfig {
        ggzy_app::AppConfig {
            session_ttl_ms: self.session_ttl_minutes * 60_000,
            login_max_failures: self.login_max_failures,
            login_window_ms: self.login_window_minutes * 60_000,
            idempotency_lease_ms: self.idempotency_lease_seconds * 1000,
        }
    }

    /// The settings of the web layer.
    pub fn web_config(&self) -> ggzy_web::WebConfig {
        ggzy_web::WebConfig {
            cookie_secure: self.cookie_secure,
            public_rate_per_second: self.public_rate_per_second,
            public_rate_burst: self.public_rate_burst,
            max_json_bytes: self.max_json_bytes,
            max_bid_bytes: usize::try_from(self.max_bid_bytes()).unwrap_or(usize::MAX),
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err, reason = "figment::Jail's closures return figment::Error by design")]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order_file_env_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "ggzy.toml",
                "listen = \"127.0.0.1:9000\"\nlog_filter = \"debug\"\nsession_ttl_minutes = 30\n",
            )?;
            jail.set_env("GGZY_LOG_FILTER", "warn");
            jail.set_env("GGZY_DATA_DIR", "/srv/ggzy");
            let flags = FlagOverrides { data_dir: Some(PathBuf::from("/flag")), ..FlagOverrides::default() };
            let config = Config::load(None, &flags).map_err(|e| e.to_string())?;
            assert_eq!(config.listen.port(), 9000, "file beats default");
            assert_eq!(config.log_filter, "warn", "env beats file");
            assert_eq!(config.data_dir, PathBuf::from("/flag"), "flag beats env");
            assert_eq!(config.session_ttl_minutes, 30);
            assert_eq!(config.database_url(), "sqlite:///flag/platform.db");
            Ok(())
        });
    }

    #[test]
    fn bad_values_name_their_key() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("ggzy.toml", "listen = \"not an address\"\n")?;
            let error = Config::load(None, &FlagOverrides::default()).expect_err("bad listen address");
            assert!(error.to_string().contains("listen"), "{error}");
            jail.create_file("ggzy.toml", "database_url = \"mysql://x\"\n")?;
            let error = Config::load(None, &FlagOverrides::default()).expect_err("unsupported database");
            assert!(format!("{error:#}").contains("database_url"), "{error:#}");
            Ok(())
        });
    }

    #[test]
    fn a_named_config_file_must_exist() {
        let error = Config::load(Some(Path::new("/nonexistent/ggzy.toml")), &FlagOverrides::default());
        assert!(error.is_err());
    }
}
