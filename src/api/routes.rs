//! Route handlers: parse, call the identity service, answer JSON or problem+json.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, Route, web};
use serde::Deserialize;

use super::guard::{Guard, RouteLabel, Rule, audit_draft, audit_subjects, committed_with_change};
use super::problem::Problem;
use super::steward;
use crate::auth::{Access, Access::*, Role};
use crate::domain::RawRecord;
use crate::identity::{self, PersonLookup, Precondition, Service};

type Result<T> = std::result::Result<T, Problem>;

/// One route: method, path, `operationId` in `openapi/mpi.yaml` (also the audit action)
/// and who may call it.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: &'static str,
    pub access: Access,
}

const fn route(
    method: &'static str,
    path: &'static str,
    operation: &'static str,
    access: Access,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        operation,
        access,
    }
}

const INTEGRATION: &[Role] = &[Role::Integration];
/// Read a source record and the identifiers of its person.
const RECORD_READERS: &[Role] = &[Role::Integration, Role::Reviewer, Role::Steward];
/// A source deactivates its record; a steward may too.
const SOURCES_AND_STEWARDS: &[Role] = &[Role::Integration, Role::Steward];
/// The review queue and persons.
const REVIEWERS: &[Role] = &[Role::Reviewer, Role::Steward];
const STEWARDS: &[Role] = &[Role::Steward];
const ADMINS: &[Role] = &[Role::Admin];
/// Received HL7 messages (a refused one's raw text is patient data).
const STEWARDS_AND_ADMINS: &[Role] = &[Role::Steward, Role::Admin];
const AUDITORS: &[Role] = &[Role::Auditor];

/// Every route the server answers, in the order of `openapi/mpi.yaml`, with its access
/// rule (the role matrix of the README). The table is the only way a handler is
/// registered, so a route cannot exist without a rule, and a test holds the table against
/// the document's `x-mpi-roles`.
pub const ROUTES: &[RouteSpec] = &[
    route("GET", "/healthz", "healthz", Public),
    route("GET", "/readyz", "readyz", Public),
    route("POST", "/v1/records", "registerRecord", Roles(INTEGRATION)),
    route(
        "POST",
        "/v1/records:batch",
        "registerRecordsBatch",
        Roles(INTEGRATION),
    ),
    route(
        "GET",
        "/v1/records/{source}/{source_id}",
        "getRecord",
        Roles(RECORD_READERS),
    ),
    route(
        "DELETE",
        "/v1/records/{source}/{source_id}",
        "deactivateRecord",
        Roles(SOURCES_AND_STEWARDS),
    ),
    route(
        "GET",
        "/v1/records/{source}/{source_id}/identifiers",
        "getRecordIdentifiers",
        Roles(RECORD_READERS),
    ),
    route("POST", "/v1/match", "matchRecord", Roles(RECORD_READERS)),
    route("GET", "/v1/persons", "searchPersons", Roles(REVIEWERS)),
    route(
        "GET",
        "/v1/persons/{person_id}",
        "getPerson",
        Roles(REVIEWERS),
    ),
    route(
        "GET",
        "/v1/persons/{person_id}/identifiers",
        "getPersonIdentifiers",
        Roles(RECORD_READERS),
    ),
    route(
        "GET",
        "/v1/persons/{person_id}/history",
        "getPersonHistory",
        Roles(REVIEWERS),
    ),
    route(
        "POST",
        "/v1/persons/{person_id}/merge",
        "mergePersons",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/persons/{person_id}/split",
        "splitPerson",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/records/{source}/{source_id}/link",
        "linkRecord",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/records/{source}/{source_id}/unlink",
        "unlinkRecord",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/merges/{merge_id}/undo",
        "undoMerge",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/non-match-assertions",
        "assertNonMatch",
        Roles(STEWARDS),
    ),
    route(
        "POST",
        "/v1/non-match-assertions/{assertion_id}/revoke",
        "revokeNonMatch",
        Roles(STEWARDS),
    ),
    route(
        "GET",
        "/v1/review-tasks",
        "listReviewTasks",
        Roles(REVIEWERS),
    ),
    route(
        "GET",
        "/v1/review-tasks/{task_id}",
        "getReviewTask",
        Roles(REVIEWERS),
    ),
    route(
        "POST",
        "/v1/review-tasks/{task_id}/claim",
        "claimReviewTask",
        Roles(REVIEWERS),
    ),
    route(
        "POST",
        "/v1/review-tasks/{task_id}/release",
        "releaseReviewTask",
        Roles(REVIEWERS),
    ),
    route(
        "POST",
        "/v1/review-tasks/{task_id}/decision",
        "decideReviewTask",
        Roles(REVIEWERS),
    ),
    route("GET", "/v1/events", "listEvents", Roles(INTEGRATION)),
    route("GET", "/v1/audit", "listAudit", Roles(AUDITORS)),
    route(
        "GET",
        "/v1/hl7/messages",
        "listHl7Messages",
        Roles(STEWARDS_AND_ADMINS),
    ),
    route(
        "GET",
        "/v1/hl7/messages/{message_id}",
        "getHl7Message",
        Roles(STEWARDS_AND_ADMINS),
    ),
    route("POST", "/v1/session", "signIn", Roles(REVIEWERS)),
    route("GET", "/v1/session", "getSession", Authenticated),
    route("DELETE", "/v1/session", "signOut", Authenticated),
    route("GET", "/v1/tokens", "listTokens", Roles(ADMINS)),
    route("POST", "/v1/tokens", "createToken", Roles(ADMINS)),
    route(
        "POST",
        "/v1/tokens/{key_id}/revoke",
        "revokeToken",
        Roles(ADMINS),
    ),
    route(
        "POST",
        "/v1/subscriptions",
        "createSubscription",
        Roles(ADMINS),
    ),
    route(
        "GET",
        "/v1/subscriptions",
        "listSubscriptions",
        Roles(ADMINS),
    ),
    route(
        "GET",
        "/v1/subscriptions/{subscription_id}",
        "getSubscription",
        Roles(ADMINS),
    ),
    route(
        "DELETE",
        "/v1/subscriptions/{subscription_id}",
        "deactivateSubscription",
        Roles(ADMINS),
    ),
    route(
        "GET",
        "/v1/subscriptions/{subscription_id}/dead-letters",
        "listDeadLetters",
        Roles(ADMINS),
    ),
    route(
        "POST",
        "/v1/subscriptions/{subscription_id}/dead-letters:replay",
        "replayDeadLetters",
        Roles(ADMINS),
    ),
    route("GET", "/v1/admin/config", "getConfig", Roles(ADMINS)),
    route("GET", "/metrics", "getMetrics", Roles(ADMINS)),
    route("GET", "/openapi.yaml", "getOpenApiDocument", Authenticated),
    route("GET", "/docs", "getApiDocs", Authenticated),
    route("GET", "/fhir/metadata", "fhirCapabilities", Authenticated),
    route(
        "POST",
        "/fhir/Patient/$match",
        "fhirPatientMatch",
        Roles(RECORD_READERS),
    ),
    route(
        "GET",
        "/fhir/Patient",
        "fhirPatientSearch",
        Roles(RECORD_READERS),
    ),
    route(
        "POST",
        "/fhir/Patient/_search",
        "fhirPatientSearchPost",
        Roles(RECORD_READERS),
    ),
    route(
        "GET",
        "/fhir/Patient/$ihe-pix",
        "fhirPatientCrossReference",
        Roles(RECORD_READERS),
    ),
    // after the fixed paths above, so `{person_id}` does not take them
    route(
        "GET",
        "/fhir/Patient/{person_id}",
        "fhirPatientRead",
        Roles(RECORD_READERS),
    ),
];

fn handler(method: &str, path: &str) -> Route {
    match (method, path) {
        ("GET", "/healthz") => web::get().to(healthz),
        ("GET", "/readyz") => web::get().to(readyz),
        ("POST", "/v1/records") => web::post().to(register),
        ("POST", "/v1/records:batch") => web::post().to(super::batch::register_batch),
        ("GET", "/v1/records/{source}/{source_id}") => web::get().to(get_record),
        ("DELETE", "/v1/records/{source}/{source_id}") => web::delete().to(delete_record),
        ("GET", "/v1/records/{source}/{source_id}/identifiers") => {
            web::get().to(record_identifiers)
        }
        ("POST", "/v1/match") => web::post().to(match_record),
        ("GET", "/v1/persons") => web::get().to(steward::search_persons),
        ("GET", "/v1/persons/{person_id}") => web::get().to(get_person),
        ("GET", "/v1/persons/{person_id}/identifiers") => web::get().to(person_identifiers),
        ("GET", "/v1/persons/{person_id}/history") => web::get().to(steward::person_history),
        ("POST", "/v1/persons/{person_id}/merge") => web::post().to(steward::merge_persons),
        ("POST", "/v1/persons/{person_id}/split") => web::post().to(steward::split_person),
        ("POST", "/v1/records/{source}/{source_id}/link") => web::post().to(steward::link_record),
        ("POST", "/v1/records/{source}/{source_id}/unlink") => {
            web::post().to(steward::unlink_record)
        }
        ("POST", "/v1/merges/{merge_id}/undo") => web::post().to(steward::undo_merge),
        ("POST", "/v1/non-match-assertions") => web::post().to(steward::create_assertion),
        ("POST", "/v1/non-match-assertions/{assertion_id}/revoke") => {
            web::post().to(steward::revoke_assertion)
        }
        ("GET", "/v1/review-tasks") => web::get().to(steward::list_tasks),
        ("GET", "/v1/review-tasks/{task_id}") => web::get().to(steward::get_task),
        ("POST", "/v1/review-tasks/{task_id}/claim") => web::post().to(steward::claim_task),
        ("POST", "/v1/review-tasks/{task_id}/release") => web::post().to(steward::release_task),
        ("POST", "/v1/review-tasks/{task_id}/decision") => web::post().to(steward::decide_task),
        ("GET", "/v1/events") => web::get().to(list_events),
        ("GET", "/v1/audit") => web::get().to(super::audit::list_audit),
        ("GET", "/v1/hl7/messages") => web::get().to(super::hl7::list_messages),
        ("GET", "/v1/hl7/messages/{message_id}") => web::get().to(super::hl7::get_message),
        ("POST", "/v1/session") => web::post().to(super::access::sign_in),
        ("GET", "/v1/session") => web::get().to(super::access::get_session),
        ("DELETE", "/v1/session") => web::delete().to(super::access::sign_out),
        ("GET", "/v1/tokens") => web::get().to(super::access::list_tokens),
        ("POST", "/v1/tokens") => web::post().to(super::access::create_token),
        ("POST", "/v1/tokens/{key_id}/revoke") => web::post().to(super::access::revoke_token),
        ("POST", "/v1/subscriptions") => web::post().to(super::webhooks::create_subscription),
        ("GET", "/v1/subscriptions") => web::get().to(super::webhooks::list_subscriptions),
        ("GET", "/v1/subscriptions/{subscription_id}") => {
            web::get().to(super::webhooks::get_subscription)
        }
        ("DELETE", "/v1/subscriptions/{subscription_id}") => {
            web::delete().to(super::webhooks::delete_subscription)
        }
        ("GET", "/v1/subscriptions/{subscription_id}/dead-letters") => {
            web::get().to(super::webhooks::list_dead_letters)
        }
        ("POST", "/v1/subscriptions/{subscription_id}/dead-letters:replay") => {
            web::post().to(super::webhooks::replay_dead_letters)
        }
        ("GET", "/v1/admin/config") => web::get().to(super::admin::get_config),
        ("GET", "/metrics") => web::get().to(super::admin::get_metrics),
        ("GET", "/openapi.yaml") => web::get().to(super::docs::openapi_yaml),
        ("GET", "/docs") => web::get().to(super::docs::docs_page),
        ("GET", "/fhir/metadata") => web::get().to(crate::fhir::metadata),
        ("POST", "/fhir/Patient/$match") => web::post().to(crate::fhir::match_patient),
        ("GET", "/fhir/Patient") => web::get().to(crate::fhir::search_patients),
        ("POST", "/fhir/Patient/_search") => web::post().to(crate::fhir::search_patients_post),
        ("GET", "/fhir/Patient/$ihe-pix") => web::get().to(crate::fhir::cross_reference),
        ("GET", "/fhir/Patient/{person_id}") => web::get().to(crate::fhir::read_patient),
        _ => unreachable!("route {method} {path} in ROUTES has no handler"),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    let mut paths: Vec<&str> = Vec::new();
    for spec in ROUTES {
        if !paths.contains(&spec.path) {
            paths.push(spec.path);
        }
    }
    for path in paths {
        let specs: Vec<&RouteSpec> = ROUTES.iter().filter(|r| r.path == path).collect();
        let allow = specs
            .iter()
            .map(|r| r.method)
            .collect::<Vec<_>>()
            .join(", ");
        let mut resource = web::resource(path);
        let mut rules = Vec::new();
        for spec in &specs {
            resource = resource.route(handler(spec.method, path));
            let method = Method::from_bytes(spec.method.as_bytes()).expect("an HTTP method");
            let rule = Rule {
                action: spec.operation,
                access: spec.access,
            };
            let label = RouteLabel {
                method: spec.method,
                path,
            };
            rules.push((method, rule, label));
        }
        cfg.service(
            resource
                .default_service(web::to(move || {
                    let allow = allow.clone();
                    async move { method_not_allowed(&allow) }
                }))
                .wrap(Guard::new(rules)),
        );
    }
    cfg.default_service(web::to(not_found));
}

fn method_not_allowed(allow: &str) -> HttpResponse {
    let mut response = actix_web::ResponseError::error_response(&Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this path answers {allow}"),
    ));
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Reads a body of at most `MAX_BODY` bytes.
pub(super) async fn read_body(payload: web::Payload) -> Result<web::BytesMut> {
    read_body_up_to(payload, super::MAX_BODY).await
}

/// Reads a body of at most `limit` bytes; a longer one is refused with 413.
pub async fn read_body_up_to(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a JSON body into `T`, naming the offending field on failure. The body and any
/// nested `record` must be JSON objects (serde would also take an array of values).
pub(super) fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "the body must be a JSON object",
        ));
    }
    if value.get("record").is_some_and(|r| !r.is_object()) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "record must be a JSON object",
        )
        .with_field("record"));
    }
    serde_path_to_error::deserialize(value).map_err(Problem::from_value)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(service: web::Data<Service>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "model_version": service.model_version(),
        "indexed_records": service.index.committed_docs(),
    }))
}

async fn register(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let expected = if_match(&request)?;
    let raw: RawRecord = parse(&read_body(payload).await?)?;
    // the request's audit entry commits with the registration (see `audit_draft`)
    let audit = audit_draft(&request).map(|draft| -> identity::AuditEntryFor {
        Arc::new(move |answer| {
            let mut entry = draft.clone();
            entry.status = REGISTERED.as_u16();
            entry.outcome = crate::audit::Outcome::Ok;
            entry.subjects.extend(registered_subjects(answer));
            entry
        })
    });
    let prepared = identity::prepare(raw)?.expecting(expected).audited(audit);
    let answer = service.register_prepared(prepared, "rest").await?;
    registered(&request, &answer);
    if let Some(seq) = answer.audit_seq {
        committed_with_change(&request, REGISTERED, seq);
    }
    Ok(HttpResponse::build(REGISTERED)
        .insert_header((header::ETAG, etag(answer.version)))
        .json(answer))
}

/// The status of a registration's answer.
const REGISTERED: StatusCode = StatusCode::OK;

/// Counts a registration and names its record and person in the audit entry.
pub(super) fn registered(request: &HttpRequest, answer: &identity::outcome::Registered) {
    if let Some(metrics) = request.app_data::<web::Data<super::metrics::Metrics>>() {
        metrics.outcome(answer.outcome.as_str());
    }
    audit_subjects(request, registered_subjects(answer));
}

/// The ids a registration's audit entry names: its record, its person and the candidate
/// persons of its review task.
fn registered_subjects(answer: &identity::outcome::Registered) -> impl Iterator<Item = String> {
    [
        format!("record:{}/{}", answer.source, answer.source_id),
        format!("person:{}", answer.person_id),
    ]
    .into_iter()
    .chain(
        answer
            .candidate_persons
            .iter()
            .map(|p| format!("person:{p}")),
    )
}

/// The number in an entity tag as clients send it back: `"3"`, `W/"3"` or `3`.
pub(super) fn tag_number(text: &str) -> Option<i64> {
    let tag = text.strip_prefix("W/").unwrap_or(text);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
        .parse()
        .ok()
}

/// A record's version as an entity tag.
fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` precondition: `"3"` (also `W/"3"` or `3`) or `*`.
fn if_match(request: &HttpRequest) -> Result<Option<Precondition>> {
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "If-Match must be a record version from its ETag (for example \"3\") or *",
        )
        .with_field("If-Match")
    };
    let text = value.to_str().map_err(|_| bad())?.trim();
    if text == "*" {
        return Ok(Some(Precondition::Exists));
    }
    let version = tag_number(text).ok_or_else(bad)?;
    Ok(Some(Precondition::Version(version)))
}

async fn get_record(
    service: web::Data<Service>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (source, source_id) = path.into_inner();
    let record = service.record(&source, &source_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(record.version)))
        .json(record))
}

async fn delete_record(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let expected = if_match(&request)?;
    let (source, source_id) = path.into_inner();
    service.deactivate(&source, &source_id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn record_identifiers(
    service: web::Data<Service>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (source, source_id) = path.into_inner();
    let record = service.record(&source, &source_id).await?;
    let person = record.person_id.ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "the record has no person",
        )
    })?;
    identifiers(&service, &person).await
}

async fn person_identifiers(
    service: web::Data<Service>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    identifiers(&service, &path.into_inner()).await
}

async fn identifiers(service: &Service, person_id: &str) -> Result<HttpResponse> {
    match service.person(person_id).await? {
        PersonLookup::Found(p) => Ok(HttpResponse::Ok().json(serde_json::json!({
            "person_id": p.person_id,
            "identifiers": p.records,
        }))),
        PersonLookup::MergedInto(survivor) => {
            Ok(redirect(&format!("/v1/persons/{survivor}/identifiers")))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchRequest {
    record: RawRecord,
    #[serde(default = "default_count")]
    count: usize,
    #[serde(default)]
    only_certain: bool,
}

fn default_count() -> usize {
    5
}

async fn match_record(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let http = request;
    let request: MatchRequest = parse(&read_body(payload).await?)?;
    if request.count == 0 || request.count > 100 {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "count must be between 1 and 100",
        )
        .with_field("count"));
    }
    let matches = service
        .match_record(&request.record, request.count, request.only_certain)
        .await?;
    matched(&http, &matches);
    /// Serialized as it is (not through a `serde_json::Value`: explanations are large).
    #[derive(serde::Serialize)]
    struct Matches<'a> {
        matches: &'a [crate::identity::outcome::PersonMatch],
    }
    Ok(HttpResponse::Ok().json(Matches { matches: &matches }))
}

/// Counts a match query by its best grade and names the persons answered in the audit
/// entry.
pub fn matched(request: &HttpRequest, matches: &[identity::outcome::PersonMatch]) {
    if let (Some(metrics), Some(best)) = (
        request.app_data::<web::Data<super::metrics::Metrics>>(),
        matches.first(),
    ) {
        metrics.outcome(best.grade.as_str());
    }
    audit_subjects(
        request,
        matches.iter().map(|m| format!("person:{}", m.person_id)),
    );
}

async fn get_person(service: web::Data<Service>, path: web::Path<String>) -> Result<HttpResponse> {
    match service.person(&path.into_inner()).await? {
        PersonLookup::Found(p) => Ok(HttpResponse::Ok().json(p)),
        PersonLookup::MergedInto(survivor) => Ok(redirect(&format!("/v1/persons/{survivor}"))),
    }
}

fn redirect(location: &str) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, location))
        .finish()
}

struct EventsQuery {
    after: i64,
    limit: i64,
}

pub(super) fn query_number(
    query: &std::collections::HashMap<String, String>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64> {
    let Some(text) = query.get(name) else {
        return Ok(default);
    };
    text.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                format!(
                    "{name} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
            .with_field(name)
        })
}

/// Refuses a query parameter not in `known` (400 naming it).
pub(super) fn only_known(
    query: &std::collections::HashMap<String, String>,
    known: &[&str],
) -> Result<()> {
    match query.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "unknown_field",
            format!("unknown query parameter '{unknown}'"),
        )
        .with_field(unknown.clone())),
        None => Ok(()),
    }
}

/// The query string as a map; an unreadable one is a 400 naming `query`.
pub(super) fn query_map(
    request: &HttpRequest,
) -> Result<std::collections::HashMap<String, String>> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(request.query_string())
        .map(web::Query::into_inner)
        .map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                "the query string cannot be read",
            )
            .with_field("query")
        })
}

async fn list_events(service: web::Data<Service>, request: HttpRequest) -> Result<HttpResponse> {
    let query = query_map(&request)?;
    only_known(&query, &["after", "limit"])?;
    let after = query_number(&query, "after", 0, 0..=i64::MAX)?;
    let limit = query_number(&query, "limit", 100, 1..=1000)?;
    let query = EventsQuery { after, limit };
    let events = service.events(query.after, query.limit).await?;
    let items: Vec<serde_json::Value> = events
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "seq": e.seq,
                "kind": e.kind,
                "person_id": e.person_id,
                "payload": serde_json::from_str::<serde_json::Value>(&e.payload).unwrap_or_default(),
                "at_ms": e.created_at,
            })
        })
        .collect();
    let next = items
        .last()
        .and_then(|e| e["seq"].as_i64())
        .unwrap_or(query.after);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "events": items, "next_after": next })))
}

async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route",
    ))
}
