//! Errors as `application/problem+json` (RFC 9457) with a stable `code` and, where one
//! field is at fault, its name.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::identity::ServiceError;
use crate::store::StoreError;

/// An API error.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable, machine-readable: `malformed_json`, `unknown_field`, `invalid_field`,
    /// `payload_too_large`, `not_found`, `conflict`, `unavailable`, `internal`.
    pub code: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("https://mpi.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("error").to_string(),
            status: status.as_u16(),
            code,
            detail: detail.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// A JSON value that could not be read as the expected type.
    pub fn from_value(error: serde_path_to_error::Error<serde_json::Error>) -> Problem {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        let quoted = |prefix: &str| {
            message
                .strip_prefix(prefix)
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
        };
        let within = |name: &str| {
            if path == "." || path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        if let Some(field) = quoted("unknown field `") {
            // the path already ends with the unknown key (`record.shoe` in a match)
            let at = if path == "." || path.is_empty() {
                field
            } else {
                path.clone()
            };
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "unknown_field",
                format!("unknown field '{at}'"),
            )
            .with_field(at);
        }
        if let Some(field) = quoted("missing field `") {
            let at = within(&field);
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                format!("{at} is required"),
            )
            .with_field(at);
        }
        if message.contains("expected struct") || message.contains("expected a map") {
            let problem = Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                "a record must be a JSON object",
            );
            return if path == "." || path.is_empty() {
                problem
            } else {
                problem.with_field(path)
            };
        }
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            format!("{path}: {message}"),
        )
        .with_field(path)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .json(self)
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Problem {
        match e {
            ServiceError::Invalid { field, problem } => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                format!("{field} {problem}"),
            )
            .with_field(field),
            ServiceError::NotFound(what) => Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
            ),
            ServiceError::TooBroad(n) => Problem::new(
                StatusCode::BAD_REQUEST,
                "too_broad",
                format!(
                    "the search matches {n} records, more than {} may be read: add criteria",
                    crate::identity::MAX_MATCHED_RECORDS
                ),
            ),
            ServiceError::VersionConflict { expected, current } => {
                let now = match current {
                    Some(v) => format!("is at version {v}"),
                    None => "does not exist".to_string(),
                };
                Problem::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    format!(
                        "the record {now}, the request expected {expected}: read it again and retry; nothing was changed"
                    ),
                )
                .with_field("If-Match")
            }
            ServiceError::Store(StoreError::Conflict(what)) => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{what}; nothing was changed"),
            ),
            ServiceError::Store(StoreError::Database(sqlx::Error::Database(e)))
                if e.is_unique_violation() =>
            {
                // another writer (another server on the same database) got there first
                Problem::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "a concurrent request changed the same record: retry; nothing was changed",
                )
            }
            other => {
                // logged without contents: store and index errors name no patient data
                tracing::error!(error = %other, "request failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the request could not be completed; nothing was changed",
                )
            }
        }
    }
}
