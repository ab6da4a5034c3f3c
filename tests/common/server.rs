//! The real `mpi serve` binary as a child process, for tests that kill and restart it.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub base: String,
    /// An API key (integration, reviewer, steward) minted with `mpi token create`.
    pub key: String,
}

/// Mints a key with `mpi token create` on the same state as the server.
pub fn mint_key(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    name: &str,
    roles: &str,
) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mpi"));
    command
        .args([
            "token",
            "create",
            "--name",
            name,
            "--role",
            roles,
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("MPI_DATABASE_URL");
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let out = command.output().expect("mpi token create runs");
    assert!(
        out.status.success(),
        "mpi token create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(key.starts_with("mpi_"), "a key on stdout");
    key
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn start(data_dir: &std::path::Path, database_url: Option<&str>) -> Server {
    start_with(data_dir, database_url, &[]).await
}

/// `start` with extra environment variables for `mpi serve`.
pub async fn start_with(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    env: &[(&str, &str)],
) -> Server {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mpi"));
    command
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("MPI_DATABASE_URL")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(match super::logs::stderr_file("serve") {
            Some(f) => Stdio::from(f),
            None => Stdio::null(),
        });
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let key = mint_key(
        data_dir,
        database_url,
        &format!("tester-port{port}"),
        "integration,reviewer,steward",
    );
    let mut server = Server {
        child: command.spawn().expect("mpi serve starts"),
        base: format!("http://127.0.0.1:{port}"),
        key,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await
            && r.status().is_success()
        {
            return server;
        }
        if Instant::now() > deadline {
            server.kill();
            panic!("mpi serve did not become ready");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Server {
    /// A client sending this server's key.
    pub fn client(&self) -> reqwest::Client {
        super::app::client_with(&self.key)
    }

    /// Stops the server with SIGKILL.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}
