//! API keys and web sessions as stored: hashes of secrets, never the secrets.

use sqlx::{AnyPool, Row};

use super::{StoreError, now_ms};

/// An API key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub roles: String,
    pub secret_hash: String,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
}

const KEY_COLUMNS: &str =
    "id, name, roles, secret_hash, created_at, created_by, revoked_at, revoked_by";

fn key_row(row: &sqlx::any::AnyRow) -> Result<KeyRow, sqlx::Error> {
    Ok(KeyRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        roles: row.try_get("roles")?,
        secret_hash: row.try_get("secret_hash")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        revoked_at: row.try_get("revoked_at")?,
        revoked_by: row.try_get("revoked_by")?,
    })
}

/// Stores a new key; a second active key of the same name is a conflict.
pub async fn insert_key(pool: &AnyPool, key: &KeyRow) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO api_keys (id, name, roles, secret_hash, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&key.id)
    .bind(&key.name)
    .bind(&key.roles)
    .bind(&key.secret_hash)
    .bind(key.created_at)
    .bind(&key.created_by)
    .execute(pool)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
            format!("an active key is already named '{}'", key.name),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The key whose secret hashes to `hash`, revoked or not.
pub async fn key_by_hash(pool: &AnyPool, hash: &str) -> Result<Option<KeyRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(key_row).transpose()?)
}

/// The key with id `id`, revoked or not.
pub async fn key_by_id(pool: &AnyPool, id: &str) -> Result<Option<KeyRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(key_row).transpose()?)
}

/// Every key, oldest first.
pub async fn list_keys(pool: &AnyPool) -> Result<Vec<KeyRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(key_row).collect::<Result<_, _>>()?)
}

/// Revokes the active key with id `id`; answers whether one was revoked. Its sessions end
/// with it.
pub async fn revoke_key(pool: &AnyPool, id: &str, by: &str) -> Result<bool, StoreError> {
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    sqlx::query("UPDATE ui_sessions SET ended_at = $1 WHERE key_id = $2 AND ended_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done)
}

/// Whether any active key holds the admin role.
pub async fn has_active_admin(pool: &AnyPool) -> Result<bool, StoreError> {
    let rows = sqlx::query("SELECT roles FROM api_keys WHERE revoked_at IS NULL")
        .fetch_all(pool)
        .await?;
    for row in rows {
        let roles: String = row.try_get("roles")?;
        if roles.split(',').any(|r| r == "admin") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A web session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    pub actor: String,
    pub roles: String,
    pub key_id: Option<String>,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

pub async fn insert_session(pool: &AnyPool, s: &SessionRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ui_sessions (id_hash, actor, roles, key_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&s.id_hash)
    .bind(&s.actor)
    .bind(&s.roles)
    .bind(&s.key_id)
    .bind(&s.csrf_token)
    .bind(s.created_at)
    .bind(s.expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn session_by_hash(
    pool: &AnyPool,
    id_hash: &str,
) -> Result<Option<SessionRow>, StoreError> {
    let row = sqlx::query(
        "SELECT id_hash, actor, roles, key_id, csrf_token, created_at, expires_at, ended_at \
         FROM ui_sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SessionRow {
        id_hash: row.try_get("id_hash")?,
        actor: row.try_get("actor")?,
        roles: row.try_get("roles")?,
        key_id: row.try_get("key_id")?,
        csrf_token: row.try_get("csrf_token")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        ended_at: row.try_get("ended_at")?,
    }))
}

/// Ends a session (sign-out); answers whether it was active.
pub async fn end_session(pool: &AnyPool, id_hash: &str) -> Result<bool, StoreError> {
    Ok(
        sqlx::query("UPDATE ui_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL")
            .bind(now_ms())
            .bind(id_hash)
            .execute(pool)
            .await?
            .rows_affected()
            == 1,
    )
}
