//! Sign-in sessions for the web page and API key management.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::guard::{Security, audit_subjects};
use super::problem::Problem;
use super::routes::{parse, read_body};
use crate::auth::keys::{self, CreateError};
use crate::auth::sessions::{self, COOKIE, SESSION_HOURS};
use crate::auth::{Credential, Principal, Role, Roles};
use crate::identity::Service;
use crate::store::StoreError;

type Result<T> = std::result::Result<T, Problem>;

fn session_cookie(value: String, secure: bool, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

/// `POST /v1/session`: signs the web page in with a reviewer or steward credential (sent
/// as a bearer credential). The session holds only the page's roles.
pub async fn sign_in(
    service: web::Data<Service>,
    security: web::Data<Security>,
    principal: Principal,
) -> Result<HttpResponse> {
    let page_roles: Vec<Role> = principal
        .roles
        .iter()
        .filter(|r| matches!(r, Role::Reviewer | Role::Steward))
        .collect();
    let session_principal = Principal {
        roles: Roles::of(&page_roles),
        ..principal
    };
    let (cookie, row) = sessions::start(&service.store, &session_principal)
        .await
        .map_err(store_problem)?;
    Ok(HttpResponse::Created()
        .cookie(session_cookie(
            cookie,
            security.secure_cookies,
            time::Duration::hours(SESSION_HOURS),
        ))
        .json(serde_json::json!({
            "actor": row.actor,
            "roles": session_principal.roles,
            "csrf_token": row.csrf_token,
            "expires_at": row.expires_at,
        })))
}

/// `GET /v1/session`: who the caller is (and, for a session, its CSRF token, so a
/// reloaded page can carry on).
pub async fn get_session(principal: Principal) -> HttpResponse {
    let (kind, csrf) = match &principal.credential {
        Credential::Key(_) => ("api_key", None),
        Credential::Token { .. } => ("identity_provider", None),
        Credential::Session { csrf_token, .. } => ("session", Some(csrf_token.clone())),
    };
    HttpResponse::Ok().json(serde_json::json!({
        "actor": principal.actor,
        "roles": principal.roles,
        "credential": kind,
        "csrf_token": csrf,
    }))
}

/// `DELETE /v1/session`: signs out: the session ends and the cookie is cleared.
pub async fn sign_out(
    service: web::Data<Service>,
    security: web::Data<Security>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    if let Some(cookie) = request.cookie(COOKIE) {
        sessions::end(&service.store, cookie.value())
            .await
            .map_err(store_problem)?;
        security.auth.forget();
    }
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie(
            String::new(),
            security.secure_cookies,
            time::Duration::ZERO,
        ))
        .finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
    roles: Vec<String>,
}

/// `POST /v1/tokens`: mints an API key; the answer is the only time the key is shown.
pub async fn create_token(
    service: web::Data<Service>,
    principal: Principal,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let body: NewKey = parse(&read_body(payload).await?)?;
    let roles = Roles::parse_list(&body.roles.join(",")).map_err(|p| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            format!("roles: {p}"),
        )
        .with_field("roles")
    })?;
    let (info, key) = keys::create(&service.store, &body.name, roles, &principal.actor)
        .await
        .map_err(|e| match e {
            CreateError::Invalid(field, p) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                format!("{field} {p}"),
            )
            .with_field(field),
            CreateError::Store(e) => store_problem(e),
        })?;
    audit_subjects(&request, [format!("key:{}", info.id)]);
    let mut body = serde_json::to_value(&info).unwrap_or_default();
    body["key"] = serde_json::Value::String(key);
    Ok(HttpResponse::Created().json(body))
}

/// `GET /v1/tokens`: every key, without secrets.
pub async fn list_tokens(service: web::Data<Service>) -> Result<HttpResponse> {
    let keys = keys::list(&service.store).await.map_err(store_problem)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "tokens": keys })))
}

/// `POST /v1/tokens/{key_id}/revoke`: revokes a key at once (and its sessions).
pub async fn revoke_token(
    service: web::Data<Service>,
    security: web::Data<Security>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    // by id only (the command line also takes a name)
    let known = crate::store::access::key_by_id(&service.store.pool, &id)
        .await
        .map_err(store_problem)?;
    if known.is_none() {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "key not found",
        ));
    }
    let info = keys::revoke(&service.store, &id, &principal.actor)
        .await
        .map_err(store_problem)?;
    security.auth.forget();
    Ok(HttpResponse::Ok().json(info))
}

fn store_problem(e: StoreError) -> Problem {
    match e {
        StoreError::NotFound(what) => Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        ),
        other => Problem::from(crate::identity::ServiceError::Store(other)),
    }
}
