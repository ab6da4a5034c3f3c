//! Two patients the identity tests register again and again, and the calls to register
//! and look them up.

use serde_json::{Value, json};

use super::app::TestApp;

/// Robert Johnson, with an SSN, phone and postal code.
pub fn robert(source: &str, source_id: &str) -> Value {
    json!({
        "source": source, "source_id": source_id,
        "given_name": "Robert", "family_name": "Johnson", "sex": "M",
        "birth_date": "1975-04-12", "ssn": "219-55-3481", "phone": "(617) 555-0142",
        "postal_code": "02118"
    })
}

/// Maria Gonzalez, without an SSN.
pub fn maria(source: &str, source_id: &str) -> Value {
    json!({
        "source": source, "source_id": source_id,
        "given_name": "Maria", "family_name": "Gonzalez", "sex": "F",
        "birth_date": "1990-11-02", "phone": "(305) 555-0199", "postal_code": "33101"
    })
}

/// Registers a record (200 expected); its person id.
pub async fn register(app: &TestApp, body: &Value) -> String {
    let (status, v) = app.post("/v1/records", body).await;
    assert_eq!(status, 200, "{v}");
    v["person_id"].as_str().unwrap().to_string()
}

/// The person a record is linked to now.
pub async fn person_of(app: &TestApp, source: &str, source_id: &str) -> String {
    let (status, v) = app.get(&format!("/v1/records/{source}/{source_id}")).await;
    assert_eq!(status, 200, "{source}/{source_id}: {v}");
    v["person_id"].as_str().unwrap().to_string()
}

/// A steward ("sam") merges person `from` into person `into` (200 expected).
pub async fn merge(app: &TestApp, into: &str, from: &str) {
    let (status, _, v) = app
        .post_as(
            "sam",
            &format!("/v1/persons/{into}/merge"),
            &json!({"from": from, "reason": "same patient"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
}
