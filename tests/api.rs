//! Black-box tests of the HTTP API on real SQLite and PostgreSQL: every outcome,
//! idempotency, read-your-writes, errors, persons, identifiers, events, concurrency.

#[macro_use]
mod common;

use common::app::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

fn robert(source: &str, source_id: &str) -> Value {
    json!({
        "source": source, "source_id": source_id,
        "given_name": "Robert", "family_name": "Johnson", "sex": "M",
        "birth_date": "1975-04-12", "ssn": "219-55-3481", "phone": "(617) 555-0142",
        "address_line": "12 Main Street", "city": "Boston", "state": "MA", "postal_code": "02118"
    })
}

async fn register(app: &TestApp, body: &Value) -> Value {
    let (status, v) = app.post("/v1/records", body).await;
    assert_eq!(status, 200, "{v}");
    v
}

both!(
    registration_outcomes_and_idempotency,
    |app: TestApp| async move {
        let first = register(&app, &robert("HOSP_A", "A-1")).await;
        assert_eq!(first["outcome"], "created");
        let person = first["person_id"].as_str().unwrap().to_string();

        // the same content again: the same answer, nothing new happens
        let events_before = app.events().await.len();
        let again = register(&app, &robert("HOSP_A", "A-1")).await;
        assert_eq!(again, first);
        assert_eq!(app.events().await.len(), events_before);

        // another facility's record of the same man, at once (read-your-writes)
        let mut bob = robert("CLINIC_C", "C-77");
        bob["given_name"] = json!("Bob");
        bob["phone"] = json!("617.555.0142");
        let linked = register(&app, &bob).await;
        assert_eq!(linked["outcome"], "linked", "{linked}");
        assert_eq!(linked["person_id"], person.as_str());
        let deciding = &linked["deciding_match"];
        assert_eq!(deciding["grade"], "certain");
        assert!(deciding["explanation"]["fields"].as_array().unwrap().len() > 5);

        // a twin at the same home: a new person and a review task naming the candidate
        let twin = json!({
            "source": "HOSP_A", "source_id": "A-2",
            "given_name": "Jayden", "family_name": "Miller", "birth_date": "2010-06-01",
            "address_line": "4 Elm Road", "postal_code": "02118"
        });
        let twin_a = register(&app, &twin).await;
        assert_eq!(twin_a["outcome"], "created");
        let mut other = twin.clone();
        other["source_id"] = json!("A-3");
        other["given_name"] = json!("Jaden");
        let review = register(&app, &other).await;
        assert_eq!(review["outcome"], "review", "{review}");
        assert_ne!(review["person_id"], twin_a["person_id"]);
        assert_eq!(review["candidate_persons"], json!([twin_a["person_id"]]));
        assert!(review["review_task"].as_i64().is_some());

        // the events tell the story in order
        let kinds: Vec<String> = app
            .events()
            .await
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            kinds,
            [
                "person.created",
                "record.linked",
                "record.linked",
                "person.created",
                "record.linked",
                "person.created",
                "record.linked",
                "review.opened"
            ]
        );
    }
);

both!(
    an_update_is_a_new_version_and_does_not_move_the_record,
    |app: TestApp| async move {
        let first = register(&app, &robert("HOSP_A", "A-1")).await;
        let mut moved = robert("HOSP_A", "A-1");
        moved["address_line"] = json!("9 Harbor Way");
        let updated = register(&app, &moved).await;
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["person_id"], first["person_id"]);
        let (_, record) = app.get("/v1/records/HOSP_A/A-1").await;
        assert_eq!(record["version"], 2);
        assert_eq!(record["record"]["address_line"], "9 Harbor Way");
        assert_eq!(record["person_id"], first["person_id"]);
    }
);

both!(
    match_changes_nothing_and_honours_count_and_only_certain,
    |app: TestApp| async move {
        let a = register(&app, &robert("HOSP_A", "A-1")).await;
        let events = app.events().await.len();
        let query = json!({"record": {
            "given_name": "ROBERT", "family_name": "JOHNSON", "birth_date": "04/12/1975",
            "ssn": "219553481"
        }});
        let (status, v) = app.post("/v1/match", &query).await;
        assert_eq!(status, 200, "{v}");
        let matches = v["matches"].as_array().unwrap();
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0]["person_id"], a["person_id"]);
        assert_eq!(matches[0]["grade"], "certain");
        assert!(matches[0]["probability"].as_f64().unwrap() > 0.99);
        // no SSN: probable at best, so only_certain finds nothing
        let weaker = json!({"record": {
        "given_name": "Robert", "family_name": "Johnson", "birth_date": "1975-04-12",
        "phone": "617-555-0142", "postal_code": "02118"
    }, "only_certain": true});
        let (_, v) = app.post("/v1/match", &weaker).await;
        assert_eq!(v["matches"], json!([]));
        assert_eq!(app.events().await.len(), events, "match wrote nothing");
        let (status, v) = app
            .post("/v1/match", &json!({"record": {}, "count": 0}))
            .await;
        assert_eq!((status, v["field"].as_str()), (400, Some("count")));
    }
);

both!(
    persons_identifiers_and_deactivation,
    |app: TestApp| async move {
        let a = register(&app, &robert("HOSP_A", "A-1")).await;
        let mut bob = robert("LAB_B", "L-9");
        bob["given_name"] = json!("Bob");
        bob["email"] = json!("rj@example.org");
        bob["ssn"] = json!("XXX-XX-3481");
        bob["birth_date"] = json!("01/01/1900");
        register(&app, &bob).await;
        let person = a["person_id"].as_str().unwrap();
        let (status, p) = app.get(&format!("/v1/persons/{person}")).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["records"].as_array().unwrap().len(), 2);
        // survivorship: newest record first, older ones fill its gaps; a masked SSN or a
        // placeholder birth date gives way to an older complete value
        assert_eq!(p["golden"]["given_name"], "Bob");
        assert_eq!(p["golden"]["email"], "rj@example.org");
        assert_eq!(p["golden"]["ssn"], "219-55-3481");
        assert_eq!(p["golden"]["birth_date"], "1975-04-12");
        let (_, ids) = app.get("/v1/records/HOSP_A/A-1/identifiers").await;
        assert_eq!(
            ids["identifiers"],
            json!([{"source": "HOSP_A", "source_id": "A-1"}, {"source": "LAB_B", "source_id": "L-9"}])
        );
        let (_, ids2) = app.get(&format!("/v1/persons/{person}/identifiers")).await;
        assert_eq!(ids2, ids);

        assert_eq!(app.delete("/v1/records/LAB_B/L-9").await, 204);
        let (_, record) = app.get("/v1/records/LAB_B/L-9").await;
        assert_eq!(record["active"], false);
        let (_, p) = app.get(&format!("/v1/persons/{person}")).await;
        assert_eq!(p["records"].as_array().unwrap().len(), 1);
        let (_, v) = app
            .post(
                "/v1/match",
                &json!({"record": {"given_name": "Bob", "family_name": "Johnson",
            "birth_date": "1975-04-12", "email": "rj@example.org"}}),
            )
            .await;
        // the deactivated record is no candidate; the remaining one still is
        for m in v["matches"].as_array().unwrap() {
            assert_ne!(m["source_id"], "L-9");
        }
        assert_eq!(app.delete("/v1/records/LAB_B/none").await, 404);
    }
);

both!(
    bad_input_is_a_clear_problem_and_writes_nothing,
    |app: TestApp| async move {
        let cases: Vec<(&str, u16, &str, Option<&str>)> = vec![
            ("{\"source\": \"A\", ", 400, "malformed_json", None),
            ("[1, 2]", 400, "invalid_body", None),
            (
                "{\"source\": \"A\", \"source_id\": \"1\", \"shoe_size\": \"9\"}",
                400,
                "unknown_field",
                Some("shoe_size"),
            ),
            (
                "{\"source\": \"A\", \"source_id\": \"1\", \"given_name\": 5}",
                400,
                "invalid_field",
                Some("given_name"),
            ),
            (
                "{\"source\": \"A\", \"source_id\": \"1\", \"birth_date\": \"1990-02-30\"}",
                400,
                "invalid_field",
                Some("birth_date"),
            ),
            (
                "{\"source_id\": \"1\"}",
                400,
                "invalid_field",
                Some("source"),
            ),
            (
                "{\"source\": \"A\"}",
                400,
                "invalid_field",
                Some("source_id"),
            ),
        ];
        for (body, status, code, field) in cases {
            let (got, v) = app.post_raw("/v1/records", body).await;
            assert_eq!(got, status, "{body}: {v}");
            assert_eq!(v["code"], code, "{body}: {v}");
            assert_eq!(v["field"].as_str(), field, "{body}: {v}");
            assert_eq!(v["status"], status);
        }
        let huge = format!(
            "{{\"source\": \"A\", \"source_id\": \"1\", \"city\": \"{}\"}}",
            "x".repeat(70_000)
        );
        let (status, v) = app.post_raw("/v1/records", &huge).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (413, Some("payload_too_large"))
        );
        let (status, v) = app.get("/v1/records/A/1").await;
        assert_eq!((status, v["code"].as_str()), (404, Some("not_found")));
        let (status, _) = app.get("/v1/persons/p-none").await;
        assert_eq!(status, 404);
        let (status, _) = app.get("/v1/nowhere").await;
        assert_eq!(status, 404);
        let (status, v) = app.get("/v1/events?limit=0").await;
        assert_eq!((status, v["field"].as_str()), (400, Some("limit")));
        assert!(app.events().await.is_empty(), "nothing was written");
    }
);

both!(events_page_in_order, |app: TestApp| async move {
    for i in 0..5 {
        let mut r = robert("HOSP_A", &format!("A-{i}"));
        r["given_name"] = json!(["Ann", "Ben", "Cid", "Dot", "Eve"][i]);
        r["ssn"] = json!("");
        r["birth_date"] = json!(format!("19{}0-01-01", i + 3));
        register(&app, &r).await;
    }
    let (_, page) = app.get("/v1/events?after=0&limit=4").await;
    let seqs: Vec<i64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 4);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let next = page["next_after"].as_i64().unwrap();
    assert_eq!(next, seqs[3]);
    let (_, rest) = app.get(&format!("/v1/events?after={next}&limit=100")).await;
    let total = app.events().await.len();
    assert!(total >= 10, "five new persons and their links");
    assert_eq!(rest["events"].as_array().unwrap().len(), total - 4);
});

both!(
    concurrent_registrations_of_one_new_patient_make_one_person,
    |app: TestApp| async move {
        let app = std::sync::Arc::new(app);
        let mut handles = Vec::new();
        for i in 0..30 {
            let app = app.clone();
            handles.push(tokio::spawn(async move {
                register(&app, &robert(&format!("SRC_{i}"), &format!("MRN-{i}"))).await
            }));
        }
        let mut persons = std::collections::BTreeSet::new();
        for h in handles {
            let v = h.await.unwrap();
            persons.insert(v["person_id"].as_str().unwrap().to_string());
        }
        assert_eq!(persons.len(), 1, "{persons:?}");
    }
);

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, v) = app.get("/healthz").await;
    assert_eq!((status, v["status"].as_str()), (200, Some("ok")));
    let (status, v) = app.get("/readyz").await;
    assert_eq!((status, v["status"].as_str()), (200, Some("ready")));
    assert_eq!(v["model_version"], "mpi-default-0.1.0");
}
