//! Webhook subscriptions (admin): create, list, read with delivery counts, deactivate,
//! and the dead letters with their replay. A secret is shown only in the creation answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::guard::audit_subjects;
use super::problem::Problem;
use super::routes::{parse, read_body};
use crate::auth::Principal;
use crate::identity::{Service, ServiceError};
use crate::store::webhooks::{self as sql, Delivery, NewSubscription, Subscription};
use crate::store::{StoreError, now_ms};
use crate::webhooks::EVENT_TYPES;

type Result<T> = std::result::Result<T, Problem>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSubscriptionBody {
    url: String,
    event_types: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    secret: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplayBody {
    delivery_ids: Option<Vec<i64>>,
}

fn invalid(field: &str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_field", detail).with_field(field)
}

fn store_problem(e: StoreError) -> Problem {
    Problem::from(ServiceError::Store(e))
}

fn not_found(id: i64) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("subscription {id} not found"),
    )
}

fn subscription_id(path: &str) -> Result<i64> {
    path.parse()
        .map_err(|_| invalid("subscription_id", "subscription_id must be a whole number"))
}

/// An http(s) URL with a host, or `mllp://host:port` (ADT^A40 on merges, so only for
/// `persons.merged`); anything else is refused, naming the field.
fn check_url(text: &str, types: &[String]) -> Result<()> {
    if text.starts_with("mllp://") {
        if crate::webhooks::a40::destination(text).is_none() {
            return Err(invalid("url", "an mllp URL must be mllp://host:port"));
        }
        if types != ["persons.merged"] {
            return Err(invalid(
                "event_types",
                "an mllp destination receives ADT^A40 merges: event_types must be [\"persons.merged\"]",
            ));
        }
        return Ok(());
    }
    let url = reqwest::Url::parse(text).map_err(|_| {
        invalid(
            "url",
            "url must be an absolute http or https URL (or mllp://host:port)",
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("url", "url must be an absolute http or https URL"));
    }
    if text.len() > 2048 {
        return Err(invalid("url", "url must be at most 2048 characters"));
    }
    Ok(())
}

fn check_event_types(types: &[String]) -> Result<()> {
    if types.is_empty() {
        return Err(invalid(
            "event_types",
            "event_types must name at least one event type, or \"*\" for all",
        ));
    }
    for t in types {
        if t != "*" && !EVENT_TYPES.contains(&t.as_str()) {
            return Err(invalid(
                "event_types",
                format!(
                    "event_types: unknown event type; known: * (all), {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A subscription as answered: never its secret.
fn shown(s: &Subscription) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "url": s.url,
        "event_types": s.event_types,
        "description": s.description,
        "active": s.active,
        "created_by": s.created_by,
        "created_at": s.created_at,
        "deactivated_at": (s.deactivated_at != 0).then_some(s.deactivated_at),
    })
}

fn shown_delivery(d: &Delivery) -> serde_json::Value {
    serde_json::json!({
        "id": d.id,
        "subscription_id": d.subscription_id,
        "event_seq": d.event_seq,
        "event_kind": d.event_kind,
        "persons": d.persons,
        "status": d.status.as_str(),
        "attempts": d.attempts,
        "last_status": (d.last_status != 0).then_some(d.last_status),
        "last_error": d.last_error,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    })
}

/// `POST /v1/subscriptions`: registers a webhook; the answer holds the secret, once.
pub async fn create_subscription(
    service: web::Data<Service>,
    principal: Principal,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let body: NewSubscriptionBody = parse(&read_body(payload).await?)?;
    check_event_types(&body.event_types)?;
    check_url(&body.url, &body.event_types)?;
    if body.description.chars().count() > 500 {
        return Err(invalid(
            "description",
            "description must be at most 500 characters",
        ));
    }
    let secret = match body.secret {
        Some(s) if s.len() < 16 || s.len() > 256 || s.trim() != s => {
            return Err(invalid(
                "secret",
                "secret must be 16 to 256 characters without surrounding spaces",
            ));
        }
        Some(s) => s,
        None => format!("whsec_{}", crate::auth::secret::random_text(32)),
    };
    let mut types = body.event_types.clone();
    types.sort();
    types.dedup();
    let turn = sqlite_turn(&service).await;
    let created = sql::create(
        &service.store,
        &NewSubscription {
            url: &body.url,
            event_types: &types,
            secret: &secret,
            description: &body.description,
            created_by: &principal.actor,
        },
        now_ms(),
    )
    .await
    .map_err(store_problem)?;
    drop(turn);
    audit_subjects(&request, [format!("subscription:{}", created.id)]);
    let mut answer = shown(&created);
    answer["secret"] = serde_json::Value::String(secret);
    Ok(HttpResponse::Created().json(answer))
}

/// `GET /v1/subscriptions`: every subscription, oldest first, without secrets.
pub async fn list_subscriptions(
    service: web::Data<Service>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let all = sql::list(&service.store.pool)
        .await
        .map_err(store_problem)?;
    audit_subjects(
        &request,
        all.iter().map(|s| format!("subscription:{}", s.id)),
    );
    let items: Vec<serde_json::Value> = all.iter().map(shown).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "subscriptions": items })))
}

async fn found(service: &Service, id: i64) -> Result<Subscription> {
    sql::by_id(&service.store.pool, id)
        .await
        .map_err(store_problem)?
        .ok_or_else(|| not_found(id))
}

/// `GET /v1/subscriptions/{subscription_id}`: one subscription with its delivery counts.
pub async fn get_subscription(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = subscription_id(&path)?;
    audit_subjects(&request, [format!("subscription:{id}")]);
    let subscription = found(&service, id).await?;
    let stats = sql::stats(&service.store.pool, id)
        .await
        .map_err(store_problem)?;
    let mut answer = shown(&subscription);
    answer["deliveries"] = serde_json::json!({
        "pending": stats.pending,
        "delivered": stats.delivered,
        "dead": stats.dead,
    });
    Ok(HttpResponse::Ok().json(answer))
}

/// `DELETE /v1/subscriptions/{subscription_id}`: deactivates it; nothing further is sent.
pub async fn delete_subscription(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = subscription_id(&path)?;
    audit_subjects(&request, [format!("subscription:{id}")]);
    found(&service, id).await?;
    let turn = sqlite_turn(&service).await;
    if !sql::deactivate(&service.store.pool, id, now_ms())
        .await
        .map_err(store_problem)?
    {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("subscription {id} is already inactive; nothing was changed"),
        ));
    }
    drop(turn);
    Ok(HttpResponse::Ok().json(shown(&found(&service, id).await?)))
}

/// `GET /v1/subscriptions/{subscription_id}/dead-letters`: its dead deliveries.
pub async fn list_dead_letters(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = subscription_id(&path)?;
    audit_subjects(&request, [format!("subscription:{id}")]);
    found(&service, id).await?;
    let dead = sql::dead_letters(&service.store.pool, id)
        .await
        .map_err(store_problem)?;
    audit_subjects(&request, dead.iter().map(|d| format!("delivery:{}", d.id)));
    let items: Vec<serde_json::Value> = dead.iter().map(shown_delivery).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "dead_letters": items })))
}

/// `POST /v1/subscriptions/{subscription_id}/dead-letters:replay`: queues its dead
/// deliveries again (all, or those of `delivery_ids`), attempts reset.
pub async fn replay_dead_letters(
    service: web::Data<Service>,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let id = subscription_id(&path)?;
    audit_subjects(&request, [format!("subscription:{id}")]);
    let body = read_body(payload).await?;
    let ids = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse::<ReplayBody>(&body)?.delivery_ids
    };
    found(&service, id).await?;
    let turn = sqlite_turn(&service).await;
    let replayed = sql::replay(&service.store, id, ids.as_deref(), now_ms())
        .await
        .map_err(store_problem)?;
    drop(turn);
    audit_subjects(&request, replayed.iter().map(|d| format!("delivery:{d}")));
    Ok(HttpResponse::Ok().json(serde_json::json!({ "replayed": replayed })))
}

/// On SQLite, take turns with the other writers of this process (`Store::write_gate`).
async fn sqlite_turn(service: &Service) -> Option<tokio::sync::MutexGuard<'_, ()>> {
    match service.store.backend {
        crate::store::Backend::Sqlite => Some(service.store.write_gate.lock().await),
        crate::store::Backend::Postgres => None,
    }
}
