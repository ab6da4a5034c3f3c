//! SQLite checkpoints off the write path. In WAL mode a commit appends pages to the log;
//! a checkpoint copies them back into the database file and syncs it. SQLite runs one in
//! the committing connection whenever the log passes `wal_autocheckpoint` pages (1,000
//! by default), inside the commit that crosses it: under the registration lock, every
//! few dozen single registrations. The service checkpoints from a task of its own
//! instead (`api::spawn_checkpointer`, once a second, PASSIVE: alongside writers and
//! readers, never waiting for them), and the automatic checkpoint stays as a safety net
//! at [`AUTOCHECKPOINT_PAGES`] for commands that run without that task.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Backend, Store, StoreError};

/// Log pages at which a commit checkpoints by itself (4 KiB pages: 40 MiB of log).
pub const AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// Checkpoints run by this process and the pages they copied back.
#[derive(Debug, Default)]
pub struct Checkpoints {
    runs: AtomicU64,
    pages: AtomicU64,
}

impl Checkpoints {
    /// (checkpoints run, pages copied back) so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.runs.load(Ordering::Relaxed),
            self.pages.load(Ordering::Relaxed),
        )
    }
}

/// What one checkpoint found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpointed {
    /// Pages in the log.
    pub log_pages: i64,
    /// Of those, pages now in the database file (fewer when a reader still needs them).
    pub checkpointed: i64,
}

impl Store {
    /// Copies what the log holds back into the database file as far as readers allow,
    /// without waiting for any; `None` on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<Option<Checkpointed>, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let (_busy, log_pages, checkpointed): (i32, i32, i32) =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&self.pool)
                .await?;
        let done = Checkpointed {
            log_pages: i64::from(log_pages),
            checkpointed: i64::from(checkpointed),
        };
        self.checkpoints.runs.fetch_add(1, Ordering::Relaxed);
        let copied = u64::try_from(done.checkpointed).unwrap_or(0);
        self.checkpoints.pages.fetch_add(copied, Ordering::Relaxed);
        Ok(Some(done))
    }
}
