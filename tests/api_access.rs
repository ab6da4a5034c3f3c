//! Who may do what: every documented route × every role (and no credential) against the
//! matrix in `openapi/mpi.yaml`; API keys, identity-provider tokens, the web page's
//! sessions with CSRF, the rate limit, the request timeout, field lengths, request ids
//! and metrics. SQLite and PostgreSQL.

#[macro_use]
mod common;

use std::time::Duration;

use common::app::{Backend, TestApp, client_with, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const ROLES: [&str; 5] = ["integration", "reviewer", "steward", "auditor", "admin"];

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/mpi.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

/// `(method, path, roles)` of every documented operation; an operation without
/// `x-mpi-roles` fails the test (a route added without a rule).
fn documented_matrix() -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for (path, item) in spec()["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let roles = op["x-mpi-roles"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no x-mpi-roles"))
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
            out.push((method.to_uppercase(), path.clone(), roles));
        }
    }
    assert!(out.len() > 30, "the matrix covers every route");
    out
}

fn concrete(path: &str) -> String {
    path.replace("{source}", "HOSP_A")
        .replace("{source_id}", "A-1")
        .replace("{person_id}", "p-none")
        .replace("{task_id}", "999999")
        .replace("{merge_id}", "999999")
        .replace("{assertion_id}", "999999")
        .replace("{key_id}", "k-none")
        .replace("{subscription_id}", "999999")
}

async fn call(client: &reqwest::Client, base: &str, method: &str, path: &str) -> (u16, String) {
    let url = format!("{base}{}", concrete(path));
    let request = match method {
        "GET" => client.get(&url),
        "POST" => client
            .post(&url)
            .header("content-type", "application/json")
            .body("{}"),
        "DELETE" => client.delete(&url),
        other => panic!("unexpected method {other}"),
    };
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let problem = r
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/problem+json"));
    let body = r.text().await.unwrap();
    if status == 401 || status == 403 {
        assert!(problem, "{method} {path}: {status} is problem+json: {body}");
    }
    (status, body)
}

both!(
    every_route_times_every_role_follows_the_matrix,
    |app: TestApp| async move {
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut clients = Vec::new();
        for role in ROLES {
            let key = app.key_for(&format!("only-{role}"), role).await;
            clients.push((role, common::app::client_no_redirect(&key)));
        }
        let mut checked = 0;
        for (method, path, allowed) in documented_matrix() {
            let (status, body) = call(&anonymous, &app.base, &method, &path).await;
            if allowed.is_empty() {
                assert_ne!(status, 401, "{method} {path} is public: {body}");
            } else {
                assert_eq!(status, 401, "{method} {path} without a credential: {body}");
            }
            for (role, client) in &clients {
                let (status, body) = call(client, &app.base, &method, &path).await;
                if allowed.is_empty() || allowed.iter().any(|r| r == role) {
                    assert!(
                        status != 401 && status != 403 && status < 500,
                        "{method} {path} as {role} is allowed: {status} {body}"
                    );
                } else {
                    assert_eq!(status, 403, "{method} {path} as {role}: {body}");
                    assert!(body.contains("\"forbidden\""), "{body}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 5 * 30);
    }
);

#[test]
fn the_document_and_the_route_table_agree_on_every_rule() {
    let matrix = documented_matrix();
    for route in mpi::api::ROUTES {
        let documented = matrix
            .iter()
            .find(|(m, p, _)| m == route.method && p == route.path)
            .unwrap_or_else(|| panic!("{} {} is not documented", route.method, route.path));
        let served: Vec<String> = route
            .access
            .roles()
            .iter()
            .map(|r| r.name().to_string())
            .collect();
        let mut doc = documented.2.clone();
        doc.sort();
        let mut served_sorted = served.clone();
        served_sorted.sort();
        assert_eq!(
            doc, served_sorted,
            "{} {}: x-mpi-roles differs from the served rule",
            route.method, route.path
        );
    }
}

both!(
    credentials_are_checked_and_refusals_audited,
    |app: TestApp| async move {
        let url = format!("{}/v1/match", app.base);
        let body = json!({"record": {"given_name": "Ann", "family_name": "Lee"}});
        // no credential, a malformed header, an unknown key, a revoked key
        let none = reqwest::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 401);
        assert_eq!(none.headers()["www-authenticate"], "Bearer realm=\"mpi\"");
        let v: Value = none.json().await.unwrap();
        assert_eq!(v["code"], "unauthorized");
        let garbled = reqwest::Client::new()
            .post(&url)
            .header("authorization", "Basic YWxpY2U6c2VjcmV0")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(garbled.status(), 401);
        let unknown = client_with("mpi_k0000000000_notarealkeyatallnotarealkeyatallnotarealk");
        assert_eq!(
            unknown
                .post(&url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );

        let admin = app.client_as("root", "admin").await;
        let (status, minted) = send(
            admin
                .post(format!("{}/v1/tokens", app.base))
                .json(&json!({"name": "engine-7", "roles": ["integration"]})),
        )
        .await;
        assert_eq!(status, 201, "{minted}");
        let key = minted["key"].as_str().unwrap().to_string();
        let id = minted["id"].as_str().unwrap().to_string();
        let engine = client_with(&key);
        assert_eq!(
            engine.post(&url).json(&body).send().await.unwrap().status(),
            200
        );
        // the listing never shows a secret
        let (_, list) = send(admin.get(format!("{}/v1/tokens", app.base))).await;
        let text = list.to_string();
        assert!(text.contains(&id) && !text.contains(&key[12..]), "{text}");
        assert!(!text.contains("secret_hash"));
        // revoked through the API: refused at once
        let (status, revoked) =
            send(admin.post(format!("{}/v1/tokens/{id}/revoke", app.base))).await;
        assert_eq!(status, 200, "{revoked}");
        assert_eq!(revoked["revoked_by"], "root");
        let r = engine.post(&url).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let v: Value = r.json().await.unwrap();
        assert!(v["detail"].as_str().unwrap().contains("revoked"), "{v}");
        let (status, _) = send(admin.post(format!("{}/v1/tokens/{id}/revoke", app.base))).await;
        assert_eq!(status, 409, "a second revocation is a conflict");
        // a bad request to mint names the field
        let (status, v) = send(
            admin
                .post(format!("{}/v1/tokens", app.base))
                .json(&json!({"name": "x", "roles": ["root"]})),
        )
        .await;
        assert_eq!((status, v["field"].as_str()), (400, Some("roles")));
        // right credential, wrong role
        let auditor = app.client_as("audrey", "auditor").await;
        assert_eq!(
            auditor
                .post(&url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );

        // every refusal above is in the audit log, with its reason and no secret
        let (status, log) =
            send(auditor.get(format!("{}/v1/audit?action=matchRecord", app.base))).await;
        assert_eq!(status, 200, "{log}");
        let entries = log["entries"].as_array().unwrap();
        let denied: Vec<&Value> = entries
            .iter()
            .filter(|e| e["outcome"] == "denied")
            .collect();
        assert_eq!(
            denied.iter().filter(|e| e["status"] == 401).count(),
            4,
            "{log}"
        );
        let forbidden: Vec<_> = denied.iter().filter(|e| e["status"] == 403).collect();
        assert_eq!(forbidden.len(), 1);
        assert_eq!(forbidden[0]["actor"], "audrey");
        assert!(
            forbidden[0]["reason"]
                .as_str()
                .unwrap()
                .contains("integration")
        );
        assert_eq!(entries.iter().filter(|e| e["outcome"] == "ok").count(), 1);
        assert!(
            !log.to_string().contains(&key[4..]),
            "no key in the audit log"
        );
        // credential events are audited too
        let (_, log) = send(auditor.get(format!("{}/v1/audit?actor=root", app.base))).await;
        let actions: Vec<&str> = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for action in ["createToken", "listTokens", "revokeToken"] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
    }
);

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

both!(
    identity_provider_tokens_carry_their_roles,
    |app: TestApp| async move {
        let _ = app; // the default app has no identity provider: a token is refused
        let token = common::jwt::mint("RS256", common::jwt::claims("dr.jones", &["steward"]));
        let r = client_with(&token)
            .get(format!("{}/v1/review-tasks", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
);

async fn jwt_app(backend: Backend) -> TestApp {
    let verifier = mpi::auth::jwt::JwtVerifier::load(&common::jwt::settings()).unwrap();
    let options = mpi::api::ServerOptions {
        jwt: Some(verifier),
        ..Default::default()
    };
    spawn_app_with(backend, options).await
}

async fn jwt_checks(app: TestApp) {
    let tasks = format!("{}/v1/review-tasks", app.base);
    for alg in ["RS256", "ES256"] {
        let token = common::jwt::mint(alg, common::jwt::claims("dr.jones", &["steward"]));
        let r = client_with(&token).get(&tasks).send().await.unwrap();
        assert_eq!(r.status(), 200, "{alg}");
    }
    // recorded under the identity provider's subject
    let token = common::jwt::mint("RS256", common::jwt::claims("dr.jones", &["steward"]));
    let r = client_with(&token)
        .get(format!("{}/v1/session", app.base))
        .send()
        .await
        .unwrap();
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["actor"], "idp:dr.jones");
    assert_eq!(me["credential"], "identity_provider");
    // a role it does not hold
    let reviewer = common::jwt::mint("ES256", common::jwt::claims("nurse.k", &["reviewer"]));
    let merge = format!("{}/v1/persons/p-none/merge", app.base);
    let r = client_with(&reviewer)
        .post(&merge)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // none of mpi's roles: known, but allowed nothing
    let other = common::jwt::mint("RS256", common::jwt::claims("it.ops", &["billing"]));
    assert_eq!(
        client_with(&other)
            .get(&tasks)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // expired, wrong audience, wrong issuer: 401
    let mut expired = common::jwt::claims("dr.jones", &["steward"]);
    expired["exp"] = json!(common::jwt::now() - 3600);
    let mut audience = common::jwt::claims("dr.jones", &["steward"]);
    audience["aud"] = json!("someone-else");
    let mut issuer = common::jwt::claims("dr.jones", &["steward"]);
    issuer["iss"] = json!("https://evil.example");
    for claims in [expired, audience, issuer] {
        let token = common::jwt::mint("RS256", claims);
        let r = client_with(&token).get(&tasks).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let v: Value = r.json().await.unwrap();
        assert!(!v.to_string().contains(&token), "the token is not echoed");
    }
}

#[tokio::test]
async fn identity_provider_tokens_sqlite() {
    jwt_checks(jwt_app(Backend::Sqlite).await).await;
}

#[tokio::test]
async fn identity_provider_tokens_postgres() {
    jwt_checks(jwt_app(Backend::Postgres).await).await;
}

both!(
    web_sessions_need_their_csrf_token_and_end_at_sign_out,
    |app: TestApp| async move {
        let session_url = format!("{}/v1/session", app.base);
        // only a reviewer or steward credential may sign the page in
        let engine = app.client_as("engine", "integration").await;
        assert_eq!(
            engine.post(&session_url).send().await.unwrap().status(),
            403
        );
        let sam = app.client_as("sam", "steward,integration").await;
        let r = sam.post(&session_url).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        for attribute in ["mpi_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(
                set_cookie.contains(attribute),
                "{attribute} in {set_cookie}"
            );
        }
        assert!(!set_cookie.contains("Secure"), "no Secure over plain HTTP");
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let signed_in: Value = r.json().await.unwrap();
        let csrf = signed_in["csrf_token"].as_str().unwrap().to_string();
        // the session holds only the page's roles
        assert_eq!(signed_in["roles"], json!(["steward"]));
        let page = reqwest::Client::new();
        let with_cookie = |r: reqwest::RequestBuilder| r.header("cookie", cookie.clone());
        let r = with_cookie(page.get(&session_url)).send().await.unwrap();
        let me: Value = r.json().await.unwrap();
        assert_eq!(
            (me["actor"].as_str(), me["csrf_token"].as_str()),
            (Some("sam"), Some(csrf.as_str()))
        );
        // reads work with the cookie alone; the integration role did not come along
        let tasks = format!("{}/v1/review-tasks", app.base);
        assert_eq!(
            with_cookie(page.get(&tasks)).send().await.unwrap().status(),
            200
        );
        let register = format!("{}/v1/records", app.base);
        let record = json!({"source": "S", "source_id": "1", "given_name": "Ann"});
        let r = with_cookie(page.post(&register))
            .header("x-csrf-token", &csrf)
            .json(&record)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // a change without the CSRF token, or with another, is refused and changes nothing
        let assertion = format!("{}/v1/non-match-assertions", app.base);
        let body = json!({"record_a": {"source": "X", "source_id": "1"}, "record_b": {"source": "X", "source_id": "2"}, "reason": "r"});
        for header in [None, Some("not-the-token")] {
            let mut request = with_cookie(page.post(&assertion)).json(&body);
            if let Some(h) = header {
                request = request.header("x-csrf-token", h);
            }
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), 403);
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["code"], "csrf");
        }
        // with it, the request reaches the handler (which finds no such records)
        let r = with_cookie(page.post(&assertion))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert!(status == 400 || status == 404, "{status} {v}");
        assert_ne!(v["code"], "csrf");
        // sign-out needs the token too, ends the session and clears the cookie
        let r = with_cookie(page.delete(&session_url)).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = with_cookie(page.delete(&session_url))
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        assert!(
            r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        assert_eq!(
            with_cookie(page.get(&tasks)).send().await.unwrap().status(),
            401
        );
    }
);

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let options = mpi::api::ServerOptions {
        rate_limit: mpi::auth::limiter::RateLimit {
            per_second: 1.0,
            burst: 5.0,
        },
        ..Default::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let url = format!("{}/v1/events", app.base);
    let engine = app.client_as("engine", "integration").await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(engine.get(&url).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses[..5], [200; 5]);
    let r = engine.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "rate_limited");
    // another credential has its own allowance
    let other = app.client_as("engine-2", "integration").await;
    assert_eq!(other.get(&url).send().await.unwrap().status(), 200);
    // and the first is served again after the wait
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(engine.get(&url).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_slow_request_times_out_without_losing_its_write() {
    let options = mpi::api::ServerOptions {
        request_timeout: Duration::from_millis(1),
        ..Default::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let records: Vec<Value> = (0..300)
        .map(|n| {
            json!({"source": "HOSP_T", "source_id": format!("T-{n}"),
                        "given_name": format!("Given{n}"), "family_name": "Timeout",
                        "birth_date": "1970-01-01"})
        })
        .collect();
    let r = app
        .client
        .post(format!("{}/v1/records:batch", app.base))
        .json(&records)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "timeout");
    // the registration finishes anyway (a timeout never cancels a write half way)
    let store = &app.service.store;
    let mut found = 0;
    for _ in 0..200 {
        found = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM source_records WHERE source = 'HOSP_T'",
        )
        .fetch_one(&store.pool)
        .await
        .unwrap();
        if found == 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found, 300);
}

both!(limits_request_ids_and_metrics, |app: TestApp| async move {
    // a field longer than its limit is named
    let (status, v) = app
        .post(
            "/v1/records",
            &json!({"source": "S", "source_id": "1", "family_name": "x".repeat(101)}),
        )
        .await;
    assert_eq!(
        (status, v["field"].as_str()),
        (400, Some("family_name")),
        "{v}"
    );
    assert!(v["detail"].as_str().unwrap().contains("100 characters"));
    // an oversize body is 413
    let big = json!({"source": "S", "source_id": "1", "city": "y".repeat(70_000)});
    let (status, v) = app.post("/v1/records", &big).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    // request ids: echoed when sane, made up otherwise
    let r = app
        .client
        .get(format!("{}/v1/events", app.base))
        .header("x-request-id", "engine-42.7")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "engine-42.7");
    let r = app
        .client
        .get(format!("{}/v1/events", app.base))
        .header("x-request-id", "no spaces or <tags> please")
        .send()
        .await
        .unwrap();
    let made = r.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(made.len(), 16, "{made}");
    // metrics, for administrators only
    for n in 0..3 {
        app.post(
            "/v1/records",
            &json!({"source": "M", "source_id": n.to_string(), "given_name": "Ann",
                    "family_name": "Metrics", "birth_date": "1990-01-0".to_string() + &(n + 1).to_string()}),
        )
        .await;
    }
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let admin = app.client_as("ops", "admin").await;
    let r = admin
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = r.text().await.unwrap();
    for expected in [
        "mpi_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/records\",le=\"+Inf\"} 5",
        "mpi_http_responses_total{method=\"POST\",route=\"/v1/records\",status=\"4xx\"} 2",
        "# TYPE mpi_review_queue_depth gauge",
        "mpi_index_events_behind ",
        "mpi_db_pool_connections{state=\"max\"} ",
        // one after another, each registration was a group of its own
        "mpi_registration_group_size_bucket{le=\"1\"} 3\n",
        "mpi_registration_group_size_sum 3\n",
        "mpi_registration_group_size_count 3\n",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    let registrations: u64 = text
        .lines()
        .filter(|l| l.starts_with("mpi_registrations_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(registrations, 3, "{text}");
    // the service checkpoints SQLite's log from a task of its own, once a second
    if app.service.store.backend == mpi::store::Backend::Sqlite {
        let mut runs = app.service.store.checkpoints.counts().0;
        for _ in 0..50 {
            if runs > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            runs = app.service.store.checkpoints.counts().0;
        }
        assert!(runs > 0, "no checkpoint in 5 s");
        let text = admin
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("mpi_sqlite_checkpoints_total "), "{text}");
    }
    // the configuration in effect, without secrets
    let r = admin
        .get(format!("{}/v1/admin/config", app.base))
        .send()
        .await
        .unwrap();
    let config: Value = r.json().await.unwrap();
    assert_eq!(config["max_batch_records"], 5000);
    assert!(config["database"] == "sqlite" || config["database"] == "postgres");
    assert!(!config.to_string().contains("postgres://"));
});

#[tokio::test]
async fn health_checks_need_no_credential() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/healthz", "/readyz"] {
        let r = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
}
