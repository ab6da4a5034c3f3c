//! `mpi migrate` on the embedded SQLite default and on PostgreSQL.

mod common;

use common::*;

/// "N migrations applied" for every migration in the folder.
fn all_applied(backend: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/").to_string() + backend;
    let n = std::fs::read_dir(dir).unwrap().count();
    format!("{n} migration{} applied", if n == 1 { "" } else { "s" })
}

#[test]
fn migrate_creates_the_embedded_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state");
    let o = mpi(&["migrate", "--data-dir", s(&data)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&all_applied("sqlite")),
        "{}",
        stderr(&o)
    );
    assert!(data.join("mpi.db").is_file());
    let again = mpi(&["migrate", "--data-dir", s(&data)]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("0 migrations applied"),
        "{}",
        stderr(&again)
    );
}

#[tokio::test]
async fn migrate_upgrades_postgres_named_by_the_environment() {
    let pg = db::postgres().await;
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mpi"))
        .arg("migrate")
        .env("MPI_DATABASE_URL", &pg.url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Postgres"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&all_applied("postgres")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unsupported_database_url_is_refused() {
    let o = mpi(&["migrate", "--database-url", "mysql://localhost/mpi"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("database URL must start with sqlite: or postgres://"),
        "{}",
        stderr(&o)
    );
}
