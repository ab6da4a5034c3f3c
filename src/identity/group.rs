//! Group commit of single registrations: concurrent requests queue their record, and
//! whoever takes the registration lock next registers everything queued in one
//! transaction (in arrival order, each record seeing those before it) and answers every
//! waiter after the commit. Alone, a request is a group of one; under load, one commit
//! (one fsync) serves many requests.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::oneshot;

use super::outcome::Registered;
use super::register::Prepared;
use super::{Service, ServiceError};

/// A registration waiting for the lock.
pub(super) struct Queued {
    prepared: Prepared,
    provenance: String,
    reply: oneshot::Sender<Result<Registered, ServiceError>>,
}

/// Registrations waiting for the lock, oldest first, and the sizes of the groups taken.
#[derive(Default)]
pub(super) struct Queue {
    waiting: Mutex<Vec<Queued>>,
    sizes: GroupSizes,
}

/// Most registrations in one group.
const GROUP: usize = 256;

/// Upper bounds of the group size buckets (Prometheus `le`), up to [`GROUP`].
pub const GROUP_BUCKETS: [u64; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/// How many registrations each group committed together: a histogram for `/metrics` and
/// the load bench. Many groups of one under load mean a commit paid per record.
#[derive(Default)]
struct GroupSizes {
    /// Groups of at most each bound (cumulative, as Prometheus buckets).
    buckets: [AtomicU64; GROUP_BUCKETS.len()],
    groups: AtomicU64,
    registrations: AtomicU64,
}

/// A reading of [`GroupSizes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCounts {
    /// Groups of at most each of [`GROUP_BUCKETS`].
    pub buckets: [u64; GROUP_BUCKETS.len()],
    pub groups: u64,
    pub registrations: u64,
}

impl GroupSizes {
    fn observe(&self, size: usize) {
        let size = size as u64;
        for (bound, bucket) in GROUP_BUCKETS.iter().zip(&self.buckets) {
            if size <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.groups.fetch_add(1, Ordering::Relaxed);
        self.registrations.fetch_add(size, Ordering::Relaxed);
    }

    fn read(&self) -> GroupCounts {
        GroupCounts {
            buckets: std::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed)),
            groups: self.groups.load(Ordering::Relaxed),
            registrations: self.registrations.load(Ordering::Relaxed),
        }
    }
}

impl Service {
    /// Registers a validated record (with its precondition, if any), committed together
    /// with the registrations that arrive at the same time.
    pub async fn register_prepared(
        &self,
        prepared: Prepared,
        provenance: &str,
    ) -> Result<Registered, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.queue.waiting.lock().expect("queue lock").push(Queued {
            prepared,
            provenance: provenance.to_string(),
            reply,
        });
        {
            let _serial = self.register.lock().await;
            loop {
                let group: Vec<Queued> = {
                    let mut queue = self.queue.waiting.lock().expect("queue lock");
                    let n = queue.len().min(GROUP);
                    queue.drain(..n).collect()
                };
                if group.is_empty() {
                    break;
                }
                self.run_group(group).await;
            }
        }
        answer
            .await
            .expect("a queued registration is always answered")
    }

    /// The sizes of the registration groups committed since start.
    pub fn registration_groups(&self) -> GroupCounts {
        self.queue.sizes.read()
    }

    /// Registers a group, one transaction per provenance. If a transaction fails, its
    /// records are registered one by one so that one failure fails only its own request.
    async fn run_group(&self, group: Vec<Queued>) {
        let mut by_provenance: Vec<(String, Vec<Queued>)> = Vec::new();
        for q in group {
            match by_provenance.iter_mut().find(|(p, _)| *p == q.provenance) {
                Some((_, items)) => items.push(q),
                None => by_provenance.push((q.provenance.clone(), vec![q])),
            }
        }
        for (provenance, items) in by_provenance {
            // a group is what one transaction commits: one per provenance
            self.queue.sizes.observe(items.len());
            if items.len() == 1 {
                let q = items.into_iter().next().expect("one");
                let answer = self.register_alone(q.prepared, &provenance).await;
                let _ = q.reply.send(answer);
                continue;
            }
            let (prepared, replies): (Vec<_>, Vec<_>) =
                items.into_iter().map(|q| (q.prepared, q.reply)).unzip();
            let keep = prepared.clone();
            match self
                .run_batch(prepared.into_iter().map(Ok).collect(), &provenance)
                .await
            {
                Ok(answers) => {
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        let _ = reply.send(answer);
                    }
                }
                Err(error) => {
                    tracing::warn!(records = replies.len(), %error, "group registration failed; registering one by one");
                    for (p, reply) in keep.into_iter().zip(replies) {
                        let _ = reply.send(self.register_alone(p, &provenance).await);
                    }
                }
            }
        }
    }
}
