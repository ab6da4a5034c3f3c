//! Identity events: append-only and sequenced. Appends are serialized so that sequence
//! numbers become visible in order: a reader following `after=SEQ` never skips an event
//! that commits later with a smaller number.

use sqlx::Row;

use super::{Backend, StoreError, Tx};

/// An identity event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: i64,
    pub kind: String,
    pub person_id: Option<String>,
    pub record_id: Option<i64>,
    /// JSON.
    pub payload: String,
    pub created_at: i64,
}

/// Lock key for event appends on PostgreSQL.
const EVENT_LOCK: i64 = 0x6d70_6965_7665;

/// Appends an event in the caller's transaction; returns its sequence number.
pub async fn append(
    tx: &mut Tx<'_>,
    backend: Backend,
    kind: &str,
    person_id: Option<&str>,
    record_id: Option<i64>,
    payload: &str,
    now: i64,
) -> Result<i64, StoreError> {
    if backend == Backend::Postgres {
        lock(tx).await?;
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO identity_events (kind, person_id, record_id, payload, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING seq",
    )
    .bind(kind)
    .bind(person_id)
    .bind(record_id)
    .bind(payload)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// On PostgreSQL, takes the event lock, held to commit: later sequence numbers cannot
/// commit before earlier ones.
pub async fn lock(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(EVENT_LOCK)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Events after `after`, in order, at most `limit`.
pub async fn after(tx: &mut Tx<'_>, after: i64, limit: i64) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, kind, person_id, record_id, payload, created_at FROM identity_events \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            seq: r.get(0),
            kind: r.get(1),
            person_id: r.get(2),
            record_id: r.get(3),
            payload: r.get(4),
            created_at: r.get(5),
        })
        .collect())
}

/// The sequence number of the newest event (0 when there is none).
pub async fn last_seq(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM identity_events")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The records named by events after `after`: every change to a record's content or
/// state has one (`record.linked`, `record.updated`, `record.deactivated`, …).
pub async fn records_after(tx: &mut Tx<'_>, after: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT record_id FROM identity_events \
         WHERE seq > $1 AND record_id IS NOT NULL ORDER BY record_id",
    )
    .bind(after)
    .fetch_all(&mut **tx)
    .await?)
}
