//! The service's credentials and lifecycle with the real binary: the admin key printed
//! once on first start, `mpi token create|list|revoke`, JSON logs with request ids, and a
//! graceful stop (SIGTERM) that finishes the request in flight and commits the index.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::app::client_with;
use common::server::free_port;
use serde_json::{Value, json};

fn mpi() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mpi"));
    c.env_remove("MPI_DATABASE_URL").env_remove("MPI_LOG");
    c
}

struct Served {
    child: std::process::Child,
    base: String,
    log: std::path::PathBuf,
}

/// Starts `mpi serve` on `data`, reading what it prints until it is ready.
async fn serve(data: &std::path::Path, log: std::path::PathBuf) -> Served {
    let port = free_port();
    let child = mpi()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("{base}/readyz"))
        .await
        .map(|r| r.status())
        .ok()
        != Some(reqwest::StatusCode::OK)
    {
        assert!(Instant::now() < deadline, "mpi serve did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Served { child, base, log }
}

fn stop(served: &mut Served, signal: &str) -> std::process::ExitStatus {
    Command::new("kill")
        .args([signal, &served.child.id().to_string()])
        .status()
        .unwrap();
    served.child.wait().unwrap()
}

fn printed_key(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("mpi_"))
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_an_admin_key_once_and_tokens_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // first start: an admin key on stdout
    let port = free_port();
    let mut child = mpi()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let admin = loop {
        let line = lines.next().expect("a key is printed").unwrap();
        seen.push(line.clone());
        if let Some(k) = printed_key(&seen) {
            break k;
        }
    };
    assert!(seen.iter().any(|l| l.contains("admin")), "{seen:?}");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let admin_client = client_with(&admin);
    let r = admin_client
        .get(format!("{base}/v1/admin/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // mpi token create: a steward key that works at once
    let out = mpi()
        .args([
            "token",
            "create",
            "--name",
            "sam",
            "--role",
            "steward",
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sam = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let tasks = format!("{base}/v1/review-tasks");
    assert_eq!(
        client_with(&sam).get(&tasks).send().await.unwrap().status(),
        200
    );
    // a bad role is refused, naming it
    let out = mpi()
        .args([
            "token",
            "create",
            "--name",
            "x",
            "--role",
            "root",
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("'root'"));
    // mpi token list: names and roles, never a secret
    let out = mpi()
        .args(["token", "list", "--json", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = listed.to_string();
    assert!(
        text.contains("\"sam\"") && text.contains("admin-"),
        "{text}"
    );
    assert!(!text.contains(&sam[15..]) && !text.contains(&admin[15..]));
    // mpi token revoke: the running server refuses the key within its cache time
    let out = mpi()
        .args(["token", "revoke", "sam", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + mpi::auth::authenticate::CACHE_TTL + Duration::from_secs(3);
    loop {
        let status = client_with(&sam).get(&tasks).send().await.unwrap().status();
        if status == 401 {
            break;
        }
        assert!(Instant::now() < deadline, "a revoked key still works");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // the credential events are in the audit log
    let out = mpi()
        .args([
            "token",
            "create",
            "--name",
            "audrey",
            "--role",
            "auditor",
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .unwrap();
    let audrey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let log: Value = client_with(&audrey)
        .get(format!("{base}/v1/audit?action=revokeToken"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        log["entries"][0]["actor"]
            .as_str()
            .unwrap()
            .split(':')
            .next(),
        Some("cli")
    );
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();

    // a second start prints no key
    let mut served = serve(&data, dir.path().join("second.log")).await;
    stop(&mut served, "-TERM");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut served.child.stdout.take().unwrap(), &mut rest).unwrap();
    assert!(!rest.contains("mpi_"), "no key on a second start: {rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_and_commits_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = common::server::mint_key(&data, None, "engine", "integration");
    let log = dir.path().join("serve.log");
    let mut served = serve(&data, log.clone()).await;
    let records: Vec<Value> = (0..300)
        .map(|n| json!({"source": "HOSP_S", "source_id": format!("S-{n}"),
                        "given_name": format!("Given{n}"), "family_name": format!("Family{}", n % 97),
                        "birth_date": format!("19{:02}-{:02}-{:02}", 30 + n % 60, 1 + n % 12, 1 + n % 28)}))
        .collect();
    let client = client_with(&key);
    let url = format!("{}/v1/records:batch", served.base);
    let in_flight = tokio::spawn(async move { client.post(url).json(&records).send().await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let status = stop(&mut served, "-TERM");
    let r = in_flight
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["summary"]["failed"], 0, "{}", v["summary"]);
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
    // the logs are JSON lines with request ids, and say the index was committed
    let text = std::fs::read_to_string(&served.log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["message"] == "request" && l["route"] == "/v1/records:batch")
        .expect("the batch is logged");
    assert_eq!(request["status"], 200);
    assert!(request["request_id"].as_str().unwrap().len() >= 8);
    assert!(
        !text.contains("Given1") && !text.contains("S-1"),
        "no patient data in logs"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "stopped: index committed"),
        "{text}"
    );
    // nothing to catch up at the next start: every record is searchable at once
    let served = serve(&data, dir.path().join("again.log")).await;
    let ready: Value = reqwest::get(format!("{}/readyz", served.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["indexed_records"], 300, "{ready}");
    let again = std::fs::read_to_string(dir.path().join("again.log")).unwrap();
    let caught_up: Vec<Value> = again
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["message"] == "search index caught up")
        .collect();
    assert_eq!(caught_up.len(), 1, "{again}");
    assert_eq!(
        caught_up[0]["changed"], 0,
        "the index was committed at the stop"
    );
    let mut served = served;
    stop(&mut served, "-TERM");
}
