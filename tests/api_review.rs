//! The review queue over HTTP on SQLite and PostgreSQL: listing and filters, a task in
//! full, claim and release, every decision with its effect on the identity graph, the
//! conflicts (claim races, stale decisions, closed tasks → 409), and supersession.

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::{Value, json};

fn twin(source_id: &str, given: &str) -> Value {
    json!({
        "source": "HOSP_A", "source_id": source_id,
        "given_name": given, "family_name": "Miller", "birth_date": "2010-06-01",
        "address_line": "4 Elm Road", "postal_code": "02118"
    })
}

async fn register(app: &TestApp, body: &Value) -> Value {
    let (status, v) = app.post("/v1/records", body).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// Two records the matcher is unsure about: answers (the first's person, the second's
/// registration with its review task).
async fn ambiguous_pair(app: &TestApp) -> (String, Value) {
    let first = register(app, &twin("A-2", "Jayden")).await;
    let second = register(app, &twin("A-3", "Jaden")).await;
    assert_eq!(second["outcome"], "review", "{second}");
    (first["person_id"].as_str().unwrap().to_string(), second)
}

/// A record with no given name: it fits both twins (see the duplicate test).
fn unnamed_twin() -> Value {
    let mut r = twin("L-1", "");
    r["source"] = json!("LAB_B");
    r
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

both!(
    the_queue_lists_filters_and_shows_a_task_in_full,
    |app: TestApp| async move {
        let (twin_person, review) = ambiguous_pair(&app).await;
        let task = review["review_task"].as_i64().unwrap();

        let (status, page) = app.get("/v1/review-tasks").await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], 1);
        assert_eq!(
            page["counts"],
            json!([{"reason": "possible_match", "count": 1,
                    "oldest_opened_at": page["tasks"][0]["opened_at"]}])
        );
        let t = &page["tasks"][0];
        assert_eq!(t["id"], task);
        assert_eq!(
            (t["status"].as_str(), t["reason"].as_str()),
            (Some("open"), Some("possible_match"))
        );
        assert_eq!(
            (t["source"].as_str(), t["source_id"].as_str()),
            (Some("HOSP_A"), Some("A-3"))
        );
        assert_eq!(t["candidate_persons"], json!([twin_person]));
        assert!(
            t["reason_text"]
                .as_str()
                .unwrap()
                .contains("not surely enough")
        );

        // filters
        for (query, expected) in [
            ("?reason=possible_match", 1),
            ("?reason=poor_fit", 0),
            ("?source=HOSP_A", 1),
            ("?source=LAB_B", 0),
            ("?status=resolved", 0),
            ("?status=open,claimed&order=oldest", 1),
            ("?max_age_minutes=60", 1),
            ("?min_age_minutes=60", 0),
            ("?assignee=ann", 0),
        ] {
            let (status, v) = app.get(&format!("/v1/review-tasks{query}")).await;
            assert_eq!(status, 200, "{query}: {v}");
            assert_eq!(v["total"], expected, "{query}");
        }
        for (query, field) in [
            ("?status=closed", "status"),
            ("?reason=hunch", "reason"),
            ("?order=random", "order"),
            ("?limit=0", "limit"),
            ("?colour=red", "colour"),
        ] {
            let (status, v) = app.get(&format!("/v1/review-tasks{query}")).await;
            assert_eq!(
                (status, v["field"].as_str()),
                (400, Some(field)),
                "{query}: {v}"
            );
        }

        // the task in full: both records, the comparison field by field
        let (status, d) = app.get(&format!("/v1/review-tasks/{task}")).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["subject"]["record"]["record"]["given_name"], "Jaden");
        assert_eq!(d["subject"]["person_id"], review["person_id"]);
        let candidate = &d["candidates"][0];
        assert_eq!(candidate["person_id"], twin_person.as_str());
        assert_eq!(candidate["record"]["source_id"], "A-2");
        let fields = candidate["comparison"]["fields"].as_array().unwrap();
        let given = fields.iter().find(|f| f["field"] == "given_name").unwrap();
        assert_ne!(given["level"], "exact", "{given}");
        let birth = fields.iter().find(|f| f["field"] == "birth_date").unwrap();
        assert!(birth["weight"].as_f64().unwrap() > 0.0, "{birth}");
        assert!(d["opened_with"]["total_weight"].is_number());
        assert_eq!(d["actions"], json!([]));

        let (status, v) = app.get("/v1/review-tasks/999999").await;
        assert_eq!((status, v["code"].as_str()), (404, Some("not_found")));
        let (status, v) = app.get("/v1/review-tasks/abc").await;
        assert_eq!((status, v["field"].as_str()), (400, Some("task_id")));
    }
);

both!(
    claim_release_and_a_same_person_decision_merge_then_undo,
    |app: TestApp| async move {
        let (twin_person, review) = ambiguous_pair(&app).await;
        let task = review["review_task"].as_i64().unwrap();
        let new_person = review["person_id"].as_str().unwrap().to_string();
        let path = |action: &str| format!("/v1/review-tasks/{task}/{action}");

        let (status, etag, t) = app.post_as("ann", &path("claim"), &json!({}), None).await;
        assert_eq!(status, 200, "{t}");
        assert_eq!(
            (t["status"].as_str(), t["assignee"].as_str()),
            (Some("claimed"), Some("ann"))
        );
        assert_eq!(etag.as_deref(), Some("\"2\""));
        // the claimant releases it (then there is no claim to release) and claims again
        let (status, etag, t) = app
            .post_as("ann", &path("release"), &json!({}), etag.as_deref())
            .await;
        assert_eq!(status, 200, "{t}");
        assert_eq!(
            (t["status"].as_str(), t["assignee"].as_str()),
            (Some("open"), None)
        );
        assert_eq!(etag.as_deref(), Some("\"3\""));
        let (status, _, _) = app.post_as("ann", &path("release"), &json!({}), None).await;
        assert_eq!(status, 409);
        let (status, etag, _) = app
            .post_as("ann", &path("claim"), &json!({}), Some("\"3\""))
            .await;
        assert_eq!((status, etag.as_deref()), (200, Some("\"4\"")));
        // someone else cannot claim, release or decide it
        let (status, _, v) = app.post_as("bob", &path("claim"), &json!({}), None).await;
        assert_eq!((status, v["code"].as_str()), (409, Some("conflict")), "{v}");
        let (status, _, _) = app.post_as("bob", &path("release"), &json!({}), None).await;
        assert_eq!(status, 409);
        let same = json!({"decision": "same_person"});
        let (status, _, _) = app.post_as("bob", &path("decision"), &same, None).await;
        assert_eq!(status, 409);
        // without a credential: refused
        let r = reqwest::Client::new()
            .post(format!("{}{}", app.base, path("claim")))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        // a decision on a version the task has left is stale
        let (status, _, v) = app
            .post_as("ann", &path("decision"), &same, Some("\"1\""))
            .await;
        assert_eq!(status, 409, "{v}");
        assert!(v["detail"].as_str().unwrap().contains("version 4"), "{v}");
        // nothing changed meanwhile
        let (_, rec) = app.get("/v1/records/HOSP_A/A-3").await;
        assert_eq!(rec["person_id"], new_person.as_str());

        let (status, _, v) = app
            .post_as(
                "ann",
                &path("decision"),
                &json!({"decision": "same_person", "note": "same mother, same day"}),
                Some("\"4\""),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["task"]["status"], "resolved");
        assert_eq!(v["task"]["decision"], "same_person");
        assert_eq!(v["changed"]["person_id"], twin_person.as_str());
        let merge = v["changed"]["merge_id"].as_i64().unwrap();
        let (_, rec) = app.get("/v1/records/HOSP_A/A-3").await;
        assert_eq!(rec["person_id"], twin_person.as_str());
        assert_eq!(rec["link"], "manual");
        // the record's former person is a tombstone redirecting to the survivor
        let r = crate::common::app::client_no_redirect(&app.key)
            .get(format!("{}/v1/persons/{new_person}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 308);
        let (_, person) = app.get(&format!("/v1/persons/{twin_person}")).await;
        assert_eq!(person["records"].as_array().unwrap().len(), 2);
        // closed: no second decision
        let (status, _, _) = app.post_as("ann", &path("decision"), &same, None).await;
        assert_eq!(status, 409);
        let (_, d) = app.get(&format!("/v1/review-tasks/{task}")).await;
        let actions: Vec<&str> = d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["claimed", "released", "claimed", "same_person"]);
        assert_eq!(d["actions"][3]["actor"], "ann");
        assert_eq!(d["actions"][3]["note"], "same mother, same day");
        assert_eq!(d["actions"][3]["changes"]["merge_id"], merge);

        let all = kinds(&app.all_events().await);
        let tail: Vec<&str> = all.iter().rev().take(4).rev().map(String::as_str).collect();
        assert_eq!(
            tail,
            [
                "record.unlinked",
                "record.linked",
                "persons.merged",
                "review.resolved"
            ]
        );

        // the history shows the merge with who and why, and it can be undone
        let (status, h) = app.get(&format!("/v1/persons/{twin_person}/history")).await;
        assert_eq!(status, 200, "{h}");
        let entries = h["entries"].as_array().unwrap();
        let m = entries.iter().find(|e| e["kind"] == "merge").unwrap();
        assert_eq!(
            (m["id"].as_i64(), m["undoable"].as_bool()),
            (Some(merge), Some(true))
        );
        assert_eq!(m["actor"], "ann");
        let joined = entries
            .iter()
            .find(|e| e["kind"] == "link" && e["source_id"] == "A-3" && e["change"] == "linked")
            .unwrap();
        assert_eq!(
            (joined["how"].as_str(), joined["actor"].as_str()),
            (Some("manual"), Some("ann"))
        );
        assert!(
            joined["reason"]
                .as_str()
                .unwrap()
                .contains(&format!("review task {task}"))
        );
        let first_link = entries.iter().find(|e| e["kind"] == "link").unwrap();
        assert_eq!(
            (
                first_link["source_id"].as_str(),
                first_link["actor"].as_str()
            ),
            (Some("A-2"), Some("mpi"))
        );
        assert!(first_link["model_version"].is_string());

        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/merges/{merge}/undo"),
                &json!({"reason": "twins after all"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["person_id"], new_person.as_str());
        let (_, rec) = app.get("/v1/records/HOSP_A/A-3").await;
        assert_eq!(rec["person_id"], new_person.as_str());
        let (status, _) = app.get(&format!("/v1/persons/{new_person}")).await;
        assert_eq!(status, 200);
        let (_, h) = app.get(&format!("/v1/persons/{twin_person}/history")).await;
        let m = h["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "merge")
            .unwrap()
            .clone();
        assert_eq!(
            (m["undoable"].as_bool(), m["undone_by"].as_str()),
            (Some(false), Some("sam"))
        );
        assert_eq!(
            kinds(&app.all_events().await).last().unwrap(),
            "person.split"
        );
        let (status, _, _) = app
            .post_as(
                "sam",
                &format!("/v1/merges/{merge}/undo"),
                &json!({"reason": "again"}),
                None,
            )
            .await;
        assert_eq!(status, 409, "an undone merge cannot be undone twice");
    }
);

both!(
    different_people_is_remembered_and_defer_needs_a_note,
    |app: TestApp| async move {
        let (twin_person, review) = ambiguous_pair(&app).await;
        let task = review["review_task"].as_i64().unwrap();
        let path = format!("/v1/review-tasks/{task}/decision");

        let (status, _, v) = app
            .post_as("ann", &path, &json!({"decision": "defer"}), None)
            .await;
        assert_eq!((status, v["field"].as_str()), (400, Some("note")));
        let (status, _, v) = app
            .post_as("ann", &path, &json!({"decision": "maybe"}), None)
            .await;
        assert_eq!((status, v["field"].as_str()), (400, Some("decision")));
        let (status, _, v) = app
            .post_as(
                "ann",
                &path,
                &json!({"decision": "defer", "note": "ask the clinic"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            (v["task"]["status"].as_str(), v["task"]["decision"].as_str()),
            (Some("open"), Some("defer"))
        );
        assert_eq!(v["task"]["note"], "ask the clinic");

        // different people: the task closes with a non-match assertion, nothing moves
        let (status, _, v) = app
            .post_as(
                "bob",
                &path,
                &json!({"decision": "different_people", "note": "twins"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["changed"]["person_id"], review["person_id"]);
        assert_eq!(v["changed"]["assertions"].as_array().unwrap().len(), 1);
        let (_, rec) = app.get("/v1/records/HOSP_A/A-3").await;
        assert_eq!(rec["person_id"], review["person_id"]);

        // the pair does not come back: a steward cannot link it by hand either
        let (status, _, v) = app
            .post_as(
                "bob",
                "/v1/records/HOSP_A/A-3/link",
                &json!({"person_id": twin_person, "reason": "try"}),
                None,
            )
            .await;
        assert_eq!(status, 409, "{v}");
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("non-match assertion"),
            "{v}"
        );
        // nor does the matcher propose the two persons as duplicates: a record fitting
        // both links to one and opens no task
        let before = app
            .get("/v1/review-tasks?status=open,claimed,resolved,superseded")
            .await
            .1["total"]
            .clone();
        let both = unnamed_twin();
        let r = register(&app, &both).await;
        assert_ne!(r["outcome"], "review", "{r}");
        assert!(r.get("review_task").is_none(), "{r}");
        // nor in a batch, whose new records are decided on its own path
        let mut another = unnamed_twin();
        another["source_id"] = json!("L-2");
        let (status, v) = app.post("/v1/records:batch", &json!([another])).await;
        assert_eq!(status, 200, "{v}");
        let r = &v["results"][0]["result"];
        assert_eq!(r["outcome"], "linked", "{v}");
        assert!(r.get("review_task").is_none(), "{v}");
        let after = app
            .get("/v1/review-tasks?status=open,claimed,resolved,superseded")
            .await
            .1["total"]
            .clone();
        assert_eq!(before, after);
    }
);

both!(a_claim_race_has_one_winner, |app: TestApp| async move {
    let (_, review) = ambiguous_pair(&app).await;
    let task = review["review_task"].as_i64().unwrap();
    let mut handles = Vec::new();
    for i in 0..16 {
        let client = app.client_as(&format!("reviewer-{i}"), "reviewer").await;
        let url = format!("{}/v1/review-tasks/{task}/claim", app.base);
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .header("If-Match", "\"1\"")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
});

both!(
    tasks_answered_elsewhere_are_superseded,
    |app: TestApp| async move {
        // a merge by a steward answers the question
        let (twin_person, review) = ambiguous_pair(&app).await;
        let task = review["review_task"].as_i64().unwrap();
        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/persons/{twin_person}/merge"),
                &json!({"from": review["person_id"], "reason": "known family"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["superseded_tasks"], json!([task]));
        let (_, d) = app.get(&format!("/v1/review-tasks/{task}")).await;
        assert_eq!(d["task"]["status"], "superseded");
        let (status, _, _) = app
            .post_as(
                "ann",
                &format!("/v1/review-tasks/{task}/decision"),
                &json!({"decision": "same_person"}),
                None,
            )
            .await;
        assert_eq!(status, 409);
        let last = app.all_events().await.last().unwrap().clone();
        assert_eq!(
            (last["kind"].as_str(), last["payload"]["decision"].as_str()),
            (Some("review.resolved"), Some("superseded"))
        );

        // deactivating the record answers it too
        let first = register(&app, &twin("B-2", "Ava")).await;
        let mut second = twin("B-3", "Eva");
        second["birth_date"] = json!("2012-03-04");
        second["given_name"] = json!("Ava");
        let _ = first;
        let r = register(&app, &second).await;
        if let Some(t) = r["review_task"].as_i64() {
            assert_eq!(app.delete("/v1/records/HOSP_A/B-3").await, 204);
            let (_, d) = app.get(&format!("/v1/review-tasks/{t}")).await;
            assert_eq!(d["task"]["status"], "superseded", "{d}");
        } else {
            panic!("expected a review for the second Ava: {r}");
        }
    }
);

both!(
    an_update_that_no_longer_fits_is_reviewed_and_can_be_moved_out,
    |app: TestApp| async move {
        let base = json!({
            "source": "HOSP_A", "source_id": "A-1",
            "given_name": "Robert", "family_name": "Johnson", "sex": "M",
            "birth_date": "1975-04-12", "ssn": "219-55-3481", "phone": "(617) 555-0142",
            "postal_code": "02118"
        });
        let first = register(&app, &base).await;
        let mut other = base.clone();
        other["source"] = json!("LAB_B");
        other["source_id"] = json!("L-9");
        let linked = register(&app, &other).await;
        assert_eq!(linked["person_id"], first["person_id"]);
        // the lab's record is corrected to a different patient
        let changed = json!({
            "source": "LAB_B", "source_id": "L-9",
            "given_name": "Maria", "family_name": "Gonzalez", "sex": "F",
            "birth_date": "1990-11-02", "phone": "(305) 555-0199", "postal_code": "33101"
        });
        let r = register(&app, &changed).await;
        assert_eq!(r["outcome"], "review", "{r}");
        let task = r["review_task"].as_i64().unwrap();
        let (_, d) = app.get(&format!("/v1/review-tasks/{task}")).await;
        assert_eq!(d["task"]["reason"], "poor_fit");
        let (status, _, v) = app
            .post_as(
                "ann",
                &format!("/v1/review-tasks/{task}/decision"),
                &json!({"decision": "different_people"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let moved_to = v["changed"]["person_id"].as_str().unwrap();
        assert_ne!(moved_to, first["person_id"].as_str().unwrap());
        let (_, rec) = app.get("/v1/records/LAB_B/L-9").await;
        assert_eq!(
            (rec["person_id"].as_str(), rec["link"].as_str()),
            (Some(moved_to), Some("manual"))
        );
        let (_, person) = app
            .get(&format!(
                "/v1/persons/{}",
                first["person_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(
            person["records"],
            json!([{"source": "HOSP_A", "source_id": "A-1"}])
        );
        assert_eq!(person["golden"]["given_name"], "Robert");
    }
);

both!(
    a_record_fitting_two_persons_opens_a_duplicate_task,
    |app: TestApp| async move {
        let (twin_person, review) = ambiguous_pair(&app).await;
        let r = register(&app, &unnamed_twin()).await;
        assert_eq!(r["outcome"], "linked", "{r}");
        let task = r["review_task"].as_i64().expect("a duplicate task");
        let (_, d) = app.get(&format!("/v1/review-tasks/{task}")).await;
        assert_eq!(d["task"]["reason"], "possible_duplicate");
        let persons = [twin_person.as_str(), review["person_id"].as_str().unwrap()];
        let linked = r["person_id"].as_str().unwrap();
        let other = d["task"]["candidate_persons"][0].as_str().unwrap();
        assert!(
            persons.contains(&linked) && persons.contains(&other) && linked != other,
            "{d}"
        );
        // same person: the two persons are merged, the record's own person survives
        let (status, _, v) = app
            .post_as(
                "ann",
                &format!("/v1/review-tasks/{task}/decision"),
                &json!({"decision": "same_person"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["changed"]["person_id"], linked);
        let (_, p) = app.get(&format!("/v1/persons/{linked}")).await;
        assert_eq!(p["records"].as_array().unwrap().len(), 3, "{p}");
        // the first task (the pair itself) is answered by the merge
        let first = review["review_task"].as_i64().unwrap();
        let (_, d) = app.get(&format!("/v1/review-tasks/{first}")).await;
        assert_eq!(d["task"]["status"], "superseded");
    }
);
