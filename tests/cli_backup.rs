//! `mpi backup FILE`: a consistent copy of the SQLite database taken while the real
//! `mpi serve` keeps registering records. One writer registers records in order, so a
//! consistent snapshot holds exactly a prefix of them: records 0..M and not M. The
//! backup restores by copying it to a fresh data folder's `mpi.db`; the server started
//! there rebuilds its search index and serves the records.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::server::start;
use common::{mpi, s, stderr};
use serde_json::{Value, json};
use sqlx::{ConnectOptions, Connection};

fn patient(n: usize) -> Value {
    const GIVEN: [&str; 6] = ["Ansel", "Brita", "Caspar", "Dagny", "Evert", "Frida"];
    json!({
        "source": "HOSP_B", "source_id": format!("B-{n}"),
        "given_name": GIVEN[n % 6], "family_name": format!("Backup{n}"),
        "birth_date": format!("19{:02}-{:02}-{:02}", 30 + n % 60, 1 + n % 12, 1 + n % 28),
        "postal_code": "02118"
    })
}

/// The number in `backup written: FILE (N bytes, M records)`.
fn records_in(message: &str) -> usize {
    let line = message
        .lines()
        .find(|l| l.starts_with("backup written: "))
        .unwrap_or_else(|| panic!("no backup line in: {message}"));
    let before = line.rsplit_once(" records)").expect("records figure").0;
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

async fn integrity(path: &Path) -> String {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let answer: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    answer
}

async fn status(client: &reqwest::Client, base: &str, n: usize) -> u16 {
    client
        .get(format!("{base}/v1/records/HOSP_B/B-{n}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_restores_a_consistent_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let mut server = start(&live, None).await;

    // one writer, registering in order until told to stop (bounded)
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        let base = server.base.clone();
        let client = server.client();
        tokio::spawn(async move {
            for n in 0..5_000 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let r = client
                    .post(format!("{base}/v1/records"))
                    .json(&patient(n))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "registration {n}: {}", r.status());
                acknowledged.store(n + 1, Ordering::SeqCst);
            }
        })
    };
    while acknowledged.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // three backups while the writer goes on
    let mut backups = Vec::new();
    for i in 0..3 {
        let file = dir.path().join(format!("backup-{i}.db"));
        let before = acknowledged.load(Ordering::SeqCst);
        let args = ["backup", s(&file), "--data-dir", s(&live)].map(str::to_string);
        let o = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            mpi(&args)
        })
        .await
        .unwrap();
        let after = acknowledged.load(Ordering::SeqCst);
        assert!(o.status.success(), "{}", stderr(&o));
        let m = records_in(&stderr(&o));
        assert!(
            before <= m && m <= after + 1,
            "backup {i} holds {m} records; {before} were acknowledged before it, {after} after"
        );
        assert_eq!(integrity(&file).await, "ok");
        eprintln!("backup {i}: {m} records ({before} acknowledged before, {after} after)");
        backups.push((file, m));
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    let (last, m) = backups.pop().unwrap();
    // let the live database get past the snapshot, so that "B-m is missing" means something
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acknowledged.load(Ordering::SeqCst) <= m + 1 {
        assert!(std::time::Instant::now() < deadline, "the writer stalled");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    server.kill();

    // restore: the backup becomes a fresh data folder's database
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&last, restored.join("mpi.db")).unwrap();
    let mut server = start(&restored, None).await;
    let client = server.client();
    for n in 0..m {
        assert_eq!(status(&client, &server.base, n).await, 200, "B-{n} missing");
    }
    assert_eq!(
        status(&client, &server.base, m).await,
        404,
        "B-{m} is past the snapshot"
    );
    let found: Value = client
        .post(format!("{}/v1/match", server.base))
        .json(&json!({"record": {
            "given_name": patient(0)["given_name"], "family_name": "Backup0",
            "birth_date": patient(0)["birth_date"], "postal_code": "02118"
        }}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !found["matches"].as_array().unwrap().is_empty(),
        "the rebuilt search index finds B-0: {found}"
    );
    server.kill();
}

#[test]
fn an_existing_file_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = mpi(&["migrate", "--data-dir", s(&data)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.path().join("existing.db");
    std::fs::write(&file, "keep me").unwrap();
    let o = mpi(&["backup", s(&file), "--data-dir", s(&data)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    let o = mpi(&[
        "backup",
        s(&dir.path().join("fresh.db")),
        "--data-dir",
        s(&data),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(records_in(&stderr(&o)), 0);
}

#[test]
fn postgres_is_refused_with_a_pointer_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pg.db");
    let o = mpi(&[
        "backup",
        s(&file),
        "--database-url",
        "postgres://mpi@127.0.0.1:1/mpi",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("pg_dump -Fc"), "{}", stderr(&o));
    assert!(!file.exists());
}

#[test]
fn a_missing_database_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nothing-here");
    let o = mpi(&[
        "backup",
        s(&dir.path().join("b.db")),
        "--data-dir",
        s(&data),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no database at"), "{}", stderr(&o));
    assert!(!data.exists());
}
