//! `mpi serve`: the identity service. On a fresh database it mints an admin API key and
//! prints it once; `--demo` loads sample records and mints a steward and an integration
//! key to try them with.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::StateArgs;
use mpi::api::ServerOptions;
use mpi::api::admin::{IdentityProviderShown, ShownConfig};
use mpi::auth::limiter::RateLimit;
use mpi::auth::{Role, Roles, keys};
use mpi::identity::Service;
use mpi::store::Store;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MPI_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Also listen for HL7 v2 over MLLP on this address (e.g. 0.0.0.0:2575); over TLS
    /// when --tls-cert/--tls-key are given.
    #[arg(long, env = "MPI_MLLP")]
    mllp: Option<String>,
    /// MLLP over TLS: require client certificates issued by this PEM CA (mutual TLS).
    #[arg(long, env = "MPI_MLLP_CLIENT_CA", requires = "tls_cert")]
    mllp_client_ca: Option<PathBuf>,
    /// Load the sample records (testdata/small.csv, 24 patients' records from four
    /// sources) when the database is empty, and mint demo keys to try them with.
    #[arg(long)]
    demo: bool,
    /// Model file (default: the shipped models/default.json).
    #[arg(long, env = "MPI_MODEL")]
    model: Option<PathBuf>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "MPI_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "MPI_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Requests per second each credential may make (429 beyond, with Retry-After).
    #[arg(long, env = "MPI_RATE_LIMIT", default_value_t = 1000.0)]
    rate_limit: f64,
    /// Requests a credential may make at once before the rate applies.
    #[arg(long, env = "MPI_RATE_BURST", default_value_t = 2000.0)]
    rate_burst: f64,
    /// Seconds a request may take before the client is answered 503.
    #[arg(long, env = "MPI_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// Identity provider: the tokens' issuer (`iss`); enables JWT bearer credentials.
    #[arg(long, env = "MPI_JWT_ISSUER", requires = "jwt_audience")]
    jwt_issuer: Option<String>,
    /// Identity provider: this service's audience (`aud`).
    #[arg(long, env = "MPI_JWT_AUDIENCE", requires = "jwt_issuer")]
    jwt_audience: Option<String>,
    /// Identity provider: a JWKS file of its public keys.
    #[arg(long, env = "MPI_JWT_JWKS_FILE")]
    jwt_jwks_file: Option<PathBuf>,
    /// Identity provider: PEM public key files (comma-separated).
    #[arg(long, env = "MPI_JWT_PUBLIC_KEYS", value_delimiter = ',')]
    jwt_public_keys: Vec<PathBuf>,
    /// Identity provider: the claim holding the roles (dotted path, e.g. realm_access.roles).
    #[arg(long, env = "MPI_JWT_ROLES_CLAIM", default_value = "roles")]
    jwt_roles_claim: String,
    /// Webhooks: milliseconds to wait after a delivery's first failure (doubled after
    /// each further one, with jitter).
    #[arg(long, env = "MPI_WEBHOOK_INITIAL_DELAY_MS", default_value_t = 1000)]
    webhook_initial_delay_ms: u64,
    /// Webhooks: the longest wait between attempts, milliseconds.
    #[arg(long, env = "MPI_WEBHOOK_MAX_DELAY_MS", default_value_t = 600_000)]
    webhook_max_delay_ms: u64,
    /// Webhooks: attempts before a delivery is dead-lettered.
    #[arg(long, env = "MPI_WEBHOOK_MAX_ATTEMPTS", default_value_t = 12)]
    webhook_max_attempts: u32,
    /// Webhooks: seconds one delivery request may take (slower counts as a failure).
    #[arg(long, env = "MPI_WEBHOOK_TIMEOUT", default_value_t = 10)]
    webhook_timeout: u64,
    /// Webhooks: how often to look for new events and due retries, milliseconds.
    #[arg(long, env = "MPI_WEBHOOK_POLL_INTERVAL_MS", default_value_t = 500)]
    webhook_poll_interval_ms: u64,
    /// Send HL7 v2 ADT^A40 over MLLP to this `host:port` when persons merge (a
    /// subscription to `persons.merged` with the webhooks' retries and dead letters).
    #[arg(long, env = "MPI_A40_DESTINATION")]
    a40_destination: Option<String>,
    #[command(flatten)]
    state: StateArgs,
}

/// Where `serve --demo` writes its demo keys, in the data folder.
const DEMO_KEYS: &str = "demo-keys.env";

/// Writes `text` to a new file only its owner may read.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// The sample records loaded by `serve --demo`.
const DEMO_CSV: &str = include_str!("../../testdata/small.csv");

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let model = crate::load_model(args.model.as_deref())?;
    let options = options(&args)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = args.state.open_store().await?;
        let index_dir = args.state.data_dir.join("index");
        let service = Arc::new(Service::open(store, Some(index_dir.as_path()), model).await?);
        let mut keys_minted = first_start_admin(&service.store).await?;
        if let Some(destination) = &args.a40_destination {
            if mpi::webhooks::a40::destination(&format!("mllp://{destination}")).is_none() {
                anyhow::bail!("--a40-destination must be host:port (got '{destination}')");
            }
            let id = mpi::webhooks::ensure_a40(&service.store, destination).await?;
            tracing::info!(subscription = id, "ADT^A40 on merges to the MLLP destination");
        }
        if args.demo {
            keys_minted.extend(load_demo(&service, &args.state.data_dir).await?);
        }
        let mllp = match &args.mllp {
            Some(addr) => Some(start_mllp(&args, addr, &service).await?),
            None => None,
        };
        let scheme = if args.tls_cert.is_some() { "https" } else { "http" };
        let base = format!("{scheme}://{}", args.bind);
        // stdout is for people (addresses, keys); stderr carries the JSON logs
        println!(
            "mpi {} serving on {base} (data in {}, model {})\n  review queue (browser): {base}/ui\n  API documentation: {base}/docs\n  try: curl {base}/readyz",
            env!("CARGO_PKG_VERSION"),
            args.state.data_dir.display(),
            service.model_version(),
        );
        if let Some(handle) = &mllp {
            let tls = if args.tls_cert.is_some() { " over TLS" } else { "" };
            println!("  HL7 v2 over MLLP{tls}: {}", handle.addr);
        }
        for (what, key) in &keys_minted {
            println!("{what}:\n  {key}");
        }
        if !keys_minted.is_empty() {
            println!(
                "These keys are shown only now. Send one as 'Authorization: Bearer <key>', or paste a \
                 reviewer or steward key into the sign-in form of {base}/ui.\nMore: mpi token create \
                 --name NAME --role ROLE (roles: integration, reviewer, steward, auditor, admin)."
            );
        }
        mpi::api::serve(service.clone(), &args.bind, options).await?;
        if let Some(handle) = mllp {
            handle.stop().await;
            service.commit_index().await?;
        }
        Ok(())
    })
}

/// Binds and starts the MLLP listener beside the HTTP server, sharing the service.
async fn start_mllp(
    args: &ServeArgs,
    addr: &str,
    service: &Arc<Service>,
) -> anyhow::Result<mpi::mllp::MllpHandle> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Arc::new(mpi::auth::tls::server_config_verifying(
            cert,
            key,
            args.mllp_client_ca.as_deref(),
        )?)),
        _ => None,
    };
    let options = mpi::mllp::MllpOptions {
        tls,
        ..mpi::mllp::MllpOptions::default()
    };
    let listener = mpi::mllp::Listener::bind(addr, options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for MLLP on {addr}: {e}"))?;
    let handler = Arc::new(mpi::mllp::Handler::new(service.clone()));
    Ok(listener.spawn(handler)?)
}

fn options(args: &ServeArgs) -> anyhow::Result<ServerOptions> {
    if !(args.rate_limit > 0.0 && args.rate_burst >= 1.0) {
        anyhow::bail!("--rate-limit must be above 0 and --rate-burst at least 1");
    }
    if args.request_timeout == 0 {
        anyhow::bail!("--request-timeout must be at least 1 second");
    }
    if args.webhook_initial_delay_ms == 0
        || args.webhook_max_delay_ms < args.webhook_initial_delay_ms
        || args.webhook_max_attempts == 0
        || args.webhook_timeout == 0
        || args.webhook_poll_interval_ms == 0
    {
        anyhow::bail!(
            "webhook settings: --webhook-initial-delay-ms, --webhook-max-attempts, --webhook-timeout and \
             --webhook-poll-interval-ms must be at least 1, and --webhook-max-delay-ms at least the initial delay"
        );
    }
    let webhooks = mpi::webhooks::WebhookOptions {
        backoff: mpi::webhooks::Backoff {
            initial: Duration::from_millis(args.webhook_initial_delay_ms),
            cap: Duration::from_millis(args.webhook_max_delay_ms),
            max_attempts: args.webhook_max_attempts,
        },
        timeout: Duration::from_secs(args.webhook_timeout),
        poll_interval: Duration::from_millis(args.webhook_poll_interval_ms),
    };
    let (jwt, identity_provider) = match (&args.jwt_issuer, &args.jwt_audience) {
        (Some(issuer), Some(audience)) => {
            let settings = mpi::auth::jwt::JwtSettings {
                issuer: issuer.clone(),
                audience: audience.clone(),
                public_keys: args.jwt_public_keys.clone(),
                jwks_file: args.jwt_jwks_file.clone(),
                roles_claim: args.jwt_roles_claim.clone(),
                leeway_seconds: 60,
            };
            let verifier = mpi::auth::jwt::JwtVerifier::load(&settings)?;
            let shown = IdentityProviderShown {
                issuer: issuer.clone(),
                audience: audience.clone(),
                roles_claim: args.jwt_roles_claim.clone(),
            };
            (Some(verifier), Some(shown))
        }
        _ => (None, None),
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(mpi::auth::tls::server_config(cert, key)?),
        _ => None,
    };
    Ok(ServerOptions {
        rate_limit: RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_burst,
        },
        request_timeout: Duration::from_secs(args.request_timeout),
        jwt,
        secure_cookies: args.tls_cert.is_some(),
        shown: ShownConfig {
            bind: Some(args.bind.clone()),
            data_dir: Some(args.state.data_dir.display().to_string()),
            identity_provider,
            ..ShownConfig::default()
        },
        shutdown_timeout: Duration::from_secs(30),
        tls,
        webhooks,
    })
}

/// On a database with no active admin key, mints one (to be printed once).
async fn first_start_admin(store: &Store) -> anyhow::Result<Vec<(String, String)>> {
    if mpi::store::access::has_active_admin(&store.pool).await? {
        return Ok(Vec::new());
    }
    let name = format!("admin-{}", mpi::auth::secret::random_hex(2));
    let (info, key) = keys::create(store, &name, Roles::of(&[Role::Admin]), "mpi serve").await?;
    super::audit_cli(store, "createToken", &[format!("key:{}", info.id)]).await?;
    Ok(vec![(
        format!("First start: admin API key '{name}' (tokens, configuration, metrics)"),
        key,
    )])
}

/// Loads the sample records into an empty database and mints a demo steward and
/// integration key (when no active keys of those names exist). The demo keys are also
/// written to `DATA_DIR/demo-keys.env` (readable by the owner only) for the README's
/// examples: `. data/demo-keys.env`.
async fn load_demo(
    service: &Arc<Service>,
    data_dir: &std::path::Path,
) -> anyhow::Result<Vec<(String, String)>> {
    if service.index.committed_docs() == 0 {
        let mut reader = csv::Reader::from_reader(DEMO_CSV.as_bytes());
        let mut loaded = 0;
        for row in reader.deserialize::<mpi::domain::RawRecord>() {
            service.register(row?, "demo").await?;
            loaded += 1;
        }
        service.commit_index().await?;
        println!("loaded {loaded} sample records");
    }
    let existing = keys::list(&service.store).await?;
    let mut minted = Vec::new();
    let mut env_lines = Vec::new();
    for (name, role) in [
        ("demo-steward", Role::Steward),
        ("demo-integration", Role::Integration),
    ] {
        if existing
            .iter()
            .any(|k| k.name == name && k.revoked_at.is_none())
        {
            continue;
        }
        let (info, key) =
            keys::create(&service.store, name, Roles::of(&[role]), "mpi serve --demo").await?;
        super::audit_cli(&service.store, "createToken", &[format!("key:{}", info.id)]).await?;
        let var = format!("MPI_DEMO_{}", role.name().to_uppercase());
        env_lines.push(format!("export {var}={key}\n"));
        minted.push((
            format!(
                "Demo {} key '{name}' (also ${var} in {})",
                role.name(),
                data_dir.join(DEMO_KEYS).display()
            ),
            key,
        ));
    }
    if !env_lines.is_empty() {
        write_private(&data_dir.join(DEMO_KEYS), &env_lines.concat())?;
    }
    Ok(minted)
}
