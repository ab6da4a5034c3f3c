//! The audit log on SQLite and PostgreSQL: concurrent group-committed appends get unique,
//! consecutive seqs; `mpi audit verify` passes an intact log and names the first entry
//! of an altered, removed, reordered or truncated one; queries filter by person, actor,
//! action and time. Entries waiting for the write turn on SQLite are committed with the
//! registration that holds it, and an audit failure there leaves the registration
//! committed.

mod common;

use common::db::{self, TestDb};
use common::{mpi, stderr};
use mpi::audit::{AuditLog, Entry, Filter, Outcome};
use mpi::store::Store;

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn entry(i: i64) -> Entry {
    Entry::new(&format!("user{i}"), "clerk", "person.read", Outcome::Ok)
        .request(&format!("req-{i}"), 200)
        .subject(format!("person:P{i}"))
}

/// A log of `n` entries appended one transaction at a time.
async fn filled(db: &TestDb, n: i64) -> Store {
    let store = open(db).await;
    for i in 1..=n {
        let seqs = mpi::audit::append(&store, &[entry(i)]).await.unwrap();
        assert_eq!(seqs, vec![i]);
    }
    store
}

/// The log holds exactly the entries `got` names (entry `user{i}`, answered seq), each
/// waiter was answered with the seq its own entry got, and the chain is intact.
/// Answers the entries, in seq order.
async fn answered_in_an_intact_chain(
    store: &Store,
    got: &[(i64, i64)],
) -> Vec<mpi::audit::StoredEntry> {
    let all = mpi::audit::query(
        store,
        &Filter {
            limit: 1000,
            ..Filter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.len(), got.len());
    for (i, seq) in got {
        assert_eq!(all[(seq - 1) as usize].entry.actor, format!("user{i}"));
    }
    let report = mpi::audit::verify(store).await.unwrap();
    assert_eq!((report.entries, report.broken), (got.len() as i64, None));
    all
}

/// Runs `mpi audit verify` on the database; answers (success, stderr).
fn verify_cli(db: &TestDb) -> (bool, String) {
    let o = mpi(&["audit", "verify", "--database-url", &db.url]);
    (o.status.success(), stderr(&o))
}

async fn exec(store: &Store, sql: &str) {
    sqlx::query(sql).execute(&store.pool).await.unwrap();
}

async fn concurrent_records_share_commits_and_chain(db: TestDb) {
    let store = open(&db).await;
    // two writers on separate pools, as the server and a command would be
    let log_a = AuditLog::start(store.clone());
    let log_b = AuditLog::start(open(&db).await);
    let mut tasks = Vec::new();
    for i in 1..=300 {
        let log = if i % 3 == 0 {
            log_b.clone()
        } else {
            log_a.clone()
        };
        tasks.push(tokio::spawn(async move {
            (i, log.record(entry(i)).await.unwrap())
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    log_a.flush().await.unwrap();
    let mut seqs: Vec<i64> = got.iter().map(|(_, seq)| *seq).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=300).collect::<Vec<_>>(),
        "unique and consecutive"
    );
    let all = answered_in_an_intact_chain(&store, &got).await;
    let (ok, err) = verify_cli(&db);
    assert!(ok, "{err}");
    assert!(
        err.contains(&format!(
            "audit chain intact: 300 entries, last hash {}",
            all[299].hash
        )),
        "{err}"
    );
}

async fn a_failed_commit_answers_every_waiter_with_the_error(db: TestDb) {
    let store = filled(&db, 3).await;
    let log = AuditLog::start(store.clone());
    // no head to chain onto: every append fails
    exec(&store, "DELETE FROM audit_head").await;
    let tasks: Vec<_> = (1..=20)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { log.record(entry(i)).await })
        })
        .collect();
    for t in tasks {
        let error = t.await.unwrap().unwrap_err();
        assert!(error.to_string().contains("audit head"), "{error}");
    }
    // nothing of the failed groups was written, and the writer still runs
    let report = mpi::audit::verify(&store).await;
    assert!(report.is_err(), "no head: verify cannot vouch for the log");
    exec(
        &store,
        "INSERT INTO audit_head (id, seq, hash) SELECT 1, seq, hash FROM audit_log WHERE seq = 3",
    )
    .await;
    assert_eq!(log.record(entry(4)).await.unwrap(), 4);
    let report = mpi::audit::verify(&store).await.unwrap();
    assert_eq!((report.entries, report.broken), (4, None));
}

fn patient(source_id: &str) -> mpi::domain::RawRecord {
    serde_json::from_value(serde_json::json!({
        "source": "HOSP_A", "source_id": source_id,
        "given_name": "Robert", "family_name": "Johnson", "sex": "M",
        "birth_date": "1975-04-12", "postal_code": "02118"
    }))
    .unwrap()
}

/// A service whose audit writer shares its waiting entries with registrations, and a
/// registration and 20 audit entries started while the test holds the write turn: the
/// registration queues for the turn first, the audit writer after it. Answers the
/// registration's result and each entry's (number, result) once the turn is given up.
async fn registration_and_entries_in_turn(
    store: &Store,
) -> (
    std::sync::Arc<mpi::identity::Service>,
    Result<mpi::identity::outcome::Registered, mpi::identity::ServiceError>,
    Vec<(i64, Result<i64, mpi::audit::AuditError>)>,
) {
    use std::time::Duration;
    let service = std::sync::Arc::new(
        mpi::identity::Service::open(store.clone(), None, mpi::matching::Model::default_model())
            .await
            .unwrap(),
    );
    let log = AuditLog::sharing(store.clone(), service.audit_pending());
    let turn = store.write_gate.clone().lock_owned().await;
    let registering = {
        let service = service.clone();
        tokio::spawn(async move { service.register(patient("A-1"), "test").await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let recording: Vec<_> = (1..=20)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { (i, log.record(entry(i)).await) })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(turn);
    let within = Duration::from_secs(30);
    let registered = tokio::time::timeout(within, registering)
        .await
        .expect("the registration is answered")
        .unwrap();
    let mut recorded = Vec::new();
    for t in recording {
        let got = tokio::time::timeout(within, t)
            .await
            .expect("every entry is answered")
            .unwrap();
        recorded.push(got);
    }
    (service, registered, recorded)
}

async fn entries_waiting_for_the_write_turn_commit_with_a_registration(db: TestDb) {
    let store = open(&db).await;
    let (service, registered, recorded) = registration_and_entries_in_turn(&store).await;
    assert_eq!(
        registered.unwrap().outcome,
        mpi::identity::outcome::Outcome::Created
    );
    let mut seqs: Vec<i64> = recorded.iter().map(|(_, r)| *r.as_ref().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>(), "unique and consecutive");
    let got: Vec<(i64, i64)> = recorded
        .iter()
        .map(|(i, r)| (*i, *r.as_ref().unwrap()))
        .collect();
    answered_in_an_intact_chain(&store, &got).await;
    let (by_registrations, by_writer) = service.audit_pending().committed();
    assert_eq!(by_registrations + by_writer, 20);
    match store.backend {
        // the registration held the turn the audit writer waited for, and took its entries
        mpi::store::Backend::Sqlite => assert!(by_registrations > 0, "none went with it"),
        // no write turn to wait for: the writer commits its own
        mpi::store::Backend::Postgres => assert_eq!(by_registrations, 0),
    }
}

async fn an_audit_failure_leaves_the_registration_it_went_with_committed(db: TestDb) {
    let store = filled(&db, 3).await;
    // no head to chain onto: every append fails
    exec(&store, "DELETE FROM audit_head").await;
    let (service, registered, recorded) = registration_and_entries_in_turn(&store).await;
    assert_eq!(
        registered.unwrap().outcome,
        mpi::identity::outcome::Outcome::Created
    );
    let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM source_records")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(records, 1, "the registration committed");
    for (_, result) in recorded {
        let error = result.unwrap_err();
        assert!(error.to_string().contains("audit head"), "{error}");
    }
    assert_eq!(service.audit_pending().committed(), (0, 0));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(rows, 3, "nothing of the failed entries was written");
}

/// Tampers with a fresh 40-entry log and expects `verify` to name `expected`.
async fn tampered(db: TestDb, sql: &[&str], expected: &str) {
    let store = filled(&db, 40).await;
    let (ok, err) = verify_cli(&db);
    assert!(ok, "{err}");
    for statement in sql {
        exec(&store, statement).await;
    }
    let (ok, err) = verify_cli(&db);
    assert!(!ok, "tampering went unnoticed: {err}");
    assert!(err.contains(expected), "expected '{expected}' in: {err}");
    // ids and kinds only: no actor (or other content) in the message
    assert!(!err.contains("user"), "{err}");
}

async fn an_edited_row_is_altered(db: TestDb) {
    tampered(
        db,
        &["UPDATE audit_log SET actor = 'mallory' WHERE seq = 17"],
        "audit chain broken at entry 17: altered (",
    )
    .await;
}

async fn a_deleted_row_is_removed(db: TestDb) {
    tampered(
        db,
        &[
            "DELETE FROM audit_subjects WHERE seq = 17",
            "DELETE FROM audit_log WHERE seq = 17",
        ],
        "audit chain broken at entry 17: removed (",
    )
    .await;
}

async fn swapped_rows_are_reordered(db: TestDb) {
    tampered(
        db,
        &[
            "UPDATE audit_log SET seq = -1 WHERE seq = 17",
            "UPDATE audit_log SET seq = 17 WHERE seq = 23",
            "UPDATE audit_log SET seq = 23 WHERE seq = -1",
        ],
        "audit chain broken at entry 17: reordered (",
    )
    .await;
}

async fn a_deleted_last_row_is_truncated(db: TestDb) {
    tampered(
        db,
        &["DELETE FROM audit_log WHERE seq = 40"],
        "audit chain broken at entry 40: truncated (",
    )
    .await;
}

async fn a_head_moved_back_is_truncated(db: TestDb) {
    tampered(
        db,
        &["UPDATE audit_head SET seq = 38, hash = (SELECT hash FROM audit_log WHERE seq = 38)"],
        "audit chain broken at entry 39: truncated (",
    )
    .await;
}

/// A large group (more entries and subjects than one statement takes) is appended whole:
/// chained in order, reasons kept, every subject looked up.
async fn a_large_group_is_appended_whole(db: TestDb) {
    let store = open(&db).await;
    let entries: Vec<Entry> = (1..=1_200)
        .map(|i| {
            let e = entry(i)
                .subject(format!("person:Q{i}"))
                .subject("person:ALL");
            if i % 2 == 0 {
                e.reason(format!("reason {i}"))
            } else {
                e
            }
        })
        .collect();
    let seqs = mpi::audit::append(&store, &entries).await.unwrap();
    assert_eq!(seqs, (1..=1_200).collect::<Vec<i64>>());
    let report = mpi::audit::verify(&store).await.unwrap();
    assert_eq!((report.entries, report.broken), (1_200, None));
    let about = |person: &str| Filter {
        person: Some(person.to_string()),
        limit: 5_000,
        ..Filter::default()
    };
    let all = mpi::audit::query(&store, &about("ALL")).await.unwrap();
    assert_eq!(all.len(), 1_200);
    assert_eq!(all[999].entry.reason.as_deref(), Some("reason 1000"));
    assert_eq!(all[998].entry.reason, None);
    let one = mpi::audit::query(&store, &about("Q777")).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].entry.actor, "user777");
    // and the next append chains onto the group's last entry
    assert_eq!(
        mpi::audit::append(&store, &[entry(1_201)]).await.unwrap(),
        vec![1_201]
    );
    let (ok, err) = verify_cli(&db);
    assert!(ok, "{err}");
}

async fn queries_filter_by_person_actor_action_and_time(db: TestDb) {
    let store = open(&db).await;
    let at = |e: Entry, ms: i64| Entry { at: ms, ..e };
    let entries = vec![
        at(entry(1), 1_000),
        at(
            Entry::new("sam", "steward", "person.merge", Outcome::Ok)
                .subject("person:P1")
                .subject("person:P2")
                .reason("same patient"),
            2_000,
        ),
        at(
            Entry::new("sam", "steward", "person.read", Outcome::Denied).subject("person:P2"),
            3_000,
        ),
        at(
            Entry::new("kim", "admin", "token.create", Outcome::Ok).subject("token:tok_ab12"),
            4_000,
        ),
        // a subject named twice is looked up once
        at(entry(1).subject("person:P1"), 5_000),
    ];
    assert_eq!(
        mpi::audit::append(&store, &entries).await.unwrap(),
        vec![1, 2, 3, 4, 5]
    );
    let seqs = |f: Filter| {
        let store = store.clone();
        async move {
            mpi::audit::query(&store, &f)
                .await
                .unwrap()
                .iter()
                .map(|e| e.seq)
                .collect::<Vec<_>>()
        }
    };
    let person = |p: &str| Filter {
        person: Some(p.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(person("P1")).await, vec![1, 2, 5]);
    assert_eq!(seqs(person("P2")).await, vec![2, 3]);
    assert_eq!(seqs(person("P3")).await, Vec::<i64>::new());
    let actor = Filter {
        actor: Some("sam".into()),
        ..Filter::default()
    };
    assert_eq!(seqs(actor.clone()).await, vec![2, 3]);
    let action = Filter {
        action: Some("person.read".into()),
        ..Filter::default()
    };
    assert_eq!(seqs(action).await, vec![1, 3, 5]);
    let window = Filter {
        from: Some(2_000),
        to: Some(4_000),
        ..Filter::default()
    };
    assert_eq!(seqs(window).await, vec![2, 3]);
    let combined = Filter {
        person: Some("P2".into()),
        actor: Some("sam".into()),
        action: Some("person.read".into()),
        from: Some(3_000),
        ..Filter::default()
    };
    assert_eq!(seqs(combined).await, vec![3]);
    let page = Filter {
        after_seq: Some(1),
        limit: 2,
        ..Filter::default()
    };
    assert_eq!(seqs(page).await, vec![2, 3]);
    // entries come back whole
    let merge = &mpi::audit::query(&store, &actor).await.unwrap()[0];
    assert_eq!(merge.entry, entries[1]);
    assert_eq!(merge.entry.reason.as_deref(), Some("same patient"));
    let json = serde_json::to_value(merge).unwrap();
    assert_eq!(json["outcome"], "ok");
    assert_eq!(json["at_ms"], 2_000);
    assert_eq!(json["subjects"][1], "person:P2");
}

/// One test per backend for each case.
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::db::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::db::postgres().await).await;
                }
            )*
        }
    };
}

on_both!(
    concurrent_records_share_commits_and_chain,
    a_failed_commit_answers_every_waiter_with_the_error,
    an_edited_row_is_altered,
    a_deleted_row_is_removed,
    swapped_rows_are_reordered,
    a_deleted_last_row_is_truncated,
    a_head_moved_back_is_truncated,
    queries_filter_by_person_actor_action_and_time,
    a_large_group_is_appended_whole,
    entries_waiting_for_the_write_turn_commit_with_a_registration,
    an_audit_failure_leaves_the_registration_it_went_with_committed,
);
