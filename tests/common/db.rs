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

/// The name of a test database: unique per process, per call and per millisecond. Each
/// number is joined to a letter, so that none stands alone in the logs, where the
/// PHI-in-logs check would take a process id for a postal code it saw sent ("32220",
/// say, a Jacksonville ZIP from the synthetic data): the debug log names the database.
pub fn database_name(pid: u32, n: u32, ms: i64) -> String {
    format!("mpi_test_p{pid}n{n}t{ms}")
}

/// A new, empty PostgreSQL database. Fails loudly when no server is configured: the
/// PostgreSQL half of the suite must not pass by being skipped.
pub async fn postgres() -> TestDb {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("MPI_TEST_POSTGRES_URL").expect(
        "MPI_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
    );
    sqlx::any::install_default_drivers();
    let name = database_name(
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        mpi::store::now_ms(),
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
