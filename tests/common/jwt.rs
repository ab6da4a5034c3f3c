//! Minting JWTs for tests with the committed test keys (`testdata/jwt/`, test-only).

#![allow(dead_code)]

use jsonwebtoken::{Algorithm, EncodingKey, Header};

/// The issuer the test settings expect.
pub const ISSUER: &str = "https://idp.test/realms/hospital";
/// The audience the test settings expect.
pub const AUDIENCE: &str = "mpi";

/// A path under `testdata/jwt/`.
pub fn key_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/jwt")
        .join(name)
}

/// Settings that trust the test keys through the JWKS (`rs-1`, `es-1`).
pub fn settings() -> mpi::auth::jwt::JwtSettings {
    mpi::auth::jwt::JwtSettings {
        issuer: ISSUER.to_string(),
        audience: AUDIENCE.to_string(),
        public_keys: Vec::new(),
        jwks_file: Some(key_file("jwks.json")),
        roles_claim: "roles".to_string(),
        leeway_seconds: 60,
    }
}

/// Now as Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A token signed with the test key for `alg` ("RS256" with kid `rs-1`, "ES256" with
/// kid `es-1`) carrying exactly `claims`.
pub fn mint(alg: &str, claims: serde_json::Value) -> String {
    match alg {
        "RS256" => mint_with("RS256", "rs-1.key.pem", Some("rs-1"), &claims),
        "ES256" => mint_with("ES256", "es-1.key.pem", Some("es-1"), &claims),
        other => panic!("mint: unsupported algorithm {other}"),
    }
}

/// A token signed with the private key in `testdata/jwt/KEY_FILE`, with header `kid`.
pub fn mint_with(
    alg: &str,
    key_file_name: &str,
    kid: Option<&str>,
    claims: &serde_json::Value,
) -> String {
    let pem = std::fs::read(key_file(key_file_name)).unwrap();
    let (algorithm, key) = match alg {
        "RS256" => (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap()),
        "ES256" => (Algorithm::ES256, EncodingKey::from_ec_pem(&pem).unwrap()),
        other => panic!("mint_with: unsupported algorithm {other}"),
    };
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// Valid claims for `sub` with `roles`, expiring in an hour.
pub fn claims(sub: &str, roles: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub,
        "iat": now(), "exp": now() + 3600, "roles": roles
    })
}
