//! The API's own description: `openapi/mpi.yaml` as written, and a reference page
//! rendered from it on the server (no script, nothing loaded from the network).

use std::fmt::Write;
use std::sync::OnceLock;

use actix_web::HttpResponse;
use serde_json::Value;

/// The OpenAPI document, compiled into the binary.
pub const OPENAPI_YAML: &str = include_str!("../../openapi/mpi.yaml");

pub async fn openapi_yaml() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml")
        .body(OPENAPI_YAML)
}

pub async fn docs_page() -> HttpResponse {
    static PAGE: OnceLock<String> = OnceLock::new();
    let page = PAGE.get_or_init(|| match serde_yaml_ng::from_str::<Value>(OPENAPI_YAML) {
        Ok(spec) => render(&spec),
        Err(e) => format!(
            "<!doctype html><title>mpi API</title><p>openapi/mpi.yaml: {}</p>",
            esc(&e.to_string())
        ),
    });
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.as_str())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#1b1b1b}\
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{white-space:pre-wrap;background:#f4f4f4;padding:.75rem;border-radius:4px}\
.op{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}\
.m{display:inline-block;min-width:4.5rem;font-weight:700;color:#fff;border-radius:3px;text-align:center;margin-right:.5rem}\
.GET{background:#1f6feb}.POST{background:#1a7f37}.DELETE{background:#cf222e}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}";

/// The name a `$ref` points to, or the schema's type.
fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if schema["type"] == "array" {
        return format!("array of {}", schema_name(&schema["items"]));
    }
    match &schema["type"] {
        Value::String(t) => esc(t),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".into(),
    }
}

/// Follows a `#/components/...` reference.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(path) => path.split('/').fold(spec, |at, key| &at[key]),
        None => v,
    }
}

fn render(spec: &Value) -> String {
    let mut h = String::new();
    let title = spec["info"]["title"].as_str().unwrap_or("API");
    let version = spec["info"]["version"].as_str().unwrap_or("");
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t} API {v}</title><style>{STYLE}</style><body><h1>{t} API <small>{v}</small></h1>\
         <p>The machine-readable document: <a href=\"/openapi.yaml\">/openapi.yaml</a> (OpenAPI {o}).</p>\
         <pre>{d}</pre><h2>Routes</h2><ul>",
        t = esc(title),
        v = esc(version),
        o = esc(spec["openapi"].as_str().unwrap_or("")),
        d = esc(spec["info"]["description"].as_str().unwrap_or("")),
    );
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    for (path, item) in &paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let _ = write!(
                h,
                "<li><a href=\"#{id}\"><code>{m} {p}</code></a> {s}</li>",
                id = esc(op["operationId"].as_str().unwrap_or("")),
                m = method.to_uppercase(),
                p = esc(path),
                s = esc(op["summary"].as_str().unwrap_or("")),
            );
        }
    }
    h.push_str("</ul>");
    for (path, item) in &paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            operation(
                &mut h,
                spec,
                path,
                &method.to_uppercase(),
                op,
                &item["parameters"],
            );
        }
    }
    h.push_str("<h2>Schemas</h2>");
    for (name, schema) in spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let _ = write!(h, "<h3 id=\"schema-{0}\">{0}</h3>", esc(name));
        if let Some(d) = schema["description"].as_str() {
            let _ = write!(h, "<p>{}</p>", esc(d));
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(props) = schema["properties"].as_object() {
            h.push_str("<table><tr><th>property</th><th>type</th><th>required</th><th>description</th></tr>");
            for (p, s) in props {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(p),
                    schema_name(s),
                    if required.contains(&p.as_str()) {
                        "yes"
                    } else {
                        ""
                    },
                    esc(s["description"].as_str().unwrap_or("")),
                );
            }
            h.push_str("</table>");
        }
    }
    h.push_str("</body></html>");
    h
}

fn operation(
    h: &mut String,
    spec: &Value,
    path: &str,
    method: &str,
    op: &Value,
    path_params: &Value,
) {
    let _ = write!(
        h,
        "<section class=\"op\" id=\"{id}\"><h3><span class=\"m {method}\">{method}</span><code>{p}</code></h3>\
         <p><strong>{s}</strong></p><pre>{d}</pre>",
        id = esc(op["operationId"].as_str().unwrap_or("")),
        p = esc(path),
        s = esc(op["summary"].as_str().unwrap_or("")),
        d = esc(op["description"].as_str().unwrap_or("")),
    );
    let mut params = path_params.as_array().cloned().unwrap_or_default();
    params.extend(op["parameters"].as_array().cloned().unwrap_or_default());
    if !params.is_empty() {
        h.push_str(
            "<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>",
        );
        for p in &params {
            let p = resolve(spec, p);
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                esc(p["in"].as_str().unwrap_or("")),
                schema_name(&p["schema"]),
                esc(p["description"].as_str().unwrap_or("")),
            );
        }
        h.push_str("</table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        h.push_str("<p>Body: ");
        for (media, c) in content {
            let _ = write!(
                h,
                "<code>{}</code> {} ",
                esc(media),
                schema_name(&c["schema"])
            );
        }
        h.push_str("</p>");
    }
    h.push_str("<table><tr><th>status</th><th>meaning</th><th>body</th></tr>");
    for (status, r) in op["responses"].as_object().into_iter().flatten() {
        let r = resolve(spec, r);
        let body: Vec<String> = r["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media, c)| format!("<code>{}</code> {}", esc(media), schema_name(&c["schema"])))
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(status),
            esc(r["description"].as_str().unwrap_or("")),
            body.join("<br>"),
        );
    }
    h.push_str("</table></section>");
}
