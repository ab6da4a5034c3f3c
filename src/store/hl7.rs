//! HL7 v2 messages received over MLLP: the idempotency key (sender and control id), the
//! acknowledgement sent, and the raw text of rejected messages for inspection.

use serde::Serialize;
use sqlx::{AnyPool, Row};

use super::StoreError;

/// The status of a message still being processed.
pub const PENDING: &str = "pending";

/// What identifies a message: MSH-3, MSH-4 and MSH-10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    pub sending_application: String,
    pub sending_facility: String,
    pub control_id: String,
}

/// A received message without its raw text.
#[derive(Debug, Clone, Serialize)]
pub struct MessageSummary {
    pub id: i64,
    pub sending_application: String,
    pub sending_facility: String,
    pub control_id: String,
    pub received_at: i64,
    pub message_type: String,
    pub status: String,
    pub error: String,
    pub answered_at: i64,
}

/// A received message with its acknowledgement and, if it was refused, its raw text.
#[derive(Debug, Clone, Serialize)]
pub struct MessageDetail {
    #[serde(flatten)]
    pub summary: MessageSummary,
    pub ack: String,
    /// The message as received (AE and AR only; empty otherwise).
    pub raw: String,
}

/// How the final state of a message is stored.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub status: &'a str,
    pub ack: &'a str,
    pub error: &'a str,
    pub raw: &'a str,
}

const SUMMARY: &str = "id, sending_application, sending_facility, control_id, received_at, \
                       message_type, status, error, answered_at";

fn summary(r: &sqlx::any::AnyRow) -> MessageSummary {
    MessageSummary {
        id: r.get(0),
        sending_application: r.get(1),
        sending_facility: r.get(2),
        control_id: r.get(3),
        received_at: r.get(4),
        message_type: r.get(5),
        status: r.get(6),
        error: r.get(7),
        answered_at: r.get(8),
    }
}

/// Claims a message for processing: its id if this is the first time the key is seen,
/// `None` when another delivery of it was (or is being) processed. The unique key makes
/// two connections sending the same message at once safe: only one insert wins.
pub async fn claim(
    pool: &AnyPool,
    key: &MessageKey,
    message_type: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO hl7_messages (sending_application, sending_facility, control_id, \
         received_at, message_type, status) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (sending_application, sending_facility, control_id) DO NOTHING \
         RETURNING id",
    )
    .bind(&key.sending_application)
    .bind(&key.sending_facility)
    .bind(&key.control_id)
    .bind(now)
    .bind(message_type)
    .bind(PENDING)
    .fetch_optional(pool)
    .await?;
    Ok(id)
}

/// The status and acknowledgement stored for a key, if any.
pub async fn stored(
    pool: &AnyPool,
    key: &MessageKey,
) -> Result<Option<(String, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT status, ack FROM hl7_messages WHERE sending_application = $1 \
         AND sending_facility = $2 AND control_id = $3",
    )
    .bind(&key.sending_application)
    .bind(&key.sending_facility)
    .bind(&key.control_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Stores how a claimed message was answered.
pub async fn finish(
    pool: &AnyPool,
    id: i64,
    answer: &Answer<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE hl7_messages SET status = $1, ack = $2, error = $3, raw = $4, answered_at = $5 \
         WHERE id = $6",
    )
    .bind(answer.status)
    .bind(answer.ack)
    .bind(answer.error)
    .bind(answer.raw)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets a claim whose processing failed before an answer (the sender will resend).
pub async fn release(pool: &AnyPool, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM hl7_messages WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(PENDING)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets claims left pending by a stopped process (never answered, so the sender
/// resends them); returns how many.
pub async fn release_stale(pool: &AnyPool, older_than: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM hl7_messages WHERE status = $1 AND received_at < $2")
        .bind(PENDING)
        .bind(older_than)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Messages after `after` (by id), oldest first, optionally of one status.
pub async fn list(
    pool: &AnyPool,
    status: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Vec<MessageSummary>, StoreError> {
    let rows = match status {
        Some(status) => {
            sqlx::query(&format!(
                "SELECT {SUMMARY} FROM hl7_messages WHERE status = $1 AND id > $2 \
                 ORDER BY id LIMIT $3"
            ))
            .bind(status)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {SUMMARY} FROM hl7_messages WHERE id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows.iter().map(summary).collect())
}

/// One message in full.
pub async fn get(pool: &AnyPool, id: i64) -> Result<Option<MessageDetail>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY}, ack, raw FROM hl7_messages WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| MessageDetail {
        summary: summary(&r),
        ack: r.get(9),
        raw: r.get(10),
    }))
}

/// True when some record (active or not) belongs to this source: a known identifier
/// domain for PIX queries.
pub async fn source_known(pool: &AnyPool, source: &str) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM source_records WHERE source = $1 LIMIT 1")
            .bind(source)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}
