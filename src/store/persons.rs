//! Persons: the enterprise identities. A merged person keeps a tombstone naming the
//! survivor.

use sqlx::Row;

use super::{StoreError, Tx};

/// A person row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: String,
    pub status: String,
    pub merged_into: Option<String>,
    pub created_at: i64,
}

/// A new person id: time-ordered and unguessable enough to be an external key.
pub fn new_person_id() -> String {
    use rand::Rng;
    let millis = super::now_ms() as u64;
    let random: u64 = rand::thread_rng().r#gen();
    format!("p{millis:011x}{:08x}", random as u32)
}

/// Creates an active person.
pub async fn create(tx: &mut Tx<'_>, now: i64) -> Result<String, StoreError> {
    let id = new_person_id();
    sqlx::query(
        "INSERT INTO persons (id, status, merged_into, created_at, updated_at) \
         VALUES ($1, 'active', NULL, $2, $2)",
    )
    .bind(&id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Reads a person.
pub async fn get(tx: &mut Tx<'_>, id: &str) -> Result<Option<PersonRow>, StoreError> {
    let row = sqlx::query("SELECT id, status, merged_into, created_at FROM persons WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| PersonRow {
        id: r.get(0),
        status: r.get(1),
        merged_into: r.get(2),
        created_at: r.get(3),
    }))
}

/// Marks `loser` merged into `survivor` (the tombstone).
pub async fn mark_merged(
    tx: &mut Tx<'_>,
    loser: &str,
    survivor: &str,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE persons SET status = 'merged', merged_into = $2, updated_at = $3 \
         WHERE id = $1 AND status = 'active'",
    )
    .bind(loser)
    .bind(survivor)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "person {loser} is not active"
        )));
    }
    Ok(())
}

/// Makes a merged person active again (a merge undone).
pub async fn reactivate(tx: &mut Tx<'_>, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE persons SET status = 'active', merged_into = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The active person a person id stands for now: itself, or the survivor its merges lead
/// to. `None` for an unknown id.
pub async fn resolve(tx: &mut Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    let mut current = id.to_string();
    // a chain of merges is short; the bound guards against a cycle in damaged data
    for _ in 0..64 {
        match get(tx, &current).await? {
            None => return Ok(None),
            Some(p) => match p.merged_into {
                Some(next) if p.status == "merged" => current = next,
                _ => return Ok(Some(current)),
            },
        }
    }
    Ok(Some(current))
}
