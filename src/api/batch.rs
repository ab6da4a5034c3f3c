//! `POST /v1/records:batch`: many registrations in one request, as a JSON array or as
//! NDJSON. The body is read whole first: a malformed body is refused and nothing is
//! written; a record that is valid JSON but not a valid record fails alone.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::problem::Problem;
use super::routes::read_body_up_to;
use super::{MAX_BATCH_BODY, MAX_BATCH_RECORDS};
use crate::domain::RawRecord;
use crate::identity::Service;
use crate::identity::outcome::{Outcome, Registered};

#[derive(Serialize)]
struct ItemResult {
    index: usize,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Registered>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<Problem>,
}

/// The answer: per-item results and the count of each outcome.
#[derive(Serialize)]
struct BatchAnswer {
    results: Vec<ItemResult>,
    summary: Summary,
}

#[derive(Serialize, Default)]
struct Summary {
    linked: usize,
    created: usize,
    review: usize,
    failed: usize,
}

pub async fn register_batch(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let body = read_body_up_to(payload, MAX_BATCH_BODY).await?;
    let ndjson = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("ndjson"));
    let values = if ndjson {
        split_ndjson(&body)?
    } else {
        split_array(&body)?
    };
    if values.len() > MAX_BATCH_RECORDS {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "too_many_records",
            format!(
                "a batch holds at most {MAX_BATCH_RECORDS} records (got {})",
                values.len()
            ),
        )
        .with_field("records"));
    }
    let mut results: Vec<Option<ItemResult>> = Vec::with_capacity(values.len());
    let mut valid = Vec::with_capacity(values.len());
    let mut valid_at = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        if !value.is_object() {
            let problem = Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                "a record must be a JSON object",
            );
            results.push(Some(failed(index, problem)));
            continue;
        }
        match serde_path_to_error::deserialize::<_, RawRecord>(value) {
            Ok(raw) => {
                valid.push(raw);
                valid_at.push(index);
                results.push(None);
            }
            Err(error) => results.push(Some(failed(index, Problem::from_value(error)))),
        }
    }
    let registered = service.register_batch(valid, "rest-batch").await?;
    for (index, outcome) in valid_at.into_iter().zip(registered) {
        results[index] = Some(match outcome {
            Ok(answer) => {
                super::routes::registered(&request, &answer);
                ItemResult {
                    index,
                    status: 200,
                    result: Some(answer),
                    problem: None,
                }
            }
            Err(error) => failed(index, Problem::from(error)),
        });
    }
    let results: Vec<ItemResult> = results.into_iter().flatten().collect();
    let mut summary = Summary::default();
    for r in &results {
        match r.result.as_ref().map(|a| a.outcome) {
            Some(Outcome::Linked) => summary.linked += 1,
            Some(Outcome::Created) => summary.created += 1,
            Some(Outcome::Review) => summary.review += 1,
            None => summary.failed += 1,
        }
    }
    Ok(HttpResponse::Ok().json(BatchAnswer { results, summary }))
}

fn failed(index: usize, problem: Problem) -> ItemResult {
    ItemResult {
        index,
        status: problem.status,
        result: None,
        problem: Some(problem),
    }
}

fn split_array(body: &[u8]) -> Result<Vec<serde_json::Value>, Problem> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    match value {
        serde_json::Value::Array(items) => Ok(items),
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "the body must be a JSON array of records (or NDJSON with Content-Type application/x-ndjson)",
        )),
    }
}

fn split_ndjson(body: &[u8]) -> Result<Vec<serde_json::Value>, Problem> {
    let mut out = Vec::new();
    for (n, line) in body.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value = serde_json::from_slice(line).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("line {} is not valid JSON: {e}", n + 1),
            )
            .with_field(format!("line {}", n + 1))
        })?;
        out.push(value);
    }
    Ok(out)
}
