//! The identity store on real SQLite and real PostgreSQL: migrations, record versions,
//! links with history, person tombstones, the event sequence and transactions.

mod common;

use common::db;
use mpi::store::records::Stored;
use mpi::store::{Backend, Store, events, links, now_ms, persons, records};

async fn store(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert_eq!(
        store.migrate().await.unwrap(),
        migrations,
        "the first start applies the schema"
    );
    assert_eq!(
        store.migrate().await.unwrap(),
        0,
        "a second start applies nothing"
    );
    store
}

async fn records_versions_links_and_events(url: &str, backend: Backend) {
    let store = store(url).await;
    assert_eq!(store.backend, backend);
    let now = now_ms();

    // a first registration: record, person, link and events in one transaction
    let mut tx = store.begin().await.unwrap();
    let (rid, version, stored) = records::put_version(
        &mut tx,
        "HOSP_A",
        "MRN1",
        r#"{"given_name":"ANA"}"#,
        "h1",
        "rest",
        now,
    )
    .await
    .unwrap();
    assert_eq!((version, stored), (1, Stored::Created));
    let person = persons::create(&mut tx, now).await.unwrap();
    let link = links::NewLink {
        record_id: rid,
        person_id: &person,
        how: links::How::Auto,
        weight: Some(12.5),
        probability: Some(0.999),
        model_version: Some("test"),
        explanation: Some("{}"),
        actor: "mpi",
        reason: None,
    };
    links::link(&mut tx, &link, now).await.unwrap();
    let s1 = events::append(
        &mut tx,
        backend,
        "person.created",
        Some(&person),
        None,
        "{}",
        now,
    )
    .await
    .unwrap();
    let s2 = events::append(
        &mut tx,
        backend,
        "record.linked",
        Some(&person),
        Some(rid),
        "{}",
        now,
    )
    .await
    .unwrap();
    assert!(s2 > s1);
    tx.commit().await.unwrap();

    // the same content again changes nothing; new content is a new version
    let mut tx = store.begin().await.unwrap();
    let same = records::put_version(
        &mut tx,
        "HOSP_A",
        "MRN1",
        r#"{"given_name":"ANA"}"#,
        "h1",
        "rest",
        now,
    )
    .await
    .unwrap();
    assert_eq!(same, (rid, 1, Stored::Unchanged));
    let changed = records::put_version(
        &mut tx,
        "HOSP_A",
        "MRN1",
        r#"{"given_name":"ANNA"}"#,
        "h2",
        "hl7",
        now + 1,
    )
    .await
    .unwrap();
    assert_eq!(changed, (rid, 2, Stored::Updated));
    let versions = records::versions(&mut tx, rid).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (versions[1].1.as_str(), versions[1].2.as_str()),
        ("h2", "hl7")
    );
    let current = records::get(&mut tx, "HOSP_A", "MRN1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.data, r#"{"given_name":"ANNA"}"#);

    // a manual relink supersedes the automatic link; history keeps both
    let other = persons::create(&mut tx, now).await.unwrap();
    let manual = links::NewLink {
        person_id: &other,
        how: links::How::Manual,
        actor: "steward:kim",
        reason: Some("verified"),
        ..link.clone()
    };
    links::link(&mut tx, &manual, now + 2).await.unwrap();
    let history = links::history(&mut tx, rid).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].person_id, person);
    assert_eq!(history[0].superseded_at, Some(now + 2));
    assert_eq!(history[1].how, "manual");
    assert_eq!(
        links::current(&mut tx, rid)
            .await
            .unwrap()
            .unwrap()
            .person_id,
        other
    );
    assert!(
        links::records_of(&mut tx, &person)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(links::records_of(&mut tx, &other).await.unwrap(), [rid]);

    // a merge leaves a tombstone; a merged person cannot be merged again
    persons::mark_merged(&mut tx, &person, &other, now + 3)
        .await
        .unwrap();
    let tomb = persons::get(&mut tx, &person).await.unwrap().unwrap();
    assert_eq!(
        (tomb.status.as_str(), tomb.merged_into.as_deref()),
        ("merged", Some(other.as_str()))
    );
    assert!(
        persons::mark_merged(&mut tx, &person, &other, now + 4)
            .await
            .is_err()
    );
    tx.commit().await.unwrap();

    // events come back in order, from any point
    let mut tx = store.begin().await.unwrap();
    let all = events::after(&mut tx, 0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["person.created", "record.linked"]
    );
    assert_eq!(all[1].record_id, Some(rid));
    assert_eq!(events::after(&mut tx, s1, 100).await.unwrap().len(), 1);
    assert_eq!(events::after(&mut tx, 0, 1).await.unwrap().len(), 1);
    tx.commit().await.unwrap();
}

async fn an_abandoned_transaction_writes_nothing(url: &str, backend: Backend) {
    let store = store(url).await;
    let now = now_ms();
    {
        let mut tx = store.begin().await.unwrap();
        records::put_version(&mut tx, "HOSP_B", "X9", "{}", "h", "rest", now)
            .await
            .unwrap();
        let p = persons::create(&mut tx, now).await.unwrap();
        events::append(
            &mut tx,
            backend,
            "person.created",
            Some(&p),
            None,
            "{}",
            now,
        )
        .await
        .unwrap();
        // dropped without commit: as if the request failed half-way
    }
    let mut tx = store.begin().await.unwrap();
    assert!(
        records::get(&mut tx, "HOSP_B", "X9")
            .await
            .unwrap()
            .is_none()
    );
    assert!(events::after(&mut tx, 0, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_records_versions_links_and_events() {
    let db = db::sqlite();
    records_versions_links_and_events(&db.url, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_records_versions_links_and_events() {
    let db = db::postgres().await;
    records_versions_links_and_events(&db.url, Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_an_abandoned_transaction_writes_nothing() {
    let db = db::sqlite();
    an_abandoned_transaction_writes_nothing(&db.url, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_an_abandoned_transaction_writes_nothing() {
    let db = db::postgres().await;
    an_abandoned_transaction_writes_nothing(&db.url, Backend::Postgres).await;
}

/// SQLite's own checkpoint is a safety net at 10,000 log pages; `checkpoint` copies the
/// log back into the database file (all of it when no reader needs it) and counts it.
#[tokio::test]
async fn sqlite_checkpoints_copy_the_log_back() {
    let db = db::sqlite();
    let store = store(&db.url).await;
    let limit: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(limit, mpi::store::checkpoint::AUTOCHECKPOINT_PAGES);
    let mut tx = store.begin().await.unwrap();
    records::put_version(&mut tx, "HOSP_A", "MRN1", "{}", "h1", "test", now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let done = store
        .checkpoint()
        .await
        .unwrap()
        .expect("SQLite checkpoints");
    assert!(done.log_pages > 0, "{done:?}");
    assert_eq!(
        done.checkpointed, done.log_pages,
        "nothing else reads: all of it"
    );
    assert_eq!(
        store.checkpoints.counts(),
        (1, u64::try_from(done.checkpointed).unwrap())
    );
}

#[tokio::test]
async fn postgres_has_no_checkpoints_to_run() {
    let db = db::postgres().await;
    let store = store(&db.url).await;
    assert_eq!(store.checkpoint().await.unwrap(), None);
    assert_eq!(store.checkpoints.counts(), (0, 0));
}

#[tokio::test]
async fn an_unknown_database_scheme_is_a_clear_error() {
    let err = Store::connect("mysql://localhost/x").await.unwrap_err();
    assert!(err.to_string().contains("sqlite: or postgres://"), "{err}");
}

/// A write transaction (`begin_write`) that reads and then writes is not failed by another connection's commit
/// in between (on SQLite a deferred transaction was: `database is locked`, code 517, at
/// its first write; the audit writer commits on every request).
#[tokio::test]
async fn sqlite_a_transaction_that_reads_then_writes_survives_a_concurrent_commit() {
    let db = db::sqlite();
    let store = store(&db.url).await;
    let mut tx = store.begin_write().await.unwrap();
    assert!(
        records::get(&mut tx, "HOSP_C", "R1")
            .await
            .unwrap()
            .is_none()
    );
    let pool = store.pool.clone();
    let concurrent = tokio::spawn(async move {
        sqlx::query(
            "INSERT INTO api_keys (id, name, roles, secret_hash, created_at, created_by) \
             VALUES ('k1', 'other', 'admin', 'h', 0, 'test')",
        )
        .execute(&pool)
        .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    records::put_version(&mut tx, "HOSP_C", "R1", "{}", "h", "rest", now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    concurrent.await.unwrap().unwrap();
}
