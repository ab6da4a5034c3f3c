//! Verification of bearer tokens (JWT) issued by a hospital identity provider.
//!
//! Only RS256 and ES256 are accepted, and only those for which a public key is
//! configured: `none`, the HMAC family (the public-key-as-HMAC-secret confusion) and
//! anything else are refused before a signature is looked at. Keys come from PEM files
//! (`-----BEGIN PUBLIC KEY-----`, RSA or EC P-256) and/or a JWKS file; a token's `kid`
//! picks JWKS keys, a token without one is tried against every key of its type. `iss`,
//! `aud`, `exp` and `sub` are required; `nbf` is checked when present; both time checks
//! allow `leeway_seconds`.
//!
//! Built on `jsonwebtoken` 9, whose signatures are `ring`'s (the same provider as our
//! TLS, and no `aws-lc-sys` C build). Later majors (10+) make the crypto backend a
//! feature to choose and raise the minimum Rust version; 9 does what is needed here
//! and is widely used. Errors never contain the token, its claims or its header
//! values other than the algorithm name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;

/// The `[jwt]` table of the settings file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtSettings {
    /// The `iss` every token must carry (exactly).
    pub issuer: String,
    /// A value that must be among the token's `aud`.
    pub audience: String,
    /// PEM public key files (RSA or EC P-256).
    #[serde(default)]
    pub public_keys: Vec<PathBuf>,
    /// A JWKS file (`{"keys": […]}`).
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// The claim holding the roles; a dotted path (`realm_access.roles`) walks objects.
    #[serde(default = "default_roles_claim")]
    pub roles_claim: String,
    /// Clock skew allowed on `exp` and `nbf`.
    #[serde(default = "default_leeway")]
    pub leeway_seconds: u64,
}

fn default_roles_claim() -> String {
    "roles".to_string()
}

fn default_leeway() -> u64 {
    60
}

/// What a verified token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `sub`.
    pub subject: String,
    /// The role strings as the identity provider gave them.
    pub roles: Vec<String>,
    /// `exp`, Unix seconds.
    pub expires_at: i64,
}

/// Why a token (or the key configuration) was refused. Messages never carry the token.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("token expired")]
    Expired,
    #[error("token not yet valid (nbf)")]
    NotYetValid,
    #[error("token issuer is not the configured issuer")]
    WrongIssuer,
    #[error("token audience does not include the configured audience")]
    WrongAudience,
    #[error("token signature is not valid")]
    BadSignature,
    #[error("no configured key matches the token's key id and algorithm")]
    UnknownKey,
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("token claim '{0}' is missing")]
    MissingClaim(String),
    #[error("unsupported token algorithm '{0}'")]
    UnsupportedAlgorithm(String),
    #[error("jwt key file {path}: {problem}")]
    KeyFile { path: String, problem: String },
    #[error("jwt settings: {0}")]
    Settings(&'static str),
}

/// One configured public key.
struct Key {
    /// The JWKS `kid`; PEM keys have none.
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies tokens against the configured keys, issuer and audience.
pub struct JwtVerifier {
    keys: Vec<Key>,
    issuer: String,
    audience: String,
    roles_claim: String,
    leeway: u64,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("keys", &self.keys.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// Reads the key files; fails naming the file when one cannot be used.
    pub fn load(settings: &JwtSettings) -> Result<JwtVerifier, JwtError> {
        if settings.issuer.is_empty() {
            return Err(JwtError::Settings("issuer is empty"));
        }
        if settings.audience.is_empty() {
            return Err(JwtError::Settings("audience is empty"));
        }
        if settings.roles_claim.is_empty() {
            return Err(JwtError::Settings("roles_claim is empty"));
        }
        let mut keys = Vec::new();
        for path in &settings.public_keys {
            keys.push(pem_key(path)?);
        }
        if let Some(path) = &settings.jwks_file {
            keys.extend(jwks_keys(path)?);
        }
        if keys.is_empty() {
            return Err(JwtError::Settings(
                "no keys: give public_keys and/or jwks_file",
            ));
        }
        Ok(JwtVerifier {
            keys,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            roles_claim: settings.roles_claim.clone(),
            leeway: settings.leeway_seconds,
        })
    }

    /// Checks the signature and the claims; answers the subject, roles and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        let header = Header::parse(token)?;
        let algorithm = match header.alg.as_str() {
            "RS256" => Algorithm::RS256,
            "ES256" => Algorithm::ES256,
            other => return Err(unsupported(other)),
        };
        let typed: Vec<&Key> = self
            .keys
            .iter()
            .filter(|k| k.algorithm == algorithm)
            .collect();
        if typed.is_empty() {
            return Err(unsupported(&header.alg));
        }
        let candidates: Vec<&Key> = match &header.kid {
            Some(kid) if typed.iter().any(|k| k.kid.as_ref() == Some(kid)) => typed
                .into_iter()
                .filter(|k| k.kid.as_ref() == Some(kid))
                .collect(),
            // an unknown kid may still be one of the PEM keys, which carry none
            Some(_) => typed.into_iter().filter(|k| k.kid.is_none()).collect(),
            None => typed,
        };
        if candidates.is_empty() {
            return Err(JwtError::UnknownKey);
        }
        let validation = self.validation(algorithm);
        for key in candidates {
            match jsonwebtoken::decode::<Value>(token, &key.key, &validation) {
                Ok(data) => return self.claims(&data.claims),
                Err(e) if *e.kind() == ErrorKind::InvalidSignature => continue,
                Err(e) => return Err(map_error(e.into_kind())),
            }
        }
        Err(JwtError::BadSignature)
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut v = Validation::new(algorithm);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.validate_nbf = true;
        v.leeway = self.leeway;
        v
    }

    fn claims(&self, claims: &Value) -> Result<Claims, JwtError> {
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .ok_or(JwtError::Malformed("sub is not a string"))?
            .to_string();
        let expires_at = claims
            .get("exp")
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
            .ok_or_else(|| JwtError::MissingClaim("exp".to_string()))?;
        let roles = roles(claims, &self.roles_claim)?;
        Ok(Claims {
            subject,
            roles,
            expires_at,
        })
    }
}

/// The roles at `claim`: a top-level claim of that exact name (names may hold dots, as
/// namespaced claims do), else the dotted path through nested objects. Absent: none.
pub fn roles(claims: &Value, claim: &str) -> Result<Vec<String>, JwtError> {
    let found = claims.get(claim).or_else(|| {
        claim
            .split('.')
            .try_fold(claims, |value, part| value.get(part))
    });
    match found {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or(JwtError::Malformed("roles claim holds a non-string"))
            })
            .collect(),
        Some(_) => Err(JwtError::Malformed(
            "roles claim is neither a string nor an array of strings",
        )),
    }
}

/// The parts of the token header needed to pick a key, read without trusting them.
struct Header {
    alg: String,
    kid: Option<String>,
}

impl Header {
    fn parse(token: &str) -> Result<Header, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed("not three dot-separated parts"));
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| JwtError::Malformed("header is not base64url"))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| JwtError::Malformed("header is not JSON"))?;
        let alg = value
            .get("alg")
            .and_then(Value::as_str)
            .ok_or(JwtError::Malformed("header has no alg"))?
            .to_string();
        let kid = value.get("kid").and_then(Value::as_str).map(str::to_string);
        Ok(Header { alg, kid })
    }
}

/// An unsupported algorithm, its name shortened to a printable token.
fn unsupported(alg: &str) -> JwtError {
    let name: String = alg
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(16)
        .collect();
    JwtError::UnsupportedAlgorithm(name)
}

fn map_error(kind: ErrorKind) -> JwtError {
    match kind {
        ErrorKind::ExpiredSignature => JwtError::Expired,
        ErrorKind::ImmatureSignature => JwtError::NotYetValid,
        ErrorKind::InvalidIssuer => JwtError::WrongIssuer,
        ErrorKind::InvalidAudience => JwtError::WrongAudience,
        ErrorKind::InvalidSignature => JwtError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            JwtError::UnsupportedAlgorithm("mismatch".to_string())
        }
        ErrorKind::MissingRequiredClaim(claim) => JwtError::MissingClaim(claim),
        ErrorKind::Base64(_) => JwtError::Malformed("not base64url"),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => JwtError::Malformed("claims are not JSON"),
        _ => JwtError::Malformed("token cannot be decoded"),
    }
}

fn key_file_error(path: &Path, problem: impl Into<String>) -> JwtError {
    JwtError::KeyFile {
        path: path.display().to_string(),
        problem: problem.into(),
    }
}

/// A PEM public key: RSA (RS256) or EC P-256 (ES256).
fn pem_key(path: &Path) -> Result<Key, JwtError> {
    let pem = std::fs::read(path).map_err(|e| key_file_error(path, e.to_string()))?;
    if !pem.starts_with(b"-----BEGIN") {
        return Err(key_file_error(path, "not a PEM file"));
    }
    if pem
        .windows(b"PRIVATE KEY".len())
        .any(|w| w == b"PRIVATE KEY")
    {
        return Err(key_file_error(
            path,
            "holds a private key; give the public key (-----BEGIN PUBLIC KEY-----)",
        ));
    }
    let (algorithm, key) = if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
        (Algorithm::RS256, key)
    } else if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
        (Algorithm::ES256, key)
    } else {
        return Err(key_file_error(
            path,
            "not an RSA or EC P-256 public key (-----BEGIN PUBLIC KEY-----)",
        ));
    };
    Ok(Key {
        kid: None,
        algorithm,
        key,
    })
}

/// The signing keys of a JWKS file: RSA and EC P-256 keys not marked for encryption.
fn jwks_keys(path: &Path) -> Result<Vec<Key>, JwtError> {
    let text = std::fs::read(path).map_err(|e| key_file_error(path, e.to_string()))?;
    let set: Value = serde_json::from_slice(&text)
        .map_err(|e| key_file_error(path, format!("not JSON: {e}")))?;
    let entries = set
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| key_file_error(path, "no \"keys\" array"))?;
    let mut keys = Vec::new();
    let mut kids = HashSet::new();
    for (i, jwk) in entries.iter().enumerate() {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        if field("use").is_some_and(|u| u != "sig") {
            continue;
        }
        let bad = |problem: &str| key_file_error(path, format!("keys[{i}]: {problem}"));
        let (algorithm, key) = match (field("kty"), field("crv")) {
            (Some("RSA"), _) => {
                let (Some(n), Some(e)) = (field("n"), field("e")) else {
                    return Err(bad("RSA key without n and e"));
                };
                let key = DecodingKey::from_rsa_components(n, e)
                    .map_err(|_| bad("RSA n or e is not base64url"))?;
                (Algorithm::RS256, key)
            }
            (Some("EC"), Some("P-256")) => {
                let (Some(x), Some(y)) = (field("x"), field("y")) else {
                    return Err(bad("EC key without x and y"));
                };
                let key = DecodingKey::from_ec_components(x, y)
                    .map_err(|_| bad("EC x or y is not base64url"))?;
                (Algorithm::ES256, key)
            }
            _ => continue, // other key types and curves are not used for RS256/ES256
        };
        let declared = field("alg");
        if declared.is_some_and(|a| a != format!("{algorithm:?}")) {
            continue; // e.g. an RSA key published for PS256 only
        }
        let kid = field("kid").map(str::to_string);
        if let Some(kid) = &kid
            && !kids.insert(kid.clone())
        {
            return Err(bad(&format!("duplicate kid '{kid}'")));
        }
        keys.push(Key {
            kid,
            algorithm,
            key,
        });
    }
    if keys.is_empty() {
        return Err(key_file_error(
            path,
            "no RSA or EC P-256 signing key in \"keys\"",
        ));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_from_array_string_and_nested_path() {
        let c = json!({
            "roles": ["steward", "reader"],
            "scope": "a b,c",
            "realm_access": {"roles": ["admin"]},
            "https://mpi.example/roles": ["x"],
            "bad": 3
        });
        assert_eq!(roles(&c, "roles").unwrap(), ["steward", "reader"]);
        assert_eq!(roles(&c, "scope").unwrap(), ["a", "b", "c"]);
        assert_eq!(roles(&c, "realm_access.roles").unwrap(), ["admin"]);
        assert_eq!(roles(&c, "https://mpi.example/roles").unwrap(), ["x"]);
        assert!(roles(&c, "missing.path").unwrap().is_empty());
        assert!(matches!(roles(&c, "bad"), Err(JwtError::Malformed(_))));
    }

    #[test]
    fn settings_have_defaults_and_refuse_unknown_keys() {
        let s: JwtSettings = toml::from_str("issuer = \"i\"\naudience = \"a\"\n").unwrap();
        assert_eq!(s.roles_claim, "roles");
        assert_eq!(s.leeway_seconds, 60);
        assert!(s.public_keys.is_empty() && s.jwks_file.is_none());
        let e = toml::from_str::<JwtSettings>("issuer = \"i\"\naudience = \"a\"\nkeys = []\n")
            .unwrap_err();
        assert!(e.to_string().contains("keys"), "{e}");
    }
}
