//! Outbound identity events: webhook subscriptions receive the identity events they ask
//! for, signed, in order per person, at least once, retried with backoff, dead-lettered
//! after the last attempt and replayable. A background worker (`worker.rs`) follows the
//! event sequence in the database, so delivery never runs inside a registration and
//! survives restarts.

pub mod a40;
pub mod backoff;
pub mod deliver;
pub mod sign;
pub mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::store::events::Event;
pub use backoff::Backoff;

/// Every identity event kind a subscription may ask for (`*` asks for all).
pub const EVENT_TYPES: &[&str] = &[
    "person.created",
    "record.linked",
    "record.updated",
    "record.deactivated",
    "record.unlinked",
    "review.opened",
    "review.resolved",
    "persons.merged",
    "person.split",
    "non_match.asserted",
    "non_match.revoked",
];

/// How deliveries are made and retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOptions {
    pub backoff: Backoff,
    /// The longest one request may take; a slower receiver counts as a failure.
    pub timeout: Duration,
    /// How often the worker looks for new events and due retries.
    pub poll_interval: Duration,
}

impl Default for WebhookOptions {
    fn default() -> WebhookOptions {
        WebhookOptions {
            backoff: Backoff::default(),
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// Delivery counts since the process started, for `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    pub delivered: AtomicU64,
    pub failed: AtomicU64,
    pub dead: AtomicU64,
}

impl Counters {
    /// `(delivered, failed attempts, dead-lettered)`.
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.delivered.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
            self.dead.load(Ordering::Relaxed),
        )
    }
}

/// Makes sure an active subscription sends ADT^A40 merges to `host:port` over MLLP
/// (`mpi serve --a40-destination`); returns its id.
pub async fn ensure_a40(
    store: &crate::store::Store,
    host_port: &str,
) -> Result<i64, crate::store::StoreError> {
    use crate::store::webhooks as sql;
    let url = format!("mllp://{host_port}");
    if let Some(existing) = sql::active(&store.pool)
        .await?
        .into_iter()
        .find(|s| s.url == url)
    {
        return Ok(existing.id);
    }
    let types = ["persons.merged".to_string()];
    let secret = format!("whsec_{}", crate::auth::secret::random_text(32));
    let created = sql::create(
        store,
        &sql::NewSubscription {
            url: &url,
            event_types: &types,
            secret: &secret,
            description: "ADT^A40 on merges (--a40-destination)",
            created_by: "mpi serve",
        },
        crate::store::now_ms(),
    )
    .await?;
    Ok(created.id)
}

/// The persons an event names, its ordering keys: its `person_id` and, for merges and
/// splits, both sides.
pub fn persons_of(event: &Event) -> Vec<String> {
    let mut persons: Vec<String> = event.person_id.iter().cloned().collect();
    if let Ok(payload) = serde_json::from_str::<serde_json::Value>(&event.payload) {
        for key in ["survivor", "loser", "from", "to"] {
            if let Some(p) = payload.get(key).and_then(|v| v.as_str()) {
                persons.push(p.to_string());
            }
        }
    }
    persons.sort();
    persons.dedup();
    persons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_is_ordered_against_both_persons() {
        let event = Event {
            seq: 7,
            kind: "persons.merged".into(),
            person_id: Some("P2".into()),
            record_id: None,
            payload: r#"{"survivor":"P2","loser":"P1","merge":3,"records":[],"actor":"s"}"#.into(),
            created_at: 0,
        };
        assert_eq!(persons_of(&event), vec!["P1", "P2"]);
    }
}
