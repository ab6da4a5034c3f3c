//! Webhook subscriptions and their deliveries as stored (migration `0006_webhooks.sql`).
//! A subscription's secret is read only by the delivery worker, never listed.

use sqlx::{AnyPool, Row};

use super::{Store, StoreError, events};

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub url: String,
    /// Event kinds, or `["*"]` for all.
    pub event_types: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub description: String,
    pub created_by: String,
    pub created_at: i64,
    /// 0 while active.
    pub deactivated_at: i64,
    /// The last event seq taken into deliveries.
    pub cursor_seq: i64,
}

impl Subscription {
    /// Whether events of `kind` go to this subscription.
    pub fn wants(&self, kind: &str) -> bool {
        self.event_types.iter().any(|t| t == "*" || t == kind)
    }
}

/// A new subscription.
pub struct NewSubscription<'a> {
    pub url: &'a str,
    pub event_types: &'a [String],
    pub secret: &'a str,
    pub description: &'a str,
    pub created_by: &'a str,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Delivered,
    Dead,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Delivered => "delivered",
            Status::Dead => "dead",
        }
    }

    fn parse(text: &str) -> Status {
        match text {
            "delivered" => Status::Delivered,
            "dead" => Status::Dead,
            _ => Status::Pending,
        }
    }
}

/// A delivery of one event to one subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub event_seq: i64,
    pub event_kind: String,
    /// The persons the event names (its ordering keys).
    pub persons: Vec<String>,
    pub status: Status,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: i64,
    pub last_error: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub delivered_at: i64,
}

/// Deliveries by status for one subscription.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pending: i64,
    pub delivered: i64,
    pub dead: i64,
}

const SUB_COLUMNS: &str = "id, url, event_types, secret, active, description, created_by, \
     created_at, deactivated_at, cursor_seq";

fn subscription(row: &sqlx::any::AnyRow) -> Result<Subscription, StoreError> {
    let types: String = row.try_get("event_types")?;
    Ok(Subscription {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        event_types: serde_json::from_str(&types).unwrap_or_default(),
        secret: row.try_get("secret")?,
        active: row.try_get::<i64, _>("active")? != 0,
        description: row.try_get("description")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        deactivated_at: row.try_get("deactivated_at")?,
        cursor_seq: row.try_get("cursor_seq")?,
    })
}

const DELIVERY_COLUMNS: &str = "id, subscription_id, event_seq, event_kind, persons, status, \
     attempts, next_attempt_at, last_status, last_error, created_at, updated_at, delivered_at";

fn delivery(row: &sqlx::any::AnyRow) -> Result<Delivery, StoreError> {
    let persons: String = row.try_get("persons")?;
    let status: String = row.try_get("status")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        subscription_id: row.try_get("subscription_id")?,
        event_seq: row.try_get("event_seq")?,
        event_kind: row.try_get("event_kind")?,
        persons: persons.split_whitespace().map(str::to_string).collect(),
        status: Status::parse(&status),
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}

/// Stores a subscription whose cursor is the newest event: it receives what happens after
/// it. Returns it as stored.
pub async fn create(
    store: &Store,
    new: &NewSubscription<'_>,
    now: i64,
) -> Result<Subscription, StoreError> {
    let mut tx = store.begin_write().await?;
    let cursor = events::last_seq(&mut tx).await?;
    let types = serde_json::to_string(new.event_types).expect("strings serialize");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_subscriptions \
         (url, event_types, secret, description, created_by, created_at, cursor_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.url)
    .bind(&types)
    .bind(new.secret)
    .bind(new.description)
    .bind(new.created_by)
    .bind(now)
    .bind(cursor)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    by_id(&store.pool, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("subscription {id}")))
}

/// Every subscription, oldest first.
pub async fn list(pool: &AnyPool) -> Result<Vec<Subscription>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SUB_COLUMNS} FROM webhook_subscriptions ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(subscription).collect()
}

/// The active subscriptions.
pub async fn active(pool: &AnyPool) -> Result<Vec<Subscription>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE active = 1 ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(subscription).collect()
}

/// One subscription.
pub async fn by_id(pool: &AnyPool, id: i64) -> Result<Option<Subscription>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(subscription).transpose()
}

/// Deactivates a subscription; false when it was already inactive.
pub async fn deactivate(pool: &AnyPool, id: i64, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE webhook_subscriptions SET active = 0, deactivated_at = $2 \
         WHERE id = $1 AND active = 1",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deliveries by status.
pub async fn stats(pool: &AnyPool, id: i64) -> Result<Stats, StoreError> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) FROM webhook_deliveries WHERE subscription_id = $1 \
         GROUP BY status",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut stats = Stats::default();
    for row in rows {
        let status: String = row.try_get(0)?;
        let n: i64 = row.try_get(1)?;
        match Status::parse(&status) {
            Status::Pending => stats.pending = n,
            Status::Delivered => stats.delivered = n,
            Status::Dead => stats.dead = n,
        }
    }
    Ok(stats)
}

/// A delivery to write at fan-out.
pub struct NewDelivery {
    pub event_seq: i64,
    pub event_kind: String,
    pub persons: Vec<String>,
}

/// Writes a subscription's deliveries for the events up to `cursor` and moves its cursor,
/// in one transaction: a crash leaves either both or neither. A cursor that moved
/// meanwhile (another process) writes nothing.
pub async fn fan_out(
    store: &Store,
    subscription: i64,
    from_cursor: i64,
    to_cursor: i64,
    deliveries: &[NewDelivery],
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE webhook_subscriptions SET cursor_seq = $3 WHERE id = $1 AND cursor_seq = $2",
    )
    .bind(subscription)
    .bind(from_cursor)
    .bind(to_cursor)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(());
    }
    for d in deliveries {
        sqlx::query(
            "INSERT INTO webhook_deliveries (subscription_id, event_seq, event_kind, persons, \
             status, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $5, $5)",
        )
        .bind(subscription)
        .bind(d.event_seq)
        .bind(&d.event_kind)
        .bind(d.persons.join(" "))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A subscription's oldest pending deliveries (at most `limit`), in event order.
pub async fn pending(
    pool: &AnyPool,
    subscription: i64,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
         WHERE subscription_id = $1 AND status = 'pending' ORDER BY event_seq LIMIT $2"
    ))
    .bind(subscription)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(delivery).collect()
}

/// A subscription's dead deliveries, oldest event first.
pub async fn dead_letters(pool: &AnyPool, subscription: i64) -> Result<Vec<Delivery>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
         WHERE subscription_id = $1 AND status = 'dead' ORDER BY event_seq"
    ))
    .bind(subscription)
    .fetch_all(pool)
    .await?;
    rows.iter().map(delivery).collect()
}

/// What became of one attempt.
pub enum Attempt<'a> {
    Delivered {
        status: i64,
    },
    Retry {
        status: i64,
        error: &'a str,
        at: i64,
    },
    Dead {
        status: i64,
        error: &'a str,
    },
}

/// Records an attempt of a pending delivery. Error texts are cut to 200 characters.
pub async fn record_attempt(
    pool: &AnyPool,
    id: i64,
    attempt: Attempt<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let cut = |e: &str| e.chars().take(200).collect::<String>();
    let (status, code, error, next, delivered) = match attempt {
        Attempt::Delivered { status } => (Status::Delivered, status, String::new(), 0, now),
        Attempt::Retry { status, error, at } => (Status::Pending, status, cut(error), at, 0),
        Attempt::Dead { status, error } => (Status::Dead, status, cut(error), 0, 0),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_status = $3, \
         last_error = $4, next_attempt_at = $5, delivered_at = $6, updated_at = $7 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(code)
    .bind(error)
    .bind(next)
    .bind(delivered)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts dead deliveries of a subscription back in the queue (attempts reset, due now):
/// all of them, or those of `ids`. Returns the ids requeued.
pub async fn replay(
    store: &Store,
    subscription: i64,
    ids: Option<&[i64]>,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut tx = store.begin_write().await?;
    let dead: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'dead' \
         ORDER BY event_seq",
    )
    .bind(subscription)
    .fetch_all(&mut *tx)
    .await?;
    let chosen: Vec<i64> = match ids {
        Some(ids) => dead.into_iter().filter(|d| ids.contains(d)).collect(),
        None => dead,
    };
    for id in &chosen {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, \
             next_attempt_at = $2, updated_at = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(chosen)
}

/// Events after `after` for fan-out (at most `limit`).
pub async fn events_after(
    store: &Store,
    after: i64,
    limit: i64,
) -> Result<Vec<events::Event>, StoreError> {
    let mut tx = store.begin().await?;
    let found = events::after(&mut tx, after, limit).await?;
    tx.commit().await?;
    Ok(found)
}

/// One event by its sequence number.
pub async fn event(pool: &AnyPool, seq: i64) -> Result<Option<events::Event>, StoreError> {
    let row = sqlx::query(
        "SELECT seq, kind, person_id, record_id, payload, created_at FROM identity_events \
         WHERE seq = $1",
    )
    .bind(seq)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| events::Event {
        seq: r.get(0),
        kind: r.get(1),
        person_id: r.get(2),
        record_id: r.get(3),
        payload: r.get(4),
        created_at: r.get(5),
    }))
}
