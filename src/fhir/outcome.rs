//! FHIR errors: an `OperationOutcome` with one issue, naming the element at fault.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// A FHIR error answer.
#[derive(Debug, Clone)]
pub struct OperationOutcome {
    status: StatusCode,
    /// FHIR issue type: `invalid`, `structure`, `required`, `not-found`, `too-long`, …
    code: &'static str,
    diagnostics: String,
    expression: Option<String>,
}

impl OperationOutcome {
    pub fn new(status: StatusCode, code: &'static str, diagnostics: impl Into<String>) -> Self {
        OperationOutcome {
            status,
            code,
            diagnostics: diagnostics.into(),
            expression: None,
        }
    }

    /// Names the element at fault (a FHIRPath expression).
    pub fn at(mut self, expression: &str) -> Self {
        self.expression = Some(expression.to_string());
        self
    }
}

impl std::fmt::Display for OperationOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.diagnostics)
    }
}

impl ResponseError for OperationOutcome {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut issue = json!({
            "severity": "error",
            "code": self.code,
            "diagnostics": self.diagnostics,
        });
        if let Some(e) = &self.expression {
            issue["expression"] = json!([e]);
        }
        HttpResponse::build(self.status)
            .content_type(super::FHIR_JSON)
            .body(json!({"resourceType": "OperationOutcome", "issue": [issue]}).to_string())
    }
}
