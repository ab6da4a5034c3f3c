//! What stewards decide besides links: non-match assertions (two records are different
//! people) and merges (kept so that each can be undone).

use sqlx::Row;

use super::{StoreError, Tx};

/// A non-match assertion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assertion {
    pub id: i64,
    pub record_a: i64,
    pub record_b: i64,
    pub actor: String,
    pub reason: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
}

const ASSERTION_COLUMNS: &str =
    "id, record_a, record_b, actor, reason, created_at, revoked_at, revoked_by";

fn assertion(r: sqlx::any::AnyRow) -> Assertion {
    Assertion {
        id: r.get(0),
        record_a: r.get(1),
        record_b: r.get(2),
        actor: r.get(3),
        reason: r.get(4),
        created_at: r.get(5),
        revoked_at: r.get(6),
        revoked_by: r.get(7),
    }
}

/// Asserts that two records are different people; an assertion already in force is
/// returned as it is. Returns the assertion's id and whether it is new.
pub async fn assert_non_match(
    tx: &mut Tx<'_>,
    a: i64,
    b: i64,
    actor: &str,
    reason: &str,
    now: i64,
) -> Result<(i64, bool), StoreError> {
    let (a, b) = (a.min(b), a.max(b));
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM non_match_assertions \
         WHERE record_a = $1 AND record_b = $2 AND revoked_at IS NULL",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO non_match_assertions (record_a, record_b, actor, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(a)
    .bind(b)
    .bind(actor)
    .bind(reason)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, true))
}

/// An assertion by id.
pub async fn assertion_by_id(tx: &mut Tx<'_>, id: i64) -> Result<Option<Assertion>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {ASSERTION_COLUMNS} FROM non_match_assertions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(assertion))
}

/// Revokes an assertion in force; false if it was not.
pub async fn revoke(tx: &mut Tx<'_>, id: i64, actor: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE non_match_assertions SET revoked_at = $2, revoked_by = $3 \
         WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The records asserted to be different people from `record_id` (assertions in force).
pub async fn asserted_apart(tx: &mut Tx<'_>, record_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT record_b FROM non_match_assertions WHERE record_a = $1 AND revoked_at IS NULL \
         UNION SELECT record_a FROM non_match_assertions WHERE record_b = $1 AND revoked_at IS NULL",
    )
    .bind(record_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The assertions in force or revoked that involve any of `record_ids`, oldest first.
pub async fn assertions_of(
    tx: &mut Tx<'_>,
    record_ids: &[i64],
) -> Result<Vec<Assertion>, StoreError> {
    if record_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = record_ids.iter().map(i64::to_string).collect();
    let list = list.join(",");
    let rows = sqlx::query(&format!(
        "SELECT {ASSERTION_COLUMNS} FROM non_match_assertions \
         WHERE record_a IN ({list}) OR record_b IN ({list}) ORDER BY id"
    ))
    .persistent(false)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(assertion).collect())
}

/// A merge of two persons.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Merge {
    pub id: i64,
    pub survivor: String,
    pub loser: String,
    /// The loser's records that moved to the survivor.
    pub record_ids: Vec<i64>,
    pub actor: String,
    pub reason: String,
    pub created_at: i64,
    pub undone_at: Option<i64>,
    pub undone_by: Option<String>,
}

const MERGE_COLUMNS: &str =
    "id, survivor, loser, record_ids, actor, reason, created_at, undone_at, undone_by";

fn merge(r: sqlx::any::AnyRow) -> Merge {
    let ids: String = r.get(3);
    Merge {
        id: r.get(0),
        survivor: r.get(1),
        loser: r.get(2),
        record_ids: serde_json::from_str(&ids).unwrap_or_default(),
        actor: r.get(4),
        reason: r.get(5),
        created_at: r.get(6),
        undone_at: r.get(7),
        undone_by: r.get(8),
    }
}

/// Records a merge; returns its id.
pub async fn record_merge(
    tx: &mut Tx<'_>,
    survivor: &str,
    loser: &str,
    record_ids: &[i64],
    actor: &str,
    reason: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO merges (survivor, loser, record_ids, actor, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(survivor)
    .bind(loser)
    .bind(serde_json::to_string(record_ids).expect("serializes"))
    .bind(actor)
    .bind(reason)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// A merge by id.
pub async fn merge_by_id(tx: &mut Tx<'_>, id: i64) -> Result<Option<Merge>, StoreError> {
    let row = sqlx::query(&format!("SELECT {MERGE_COLUMNS} FROM merges WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(merge))
}

/// The merges a person took part in (either side), oldest first.
pub async fn merges_of(tx: &mut Tx<'_>, person_id: &str) -> Result<Vec<Merge>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MERGE_COLUMNS} FROM merges WHERE survivor = $1 OR loser = $1 ORDER BY id"
    ))
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(merge).collect())
}

/// Marks a merge undone; false if it already was.
pub async fn mark_undone(
    tx: &mut Tx<'_>,
    id: i64,
    actor: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE merges SET undone_at = $2, undone_by = $3 WHERE id = $1 AND undone_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
