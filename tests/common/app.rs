//! `spawn_app()`: the real HTTP server on a free loopback port over a fresh database,
//! driven with a real HTTP client.

#![allow(dead_code)]

use std::sync::Arc;

use super::db::{self, TestDb};

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let db = match backend {
        Backend::Sqlite => db::sqlite(),
        Backend::Postgres => db::postgres().await,
    };
    let store = mpi::store::Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let service = mpi::identity::Service::open(store, None, mpi::matching::Model::default_model())
        .await
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = mpi::api::server(Arc::new(service), listener).unwrap();
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
        db,
    }
}

impl TestApp {
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(self.client.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> (u16, serde_json::Value) {
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
        self.send(
            self.client
                .post(format!("{}{path}", self.base))
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
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

    /// POSTs `body` as `actor` (the `X-Actor` header), with `If-Match` when given;
    /// answers status, ETag (if any) and JSON.
    pub async fn post_as(
        &self,
        actor: &str,
        path: &str,
        body: &serde_json::Value,
        if_match: Option<&str>,
    ) -> (u16, Option<String>, serde_json::Value) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("X-Actor", actor)
            .json(body);
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
