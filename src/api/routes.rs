//! Route handlers: parse, call the identity service, answer JSON or problem+json.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::problem::Problem;
use crate::domain::RawRecord;
use crate::identity::{PersonLookup, Service};

type Result<T> = std::result::Result<T, Problem>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/v1/records", web::post().to(register))
        .route(
            "/v1/records/{source}/{source_id}",
            web::get().to(get_record),
        )
        .route(
            "/v1/records/{source}/{source_id}",
            web::delete().to(delete_record),
        )
        .route(
            "/v1/records/{source}/{source_id}/identifiers",
            web::get().to(record_identifiers),
        )
        .route("/v1/match", web::post().to(match_record))
        .route("/v1/persons/{person_id}", web::get().to(get_person))
        .route(
            "/v1/persons/{person_id}/identifiers",
            web::get().to(person_identifiers),
        )
        .route("/v1/events", web::get().to(list_events))
        .default_service(web::to(not_found));
}

/// Reads a body of at most `MAX_BODY` bytes.
async fn read_body(mut payload: web::Payload) -> Result<web::BytesMut> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string()))?;
        if body.len() + chunk.len() > super::MAX_BODY {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {} bytes", super::MAX_BODY),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a JSON body into `T`, naming the offending field on failure.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(Problem::from_json)?;
    de.end().map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
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

async fn register(service: web::Data<Service>, payload: web::Payload) -> Result<HttpResponse> {
    let raw: RawRecord = parse(&read_body(payload).await?)?;
    let answer = service.register(raw, "rest").await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn get_record(
    service: web::Data<Service>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (source, source_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(service.record(&source, &source_id).await?))
}

async fn delete_record(
    service: web::Data<Service>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (source, source_id) = path.into_inner();
    service.deactivate(&source, &source_id).await?;
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

async fn match_record(service: web::Data<Service>, payload: web::Payload) -> Result<HttpResponse> {
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
    Ok(HttpResponse::Ok().json(serde_json::json!({ "matches": matches })))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    100
}

async fn list_events(
    service: web::Data<Service>,
    query: std::result::Result<web::Query<EventsQuery>, actix_web::Error>,
) -> Result<HttpResponse> {
    let query =
        query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid_field", e.to_string()))?;
    if !(1..=1000).contains(&query.limit) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "limit must be between 1 and 1000",
        )
        .with_field("limit"));
    }
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
