//! Outbound identity events against a real local HTTP receiver, on SQLite and
//! PostgreSQL: every event arrives, in order per person, signed (checked with Python's
//! `hmac`); retries after 500s and timeouts; other persons are not held up; dead letters
//! and their replay; event-type filters; deactivation; a hanging receiver does not block
//! registration; the subscription routes' answers and errors.

#[macro_use]
mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::app::{Backend, TestApp, spawn_app_with};
use common::people::{maria, merge, register, robert};
use common::receiver::{Received, Receiver, until};
use serde_json::{Value, json};

/// Short delays so retries happen within a test.
fn options(max_attempts: u32, timeout: Duration) -> mpi::api::ServerOptions {
    mpi::api::ServerOptions {
        webhooks: mpi::webhooks::WebhookOptions {
            backoff: mpi::webhooks::Backoff {
                initial: Duration::from_millis(40),
                cap: Duration::from_millis(200),
                max_attempts,
            },
            timeout,
            poll_interval: Duration::from_millis(30),
        },
        ..Default::default()
    }
}

/// One test per backend with the given server options.
macro_rules! both_with {
    ($name:ident, $options:expr, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let app = spawn_app_with(Backend::Sqlite, $options).await;
                ($body)(app).await;
            }
            #[tokio::test]
            async fn postgres() {
                let app = spawn_app_with(Backend::Postgres, $options).await;
                ($body)(app).await;
            }
        }
    };
}

fn wei(source: &str, source_id: &str) -> Value {
    json!({
        "source": source, "source_id": source_id,
        "given_name": "Wei", "family_name": "Zhang", "sex": "F",
        "birth_date": "1962-07-30", "postal_code": "94110"
    })
}

async fn admin(app: &TestApp) -> reqwest::Client {
    app.client_as("hook-admin", "admin").await
}

/// Creates a subscription; answers its id and secret.
async fn subscribe(app: &TestApp, url: &str, types: &[&str]) -> (i64, String) {
    let r = admin(app)
        .await
        .post(format!("{}/v1/subscriptions", app.base))
        .json(&json!({"url": url, "event_types": types, "description": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    (
        v["id"].as_i64().unwrap(),
        v["secret"].as_str().unwrap().to_string(),
    )
}

async fn admin_get(app: &TestApp, path: &str) -> (u16, Value) {
    let r = admin(app)
        .await
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn admin_post(app: &TestApp, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = admin(app).await.post(format!("{}{path}", app.base));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The events after `after` as (seq, kind).
async fn events_after(app: &TestApp, after: i64) -> Vec<(i64, String)> {
    app.all_events()
        .await
        .iter()
        .map(|e| {
            (
                e["seq"].as_i64().unwrap(),
                e["kind"].as_str().unwrap().into(),
            )
        })
        .filter(|(seq, _)| *seq > after)
        .collect()
}

async fn last_seq(app: &TestApp) -> i64 {
    events_after(app, 0).await.last().map(|e| e.0).unwrap_or(0)
}

/// Per person, the sequence numbers in arrival order must increase.
fn assert_ordered_per_person(received: &[Received]) {
    let mut last: HashMap<String, i64> = HashMap::new();
    for r in received {
        for p in r.persons() {
            let before = last.insert(p.clone(), r.seq()).unwrap_or(0);
            assert!(
                r.seq() > before,
                "event {} for {p} arrived after {before}",
                r.seq()
            );
        }
    }
}

/// Verifies `X-MPI-Signature` of `r` with Python's `hmac` module (an implementation
/// independent of the server's): true when it matches `secret`.
fn python_verifies(r: &Received, secret: &str) -> bool {
    let python = std::env::var("MPI_TEST_PYTHON")
        .expect("MPI_TEST_PYTHON must name a Python (scripts/test sets it up) to check signatures");
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body");
    std::fs::write(&body, &r.body).unwrap();
    let script = r#"
import hashlib, hmac, sys
secret, header, path = sys.argv[1], sys.argv[2], sys.argv[3]
parts = dict(p.split("=", 1) for p in header.split(","))
body = open(path, "rb").read()
expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
sys.exit(0 if hmac.compare_digest(expected, parts["v1"]) else 1)
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script, secret, &r.headers["x-mpi-signature"]])
        .arg(&body)
        .output()
        .expect("python runs");
    assert!(
        out.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.success()
}

both_with!(
    every_event_arrives_signed_and_in_order_per_person,
    options(5, Duration::from_secs(5)),
    |app: TestApp| async move {
        let receiver = Receiver::start().await;
        let (id, secret) = subscribe(&app, &receiver.url, &["*"]).await;
        let start = last_seq(&app).await;
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        let q = register(&app, &maria("HOSP_A", "A-2")).await;
        assert_eq!(register(&app, &robert("LAB_B", "L-1")).await, p);
        let w = register(&app, &wei("HOSP_A", "A-3")).await;
        assert_eq!(register(&app, &maria("LAB_B", "L-2")).await, q);
        // a merge names both persons
        merge(&app, &p, &q).await;
        register(&app, &wei("LAB_B", "L-3")).await;
        let _ = w;
        let expected = events_after(&app, start).await;
        assert!(expected.len() >= 11, "{expected:?}");
        receiver
            .wait_for("every event", |r| r.len() >= expected.len())
            .await;
        let received = receiver.accepted();
        let mut got: Vec<(i64, String)> = received
            .iter()
            .map(|r| (r.seq(), r.kind().to_string()))
            .collect();
        got.sort();
        assert_eq!(got, expected, "each event once, none missing");
        assert_ordered_per_person(&received);
        let merged = received
            .iter()
            .find(|r| r.kind() == "persons.merged")
            .unwrap();
        let mut both = vec![p.clone(), q.clone()];
        both.sort();
        assert_eq!(merged.persons(), both);
        for r in &received {
            assert_eq!(r.headers["content-type"], "application/json");
            assert_eq!(r.headers["x-mpi-event-id"], r.seq().to_string());
            assert_eq!(r.headers["x-mpi-event-type"], r.kind());
            assert_eq!(
                r.headers["x-mpi-delivery"],
                r.json["delivery_id"].as_i64().unwrap().to_string()
            );
            assert_eq!(r.json["subscription_id"], id);
            // ids only: no patient values in the body
            let text = String::from_utf8_lossy(&r.body);
            for value in ["Robert", "Johnson", "Gonzalez", "1975", "219-55", "555-01"] {
                assert!(!text.contains(value), "{text}");
            }
        }
        // the signature, checked independently, and a wrong secret fails
        assert!(python_verifies(&received[0], &secret));
        assert!(python_verifies(merged, &secret));
        assert!(!python_verifies(merged, "whsec_not-the-secret"));
        let mut tampered = merged.clone();
        tampered.body.push(b' ');
        assert!(!python_verifies(&tampered, &secret));
        // the delivery counts
        let (status, v) = admin_get(&app, &format!("/v1/subscriptions/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(v["deliveries"]["delivered"], expected.len());
        assert_eq!(v["deliveries"]["dead"], 0);
        assert!(v.get("secret").is_none(), "{v}");
    }
);

both_with!(
    a_failing_person_is_retried_while_others_arrive,
    options(50, Duration::from_secs(5)),
    |app: TestApp| async move {
        let receiver = Receiver::start().await;
        subscribe(&app, &receiver.url, &["*"]).await;
        receiver.fail_all(true);
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        // every request about p is answered 500 until told otherwise
        receiver.fail_person(Some(&p));
        receiver.fail_all(false);
        assert_eq!(register(&app, &robert("LAB_B", "L-1")).await, p);
        let q = register(&app, &maria("HOSP_A", "A-2")).await;
        let r = register(&app, &wei("HOSP_A", "A-3")).await;
        // the other persons' events arrive while p's first event is being retried
        receiver
            .wait_for("the other persons' events", |got| {
                [&q, &r]
                    .iter()
                    .all(|x| got.iter().filter(|e| e.persons().contains(x)).count() == 2)
            })
            .await;
        let attempts_on_p = || {
            receiver
                .attempts()
                .iter()
                .filter(|(_, answer)| *answer == "500")
                .count()
        };
        until("p's event retried", || async { attempts_on_p() >= 3 }).await;
        // p's later events wait behind the one being retried: never even attempted
        let failed: std::collections::BTreeSet<i64> = receiver
            .attempts()
            .iter()
            .filter(|(_, answer)| *answer == "500")
            .map(|(delivery, _)| *delivery)
            .collect();
        assert_eq!(failed.len(), 1, "only p's first event is tried: {failed:?}");
        assert!(
            receiver
                .accepted()
                .iter()
                .all(|e| !e.persons().contains(&p)),
            "nothing of p arrives while its first event fails"
        );
        let of_p = app
            .all_events()
            .await
            .iter()
            .filter(|e| e["person_id"] == p.as_str())
            .count();
        assert!(of_p >= 3);
        receiver.fail_person(None);
        receiver
            .wait_for("p's events", |got| {
                got.iter().filter(|e| e.persons().contains(&p)).count() == of_p
            })
            .await;
        assert_ordered_per_person(&receiver.accepted());
    }
);

both_with!(
    a_timed_out_delivery_is_retried,
    options(10, Duration::from_millis(500)),
    |app: TestApp| async move {
        let receiver = Receiver::start().await;
        subscribe(&app, &receiver.url, &["person.created"]).await;
        receiver.hang_next(1);
        register(&app, &robert("HOSP_A", "A-1")).await;
        receiver.wait_for("the event", |got| got.len() == 1).await;
        let attempts = receiver.attempts();
        assert_eq!(attempts.len(), 2, "{attempts:?}");
        assert_eq!(attempts[0].1, "hang");
        assert_eq!(attempts[1].1, "200");
        assert_eq!(attempts[0].0, attempts[1].0, "the same delivery again");
    }
);

both_with!(
    a_hanging_receiver_does_not_block_registration,
    options(5, Duration::from_secs(60)),
    |app: TestApp| async move {
        let receiver = Receiver::start().await;
        subscribe(&app, &receiver.url, &["*"]).await;
        let start = last_seq(&app).await;
        receiver.hang_all(true);
        register(&app, &robert("HOSP_A", "A-1")).await;
        until("a delivery hangs", || async { receiver.hanging() >= 1 }).await;
        // the receiver holds the delivery; registrations still complete
        register(&app, &maria("HOSP_A", "A-2")).await;
        register(&app, &wei("HOSP_A", "A-3")).await;
        assert!(receiver.hanging() >= 1, "the receiver is still blocked");
        assert!(receiver.accepted().is_empty());
        receiver.release();
        let expected = events_after(&app, start).await.len();
        receiver
            .wait_for("every event", |got| got.len() == expected)
            .await;
        assert_ordered_per_person(&receiver.accepted());
    }
);

both_with!(
    dead_letters_are_listed_and_replayed,
    options(3, Duration::from_secs(5)),
    |app: TestApp| async move {
        let receiver = Receiver::start().await;
        let (id, _) = subscribe(&app, &receiver.url, &["*"]).await;
        receiver.fail_all(true);
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        let path = format!("/v1/subscriptions/{id}/dead-letters");
        until("two dead letters", || async {
            admin_get(&app, &path).await.1["dead_letters"]
                .as_array()
                .is_some_and(|d| d.len() == 2)
        })
        .await;
        let (_, v) = admin_get(&app, &path).await;
        let dead = v["dead_letters"].as_array().unwrap().clone();
        assert_eq!(receiver.attempts().len(), 6, "three attempts each");
        for d in &dead {
            assert_eq!(d["status"], "dead");
            assert_eq!(d["attempts"], 3);
            assert_eq!(d["last_status"], 500);
            assert_eq!(d["last_error"], "HTTP 500");
            assert_eq!(d["persons"], json!([p]));
        }
        assert_eq!(dead[0]["event_kind"], "person.created");
        // dead letters do not hold the person back: a later event arrives
        receiver.fail_all(false);
        assert_eq!(register(&app, &robert("LAB_B", "L-1")).await, p);
        receiver
            .wait_for("the later event", |got| got.len() == 1)
            .await;
        assert_eq!(receiver.accepted()[0].kind(), "record.linked");
        // replay one by id, then the rest
        let first = dead[0]["id"].as_i64().unwrap();
        let (status, v) = admin_post(
            &app,
            &format!("{path}:replay"),
            Some(json!({"delivery_ids": [first]})),
        )
        .await;
        assert_eq!((status, &v), (200, &json!({"replayed": [first]})));
        receiver
            .wait_for("the replayed one", |got| got.len() == 2)
            .await;
        assert_eq!(receiver.accepted()[1].kind(), "person.created");
        let (status, v) = admin_post(&app, &format!("{path}:replay"), None).await;
        assert_eq!(status, 200);
        assert_eq!(v["replayed"], json!([dead[1]["id"]]));
        receiver.wait_for("all", |got| got.len() == 3).await;
        let (_, v) = admin_get(&app, &path).await;
        assert_eq!(v["dead_letters"], json!([]));
        let (_, v) = admin_get(&app, &format!("/v1/subscriptions/{id}")).await;
        assert_eq!(
            v["deliveries"],
            json!({"pending": 0, "delivered": 3, "dead": 0})
        );
        // the metrics count them
        let metrics = admin(&app)
            .await
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("mpi_webhook_deliveries_total{result=\"dead\"} 2"),
            "{metrics}"
        );
        assert!(metrics.contains("mpi_webhook_deliveries_total{result=\"delivered\"} 3"));
    }
);

both_with!(
    event_types_filter_and_deactivation_stops_delivery,
    options(5, Duration::from_secs(5)),
    |app: TestApp| async move {
        let merges = Receiver::start().await;
        let all = Receiver::start().await;
        subscribe(&app, &merges.url, &["persons.merged"]).await;
        let (all_id, _) = subscribe(&app, &all.url, &["*"]).await;
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        let q = register(&app, &maria("HOSP_A", "A-2")).await;
        merge(&app, &p, &q).await;
        all.wait_for("everything", |got| {
            got.iter().any(|e| e.kind() == "persons.merged")
        })
        .await;
        merges.wait_for("the merge", |got| !got.is_empty()).await;
        let kinds: Vec<String> = merges
            .accepted()
            .iter()
            .map(|e| e.kind().to_string())
            .collect();
        assert_eq!(kinds, vec!["persons.merged"]);
        // deactivated: nothing further, though a newer subscription gets the next event
        let client = admin(&app).await;
        let r = client
            .delete(format!("{}/v1/subscriptions/{all_id}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["active"], false);
        let r = client
            .delete(format!("{}/v1/subscriptions/{all_id}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 409);
        let before = all.accepted().len();
        let later = Receiver::start().await;
        subscribe(&app, &later.url, &["*"]).await;
        register(&app, &wei("HOSP_A", "A-3")).await;
        later.wait_for("the new events", |got| got.len() == 2).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            all.accepted().len(),
            before,
            "a deactivated subscription gets nothing"
        );
    }
);

both_with!(
    subscription_routes_validate_and_hide_secrets,
    options(5, Duration::from_secs(5)),
    |app: TestApp| async move {
        let client = admin(&app).await;
        let post = |body: Value| {
            let client = client.clone();
            let url = format!("{}/v1/subscriptions", app.base);
            async move {
                let r = client.post(url).json(&body).send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap())
            }
        };
        for (body, field) in [
            (
                json!({"url": "ftp://example.org/x", "event_types": ["*"]}),
                "url",
            ),
            (json!({"url": "not a url", "event_types": ["*"]}), "url"),
            (
                json!({"url": "http://example.org/x", "event_types": []}),
                "event_types",
            ),
            (
                json!({"url": "http://example.org/x", "event_types": ["person.eaten"]}),
                "event_types",
            ),
            (
                json!({"url": "http://example.org/x", "event_types": ["*"], "secret": "short"}),
                "secret",
            ),
            (
                json!({"url": "http://example.org/x", "event_types": ["*"], "colour": 1}),
                "colour",
            ),
        ] {
            let (status, v) = post(body.clone()).await;
            assert_eq!(status, 400, "{body} {v}");
            assert_eq!(v["field"], field, "{body} {v}");
        }
        let given = "a-secret-of-my-own-choosing";
        let (status, v) = post(json!({
            "url": "https://example.org/hook", "event_types": ["record.linked", "persons.merged"],
            "secret": given
        }))
        .await;
        assert_eq!(status, 201);
        assert_eq!(v["secret"], given);
        let id = v["id"].as_i64().unwrap();
        let (status, generated) =
            post(json!({"url": "http://127.0.0.1:9/h", "event_types": ["*"]})).await;
        assert_eq!(status, 201);
        let generated = generated["secret"].as_str().unwrap().to_string();
        assert!(generated.starts_with("whsec_") && generated.len() > 40);
        let (status, list) = admin_get(&app, "/v1/subscriptions").await;
        assert_eq!(status, 200);
        let text = list.to_string();
        assert!(
            !text.contains(given) && !text.contains(&generated),
            "{text}"
        );
        assert_eq!(list["subscriptions"][0]["id"], id);
        assert_eq!(list["subscriptions"][0]["created_by"], "hook-admin");
        assert_eq!(
            list["subscriptions"][0]["event_types"],
            json!(["persons.merged", "record.linked"])
        );
        assert_eq!(admin_get(&app, "/v1/subscriptions/999999").await.0, 404);
        assert_eq!(admin_get(&app, "/v1/subscriptions/x").await.0, 400);
        // not for other roles
        let r = app
            .client
            .get(format!("{}/v1/subscriptions", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
    }
);

/// A delivery in flight when the process is killed is sent again by the next one: the
/// cursor and the pending deliveries are in the database.
async fn in_flight_delivery_survives_kill_9(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url.as_deref();
    let env = [
        ("MPI_WEBHOOK_INITIAL_DELAY_MS", "50"),
        ("MPI_WEBHOOK_MAX_DELAY_MS", "200"),
        ("MPI_WEBHOOK_POLL_INTERVAL_MS", "30"),
        ("MPI_WEBHOOK_TIMEOUT", "60"),
    ];
    let receiver = Receiver::start().await;
    receiver.hang_all(true);
    let mut server = common::server::start_with(dir.path(), url, &env).await;
    let key = common::server::mint_key(dir.path(), url, "hook-admin", "admin");
    let r = common::app::client_with(&key)
        .post(format!("{}/v1/subscriptions", server.base))
        .json(&json!({"url": receiver.url, "event_types": ["*"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let record = robert("HOSP_A", "A-1");
    common::logs::record_phi(&record.to_string());
    let r = server
        .client()
        .post(format!("{}/v1/records", server.base))
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    until("a delivery in flight", || async { receiver.hanging() >= 1 }).await;
    server.kill();
    until("the connection closed", || async {
        receiver.hanging() == 0
    })
    .await;
    receiver.hang_all(false);
    assert!(receiver.accepted().is_empty());
    let mut server = common::server::start_with(dir.path(), url, &env).await;
    receiver.wait_for("both events", |got| got.len() == 2).await;
    let kinds: Vec<String> = receiver
        .accepted()
        .iter()
        .map(|r| r.kind().to_string())
        .collect();
    assert_eq!(kinds, vec!["person.created", "record.linked"]);
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_delivery_survives_kill_9_sqlite() {
    in_flight_delivery_survives_kill_9(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_delivery_survives_kill_9_postgres() {
    let db = common::db::postgres().await;
    in_flight_delivery_survives_kill_9(Some(db.url.clone())).await;
}
