//! The web page's sign-in sessions. Signing in with a reviewer or steward credential
//! makes a session: a random cookie (stored as its hash) and a CSRF token the page sends
//! back in `X-CSRF-Token` on every state-changing request. A session ends at sign-out,
//! after [`SESSION_HOURS`], when its identity provider token expires, or when its API key
//! is revoked.

use super::{Credential, Principal, secret};
use crate::store::access::{self, SessionRow};
use crate::store::{Store, StoreError, now_ms};

/// The name of the session cookie.
pub const COOKIE: &str = "mpi_session";
/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// The longest a session lasts.
pub const SESSION_HOURS: i64 = 8;

/// A new session for `principal`: the cookie value (only here) and the session.
pub async fn start(
    store: &Store,
    principal: &Principal,
) -> Result<(String, SessionRow), StoreError> {
    let cookie = secret::random_text(32);
    let now = now_ms();
    let mut expires_at = now + SESSION_HOURS * 3600 * 1000;
    let key_id = match &principal.credential {
        Credential::Key(id) => Some(id.clone()),
        Credential::Token {
            expires_at: exp, ..
        } => {
            expires_at = expires_at.min(exp * 1000);
            None
        }
        Credential::Session { key_id, .. } => key_id.clone(),
    };
    let row = SessionRow {
        id_hash: secret::sha256_hex(&cookie),
        actor: principal.actor.clone(),
        roles: principal.roles.to_list(),
        key_id,
        csrf_token: secret::random_text(24),
        created_at: now,
        expires_at,
        ended_at: None,
    };
    access::insert_session(&store.pool, &row).await?;
    Ok((cookie, row))
}

/// Ends the session behind `cookie`.
pub async fn end(store: &Store, cookie: &str) -> Result<bool, StoreError> {
    access::end_session(&store.pool, &secret::sha256_hex(cookie)).await
}
