//! A registration acknowledged to the client survives `kill -9` of the server: the real
//! `mpi serve` binary is killed while registrations stream in, restarted on the same
//! data, and every acknowledged record is found, by id and by a match query (the
//! search index catches up before the server reports ready). SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::server::{Server, start};

use serde_json::{Value, json};

fn patient(n: usize) -> Value {
    // distinct, rare-ish names so a match query finds exactly this person
    const GIVEN: [&str; 8] = [
        "Alma", "Bruno", "Cecil", "Dorota", "Emil", "Fenna", "Gustav", "Hedda",
    ];
    const FAMILY: [&str; 8] = [
        "Quist", "Rasmus", "Sorensen", "Thorne", "Ulrich", "Vesper", "Wendt", "Yarrow",
    ];
    json!({
        "source": "HOSP_K", "source_id": format!("K-{n}"),
        "given_name": GIVEN[n % 8], "family_name": format!("{}{}", FAMILY[(n / 8) % 8], n),
        "birth_date": format!("19{:02}-{:02}-{:02}", 30 + n % 60, 1 + n % 12, 1 + n % 28),
        "ssn": format!("4{:02}-{:02}-{:04}", 10 + n % 80, 10 + n % 90, 1000 + n),
        "postal_code": "02118"
    })
}

/// Streams registrations until the server dies; returns the acknowledged ones.
async fn register_until_killed(
    server: &mut Server,
    first: usize,
    kill_after: Duration,
) -> Vec<usize> {
    let client = server.client();
    let base = server.base.clone();
    let writer = tokio::spawn(async move {
        let mut acknowledged = Vec::new();
        for n in first.. {
            let r = client
                .post(format!("{base}/v1/records"))
                .json(&patient(n))
                .send()
                .await;
            match r {
                Ok(r) if r.status().is_success() => acknowledged.push(n),
                Ok(r) => panic!("registration {n} refused: {}", r.status()),
                Err(_) => break, // the server is gone
            }
        }
        acknowledged
    });
    tokio::time::sleep(kill_after).await;
    server.child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    server.child.wait().unwrap();
    writer.await.unwrap()
}

async fn check_all_present(server: &Server, acknowledged: &[usize]) {
    let client = server.client();
    for &n in acknowledged {
        let p = patient(n);
        let r = client
            .get(format!("{}/v1/records/HOSP_K/K-{n}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged record K-{n} lost");
        let record: Value = r.json().await.unwrap();
        let m: Value = client
            .post(format!("{}/v1/match", server.base))
            .json(&json!({"record": {
                "given_name": p["given_name"], "family_name": p["family_name"],
                "birth_date": p["birth_date"], "ssn": p["ssn"]
            }}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            m["matches"][0]["person_id"], record["person_id"],
            "K-{n} is not found by a match query after restart: {m}"
        );
    }
}

async fn kill_and_recover(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    // kill at different moments: early, mid-stream, later
    for (round, millis) in [150u64, 400, 900].into_iter().enumerate() {
        let mut server = start(dir.path(), database_url.as_deref()).await;
        check_all_present(&server, &all).await;
        let acknowledged =
            register_until_killed(&mut server, round * 100_000, Duration::from_millis(millis))
                .await;
        assert!(
            !acknowledged.is_empty(),
            "round {round} acknowledged nothing"
        );
        eprintln!(
            "round {round}: {} registrations acknowledged before kill -9",
            acknowledged.len()
        );
        all.extend(acknowledged);
    }
    let mut server = start(dir.path(), database_url.as_deref()).await;
    check_all_present(&server, &all).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_registrations_survive_kill_9_sqlite() {
    kill_and_recover(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_registrations_survive_kill_9_postgres() {
    let db = common::db::postgres().await;
    kill_and_recover(Some(db.url.clone())).await;
}
