//! PIXm (IHE ITI-83, PIXm 3.0): `GET /fhir/Patient/$ihe-pix?sourceIdentifier=system|value
//! [&targetSystem=…]` answers a `Parameters` resource with the person's identifiers in
//! other domains (`targetIdentifier`) and the person itself (`targetId`).
//!
//! Errors as the profile defines them, each an OperationOutcome naming the parameter:
//! a source domain the index does not know is 400, an identifier it does not hold is
//! 404, a target domain it does not know is 403.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::patient::{SSN_SYSTEM, source_system};
use super::search::identifier;
use super::{OperationOutcome, Result, fhir};
use crate::identity::{IdentifierSystem, PatientQuery, Service};
use crate::normalize::normalize;

/// Persons one source identifier may name (an SSN shared in error names more than one).
const MAX_PERSONS: usize = 10;

/// True when the index issues or holds identifiers of `system`.
async fn known(service: &Service, system: &IdentifierSystem) -> Result<bool> {
    Ok(match system {
        IdentifierSystem::Ssn => true,
        IdentifierSystem::Source(s) => service.knows_source(s).await?,
    })
}

fn system_uri(system: &IdentifierSystem) -> String {
    match system {
        IdentifierSystem::Ssn => SSN_SYSTEM.to_string(),
        IdentifierSystem::Source(s) => source_system(s),
    }
}

/// Reads `system|value` where the system is one this index issues.
fn domain(token: &str) -> Option<IdentifierSystem> {
    match token.trim() {
        SSN_SYSTEM => Some(IdentifierSystem::Ssn),
        s => s
            .strip_prefix("urn:mpi:source:")
            .filter(|s| !s.is_empty())
            .map(|s| IdentifierSystem::Source(s.to_string())),
    }
}

fn outcome(
    status: StatusCode,
    code: &'static str,
    text: &str,
    parameter: &str,
) -> OperationOutcome {
    OperationOutcome::new(status, code, text).at(parameter)
}

/// `GET /fhir/Patient/$ihe-pix`.
pub async fn cross_reference(
    service: web::Data<Service>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(request.query_string()).map_err(|_| {
            OperationOutcome::new(
                StatusCode::BAD_REQUEST,
                "structure",
                "the parameters cannot be read",
            )
        })?;
    let mut source = Vec::new();
    let mut targets = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "sourceIdentifier" => source.push(value),
            "targetSystem" => targets.extend(value.split(',').map(|s| s.trim().to_string())),
            "_format" => {}
            _ => {
                return Err(outcome(
                    StatusCode::BAD_REQUEST,
                    "not-supported",
                    &format!("unknown parameter '{key}'"),
                    &key,
                ));
            }
        }
    }
    let [source] = source.as_slice() else {
        return Err(outcome(
            StatusCode::BAD_REQUEST,
            "required",
            "exactly one sourceIdentifier (system|value) is required",
            "sourceIdentifier",
        ));
    };
    let not_found_domain = || {
        outcome(
            StatusCode::BAD_REQUEST,
            "code-invalid",
            "sourceIdentifier Assigning Authority not found",
            "sourceIdentifier",
        )
    };
    let (system_text, _) = source.split_once('|').ok_or_else(not_found_domain)?;
    let system = domain(system_text).ok_or_else(not_found_domain)?;
    if !known(&service, &system).await? {
        return Err(not_found_domain());
    }
    let param = identifier(source)
        .filter(|p| p.system.is_some())
        .ok_or_else(|| {
            outcome(
                StatusCode::BAD_REQUEST,
                "required",
                "sourceIdentifier needs a value after the system",
                "sourceIdentifier",
            )
        })?;
    let mut wanted = Vec::new();
    for t in targets.iter().filter(|t| !t.is_empty()) {
        let target = match domain(t) {
            Some(d) if known(&service, &d).await? => d,
            _ => {
                return Err(outcome(
                    StatusCode::FORBIDDEN,
                    "code-invalid",
                    "targetSystem not found",
                    "targetSystem",
                ));
            }
        };
        wanted.push(system_uri(&target));
    }
    let query = PatientQuery {
        identifier: vec![param.clone()],
        ..PatientQuery::default()
    };
    let hits = service.find_patients(&query, MAX_PERSONS).await?;
    if hits.is_empty() {
        return Err(outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            "sourceIdentifier Patient Identifier not found",
            "sourceIdentifier",
        ));
    }
    crate::api::guard::audit_subjects(
        &request,
        hits.iter().map(|h| format!("person:{}", h.person_id)),
    );
    let asked = (system_uri(&system), param.value.trim().to_string());
    let mut parameter: Vec<Value> = Vec::new();
    for hit in &hits {
        let mut identifiers: Vec<(String, String)> = hit
            .records
            .iter()
            .map(|r| (source_system(&r.source), r.source_id.clone()))
            .collect();
        if let Some(ssn) = normalize(&hit.golden).0.ssn.and_then(|s| s.digits()) {
            identifiers.push((SSN_SYSTEM.to_string(), ssn));
        }
        for (system, value) in identifiers {
            let is_source = system == asked.0
                && (value == asked.1 || system == SSN_SYSTEM && digits(&value) == digits(&asked.1));
            if is_source || (!wanted.is_empty() && !wanted.contains(&system)) {
                continue;
            }
            parameter.push(json!({
                "name": "targetIdentifier",
                "valueIdentifier": {"system": system, "value": value},
            }));
        }
        parameter.push(json!({
            "name": "targetId",
            "valueReference": {"reference": format!("Patient/{}", hit.person_id)},
        }));
    }
    Ok(fhir(
        StatusCode::OK,
        &json!({"resourceType": "Parameters", "parameter": parameter}),
    ))
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}
