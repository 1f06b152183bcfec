//! Test databases: a temporary SQLite file, or a fresh PostgreSQL database created on the server
//! named by `TEST_DATABASE_URL` and dropped afterwards. Enabled by the `testkit` feature; only
//! tests use it.

use sqlx::{Connection, Executor};

use crate::connect::{Store, StoreOptions};

/// Environment variable naming a PostgreSQL server's admin database, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. Unset: tests run on SQLite only.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code, reason = "held so that the directory lives as long as the database")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory for a test database");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        TestDb { url, cleanup: Cleanup::Sqlite(dir) }
    }

    /// A fresh PostgreSQL database, if `TEST_DATABASE_URL` is set.
    pub async fn postgres() -> Option<TestDb> {
        #[allow(clippy::disallowed_methods, reason = "tests read their configuration from the environment")]
        let admin_url = std::env::var(TEST_DATABASE_URL).ok().filter(|url| !url.is_empty())?;
        let suffix: u32 = rand::random();
        let name = format!("ggzy_test_{}_{suffix:08x}", std::process::id());
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("create test database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(TestDb { url, cleanup: Cleanup::Postgres { admin_url, name } })
    }

    /// Every backend this run tests: SQLite always, PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        sqlx::any::install_default_drivers();
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// The database URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, StoreOptions::default()).await.expect("connect to test database");
        store.migrate().await.expect("migrate test database");
        store
    }

    /// Drops the database (PostgreSQL) or deletes the directory (SQLite), unless `TEST_DB_KEEP=1`.
    pub async fn drop_db(self) {
        #[allow(clippy::disallowed_methods, reason = "tests read their configuration from the environment")]
        if std::env::var("TEST_DB_KEEP").is_ok_and(|keep| keep == "1") {
            std::mem::forget(self);
            return;
        }
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let mut admin = sqlx::AnyConnection::connect(admin_url).await.expect("connect to TEST_DATABASE_URL");
            admin
                .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .await
                .expect("drop test database");
            admin.close().await.ok();
        }
    }
}

/// Runs `scenario` once per configured backend (see [`TestDb::all`]), each on a fresh, migrated
/// database that is dropped afterwards.
pub async fn on_every_backend<F, Fut>(scenario: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in TestDb::all().await {
        let store = db.store().await;
        scenario(store.clone()).await;
        store.close().await;
        db.drop_db().await;
    }
}

/// An entity row with fixed details in 西湖区, for tests that need entities to exist.
pub fn entity_row(code: &str, name: &str) -> crate::projection::EntityRow {
    crate::projection::EntityRow {
        credit_code: code.to_owned(),
        name: name.to_owned(),
        region_code: "330106".to_owned(),
        legal_rep_name: "张三".to_owned(),
        legal_rep_id_masked: "110105**********2X".to_owned(),
        legal_rep_person_key: None,
        contact_name: "李四".to_owned(),
        contact_phone: "0571-88888888".to_owned(),
        address: "杭州市西湖区".to_owned(),
        registered_at_ms: 1,
        updated_at_ms: 1,
        version: 1,
    }
}

/// A tender in `state` with only its required details, for tests of guards and reads.
pub fn tender_row(tender_id: &str, state: &str) -> crate::tender_projection::TenderRow {
    crate::tender_projection::TenderRow {
        tender_id: tender_id.to_owned(),
        region_code: "330106".to_owned(),
        title: "测试招标项目".to_owned(),
        principal_credit_code: "91330106MA27XYZ123".to_owned(),
        agency_credit_code: None,
        ruleset_version: "test".to_owned(),
        state: state.to_owned(),
        documents_issued_ms: None,
        bid_deadline_ms: None,
        opening_public_key: None,
        escrow_threshold: None,
        opening_record: None,
        estimate_fen: None,
        bid_security_fen: None,
        pq_deadline_ms: None,
        open_objections: 0,
        ceiling_price_fen: None,
        bid_validity_days: None,
        project_id: None,
        proposal_deadline_ms: None,
        created_at_ms: 1,
        updated_at_ms: 1,
        version: 1,
    }
}
