//! The group-commit writer: concurrent requests queue their entries and share one
//! transaction, so the audit log costs one commit per group rather than per request.

use tokio::sync::{mpsc, oneshot};

use crate::store::Store;

use super::append::append;
use super::entry::Entry;
use super::error::AuditError;

/// Most entries appended in one transaction.
const MAX_GROUP: usize = 512;

/// Entries that may wait for the writer before `record` waits to queue.
const QUEUE: usize = 8192;

/// A handle on the audit log's writer task; clones share the task. The task ends when
/// the last handle is dropped, after writing what was queued.
#[derive(Debug, Clone)]
pub struct AuditLog {
    queue: mpsc::Sender<Job>,
}

/// What the writer task is asked to do.
#[derive(Debug)]
enum Job {
    Record(Entry, oneshot::Sender<Result<i64, AuditError>>),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

impl AuditLog {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(store: Store) -> AuditLog {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, jobs));
        AuditLog { queue }
    }

    /// Appends `entry`; answers its seq once it is committed. An entry is never dropped
    /// silently: if its transaction fails, the error is answered (and nothing of it was
    /// written), and the caller decides what the request does.
    pub async fn record(&self, entry: Entry) -> Result<i64, AuditError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Job::Record(entry, done))
            .await
            .map_err(|_| AuditError::Stopped)?;
        answer.await.map_err(|_| AuditError::Stopped)?
    }

    /// Waits until every entry queued before this call has been written (or has failed).
    pub async fn flush(&self) -> Result<(), AuditError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Job::Flush(done))
            .await
            .map_err(|_| AuditError::Stopped)?;
        answer.await.map_err(|_| AuditError::Stopped)
    }
}

/// The writer task: takes everything queued (up to [`MAX_GROUP`]) and appends it in one
/// transaction, then answers each waiter.
async fn run(store: Store, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let mut entries = Vec::with_capacity(group.len());
        let mut waiters = Vec::with_capacity(group.len());
        let mut flushes = Vec::new();
        for job in group.drain(..) {
            match job {
                Job::Record(entry, done) => {
                    entries.push(entry);
                    waiters.push(done);
                }
                Job::Flush(done) => flushes.push(done),
            }
        }
        for (done, result) in waiters.into_iter().zip(write(&store, &entries).await) {
            // a waiter that went away (its request was cancelled) still had its entry written
            let _ = done.send(result);
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Appends `entries` together; if that fails, each alone, so that one entry the
/// database refuses fails only itself. Answers one result per entry.
async fn write(store: &Store, entries: &[Entry]) -> Vec<Result<i64, AuditError>> {
    match append(store, entries).await {
        Ok(seqs) => seqs.into_iter().map(Ok).collect(),
        Err(error) if entries.len() == 1 => vec![Err(error)],
        Err(error) => {
            tracing::warn!(%error, entries = entries.len(), "audit group append failed; appending one by one");
            let mut out = Vec::with_capacity(entries.len());
            for entry in entries {
                out.push(
                    append(store, std::slice::from_ref(entry))
                        .await
                        .map(|seqs| seqs[0]),
                );
            }
            out
        }
    }
}
