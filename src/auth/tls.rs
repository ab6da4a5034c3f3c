//! The TLS server configuration (rustls 0.23 over `ring`) from PEM files.
//!
//! The `ring` provider is passed to the builder explicitly, so no process-wide default
//! provider has to be installed and `aws-lc-rs` is never needed. ALPN (`http/1.1`) is
//! added by actix-web when it listens.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why a certificate or key could not be used; names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("tls certificate file {path}: {problem}")]
    Certificate { path: String, problem: String },
    #[error("tls key file {path}: {problem}")]
    Key { path: String, problem: String },
    #[error("tls certificate {cert} and key {key} do not make a server configuration: {problem}")]
    Config {
        cert: String,
        key: String,
        problem: String,
    },
}

/// A server configuration from a PEM certificate chain (leaf first) and a PEM private
/// key (PKCS#8, or the older PKCS#1 RSA / SEC1 EC forms), RSA or EC.
pub fn server_config(cert_pem: &Path, key_pem: &Path) -> Result<ServerConfig, TlsError> {
    server_config_verifying(cert_pem, key_pem, None)
}

/// As `server_config`; with `client_ca` (a PEM file of CA certificates) clients must
/// present a certificate issued by one of them (mutual TLS, used by the MLLP listener).
pub fn server_config_verifying(
    cert_pem: &Path,
    key_pem: &Path,
    client_ca: Option<&Path>,
) -> Result<ServerConfig, TlsError> {
    let certificate = |problem: String| TlsError::Certificate {
        path: cert_pem.display().to_string(),
        problem,
    };
    let chain = CertificateDer::pem_file_iter(cert_pem)
        .map_err(|e| certificate(pem_problem(&e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| certificate(pem_problem(&e)))?;
    if chain.is_empty() {
        return Err(certificate(
            "no certificate (-----BEGIN CERTIFICATE-----) found".to_string(),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key_pem).map_err(|e| TlsError::Key {
        path: key_pem.display().to_string(),
        problem: match e {
            pem::Error::NoItemsFound => {
                "no private key (-----BEGIN PRIVATE KEY-----) found".to_string()
            }
            other => pem_problem(&other),
        },
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // a key that is PEM but not a usable RSA/EC key is the key file's fault
    provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|e| TlsError::Key {
            path: key_pem.display().to_string(),
            problem: format!("not a usable RSA or EC private key: {e}"),
        })?;
    let config_error = |problem: String| TlsError::Config {
        cert: cert_pem.display().to_string(),
        key: key_pem.display().to_string(),
        problem,
    };
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| config_error(e.to_string()))?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => builder.with_client_cert_verifier(client_verifier(ca, provider)?),
    };
    builder.with_single_cert(chain, key).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => {
            config_error("the private key does not belong to the certificate".to_string())
        }
        other => config_error(other.to_string()),
    })
}

/// Verifies client certificates against the CA certificates in `ca_pem`.
fn client_verifier(
    ca_pem: &Path,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, TlsError> {
    let certificate = |problem: String| TlsError::Certificate {
        path: ca_pem.display().to_string(),
        problem,
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_pem).map_err(|e| certificate(pem_problem(&e)))? {
        let cert = cert.map_err(|e| certificate(pem_problem(&e)))?;
        roots
            .add(cert)
            .map_err(|e| certificate(format!("not a usable CA certificate: {e}")))?;
    }
    if roots.is_empty() {
        return Err(certificate("no CA certificate found".to_string()));
    }
    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| certificate(format!("cannot verify clients with it: {e}")))
}

/// A PEM reading error in words (without file contents).
fn pem_problem(error: &pem::Error) -> String {
    match error {
        pem::Error::Io(e) => e.to_string(),
        pem::Error::NoItemsFound => "nothing usable found in the PEM file".to_string(),
        pem::Error::MissingSectionEnd { .. } => "a PEM section has no END line".to_string(),
        pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed".to_string(),
        pem::Error::Base64Decode(_) => "a PEM section is not valid base64".to_string(),
        _ => "not a valid PEM file".to_string(),
    }
}
