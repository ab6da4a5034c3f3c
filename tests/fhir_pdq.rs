//! IHE PDQm (ITI-78, `GET /fhir/Patient`) and PIXm (ITI-83, `GET /fhir/Patient/$ihe-pix`)
//! against the real server on SQLite and PostgreSQL: every search parameter and
//! modifier, AND/OR, birth-date prefixes and partial dates, identifier forms, paging,
//! merged persons, strict and lenient handling, the PIXm answer and each of its errors;
//! and both checked with the independent Python `fhirclient` library.

#[macro_use]
mod common;

use std::collections::BTreeSet;

use common::app::TestApp;
use serde_json::{Value, json};

/// The persons of the data set.
struct People {
    robert: String,
    maria: String,
    jose: String,
    anna: String,
    carol: String,
}

async fn register(app: &TestApp, record: Value) -> String {
    let (status, v) = app.post("/v1/records", &record).await;
    assert!(status == 200 || status == 201, "{v}");
    v["person_id"].as_str().unwrap().to_string()
}

async fn load(app: &TestApp) -> People {
    let robert = json!({
        "source": "HOSP_A", "source_id": "A-1", "given_name": "Robert", "family_name": "Johnson",
        "sex": "M", "birth_date": "1975-04-12", "ssn": "219-55-3481", "postal_code": "02118"
    });
    let r = register(app, robert.clone()).await;
    let mut bob = robert;
    bob["source"] = json!("CLINIC_C");
    bob["source_id"] = json!("C-77");
    bob["given_name"] = json!("Bobby");
    assert_eq!(register(app, bob).await, r);
    let maria = register(
        app,
        json!({
            "source": "HOSP_B", "source_id": "B-9", "given_name": "Maria", "family_name": "Garcia",
            "sex": "F", "birth_date": "1980-02-03", "postal_code": "10001"
        }),
    )
    .await;
    let jose = register(
        app,
        json!({
            "source": "HOSP_A", "source_id": "A-2", "given_name": "José", "family_name": "Muñoz",
            "sex": "M", "birth_date": "1980-04-20", "postal_code": "33101"
        }),
    )
    .await;
    let anna = register(app, json!({
        "source": "HOSP_B", "source_id": "B-10", "given_name": "Anna", "family_name": "Johnston",
        "sex": "F", "birth_date": "1990-06-15", "postal_code": "60601"
    }))
    .await;
    let carol = register(
        app,
        json!({
            "source": "HOSP_A", "source_id": "A-6", "given_name": "Carol", "family_name": "Danvers",
            "sex": "F", "birth_date": "1968-09-09", "postal_code": "98101"
        }),
    )
    .await;
    People {
        robert: r,
        maria,
        jose,
        anna,
        carol,
    }
}

/// Records the values of a FHIR query string as patient data (for the log scan).
fn record_query(query: &str) {
    for (k, v) in url_pairs(query) {
        if !k.starts_with('_') && k != "gender" {
            let value = v
                .rsplit('|')
                .next()
                .unwrap_or(&v)
                .trim_start_matches(|c: char| c.is_ascii_lowercase() && k == "birthdate")
                .to_string();
            common::logs::record_phi(&json!({ "given_name": value, "source_id": v }).to_string());
        }
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// GETs a FHIR path with optional headers; every answer is `application/fhir+json`.
async fn fhir_get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    if let Some((_, query)) = path.split_once('?') {
        record_query(query);
    }
    let mut request = app.client.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/fhir+json",
        "{path}"
    );
    (status, r.json().await.unwrap())
}

/// The person ids a search finds (all pages are not followed: `_count` covers them).
async fn ids(app: &TestApp, query: &str) -> BTreeSet<String> {
    let (status, v) = fhir_get(app, &format!("/fhir/Patient?{query}"), &[]).await;
    assert_eq!(status, 200, "{query}: {v}");
    assert_eq!(v["resourceType"], "Bundle");
    assert_eq!(v["type"], "searchset");
    let entries = v["entry"].as_array().unwrap();
    assert_eq!(v["total"], entries.len(), "{query}: {v}");
    entries
        .iter()
        .map(|e| {
            assert_eq!(e["search"]["mode"], "match");
            assert_eq!(e["resource"]["resourceType"], "Patient");
            let id = e["resource"]["id"].as_str().unwrap().to_string();
            assert_eq!(
                e["fullUrl"].as_str().unwrap(),
                format!("{}/fhir/Patient/{id}", app.base)
            );
            id
        })
        .collect()
}

/// Commits the search index, so reads come from Tantivy rather than the overlay.
async fn commit(app: &TestApp) {
    let mark = app.service.last_event_seq().await.unwrap();
    app.service.index.commit(mark).unwrap();
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

both!(pdqm_search_parameters, |app: TestApp| async move {
    let p = load(&app).await;
    let none = BTreeSet::new();
    let cases: Vec<(&str, BTreeSet<String>)> = vec![
        // string: starts-with, case- and accent-insensitive
        ("family=johnson", set(&[&p.robert])),
        ("family=JOHN", set(&[&p.robert, &p.anna])),
        ("family=munoz", set(&[&p.jose])),
        ("family=Mu%C3%B1", set(&[&p.jose])),
        ("family:exact=john", none.clone()),
        ("family:exact=johnson", set(&[&p.robert])),
        ("given=bobb", set(&[&p.robert])),
        ("given:exact=jos%C3%A9", set(&[&p.jose])),
        ("name=maria", set(&[&p.maria])),
        ("name=dan", set(&[&p.carol])),
        // OR within a parameter, AND across parameters
        ("given=rob,mar", set(&[&p.robert, &p.maria])),
        ("family=john&given=anna", set(&[&p.anna])),
        ("family=john&given=maria", none.clone()),
        // birth dates: full, partial, prefixes
        ("birthdate=1975-04-12", set(&[&p.robert])),
        ("birthdate=1980", set(&[&p.maria, &p.jose])),
        ("birthdate=1980-04", set(&[&p.jose])),
        ("birthdate=eq1980-02", set(&[&p.maria])),
        (
            "birthdate=ge1980&birthdate=lt1990",
            set(&[&p.maria, &p.jose]),
        ),
        ("birthdate=gt1980", set(&[&p.anna])),
        ("birthdate=sa1980", set(&[&p.anna])),
        ("birthdate=lt1975-04-12", set(&[&p.carol])),
        ("birthdate=eb1975-04-12", set(&[&p.carol])),
        ("birthdate=le1975-04-12", set(&[&p.robert, &p.carol])),
        ("birthdate=ge1990-06-15", set(&[&p.anna])),
        ("birthdate=ne1975&family=john", set(&[&p.anna])),
        ("birthdate=1968,1990", set(&[&p.carol, &p.anna])),
        // gender narrows; alternatives OR
        ("family=john&gender=female", set(&[&p.anna])),
        ("family=john&gender=male,female", set(&[&p.robert, &p.anna])),
        ("family=john&gender=unknown", none.clone()),
        // identifiers: system|value, |value, value, SSN, unknown system
        ("identifier=urn:mpi:source:HOSP_A%7CA-1", set(&[&p.robert])),
        (
            "identifier=urn:mpi:source:CLINIC_C%7CC-77",
            set(&[&p.robert]),
        ),
        ("identifier=%7CC-77", set(&[&p.robert])),
        ("identifier=B-9", set(&[&p.maria])),
        (
            "identifier=http://hl7.org/fhir/sid/us-ssn%7C219-55-3481",
            set(&[&p.robert]),
        ),
        ("identifier=219553481", set(&[&p.robert])),
        ("identifier=urn:mpi:source:HOSP_B%7CA-1", none.clone()),
        ("identifier=urn:oid:1.2.3%7CA-1", none.clone()),
        ("identifier=A-1,B-9", set(&[&p.robert, &p.maria])),
        ("identifier=A-1&family=garcia", none.clone()),
        // ids
        (&format!("_id={}", p.maria), set(&[&p.maria])),
        (&format!("_id={}&family=john", p.maria), none.clone()),
        // an empty parameter is ignored
        ("family=garcia&given=", set(&[&p.maria])),
    ]
    .into_iter()
    .map(|(q, s)| (Box::leak(q.to_string().into_boxed_str()) as &str, s))
    .collect();
    // first from the index's overlay (just written), then from a Tantivy commit
    for committed in [false, true] {
        if committed {
            commit(&app).await;
        }
        for (query, expected) in &cases {
            assert_eq!(
                &ids(&app, query).await,
                expected,
                "{query} (committed: {committed})"
            );
        }
    }

    // the Patient is the person, as a read shows it: every source's identifier
    let (_, v) = fhir_get(&app, "/fhir/Patient?family=johnson", &[]).await;
    let patient = &v["entry"][0]["resource"];
    let (_, read) = fhir_get(&app, &format!("/fhir/Patient/{}", p.robert), &[]).await;
    assert_eq!(patient, &read);

    // relevance: the closer name first
    let (_, v) = fhir_get(
        &app,
        "/fhir/Patient?family=johnston,johnson&given=anna",
        &[],
    )
    .await;
    assert_eq!(v["entry"][0]["resource"]["id"], p.anna.as_str(), "{v}");

    // POST _search, form-encoded
    common::logs::record_phi(&json!({"family_name": "garcia"}).to_string());
    let r = app
        .client
        .post(format!("{}/fhir/Patient/_search", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("family=garcia&birthdate=1980")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["entry"][0]["resource"]["id"], p.maria.as_str());

    // the disclosed persons are the audit entry's subjects
    let auditor = app.client_as("audrey", "auditor").await;
    let v: Value = auditor
        .get(format!(
            "{}/v1/audit?action=fhirPatientSearch&person={}",
            app.base, p.jose
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!v["entries"].as_array().unwrap().is_empty(), "{v}");
});

both!(pdqm_paging_merged_and_errors, |app: TestApp| async move {
    let p = load(&app).await;
    // paging: a next link until the last page
    let (status, v) = fhir_get(&app, "/fhir/Patient?family=john&_count=1", &[]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 2);
    assert_eq!(v["entry"].as_array().unwrap().len(), 1);
    let links = v["link"].as_array().unwrap();
    let url = |rel: &str| {
        links
            .iter()
            .find(|l| l["relation"] == rel)
            .map(|l| l["url"].as_str().unwrap().to_string())
    };
    assert!(url("self").unwrap().contains("family=john"));
    let next = url("next").expect("a next link");
    let first = v["entry"][0]["resource"]["id"].clone();
    let path = next.strip_prefix(&app.base).unwrap().to_string();
    let (_, page2) = fhir_get(&app, &path, &[]).await;
    assert_eq!(page2["total"], 2);
    assert_eq!(page2["entry"].as_array().unwrap().len(), 1);
    assert_ne!(page2["entry"][0]["resource"]["id"], first);
    assert!(
        page2["link"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["relation"] != "next")
    );
    let (_, v) = fhir_get(&app, "/fhir/Patient?family=john&_count=0", &[]).await;
    assert_eq!(v["total"], 2);
    assert!(v["entry"].as_array().unwrap().is_empty());

    // a merged person is not returned; the survivor is
    let danvers = register(
        &app,
        json!({
            "source": "LAB_C", "source_id": "L-6", "given_name": "Karen", "family_name": "Danvers",
            "sex": "F", "birth_date": "1985-01-15", "postal_code": "98101"
        }),
    )
    .await;
    assert_ne!(danvers, p.carol);
    assert_eq!(
        ids(&app, "family=danvers").await,
        set(&[&p.carol, &danvers])
    );
    let (status, _, v) = app
        .post_as(
            "stella",
            &format!("/v1/persons/{}/merge", p.carol),
            &json!({"from": danvers, "reason": "same person"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(ids(&app, "family=danvers").await, set(&[&p.carol]));
    assert_eq!(ids(&app, &format!("_id={danvers}")).await, BTreeSet::new());

    // an updated record is found by its new name only, before and after a commit
    let moreno = json!({
        "source": "HOSP_A", "source_id": "A-2", "given_name": "José", "family_name": "Moreno",
        "sex": "M", "birth_date": "1980-04-20", "postal_code": "33101"
    });
    assert_eq!(register(&app, moreno).await, p.jose);
    for committed in [false, true] {
        if committed {
            commit(&app).await;
        }
        assert_eq!(ids(&app, "family=munoz").await, BTreeSet::new());
        assert_eq!(ids(&app, "family=moreno").await, set(&[&p.jose]));
    }
    // a deactivated record is not found
    assert_eq!(app.delete("/v1/records/HOSP_A/A-2").await, 204);
    assert_eq!(ids(&app, "family=moreno").await, BTreeSet::new());
    commit(&app).await;
    assert_eq!(ids(&app, "family=moreno").await, BTreeSet::new());

    // errors: an OperationOutcome naming the parameter
    let cases = [
        ("gender=male", "too-costly", None),
        ("", "too-costly", None),
        ("_count=5", "too-costly", None),
        ("birthdate=1980-13", "invalid", Some("birthdate")),
        ("birthdate=19800101", "invalid", Some("birthdate")),
        ("birthdate=xx1980", "invalid", Some("birthdate")),
        ("family=x&gender=yes", "invalid", Some("gender")),
        ("family=john&shoe=9", "not-supported", Some("shoe")),
        (
            "family:contains=ohn",
            "not-supported",
            Some("family:contains"),
        ),
        ("family=john&_count=101", "invalid", Some("_count")),
        ("family=john&family=jo", "invalid", Some("family")),
        ("family=%21%21", "invalid", None),
    ];
    for (query, code, expression) in cases {
        let (status, v) = fhir_get(&app, &format!("/fhir/Patient?{query}"), &[]).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["resourceType"], "OperationOutcome");
        assert_eq!(v["issue"][0]["code"], code, "{query}: {v}");
        if let Some(e) = expression {
            assert_eq!(v["issue"][0]["expression"][0], e, "{query}: {v}");
        }
    }
    // lenient: the unknown parameter is ignored and left out of the self link
    let (status, v) = fhir_get(
        &app,
        "/fhir/Patient?family=johnson&shoe=9",
        &[("Prefer", "handling=lenient")],
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 1);
    let this = v["link"][0]["url"].as_str().unwrap();
    assert!(
        this.contains("family=johnson") && !this.contains("shoe"),
        "{this}"
    );
});

/// The PIXm answer's target identifiers as `system|value`, and its target ids.
fn pix(v: &Value) -> (BTreeSet<String>, Vec<String>) {
    assert_eq!(v["resourceType"], "Parameters", "{v}");
    let mut identifiers = BTreeSet::new();
    let mut targets = Vec::new();
    for p in v["parameter"].as_array().unwrap() {
        match p["name"].as_str().unwrap() {
            "targetIdentifier" => {
                let i = &p["valueIdentifier"];
                identifiers.insert(format!(
                    "{}|{}",
                    i["system"].as_str().unwrap(),
                    i["value"].as_str().unwrap()
                ));
            }
            "targetId" => targets.push(p["valueReference"]["reference"].as_str().unwrap().into()),
            other => panic!("unexpected parameter {other}"),
        }
    }
    (identifiers, targets)
}

both!(pixm_cross_reference, |app: TestApp| async move {
    let p = load(&app).await;
    let robert = vec![format!("Patient/{}", p.robert)];
    let strs = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let cases = [
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1",
            strs(&[
                "urn:mpi:source:CLINIC_C|C-77",
                "http://hl7.org/fhir/sid/us-ssn|219553481",
            ]),
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&targetSystem=urn:mpi:source:CLINIC_C",
            strs(&["urn:mpi:source:CLINIC_C|C-77"]),
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&targetSystem=http://hl7.org/fhir/sid/us-ssn",
            strs(&["http://hl7.org/fhir/sid/us-ssn|219553481"]),
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&targetSystem=urn:mpi:source:HOSP_B",
            strs(&[]),
        ),
        (
            "sourceIdentifier=http://hl7.org/fhir/sid/us-ssn%7C219553481",
            strs(&["urn:mpi:source:HOSP_A|A-1", "urn:mpi:source:CLINIC_C|C-77"]),
        ),
    ];
    for (query, expected) in cases {
        let (status, v) = fhir_get(&app, &format!("/fhir/Patient/$ihe-pix?{query}"), &[]).await;
        assert_eq!(status, 200, "{query}: {v}");
        let (identifiers, targets) = pix(&v);
        assert_eq!(identifiers, expected, "{query}");
        assert_eq!(targets, robert, "{query}");
    }
    // a person with one record has no other identifiers, but is named
    let (_, v) = fhir_get(
        &app,
        "/fhir/Patient/$ihe-pix?sourceIdentifier=urn:mpi:source:HOSP_B%7CB-9",
        &[],
    )
    .await;
    assert_eq!(
        pix(&v),
        (BTreeSet::new(), vec![format!("Patient/{}", p.maria)])
    );

    let errors = [
        (
            "sourceIdentifier=urn:mpi:source:NOPE%7CA-1",
            400,
            "code-invalid",
            "sourceIdentifier",
        ),
        (
            "sourceIdentifier=urn:oid:1.2.3%7CA-1",
            400,
            "code-invalid",
            "sourceIdentifier",
        ),
        (
            "sourceIdentifier=A-1",
            400,
            "code-invalid",
            "sourceIdentifier",
        ),
        (
            "targetSystem=urn:mpi:source:HOSP_A",
            400,
            "required",
            "sourceIdentifier",
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CZZZ-404",
            404,
            "not-found",
            "sourceIdentifier",
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&targetSystem=urn:mpi:source:NOPE",
            403,
            "code-invalid",
            "targetSystem",
        ),
        (
            "sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1&shoe=9",
            400,
            "not-supported",
            "shoe",
        ),
    ];
    for (query, status, code, expression) in errors {
        let (got, v) = fhir_get(&app, &format!("/fhir/Patient/$ihe-pix?{query}"), &[]).await;
        assert_eq!(got, status, "{query}: {v}");
        assert_eq!(v["resourceType"], "OperationOutcome");
        assert_eq!(v["issue"][0]["code"], code, "{query}: {v}");
        assert_eq!(v["issue"][0]["expression"][0], expression, "{query}: {v}");
    }
    // a deactivated record is not found
    assert_eq!(app.delete("/v1/records/CLINIC_C/C-77").await, 204);
    let (status, v) = fhir_get(
        &app,
        "/fhir/Patient/$ihe-pix?sourceIdentifier=urn:mpi:source:CLINIC_C%7CC-77",
        &[],
    )
    .await;
    assert_eq!(status, 404, "{v}");
    let (_, v) = fhir_get(
        &app,
        "/fhir/Patient/$ihe-pix?sourceIdentifier=urn:mpi:source:HOSP_A%7CA-1",
        &[],
    )
    .await;
    assert!(!pix(&v).0.contains("urn:mpi:source:CLINIC_C|C-77"), "{v}");
});

both!(fhirclient_pdqm_and_pixm, |app: TestApp| async move {
    let p = load(&app).await;
    // the patient values the script sends
    for query in [
        "family=johnson&family=garcia&given=mar&family=john&family=j",
        "identifier=urn:mpi:source:CLINIC_C%7CC-77&identifier=http://hl7.org/fhir/sid/us-ssn%7C219553481",
        "identifier=urn:mpi:source:HOSP_A%7CA-1&identifier=urn:mpi:source:HOSP_A%7CNOT-THERE",
        "birthdate=1980-02&birthdate=le1975-12-31",
    ] {
        record_query(query);
    }
    let args = vec![app.base.clone(), app.key.clone(), p.robert, p.maria];
    let stdout = common::python::run("pdqm_pixm_check.py", args).await;
    for check in [
        "capability statement ok",
        "pdqm family ok",
        "pdqm and ok",
        "pdqm identifier ok",
        "pdqm birthdate ok",
        "pixm ok",
        "pixm target system ok",
        "pixm not found ok",
    ] {
        assert!(stdout.contains(check), "{check} missing from:\n{stdout}");
    }
});

/// A made-up word for `n`: distinct names, so the batch's records are not candidates
/// for each other and registering them stays quick.
fn word(n: usize) -> String {
    let letters = b"bcdfghjklmnprstvz";
    let vowels = b"aeiou";
    let mut n = n;
    let mut out = String::new();
    for _ in 0..3 {
        out.push(letters[n % letters.len()] as char);
        n /= letters.len();
        out.push(vowels[n % vowels.len()] as char);
        n /= vowels.len();
    }
    out
}

both!(
    a_query_matching_too_many_records_is_refused,
    |app: TestApp| async move {
        let batch: Vec<Value> = (0..=mpi::identity::MAX_MATCHED_RECORDS)
            .map(|i| {
                json!({
                    "source": "BULK", "source_id": format!("K-{i}"),
                    "given_name": word(i * 7 + 3), "family_name": word(i),
                    "birth_date": format!("{}-{:02}-{:02}", 1930 + i % 60, 1 + i % 12, 1 + i % 28)
                })
            })
            .collect();
        let (status, v) = app.post("/v1/records:batch", &json!(batch)).await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = fhir_get(&app, "/fhir/Patient?birthdate=ge1900", &[]).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["issue"][0]["code"], "too-costly", "{v}");
        // narrowed, it is answered
        let (status, v) = fhir_get(&app, "/fhir/Patient?birthdate=ge1900&family=bababa", &[]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["total"], 1, "{v}");
    }
);
