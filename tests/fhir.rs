//! FHIR R4 `$match` and Patient read, checked with an independent FHIR client library
//! (Python `fhirclient`, installed by `scripts/test`) against the real server, on SQLite
//! and PostgreSQL; and the FHIR error answers.

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::{Value, json};

async fn load(app: &TestApp) -> (String, String) {
    let robert = json!({
        "source": "HOSP_A", "source_id": "A-1", "given_name": "Robert", "family_name": "Johnson",
        "sex": "M", "birth_date": "04/12/1975", "ssn": "219-55-3481", "phone": "(617) 555-0142",
        "address_line": "12 Main Street", "city": "Boston", "state": "MA", "postal_code": "02118"
    });
    let (_, a) = app.post("/v1/records", &robert).await;
    let mut bob = robert.clone();
    bob["source"] = json!("CLINIC_C");
    bob["source_id"] = json!("C-77");
    bob["given_name"] = json!("Bob");
    let (_, b) = app.post("/v1/records", &bob).await;
    assert_eq!(a["person_id"], b["person_id"], "{b}");
    let maria = json!({
        "source": "HOSP_B", "source_id": "B-9", "given_name": "Maria", "family_name": "Garcia",
        "sex": "F", "birth_date": "1980-02-03", "postal_code": "10001"
    });
    let (_, m) = app.post("/v1/records", &maria).await;
    (
        a["person_id"].as_str().unwrap().to_string(),
        m["person_id"].as_str().unwrap().to_string(),
    )
}

both!(fhirclient_reads_and_matches, |app: TestApp| async move {
    let (person, other) = load(&app).await;
    let args = vec![app.base.clone(), person, other, app.key.clone()];
    let stdout = common::python::run("fhir_client_check.py", args).await;
    for check in [
        "capability statement ok",
        "patient read ok",
        "match ok",
        "count ok",
        "onlyCertainMatches ok",
        "invalid birth date ok",
        "unknown patient ok",
    ] {
        assert!(stdout.contains(check), "{check} missing from:\n{stdout}");
    }
});

async fn fhir_post(app: &TestApp, body: String) -> (u16, Value) {
    let r = app
        .client
        .post(format!("{}/fhir/Patient/$match", app.base))
        .header("content-type", "application/fhir+json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/fhir+json"
    );
    (status, r.json().await.unwrap())
}

both!(
    fhir_errors_are_operation_outcomes,
    |app: TestApp| async move {
        let cases = [
            ("{not json", 400, "structure", None),
            (
                r#"{"resourceType": "Patient"}"#,
                400,
                "invalid",
                Some("Parameters.resourceType"),
            ),
            (
                r#"{"resourceType": "Parameters", "parameter": []}"#,
                400,
                "required",
                Some("Parameters.parameter.resource"),
            ),
            (
                r#"{"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": {"resourceType": "Patient"}}, {"name": "count", "valueInteger": 0}]}"#,
                400,
                "invalid",
                Some("Parameters.parameter.count"),
            ),
            (
                r#"{"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": {"resourceType": "Patient", "name": [{"family": 7}]}}]}"#,
                400,
                "structure",
                Some("Patient.name.family"),
            ),
            (
                r#"{"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": {"resourceType": "Patient", "gender": "yes"}}]}"#,
                400,
                "invalid",
                Some("Patient.gender"),
            ),
        ];
        for (body, status, code, expression) in cases {
            let (got, v) = fhir_post(&app, body.to_string()).await;
            assert_eq!(got, status, "{body}: {v}");
            assert_eq!(v["resourceType"], "OperationOutcome");
            assert_eq!(v["issue"][0]["code"], code, "{body}: {v}");
            if let Some(e) = expression {
                assert_eq!(v["issue"][0]["expression"][0], e, "{body}: {v}");
            }
        }
        let (got, v) = fhir_post(&app, "x".repeat(70_000)).await;
        assert_eq!(got, 413, "{v}");
        assert_eq!(v["issue"][0]["code"], "too-long");
    }
);
