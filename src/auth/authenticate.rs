//! Turns a bearer credential or a session cookie into a [`Principal`]. Recent answers are
//! cached for [`CACHE_TTL`] so that a request costs no database round trip; revoking a
//! key through the API clears the cache at once, through `mpi token revoke` (another
//! process) within the TTL.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::jwt::{JwtError, JwtVerifier};
use super::{Credential, Principal, Roles, keys, secret};
use crate::store::access;
use crate::store::{Store, StoreError, now_ms};

/// How long a looked-up credential is trusted without asking the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);

/// Why a credential was refused (401). Messages never repeat the credential.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("a bearer credential (Authorization: Bearer …) or a session is required")]
    Missing,
    #[error("the Authorization header must be 'Bearer' followed by an API key or token")]
    Malformed,
    #[error("unknown API key")]
    UnknownKey,
    #[error("the API key was revoked")]
    Revoked,
    #[error("the session has ended or expired: sign in again")]
    SessionEnded,
    #[error("identity provider tokens are not configured")]
    NoIdentityProvider,
    #[error("identity provider token refused: {0}")]
    Token(#[from] JwtError),
    #[error("the token grants none of mpi's roles")]
    NoRoles,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone)]
enum Cached {
    /// The principal and, for a session, when it expires (ms).
    Valid(Principal, Option<i64>),
    /// Refused; `true` when the key was revoked.
    Refused(bool),
}

pub struct Authenticator {
    store: Store,
    jwt: Option<JwtVerifier>,
    cache: Mutex<HashMap<String, (Cached, Instant)>>,
}

impl Authenticator {
    pub fn new(store: Store, jwt: Option<JwtVerifier>) -> Authenticator {
        Authenticator {
            store,
            jwt,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every cached credential (after a revocation).
    pub fn forget(&self) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn cached(&self, hash: &str) -> Option<Cached> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(hash)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(c, _)| c.clone())
    }

    fn remember(&self, hash: String, answer: Cached) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        }
        cache.insert(hash, (answer, Instant::now()));
    }

    /// The principal of an `Authorization` header value.
    pub async fn bearer(&self, header: &str) -> Result<Principal, AuthError> {
        let credential = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 8192)
            .ok_or(AuthError::Malformed)?;
        if credential.starts_with(keys::PREFIX) {
            self.api_key(credential).await
        } else if credential.split('.').count() == 3 {
            self.token(credential)
        } else {
            Err(AuthError::Malformed)
        }
    }

    async fn api_key(&self, key: &str) -> Result<Principal, AuthError> {
        let hash = secret::sha256_hex(key);
        match self.cached(&hash) {
            Some(Cached::Valid(p, _)) => return Ok(p),
            Some(Cached::Refused(true)) => return Err(AuthError::Revoked),
            Some(Cached::Refused(false)) => return Err(AuthError::UnknownKey),
            None => {}
        }
        let row = access::key_by_hash(&self.store.pool, &hash).await?;
        let answer = match row {
            None => Err(AuthError::UnknownKey),
            Some(r) if r.revoked_at.is_some() => Err(AuthError::Revoked),
            Some(r) => Ok(Principal {
                actor: r.name.clone(),
                roles: Roles::parse_list(&r.roles).unwrap_or_default(),
                credential: Credential::Key(r.id.clone()),
            }),
        };
        match &answer {
            Ok(p) => self.remember(hash, Cached::Valid(p.clone(), None)),
            Err(e) => self.remember(hash, Cached::Refused(matches!(e, AuthError::Revoked))),
        }
        answer
    }

    fn token(&self, token: &str) -> Result<Principal, AuthError> {
        let verifier = self.jwt.as_ref().ok_or(AuthError::NoIdentityProvider)?;
        let claims = verifier.verify(token)?;
        let roles = Roles::of(
            &claims
                .roles
                .iter()
                .filter_map(|r| super::Role::parse(r))
                .collect::<Vec<_>>(),
        );
        if roles.is_empty() {
            return Err(AuthError::NoRoles);
        }
        Ok(Principal {
            actor: format!("idp:{}", claims.subject),
            roles,
            credential: Credential::Token {
                subject: claims.subject,
                expires_at: claims.expires_at,
            },
        })
    }

    /// The principal of a session cookie.
    pub async fn session(&self, cookie: &str) -> Result<Principal, AuthError> {
        let hash = secret::sha256_hex(cookie);
        let cached = self.cached(&hash);
        let (principal, expires_at) = match cached {
            Some(Cached::Valid(p, expires)) => (p, expires),
            Some(Cached::Refused(_)) => return Err(AuthError::SessionEnded),
            None => match self.look_up_session(&hash).await? {
                Some(found) => {
                    self.remember(hash, Cached::Valid(found.0.clone(), found.1));
                    found
                }
                None => {
                    self.remember(hash, Cached::Refused(false));
                    return Err(AuthError::SessionEnded);
                }
            },
        };
        if expires_at.is_some_and(|at| at <= now_ms()) {
            return Err(AuthError::SessionEnded);
        }
        Ok(principal)
    }

    async fn look_up_session(
        &self,
        hash: &str,
    ) -> Result<Option<(Principal, Option<i64>)>, AuthError> {
        let Some(s) = access::session_by_hash(&self.store.pool, hash).await? else {
            return Ok(None);
        };
        if s.ended_at.is_some() || s.expires_at <= now_ms() {
            return Ok(None);
        }
        if let Some(id) = &s.key_id {
            let key = access::key_by_id(&self.store.pool, id).await?;
            if key.is_none_or(|k| k.revoked_at.is_some()) {
                return Ok(None);
            }
        }
        let principal = Principal {
            actor: s.actor,
            roles: Roles::parse_list(&s.roles).unwrap_or_default(),
            credential: Credential::Session {
                csrf_token: s.csrf_token,
                key_id: s.key_id,
            },
        };
        Ok(Some((principal, Some(s.expires_at))))
    }
}
