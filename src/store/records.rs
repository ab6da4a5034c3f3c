//! Source records: one row per `(source, source_id)` and every version of its content.

use sqlx::Row;

use super::{StoreError, Tx};

/// What storing a version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A record seen for the first time.
    Created,
    /// A new version of a known record.
    Updated,
    /// The same content as the current version: nothing changed.
    Unchanged,
}

/// A source record's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: i64,
    pub source: String,
    pub source_id: String,
    pub active: bool,
    pub version: i64,
    pub content_hash: String,
    pub data: String,
}

/// Stores `data` (canonical JSON, hashed as `content_hash`) as the record's newest
/// version, unless it equals the current one. A deactivated record is reactivated.
pub async fn put_version(
    tx: &mut Tx<'_>,
    source: &str,
    source_id: &str,
    data: &str,
    content_hash: &str,
    provenance: &str,
    now: i64,
) -> Result<(i64, i64, Stored), StoreError> {
    if let Some(current) = get(tx, source, source_id).await? {
        if current.content_hash == content_hash && current.data == data && current.active {
            return Ok((current.id, current.version, Stored::Unchanged));
        }
        let version = current.version + 1;
        insert_version(tx, current.id, version, data, content_hash, provenance, now).await?;
        sqlx::query(
            "UPDATE source_records SET current_version = $2, active = TRUE, updated_at = $3 \
             WHERE id = $1",
        )
        .bind(current.id)
        .bind(version)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        return Ok((current.id, version, Stored::Updated));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO source_records (source, source_id, active, current_version, created_at, updated_at) \
         VALUES ($1, $2, TRUE, 1, $3, $3) RETURNING id",
    )
    .bind(source)
    .bind(source_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    insert_version(tx, id, 1, data, content_hash, provenance, now).await?;
    Ok((id, 1, Stored::Created))
}

async fn insert_version(
    tx: &mut Tx<'_>,
    id: i64,
    version: i64,
    data: &str,
    content_hash: &str,
    provenance: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO source_record_versions (record_id, version, content_hash, data, provenance, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(content_hash)
    .bind(data)
    .bind(provenance)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The current state of a record.
pub async fn get(
    tx: &mut Tx<'_>,
    source: &str,
    source_id: &str,
) -> Result<Option<RecordRow>, StoreError> {
    let row = sqlx::query(
        "SELECT r.id, r.source, r.source_id, CAST(CASE WHEN r.active THEN 1 ELSE 0 END AS BIGINT), \
         r.current_version, v.content_hash, v.data \
         FROM source_records r \
         JOIN source_record_versions v ON v.record_id = r.id AND v.version = r.current_version \
         WHERE r.source = $1 AND r.source_id = $2",
    )
    .bind(source)
    .bind(source_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(record_row))
}

/// A record by id, at its current version.
pub async fn by_id(tx: &mut Tx<'_>, id: i64) -> Result<Option<RecordRow>, StoreError> {
    let row = sqlx::query(
        "SELECT r.id, r.source, r.source_id, CAST(CASE WHEN r.active THEN 1 ELSE 0 END AS BIGINT), \
         r.current_version, v.content_hash, v.data \
         FROM source_records r \
         JOIN source_record_versions v ON v.record_id = r.id AND v.version = r.current_version \
         WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(record_row))
}

fn record_row(r: sqlx::any::AnyRow) -> RecordRow {
    RecordRow {
        id: r.get(0),
        source: r.get(1),
        source_id: r.get(2),
        // booleans travel as integers: the Any driver cannot decode SQLite BOOLEAN
        active: r.get::<i64, _>(3) != 0,
        version: r.get(4),
        content_hash: r.get(5),
        data: r.get(6),
    }
}

/// Every version of a record, oldest first: `(version, content_hash, provenance, received_at)`.
pub async fn versions(
    tx: &mut Tx<'_>,
    record_id: i64,
) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT version, content_hash, provenance, received_at FROM source_record_versions \
         WHERE record_id = $1 ORDER BY version",
    )
    .bind(record_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

/// Deactivates a record (its versions and links stay).
pub async fn deactivate(tx: &mut Tx<'_>, record_id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE source_records SET active = FALSE, updated_at = $2 WHERE id = $1")
        .bind(record_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Remembers the answer given for the record's current version.
pub async fn set_outcome(tx: &mut Tx<'_>, record_id: i64, outcome: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE source_records SET last_outcome = $2 WHERE id = $1")
        .bind(record_id)
        .bind(outcome)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The answer given for the record's current version.
pub async fn outcome(tx: &mut Tx<'_>, record_id: i64) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT last_outcome FROM source_records WHERE id = $1")
            .bind(record_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The current data of records by id (active ones only): `(id, source, source_id, data)`.
pub async fn current_data(
    tx: &mut Tx<'_>,
    ids: &[i64],
) -> Result<Vec<(i64, String, String, String)>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.source, r.source_id, v.data FROM source_records r \
             JOIN source_record_versions v ON v.record_id = r.id AND v.version = r.current_version \
             WHERE r.active AND r.id IN ({}) ORDER BY r.id",
            list.join(",")
        ))
        // one-off text: not worth a place in the statement cache
        .persistent(false)
        .fetch_all(&mut **tx)
        .await?;
        out.extend(
            rows.into_iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))),
        );
    }
    Ok(out)
}

/// Every active record's id and current data, in id order, after `after_id`, at most
/// `limit` (for rebuilding the index and the name frequencies).
pub async fn active_page(
    tx: &mut Tx<'_>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, v.data FROM source_records r \
         JOIN source_record_versions v ON v.record_id = r.id AND v.version = r.current_version \
         WHERE r.active AND r.id > $1 ORDER BY r.id LIMIT $2",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Number of active records.
pub async fn count_active(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM source_records WHERE active")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Active records with this source id, in any source (an identifier search).
pub async fn by_source_id(tx: &mut Tx<'_>, source_id: &str) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM source_records WHERE source_id = $1 AND active ORDER BY id LIMIT 100",
    )
    .bind(source_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// True when some record, active or not, comes from `source` (an identifier domain).
pub async fn source_exists(tx: &mut Tx<'_>, source: &str) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM source_records WHERE source = $1 LIMIT 1")
            .bind(source)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}
