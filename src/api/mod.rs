//! The only actix-web user: the `/v1` JSON API, health checks and `mpi serve`.

// wired into ROUTES with authentication
#[allow(dead_code)]
mod audit;
mod batch;
mod docs;
pub mod problem;
mod routes;
mod steward;
mod ui;

use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, web};

use crate::identity::Service;
pub use problem::Problem;
pub use routes::{ROUTES, read_body_up_to};

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

/// Registers the routes (also used by the tests' in-process server).
pub fn configure(service: Arc<Service>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::from(service))
            .configure(ui::routes)
            .configure(routes::routes);
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

/// Serves the API on `bind` until stopped.
pub async fn serve(service: Arc<Service>, bind: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(bind)?;
    server(service, listener)?.await
}

/// The HTTP server on an open listener, with the index committer running.
pub fn server(
    service: Arc<Service>,
    listener: std::net::TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    spawn_index_committer(service.clone(), INDEX_COMMIT_INTERVAL);
    Ok(
        HttpServer::new(move || App::new().configure(configure(service.clone())))
            .listen(listener)?
            .run(),
    )
}
