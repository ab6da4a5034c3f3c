//! `mpi serve` with the MLLP listener from the settings file (`mllp = "…"`): the banner
//! names its address, a message sent there is acknowledged, and SIGTERM stops HTTP and
//! MLLP together, cleanly.

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const A04: &str = "MSH|^~\\&|ADT_SYS|HOSP_S|MPI|MPI|20250301101500||ADT^A04^ADT_A01|SRV-0001|P|2.5.1\r\
                   PID|1||SV-3301^^^HOSP_S^MR||ABERNATHY^LUCIUS||19490214|M\r";

#[test]
fn serve_starts_and_stops_the_mllp_listener() {
    common::logs::record_phi(
        &serde_json::json!({"source_id": "SV-3301", "family_name": "ABERNATHY",
            "given_name": "LUCIUS", "birth_date": "19490214"})
        .to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let (http, mllp) = (common::server::free_port(), common::server::free_port());
    let settings = dir.path().join("mpi.toml");
    std::fs::write(&settings, format!("mllp = \"127.0.0.1:{mllp}\"\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpi"))
        .args(["serve", "--bind", &format!("127.0.0.1:{http}"), "--config"])
        .arg(&settings)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("MPI_DATABASE_URL")
        .env_remove("MPI_MLLP")
        .stdout(Stdio::piped())
        .stderr(match common::logs::stderr_file("mllp-serve") {
            Some(f) => Stdio::from(f),
            None => Stdio::null(),
        })
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stream = loop {
        match std::net::TcpStream::connect(("127.0.0.1", mllp)) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("the MLLP port never opened: {e}"),
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(&mpi::mllp::frame::encode(A04)).unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.ends_with(&[0x1C, 0x0D]) {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "the listener closed the connection");
        answer.extend_from_slice(&buffer[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.contains("MSA|AA|SRV-0001"), "{answer}");

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "mpi serve did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut banner = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut banner)
        .unwrap();
    assert!(status.success(), "{status}: {banner}");
    assert!(
        banner.contains(&format!("HL7 v2 over MLLP: 127.0.0.1:{mllp}")),
        "{banner}"
    );
    // stopped: the port no longer accepts
    assert!(std::net::TcpStream::connect(("127.0.0.1", mllp)).is_err());
}
