//! A real local HTTP receiver for webhook tests: a plain HTTP/1.1 server on a loopback
//! port (tokio TCP, one request per connection) that records what it accepts and can be
//! told to answer 500, or to hang without answering.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request the receiver accepted (answered 200).
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names in lowercase.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    pub json: serde_json::Value,
}

impl Received {
    pub fn seq(&self) -> i64 {
        self.json["event"]["seq"].as_i64().unwrap()
    }
    pub fn kind(&self) -> &str {
        self.json["event"]["kind"].as_str().unwrap()
    }
    pub fn persons(&self) -> Vec<String> {
        self.json["event"]["persons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    }
}

#[derive(Default)]
struct State {
    accepted: Mutex<Vec<Received>>,
    /// Every request seen, accepted or not: (delivery id, what was answered).
    attempts: Mutex<Vec<(i64, &'static str)>>,
    fail_all: AtomicBool,
    fail_next: AtomicUsize,
    /// Requests naming this person are answered 500.
    fail_person: Mutex<Option<String>>,
    hang_all: AtomicBool,
    hang_next: AtomicUsize,
    /// Connections held open without an answer right now.
    hanging: AtomicUsize,
    release: tokio::sync::Notify,
}

/// The receiver; it serves until the test ends.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let state = shared.clone();
                tokio::spawn(async move { serve(socket, state).await });
            }
        });
        Receiver { url, state }
    }

    /// The accepted requests, in arrival order.
    pub fn accepted(&self) -> Vec<Received> {
        self.state.accepted.lock().unwrap().clone()
    }

    /// Every request's (delivery id, answer) in arrival order.
    pub fn attempts(&self) -> Vec<(i64, &'static str)> {
        self.state.attempts.lock().unwrap().clone()
    }

    pub fn fail_all(&self, on: bool) {
        self.state.fail_all.store(on, Ordering::SeqCst);
    }

    pub fn fail_next(&self, n: usize) {
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn fail_person(&self, person: Option<&str>) {
        *self.state.fail_person.lock().unwrap() = person.map(str::to_string);
    }

    pub fn hang_all(&self, on: bool) {
        self.state.hang_all.store(on, Ordering::SeqCst);
    }

    pub fn hang_next(&self, n: usize) {
        self.state.hang_next.store(n, Ordering::SeqCst);
    }

    /// Connections held open without an answer right now.
    pub fn hanging(&self) -> usize {
        self.state.hanging.load(Ordering::SeqCst)
    }

    /// Lets the hanging connections go (they are answered 200).
    pub fn release(&self) {
        self.state.hang_all.store(false, Ordering::SeqCst);
        self.state.release.notify_waiters();
    }

    /// Waits until `check` holds on the accepted requests (at most 60 s).
    pub async fn wait_for(&self, what: &str, check: impl Fn(&[Received]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if check(&self.accepted()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "receiver: {what} did not happen; accepted {:?}; attempts {:?}",
                self.accepted()
                    .iter()
                    .map(|r| (r.seq(), r.kind().to_string()))
                    .collect::<Vec<_>>(),
                self.attempts()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// Waits until `check` holds (at most 60 s).
pub async fn until<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "{what} did not happen");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn serve(mut socket: tokio::net::TcpStream, state: Arc<State>) {
    let Some((headers, body)) = read_request(&mut socket).await else {
        return;
    };
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let delivery = json["delivery_id"].as_i64().unwrap_or(0);
    let names_failing = {
        let failing = state.fail_person.lock().unwrap().clone();
        failing.is_some_and(|p| {
            json["event"]["persons"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(p.as_str())))
        })
    };
    let take = |n: &AtomicUsize| {
        n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1))
            .is_ok()
    };
    if state.hang_all.load(Ordering::SeqCst) || take(&state.hang_next) {
        state.attempts.lock().unwrap().push((delivery, "hang"));
        state.hanging.fetch_add(1, Ordering::SeqCst);
        let released = state.release.notified();
        tokio::select! {
            _ = released => {}
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = wait_closed(&mut socket) => {
                state.hanging.fetch_sub(1, Ordering::SeqCst);
                return;
            }
        }
        state.hanging.fetch_sub(1, Ordering::SeqCst);
    } else if state.fail_all.load(Ordering::SeqCst) || names_failing || take(&state.fail_next) {
        state.attempts.lock().unwrap().push((delivery, "500"));
        let _ = respond(&mut socket, "500 Internal Server Error").await;
        return;
    }
    state.attempts.lock().unwrap().push((delivery, "200"));
    state.accepted.lock().unwrap().push(Received {
        headers,
        body,
        json,
    });
    let _ = respond(&mut socket, "200 OK").await;
}

/// Resolves when the client closes the connection.
async fn wait_closed(socket: &mut tokio::net::TcpStream) {
    let mut buf = [0u8; 64];
    loop {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

async fn respond(socket: &mut tokio::net::TcpStream, status: &str) -> std::io::Result<()> {
    let text = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    socket.write_all(text.as_bytes()).await?;
    socket.shutdown().await
}

async fn read_request(
    socket: &mut tokio::net::TcpStream,
) -> Option<(HashMap<String, String>, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some((headers, body))
}
