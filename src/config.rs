//! The settings file. Every setting also has an environment variable and a command-line
//! option; precedence is file < environment < command line. The file fills in the
//! environment variables that are not set, and the command line (clap) wins over both.
//!
//! ```toml
//! bind = "0.0.0.0:8080"           # MPI_BIND
//! data_dir = "/var/lib/mpi"       # MPI_DATA_DIR
//! database_url = "postgres://…"   # MPI_DATABASE_URL
//! model = "/etc/mpi/model.json"   # MPI_MODEL
//! tls_cert = "/etc/mpi/cert.pem"  # MPI_TLS_CERT (with tls_key: serve HTTPS)
//! tls_key = "/etc/mpi/key.pem"    # MPI_TLS_KEY
//! rate_limit = 1000               # MPI_RATE_LIMIT: requests/s per credential
//! rate_burst = 2000               # MPI_RATE_BURST
//! request_timeout = 30            # MPI_REQUEST_TIMEOUT: seconds
//! a40_destination = "engine:2575" # MPI_A40_DESTINATION: ADT^A40 over MLLP on merges
//! mllp = "0.0.0.0:2575"           # MPI_MLLP: HL7 v2 over MLLP (TLS with tls_cert/tls_key)
//! mllp_client_ca = "/etc/mpi/ca.pem"  # MPI_MLLP_CLIENT_CA: require client certificates
//!
//! [jwt]                           # identity provider tokens (optional)
//! issuer = "https://idp.example.org/realms/hospital"   # MPI_JWT_ISSUER
//! audience = "mpi"                                     # MPI_JWT_AUDIENCE
//! jwks_file = "/etc/mpi/jwks.json"                     # MPI_JWT_JWKS_FILE
//! public_keys = ["/etc/mpi/idp.pem"]                   # MPI_JWT_PUBLIC_KEYS (comma-separated)
//! roles_claim = "realm_access.roles"                   # MPI_JWT_ROLES_CLAIM
//!
//! [webhooks]                      # outbound identity events (all optional)
//! initial_delay_ms = 1000         # MPI_WEBHOOK_INITIAL_DELAY_MS: wait after a first failure
//! max_delay_ms = 600000           # MPI_WEBHOOK_MAX_DELAY_MS: longest wait between attempts
//! max_attempts = 12               # MPI_WEBHOOK_MAX_ATTEMPTS: then the delivery is dead
//! timeout = 10                    # MPI_WEBHOOK_TIMEOUT: seconds per request
//! poll_interval_ms = 500          # MPI_WEBHOOK_POLL_INTERVAL_MS: new events and due retries
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file read when neither `--config` nor `MPI_CONFIG` names one, if it exists.
pub const DEFAULT_FILE: &str = "mpi.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub model: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub rate_limit: Option<f64>,
    pub rate_burst: Option<f64>,
    pub request_timeout: Option<u64>,
    pub a40_destination: Option<String>,
    pub mllp: Option<String>,
    pub mllp_client_ca: Option<PathBuf>,
    pub jwt: Option<JwtFile>,
    pub webhooks: Option<WebhooksFile>,
}

/// The `[webhooks]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksFile {
    pub initial_delay_ms: Option<u64>,
    pub max_delay_ms: Option<u64>,
    pub max_attempts: Option<u32>,
    pub timeout: Option<u64>,
    pub poll_interval_ms: Option<u64>,
}

/// The `[jwt]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtFile {
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub jwks_file: Option<PathBuf>,
    #[serde(default)]
    pub public_keys: Vec<PathBuf>,
    pub roles_claim: Option<String>,
}

/// Errors reading the settings file; they name the file and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("settings file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("settings file {path}: {error}")]
    Parse {
        path: String,
        error: toml::de::Error,
    },
}

impl Settings {
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.display().to_string(),
            error,
        })?;
        toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path: path.display().to_string(),
            error,
        })
    }

    /// `(environment variable, value)` for each setting the file gives.
    pub fn as_env(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(v) = &self.bind {
            out.push(("MPI_BIND", v.clone()));
        }
        if let Some(v) = &self.data_dir {
            out.push(("MPI_DATA_DIR", v.display().to_string()));
        }
        if let Some(v) = &self.database_url {
            out.push(("MPI_DATABASE_URL", v.clone()));
        }
        if let Some(v) = &self.model {
            out.push(("MPI_MODEL", v.display().to_string()));
        }
        if let Some(v) = &self.mllp {
            out.push(("MPI_MLLP", v.clone()));
        }
        let paths = [
            ("MPI_TLS_CERT", &self.tls_cert),
            ("MPI_TLS_KEY", &self.tls_key),
            ("MPI_MLLP_CLIENT_CA", &self.mllp_client_ca),
        ];
        for (name, v) in paths {
            if let Some(v) = v {
                out.push((name, v.display().to_string()));
            }
        }
        if let Some(v) = self.rate_limit {
            out.push(("MPI_RATE_LIMIT", v.to_string()));
        }
        if let Some(v) = self.rate_burst {
            out.push(("MPI_RATE_BURST", v.to_string()));
        }
        if let Some(v) = self.request_timeout {
            out.push(("MPI_REQUEST_TIMEOUT", v.to_string()));
        }
        if let Some(v) = &self.a40_destination {
            out.push(("MPI_A40_DESTINATION", v.clone()));
        }
        if let Some(jwt) = &self.jwt {
            if let Some(v) = &jwt.issuer {
                out.push(("MPI_JWT_ISSUER", v.clone()));
            }
            if let Some(v) = &jwt.audience {
                out.push(("MPI_JWT_AUDIENCE", v.clone()));
            }
            if let Some(v) = &jwt.jwks_file {
                out.push(("MPI_JWT_JWKS_FILE", v.display().to_string()));
            }
            if !jwt.public_keys.is_empty() {
                let list: Vec<String> = jwt
                    .public_keys
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                out.push(("MPI_JWT_PUBLIC_KEYS", list.join(",")));
            }
            if let Some(v) = &jwt.roles_claim {
                out.push(("MPI_JWT_ROLES_CLAIM", v.clone()));
            }
        }
        if let Some(w) = &self.webhooks {
            let numbers = [
                ("MPI_WEBHOOK_INITIAL_DELAY_MS", w.initial_delay_ms),
                ("MPI_WEBHOOK_MAX_DELAY_MS", w.max_delay_ms),
                ("MPI_WEBHOOK_MAX_ATTEMPTS", w.max_attempts.map(u64::from)),
                ("MPI_WEBHOOK_TIMEOUT", w.timeout),
                ("MPI_WEBHOOK_POLL_INTERVAL_MS", w.poll_interval_ms),
            ];
            for (name, v) in numbers {
                if let Some(v) = v {
                    out.push((name, v.to_string()));
                }
            }
        }
        out
    }
}

/// The settings file named by `--config FILE` in `args`, else `MPI_CONFIG`, else
/// `mpi.toml` when it exists. `Some(true)` when it was named explicitly (and must exist).
pub fn locate(args: &[String]) -> Option<(PathBuf, bool)> {
    let mut named = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--config=") {
            named = Some(PathBuf::from(v));
        } else if a == "--config" {
            named = args.get(i + 1).map(PathBuf::from);
        }
    }
    if let Some(p) = named {
        return Some((p, true));
    }
    if let Some(p) = std::env::var_os("MPI_CONFIG") {
        return Some((PathBuf::from(p), true));
    }
    let default = PathBuf::from(DEFAULT_FILE);
    default.is_file().then_some((default, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.toml");
        std::fs::write(&good, "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/mpi\"\n").unwrap();
        let s = Settings::load(&good).unwrap();
        assert_eq!(
            s.as_env(),
            vec![
                ("MPI_BIND", "0.0.0.0:9000".to_string()),
                ("MPI_DATA_DIR", "/srv/mpi".to_string())
            ]
        );
        let hooks = dir.path().join("hooks.toml");
        std::fs::write(
            &hooks,
            "[webhooks]\nmax_attempts = 3\ninitial_delay_ms = 250\n",
        )
        .unwrap();
        assert_eq!(
            Settings::load(&hooks).unwrap().as_env(),
            vec![
                ("MPI_WEBHOOK_INITIAL_DELAY_MS", "250".to_string()),
                ("MPI_WEBHOOK_MAX_ATTEMPTS", "3".to_string())
            ]
        );
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "bnid = \"x\"\n").unwrap();
        let e = Settings::load(&bad).unwrap_err().to_string();
        assert!(e.contains("bnid"), "{e}");
    }

    #[test]
    fn an_explicit_config_argument_wins() {
        let args: Vec<String> = ["mpi", "serve", "--config", "x.toml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(locate(&args), Some((PathBuf::from("x.toml"), true)));
        let args: Vec<String> = ["mpi", "--config=y.toml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(locate(&args), Some((PathBuf::from("y.toml"), true)));
    }
}
