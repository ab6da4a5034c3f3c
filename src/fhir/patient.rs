//! Between FHIR `Patient` and the canonical record. A person is shown as one Patient:
//! its golden view, with one identifier per linked source record.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::OperationOutcome;
use crate::domain::RawRecord;
use crate::domain::value::Sex;
use crate::identity::PatientHit;
use crate::identity::outcome::PersonView;
use crate::normalize::normalize;

/// The identifier system of US social security numbers.
pub const SSN_SYSTEM: &str = "http://hl7.org/fhir/sid/us-ssn";

/// The identifier system of a source (facility): `urn:mpi:source:HOSP_A`.
pub fn source_system(source: &str) -> String {
    format!("urn:mpi:source:{source}")
}

/// The Patient element a canonical field comes from, for error expressions.
pub fn fhir_path_of(field: &str) -> &'static str {
    match field {
        "birth_date" => "birthDate",
        "given_name" | "middle_name" => "name.given",
        "family_name" => "name.family",
        "suffix" => "name.suffix",
        "sex" => "gender",
        "ssn" => "identifier",
        "phone" | "email" => "telecom",
        "address_line" => "address.line",
        "city" => "address.city",
        "state" => "address.state",
        "postal_code" => "address.postalCode",
        _ => "",
    }
}

fn text(v: &Value, expression: &str) -> Result<String, OperationOutcome> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        _ => Err(OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("{expression} must be a string"),
        )
        .at(expression)),
    }
}

fn list<'a>(v: &'a Value, expression: &str) -> Result<&'a [Value], OperationOutcome> {
    match v {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        _ => Err(OperationOutcome::new(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("{expression} must be an array"),
        )
        .at(expression)),
    }
}

/// The query record of a `$match` Patient. The official name is preferred; the first
/// given name is the given name, the others the middle name.
pub fn raw_of_patient(p: &Value) -> Result<RawRecord, OperationOutcome> {
    let mut raw = RawRecord::default();
    let names = list(&p["name"], "Patient.name")?;
    let name = names
        .iter()
        .find(|n| n["use"] == "official")
        .or_else(|| names.first());
    if let Some(name) = name {
        raw.family_name = text(&name["family"], "Patient.name.family")?;
        let given = list(&name["given"], "Patient.name.given")?;
        let given: Vec<String> = given
            .iter()
            .map(|g| text(g, "Patient.name.given"))
            .collect::<Result<_, _>>()?;
        raw.given_name = given.first().cloned().unwrap_or_default();
        raw.middle_name = given.get(1..).unwrap_or_default().join(" ");
        if let Some(s) = list(&name["suffix"], "Patient.name.suffix")?.first() {
            raw.suffix = text(s, "Patient.name.suffix")?;
        }
    }
    raw.sex = match text(&p["gender"], "Patient.gender")?.as_str() {
        "male" => "M".into(),
        "female" => "F".into(),
        "other" => "O".into(),
        "unknown" | "" => String::new(),
        _ => {
            return Err(OperationOutcome::new(
                StatusCode::BAD_REQUEST,
                "invalid",
                "Patient.gender must be male, female, other or unknown",
            )
            .at("Patient.gender"));
        }
    };
    raw.birth_date = text(&p["birthDate"], "Patient.birthDate")?;
    for id in list(&p["identifier"], "Patient.identifier")? {
        if id["system"] == SSN_SYSTEM && raw.ssn.is_empty() {
            raw.ssn = text(&id["value"], "Patient.identifier.value")?;
        }
    }
    for t in list(&p["telecom"], "Patient.telecom")? {
        let value = text(&t["value"], "Patient.telecom.value")?;
        match t["system"].as_str() {
            Some("phone") if raw.phone.is_empty() => raw.phone = value,
            Some("email") if raw.email.is_empty() => raw.email = value,
            _ => {}
        }
    }
    if let Some(a) = list(&p["address"], "Patient.address")?.first() {
        let lines: Vec<String> = list(&a["line"], "Patient.address.line")?
            .iter()
            .map(|l| text(l, "Patient.address.line"))
            .collect::<Result<_, _>>()?;
        raw.address_line = lines.join(" ");
        raw.city = text(&a["city"], "Patient.address.city")?;
        raw.state = text(&a["state"], "Patient.address.state")?;
        raw.postal_code = text(&a["postalCode"], "Patient.address.postalCode")?;
    }
    Ok(raw)
}

/// A person as a Patient: the golden view, normalized where FHIR fixes a format.
pub fn patient_of_person(person: &PersonView) -> Value {
    let g = &person.golden;
    let (n, _) = normalize(g);
    let mut identifier: Vec<Value> = person
        .records
        .iter()
        .map(|r| json!({"system": source_system(&r.source), "value": r.source_id}))
        .collect();
    if let Some(ssn) = n.ssn.as_ref().and_then(|s| s.digits()) {
        identifier.push(json!({"system": SSN_SYSTEM, "value": ssn}));
    }
    let mut patient = json!({
        "resourceType": "Patient",
        "id": person.person_id,
        "active": true,
        "identifier": identifier,
    });
    let mut name = serde_json::Map::new();
    if !g.family_name.trim().is_empty() {
        name.insert("family".into(), json!(g.family_name.trim()));
    }
    let given: Vec<&str> = [g.given_name.trim(), g.middle_name.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !given.is_empty() {
        name.insert("given".into(), json!(given));
    }
    if !g.suffix.trim().is_empty() {
        name.insert("suffix".into(), json!([g.suffix.trim()]));
    }
    if !name.is_empty() {
        name.insert("use".into(), json!("official"));
        patient["name"] = json!([name]);
    }
    patient["gender"] = json!(match n.sex {
        Some(Sex::Male) => "male",
        Some(Sex::Female) => "female",
        Some(Sex::Other) => "other",
        None => "unknown",
    });
    if let Some(d) = n.birth_date {
        patient["birthDate"] = json!(d.to_string());
    }
    let telecom: Vec<Value> = [("phone", &g.phone), ("email", &g.email)]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(system, v)| json!({"system": system, "value": v.trim()}))
        .collect();
    if !telecom.is_empty() {
        patient["telecom"] = json!(telecom);
    }
    let mut address = serde_json::Map::new();
    if !g.address_line.trim().is_empty() {
        address.insert("line".into(), json!([g.address_line.trim()]));
    }
    for (key, v) in [
        ("city", &g.city),
        ("state", &g.state),
        ("postalCode", &g.postal_code),
    ] {
        if !v.trim().is_empty() {
            address.insert(key.into(), json!(v.trim()));
        }
    }
    if !address.is_empty() {
        patient["address"] = json!([address]);
    }
    patient
}

/// A search hit as a Patient, as `patient_of_person` shows the person.
pub fn patient_of_hit(hit: &PatientHit) -> Value {
    patient_of_person(&PersonView {
        person_id: hit.person_id.clone(),
        records: hit.records.clone(),
        golden: hit.golden.clone(),
    })
}

/// A merged person: inactive, replaced by the survivor.
pub fn replaced_patient(id: &str, survivor: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "id": id,
        "active": false,
        "link": [{"other": {"reference": format!("Patient/{survivor}")}, "type": "replaced-by"}],
    })
}
