//! MLLP over TLS with client certificates (mutual TLS): a client holding a certificate
//! from the configured CA is answered and audited under its certificate; a client
//! without one, and a plain TCP client, get nothing, and the listener carries on.

mod common;

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Issued {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

fn ca() -> Issued {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test hospital CA");
    Issued {
        cert: params.self_signed(&key).unwrap(),
        key,
    }
}

fn leaf(ca: &Issued, names: &[&str], usage: rcgen::ExtendedKeyUsagePurpose) -> Issued {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    params.extended_key_usages = vec![usage];
    Issued {
        cert: params.signed_by(&key, &ca.cert, &ca.key).unwrap(),
        key,
    }
}

fn client_config(ca: &Issued, client: Option<&Issued>) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.cert.der().clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots);
    Arc::new(match client {
        Some(c) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(c.cert.der().to_vec())],
                PrivateKeyDer::from(PrivatePkcs8KeyDer::from(c.key.serialize_der())),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    })
}

const A04: &str = "MSH|^~\\&|ADT_SYS|HOSP_T|MPI|MPI|20250301101500||ADT^A04^ADT_A01|TLS-0001|P|2.5.1\r\
                   PID|1||TL-5501^^^HOSP_T^MR||KOWALCZYK^IRENA||19580723|F\r";

/// Sends one framed message and reads the answer; `None` when the server closed or
/// refused the connection.
async fn exchange(
    addr: std::net::SocketAddr,
    config: Arc<rustls::ClientConfig>,
    message: &str,
) -> Option<String> {
    let tcp = tokio::net::TcpStream::connect(addr).await.ok()?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.ok()?;
    tls.write_all(&mpi::mllp::frame::encode(message))
        .await
        .ok()?;
    tls.flush().await.ok()?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.ends_with(&[0x1C, 0x0D]) {
        let n = tls.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        answer.extend_from_slice(&buffer[..n]);
    }
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn mllp_over_mutual_tls() {
    common::logs::record_phi(
        &serde_json::json!({"source_id": "TL-5501", "family_name": "KOWALCZYK",
            "given_name": "IRENA", "birth_date": "19580723"})
        .to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = ca();
    let server = leaf(
        &ca,
        &["localhost"],
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    );
    let client = leaf(
        &ca,
        &["feed.hospital.test"],
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    );
    let (cert, key, ca_file) = (
        dir.path().join("server.pem"),
        dir.path().join("server.key"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&cert, server.cert.pem()).unwrap();
    std::fs::write(&key, server.key.serialize_pem()).unwrap();
    std::fs::write(&ca_file, ca.cert.pem()).unwrap();
    let tls = mpi::auth::tls::server_config_verifying(&cert, &key, Some(&ca_file)).unwrap();

    let db = common::db::sqlite();
    let store = mpi::store::Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let service = Arc::new(
        mpi::identity::Service::open(store, None, mpi::matching::Model::default_model())
            .await
            .unwrap(),
    );
    let options = mpi::mllp::MllpOptions {
        tls: Some(Arc::new(tls)),
        ..Default::default()
    };
    let listener = mpi::mllp::Listener::bind("127.0.0.1:0", options)
        .await
        .unwrap();
    let handle = listener
        .spawn(Arc::new(mpi::mllp::Handler::new(service.clone())))
        .unwrap();
    let addr = handle.addr;

    // no client certificate: no answer
    assert_eq!(exchange(addr, client_config(&ca, None), A04).await, None);
    // plain TCP to the TLS port: no answer either
    let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
    plain
        .write_all(&mpi::mllp::frame::encode(A04))
        .await
        .unwrap();
    let mut buffer = [0u8; 1024];
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(10), plain.read(&mut buffer)).await;
    assert!(
        !matches!(read, Ok(Ok(n)) if n > 0 && buffer[..n].windows(4).any(|w| w == b"MSA|")),
        "no HL7 answer over plain TCP"
    );
    // a client certificate from the CA: answered and recorded
    let answer = exchange(addr, client_config(&ca, Some(&client)), A04)
        .await
        .expect("an answer over mutual TLS");
    assert!(answer.contains("MSA|AA|TLS-0001"), "{answer}");
    let view = service.record("HOSP_T", "TL-5501").await.unwrap();
    assert_eq!(view.version, 1);

    // the audit entry names the certificate, not the message's MSH-3/MSH-4
    let entries = mpi::audit::query(
        &service.store,
        &mpi::audit::Filter {
            action: Some("hl7.ADT^A04".to_string()),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0].entry.actor.starts_with("hl7:cert:"),
        "{entries:?}"
    );
    handle.stop().await;
}
