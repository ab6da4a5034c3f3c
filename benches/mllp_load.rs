//! Throughput of the HL7 v2 MLLP path (`mpi serve --mllp`'s code, in process, on
//! loopback): synthetic ADT^A04 registrations, each sender waiting for its ACK before
//! the next message (standard MLLP), first on one connection, then on several at once.
//! SQLite (the embedded default) in a temporary folder on disk.
//!
//! Run: `cargo bench --bench mllp_load -- [MESSAGES] [CONNECTIONS]` (default 20,000
//! and 8): half the messages go over one connection, the other half over CONNECTIONS.
//! Records are synthetic (`mpi synth`, seed 11), so about a third link to a person
//! registered before.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::percentile;
use mpi::domain::RawRecord;
use mpi::synth::{SynthConfig, generate};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn main() {
    let mut numbers = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse::<usize>().ok());
    let messages = numbers.next().unwrap_or(20_000);
    let connections = numbers.next().unwrap_or(8).max(1);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(messages, connections));
}

/// A value with the HL7 delimiters escaped (segment breaks become spaces).
fn esc(value: &str) -> String {
    let flat = value.replace(['\r', '\n'], " ");
    mpi::hl7::escape(&flat, &mpi::hl7::Delimiters::default())
}

/// A birth date as HL7 `YYYYMMDD`; a value that is not a date goes as sent, digits
/// only (the synthetic population has a few, as feeds do: they are answered AE).
fn hl7_date(text: &str) -> String {
    match mpi::domain::value::BirthDate::parse(text) {
        Ok(d) => format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
        Err(_) => text.chars().filter(char::is_ascii_digit).collect(),
    }
}

/// An ADT^A04 (v2.5.1) registering `r`.
fn a04(r: &RawRecord, control: usize) -> String {
    let ssn = if r.ssn.is_empty() {
        String::new()
    } else {
        format!("~{}^^^SSA^SS", esc(&r.ssn))
    };
    format!(
        "MSH|^~\\&|BENCH|{source}|MPI|MPI|20250101120000||ADT^A04^ADT_A01|B{control}|P|2.5.1\r\
         EVN|A04|20250101120000\r\
         PID|1||{id}^^^{source}^MR{ssn}||{family}^{given}^{middle}^{suffix}^^^L||{birth}|{sex}|||\
         {line}^^{city}^{state}^{postal}^^H||{phone}^PRN^PH^{email}\r\
         PV1|1|O\r",
        source = esc(&r.source),
        id = esc(&r.source_id),
        family = esc(&r.family_name),
        given = esc(&r.given_name),
        middle = esc(&r.middle_name),
        suffix = esc(&r.suffix),
        birth = hl7_date(&r.birth_date),
        sex = esc(&r.sex),
        line = esc(&r.address_line),
        city = esc(&r.city),
        state = esc(&r.state),
        postal = esc(&r.postal_code),
        phone = esc(&r.phone),
        email = esc(&r.email),
    )
}

/// Sends each message and waits for its ACK; answers the latencies (ms) and the
/// number of answers that were not AA.
async fn sender(addr: std::net::SocketAddr, messages: Vec<String>) -> (Vec<f64>, usize) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let mut latencies = Vec::with_capacity(messages.len());
    let mut refused = 0;
    let mut buffer = vec![0u8; 16 * 1024];
    for text in messages {
        let started = Instant::now();
        stream
            .write_all(&mpi::mllp::frame::encode(&text))
            .await
            .unwrap();
        let mut answer = Vec::new();
        while !answer.ends_with(&[0x1C, 0x0D]) {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the listener closed the connection");
            answer.extend_from_slice(&buffer[..n]);
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let answer = String::from_utf8_lossy(&answer);
        if !answer.contains("MSA|AA|") {
            refused += 1;
            if refused <= 3 {
                // MSA and ERR name the field and the problem, never a value
                let why = answer
                    .split('\r')
                    .find(|s| s.starts_with("ERR"))
                    .unwrap_or("");
                println!("  refused: {why}");
            }
        }
    }
    (latencies, refused)
}

async fn phase(label: &str, addr: std::net::SocketAddr, messages: Vec<String>, connections: usize) {
    let total = messages.len();
    let mut shares: Vec<Vec<String>> = vec![Vec::new(); connections];
    for (i, m) in messages.into_iter().enumerate() {
        shares[i % connections].push(m);
    }
    let started = Instant::now();
    let tasks: Vec<_> = shares
        .into_iter()
        .map(|share| tokio::spawn(sender(addr, share)))
        .collect();
    let mut latencies = Vec::with_capacity(total);
    let mut refused = 0;
    for t in tasks {
        let (l, r) = t.await.unwrap();
        latencies.extend(l);
        refused += r;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    println!(
        "{label}: {total} ADT^A04 on {connections} connection(s) in {elapsed:.1} s = {:.0} messages/s; \
         ACK latency p50 {:.2} ms, p99 {:.2} ms; not AA: {refused}",
        total as f64 / elapsed,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    );
}

async fn run(n: usize, connections: usize) {
    println!("{}", common::machine());
    let people = (n as f64 / 1.5) as usize + 10;
    let messages: Vec<String> = generate(&SynthConfig::new(people, 11))
        .take(n)
        .enumerate()
        .map(|(i, (r, _))| a04(&r, i))
        .collect();
    assert_eq!(messages.len(), n, "the population is too small");

    let dir = tempfile::tempdir().unwrap();
    let service = common::open_service(dir.path()).await;
    mpi::api::spawn_index_committer(service.clone(), mpi::api::INDEX_COMMIT_INTERVAL);
    let listener = mpi::mllp::Listener::bind("127.0.0.1:0", mpi::mllp::MllpOptions::default())
        .await
        .unwrap();
    let handle = listener
        .spawn(Arc::new(mpi::mllp::Handler::new(service.clone())))
        .unwrap();

    let mut messages = messages;
    let second = messages.split_off(n / 2);
    phase("one connection", handle.addr, messages, 1).await;
    phase("several connections", handle.addr, second, connections).await;
    handle.stop().await;
}
