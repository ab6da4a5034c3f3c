//! Fresh databases for tests: a SQLite file in a temporary folder, or a new database
//! on the PostgreSQL server named by `MPI_TEST_POSTGRES_URL` (`scripts/test` starts one).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

/// A database for one test; the SQLite folder lives as long as this value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    TestDb {
        url: mpi::store::Store::sqlite_url(dir.path()),
        _dir: Some(dir),
    }
}

/// A new, empty PostgreSQL database. Fails loudly when no server is configured: the
/// PostgreSQL half of the suite must not pass by being skipped.
pub async fn postgres() -> TestDb {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("MPI_TEST_POSTGRES_URL").expect(
        "MPI_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
    );
    sqlx::any::install_default_drivers();
    let name = format!(
        "mpi_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        mpi::store::now_ms()
    );
    let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    TestDb {
        url: format!("{base}/{name}"),
        _dir: None,
    }
}
