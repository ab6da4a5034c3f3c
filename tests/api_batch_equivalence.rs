//! The batch fast path decides exactly as single registrations do: the same synthetic
//! records (duplicates across sources, twins, resends and updates mixed in) sent one by
//! one to one server and in batches to another end with the same outcomes, the same
//! grouping of records into persons and the same identity events.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::app::{Backend, TestApp, spawn_app};
use mpi::synth::{SynthConfig, generate};
use serde_json::Value;

/// 700 synthetic records with, in the middle of the second batch of 250, a resend of
/// one, changed copies of two from the first batch, and a changed copy of one from the
/// same batch: new records come after updates in one batch.
fn records() -> Vec<Value> {
    let mut out: Vec<Value> = generate(&SynthConfig::new(450, 11))
        .take(700)
        .map(|(r, _)| serde_json::to_value(r).unwrap())
        .collect();
    let resent = out[3].clone();
    let mut moved = out[10].clone();
    moved["phone"] = Value::from("(555) 010-0199");
    let mut renamed = out[20].clone();
    renamed["given_name"] = Value::from("Zebediah");
    let mut same_batch = out[290].clone();
    same_batch["address_line"] = Value::from("1 Harbour Road");
    for (at, r) in [
        (300, resent),
        (310, moved),
        (320, renamed),
        (330, same_batch),
    ] {
        out.insert(at, r);
    }
    out
}

/// Per record: outcome; and each person's records.
async fn state(
    app: &TestApp,
    answers: &[Value],
) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let outcomes = answers
        .iter()
        .map(|a| a["outcome"].as_str().unwrap().to_string())
        .collect();
    let mut persons: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in answers {
        let (status, r) = app
            .get(&format!(
                "/v1/records/{}/{}",
                a["source"].as_str().unwrap(),
                a["source_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(status, 200);
        persons
            .entry(r["person_id"].as_str().unwrap().to_string())
            .or_default()
            .insert(format!("{}/{}", r["source"], r["source_id"]));
    }
    (outcomes, persons)
}

/// What matters of a review task opened by a registration, its persons named by their
/// records (person ids differ between servers).
async fn task(
    app: &TestApp,
    answer: &Value,
    persons: &BTreeMap<String, BTreeSet<String>>,
) -> Value {
    let (status, v) = app
        .get(&format!("/v1/review-tasks/{}", answer["review_task"]))
        .await;
    assert_eq!(status, 200, "{v}");
    let named = |ids: &Value| -> Vec<&BTreeSet<String>> {
        ids.as_array()
            .unwrap()
            .iter()
            .map(|p| &persons[p.as_str().unwrap()])
            .collect()
    };
    let t = &v["task"];
    serde_json::json!({
        "reason": t["reason"], "status": t["status"], "source": t["source"],
        "source_id": t["source_id"], "weight": t["weight"], "probability": t["probability"],
        "decided_by": t["decided_by"], "version": t["version"],
        "person": persons[t["person_id"].as_str().unwrap()],
        "candidates": named(&t["candidate_persons"]),
        "answer_candidates": named(&answer["candidate_persons"]),
        "opened_with": v["opened_with"],
    })
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn same_as_one_by_one(backend: Backend) {
    let records = records();
    let single = spawn_app(backend).await;
    let mut single_answers = Vec::new();
    for r in &records {
        let (status, v) = single.post("/v1/records", r).await;
        assert_eq!(status, 200, "{v}");
        single_answers.push(v);
    }
    let batched = spawn_app(backend).await;
    let mut batch_answers = Vec::new();
    for chunk in records.chunks(250) {
        let (status, v) = batched
            .post("/v1/records:batch", &Value::from(chunk.to_vec()))
            .await;
        assert_eq!(status, 200, "{v}");
        for item in v["results"].as_array().unwrap() {
            batch_answers.push(item["result"].clone());
        }
    }
    assert_eq!(batch_answers.len(), records.len());
    let (single_outcomes, single_persons) = state(&single, &single_answers).await;
    let (batch_outcomes, batch_persons) = state(&batched, &batch_answers).await;
    assert_eq!(batch_outcomes, single_outcomes);
    let sets =
        |p: &BTreeMap<String, BTreeSet<String>>| p.values().cloned().collect::<BTreeSet<_>>();
    assert_eq!(sets(&batch_persons), sets(&single_persons));
    // the same review tasks, opened for the same reasons about the same persons
    let mut reasons = BTreeSet::new();
    for (s, b) in single_answers.iter().zip(&batch_answers) {
        assert_eq!(
            s["review_task"].is_null(),
            b["review_task"].is_null(),
            "{s}\n{b}"
        );
        if s["review_task"].is_null() {
            continue;
        }
        let (s, b) = (
            task(&single, s, &single_persons).await,
            task(&batched, b, &batch_persons).await,
        );
        assert_eq!(s, b);
        reasons.insert(s["reason"].as_str().unwrap().to_string());
    }
    println!("review reasons: {reasons:?}");
    for outcome in ["linked", "created", "review"] {
        assert!(
            single_outcomes.iter().any(|o| o == outcome),
            "the data exercises {outcome}"
        );
    }
    for (s, b) in single_answers.iter().zip(&batch_answers) {
        assert_eq!(s["deciding_match"]["weight"], b["deciding_match"]["weight"]);
        assert_eq!(s["version"], b["version"]);
    }
    let (single_events, batch_events) = (single.all_events().await, batched.all_events().await);
    assert_eq!(kinds(&batch_events), kinds(&single_events));
    // resending the last batch (current contents only) changes nothing, answers the same
    let (_, again) = batched
        .post("/v1/records:batch", &Value::from(records[500..].to_vec()))
        .await;
    let again: Vec<Value> = again["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["result"].clone())
        .collect();
    assert!(
        again == batch_answers[500..],
        "a resent batch answers as before"
    );
    assert_eq!(batched.all_events().await.len(), batch_events.len());
}

#[tokio::test]
async fn batch_equals_single_sqlite() {
    same_as_one_by_one(Backend::Sqlite).await;
}

#[tokio::test]
async fn batch_equals_single_postgres() {
    same_as_one_by_one(Backend::Postgres).await;
}
