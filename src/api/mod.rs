//! The only actix-web user: the `/v1` JSON API, health checks and `mpi serve`.

mod access;
pub mod admin;
mod audit;
mod batch;
mod docs;
pub mod guard;
mod hl7;
pub mod metrics;
pub mod problem;
pub mod request_id;
mod routes;
mod steward;
mod ui;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, web};

use crate::identity::Service;
pub use problem::Problem;
pub use routes::{ROUTES, RouteSpec, matched, read_body_up_to};

use crate::audit::AuditLog;
use crate::auth::authenticate::Authenticator;
use crate::auth::jwt::JwtVerifier;
use crate::auth::limiter::{Limiter, RateLimit};
use admin::ShownConfig;
use guard::Security;
use metrics::Metrics;

/// Largest accepted body of a single-record request.
pub const MAX_BODY: usize = 64 * 1024;

/// Largest accepted body of a batch registration.
pub const MAX_BATCH_BODY: usize = 8 * 1024 * 1024;

/// How often the search index is committed (group commit). Read-your-writes does not
/// depend on it (recent records are served from memory until committed); fewer commits
/// make fewer, larger segments and faster searches.
pub const INDEX_COMMIT_INTERVAL: Duration = Duration::from_secs(1);

/// Most records in one batch registration.
pub const MAX_BATCH_RECORDS: usize = 5000;

/// How the server guards and limits requests.
pub struct ServerOptions {
    pub rate_limit: RateLimit,
    /// The longest a handler may take before the client is answered 503.
    pub request_timeout: Duration,
    /// Verifies identity-provider tokens (JWT) when configured.
    pub jwt: Option<JwtVerifier>,
    /// Mark the session cookie `Secure` (set when serving TLS).
    pub secure_cookies: bool,
    /// The configuration shown to administrators.
    pub shown: ShownConfig,
    /// How long a stopping server waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// Serve HTTPS with this configuration (see `auth::tls::server_config`).
    pub tls: Option<rustls::ServerConfig>,
    /// How webhook deliveries are made and retried.
    pub webhooks: crate::webhooks::WebhookOptions,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            rate_limit: RateLimit::default(),
            request_timeout: Duration::from_secs(30),
            jwt: None,
            secure_cookies: false,
            shown: ShownConfig::default(),
            shutdown_timeout: Duration::from_secs(30),
            tls: None,
            webhooks: Default::default(),
        }
    }
}

/// The state every worker shares.
#[derive(Clone)]
struct Shared {
    service: Arc<Service>,
    security: Arc<Security>,
    metrics: Arc<Metrics>,
    shown: Arc<ShownConfig>,
}

impl Shared {
    fn new(
        service: Arc<Service>,
        options: ServerOptions,
        webhooks: Arc<crate::webhooks::Counters>,
    ) -> Shared {
        let mut shown = options.shown;
        shown.model_version = service.model_version();
        shown.database = format!("{:?}", service.store.backend).to_lowercase();
        shown.tls = options.secure_cookies;
        shown.rate_limit_per_second = options.rate_limit.per_second;
        shown.rate_limit_burst = options.rate_limit.burst;
        shown.request_timeout_seconds = options.request_timeout.as_secs();
        shown.max_body_bytes = MAX_BODY;
        shown.max_batch_body_bytes = MAX_BATCH_BODY;
        shown.max_batch_records = MAX_BATCH_RECORDS;
        shown.session_hours = crate::auth::sessions::SESSION_HOURS;
        let security = Security {
            auth: Authenticator::new(service.store.clone(), options.jwt),
            limiter: Limiter::new(options.rate_limit),
            audit: AuditLog::sharing(service.store.clone(), service.audit_pending()),
            timeout: options.request_timeout,
            secure_cookies: options.secure_cookies,
        };
        Shared {
            metrics: Arc::new(
                Metrics::new(ROUTES.iter().map(|r| (r.method, r.path))).with_webhooks(webhooks),
            ),
            security: Arc::new(security),
            shown: Arc::new(shown),
            service,
        }
    }

    fn configure(self) -> impl FnOnce(&mut web::ServiceConfig) {
        move |cfg: &mut web::ServiceConfig| {
            cfg.app_data(web::Data::from(self.service))
                .app_data(web::Data::from(self.security))
                .app_data(web::Data::from(self.metrics))
                .app_data(web::Data::from(self.shown))
                .configure(ui::routes)
                .configure(routes::routes);
        }
    }
}

/// Commits the search index every `interval` while anything is pending (group commit).
pub fn spawn_index_committer(service: Arc<Service>, interval: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        loop {
            tick.tick().await;
            if let Err(error) = service.commit_index().await {
                tracing::error!(%error, "index commit failed");
            }
        }
    });
}

/// How often the service checkpoints SQLite's log (`store/checkpoint.rs`).
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// Checkpoints SQLite's log every `interval` from a task of its own, so that commits
/// (under the registration lock) need not; nothing on PostgreSQL.
pub fn spawn_checkpointer(store: crate::store::Store, interval: Duration) {
    if store.backend != crate::store::Backend::Sqlite {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        loop {
            tick.tick().await;
            if let Err(error) = store.checkpoint().await {
                tracing::warn!(%error, "checkpoint failed; the next commit past the limit checkpoints");
            }
        }
    });
}

/// Serves the API on `bind` until stopped (SIGTERM or SIGINT: stop accepting, finish the
/// requests in flight, then commit the search index).
pub async fn serve(
    service: Arc<Service>,
    bind: &str,
    options: ServerOptions,
) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    server_with(service.clone(), listener, options)?.await?;
    match service.commit_index().await {
        Ok(()) => tracing::info!("stopped: index committed"),
        Err(error) => tracing::error!(%error, "stopped: index commit failed"),
    }
    Ok(())
}

/// The HTTP server on an open listener with default options, the index committer running.
pub fn server(
    service: Arc<Service>,
    listener: std::net::TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    server_with(service, listener, ServerOptions::default())
}

/// The HTTP server on an open listener, the index committer and the webhook delivery
/// worker running.
pub fn server_with(
    service: Arc<Service>,
    listener: std::net::TcpListener,
    options: ServerOptions,
) -> std::io::Result<actix_web::dev::Server> {
    spawn_index_committer(service.clone(), INDEX_COMMIT_INTERVAL);
    spawn_checkpointer(service.store.clone(), CHECKPOINT_INTERVAL);
    let webhooks = crate::webhooks::worker::spawn(service.clone(), options.webhooks);
    let shutdown = options.shutdown_timeout;
    let mut options = options;
    let tls = options.tls.take();
    if tls.is_some() {
        options.secure_cookies = true;
    }
    let shared = Shared::new(service, options, webhooks);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(request_id::track))
            .configure(shared.clone().configure())
    })
    .shutdown_timeout(shutdown.as_secs());
    let server = match tls {
        Some(config) => server.listen_rustls_0_23(listener, config)?,
        None => server.listen(listener)?,
    };
    Ok(server.run())
}
