//! JWT verification: RS256 and ES256 tokens signed with the committed test keys pass
//! with their roles; every kind of bad token is refused with its own error, and no
//! error message repeats the token.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use common::jwt::{AUDIENCE, ISSUER, claims, key_file, mint, mint_with, now, settings};
use mpi::auth::jwt::{JwtError, JwtSettings, JwtVerifier};

fn verifier() -> JwtVerifier {
    JwtVerifier::load(&settings()).unwrap()
}

fn pem_verifier() -> JwtVerifier {
    JwtVerifier::load(&JwtSettings {
        public_keys: vec![key_file("rs-1.pub.pem"), key_file("es-1.pub.pem")],
        jwks_file: None,
        ..settings()
    })
    .unwrap()
}

/// Verifies and checks that an error message does not contain the token.
fn verify(v: &JwtVerifier, token: &str) -> Result<mpi::auth::jwt::Claims, JwtError> {
    let result = v.verify(token);
    if let Err(e) = &result {
        let message = e.to_string();
        for part in token.split('.').filter(|p| p.len() > 8) {
            assert!(
                !message.contains(part),
                "error repeats the token: {message}"
            );
        }
    }
    result
}

fn with(mut c: Value, key: &str, value: Value) -> Value {
    c[key] = value;
    c
}

fn without(mut c: Value, key: &str) -> Value {
    c.as_object_mut().unwrap().remove(key);
    c
}

/// A token from raw header and claims JSON with the given signature bytes.
fn raw_token(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

#[test]
fn valid_rs256_and_es256_tokens_verify_with_their_roles() {
    for v in [verifier(), pem_verifier()] {
        for alg in ["RS256", "ES256"] {
            let c = claims("steward-7", &["mpi.steward", "mpi.reader"]);
            let got = verify(&v, &mint(alg, c.clone())).unwrap();
            assert_eq!(got.subject, "steward-7");
            assert_eq!(got.roles, ["mpi.steward", "mpi.reader"]);
            assert_eq!(got.expires_at, c["exp"].as_i64().unwrap());
        }
    }
}

#[test]
fn tokens_without_kid_try_each_key_of_their_type() {
    let v = verifier();
    for (alg, key) in [("RS256", "rs-1.key.pem"), ("ES256", "es-1.key.pem")] {
        let token = mint_with(alg, key, None, &claims("u", &["r"]));
        assert_eq!(verify(&v, &token).unwrap().subject, "u");
    }
}

#[test]
fn an_unknown_kid_is_an_unknown_key() {
    let token = mint_with("RS256", "rs-1.key.pem", Some("rs-9"), &claims("u", &[]));
    assert!(matches!(
        verify(&verifier(), &token),
        Err(JwtError::UnknownKey)
    ));
    // PEM keys carry no kid: any kid is tried against them
    assert!(verify(&pem_verifier(), &token).is_ok());
}

#[test]
fn expired_and_not_yet_valid_tokens_are_refused_with_leeway() {
    let v = verifier();
    let expired = with(claims("u", &[]), "exp", json!(now() - 120));
    assert!(matches!(
        verify(&v, &mint("RS256", expired)),
        Err(JwtError::Expired)
    ));
    let within_leeway = with(claims("u", &[]), "exp", json!(now() - 10));
    assert!(verify(&v, &mint("ES256", within_leeway)).is_ok());
    let early = with(claims("u", &[]), "nbf", json!(now() + 600));
    assert!(matches!(
        verify(&v, &mint("ES256", early)),
        Err(JwtError::NotYetValid)
    ));
    let started = with(claims("u", &[]), "nbf", json!(now() - 5));
    assert!(verify(&v, &mint("RS256", started)).is_ok());
}

#[test]
fn wrong_issuer_and_audience_are_refused() {
    let v = verifier();
    let issuer = with(claims("u", &[]), "iss", json!("https://evil.test"));
    assert!(matches!(
        verify(&v, &mint("RS256", issuer)),
        Err(JwtError::WrongIssuer)
    ));
    let audience = with(claims("u", &[]), "aud", json!("billing"));
    assert!(matches!(
        verify(&v, &mint("RS256", audience)),
        Err(JwtError::WrongAudience)
    ));
    let among = with(claims("u", &[]), "aud", json!(["billing", AUDIENCE]));
    assert!(verify(&v, &mint("ES256", among)).is_ok());
    let missing_aud = without(claims("u", &[]), "aud");
    assert!(matches!(
        verify(&v, &mint("RS256", missing_aud)),
        Err(JwtError::MissingClaim(c)) if c == "aud"
    ));
}

#[test]
fn missing_exp_is_refused() {
    let token = mint("RS256", without(claims("u", &[]), "exp"));
    assert!(matches!(
        verify(&verifier(), &token),
        Err(JwtError::MissingClaim(c)) if c == "exp"
    ));
}

#[test]
fn a_tampered_payload_fails_the_signature() {
    let token = mint("RS256", claims("reader", &["mpi.reader"]));
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let forged = claims("reader", &["mpi.admin"]);
    parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
    let tampered = parts.join(".");
    assert!(matches!(
        verify(&verifier(), &tampered),
        Err(JwtError::BadSignature)
    ));
    let es = mint("ES256", claims("reader", &[]));
    let mut parts: Vec<&str> = es.split('.').collect();
    let body = URL_SAFE_NO_PAD.encode(forged.to_string());
    parts[1] = &body;
    assert!(matches!(
        verify(&verifier(), &parts.join(".")),
        Err(JwtError::BadSignature)
    ));
}

#[test]
fn a_token_signed_with_another_key_fails_the_signature() {
    let v = verifier();
    for (alg, key, kid) in [
        ("RS256", "other-rs.key.pem", "rs-1"),
        ("ES256", "other-es.key.pem", "es-1"),
    ] {
        let with_kid = mint_with(alg, key, Some(kid), &claims("u", &[]));
        assert!(matches!(verify(&v, &with_kid), Err(JwtError::BadSignature)));
        let no_kid = mint_with(alg, key, None, &claims("u", &[]));
        assert!(matches!(verify(&v, &no_kid), Err(JwtError::BadSignature)));
    }
}

#[test]
fn alg_none_is_unsupported() {
    let token = raw_token(
        &json!({"alg": "none", "typ": "JWT"}),
        &claims("u", &["mpi.admin"]),
        b"",
    );
    let token = token.trim_end_matches('.').to_string() + ".";
    assert!(matches!(
        verify(&verifier(), &token),
        Err(JwtError::UnsupportedAlgorithm(a)) if a == "none"
    ));
}

#[test]
fn hs256_signed_with_the_public_key_is_unsupported() {
    // the classic confusion: the public key bytes used as the HMAC secret
    for (kid, public) in [("rs-1", "rs-1.pub.pem"), ("es-1", "es-1.pub.pem")] {
        let secret = std::fs::read(key_file(public)).unwrap();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid.to_string());
        let token = jsonwebtoken::encode(
            &header,
            &claims("u", &["mpi.admin"]),
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .unwrap();
        for v in [verifier(), pem_verifier()] {
            assert!(matches!(
                verify(&v, &token),
                Err(JwtError::UnsupportedAlgorithm(a)) if a == "HS256"
            ));
        }
    }
}

#[test]
fn an_algorithm_without_a_configured_key_is_unsupported() {
    let rsa_only = JwtVerifier::load(&JwtSettings {
        public_keys: vec![key_file("rs-1.pub.pem")],
        jwks_file: None,
        ..settings()
    })
    .unwrap();
    let es = mint("ES256", claims("u", &[]));
    assert!(matches!(
        verify(&rsa_only, &es),
        Err(JwtError::UnsupportedAlgorithm(a)) if a == "ES256"
    ));
    let ps = raw_token(&json!({"alg": "PS256"}), &claims("u", &[]), b"sig");
    assert!(matches!(
        verify(&verifier(), &ps),
        Err(JwtError::UnsupportedAlgorithm(a)) if a == "PS256"
    ));
}

#[test]
fn malformed_tokens_are_malformed() {
    let v = verifier();
    for token in ["", "abc", "a.b", "a.b.c.d", "!!.e30.e30", "e30.e30.e30"] {
        assert!(
            matches!(verify(&v, token), Err(JwtError::Malformed(_))),
            "{token}"
        );
    }
    let good = mint("RS256", claims("u", &[]));
    let (header, _) = good.split_once('.').unwrap();
    let not_json = format!("{header}.{}.{}", URL_SAFE_NO_PAD.encode("nope"), "c2ln");
    assert!(matches!(
        verify(&v, &not_json),
        Err(JwtError::BadSignature | JwtError::Malformed(_))
    ));
}

#[test]
fn roles_as_string_array_or_nested_path() {
    let base = claims("u", &[]);
    let string = with(
        base.clone(),
        "roles",
        json!("mpi.reader mpi.steward,mpi.admin"),
    );
    assert_eq!(
        verify(&verifier(), &mint("RS256", string)).unwrap().roles,
        ["mpi.reader", "mpi.steward", "mpi.admin"]
    );
    let none = without(base.clone(), "roles");
    assert!(
        verify(&verifier(), &mint("ES256", none))
            .unwrap()
            .roles
            .is_empty()
    );
    let keycloak = JwtVerifier::load(&JwtSettings {
        roles_claim: "realm_access.roles".to_string(),
        ..settings()
    })
    .unwrap();
    let nested = with(
        base.clone(),
        "realm_access",
        json!({"roles": ["mpi.steward", "offline_access"]}),
    );
    assert_eq!(
        verify(&keycloak, &mint("ES256", nested)).unwrap().roles,
        ["mpi.steward", "offline_access"]
    );
    let scope = JwtVerifier::load(&JwtSettings {
        roles_claim: "scope".to_string(),
        ..settings()
    })
    .unwrap();
    let scoped = with(base, "scope", json!("openid mpi.reader"));
    assert_eq!(
        verify(&scope, &mint("RS256", scoped)).unwrap().roles,
        ["openid", "mpi.reader"]
    );
}

#[test]
fn load_errors_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let garbled = dir.path().join("garbled.pem");
    std::fs::write(
        &garbled,
        "-----BEGIN PUBLIC KEY-----\nnotakey\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.pem");
    let private = key_file("rs-1.key.pem");
    let bad_jwks = dir.path().join("jwks.json");
    std::fs::write(&bad_jwks, r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).unwrap();
    let cases = [
        (
            vec![garbled.clone()],
            None,
            "not an RSA or EC P-256 public key",
        ),
        (vec![missing.clone()], None, "No such file"),
        (vec![private.clone()], None, "private key"),
        (
            vec![],
            Some(bad_jwks.clone()),
            "no RSA or EC P-256 signing key",
        ),
        (vec![], Some(garbled.clone()), "not JSON"),
    ];
    for (public_keys, jwks_file, problem) in cases {
        let file = public_keys.first().cloned().or(jwks_file.clone()).unwrap();
        let e = JwtVerifier::load(&JwtSettings {
            public_keys,
            jwks_file,
            ..settings()
        })
        .unwrap_err();
        let message = e.to_string();
        assert!(matches!(e, JwtError::KeyFile { .. }), "{message}");
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert!(message.contains(problem), "{message}");
    }
    let none = JwtVerifier::load(&JwtSettings {
        jwks_file: None,
        ..settings()
    })
    .unwrap_err();
    assert!(none.to_string().contains("no keys"), "{none}");
}

#[test]
fn settings_deserialize_from_a_jwt_table() {
    #[derive(serde::Deserialize)]
    struct File {
        jwt: JwtSettings,
    }
    let text = format!(
        "[jwt]\nissuer = \"{ISSUER}\"\naudience = \"{AUDIENCE}\"\njwks_file = \"{}\"\n\
         roles_claim = \"realm_access.roles\"\nleeway_seconds = 5\n",
        key_file("jwks.json").display()
    );
    let file: File = toml::from_str(&text).unwrap();
    assert_eq!(file.jwt.leeway_seconds, 5);
    assert!(JwtVerifier::load(&file.jwt).is_ok());
}
