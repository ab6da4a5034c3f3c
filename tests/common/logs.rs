//! Log capture for the PHI-in-logs check. When `MPI_TEST_LOG_DIR` is set, every test
//! process writes the service's logs (JSON, debug level, every crate) to a file there,
//! and the patient data the tests send to a second file; `tests/phi_in_logs.rs` then
//! looks for the one in the other.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// The folder, when capture is on.
pub fn dir() -> Option<PathBuf> {
    std::env::var_os("MPI_TEST_LOG_DIR").map(PathBuf::from)
}

fn process_file(kind: &str) -> Option<PathBuf> {
    let dir = dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let exe = std::env::current_exe().ok()?;
    let name = exe.file_stem()?.to_string_lossy().into_owned();
    Some(dir.join(format!("{name}-{}.{kind}", std::process::id())))
}

/// Installs the capturing subscriber once per process.
pub fn init() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let Some(path) = process_file("log") else {
            return;
        };
        let file = std::fs::File::create(path).expect("log file");
        let _ = tracing_subscriber::fmt()
            .json()
            // the service at debug level, every crate; not the tests' own HTTP client
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "debug,reqwest=warn,hyper=warn,hyper_util=warn",
            ))
            .with_writer(Mutex::new(file))
            .try_init();
    });
}

/// The file a served binary's stderr (its logs) goes to, when capture is on.
pub fn stderr_file(label: &str) -> Option<std::fs::File> {
    let dir = dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::fs::File::create(dir.join(format!("serve-{label}-{}-{n}.log", std::process::id()))).ok()
}

/// The fields whose values are patient data.
const PHI_FIELDS: [&str; 12] = [
    "given_name",
    "middle_name",
    "family_name",
    "birth_date",
    "ssn",
    "phone",
    "email",
    "address_line",
    "city",
    "postal_code",
    "source_id",
    "birthDate",
];

/// Writes the patient data in a request body (JSON, or NDJSON lines) to the PHI file.
pub fn record_phi(body: &str) {
    static FILE: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        process_file("phi")
            .and_then(|p| std::fs::File::create(p).ok())
            .map(Mutex::new)
    });
    let Some(file) = file else { return };
    let mut values = Vec::new();
    let parsed: Vec<serde_json::Value> = match serde_json::from_str(body) {
        Ok(v) => vec![v],
        Err(_) => body
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    };
    for v in &parsed {
        collect(v, &mut values);
    }
    let mut f = file.lock().unwrap();
    for v in values {
        let _ = writeln!(f, "{v}");
    }
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if PHI_FIELDS.contains(&k.as_str()) => {
                        out.push(s.clone())
                    }
                    // FHIR names: family, given[]
                    serde_json::Value::String(s) if k == "family" => out.push(s.clone()),
                    serde_json::Value::Array(a) if k == "given" => {
                        out.extend(a.iter().filter_map(|g| g.as_str().map(str::to_string)))
                    }
                    other => collect(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}
