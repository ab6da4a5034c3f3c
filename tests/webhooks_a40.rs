//! ADT^A40 over MLLP when persons merge, against a real local MLLP listener, on SQLite
//! and PostgreSQL: the message (survivor's PID, loser's MRG) read back with mpi's HL7
//! parser, a negative ACK retried, the `--a40-destination` subscription, and the
//! refusals of an mllp subscription that asks for other events.

#[macro_use]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::app::{Backend, TestApp, spawn_app_with};
use common::people::{maria, merge, register, robert};
use common::receiver::until;
use mpi::hl7::Message;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn options() -> mpi::api::ServerOptions {
    mpi::api::ServerOptions {
        webhooks: mpi::webhooks::WebhookOptions {
            backoff: mpi::webhooks::Backoff {
                initial: Duration::from_millis(40),
                cap: Duration::from_millis(200),
                max_attempts: 10,
            },
            timeout: Duration::from_secs(5),
            poll_interval: Duration::from_millis(30),
        },
        ..Default::default()
    }
}

/// An MLLP listener: records each framed message and answers an ACK with MSA-1 from
/// `codes` in turn (then `AA`).
#[derive(Clone)]
struct Listener {
    address: String,
    messages: Arc<Mutex<Vec<String>>>,
}

async fn listen(codes: &[&str]) -> Listener {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap().to_string();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let codes = Arc::new(Mutex::new(
        codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
    ));
    let seen = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = socket.accept().await else {
                return;
            };
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            while !data.windows(2).any(|w| w == [0x1c, 0x0d]) {
                let n = stream.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
            }
            let text = String::from_utf8_lossy(&data)
                .trim_start_matches('\u{b}')
                .trim_end_matches(['\u{1c}', '\r'])
                .to_string();
            let control = Message::parse(&text)
                .ok()
                .and_then(|m| m.segment("MSH").map(|s| s.text(10, 1).to_string()))
                .unwrap_or_default();
            let code = {
                let mut codes = codes.lock().unwrap();
                if codes.is_empty() {
                    "AA".to_string()
                } else {
                    codes.remove(0)
                }
            };
            seen.lock().unwrap().push(text);
            let ack = format!(
                "\u{b}MSH|^~\\&|ENGINE|HOSP|MPI|MPI|20260101120000||ACK^A40^ACK|A{control}|P|2.5.1\rMSA|{code}|{control}\r\u{1c}\r"
            );
            let _ = stream.write_all(ack.as_bytes()).await;
        }
    });
    Listener { address, messages }
}

/// CX repetitions of a field as `id^^^authority^type`.
fn cx_list(message: &Message, segment: &str, field: usize) -> Vec<String> {
    let s = message.segment(segment).unwrap();
    s.field(field)
        .map(|f| {
            f.repetitions
                .iter()
                .map(|r| format!("{}^^^{}^{}", r.component(1), r.component(4), r.component(5)))
                .collect()
        })
        .unwrap_or_default()
}

macro_rules! both_a40 {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                ($body)(spawn_app_with(Backend::Sqlite, options()).await).await;
            }
            #[tokio::test]
            async fn postgres() {
                ($body)(spawn_app_with(Backend::Postgres, options()).await).await;
            }
        }
    };
}

both_a40!(
    a_merge_is_sent_as_adt_a40_and_a_negative_ack_retried,
    |app: TestApp| async move {
        // the first answer is AE: the same merge comes again
        let engine = listen(&["AE"]).await;
        let admin = app.client_as("hook-admin", "admin").await;
        let url = format!("{}/v1/subscriptions", app.base);
        let mllp = format!("mllp://{}", engine.address);
        let r = admin
            .post(&url)
            .json(&json!({"url": mllp, "event_types": ["*"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["field"], "event_types");
        let r = admin
            .post(&url)
            .json(&json!({"url": "mllp://no-port", "event_types": ["persons.merged"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let r = admin
            .post(&url)
            .json(&json!({"url": mllp, "event_types": ["persons.merged"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);

        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        let q = register(&app, &maria("HOSP_A", "A-2")).await;
        merge(&app, &p, &q).await;
        until("the A40, twice", || async {
            engine.messages.lock().unwrap().len() >= 2
        })
        .await;
        let messages = engine.messages.lock().unwrap().clone();
        assert_eq!(messages.len(), 2, "one negative ACK, one resend");
        let message = Message::parse(&messages[1]).unwrap();
        let msh = message.segment("MSH").unwrap();
        assert_eq!(msh.text(9, 1), "ADT");
        assert_eq!(msh.text(9, 2), "A40");
        assert_eq!(msh.text(9, 3), "ADT_A39");
        let pid = cx_list(&message, "PID", 3);
        assert!(pid.contains(&format!("{p}^^^MPI^PI")), "{pid:?}");
        assert!(pid.contains(&"A-1^^^HOSP_A^MR".to_string()), "{pid:?}");
        assert!(pid.contains(&"A-2^^^HOSP_A^MR".to_string()), "{pid:?}");
        let mrg = cx_list(&message, "MRG", 1);
        assert_eq!(
            mrg,
            vec![format!("{q}^^^MPI^PI"), "A-2^^^HOSP_A^MR".to_string()]
        );
        assert!(!message.segment("PID").unwrap().text(5, 1).is_empty());
        // the first (refused) one was the same merge: the subscription sends merges only
        let first = Message::parse(&messages[0]).unwrap();
        assert_eq!(cx_list(&first, "MRG", 1), mrg);
    }
);

both_a40!(
    the_a40_destination_setting_subscribes_once,
    |app: TestApp| async move {
        let engine = listen(&[]).await;
        let store = &app.service.store;
        let id = mpi::webhooks::ensure_a40(store, &engine.address)
            .await
            .unwrap();
        assert_eq!(
            mpi::webhooks::ensure_a40(store, &engine.address)
                .await
                .unwrap(),
            id,
            "the same subscription at the next start"
        );
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        let q = register(&app, &maria("HOSP_A", "A-2")).await;
        merge(&app, &p, &q).await;
        until("the A40", || async {
            !engine.messages.lock().unwrap().is_empty()
        })
        .await;
        let admin = app.client_as("hook-admin", "admin").await;
        let v: Value = admin
            .get(format!("{}/v1/subscriptions/{id}", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["event_types"], json!(["persons.merged"]));
        assert_eq!(v["url"], format!("mllp://{}", engine.address));
        until("delivered", || async {
            let v: Value = admin
                .get(format!("{}/v1/subscriptions/{id}", app.base))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["deliveries"]["delivered"] == 1
        })
        .await;
    }
);

/// The real binary with `MPI_A40_DESTINATION`: a merge reaches the MLLP listener.
async fn serve_with_a40_destination(database_url: Option<String>) {
    let engine = listen(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("MPI_A40_DESTINATION", engine.address.as_str()),
        ("MPI_WEBHOOK_POLL_INTERVAL_MS", "30"),
    ];
    let mut server = common::server::start_with(dir.path(), database_url.as_deref(), &env).await;
    let client = server.client();
    let mut persons = Vec::new();
    for record in [robert("HOSP_A", "A-1"), maria("HOSP_A", "A-2")] {
        common::logs::record_phi(&record.to_string());
        let v: Value = client
            .post(format!("{}/v1/records", server.base))
            .json(&record)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        persons.push(v["person_id"].as_str().unwrap().to_string());
    }
    let r = client
        .post(format!("{}/v1/persons/{}/merge", server.base, persons[0]))
        .json(&json!({"from": persons[1], "reason": "same patient"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    until("the A40", || async {
        !engine.messages.lock().unwrap().is_empty()
    })
    .await;
    let message = Message::parse(&engine.messages.lock().unwrap()[0]).unwrap();
    assert_eq!(
        cx_list(&message, "MRG", 1)[0],
        format!("{}^^^MPI^PI", persons[1])
    );
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_a40_destination_sqlite() {
    serve_with_a40_destination(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_a40_destination_postgres() {
    let db = common::db::postgres().await;
    serve_with_a40_destination(Some(db.url.clone())).await;
}
