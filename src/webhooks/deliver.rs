//! One delivery attempt: the JSON body (ids only, never patient values), the signed
//! headers, the POST and what became of it.

use std::time::Duration;

use crate::store::events::Event;
use crate::store::webhooks::{Delivery, Subscription};

/// The body POSTed for `delivery` of `event`.
pub fn body(subscription: &Subscription, delivery: &Delivery, event: &Event) -> Vec<u8> {
    let payload = serde_json::from_str::<serde_json::Value>(&event.payload).unwrap_or_default();
    serde_json::to_vec(&serde_json::json!({
        "subscription_id": subscription.id,
        "delivery_id": delivery.id,
        "event": {
            "seq": event.seq,
            "kind": event.kind,
            "person_id": event.person_id,
            "persons": delivery.persons,
            "payload": payload,
            "at_ms": event.created_at,
        },
    }))
    .expect("JSON serializes")
}

/// What the receiver did with one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx status.
    Accepted(u16),
    /// Another status (redirects are not followed), with the `Retry-After` it asked for.
    Refused(u16, Option<Duration>),
    /// No answer: connection refused, reset, timed out. The text names the kind only.
    Failed(String),
}

/// The HTTP client of the deliveries: no redirects, `timeout` per request.
pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("mpi-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds")
}

/// POSTs `body` to the subscription, signed at `unix_seconds`.
pub async fn send(
    client: &reqwest::Client,
    subscription: &Subscription,
    delivery: &Delivery,
    body: Vec<u8>,
    unix_seconds: i64,
) -> Answer {
    let signature = super::sign::signature(&subscription.secret, unix_seconds, &body);
    let sent = client
        .post(&subscription.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-MPI-Event-Id", delivery.event_seq.to_string())
        .header("X-MPI-Event-Type", &delivery.event_kind)
        .header("X-MPI-Delivery", delivery.id.to_string())
        .header("X-MPI-Signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                Answer::Accepted(status.as_u16())
            } else {
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                Answer::Refused(status.as_u16(), retry_after)
            }
        }
        Err(error) => Answer::Failed(kind_of(&error).to_string()),
    }
}

/// The kind of a transport error, without URLs or bodies.
fn kind_of(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "broken response"
    } else if error.is_request() {
        "request failed"
    } else {
        "no answer"
    }
}
