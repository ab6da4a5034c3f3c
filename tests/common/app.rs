//! `spawn_app()`: the real HTTP server on a free loopback port over a fresh database,
//! driven with a real HTTP client.

#![allow(dead_code)]

use std::sync::Arc;

use super::db::{self, TestDb};

pub struct TestApp {
    pub base: String,
    /// Sends the default key (integration, reviewer and steward: what the API tests do).
    pub client: reqwest::Client,
    /// The default key itself.
    pub key: String,
    pub db: TestDb,
    pub service: Arc<mpi::identity::Service>,
    /// The MLLP listener's address (`host:port`), when started with `spawn_app_mllp`.
    pub mllp: Option<std::net::SocketAddr>,
    /// Keys minted by `key_for`, by name.
    keys: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, mpi::api::ServerOptions::default()).await
}

/// A client that sends `key` as its bearer credential.
pub fn client_with(key: &str) -> reqwest::Client {
    builder_with(key).build().unwrap()
}

/// A client that sends `key` and does not follow redirects.
pub fn client_no_redirect(key: &str) -> reqwest::Client {
    builder_with(key)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn builder_with(key: &str) -> reqwest::ClientBuilder {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {key}").parse().unwrap(),
    );
    reqwest::Client::builder().default_headers(headers)
}

pub async fn spawn_app_with(backend: Backend, options: mpi::api::ServerOptions) -> TestApp {
    super::logs::init();
    let db = match backend {
        Backend::Sqlite => db::sqlite(),
        Backend::Postgres => db::postgres().await,
    };
    let store = mpi::store::Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let service = mpi::identity::Service::open(store, None, mpi::matching::Model::default_model())
        .await
        .unwrap();
    let service = Arc::new(service);
    let roles = mpi::auth::Roles::parse_list("integration,reviewer,steward").unwrap();
    let (_, key) = mpi::auth::keys::create(&service.store, "tester", roles, "test")
        .await
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = mpi::api::server_with(service.clone(), listener, options).unwrap();
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: client_with(&key),
        key,
        db,
        service,
        mllp: None,
        keys: Default::default(),
    }
}

/// `spawn_app`, with the HL7 v2 MLLP listener on a free loopback port beside HTTP.
pub async fn spawn_app_mllp(backend: Backend, options: mpi::mllp::MllpOptions) -> TestApp {
    let mut app = spawn_app(backend).await;
    let listener = mpi::mllp::Listener::bind("127.0.0.1:0", options)
        .await
        .unwrap();
    let handler = Arc::new(mpi::mllp::Handler::new(app.service.clone()));
    let handle = listener.spawn(handler).unwrap();
    app.mllp = Some(handle.addr);
    // runs until the test's runtime ends
    std::mem::forget(handle);
    app
}

impl TestApp {
    /// The key named `name` with `roles` (comma-separated), minted on first use.
    pub async fn key_for(&self, name: &str, roles: &str) -> String {
        if let Some(k) = self.keys.lock().unwrap().get(name) {
            return k.clone();
        }
        let roles = mpi::auth::Roles::parse_list(roles).unwrap();
        let (_, key) = mpi::auth::keys::create(&self.service.store, name, roles, "test")
            .await
            .unwrap();
        self.keys
            .lock()
            .unwrap()
            .insert(name.to_string(), key.clone());
        key
    }

    /// A client acting as `name` with `roles`.
    pub async fn client_as(&self, name: &str, roles: &str) -> reqwest::Client {
        client_with(&self.key_for(name, roles).await)
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        super::logs::record_phi(&body.to_string());
        self.send(self.client.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> (u16, serde_json::Value) {
        super::logs::record_phi(body);
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    pub async fn post_typed(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> (u16, serde_json::Value) {
        super::logs::record_phi(&body);
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        // search terms in the query string are patient data too
        record_query_phi(path);
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn delete(&self, path: &str) -> u16 {
        let r = self
            .client
            .delete(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let (status, _, value) = self.send_with_headers(request).await;
        (status, value)
    }

    /// Sends any request; answers status, response headers and JSON body (errors are
    /// checked to be problem+json).
    pub async fn send_with_headers(
        &self,
        request: reqwest::RequestBuilder,
    ) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
        let r = request.send().await.unwrap();
        let headers = r.headers().clone();
        let status = r.status().as_u16();
        let problem = r.headers().get("content-type").is_some_and(|v| {
            v.to_str()
                .unwrap_or("")
                .starts_with("application/problem+json")
        });
        let text = r.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        if status >= 400 {
            assert!(problem, "an error is problem+json: {status} {text}");
        }
        (status, headers, value)
    }

    /// Every event, page by page.
    pub async fn all_events(&self) -> Vec<serde_json::Value> {
        let mut all = Vec::new();
        loop {
            let after = all
                .last()
                .map(|e: &serde_json::Value| e["seq"].as_i64().unwrap())
                .unwrap_or(0);
            let (_, v) = self
                .get(&format!("/v1/events?after={after}&limit=1000"))
                .await;
            let page = v["events"].as_array().cloned().unwrap_or_default();
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }

    pub async fn events(&self) -> Vec<serde_json::Value> {
        let (_, v) = self.get("/v1/events?after=0&limit=1000").await;
        v["events"].as_array().cloned().unwrap_or_default()
    }

    /// POSTs `body` as `actor` (a steward key of that name), with `If-Match` when given;
    /// answers status, ETag (if any) and JSON.
    pub async fn post_as(
        &self,
        actor: &str,
        path: &str,
        body: &serde_json::Value,
        if_match: Option<&str>,
    ) -> (u16, Option<String>, serde_json::Value) {
        super::logs::record_phi(&body.to_string());
        let client = self.client_as(actor, "steward").await;
        let mut request = client.post(format!("{}{path}", self.base)).json(body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        let (status, headers, value) = self.send_with_headers(request).await;
        let etag = headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (status, etag, value)
    }
}

/// Records the values of `name`, `birth_date` and `identifier` query parameters.
fn record_query_phi(path: &str) {
    let Some((_, query)) = path.split_once('?') else {
        return;
    };
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=')
            && [
                "name",
                "birth_date",
                "identifier",
                "family",
                "given",
                "birthdate",
            ]
            .contains(&k)
        {
            let v = v.replace('+', " ");
            super::logs::record_phi(&serde_json::json!({ "given_name": v }).to_string());
        }
    }
}
