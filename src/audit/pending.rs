//! Entries waiting to be written, shared between the audit writers and the identity
//! service. On SQLite every writer of the database takes turns (`Store::write_gate`),
//! and a registration group that holds the turn appends the entries waiting here in its
//! own transaction, just before it commits: one commit serves both, and the audit
//! writer, when its turn comes, finds less (often nothing) left to write. The answer an
//! entry gets is the same either way: its seq once it is committed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::store::{Backend, Tx};

use super::append::append_in;
use super::entry::Entry;
use super::error::AuditError;

/// Answers the caller of `AuditLog::record` once its entry is committed (or has failed).
pub(super) type Waiter = oneshot::Sender<Result<i64, AuditError>>;

/// Most entries one transaction takes from the buffer.
pub(super) const MAX_TAKE: usize = 512;

/// Entries waiting for a transaction, oldest first. Clones share the buffer.
#[derive(Debug, Clone, Default)]
pub struct Pending(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    waiting: Mutex<Vec<(Entry, Waiter)>>,
    /// Entries committed by registration transactions, and by the audit writer.
    by_registrations: AtomicU64,
    by_writer: AtomicU64,
}

/// Who committed an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CommittedBy {
    Registrations,
    Writer,
}

/// Entries taken from the buffer by one transaction, with their waiters.
#[derive(Debug, Default)]
pub(crate) struct Taken {
    entries: Vec<Entry>,
    waiters: Vec<Waiter>,
}

impl Pending {
    pub(super) fn push(&self, waiting: impl IntoIterator<Item = (Entry, Waiter)>) {
        self.0.waiting.lock().expect("audit buffer").extend(waiting);
    }

    /// Takes the oldest waiting entries (up to [`MAX_TAKE`]).
    pub(crate) fn take(&self) -> Taken {
        let mut buffer = self.0.waiting.lock().expect("audit buffer");
        let n = buffer.len().min(MAX_TAKE);
        let (entries, waiters) = buffer.drain(..n).unzip();
        Taken { entries, waiters }
    }

    /// Entries committed so far by registration transactions, and by the audit writer.
    pub fn committed(&self) -> (u64, u64) {
        (
            self.0.by_registrations.load(Ordering::Relaxed),
            self.0.by_writer.load(Ordering::Relaxed),
        )
    }

    /// Answers each waiter of `taken` with its result, counting the entries committed.
    pub(super) fn answer(
        &self,
        taken: Taken,
        results: Vec<Result<i64, AuditError>>,
        by: CommittedBy,
    ) {
        let ok = results.iter().filter(|r| r.is_ok()).count() as u64;
        let counter = match by {
            CommittedBy::Registrations => &self.0.by_registrations,
            CommittedBy::Writer => &self.0.by_writer,
        };
        counter.fetch_add(ok, Ordering::Relaxed);
        for (done, result) in taken.waiters.into_iter().zip(results) {
            // a waiter that went away (its request was cancelled) still had its entry written
            let _ = done.send(result);
        }
    }

    /// Answers each waiter of `taken` with the seq its entry got in the registration
    /// transaction that committed it, which also committed `own` entries of its own
    /// registrations (counted with them).
    pub(crate) fn committed_with_registrations(&self, taken: Taken, seqs: Vec<i64>, own: usize) {
        self.0
            .by_registrations
            .fetch_add(own as u64, Ordering::Relaxed);
        self.answer(
            taken,
            seqs.into_iter().map(Ok).collect(),
            CommittedBy::Registrations,
        );
    }

    /// Puts entries whose transaction did not commit back in front of the others, for
    /// the audit writer to write.
    pub(crate) fn give_back(&self, taken: Taken) {
        let mut buffer = self.0.waiting.lock().expect("audit buffer");
        let back: Vec<(Entry, Waiter)> = taken.entries.into_iter().zip(taken.waiters).collect();
        buffer.splice(0..0, back);
    }
}

impl Taken {
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(super) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Appends `first`, then the taken entries, in `tx` (which holds the database's
    /// write lock; on PostgreSQL the chain's head row is locked here) inside a
    /// savepoint, and answers the seqs of all of them in that order. If that fails,
    /// nothing of them is left in `tx`, and the caller gives the taken ones back.
    pub(crate) async fn append_in(
        &self,
        tx: &mut Tx<'_>,
        backend: Backend,
        first: &[Entry],
    ) -> Result<Vec<i64>, AuditError> {
        let mut savepoint = sqlx::Acquire::begin(&mut **tx)
            .await
            .map_err(crate::store::StoreError::from)?;
        let entries: Vec<Entry> = first.iter().chain(&self.entries).cloned().collect();
        let seqs = append_in(&mut savepoint, backend, &entries).await?;
        savepoint
            .commit()
            .await
            .map_err(crate::store::StoreError::from)?;
        Ok(seqs)
    }
}
