//! Administration routes: the configuration in effect (no secrets) and the metrics.

use actix_web::{HttpResponse, web};

use super::metrics::Metrics;
use crate::identity::Service;

/// The settings in effect, as shown to an administrator: no secrets, no passwords.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ShownConfig {
    pub bind: Option<String>,
    pub data_dir: Option<String>,
    /// `sqlite` or `postgres`; the URL is not shown (it may hold a password).
    pub database: String,
    pub model_version: String,
    pub tls: bool,
    pub identity_provider: Option<IdentityProviderShown>,
    pub rate_limit_per_second: f64,
    pub rate_limit_burst: f64,
    pub request_timeout_seconds: u64,
    pub max_body_bytes: usize,
    pub max_batch_body_bytes: usize,
    pub max_batch_records: usize,
    pub session_hours: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IdentityProviderShown {
    pub issuer: String,
    pub audience: String,
    pub roles_claim: String,
}

pub async fn get_config(config: web::Data<ShownConfig>) -> HttpResponse {
    HttpResponse::Ok().json(config.get_ref())
}

pub async fn get_metrics(service: web::Data<Service>, metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(&service).await)
}
