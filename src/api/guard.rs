//! The request guard on every API route: authenticate (bearer credential or session
//! cookie), authorize against the route's rule, check CSRF for sessions, apply the rate
//! limit and the request timeout, then audit the outcome — allowed or denied — before the
//! answer leaves (unless the handler committed the entry with its change: a
//! registration does, see [`audit_draft`]). Wrapped around each resource by
//! `routes::routes`, so the rule checked is the rule of the handler that runs.

use std::future::{Ready, ready};
use std::rc::Rc;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{Error, HttpMessage, HttpRequest, ResponseError, web};
use futures_util::future::LocalBoxFuture;

use super::problem::Problem;
use super::request_id::RequestId;
use crate::audit::{AuditLog, Entry, Outcome};
use crate::auth::authenticate::{AuthError, Authenticator};
use crate::auth::limiter::Limiter;
use crate::auth::sessions::{COOKIE, CSRF_HEADER};
use crate::auth::{Access, Credential, Principal, Role};
use crate::store::now_ms;

/// What the guard needs, shared by every worker.
pub struct Security {
    pub auth: Authenticator,
    pub limiter: Limiter,
    pub audit: AuditLog,
    /// The longest a handler may take before the client is answered 503.
    pub timeout: Duration,
    /// Whether cookies are marked `Secure` (served over TLS).
    pub secure_cookies: bool,
}

/// One route's rule, as the guard sees it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: &'static str,
    pub access: Access,
}

/// The route a request was routed to (for logs and metrics).
#[derive(Debug, Clone, Copy)]
pub struct RouteLabel {
    pub method: &'static str,
    pub path: &'static str,
}

/// The role a request acts in (the first of its roles the rule admits).
#[derive(Debug, Clone, Copy)]
pub struct ActingRole(pub Role);

/// Ids a handler adds to its audit entry (persons returned by a match, and so on).
#[derive(Debug, Clone, Default)]
pub struct Subjects(pub Vec<String>);

/// The request's audit entry as the guard has it when the handler starts (who, in
/// which role, what, the path's ids), for a handler that commits the entry together
/// with the change it makes ([`committed_with_change`]).
#[derive(Debug, Clone)]
struct Draft(Entry);

/// Set by a handler whose audit entry was committed with its change, answered with
/// `status`: the guard writes no second entry for the request.
#[derive(Debug, Clone, Copy)]
struct Committed {
    status: StatusCode,
}

/// The request's audit entry as the guard has it so far, to be completed by the
/// handler and committed with its change; `None` on a route the guard does not audit.
pub fn audit_draft(request: &HttpRequest) -> Option<Entry> {
    request.extensions().get::<Draft>().map(|d| d.0.clone())
}

/// Tells the guard that the request's audit entry, for an answer with `status`, was
/// committed with the handler's change (its seq is `seq`, for the log). If the answer
/// that leaves has another status, the guard writes an entry for it as well.
pub fn committed_with_change(request: &HttpRequest, status: StatusCode, seq: i64) {
    tracing::trace!(seq, "audit entry committed with the change");
    request.extensions_mut().insert(Committed { status });
}

/// Adds `ids` to the audit entry of `request`.
pub fn audit_subjects(request: &HttpRequest, ids: impl IntoIterator<Item = String>) {
    let mut ext = request.extensions_mut();
    let subjects = ext.get_mut::<Subjects>();
    match subjects {
        Some(s) => s.0.extend(ids),
        None => {
            let collected = Subjects(ids.into_iter().collect());
            ext.insert(collected);
        }
    }
}

/// The guard for one resource: its rules by method.
pub struct Guard {
    rules: Rc<Vec<(Method, Rule, RouteLabel)>>,
}

impl Guard {
    pub fn new(rules: Vec<(Method, Rule, RouteLabel)>) -> Guard {
        Guard {
            rules: Rc::new(rules),
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Guard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = GuardService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(GuardService {
            service: Rc::new(service),
            rules: self.rules.clone(),
        }))
    }
}

pub struct GuardService<S> {
    service: Rc<S>,
    rules: Rc<Vec<(Method, Rule, RouteLabel)>>,
}

impl<S, B> Service<ServiceRequest> for GuardService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let found = self
            .rules
            .iter()
            .find(|(m, _, _)| m == request.method())
            .map(|(_, rule, label)| (*rule, *label));
        Box::pin(async move {
            // a method the resource does not answer: its 405 needs no credential
            let Some((rule, label)) = found else {
                return service.call(request).await.map(|r| r.map_into_left_body());
            };
            request.extensions_mut().insert(label);
            if rule.access == Access::Public {
                return service.call(request).await.map(|r| r.map_into_left_body());
            }
            let Some(security) = request.app_data::<web::Data<Security>>().cloned() else {
                // never serve a guarded route without the guard's state
                let problem = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the service is not configured for authentication",
                );
                return Ok(request.error_response(problem).map_into_right_body());
            };
            let http = request.request().clone();
            let mut entry = entry_for(&http, rule.action);
            let principal = match authenticate(&security.auth, &http).await {
                Ok(p) => p,
                Err(error) => {
                    let problem = unauthorized(&error);
                    return deny(&security, entry, request, problem, error.to_string()).await;
                }
            };
            entry.actor = principal.actor.clone();
            entry.role = principal.roles.to_list();
            let allowed = rule.access.roles();
            let Some(role) = principal.roles.first_of(&allowed) else {
                let reason = format!(
                    "the route needs one of the roles {}",
                    allowed
                        .iter()
                        .map(|r| r.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let problem = Problem::new(StatusCode::FORBIDDEN, "forbidden", reason.clone());
                return deny(&security, entry, request, problem, reason).await;
            };
            entry.role = role.name().to_string();
            if let Err(reason) = check_csrf(&principal, &http) {
                let problem = Problem::new(StatusCode::FORBIDDEN, "csrf", reason);
                return deny(&security, entry, request, problem, reason.to_string()).await;
            }
            if let Err(wait) = security.limiter.take(&principal.limit_key()) {
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                let reason = format!("rate limit reached: retry after {seconds} s");
                let problem = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &reason);
                let mut response = deny(&security, entry, request, problem, reason).await?;
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
                return Ok(response);
            }
            request.extensions_mut().insert(principal);
            request.extensions_mut().insert(ActingRole(role));
            request.extensions_mut().insert(Draft(entry.clone()));
            // the handler runs on its own task: a timeout answers the client but never
            // cancels a write half way (its transaction and index update finish)
            let handle = actix_web::rt::spawn(service.call(request));
            let response = match tokio::time::timeout(security.timeout, handle).await {
                Ok(Ok(Ok(response))) => response.map_into_left_body(),
                Ok(Ok(Err(error))) => {
                    let response = error.error_response();
                    ServiceResponse::new(http.clone(), response).map_into_right_body()
                }
                Ok(Err(_)) => {
                    tracing::error!(action = rule.action, "request handler failed");
                    let problem = Problem::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "the request could not be completed",
                    );
                    ServiceResponse::new(http.clone(), problem.error_response())
                        .map_into_right_body()
                }
                Err(_) => {
                    entry.reason = Some("timeout".to_string());
                    let problem = Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "timeout",
                        format!(
                            "the request took longer than {} s; it may still complete — \
                             repeating it is safe",
                            security.timeout.as_secs()
                        ),
                    );
                    ServiceResponse::new(http.clone(), problem.error_response())
                        .map_into_right_body()
                }
            };
            let status = response.status();
            let committed = http.extensions().get::<Committed>().copied();
            if committed.is_some_and(|c| c.status == status) {
                return Ok(response);
            }
            entry.status = status.as_u16();
            entry.outcome = outcome(status);
            if let Some(extra) = http.extensions().get::<Subjects>() {
                entry.subjects.extend(extra.0.iter().cloned());
            }
            if let Err(error) = security.audit.record(entry).await {
                tracing::error!(%error, action = rule.action, "audit entry not written");
                let problem = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "audit_unavailable",
                    "the audit log could not be written, so the answer is withheld; the \
                     request may have taken effect — repeating it is safe",
                );
                return Ok(
                    ServiceResponse::new(http, problem.error_response()).map_into_right_body()
                );
            }
            Ok(response)
        })
    }
}

fn outcome(status: StatusCode) -> Outcome {
    if status.is_server_error() {
        Outcome::Error
    } else if status.is_client_error() {
        Outcome::Rejected
    } else {
        Outcome::Ok
    }
}

/// An audit entry for `request` before anyone is known: path ids as subjects.
fn entry_for(request: &HttpRequest, action: &str) -> Entry {
    let info = request.match_info();
    let mut subjects = Vec::new();
    if let (Some(source), Some(id)) = (info.get("source"), info.get("source_id")) {
        subjects.push(format!("record:{source}/{id}"));
    }
    for (name, kind) in [
        ("person_id", "person"),
        ("task_id", "task"),
        ("merge_id", "merge"),
        ("assertion_id", "assertion"),
        ("key_id", "key"),
    ] {
        if let Some(v) = info.get(name) {
            subjects.push(format!("{kind}:{v}"));
        }
    }
    Entry {
        at: now_ms(),
        request_id: request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        actor: "anonymous".to_string(),
        role: String::new(),
        action: action.to_string(),
        outcome: Outcome::Denied,
        status: 0,
        subjects,
        reason: None,
    }
}

async fn authenticate(auth: &Authenticator, request: &HttpRequest) -> Result<Principal, AuthError> {
    if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| AuthError::Malformed)?;
        return auth.bearer(text).await;
    }
    if let Some(cookie) = request.cookie(COOKIE) {
        return auth.session(cookie.value()).await;
    }
    Err(AuthError::Missing)
}

fn unauthorized(error: &AuthError) -> Problem {
    match error {
        AuthError::Store(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "credentials cannot be checked right now; retry",
        ),
        // who it is is proven; it may do nothing here
        AuthError::NoRoles => Problem::new(StatusCode::FORBIDDEN, "forbidden", error.to_string()),
        other => Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", other.to_string()),
    }
}

/// A session's state-changing request must carry the session's CSRF token.
fn check_csrf(principal: &Principal, request: &HttpRequest) -> Result<(), &'static str> {
    let Credential::Session { csrf_token, .. } = &principal.credential else {
        return Ok(());
    };
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return Ok(());
    }
    let sent = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or("a signed-in page must send its X-CSRF-Token with every change")?;
    if crate::auth::secret::same(sent, csrf_token) {
        Ok(())
    } else {
        Err("the X-CSRF-Token does not belong to this session")
    }
}

/// Refuses `request` with `problem`, audited as denied.
async fn deny<B>(
    security: &Security,
    mut entry: Entry,
    request: ServiceRequest,
    problem: Problem,
    reason: String,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    entry.status = problem.status;
    entry.outcome = if problem.status == 503 {
        Outcome::Error
    } else {
        Outcome::Denied
    };
    entry.reason = Some(reason);
    if let Err(error) = security.audit.record(entry).await {
        tracing::error!(%error, "audit entry of a denied request not written");
    }
    let mut response = problem.error_response();
    if problem.status == 401 {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"mpi\""),
        );
    }
    Ok(request.into_response(response).map_into_right_body())
}

/// The caller of a guarded route, for handlers.
impl actix_web::FromRequest for Principal {
    type Error = Problem;
    type Future = Ready<Result<Principal, Problem>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            request
                .extensions()
                .get::<Principal>()
                .cloned()
                .ok_or_else(|| {
                    Problem::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "a bearer credential (Authorization: Bearer …) or a session is required",
                    )
                }),
        )
    }
}
