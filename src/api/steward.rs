//! Review queue and stewardship routes. Every change is recorded with its actor (the name
//! of the credential behind the request) and, for stewardship, a reason in the body.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::problem::Problem;
use super::routes::{only_known, parse, query_map, query_number, read_body, tag_number};
use crate::identity::{Act, PersonQuery, Service};
use crate::review::{Decision, Reason};
use crate::store::reviews::Filter;

type Result<T> = std::result::Result<T, Problem>;

/// The acting user: the name of the credential behind the request (set by the guard).
fn actor(request: &HttpRequest) -> Result<String> {
    request
        .extensions()
        .get::<crate::auth::Principal>()
        .map(|p| p.actor.clone())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a bearer credential or a session is required",
            )
        })
}

/// A task version from `If-Match` (`"3"`, `W/"3"` or `3`).
fn task_version(request: &HttpRequest) -> Result<Option<i64>> {
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    tag_number(text).map(Some).ok_or_else(|| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "If-Match must be the task's version from its ETag (for example \"3\")",
        )
        .with_field("If-Match")
    })
}

fn task_id(path: &str) -> Result<i64> {
    path.parse().map_err(|_| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "task_id must be a whole number",
        )
        .with_field("task_id")
    })
}

fn with_etag(version: i64, body: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(body)
}

pub async fn list_tasks(service: web::Data<Service>, request: HttpRequest) -> Result<HttpResponse> {
    let query = query_map(&request)?;
    const KNOWN: [&str; 9] = [
        "status",
        "source",
        "reason",
        "assignee",
        "min_age_minutes",
        "max_age_minutes",
        "order",
        "limit",
        "offset",
    ];
    only_known(&query, &KNOWN)?;
    let mut filter = Filter::default();
    if let Some(status) = query.get("status") {
        for s in status.split(',').map(str::trim) {
            if !["open", "claimed", "resolved", "superseded"].contains(&s) {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_field",
                    "status must be open, claimed, resolved or superseded (comma-separated)",
                )
                .with_field("status"));
            }
            filter.statuses.push(s.to_string());
        }
    }
    if let Some(reason) = query.get("reason") {
        if Reason::parse(reason).is_none() {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                "reason must be possible_match, poor_fit, possible_duplicate or rescore",
            )
            .with_field("reason"));
        }
        filter.reason = Some(reason.clone());
    }
    filter.source = query.get("source").cloned();
    filter.assignee = query.get("assignee").cloned();
    let now = crate::store::now_ms();
    let minutes = 60_000;
    if query.contains_key("min_age_minutes") {
        let m = query_number(&query, "min_age_minutes", 0, 0..=10_000_000)?;
        filter.opened_before = Some(now - m * minutes);
    }
    if query.contains_key("max_age_minutes") {
        let m = query_number(&query, "max_age_minutes", 0, 0..=10_000_000)?;
        filter.opened_after = Some(now - m * minutes);
    }
    filter.by_priority = match query.get("order").map(String::as_str) {
        None | Some("priority") => true,
        Some("oldest") => false,
        Some(_) => {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                "order must be priority (strongest evidence first) or oldest",
            )
            .with_field("order"));
        }
    };
    let limit = query_number(&query, "limit", 50, 1..=500)?;
    let offset = query_number(&query, "offset", 0, 0..=i64::MAX)?;
    Ok(HttpResponse::Ok().json(service.review_tasks(&filter, offset, limit).await?))
}

pub async fn search_persons(
    service: web::Data<Service>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let query = query_map(&request)?;
    const KNOWN: [&str; 4] = ["name", "birth_date", "identifier", "limit"];
    only_known(&query, &KNOWN)?;
    let text = |name: &str| query.get(name).cloned().unwrap_or_default();
    for name in ["name", "birth_date", "identifier"] {
        check_length(name, query.get(name).map(String::as_str), 200)?;
    }
    let q = PersonQuery {
        name: text("name"),
        birth_date: text("birth_date"),
        identifier: text("identifier"),
    };
    let limit = query_number(&query, "limit", 20, 1..=50)? as usize;
    let persons = service.search_persons(&q, limit).await?;
    super::guard::audit_subjects(
        &request,
        persons.iter().map(|p| format!("person:{}", p.person_id)),
    );
    Ok(HttpResponse::Ok().json(serde_json::json!({ "persons": persons })))
}

pub async fn get_task(
    service: web::Data<Service>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let detail = service.review_task(task_id(&path)?).await?;
    Ok(with_etag(detail.task.version, detail))
}

pub async fn claim_task(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let task = service
        .claim_task(task_id(&path)?, &who, task_version(&request)?)
        .await?;
    Ok(with_etag(task.version, task))
}

pub async fn release_task(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let task = service
        .release_task(task_id(&path)?, &who, task_version(&request)?)
        .await?;
    Ok(with_etag(task.version, task))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionRequest {
    decision: String,
    #[serde(default)]
    person_id: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

pub async fn decide_task(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let id = task_id(&path)?;
    let expected = task_version(&request)?;
    let body: DecisionRequest = parse(&read_body(payload).await?)?;
    let decision = Decision::parse(&body.decision).ok_or_else(|| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "decision must be same_person, different_people or defer",
        )
        .with_field("decision")
    })?;
    let note = body.note.as_deref().filter(|n| !n.trim().is_empty());
    if decision == Decision::Defer && note.is_none() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "note is required to defer a task: say what is awaited",
        )
        .with_field("note"));
    }
    check_length("note", note, 2000)?;
    let decided = service
        .decide_task(
            id,
            &who,
            expected,
            decision,
            body.person_id.as_deref(),
            note,
        )
        .await?;
    Ok(with_etag(decided.task.version, decided))
}

fn check_length(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    if value.is_some_and(|v| v.chars().count() > max) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            format!("{field} must be at most {max} characters"),
        )
        .with_field(field));
    }
    Ok(())
}

/// A stewardship body's reason: required, at most 2,000 characters.
fn reason(reason: &str) -> Result<&str> {
    if reason.trim().is_empty() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "reason is required: say why",
        )
        .with_field("reason"));
    }
    check_length("reason", Some(reason), 2000)?;
    Ok(reason)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRequest {
    person_id: String,
    reason: String,
}

pub async fn link_record(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let (source, source_id) = path.into_inner();
    let body: LinkRequest = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    let changed = service
        .link_record(&source, &source_id, &body.person_id, act)
        .await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonOnly {
    reason: String,
}

pub async fn unlink_record(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let (source, source_id) = path.into_inner();
    let body: ReasonOnly = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    Ok(HttpResponse::Ok().json(service.unlink_record(&source, &source_id, act).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeRequest {
    /// The person merged into the one in the path (the survivor).
    from: String,
    reason: String,
}

pub async fn merge_persons(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let body: MergeRequest = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    Ok(HttpResponse::Ok().json(service.merge_persons(&path, &body.from, act).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordKey {
    source: String,
    source_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitRequest {
    records: Vec<RecordKey>,
    reason: String,
}

pub async fn split_person(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let body: SplitRequest = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    let keys: Vec<(String, String)> = body
        .records
        .into_iter()
        .map(|k| (k.source, k.source_id))
        .collect();
    Ok(HttpResponse::Ok().json(service.split_person(&path, &keys, act).await?))
}

pub async fn person_history(
    service: web::Data<Service>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    Ok(HttpResponse::Ok().json(service.person_history(&path).await?))
}

fn number(name: &str, text: &str) -> Result<i64> {
    text.parse().map_err(|_| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            format!("{name} must be a whole number"),
        )
        .with_field(name)
    })
}

pub async fn undo_merge(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let id = number("merge_id", &path)?;
    let body: ReasonOnly = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    Ok(HttpResponse::Ok().json(service.undo_merge(id, act).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssertionRequest {
    a: RecordKey,
    b: RecordKey,
    reason: String,
}

pub async fn create_assertion(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let body: AssertionRequest = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    let (assertion, created) = service
        .assert_non_match(
            (&body.a.source, &body.a.source_id),
            (&body.b.source, &body.b.source_id),
            act,
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(assertion))
}

pub async fn revoke_assertion(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let who = actor(&request)?;
    let id = number("assertion_id", &path)?;
    let body: ReasonOnly = parse(&read_body(payload).await?)?;
    let act = Act {
        actor: &who,
        reason: reason(&body.reason)?,
    };
    Ok(HttpResponse::Ok().json(service.revoke_non_match(id, act).await?))
}
