//! Opening a store: backend choice by URL scheme, connection settings, migrations, the appender.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::appender::{self, AppenderHandle};
use crate::error::{StoreError, StoreResult};
use crate::event::{AppendRequest, Appended};

/// Which database engine backs the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (the zero-configuration default).
    Sqlite,
    /// PostgreSQL server (production).
    Postgres,
}

impl Backend {
    /// The backend a URL names; anything else is refused rather than guessed.
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// Tuning of a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections in the read pool (the appender holds one more of its own).
    pub max_connections: u32,
    /// Most append requests one group commit takes.
    pub max_batch: usize,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions { max_connections: 8, max_batch: 512 }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    appender: AppenderHandle,
}

impl Store {
    /// Connects (creating a SQLite file if needed) and starts the appender. Does not migrate.
    pub async fn connect(url: &str, options: StoreOptions) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            // Create the file on first use; every other parameter is the caller's.
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let connect_options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections + 1)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Durability: a commit returns only after the WAL is synced (synchronous=FULL).
                        // Set explicitly: bundled SQLite may default WAL mode to NORMAL.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect_options)
            .await?;
        let writer = pool.acquire().await?;
        let appender = appender::spawn(writer, backend, options.max_batch);
        Ok(Store { pool, backend, appender })
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator.run(&self.pool).await.map_err(StoreError::Migrate)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The read pool.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Appends one request atomically; returns once its batch is durable.
    pub async fn append(&self, request: AppendRequest) -> StoreResult<Appended> {
        self.appender.append(request).await
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A SQLite pragma's value as text (None on PostgreSQL), to check durability settings.
    pub async fn sqlite_pragma(&self, name: &'static str) -> StoreResult<Option<String>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let query = match name {
            "journal_mode" => "PRAGMA journal_mode",
            "synchronous" => "SELECT CAST(synchronous AS TEXT) FROM pragma_synchronous",
            _ => return Err(StoreError::Invalid("unknown pragma")),
        };
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(query).fetch_one(&mut *conn).await?;
        Ok(Some(sqlx::Row::try_get(&row, 0)?))
    }

    /// Closes the pool; pending appends finish first.
    pub async fn close(&self) {
        self.appender.stop().await;
        self.pool.close().await;
    }
}

/// The URL with any password replaced, for error messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_scheme_and_unknown_schemes_are_refused() {
        assert_eq!(Backend::from_url("sqlite:///tmp/a.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(Backend::from_url("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        assert!(Backend::from_url("mysql://u:secret@h/db").is_err_and(|e| !e.to_string().contains("secret")));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://ggzy:s3cret@db:5432/ggzy"), "postgres://ggzy:***@db:5432/ggzy");
        assert_eq!(redact_url("postgres://ggzy@db/ggzy"), "postgres://ggzy@db/ggzy");
        assert_eq!(redact_url("sqlite:///data/platform.db"), "sqlite:///data/platform.db");
    }
}
