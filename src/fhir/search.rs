//! PDQm (IHE ITI-78): `GET /fhir/Patient` and `POST /fhir/Patient/_search`, FHIR search
//! over persons answered as a searchset Bundle. The parameters are read here into the
//! identity service's `PatientQuery`; the search itself is `Service::search_patients`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::patient::{SSN_SYSTEM, patient_of_hit};
use super::{OperationOutcome, Result, base_url, fhir};
use crate::identity::{
    DateParam, Gender, IdentifierParam, IdentifierSystem, MAX_MATCHED_RECORDS, NameParam,
    PatientQuery, Service,
};

/// Persons per page unless `_count` says otherwise, and the most it may ask for.
const DEFAULT_COUNT: usize = 20;
const MAX_COUNT: usize = 100;

/// A search as read: the query, the page, and the parameters used (for the self link).
struct Search {
    query: PatientQuery,
    count: usize,
    offset: usize,
    used: Vec<(String, String)>,
}

fn bad(parameter: &str, diagnostics: impl Into<String>) -> OperationOutcome {
    OperationOutcome::new(StatusCode::BAD_REQUEST, "invalid", diagnostics).at(parameter)
}

/// Comma-separated alternatives; `\,` is a literal comma (FHIR escaping).
fn alternatives(value: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                out.last_mut().expect("one").push(',');
                chars.next();
            }
            ',' => out.push(String::new()),
            c => out.last_mut().expect("one").push(c),
        }
    }
    out.into_iter().filter(|v| !v.trim().is_empty()).collect()
}

/// Reads an identifier token: `system|value`, `|value` or `value`. Every identifier
/// this index holds has a system, so `|value` is read like `value` (any system). A
/// system the index does not issue is kept as a source name no record has: it matches
/// nothing, as FHIR expects of an unknown system.
pub(super) fn identifier(token: &str) -> Option<IdentifierParam> {
    let (system, value) = match token.split_once('|') {
        Some((s, v)) => (s.trim(), v.trim()),
        None => ("", token.trim()),
    };
    if value.is_empty() {
        return None;
    }
    let system = match system {
        "" => None,
        SSN_SYSTEM => Some(IdentifierSystem::Ssn),
        s => Some(IdentifierSystem::Source(
            s.strip_prefix("urn:mpi:source:").unwrap_or(s).to_string(),
        )),
    };
    Some(IdentifierParam {
        system,
        value: value.to_string(),
    })
}

fn number(parameter: &str, value: &str, max: usize) -> Result<usize> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            bad(
                parameter,
                format!("{parameter} must be a whole number from 0 to {max}"),
            )
        })
}

fn name_param(
    slot: &mut Option<NameParam>,
    parameter: &str,
    value: &str,
    exact: bool,
) -> Result<()> {
    if slot.is_some() {
        return Err(bad(parameter, format!("{parameter} may be given once")));
    }
    *slot = Some(NameParam {
        any_of: alternatives(value),
        exact,
    });
    Ok(())
}

/// Reads the search parameters. An unknown parameter (or modifier) is a 400 naming it,
/// unless the client asked for lenient handling: then it is ignored, and left out of the
/// self link so the client sees what was applied.
fn read(pairs: Vec<(String, String)>, lenient: bool) -> Result<Search> {
    let mut query = PatientQuery::default();
    let mut count = DEFAULT_COUNT;
    let mut offset = 0;
    let mut used = Vec::new();
    for (key, value) in pairs {
        // FHIR: a parameter with an empty value is ignored
        if value.trim().is_empty() {
            continue;
        }
        match key.as_str() {
            "family" | "family:exact" => {
                name_param(&mut query.family, &key, &value, key.ends_with(":exact"))?
            }
            "given" | "given:exact" => {
                name_param(&mut query.given, &key, &value, key.ends_with(":exact"))?
            }
            "name" | "name:exact" => {
                name_param(&mut query.name, &key, &value, key.ends_with(":exact"))?
            }
            "birthdate" => {
                let any = alternatives(&value)
                    .iter()
                    .map(|v| {
                        DateParam::parse(v).map_err(|e| bad("birthdate", format!("birthdate: {e}")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                query.birth_date.push(any);
            }
            "gender" => {
                for v in alternatives(&value) {
                    query.gender.push(Gender::parse(&v).ok_or_else(|| {
                        bad("gender", "gender must be male, female, other or unknown")
                    })?);
                }
            }
            "identifier" => {
                if !query.identifier.is_empty() {
                    return Err(bad("identifier", "identifier may be given once"));
                }
                for v in alternatives(&value) {
                    query.identifier.push(identifier(&v).ok_or_else(|| {
                        bad(
                            "identifier",
                            "identifier must be system|value, |value or value",
                        )
                    })?);
                }
            }
            "_id" => query.person_id.extend(alternatives(&value)),
            "_count" => {
                count = number("_count", &value, MAX_COUNT)?;
                continue;
            }
            "_offset" => {
                offset = number("_offset", &value, MAX_MATCHED_RECORDS)?;
                continue;
            }
            // JSON is the only format; the parameter is accepted for clients that send it
            "_format" => continue,
            _ if lenient => continue,
            _ => {
                return Err(OperationOutcome::new(
                    StatusCode::BAD_REQUEST,
                    "not-supported",
                    format!("unknown search parameter '{key}' (send Prefer: handling=lenient to ignore it)"),
                )
                .at(&key));
            }
        }
        used.push((key, value));
    }
    if !query.is_selective() {
        return Err(OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "too-costly",
            "a more specific query is needed: give family, given, name, birthdate, identifier or _id \
             (gender alone, or no parameter, would list too many patients)",
        ));
    }
    Ok(Search {
        query,
        count,
        offset,
        used,
    })
}

fn lenient(request: &HttpRequest) -> bool {
    request
        .headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .any(|p| p.trim().eq_ignore_ascii_case("handling=lenient"))
}

fn link(base: &str, used: &[(String, String)], count: usize, offset: usize) -> String {
    let mut pairs: Vec<(&str, String)> =
        used.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    pairs.push(("_count", count.to_string()));
    if offset > 0 {
        pairs.push(("_offset", offset.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{base}/fhir/Patient?{query}")
}

async fn answer(
    service: &Service,
    request: &HttpRequest,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse> {
    let search = read(pairs, lenient(request))?;
    let page = service
        .search_patients(&search.query, search.offset, search.count)
        .await?;
    crate::api::guard::audit_subjects(
        request,
        page.hits.iter().map(|h| format!("person:{}", h.person_id)),
    );
    let base = base_url(request);
    let entries: Vec<Value> = page
        .hits
        .iter()
        .map(|hit| {
            json!({
                "fullUrl": format!("{base}/fhir/Patient/{}", hit.person_id),
                "resource": patient_of_hit(hit),
                "search": {"mode": "match"},
            })
        })
        .collect();
    let mut links = vec![
        json!({"relation": "self", "url": link(&base, &search.used, search.count, search.offset)}),
    ];
    let next = search.offset + search.count;
    if search.count > 0 && next < page.total {
        links.push(
            json!({"relation": "next", "url": link(&base, &search.used, search.count, next)}),
        );
    }
    if search.offset > 0 && search.count > 0 {
        let previous = search.offset.saturating_sub(search.count);
        links.push(json!({"relation": "previous", "url": link(&base, &search.used, search.count, previous)}));
    }
    Ok(fhir(
        StatusCode::OK,
        &json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": links,
            "entry": entries,
        }),
    ))
}

fn pairs_of(text: &str) -> Result<Vec<(String, String)>> {
    serde_urlencoded::from_str(text).map_err(|_| {
        OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "structure",
            "the search parameters cannot be read",
        )
    })
}

/// `GET /fhir/Patient`: PDQm search.
pub async fn search_patients(
    service: web::Data<Service>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let pairs = pairs_of(request.query_string())?;
    answer(&service, &request, pairs).await
}

/// `POST /fhir/Patient/_search`: the same, parameters form-encoded in the body (and the
/// query string).
pub async fn search_patients_post(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let body = crate::api::read_body_up_to(payload, crate::api::MAX_BODY)
        .await
        .map_err(|p| {
            OperationOutcome::new(
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST),
                "structure",
                p.detail,
            )
        })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "structure",
            "the body is not UTF-8",
        )
    })?;
    let mut pairs = pairs_of(request.query_string())?;
    pairs.extend(pairs_of(text)?);
    answer(&service, &request, pairs).await
}
