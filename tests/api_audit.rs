//! The audit trail over HTTP, on SQLite and PostgreSQL: every read of patient data,
//! identity change, review decision and credential event leaves one entry naming who (and
//! in which role), what, which ids, the outcome and the request id — and no demographics;
//! `GET /v1/audit` filters by person, actor, action and time; the chain verifies, with the
//! library and with `mpi audit verify`.

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::{Value, json};

fn twin(source_id: &str, given: &str) -> Value {
    json!({
        "source": "HOSP_A", "source_id": source_id,
        "given_name": given, "family_name": "Miller", "birth_date": "2010-06-01",
        "ssn": "123-45-6789", "address_line": "4 Elm Road", "postal_code": "02118"
    })
}

/// Sends a request and answers (status, request id, body).
async fn send(request: reqwest::RequestBuilder) -> (u16, String, Value) {
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    (status, id, r.json().await.unwrap_or(Value::Null))
}

async fn audit(app: &TestApp, query: &str) -> Vec<Value> {
    let auditor = app.client_as("audrey", "auditor").await;
    let (status, _, v) = send(auditor.get(format!("{}/v1/audit?{query}", app.base))).await;
    assert_eq!(status, 200, "{v}");
    v["entries"].as_array().unwrap().clone()
}

/// (request id, action, actor, role, status, subjects the entry must name)
type Expected = (
    String,
    &'static str,
    &'static str,
    &'static str,
    u16,
    Vec<String>,
);

both!(
    a_registration_commits_its_own_audit_entry,
    |app: TestApp| async move {
        let base = app.base.clone();
        let engine = app.client_as("engine", "integration").await;
        // (entries committed by registration transactions, by the audit writer)
        let committed = || app.service.audit_pending().committed();
        let before = committed();
        let (s, id, answer) = send(
            engine
                .post(format!("{base}/v1/records"))
                .json(&twin("A-2", "Jayden")),
        )
        .await;
        assert_eq!(s, 200, "{answer}");
        let after = committed();
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (1, 0),
            "the entry commits in the registration's transaction, not the audit writer's"
        );
        // refused (a stale If-Match): nothing committed, so the guard writes its entry
        let (s, refused, _) = send(
            engine
                .post(format!("{base}/v1/records"))
                .header("If-Match", "\"7\"")
                .json(&twin("A-2", "Jayden")),
        )
        .await;
        assert_eq!(s, 409);
        let last = committed();
        assert_eq!((last.0 - after.0, last.1 - after.1), (0, 1));

        let all = audit(&app, "limit=1000").await;
        let of = |request_id: &str| -> Vec<Value> {
            all.iter()
                .filter(|e| e["request_id"] == request_id)
                .cloned()
                .collect()
        };
        let mine = of(&id);
        assert_eq!(mine.len(), 1, "one entry for the registration: {mine:?}");
        let person = answer["person_id"].as_str().unwrap();
        assert_eq!(
            (
                &mine[0]["action"],
                &mine[0]["actor"],
                &mine[0]["role"],
                &mine[0]["status"],
                &mine[0]["outcome"]
            ),
            (
                &json!("registerRecord"),
                &json!("engine"),
                &json!("integration"),
                &json!(200),
                &json!("ok")
            )
        );
        assert_eq!(
            mine[0]["subjects"],
            json!(["record:HOSP_A/A-2", format!("person:{person}")])
        );
        let theirs = of(&refused);
        assert_eq!(theirs.len(), 1, "{theirs:?}");
        assert_eq!(
            (&theirs[0]["status"], &theirs[0]["outcome"]),
            (&json!(409), &json!("rejected"))
        );
        let report = mpi::audit::verify(&app.service.store).await.unwrap();
        assert!(report.broken.is_none(), "{report}");
    }
);

both!(
    a_registration_stands_when_its_audit_entry_cannot_be_appended,
    |app: TestApp| async move {
        let engine = app.client_as("engine", "integration").await;
        let pool = &app.service.store.pool;
        // no head to chain onto: every append fails, in the registration and the writer
        sqlx::query("DELETE FROM audit_head")
            .execute(pool)
            .await
            .unwrap();
        let (s, _, v) = send(
            engine
                .post(format!("{}/v1/records", app.base))
                .json(&twin("A-2", "Jayden")),
        )
        .await;
        assert_eq!((s, &v["code"]), (503, &json!("audit_unavailable")), "{v}");
        // the failed append was rolled back alone: the registration committed
        let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM source_records")
            .fetch_one(pool)
            .await
            .unwrap();
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identity_events")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(records, 1);
        assert!(events >= 1, "{events} identity events");
    }
);

both!(
    every_audited_action_leaves_its_entry,
    |app: TestApp| async move {
        let base = app.base.clone();
        let engine = app.client_as("engine", "integration").await;
        let rita = app.client_as("rita", "reviewer").await;
        let sam = app.client_as("sam", "steward").await;
        let root = app.client_as("root", "admin").await;
        // (request id, expected action, actor, role, status, subjects it must name)
        let mut expected: Vec<Expected> = Vec::new();

        let (s, id, first) = send(
            engine
                .post(format!("{base}/v1/records"))
                .json(&twin("A-2", "Jayden")),
        )
        .await;
        let p1 = first["person_id"].as_str().unwrap().to_string();
        expected.push((
            id,
            "registerRecord",
            "engine",
            "integration",
            s,
            vec!["record:HOSP_A/A-2".into(), format!("person:{p1}")],
        ));
        let (s, id, second) = send(
            engine
                .post(format!("{base}/v1/records"))
                .json(&twin("A-3", "Jaden")),
        )
        .await;
        assert_eq!(second["outcome"], "review", "{second}");
        let p2 = second["person_id"].as_str().unwrap().to_string();
        let task = second["review_task"].as_i64().unwrap();
        expected.push((
            id,
            "registerRecord",
            "engine",
            "integration",
            s,
            vec![format!("person:{p2}"), format!("person:{p1}")],
        ));
        let (s, id, _) = send(
            engine
                .post(format!("{base}/v1/match"))
                .json(&json!({"record": twin("X", "Jayden")})),
        )
        .await;
        expected.push((
            id,
            "matchRecord",
            "engine",
            "integration",
            s,
            vec![format!("person:{p1}")],
        ));
        let (s, id, _) = send(engine.get(format!("{base}/v1/records/HOSP_A/A-2"))).await;
        expected.push((
            id,
            "getRecord",
            "engine",
            "integration",
            s,
            vec!["record:HOSP_A/A-2".into()],
        ));
        let (s, id, _) = send(rita.get(format!("{base}/v1/persons/{p1}"))).await;
        expected.push((
            id,
            "getPerson",
            "rita",
            "reviewer",
            s,
            vec![format!("person:{p1}")],
        ));
        let (s, id, _) = send(rita.get(format!(
            "{base}/v1/persons?name=Jayden+Miller&birth_date=2010-06-01"
        )))
        .await;
        expected.push((
            id,
            "searchPersons",
            "rita",
            "reviewer",
            s,
            vec![format!("person:{p1}")],
        ));
        let (s, id, _) = send(rita.get(format!("{base}/v1/review-tasks/{task}"))).await;
        expected.push((
            id,
            "getReviewTask",
            "rita",
            "reviewer",
            s,
            vec![format!("task:{task}")],
        ));
        let (s, id, _) = send(
            rita.post(format!("{base}/v1/review-tasks/{task}/claim"))
                .json(&json!({})),
        )
        .await;
        expected.push((
            id,
            "claimReviewTask",
            "rita",
            "reviewer",
            s,
            vec![format!("task:{task}")],
        ));
        let (s, id, _) = send(
            rita.post(format!("{base}/v1/review-tasks/{task}/decision"))
                .json(&json!({"decision": "different_people", "note": "twins"})),
        )
        .await;
        assert_eq!(s, 200);
        expected.push((
            id,
            "decideReviewTask",
            "rita",
            "reviewer",
            s,
            vec![format!("task:{task}")],
        ));
        let (s, id, _) = send(sam.post(format!("{base}/v1/persons/{p1}/split")).json(
            &json!({"records": [{"source": "HOSP_A", "source_id": "A-2"}], "reason": "test"}),
        ))
        .await;
        expected.push((
            id,
            "splitPerson",
            "sam",
            "steward",
            s,
            vec![format!("person:{p1}")],
        ));
        let (s, id, _) = send(sam.get(format!("{base}/v1/persons/{p2}/history"))).await;
        expected.push((
            id,
            "getPersonHistory",
            "sam",
            "steward",
            s,
            vec![format!("person:{p2}")],
        ));
        let (s, id, _) = send(engine.get(format!("{base}/fhir/Patient/{p2}"))).await;
        expected.push((
            id,
            "fhirPatientRead",
            "engine",
            "integration",
            s,
            vec![format!("person:{p2}")],
        ));
        let (s, id, minted) = send(
            root.post(format!("{base}/v1/tokens"))
                .json(&json!({"name": "lab-feed", "roles": ["integration"]})),
        )
        .await;
        let key_id = minted["id"].as_str().unwrap().to_string();
        expected.push((
            id,
            "createToken",
            "root",
            "admin",
            s,
            vec![format!("key:{key_id}")],
        ));
        let (s, id, _) = send(root.post(format!("{base}/v1/tokens/{key_id}/revoke"))).await;
        expected.push((
            id,
            "revokeToken",
            "root",
            "admin",
            s,
            vec![format!("key:{key_id}")],
        ));
        // refused: wrong role, and no credential at all
        let (s, id, _) = send(
            engine
                .post(format!("{base}/v1/persons/{p1}/merge"))
                .json(&json!({"from": p2, "reason": "x"})),
        )
        .await;
        expected.push((
            id,
            "mergePersons",
            "engine",
            "integration",
            s,
            vec![format!("person:{p1}")],
        ));
        let (s, id, _) = send(reqwest::Client::new().get(format!("{base}/v1/persons/{p2}"))).await;
        expected.push((
            id,
            "getPerson",
            "anonymous",
            "",
            s,
            vec![format!("person:{p2}")],
        ));

        let all = audit(&app, "limit=1000").await;
        for (request_id, action, actor, role, status, subjects) in &expected {
            let entry = all
                .iter()
                .find(|e| e["request_id"] == request_id.as_str())
                .unwrap_or_else(|| panic!("no audit entry for {action} ({request_id})"));
            assert_eq!(entry["action"], *action, "{entry}");
            assert_eq!(entry["actor"], *actor, "{entry}");
            if !role.is_empty() {
                assert_eq!(entry["role"], *role, "{entry}");
            }
            assert_eq!(entry["status"], *status, "{entry}");
            let outcome = match status {
                200..=399 => "ok",
                401 | 403 => "denied",
                _ => "rejected",
            };
            assert_eq!(entry["outcome"], outcome, "{entry}");
            for subject in subjects {
                assert!(
                    entry["subjects"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s == subject.as_str()),
                    "{action}: {subject} in {entry}"
                );
            }
            assert!(entry["at_ms"].as_i64().unwrap() > 0);
            assert_eq!(entry["hash"].as_str().unwrap().len(), 64);
        }
        // ids only: none of the demographics sent is in the log
        let text = serde_json::to_string(&all).unwrap();
        for value in [
            "Jayden",
            "Jaden",
            "Miller",
            "2010-06-01",
            "123-45-6789",
            "Elm Road",
            "02118",
        ] {
            assert!(!text.contains(value), "{value} in the audit log");
        }

        // filters: person, actor, action, time
        let for_p1 = audit(&app, &format!("person={p1}")).await;
        assert!(for_p1.len() >= 5);
        assert!(for_p1.iter().all(|e| {
            e["subjects"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| *s == format!("person:{p1}"))
        }));
        let by_sam = audit(&app, "actor=sam").await;
        assert!(!by_sam.is_empty() && by_sam.iter().all(|e| e["actor"] == "sam"));
        let decisions = audit(&app, "action=decideReviewTask").await;
        assert_eq!(decisions.len(), 1);
        let at = decisions[0]["at_ms"].as_i64().unwrap();
        let window = audit(&app, &format!("from={at}&to={}", at + 1)).await;
        assert!(window.iter().all(|e| e["at_ms"] == at) && !window.is_empty());
        let (status, _, v) = send(
            app.client_as("audrey", "auditor")
                .await
                .get(format!("{base}/v1/audit?limit=0")),
        )
        .await;
        assert_eq!((status, v["field"].as_str()), (400, Some("limit")));
        // the auditor reads the audit log, nothing else
        let (status, _, _) = send(
            app.client_as("audrey", "auditor")
                .await
                .get(format!("{base}/v1/persons/{p1}")),
        )
        .await;
        assert_eq!(status, 403);

        // the chain is intact, with the library and with the command
        let report = mpi::audit::verify(&app.service.store).await.unwrap();
        assert!(report.broken.is_none(), "{report}");
        assert!(report.entries as usize >= expected.len());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mpi"))
            .args(["audit", "verify", "--database-url", &app.db.url])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(err.contains("audit chain intact"), "{err}");
    }
);
