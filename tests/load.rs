//! The initial load (`Service::initial_load`, `mpi load`): records blocked and scored in
//! memory, decided in file order. It links as well as the batch path does, leaves a
//! service that answers for what it loaded (persons, matches, events, idempotent
//! resends, new registrations), and refuses a database that holds records, an invalid
//! record or a repeated key with nothing written. On SQLite and PostgreSQL.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::app::{Backend, TestApp, spawn_app};
use common::*;
use mpi::domain::RawRecord;
use mpi::identity::{LoadError, LoadSummary};
use mpi::store::journal::Journal;
use mpi::synth::{SynthConfig, generate};
use serde_json::{Value, json};

/// Synthetic records with the person each describes.
fn population() -> Vec<(RawRecord, u64)> {
    generate(&SynthConfig::new(700, 23))
        .take(1_000)
        .map(|(r, t)| (r, t.entity_id))
        .collect()
}

/// Each record's person, as `GET /v1/records/…` answers.
async fn persons(app: &TestApp, records: &[(RawRecord, u64)]) -> Vec<String> {
    let mut out = Vec::new();
    for (r, _) in records {
        let (status, v) = app
            .get(&format!("/v1/records/{}/{}", r.source, r.source_id))
            .await;
        assert_eq!(status, 200, "{v}");
        out.push(v["person_id"].as_str().unwrap().to_string());
    }
    out
}

/// Pairwise F1 of `assigned` persons against the true ones.
fn pairwise_f1(records: &[(RawRecord, u64)], assigned: &[String]) -> f64 {
    let (mut predicted, mut truth, mut both) = (0usize, 0usize, 0usize);
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            let same_person = assigned[i] == assigned[j];
            let same_truth = records[i].1 == records[j].1;
            predicted += same_person as usize;
            truth += same_truth as usize;
            both += (same_person && same_truth) as usize;
        }
    }
    let (p, r) = (both as f64 / predicted as f64, both as f64 / truth as f64);
    2.0 * p * r / (p + r)
}

/// Persons as sets of records (ids differ between servers).
fn partition(assigned: &[String]) -> BTreeSet<BTreeSet<usize>> {
    let mut by: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (i, p) in assigned.iter().enumerate() {
        by.entry(p).or_default().insert(i);
    }
    by.into_values().collect()
}

/// A new server on a fresh database, loaded with `records`.
async fn app_loaded_with(backend: Backend, records: &[(RawRecord, u64)]) -> (TestApp, LoadSummary) {
    let app = spawn_app(backend).await;
    let summary = app
        .service
        .initial_load(
            records.iter().map(|(r, _)| r.clone()).collect(),
            "test",
            "tester",
        )
        .await
        .unwrap();
    (app, summary)
}

async fn links_as_well_as_the_batch_path(backend: Backend) {
    let records = population();
    let (loaded, summary) = app_loaded_with(backend, &records).await;
    assert_eq!(summary.records, records.len());
    assert_eq!(summary.persons + summary.linked, records.len());
    let batched = spawn_app(backend).await;
    let body: Vec<&RawRecord> = records.iter().map(|(r, _)| r).collect();
    let (status, v) = batched
        .post("/v1/records:batch", &serde_json::to_value(&body).unwrap())
        .await;
    assert_eq!(status, 200, "{v}");
    let (by_load, by_batch) = (
        persons(&loaded, &records).await,
        persons(&batched, &records).await,
    );
    let persons_made = by_load.iter().collect::<BTreeSet<_>>().len();
    assert_eq!(persons_made, summary.persons);
    let (f1_load, f1_batch) = (
        pairwise_f1(&records, &by_load),
        pairwise_f1(&records, &by_batch),
    );
    assert!(f1_batch > 0.9, "batch F1 {f1_batch}");
    assert!(
        f1_load >= f1_batch - 0.01,
        "load F1 {f1_load} against batch F1 {f1_batch}"
    );
    // the same persons for nearly every record: the decisions are the batch path's
    let (a, b) = (partition(&by_load), partition(&by_batch));
    let same: usize = a.intersection(&b).map(BTreeSet::len).sum();
    assert!(
        same as f64 >= 0.98 * records.len() as f64,
        "{same} of {} records in identical persons",
        records.len()
    );
}

#[tokio::test]
async fn load_links_as_well_as_the_batch_path_sqlite() {
    links_as_well_as_the_batch_path(Backend::Sqlite).await;
}

#[tokio::test]
async fn load_links_as_well_as_the_batch_path_postgres() {
    links_as_well_as_the_batch_path(Backend::Postgres).await;
}

async fn serves_what_it_loaded(backend: Backend) {
    let records = population();
    let (app, summary) = app_loaded_with(backend, &records).await;
    assert!(summary.linked > 100, "{summary:?}");
    if let Backend::Postgres = backend {
        assert_eq!(summary.journal, Journal::Postgres);
    }
    assert_eq!(app.service.index.committed_docs(), records.len() as u64);
    // a record that was linked: its person holds it and the records it joined
    let assigned = persons(&app, &records).await;
    let i = (1..records.len())
        .find(|&i| assigned[..i].contains(&assigned[i]))
        .expect("a linked record");
    let (status, person) = app.get(&format!("/v1/persons/{}", assigned[i])).await;
    assert_eq!(status, 200, "{person}");
    let held = person["records"].as_array().unwrap().len();
    assert_eq!(held, assigned.iter().filter(|p| **p == assigned[i]).count());
    // a match query finds it: the index was committed
    let (status, found) = app
        .post("/v1/match", &json!({"record": records[i].0}))
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["matches"][0]["person_id"],
        assigned[i].as_str(),
        "{found}"
    );
    // an identical resend changes nothing and answers as the load decided
    let before = app.all_events().await.len();
    let (status, again) = app
        .post("/v1/records", &serde_json::to_value(&records[i].0).unwrap())
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["person_id"], assigned[i].as_str());
    assert_eq!(again["outcome"], "linked");
    assert_eq!(app.all_events().await.len(), before);
    // the events tell the load in order: one record.linked per record
    let events = app.all_events().await;
    let linked = events
        .iter()
        .filter(|e| e["kind"] == "record.linked")
        .count();
    let created = events
        .iter()
        .filter(|e| e["kind"] == "person.created")
        .count();
    assert_eq!((linked, created), (records.len(), summary.persons));
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    // a new registration from another source joins a loaded person
    let mut other = records[i].0.clone();
    other.source = "NEW_CLINIC".into();
    other.source_id = "N-1".into();
    let (status, new) = app
        .post("/v1/records", &serde_json::to_value(&other).unwrap())
        .await;
    assert_eq!(status, 200, "{new}");
    assert_eq!(new["person_id"], assigned[i].as_str(), "{new}");
    // the review tasks' ids were taken without the database's counter, which is moved
    // past them: the next task opened gets a new id
    assert!(summary.review_tasks > 0, "{summary:?}");
    let largest: i64 = sqlx::query_scalar("SELECT MAX(id) FROM review_tasks")
        .fetch_one(&app.service.store.pool)
        .await
        .unwrap();
    let counter: i64 = sqlx::query_scalar(match backend {
        Backend::Sqlite => "SELECT seq FROM sqlite_sequence WHERE name = 'review_tasks'",
        Backend::Postgres => "SELECT last_value FROM review_tasks_id_seq",
    })
    .fetch_one(&app.service.store.pool)
    .await
    .unwrap();
    assert_eq!(counter, largest);
    // the load is audited, with counts and no patient data
    let entry: (String, String, Option<String>) =
        sqlx::query_as("SELECT actor, action, reason FROM audit_log WHERE action = 'records.load'")
            .fetch_one(&app.service.store.pool)
            .await
            .unwrap();
    assert_eq!(entry.0, "tester");
    let counts = format!("{} records, {} persons", records.len(), summary.persons);
    assert_eq!(entry.2.as_deref(), Some(counts.as_str()));
}

#[tokio::test]
async fn a_loaded_service_answers_for_its_records_sqlite() {
    serves_what_it_loaded(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_loaded_service_answers_for_its_records_postgres() {
    serves_what_it_loaded(Backend::Postgres).await;
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.service.store.pool)
        .await
        .unwrap()
}

async fn refuses_with_nothing_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut records: Vec<RawRecord> = population().into_iter().map(|(r, _)| r).take(50).collect();
    // an impossible birth date in the fourth record
    records[3].birth_date = "1980-02-30".into();
    let refused = app
        .service
        .initial_load(records.clone(), "test", "tester")
        .await
        .unwrap_err();
    match &refused {
        LoadError::Invalid(rejected) => {
            assert_eq!(rejected.len(), 1);
            assert_eq!(
                (rejected[0].item, rejected[0].field.as_str()),
                (3, "birth_date")
            );
        }
        other => panic!("{other}"),
    }
    assert!(
        refused.to_string().contains("record 4: birth_date"),
        "{refused}"
    );
    // a repeated source and id
    records[3] = records[1].clone();
    let refused = app
        .service
        .initial_load(records.clone(), "test", "tester")
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("record 4: source_id: repeats record 2"),
        "{refused}"
    );
    for table in ["source_records", "persons", "links", "identity_events"] {
        assert_eq!(count(&app, table).await, 0, "{table}");
    }
    // a database that holds a record
    let robert = common::people::robert("HOSP_A", "1");
    let person = common::people::register(&app, &robert).await;
    records[3].source_id.push_str("-x");
    let refused = app
        .service
        .initial_load(records, "test", "tester")
        .await
        .unwrap_err();
    assert!(matches!(refused, LoadError::NotEmpty(1)), "{refused}");
    assert_eq!(count(&app, "source_records").await, 1);
    // the refusals left the index as it was: the record is found
    let (status, found) = app.post("/v1/match", &json!({"record": robert})).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["matches"][0]["person_id"], person.as_str(), "{found}");
}

#[tokio::test]
async fn a_refused_load_writes_nothing_sqlite() {
    refuses_with_nothing_written(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_refused_load_writes_nothing_postgres() {
    refuses_with_nothing_written(Backend::Postgres).await;
}

/// `mpi load FILE`: NDJSON in, a state the service opens; a second load is refused, and
/// so is a file with a line that is not a record.
#[tokio::test]
async fn the_load_command_fills_an_empty_data_dir_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state");
    let file = dir.path().join("records.ndjson");
    let records: Vec<RawRecord> = population().into_iter().map(|(r, _)| r).take(300).collect();
    let lines: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let bad = dir.path().join("bad.ndjson");
    std::fs::write(
        &bad,
        format!("{}\n{{\"source\": \"A\", \"shoe_size\": 9}}\n", lines[0]),
    )
    .unwrap();
    let o = mpi(&["load", s(&bad), "--data-dir", s(&data)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 2: not a record"),
        "{}",
        stderr(&o)
    );

    let o = mpi(&["load", s(&file), "--data-dir", s(&data), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["records"], 300);
    assert!(stderr(&o).contains("loaded 300 records"), "{}", stderr(&o));
    // the command is the database's only user: written once, through a rollback journal,
    // and the file is left in WAL mode for the service
    assert_eq!(summary["journal"], "rollback", "{summary}");
    assert_eq!(header_journal(&data.join("mpi.db")), WAL);

    // the load committed the index, marked with the database's last event: the service
    // opens it as current, without a rebuild
    {
        let index = mpi::index::CandidateIndex::open(
            Some(data.join("index").as_path()),
            mpi::index::Caps::default(),
        )
        .unwrap();
        assert_eq!(index.committed_docs(), 300);
        assert!(index.mark().is_some_and(|m| m > 300), "{:?}", index.mark());
    }
    let o = mpi(&["load", s(&file), "--data-dir", s(&data)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("already holds 300 source records"),
        "{}",
        stderr(&o)
    );

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
    assert_eq!(service.index.committed_docs(), 300);
    let r = &records[0];
    let view = service.record(&r.source, &r.source_id).await.unwrap();
    let matches = service.match_record(r, 5, false).await.unwrap();
    assert!(
        matches
            .iter()
            .any(|m| Some(&m.person_id) == view.person_id.as_ref()),
        "the loaded record's person is found"
    );
}

/// `mpi load FILE.csv`: the canonical CSV that `mpi synth` writes and `mpi dedup` reads;
/// a malformed row refuses the file, naming its line.
#[test]
fn the_load_command_reads_canonical_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("records.csv");
    let o = mpi(&["synth", "--people", "150", "--seed", "5", "--out", s(&csv)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    let bad = dir.path().join("bad.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("R9,HOSP_A,1,too,few\n");
    std::fs::write(&bad, text).unwrap();
    let data = dir.path().join("state");
    let o = mpi(&["load", s(&bad), "--data-dir", s(&data)]);
    assert!(!o.status.success());
    let line = format!("line {}", rows + 2);
    assert!(stderr(&o).contains(&line), "{}", stderr(&o));

    let o = mpi(&["load", s(&csv), "--data-dir", s(&data), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["records"], rows);
    assert!(summary["linked"].as_u64().unwrap() > 0, "{summary}");
}

/// SQLite's journal as a database file's header records it (bytes 18 and 19).
fn header_journal(db: &std::path::Path) -> [u8; 2] {
    use std::io::Read;
    let mut header = [0u8; 20];
    std::fs::File::open(db)
        .unwrap()
        .read_exact(&mut header)
        .unwrap();
    [header[18], header[19]]
}

/// `header_journal` of a file in WAL mode (a rollback journal's is `[1, 1]`).
const WAL: [u8; 2] = [2, 2];

fn sqlite_file(app: &TestApp) -> std::path::PathBuf {
    let url = &app.db.url;
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap();
    std::path::PathBuf::from(path)
}

/// SQLite leaves WAL mode only for a database's only connection: a load beside another
/// connection writes through the WAL; one on a store of one connection writes through a
/// rollback journal. Both load everything and leave the file in WAL mode.
#[tokio::test]
async fn a_load_writes_once_through_a_rollback_journal_only_when_alone() {
    let records = population();
    let raw = || records.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>();

    let app = spawn_app(Backend::Sqlite).await;
    let other = app.service.store.pool.acquire().await.unwrap();
    let summary = app
        .service
        .initial_load(raw(), "test", "tester")
        .await
        .unwrap();
    drop(other);
    assert_eq!(summary.journal, Journal::Wal);
    assert_eq!(count(&app, "source_records").await, records.len() as i64);
    assert_eq!(header_journal(&sqlite_file(&app)), WAL);

    let dir = tempfile::tempdir().unwrap();
    let store = mpi::store::Store::connect_single(&mpi::store::Store::sqlite_url(dir.path()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let service = mpi::identity::Service::open(
        store,
        Some(dir.path().join("index").as_path()),
        mpi::matching::Model::default_model(),
    )
    .await
    .unwrap();
    let alone = service.initial_load(raw(), "test", "tester").await.unwrap();
    assert_eq!(alone.journal, Journal::Rollback);
    assert_eq!(header_journal(&dir.path().join("mpi.db")), WAL);
    assert!(
        !dir.path().join("mpi.db-journal").exists(),
        "the rollback journal is gone"
    );
    // the same decisions either way
    assert_eq!(
        (
            alone.records,
            alone.persons,
            alone.linked,
            alone.review_tasks
        ),
        (
            summary.records,
            summary.persons,
            summary.linked,
            summary.review_tasks
        )
    );
    // the one connection is the service's again: a registration after the load
    let mut next = records[0].0.clone();
    next.source = "LATER".into();
    let registered = service.register(next, "test").await.unwrap();
    let first = service
        .record(&records[0].0.source, &records[0].0.source_id)
        .await
        .unwrap();
    assert_eq!(Some(registered.person_id), first.person_id);
}

/// A load killed while it writes through its rollback journal leaves the database as it
/// was: the next connection rolls the journal back, and the load can run again.
#[test]
fn a_killed_load_leaves_an_empty_database_that_loads_again() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("records.csv");
    let o = mpi(&[
        "synth",
        "--people",
        "20000",
        "--seed",
        "9",
        "--out",
        s(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    let data = dir.path().join("state");
    let mut load = std::process::Command::new(env!("CARGO_BIN_EXE_mpi"))
        .args(["load", s(&csv), "--data-dir", s(&data)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let journal = data.join("mpi.db-journal");
    let waited = std::time::Instant::now();
    while !journal.exists() {
        assert!(
            load.try_wait().unwrap().is_none(),
            "the load ended before its journal was seen"
        );
        assert!(waited.elapsed().as_secs() < 120, "no journal");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        load.try_wait().unwrap().is_none(),
        "the load ended before it could be killed"
    );
    load.kill().unwrap();
    load.wait().unwrap();

    let o = mpi(&["load", s(&csv), "--data-dir", s(&data), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["records"], rows);
    assert_eq!(summary["journal"], "rollback", "{summary}");
    assert_eq!(header_journal(&data.join("mpi.db")), WAL);
}
