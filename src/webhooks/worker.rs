//! The delivery worker: a background task beside the HTTP server. Each round it
//! (1) fans new identity events out to the active subscriptions that want them — one
//! `pending` delivery per event, written with the subscription's cursor in one
//! transaction — and (2) starts every delivery that is due and free to go, each on its
//! own task.
//!
//! Ordering: per subscription, a delivery is free to go only when no earlier pending
//! delivery of that subscription names one of its persons (retrying or in flight), so a
//! person's events arrive in sequence order while other persons' events proceed. A
//! dead-lettered delivery no longer holds its persons back; replaying it sends it again,
//! after later events of its person that were delivered meanwhile.
//!
//! At least once: a delivery leaves `pending` only after the receiver answered 2xx (or
//! it ran out of attempts); a process that dies mid-delivery sends it again after restart.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use super::deliver::{self, Answer};
use super::{Counters, WebhookOptions, persons_of};
use crate::identity::Service;
use crate::store::webhooks::{self as sql, Attempt, Delivery, NewDelivery, Subscription};
use crate::store::{Backend, Store, StoreError, now_ms};

/// Events read per fan-out step.
const FAN_OUT_PAGE: i64 = 500;
/// Pending deliveries looked at per subscription and round (the oldest).
const PENDING_WINDOW: i64 = 500;
/// Deliveries in flight at once, over all subscriptions.
const MAX_IN_FLIGHT: usize = 64;

struct Worker {
    service: Arc<Service>,
    store: Store,
    options: WebhookOptions,
    client: reqwest::Client,
    in_flight: Mutex<HashSet<i64>>,
    wake: tokio::sync::Notify,
    counters: Arc<Counters>,
}

/// Starts the worker on the current tokio runtime; returns its counters.
pub fn spawn(service: Arc<Service>, options: WebhookOptions) -> Arc<Counters> {
    let counters = Arc::new(Counters::default());
    let worker = Arc::new(Worker {
        client: deliver::client(options.timeout),
        store: service.store.clone(),
        service,
        options,
        in_flight: Mutex::new(HashSet::new()),
        wake: tokio::sync::Notify::new(),
        counters: counters.clone(),
    });
    tokio::spawn(async move {
        loop {
            if let Err(error) = worker.round().await {
                tracing::error!(%error, "webhook round failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(worker.options.poll_interval) => {}
                _ = worker.wake.notified() => {}
            }
        }
    });
    counters
}

impl Worker {
    async fn round(self: &Arc<Self>) -> Result<(), StoreError> {
        let subscriptions = sql::active(&self.store.pool).await?;
        for subscription in &subscriptions {
            self.fan_out(subscription).await?;
        }
        let now = now_ms();
        for subscription in subscriptions {
            // taken before the read: a delivery that finishes in between has written its
            // new state before leaving the set, so it is either seen as still in flight or
            // read as no longer due, never sent twice
            let earlier = self.in_flight.lock().expect("not poisoned").clone();
            let pending = sql::pending(&self.store.pool, subscription.id, PENDING_WINDOW).await?;
            let due = self.free_and_due(&pending, now, &earlier);
            let subscription = Arc::new(subscription);
            for delivery in due {
                let worker = self.clone();
                let subscription = subscription.clone();
                tokio::spawn(async move {
                    let id = delivery.id;
                    worker.attempt(&subscription, delivery).await;
                    worker.in_flight.lock().expect("not poisoned").remove(&id);
                    worker.wake.notify_one();
                });
            }
        }
        Ok(())
    }

    /// Writes deliveries for the events after the subscription's cursor.
    async fn fan_out(&self, subscription: &Subscription) -> Result<(), StoreError> {
        let mut cursor = subscription.cursor_seq;
        loop {
            let events = sql::events_after(&self.store, cursor, FAN_OUT_PAGE).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                return Ok(());
            };
            let deliveries: Vec<NewDelivery> = events
                .iter()
                .filter(|e| subscription.wants(&e.kind))
                .map(|e| NewDelivery {
                    event_seq: e.seq,
                    event_kind: e.kind.clone(),
                    persons: persons_of(e),
                })
                .collect();
            let _turn = self.gate().await;
            sql::fan_out(
                &self.store,
                subscription.id,
                cursor,
                last,
                &deliveries,
                now_ms(),
            )
            .await?;
            cursor = last;
            if (events.len() as i64) < FAN_OUT_PAGE {
                return Ok(());
            }
        }
    }

    fn free_and_due(
        &self,
        pending: &[Delivery],
        now: i64,
        earlier: &HashSet<i64>,
    ) -> Vec<Delivery> {
        let mut in_flight = self.in_flight.lock().expect("not poisoned");
        free_and_due(pending, now, earlier, &mut in_flight)
    }

    /// Sends one delivery and records what became of it.
    async fn attempt(&self, subscription: &Subscription, delivery: Delivery) {
        let event = match sql::event(&self.store.pool, delivery.event_seq).await {
            Ok(Some(event)) => event,
            Ok(None) => {
                self.record(
                    &delivery,
                    Attempt::Dead {
                        status: 0,
                        error: "event not found",
                    },
                )
                .await;
                return;
            }
            Err(error) => {
                tracing::error!(%error, delivery = delivery.id, "webhook event read failed");
                return;
            }
        };
        let started = std::time::Instant::now();
        let answer = match super::a40::destination(&subscription.url) {
            Some(address) => match super::a40::message(&self.service, &delivery, &event).await {
                Ok(message) => super::a40::send(address, &message, self.options.timeout).await,
                Err(error) => Answer::Failed(error),
            },
            None => {
                let body = deliver::body(subscription, &delivery, &event);
                deliver::send(&self.client, subscription, &delivery, body, now_ms() / 1000).await
            }
        };
        let failures = delivery.attempts as u32 + 1;
        let (status, error, retry_after) = match &answer {
            Answer::Accepted(status) => {
                tracing::info!(
                    subscription = subscription.id,
                    delivery = delivery.id,
                    seq = delivery.event_seq,
                    status,
                    ms = started.elapsed().as_millis() as u64,
                    "webhook delivered"
                );
                self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                let status = i64::from(*status);
                self.record(&delivery, Attempt::Delivered { status }).await;
                return;
            }
            Answer::Refused(status, retry_after) => {
                (i64::from(*status), format!("HTTP {status}"), *retry_after)
            }
            Answer::Failed(text) => (0, text.clone(), None),
        };
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        let backoff = self.options.backoff;
        if backoff.exhausted(failures) {
            tracing::warn!(
                subscription = subscription.id,
                delivery = delivery.id,
                seq = delivery.event_seq,
                status,
                attempts = failures,
                "webhook dead-lettered"
            );
            self.counters.dead.fetch_add(1, Ordering::Relaxed);
            self.record(
                &delivery,
                Attempt::Dead {
                    status,
                    error: &error,
                },
            )
            .await;
        } else {
            let wait = backoff.delay(failures, retry_after);
            tracing::info!(
                subscription = subscription.id,
                delivery = delivery.id,
                seq = delivery.event_seq,
                status,
                attempts = failures,
                retry_in_ms = wait.as_millis() as u64,
                "webhook attempt failed"
            );
            let at = now_ms() + wait.as_millis() as i64;
            self.record(
                &delivery,
                Attempt::Retry {
                    status,
                    error: &error,
                    at,
                },
            )
            .await;
        }
    }

    async fn record(&self, delivery: &Delivery, attempt: Attempt<'_>) {
        let _turn = self.gate().await;
        if let Err(error) =
            sql::record_attempt(&self.store.pool, delivery.id, attempt, now_ms()).await
        {
            // the delivery stays pending as it was: it is sent again (at least once)
            tracing::error!(%error, delivery = delivery.id, "webhook attempt not recorded");
        }
    }

    /// On SQLite, take turns with this process's other writers (`Store::write_gate`).
    async fn gate(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.store.backend {
            Backend::Sqlite => Some(self.store.write_gate.lock().await),
            Backend::Postgres => None,
        }
    }
}

/// The deliveries of one subscription (`pending`, in event order) that may start now,
/// added to `in_flight`: due, not in flight (now or when `pending` was read: `earlier`),
/// and no earlier pending delivery names one of their persons.
fn free_and_due(
    pending: &[Delivery],
    now: i64,
    earlier: &HashSet<i64>,
    in_flight: &mut HashSet<i64>,
) -> Vec<Delivery> {
    let mut held: HashSet<&str> = HashSet::new();
    let mut chosen = Vec::new();
    for d in pending {
        let free = d.persons.iter().all(|p| !held.contains(p.as_str()));
        held.extend(d.persons.iter().map(String::as_str));
        if free
            && d.next_attempt_at <= now
            && !in_flight.contains(&d.id)
            && !earlier.contains(&d.id)
            && in_flight.len() < MAX_IN_FLIGHT
        {
            in_flight.insert(d.id);
            chosen.push(d.clone());
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::webhooks::Status;

    fn pending(id: i64, persons: &[&str], due: i64) -> Delivery {
        Delivery {
            id,
            subscription_id: 1,
            event_seq: id,
            event_kind: "record.linked".into(),
            persons: persons.iter().map(|p| p.to_string()).collect(),
            status: Status::Pending,
            attempts: 0,
            next_attempt_at: due,
            last_status: 0,
            last_error: String::new(),
            created_at: 0,
            updated_at: 0,
            delivered_at: 0,
        }
    }

    #[test]
    fn a_person_waits_for_its_earlier_events_others_do_not() {
        // 1 (P1) is retrying later; 2 (P1) waits; 3 (P2) goes; 4 merges P2 and P3: waits
        // for 3; 5 (P3) waits for 4; 6 names nobody and goes
        let list = vec![
            pending(1, &["P1"], 100),
            pending(2, &["P1"], 0),
            pending(3, &["P2"], 0),
            pending(4, &["P2", "P3"], 0),
            pending(5, &["P3"], 0),
            pending(6, &[], 0),
        ];
        let mut in_flight = HashSet::new();
        let none = HashSet::new();
        let ids = |v: Vec<Delivery>| v.iter().map(|d| d.id).collect::<Vec<_>>();
        assert_eq!(
            ids(free_and_due(&list, 50, &none, &mut in_flight)),
            vec![3, 6]
        );
        // in flight: not started twice, and still holding P2 back
        assert_eq!(
            ids(free_and_due(&list, 50, &none, &mut in_flight)),
            Vec::<i64>::new()
        );
        // 3 and 6 delivered, 1 due
        let rest: Vec<Delivery> = list
            .into_iter()
            .filter(|d| d.id != 3 && d.id != 6)
            .collect();
        // a delivery that was in flight when the list was read is not started again
        let earlier: HashSet<i64> = [1].into();
        in_flight.clear();
        assert_eq!(
            ids(free_and_due(&rest, 100, &earlier, &mut in_flight)),
            vec![4]
        );
        in_flight.clear();
        assert_eq!(
            ids(free_and_due(&rest, 100, &none, &mut in_flight)),
            vec![1, 4]
        );
    }
}
