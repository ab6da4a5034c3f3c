//! The group-commit writer: concurrent requests queue their entries and share one
//! transaction, so the audit log costs one commit per group rather than per request.
//! Queued entries wait in a buffer ([`Pending`]) that a registration group holding the
//! write turn may take first and append in its own transaction (see `pending.rs`).

use tokio::sync::{mpsc, oneshot};

use crate::store::{Backend, Store};

use super::append::append_in_turn;
use super::entry::Entry;
use super::error::AuditError;
use super::pending::{CommittedBy, MAX_TAKE, Pending, Waiter};

/// Most entries taken from the queue at once.
const MAX_GROUP: usize = MAX_TAKE;

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
    Record(Entry, Waiter),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

impl AuditLog {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(store: Store) -> AuditLog {
        AuditLog::sharing(store, Pending::default())
    }

    /// Starts the writer task with its waiting entries in `pending`, where the identity
    /// service's registration groups can take them into their own transactions.
    pub fn sharing(store: Store, pending: Pending) -> AuditLog {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, pending, jobs));
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

/// The writer task: moves what is queued into the buffer and waits for its write turn
/// (SQLite), still moving what arrives meanwhile (so a registration that holds the turn
/// finds every entry that waits); with the turn, appends what is left in one
/// transaction and answers each waiter. Entries a registration took were committed, or
/// given back, before it gave up the turn.
async fn run(store: Store, pending: Pending, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    let mut flushes = Vec::new();
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        queue(&pending, &mut group, &mut flushes);
        let turn = match store.backend {
            Backend::Sqlite => {
                let waiting = store.write_gate.lock();
                tokio::pin!(waiting);
                loop {
                    tokio::select! {
                        biased;
                        turn = &mut waiting => break Some(turn),
                        n = jobs.recv_many(&mut group, MAX_GROUP) => {
                            if n == 0 {
                                break Some(waiting.await);
                            }
                            queue(&pending, &mut group, &mut flushes);
                        }
                    }
                }
            }
            Backend::Postgres => None,
        };
        loop {
            let taken = pending.take();
            if taken.is_empty() {
                break;
            }
            let results = write(&store, taken.entries()).await;
            pending.answer(taken, results, CommittedBy::Writer);
        }
        drop(turn);
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Moves the entries of `jobs` into `pending` and its flushes into `flushes`.
fn queue(pending: &Pending, jobs: &mut Vec<Job>, flushes: &mut Vec<oneshot::Sender<()>>) {
    let mut records = Vec::with_capacity(jobs.len());
    for job in jobs.drain(..) {
        match job {
            Job::Record(entry, done) => records.push((entry, done)),
            Job::Flush(done) => flushes.push(done),
        }
    }
    pending.push(records);
}

/// Appends `entries` together; if that fails, each alone, so that one entry the
/// database refuses fails only itself. Answers one result per entry. The caller holds
/// the write turn.
async fn write(store: &Store, entries: &[Entry]) -> Vec<Result<i64, AuditError>> {
    match append_in_turn(store, entries).await {
        Ok(seqs) => seqs.into_iter().map(Ok).collect(),
        Err(error) if entries.len() == 1 => vec![Err(error)],
        Err(error) => {
            tracing::warn!(%error, entries = entries.len(), "audit group append failed; appending one by one");
            let mut out = Vec::with_capacity(entries.len());
            for entry in entries {
                out.push(
                    append_in_turn(store, std::slice::from_ref(entry))
                        .await
                        .map(|seqs| seqs[0]),
                );
            }
            out
        }
    }
}
