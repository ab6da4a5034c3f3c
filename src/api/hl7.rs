//! Inspection of the HL7 v2 messages received over MLLP: the list (no message text) and
//! one message with its acknowledgement and, when it was refused, its raw text.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::guard::audit_subjects;
use super::problem::Problem;
use super::routes::{only_known, query_map, query_number};
use crate::identity::{Service, ServiceError};
use crate::store::hl7;

type Result<T> = std::result::Result<T, Problem>;

/// The statuses a message can have.
const STATUSES: [&str; 4] = ["AA", "AE", "AR", hl7::PENDING];

/// `GET /v1/hl7/messages?status=&after=&limit=`: received messages, oldest first.
pub async fn list_messages(
    service: web::Data<Service>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let query = query_map(&request)?;
    only_known(&query, &["status", "after", "limit"])?;
    let status = match query.get("status").map(String::as_str) {
        None => None,
        Some(s) if STATUSES.contains(&s) => Some(s),
        Some(_) => {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                "status must be AA, AE, AR or pending",
            )
            .with_field("status"));
        }
    };
    let after = query_number(&query, "after", 0, 0..=i64::MAX)?;
    let limit = query_number(&query, "limit", 100, 1..=1000)?;
    let messages = hl7::list(&service.store.pool, status, after, limit)
        .await
        .map_err(ServiceError::from)?;
    let next = messages.last().map_or(after, |m| m.id);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "messages": messages, "next_after": next })))
}

/// `GET /v1/hl7/messages/{message_id}`: one message in full.
pub async fn get_message(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id: i64 = path
        .parse()
        .map_err(|_| Problem::new(StatusCode::NOT_FOUND, "not_found", "hl7 message not found"))?;
    let message = hl7::get(&service.store.pool, id)
        .await
        .map_err(ServiceError::from)?
        .ok_or_else(|| ServiceError::NotFound(format!("hl7 message {id}")))?;
    audit_subjects(&request, [format!("hl7_message:{id}")]);
    Ok(HttpResponse::Ok().json(message))
}
