//! SQLite's journal for an initial load. In WAL mode every page a transaction writes goes
//! to the log first and is copied into the database file again by a checkpoint: a load
//! of a million records wrote 4.3 GB of log and then the same 4.3 GB into the file. With
//! a rollback journal, pages that did not exist when the transaction began (all of a
//! load's, in an empty database) are written once, straight into the file, and the
//! journal holds only the few pages that did; the load stays all or nothing (a killed
//! load is rolled back from the journal by the next connection).
//!
//! SQLite leaves WAL mode only for a connection that is the database's only one, so a
//! load switches when it can (`mpi load` opens one connection: `Store::connect_single`)
//! and keeps WAL otherwise (a load in a serving process). The journal goes back to WAL
//! after the load; a connection that finds it otherwise sets WAL again as it opens.

use sqlx::AnyConnection;

use super::{Backend, StoreError};

/// How long a statement waits for a lock held by another connection.
pub(super) const BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 30000";

/// The journal a load writes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Journal {
    /// SQLite's rollback journal: pages written once.
    Rollback,
    /// SQLite's write-ahead log: another connection has the database open.
    Wal,
    /// PostgreSQL's own.
    Postgres,
}

/// Switches `conn` to the rollback journal for a load when it is the database's only
/// connection; otherwise leaves the journal as it is. Outside any transaction.
pub async fn for_load(conn: &mut AnyConnection, backend: Backend) -> Result<Journal, StoreError> {
    if backend == Backend::Postgres {
        return Ok(Journal::Postgres);
    }
    // another connection makes the switch fail at once ("database is locked"), rather
    // than after the busy timeout
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *conn)
        .await?;
    let switched = sqlx::query_scalar::<_, String>("PRAGMA journal_mode = TRUNCATE")
        .fetch_one(&mut *conn)
        .await;
    sqlx::query(BUSY_TIMEOUT).execute(&mut *conn).await?;
    match switched {
        Ok(mode) if mode.eq_ignore_ascii_case("truncate") => Ok(Journal::Rollback),
        Ok(_) => Ok(Journal::Wal),
        Err(sqlx::Error::Database(e)) if is_busy(e.as_ref()) => Ok(Journal::Wal),
        Err(e) => Err(e.into()),
    }
}

/// Back to WAL after a load that switched (`for_load`). Outside any transaction.
pub async fn after_load(conn: &mut AnyConnection, journal: Journal) -> Result<(), StoreError> {
    if journal == Journal::Rollback {
        sqlx::query_scalar::<_, String>("PRAGMA journal_mode = WAL")
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(())
}

/// SQLite's "database is locked" (`SQLITE_BUSY`, 5) or "database table is locked" (6).
fn is_busy(e: &dyn sqlx::error::DatabaseError) -> bool {
    matches!(e.code().as_deref(), Some("5") | Some("6"))
}
