//! The service's command line: settings file < environment < command line, `mpi
//! reindex`, a damaged or deleted index repaired at start, and an index in use by a
//! running service left alone.

mod common;

use std::process::Command;

use common::server::start;
use serde_json::{Value, json};

fn mpi_in(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mpi"));
    c.current_dir(dir)
        .env_remove("MPI_DATA_DIR")
        .env_remove("MPI_DATABASE_URL")
        .env_remove("MPI_CONFIG")
        .env_remove("MPI_BIND");
    c
}

#[test]
fn settings_file_then_environment_then_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("mpi.toml"), "data_dir = \"from-file\"\n").unwrap();
    // the default file ./mpi.toml is read
    let o = mpi_in(d).arg("migrate").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(d.join("from-file/mpi.db").is_file());
    // the environment wins over the file
    let o = mpi_in(d)
        .arg("migrate")
        .env("MPI_DATA_DIR", "from-env")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(d.join("from-env/mpi.db").is_file());
    // the command line wins over both
    let o = mpi_in(d)
        .args(["migrate", "--data-dir", "from-cli"])
        .env("MPI_DATA_DIR", "from-env-2")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(d.join("from-cli/mpi.db").is_file());
    assert!(!d.join("from-env-2").exists());
    // --config names another file
    std::fs::write(d.join("other.toml"), "data_dir = \"from-other\"\n").unwrap();
    let o = mpi_in(d)
        .args(["migrate", "--config", "other.toml"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(d.join("from-other/mpi.db").is_file());
    // a mistyped key is refused, naming it
    std::fs::write(d.join("bad.toml"), "datadir = \"x\"\n").unwrap();
    let o = mpi_in(d)
        .args(["migrate", "--config", "bad.toml"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml") && err.contains("datadir"), "{err}");
}

async fn register_three(server: &common::server::Server) -> Vec<String> {
    let client = server.client();
    let base = &server.base;
    let mut people = Vec::new();
    for (i, (given, family, dob)) in [
        ("Ingrid", "Halvorsen", "1961-03-09"),
        ("Kofi", "Mensah", "1988-12-01"),
        ("Lucia", "Ferreira", "1979-07-23"),
    ]
    .into_iter()
    .enumerate()
    {
        let v: Value = client
            .post(format!("{base}/v1/records"))
            .json(
                &json!({"source": "S", "source_id": i.to_string(), "given_name": given,
                          "family_name": family, "birth_date": dob, "postal_code": "02118"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        people.push(v["person_id"].as_str().unwrap().to_string());
    }
    people
}

async fn finds_kofi(server: &common::server::Server, person: &str) {
    let base = &server.base;
    let m: Value = server
        .client()
        .post(format!("{base}/v1/match"))
        .json(&json!({"record": {"given_name": "Kofi", "family_name": "Mensah", "birth_date": "1988-12-01"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["matches"][0]["person_id"], person, "{m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_and_repair_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data, None).await;
    let people = register_three(&server).await;
    server.kill();

    // mpi reindex rebuilds the whole index from the database
    let o = mpi_in(dir.path())
        .args(["reindex", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("search index rebuilt: 3 records"), "{err}");
    let mut server = start(&data, None).await;
    finds_kofi(&server, &people[1]).await;
    server.kill();

    // a damaged index is rebuilt before the service reports ready
    let index = data.join("index");
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "meta.json" {
            std::fs::write(&path, b"{ not json").unwrap();
        }
    }
    let mut server = start(&data, None).await;
    finds_kofi(&server, &people[1]).await;
    server.kill();

    // and so is a deleted one
    std::fs::remove_dir_all(&index).unwrap();
    let mut server = start(&data, None).await;
    finds_kofi(&server, &people[1]).await;
    server.kill();
}

/// A command that needs the index while a service holds it (`mpi load`, `mpi reindex`,
/// a second `mpi serve`) is refused, naming the reason, and leaves the index alone
/// (it once took the lock for damage and deleted the running service's index).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_refuse_an_index_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data, None).await;
    let people = register_three(&server).await;
    let index = data.join("index");
    let file = dir.path().join("more.ndjson");
    std::fs::write(
        &file,
        r#"{"source": "T", "source_id": "9", "given_name": "Ama", "family_name": "Owusu"}"#,
    )
    .unwrap();
    for args in [vec!["load", file.to_str().unwrap()], vec!["reindex"]] {
        let o = mpi_in(dir.path())
            .args(&args)
            .arg("--data-dir")
            .arg(&data)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}: {err}");
        assert!(err.contains("in use by another process"), "{args:?}: {err}");
        assert!(index.join("meta.json").is_file(), "{args:?} left the index");
    }
    finds_kofi(&server, &people[1]).await;
    let status = server
        .client()
        .get(format!("{}/v1/records/T/9", server.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404, "nothing was loaded");
    server.kill();
}
