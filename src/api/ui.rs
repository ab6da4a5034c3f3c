//! The review and stewardship page at `/ui`: three files embedded in the binary, nothing
//! loaded from elsewhere. It uses the `/v1` API like any client.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

const INDEX: &str = include_str!("../../ui/index.html");
const SCRIPT: &str = include_str!("../../ui/app.js");
const STYLE: &str = include_str!("../../ui/app.css");

fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // only this origin's own script, style and API; no framing
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .body(body)
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/ui",
        web::get().to(|| async { asset("text/html; charset=utf-8", INDEX) }),
    )
    .route(
        "/ui/",
        web::get().to(|| async { asset("text/html; charset=utf-8", INDEX) }),
    )
    .route(
        "/ui/app.js",
        web::get().to(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
    )
    .route(
        "/ui/app.css",
        web::get().to(|| async { asset("text/css; charset=utf-8", STYLE) }),
    );
}
