//! PLACEHOLDER until the identity-provider verifier lands.
use std::path::PathBuf;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct JwtSettings {
    pub issuer: String,
    pub audience: String,
    #[serde(default)]
    pub public_keys: Vec<PathBuf>,
    pub jwks_file: Option<PathBuf>,
    #[serde(default)]
    pub roles_claim: String,
    #[serde(default)]
    pub leeway_seconds: u64,
}

pub struct Claims {
    pub subject: String,
    pub roles: Vec<String>,
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("unsupported")]
    Unsupported,
}

pub struct JwtVerifier;

impl JwtVerifier {
    pub fn load(_: &JwtSettings) -> Result<JwtVerifier, JwtError> {
        Err(JwtError::Unsupported)
    }
    pub fn verify(&self, _: &str) -> Result<Claims, JwtError> {
        Err(JwtError::Unsupported)
    }
}
