//! FHIR R4 over HTTP: `POST /fhir/Patient/$match`, `GET /fhir/Patient/{id}`, PDQm search
//! (`GET /fhir/Patient`, `search`) and PIXm `$ihe-pix` (`pix`) on the same identity
//! service as `/v1`, plus the CapabilityStatement at `/fhir/metadata`.
//! Errors here are FHIR `OperationOutcome` resources, as FHIR clients expect. The
//! routes are registered with the others in `api::routes`.

mod outcome;
mod patient;
mod pix;
mod search;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::identity::{PersonLookup, Service, ServiceError};
pub use outcome::OperationOutcome;
use patient::{patient_of_person, raw_of_patient, replaced_patient};
pub use pix::cross_reference;
pub use search::{search_patients, search_patients_post};

/// The FHIR media type.
pub const FHIR_JSON: &str = "application/fhir+json";

/// The `match-grade` extension of a `$match` entry.
const MATCH_GRADE: &str = "http://hl7.org/fhir/StructureDefinition/match-grade";

type Result<T> = std::result::Result<T, OperationOutcome>;

fn fhir(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

pub async fn metadata(service: web::Data<Service>) -> HttpResponse {
    fhir(
        StatusCode::OK,
        &json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-11-22",
            "kind": "instance",
            "software": {"name": "mpi", "version": env!("CARGO_PKG_VERSION")},
            "implementation": {"description": format!("mpi master patient index, model {}", service.model_version())},
            "fhirVersion": "4.0.1",
            "format": ["json"],
            // PDQm's supplier needs only ITI-78 and Patient read; PIXm's Manager also takes
            // the FHIR identity feed (ITI-104), which this server does not, so only the
            // `$ihe-pix` operation (ITI-83) is declared, below
            "instantiates": [
                "https://profiles.ihe.net/ITI/PDQm/CapabilityStatement/IHE.PDQm.PatientDemographicsSupplier"
            ],
            "rest": [{
                "mode": "server",
                "resource": [{
                    "type": "Patient",
                    "supportedProfile": ["https://profiles.ihe.net/ITI/PDQm/StructureDefinition/IHE.PDQm.Patient"],
                    "interaction": [{"code": "read"}, {"code": "search-type"}],
                    "searchParam": [
                        {"name": "_id", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Resource-id"},
                        {"name": "family", "type": "string", "definition": "http://hl7.org/fhir/SearchParameter/individual-family"},
                        {"name": "given", "type": "string", "definition": "http://hl7.org/fhir/SearchParameter/individual-given"},
                        {"name": "name", "type": "string", "definition": "http://hl7.org/fhir/SearchParameter/Patient-name"},
                        {"name": "birthdate", "type": "date", "definition": "http://hl7.org/fhir/SearchParameter/individual-birthdate"},
                        {"name": "gender", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/individual-gender"},
                        {"name": "identifier", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Patient-identifier"}
                    ],
                    "operation": [
                        {"name": "match", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-match"},
                        {"name": "ihe-pix", "definition": "https://profiles.ihe.net/ITI/PIXm/OperationDefinition/IHE.PIXm.pix"}
                    ]
                }]
            }]
        }),
    )
}

/// The parts of a `$match` request.
struct MatchParameters {
    patient: Value,
    count: usize,
    only_certain: bool,
}

fn parameters(body: &[u8]) -> Result<MatchParameters> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if value["resourceType"] != "Parameters" {
        return Err(OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            "the body must be a Parameters resource",
        )
        .at("Parameters.resourceType"));
    }
    let mut patient = None;
    let mut count = 5;
    let mut only_certain = false;
    for p in value["parameter"].as_array().into_iter().flatten() {
        match p["name"].as_str() {
            Some("resource") => patient = Some(p["resource"].clone()),
            Some("count") => {
                count = p["valueInteger"]
                    .as_u64()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        OperationOutcome::new(
                            StatusCode::BAD_REQUEST,
                            "invalid",
                            "count must be a valueInteger between 1 and 100",
                        )
                        .at("Parameters.parameter.count")
                    })? as usize
            }
            Some("onlyCertainMatches") => {
                only_certain = p["valueBoolean"].as_bool().ok_or_else(|| {
                    OperationOutcome::new(
                        StatusCode::BAD_REQUEST,
                        "invalid",
                        "onlyCertainMatches must be a valueBoolean",
                    )
                    .at("Parameters.parameter.onlyCertainMatches")
                })?
            }
            _ => {}
        }
    }
    let patient = patient
        .filter(|p| p["resourceType"] == "Patient")
        .ok_or_else(|| {
            OperationOutcome::new(
                StatusCode::BAD_REQUEST,
                "required",
                "a parameter 'resource' holding a Patient is required",
            )
            .at("Parameters.parameter.resource")
        })?;
    Ok(MatchParameters {
        patient,
        count,
        only_certain,
    })
}

pub async fn match_patient(
    service: web::Data<Service>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let body = crate::api::read_body_up_to(payload, crate::api::MAX_BODY)
        .await
        .map_err(|p| {
            let code = if p.status == 413 {
                "too-long"
            } else {
                "structure"
            };
            OperationOutcome::new(
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST),
                code,
                p.detail,
            )
        })?;
    let params = parameters(&body)?;
    let raw = raw_of_patient(&params.patient)?;
    let matches = service
        .match_record(&raw, params.count, params.only_certain)
        .await?;
    crate::api::matched(&request, &matches);
    let base = base_url(&request);
    let mut entries = Vec::with_capacity(matches.len());
    for m in &matches {
        let resource = match service.person(&m.person_id).await? {
            PersonLookup::Found(p) => patient_of_person(&p),
            PersonLookup::MergedInto(survivor) => replaced_patient(&m.person_id, &survivor),
        };
        entries.push(json!({
            "fullUrl": format!("{base}/fhir/Patient/{}", m.person_id),
            "resource": resource,
            "search": {
                "mode": "match",
                "score": (m.probability * 1e6).round() / 1e6,
                "extension": [{"url": MATCH_GRADE, "valueCode": m.grade}],
            }
        }));
    }
    Ok(fhir(
        StatusCode::OK,
        &json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": entries.len(),
            "entry": entries,
        }),
    ))
}

pub async fn read_patient(
    service: web::Data<Service>,
    path: web::Path<String>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let resource = match service.person(&id).await? {
        PersonLookup::Found(p) => patient_of_person(&p),
        PersonLookup::MergedInto(survivor) => replaced_patient(&id, &survivor),
    };
    Ok(fhir(StatusCode::OK, &resource))
}

/// `scheme://host` of the request, for `fullUrl`.
fn base_url(request: &HttpRequest) -> String {
    let info = request.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

impl From<ServiceError> for OperationOutcome {
    fn from(e: ServiceError) -> OperationOutcome {
        match e {
            ServiceError::Invalid { field, problem } => OperationOutcome::new(
                StatusCode::BAD_REQUEST,
                "invalid",
                format!("{field} {problem}"),
            )
            .at(&format!("Patient.{}", patient::fhir_path_of(&field))),
            ServiceError::TooBroad(n) => OperationOutcome::new(
                StatusCode::BAD_REQUEST,
                "too-costly",
                format!(
                    "the search matches {n} records, more than {} may be read: add criteria \
                     (family with given or birthdate, or an identifier)",
                    crate::identity::MAX_MATCHED_RECORDS
                ),
            ),
            ServiceError::NotFound(what) => OperationOutcome::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("{what} not found"),
            ),
            other => {
                tracing::error!(error = %other, "FHIR request failed");
                OperationOutcome::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "exception",
                    "the request could not be completed; nothing was changed",
                )
            }
        }
    }
}
