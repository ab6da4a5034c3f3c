//! API keys: `mpi_<id>_<secret>`, minted by `mpi token create` (or `POST /v1/tokens`),
//! shown once, stored as the SHA-256 of the whole key, revocable, listed without secrets.

use serde::Serialize;

use super::Roles;
use super::secret;
use crate::store::access::{self, KeyRow};
use crate::store::{Store, StoreError, now_ms};

/// What every key starts with, so that a key is told from an identity provider's token
/// (and found by secret scanners).
pub const PREFIX: &str = "mpi_";

/// A key as listed: no secret, no hash.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: String,
    pub name: String,
    pub roles: Roles,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
}

impl KeyInfo {
    pub fn from_row(row: &KeyRow) -> KeyInfo {
        KeyInfo {
            id: row.id.clone(),
            name: row.name.clone(),
            roles: Roles::parse_list(&row.roles).unwrap_or_default(),
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            revoked_at: row.revoked_at,
            revoked_by: row.revoked_by.clone(),
        }
    }
}

/// A name is 1 to 64 letters, digits, `.`, `_`, `-` or `@`: it is the actor recorded for
/// everything the key does, and never contains `:` (kept for identity-provider actors).
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 64 letters, digits, '.', '_', '-' or '@'".to_string())
    }
}

/// Mints a key named `name` with `roles`; answers it as stored and the secret key (the
/// only time it exists).
pub async fn create(
    store: &Store,
    name: &str,
    roles: Roles,
    created_by: &str,
) -> Result<(KeyInfo, String), CreateError> {
    check_name(name).map_err(|p| CreateError::Invalid("name", p))?;
    if roles.is_empty() {
        return Err(CreateError::Invalid(
            "roles",
            "at least one role is required".into(),
        ));
    }
    let id = format!("k{}", secret::random_hex(5));
    let key = format!("{PREFIX}{id}_{}", secret::random_text(32));
    let row = KeyRow {
        id,
        name: name.to_string(),
        roles: roles.to_list(),
        secret_hash: secret::sha256_hex(&key),
        created_at: now_ms(),
        created_by: created_by.to_string(),
        revoked_at: None,
        revoked_by: None,
    };
    access::insert_key(&store.pool, &row).await?;
    Ok((KeyInfo::from_row(&row), key))
}

/// Every key, without secrets.
pub async fn list(store: &Store) -> Result<Vec<KeyInfo>, StoreError> {
    Ok(access::list_keys(&store.pool)
        .await?
        .iter()
        .map(KeyInfo::from_row)
        .collect())
}

/// Revokes the key `id` (or, when no id matches, the active key named `id`).
pub async fn revoke(store: &Store, id_or_name: &str, by: &str) -> Result<KeyInfo, StoreError> {
    let keys = access::list_keys(&store.pool).await?;
    let key = keys
        .iter()
        .find(|k| k.id == id_or_name)
        .or_else(|| {
            keys.iter()
                .find(|k| k.name == id_or_name && k.revoked_at.is_none())
        })
        .ok_or_else(|| StoreError::NotFound(format!("key {id_or_name}")))?;
    if !access::revoke_key(&store.pool, &key.id, by).await? {
        return Err(StoreError::Conflict(format!(
            "key {} is already revoked",
            key.id
        )));
    }
    let row = access::key_by_id(&store.pool, &key.id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("key {}", key.id)))?;
    Ok(KeyInfo::from_row(&row))
}

/// Why a key was not made.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("{0} {1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
