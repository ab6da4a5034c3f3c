//! `openapi/mpi.yaml` and the server agree: every documented route is served, every
//! served route is documented, a wrong method is 405, and the document and its docs
//! page are served.

#[macro_use]
mod common;

use std::collections::BTreeSet;

use common::app::{Backend, spawn_app};
use serde_json::Value;

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/mpi.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("openapi/mpi.yaml is YAML")
}

fn documented() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in spec()["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_documented_and_every_documented_route_exists() {
    let served: BTreeSet<(String, String)> = mpi::api::ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let documented = documented();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in openapi/mpi.yaml: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "in openapi/mpi.yaml but not served: {unserved:?}"
    );
}

/// The access rule in the code and the document agree: for every route, `x-mpi-roles`
/// names exactly the roles its `Access` admits and `operationId` is its `operation`.
#[test]
fn every_operation_documents_its_roles_and_operation_id() {
    let spec = spec();
    let mut wrong = Vec::new();
    for route in mpi::api::ROUTES {
        let op = &spec["paths"][route.path][route.method.to_lowercase()];
        let at = format!("{} {}", route.method, route.path);
        assert!(op.is_object(), "{at} is not in openapi/mpi.yaml");
        if op["operationId"] != route.operation {
            wrong.push(format!(
                "{at}: operationId {} but the route's operation is {}",
                op["operationId"], route.operation
            ));
        }
        let documented: Option<BTreeSet<&str>> = op["x-mpi-roles"]
            .as_array()
            .map(|roles| roles.iter().filter_map(Value::as_str).collect());
        let admitted: BTreeSet<&str> = route.access.roles().iter().map(|r| r.name()).collect();
        match documented {
            None => wrong.push(format!("{at}: no x-mpi-roles list")),
            Some(d) if d != admitted => wrong.push(format!(
                "{at}: x-mpi-roles {d:?} but the route admits {admitted:?}"
            )),
            Some(_) => {}
        }
        let public = route.access == mpi::auth::Access::Public;
        let security = op.get("security").and_then(Value::as_array);
        if public != security.is_some_and(|s| s.is_empty()) {
            wrong.push(format!(
                "{at}: `security: []` must mark exactly the public routes"
            ));
        }
        if !public {
            let responses = &op["responses"];
            for status in ["401", "403", "429", "503"] {
                if !responses[status].is_object() {
                    wrong.push(format!("{at}: does not document {status}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_operation_documents_its_errors() {
    for (path, item) in spec()["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses
                    .keys()
                    .any(|s| s.starts_with('2') || s.starts_with('3')),
                "{method} {path} documents no success"
            );
            if op.get("requestBody").is_some() || path.contains('{') {
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{method} {path} documents no client error"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_server_answers_every_documented_route() {
    let app = spawn_app(Backend::Sqlite).await;
    for (method, path) in documented() {
        let concrete = path
            .replace("{source}", "HOSP_A")
            .replace("{source_id}", "A-1")
            .replace("{person_id}", "p-none");
        let url = format!("{}{concrete}", app.base);
        let request = match method.as_str() {
            "GET" => app.client.get(&url),
            "POST" => app.client.post(&url).body("{}"),
            "DELETE" => app.client.delete(&url),
            other => panic!("unexpected method {other}"),
        };
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        // a route that exists may say 404 for an unknown id, never "no such route"
        assert_ne!(status, 405, "{method} {path}: {body}");
        assert!(
            !body.contains("no such route"),
            "{method} {path}: {status} {body}"
        );
        assert!(status < 500, "{method} {path}: {status} {body}");
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app
        .client
        .put(format!("{}/v1/records", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "method_not_allowed");
    let (status, v) = app.get("/v1/nothing-here").await;
    assert_eq!((status, v["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn the_document_and_its_docs_page_are_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app
        .client
        .get(format!("{}/openapi.yaml", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/yaml");
    let text = r.text().await.unwrap();
    let file =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/mpi.yaml")).unwrap();
    assert_eq!(text, file);

    let r = app
        .client
        .get(format!("{}/docs", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = r.text().await.unwrap();
    // self-contained: no script or stylesheet from elsewhere
    assert!(!page.contains("<script"), "the docs page needs no script");
    assert!(!page.contains("http://") || !page.contains("src=\"http"));
    for (method, path) in documented() {
        let html_path = path.replace('&', "&amp;").replace('<', "&lt;");
        assert!(
            page.contains(&format!("<code>{method} {html_path}</code>")),
            "{method} {path} missing"
        );
    }
    assert!(page.contains("id=\"schema-Registered\""));
}
