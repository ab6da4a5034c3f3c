//! Every request gets an id (the caller's `X-Request-Id` when it is a plain token, else a
//! new one), echoed in the answer, written in the audit entry, and logged with the route
//! pattern, status, duration and actor. The log line never holds the path or the query
//! string: they carry patient identifiers and search terms.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use super::guard::{ActingRole, RouteLabel};
use super::metrics::Metrics;
use crate::auth::Principal;

/// The id of a request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub const HEADER: &str = "x-request-id";

fn accepted(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The request-id, access-log and metrics middleware around the whole app.
pub async fn track(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| accepted(v))
        .map(str::to_string)
        .unwrap_or_else(|| crate::auth::secret::random_hex(8));
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().to_string();
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let mut response = next.call(request).await?;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let (route, actor, role) = {
        let ext = response.request().extensions();
        let route = ext.get::<RouteLabel>().copied();
        let actor = ext.get::<Principal>().map(|p| p.actor.clone());
        let role = ext.get::<ActingRole>().map(|r| r.0.name());
        (route, actor, role)
    };
    if let Some(metrics) = metrics {
        metrics.observe(route, status, elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    tracing::info!(
        target: "mpi::access",
        request_id = %id,
        method = %method,
        route = route.map(|r| r.path).unwrap_or("(unmatched)"),
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        actor = actor.as_deref().unwrap_or("-"),
        role = role.unwrap_or("-"),
        "request"
    );
    Ok(response)
}
