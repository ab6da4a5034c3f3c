//! `mpi rescore`: the current model over existing links. Same model: nothing differs.
//! A stricter model: the links it would no longer make are reported, manual ones are
//! kept out of review, and `--open-tasks` opens one task per link, once.

mod common;

use common::*;
use serde_json::{Value, json};

fn robert(source: &str, source_id: &str) -> mpi::domain::RawRecord {
    // no SSN: the link rests on the weights, not on a certain identifier
    serde_json::from_value(json!({
        "source": source, "source_id": source_id,
        "given_name": "Robert", "family_name": "Johnson", "sex": "M",
        "birth_date": "1975-04-12", "phone": "(617) 555-0142", "postal_code": "02118"
    }))
    .unwrap()
}

fn maria(source: &str, source_id: &str) -> mpi::domain::RawRecord {
    serde_json::from_value(json!({
        "source": source, "source_id": source_id,
        "given_name": "Maria", "family_name": "Gonzalez", "sex": "F",
        "birth_date": "1990-11-02", "phone": "(305) 555-0199", "postal_code": "33101"
    }))
    .unwrap()
}

fn rescore(data: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["rescore", "--data-dir", s(data)];
    args.extend_from_slice(extra);
    let o = mpi(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("a JSON report")
}

#[tokio::test]
async fn rescore_reports_links_a_stricter_model_would_not_make_and_opens_tasks_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state");
    {
        let store = mpi::store::Store::connect(&mpi::store::Store::sqlite_url(&data))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let service = mpi::identity::Service::open(
            store,
            Some(data.join("index").as_path()),
            mpi::matching::Model::default_model(),
        )
        .await
        .unwrap();
        let a = service
            .register(robert("HOSP_A", "A-1"), "test")
            .await
            .unwrap();
        let b = service
            .register(robert("LAB_B", "L-1"), "test")
            .await
            .unwrap();
        assert_eq!(a.person_id, b.person_id);
        service
            .register(maria("HOSP_A", "A-9"), "test")
            .await
            .unwrap();
        service
            .register(maria("LAB_B", "L-9"), "test")
            .await
            .unwrap();
        // a steward confirms Maria's lab record by hand
        let act = mpi::identity::Act {
            actor: "sam",
            reason: "checked",
        };
        let maria_person = service
            .record("HOSP_A", "A-9")
            .await
            .unwrap()
            .person_id
            .unwrap();
        service
            .link_record("LAB_B", "L-9", &maria_person, act)
            .await
            .unwrap();
    }

    let same = rescore(&data, &[]);
    assert_eq!(same["checked"], 4, "{same}");
    assert_eq!(same["unchanged"], 4, "{same}");
    assert_eq!(same["findings"], json!([]));

    // a model that links only near-certain pairs
    let mut model: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.json"))
            .unwrap(),
    )
    .unwrap();
    model["thresholds"]["link"] = json!(0.999_999_999_999);
    model["version"] = json!("strict-test");
    let strict = dir.path().join("strict.json");
    std::fs::write(&strict, model.to_string()).unwrap();

    let report = rescore(&data, &["--model", s(&strict)]);
    assert_eq!(report["model_version"], "strict-test");
    assert_eq!(report["checked"], 4, "{report}");
    // each record of a pair no longer links to the other: four findings, two manual-free
    assert_eq!(report["would_not_link"], 4, "{report}");
    assert_eq!(report["manual"], 1, "{report}");
    assert_eq!(report["tasks_opened"], 0, "reporting alone opens nothing");
    let manual = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["source_id"] == "L-9")
        .unwrap()
        .clone();
    assert_eq!(manual["how"], "manual");

    let opened = rescore(&data, &["--model", s(&strict), "--open-tasks"]);
    assert_eq!(opened["tasks_opened"], 3, "{opened}");
    assert!(
        opened["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["task"].is_i64() == (f["how"] == "auto")),
        "{opened}"
    );
    let again = rescore(&data, &["--model", s(&strict), "--open-tasks"]);
    assert_eq!(
        (
            again["tasks_opened"].as_i64(),
            again["already_in_review"].as_i64()
        ),
        (Some(0), Some(3)),
        "{again}"
    );

    // no link moved: the lab's Robert is still with the hospital's
    let store = mpi::store::Store::connect(&mpi::store::Store::sqlite_url(&data))
        .await
        .unwrap();
    let service = mpi::identity::Service::open(
        store,
        Some(data.join("index").as_path()),
        mpi::matching::Model::default_model(),
    )
    .await
    .unwrap();
    let a = service.record("HOSP_A", "A-1").await.unwrap();
    let b = service.record("LAB_B", "L-1").await.unwrap();
    assert_eq!(a.person_id, b.person_id);
    let filter = mpi::store::reviews::Filter {
        reason: Some("rescore".into()),
        ..Default::default()
    };
    let page = service.review_tasks(&filter, 0, 10).await.unwrap();
    assert_eq!(page.total, 3);
}
