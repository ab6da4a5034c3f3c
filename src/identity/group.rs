//! Group commit of single registrations: concurrent requests queue their record, and
//! whoever takes the registration lock next registers everything queued in one
//! transaction (in arrival order, each record seeing those before it) and answers every
//! waiter after the commit. Alone, a request is a group of one; under load, one commit
//! (one fsync) serves many requests.

use std::sync::Mutex;

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

/// Registrations waiting for the lock, oldest first.
#[derive(Default)]
pub(super) struct Queue(Mutex<Vec<Queued>>);

/// Most registrations in one group.
const GROUP: usize = 256;

impl Service {
    /// Registers a validated record (with its precondition, if any), committed together
    /// with the registrations that arrive at the same time.
    pub async fn register_prepared(
        &self,
        prepared: Prepared,
        provenance: &str,
    ) -> Result<Registered, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.queue.0.lock().expect("queue lock").push(Queued {
            prepared,
            provenance: provenance.to_string(),
            reply,
        });
        {
            let _serial = self.register.lock().await;
            loop {
                let group: Vec<Queued> = {
                    let mut queue = self.queue.0.lock().expect("queue lock");
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
