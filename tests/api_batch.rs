//! `POST /v1/records:batch` on SQLite and PostgreSQL: JSON arrays and NDJSON, per-item
//! results, read-your-writes inside a batch, idempotency, and bodies refused whole.

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::{Value, json};

fn person(source: &str, id: &str, given: &str, family: &str, dob: &str, ssn: &str) -> Value {
    json!({
        "source": source, "source_id": id, "given_name": given, "family_name": family,
        "birth_date": dob, "ssn": ssn, "postal_code": "02118"
    })
}

both!(array_batch_links_inside_itself, |app: TestApp| async move {
    let batch = json!([
        person("HOSP_A", "A-1", "Maria", "Garcia", "1980-02-03", "219-55-1111"),
        person("HOSP_B", "B-9", "Maria", "Garcia", "02/03/1980", "219551111"),
        {"source": "HOSP_A", "source_id": "A-2", "birth_date": "1980-02-31"},
        {"source": "HOSP_A", "source_id": "A-3", "shoe": "9"},
        person("HOSP_A", "A-4", "Tomasz", "Zielinski", "1955-11-30", ""),
    ]);
    let (status, v) = app.post("/v1/records:batch", &batch).await;
    assert_eq!(status, 200, "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i);
    }
    assert_eq!(results[0]["result"]["outcome"], "created");
    // the second record is linked to the first, registered earlier in the same batch
    assert_eq!(results[1]["result"]["outcome"], "linked", "{}", results[1]);
    assert_eq!(
        results[1]["result"]["person_id"],
        results[0]["result"]["person_id"]
    );
    assert_eq!(results[2]["status"], 400);
    assert_eq!(results[2]["problem"]["field"], "birth_date");
    assert_eq!(results[3]["status"], 400);
    assert_eq!(results[3]["problem"]["code"], "unknown_field");
    assert_eq!(results[4]["result"]["outcome"], "created");
    assert_eq!(
        v["summary"],
        json!({"linked": 1, "created": 2, "review": 0, "failed": 2})
    );
    // the failed items wrote nothing
    let (status, _) = app.get("/v1/records/HOSP_A/A-2").await;
    assert_eq!(status, 404);

    // the same batch again changes nothing and answers the same
    let events = app.events().await.len();
    let (_, again) = app.post("/v1/records:batch", &batch).await;
    assert_eq!(again, v);
    assert_eq!(app.events().await.len(), events);

    // and the batch's records are candidates for the next single request
    let (_, m) = app
        .post(
            "/v1/match",
            &json!({"record": {"given_name": "Tomasz", "family_name": "Zielinski", "birth_date": "1955-11-30"}}),
        )
        .await;
    assert_eq!(
        m["matches"][0]["person_id"], results[4]["result"]["person_id"],
        "{m}"
    );
});

// a load's runs of new records are written hundreds of rows per statement: 1,250 new
// records (1,000 people, 250 of them sent again by a second source) fill several full
// statements and a partial one of every kind
both!(large_batch_is_written_whole, |app: TestApp| async move {
    // 1,000 clearly different people: every field scrambled, so no two look alike
    let born = |i: usize| {
        let k = i * 211 % 1000;
        format!(
            "{}-{:02}-{:02}",
            1930 + k / 336,
            1 + (k / 28) % 12,
            1 + k % 28
        )
    };
    let letters = |mut i: usize, n: usize| {
        let mut s = String::new();
        for _ in 0..n {
            s.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        s
    };
    let one = |source: &str, i: usize| {
        json!({
            "source": source, "source_id": format!("{source}-{i}"),
            "given_name": letters(i * 7919 % 17576 + 17576, 4),
            "family_name": letters(i * 104_729 % 456_976 + 456_976, 5),
            "birth_date": born(i),
            "ssn": format!("{:03}-{:02}-{:04}", 100 + i * 37 % 600, 10 + i * 13 % 80, 1000 + i * 7919 % 9000),
        })
    };
    let mut batch: Vec<Value> = (0..1000).map(|i| one("HOSP_A", i)).collect();
    batch.extend((0..1000).step_by(4).map(|i| one("HOSP_B", i)));
    let (status, v) = app.post("/v1/records:batch", &json!(batch)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["summary"],
        json!({"linked": 250, "created": 1000, "review": 0, "failed": 0})
    );
    for i in [0, 396, 400, 796, 996] {
        let (status, a) = app.get(&format!("/v1/records/HOSP_A/HOSP_A-{i}")).await;
        assert_eq!(status, 200, "{a}");
        let (_, b) = app.get(&format!("/v1/records/HOSP_B/HOSP_B-{i}")).await;
        assert_eq!(a["person_id"], b["person_id"], "{a} {b}");
        assert_eq!(a["record"]["birth_date"], born(i));
    }
    let events = app.all_events().await;
    assert_eq!(events.len(), 1000 + 1250);
    let created = events
        .iter()
        .filter(|e| e["kind"] == "person.created")
        .count();
    assert_eq!(created, 1000);
});

both!(ndjson_batch, |app: TestApp| async move {
    let lines = [
        person("LAB", "L-1", "Ann", "Lee", "1990-01-01", "219-55-2222"),
        person("LAB", "L-2", "Zofia", "Kowalczyk", "1971-07-07", ""),
    ]
    .iter()
    .map(|v| v.to_string())
    .collect::<Vec<_>>()
    .join("\n\n");
    let (status, v) = app
        .post_typed("/v1/records:batch", "application/x-ndjson", lines + "\n")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["created"], 2);
    let (status, r) = app.get("/v1/records/LAB/L-2").await;
    assert_eq!(status, 200);
    assert_eq!(r["record"]["family_name"], "Kowalczyk");
    assert_eq!(r["version"], 1);
});

both!(bad_bodies_are_refused_whole, |app: TestApp| async move {
    let good = person("LAB", "L-1", "Ann", "Lee", "1990-01-01", "");
    // a broken NDJSON line: nothing of the batch is written
    let body = format!("{good}\n{{\"source\": \"LAB\",\n");
    let (status, v) = app
        .post_typed("/v1/records:batch", "application/x-ndjson", body)
        .await;
    assert_eq!(status, 400);
    assert_eq!(v["code"], "malformed_json");
    assert_eq!(v["field"], "line 2");
    let (status, _) = app.get("/v1/records/LAB/L-1").await;
    assert_eq!(status, 404);

    // not an array
    let (status, v) = app.post("/v1/records:batch", &good).await;
    assert_eq!(status, 400);
    assert_eq!(v["code"], "invalid_body");

    // too many records
    let many: Vec<Value> = (0..5001)
        .map(|i| json!({"source": "S", "source_id": i.to_string()}))
        .collect();
    let (status, v) = app.post("/v1/records:batch", &json!(many)).await;
    assert_eq!(status, 400);
    assert_eq!(v["code"], "too_many_records");
    assert_eq!(v["field"], "records");

    // too large
    let huge = format!("[{}]", vec![good.to_string(); 80_000].join(","));
    let (status, v) = app
        .post_typed("/v1/records:batch", "application/json", huge)
        .await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(v["code"], "payload_too_large");
    assert!(app.events().await.is_empty());
});
