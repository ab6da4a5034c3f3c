//! HTTPS: the real server over rustls (ring) with a certificate made at test time, a
//! client trusting that certificate gets `/healthz`; plain HTTP to the TLS port and a
//! client that does not trust the certificate fail; bad certificate or key files give
//! errors that name the file.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mpi::auth::tls::{TlsError, server_config};

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM files;
/// the key is a fresh EC P-256 key, or the given PKCS#8 PEM key.
struct SelfSigned {
    cert: PathBuf,
    key: PathBuf,
    cert_pem: String,
}

fn self_signed(dir: &Path, name: &str, key_pem: Option<&str>) -> SelfSigned {
    let key_pair = match key_pem {
        Some(pem) => rcgen::KeyPair::from_pem(pem).unwrap(),
        None => rcgen::KeyPair::generate().unwrap(),
    };
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert = params.self_signed(&key_pair).unwrap();
    let files = SelfSigned {
        cert: dir.join(format!("{name}.crt.pem")),
        key: dir.join(format!("{name}.key.pem")),
        cert_pem: cert.pem(),
    };
    std::fs::write(&files.cert, &files.cert_pem).unwrap();
    std::fs::write(&files.key, key_pair.serialize_pem()).unwrap();
    files
}

/// The real server with TLS on a free loopback port over a fresh SQLite database.
async fn spawn_tls_app(tls: rustls::ServerConfig) -> (u16, common::db::TestDb, String) {
    let db = common::db::sqlite();
    let store = mpi::store::Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let service = mpi::identity::Service::open(store, None, mpi::matching::Model::default_model())
        .await
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let service = Arc::new(service);
    let roles = mpi::auth::Roles::parse_list("steward").unwrap();
    let (_, key) = mpi::auth::keys::create(&service.store, "sam", roles, "test")
        .await
        .unwrap();
    let options = mpi::api::ServerOptions {
        tls: Some(tls),
        ..Default::default()
    };
    let server = mpi::api::server_with(service, listener, options).unwrap();
    tokio::spawn(server);
    (port, db, key)
}

fn trusting(cert_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .build()
        .unwrap()
}

async fn serves_https_with(files: &SelfSigned) {
    let (port, _db, key) = spawn_tls_app(server_config(&files.cert, &files.key).unwrap()).await;
    let client = trusting(&files.cert_pem);
    for host in ["localhost", "127.0.0.1"] {
        let r = client
            .get(format!("https://{host}:{port}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }
    // over TLS the web page's session cookie is Secure (and HttpOnly, SameSite=Strict)
    let r = client
        .post(format!("https://localhost:{port}/v1/session"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    for attribute in [
        "mpi_session=",
        "HttpOnly",
        "SameSite=Strict",
        "Secure",
        "Path=/",
    ] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }

    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP to the TLS port must fail");

    let untrusting = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    let r = untrusting
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await;
    assert!(r.is_err(), "a client that does not trust the certificate");
}

#[tokio::test]
async fn serves_https_with_an_ec_key() {
    let dir = tempfile::tempdir().unwrap();
    serves_https_with(&self_signed(dir.path(), "ec", None)).await;
}

#[tokio::test]
async fn serves_https_with_an_rsa_key() {
    let dir = tempfile::tempdir().unwrap();
    // the committed RSA test key (PKCS#8), reused here: rcgen over ring cannot make one
    let rsa = std::fs::read_to_string(common::jwt::key_file("rs-1.key.pem")).unwrap();
    serves_https_with(&self_signed(dir.path(), "rsa", Some(&rsa))).await;
}

#[test]
fn bad_files_give_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = self_signed(dir.path(), "good", None);
    let other = self_signed(dir.path(), "other", None);
    let missing = dir.path().join("missing.pem");
    let garbled = dir.path().join("garbled.pem");
    std::fs::write(
        &garbled,
        "-----BEGIN PRIVATE KEY-----\n@@not base64@@\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let not_a_key = dir.path().join("not-a-key.pem");
    std::fs::write(
        &not_a_key,
        "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();

    let key_error = |key: &Path, problem: &str| {
        let e = server_config(&good.cert, key).unwrap_err();
        let message = e.to_string();
        assert!(matches!(e, TlsError::Key { .. }), "{message}");
        assert!(message.contains(&key.display().to_string()), "{message}");
        assert!(message.contains(problem), "{message}");
    };
    key_error(&missing, "No such file");
    key_error(&garbled, "not valid base64");
    key_error(&not_a_key, "not a usable RSA or EC private key");
    key_error(&empty, "no private key");
    key_error(&good.cert, "no private key");

    let e = server_config(&missing, &good.key).unwrap_err();
    assert!(matches!(e, TlsError::Certificate { .. }), "{e}");
    assert!(e.to_string().contains("missing.pem"), "{e}");
    let e = server_config(&good.key, &good.key).unwrap_err();
    assert!(e.to_string().contains("no certificate"), "{e}");

    let e = server_config(&good.cert, &other.key).unwrap_err();
    assert!(matches!(e, TlsError::Config { .. }), "{e}");
    assert!(
        e.to_string().contains("does not belong to the certificate"),
        "{e}"
    );
}
