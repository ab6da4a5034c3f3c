//! No patient data in the logs. `scripts/test` runs the whole suite with
//! `MPI_TEST_LOG_DIR` set, so that every test process logs the service at debug level (JSON)
//! to that folder and writes down the patient data its requests sent (names, birth dates,
//! SSNs, phones, addresses, source ids); the served binaries' logs land there too. The
//! ignored test below, run afterwards by `scripts/test`, reads them all and fails on any
//! patient value found in a log, naming the file and the field's value kind — never the
//! value.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Whether `value` occurs in `text` as a whole token (not inside a longer word or
/// number), so that "Lee" does not match "sleep" nor "02118" a duration of 0.021184 or
/// 4.02118.
fn occurs(text: &str, value: &str) -> bool {
    let bytes = text.as_bytes();
    // a character that continues a word or a number (a '.' between digits does)
    let joins = |i: usize, toward: isize| {
        let c = bytes[i];
        c.is_ascii_alphanumeric()
            || (c == b'.'
                && i.checked_add_signed(toward)
                    .and_then(|j| bytes.get(j))
                    .is_some_and(u8::is_ascii_digit))
    };
    let mut from = 0;
    while let Some(i) = text[from..].find(value) {
        let start = from + i;
        let end = start + value.len();
        // a bare number after ':' is a port or a time, not a patient value
        let port =
            start > 0 && bytes[start - 1] == b':' && value.bytes().all(|b| b.is_ascii_digit());
        let before = start == 0 || !(joins(start - 1, -1) || port);
        let after = end == bytes.len() || !joins(end, 1);
        if before && after {
            return true;
        }
        from = start + 1;
    }
    false
}

/// The words (runs of letters and digits) of `text`.
fn words(text: &str) -> HashSet<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The values worth looking for: at least 3 characters, and not a bare number of fewer
/// than 5 digits (such as a sequence number or a house number).
fn worth_looking_for(value: &str) -> bool {
    let v = value.trim();
    v.chars().count() >= 3 && !(v.chars().all(|c| c.is_ascii_digit()) && v.len() < 5)
}

/// The patient values found in `log`. Only values whose every word is a word of the log
/// are searched for, so that the scan stays fast on large logs.
fn leaks<'a>(log: &str, values: &'a BTreeSet<String>) -> Vec<&'a str> {
    let present = words(log);
    values
        .iter()
        .filter(|v| {
            v.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| present.contains(w))
        })
        .filter(|v| occurs(log, v))
        .map(String::as_str)
        .collect()
}

/// Where in `log` the value `value` first occurs: the JSON key holding it and the line's
/// target (never the value), so that a failure can be traced from the CI output alone.
fn found_in(log: &str, value: &str) -> String {
    fn key_of(v: &serde_json::Value, value: &str, path: &str) -> Option<String> {
        match v {
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let path = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                key_of(v, value, &path)
            }),
            serde_json::Value::Array(items) => items.iter().find_map(|i| key_of(i, value, path)),
            serde_json::Value::String(s) if occurs(s, value) => Some(path.to_string()),
            _ => None,
        }
    }
    let Some(line) = log.lines().find(|l| occurs(l, value)) else {
        return "no single line".into();
    };
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => format!(
            "field `{}` of a line from `{}`",
            key_of(&v, value, "").unwrap_or_else(|| "?".into()),
            v["target"].as_str().unwrap_or("?")
        ),
        Err(_) => "a line that is not JSON".into(),
    }
}

fn files(dir: &Path, extension: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == extension));
    out.sort();
    out
}

#[test]
#[ignore = "run by scripts/test after the suite, with MPI_TEST_LOG_DIR"]
fn the_logs_of_the_whole_suite_hold_no_patient_data() {
    let dir = common::logs::dir().expect("MPI_TEST_LOG_DIR names the captured logs");
    let mut values = BTreeSet::new();
    for f in files(&dir, "phi") {
        for line in std::fs::read_to_string(&f).unwrap().lines() {
            if worth_looking_for(line) {
                values.insert(line.trim().to_string());
            }
        }
    }
    assert!(
        values.len() > 200,
        "the suite sent only {} patient values: was it run with MPI_TEST_LOG_DIR?",
        values.len()
    );
    let logs = files(&dir, "log");
    let mut lines = 0;
    let mut requests = 0;
    let mut problems = Vec::new();
    for f in &logs {
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines().filter(|l| l.starts_with('{')) {
            lines += 1;
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: a log line that is not JSON: {e}", f.display()));
            let fields = v.get("fields").unwrap_or(&v);
            if fields["message"] == "request" {
                requests += 1;
                assert!(
                    fields["request_id"].is_string(),
                    "{}: a request line without request_id",
                    f.display()
                );
            }
        }
        let found = leaks(&text, &values);
        if !found.is_empty() {
            problems.push(format!(
                "{}: {} patient value(s), e.g. one of {} characters in {}",
                f.display(),
                found.len(),
                found[0].chars().count(),
                found_in(&text, found[0])
            ));
        }
    }
    assert!(
        requests > 1000 && lines > requests,
        "too few log lines to mean anything: {lines} lines, {requests} requests in {} files",
        logs.len()
    );
    assert!(
        problems.is_empty(),
        "patient data in logs:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "{} log files, {lines} lines, {requests} requests: none of {} patient values",
        logs.len(),
        values.len()
    );
}

#[test]
fn the_scanner_finds_a_planted_value_and_ignores_lookalikes() {
    let values: BTreeSet<String> = ["Halvorsen", "1961-03-09", "Lee", "02118"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let clean =
        r#"{"message":"request","route":"/v1/records","duration_ms":0.021184,"actor":"sleepy"}"#;
    assert!(leaks(clean, &values).is_empty());
    let leaked = r#"{"message":"request failed","error":"bad name Halvorsen"}"#;
    assert_eq!(leaks(leaked, &values), vec!["Halvorsen"]);
    assert_eq!(leaks("born 1961-03-09.", &values), vec!["1961-03-09"]);
    assert!(leaks("connecting to http://127.0.0.1:02118/", &values).is_empty());
    assert_eq!(leaks(r#""postal_code":"02118""#, &values), vec!["02118"]);
    // a test database's name, logged by sqlx at debug level, holds the test's process id:
    // never as a bare number that a synthetic postal code could equal
    let pid: BTreeSet<String> = ["32220".to_string()].into();
    let name = common::db::database_name(32220, 3, 1_796_672_142_513);
    assert!(leaks(&format!(r#""summary":"CREATE DATABASE {name}""#), &pid).is_empty());
    assert_eq!(
        found_in(
            r#"{"fields":{"message":"request failed","error":"bad name Halvorsen"},"target":"mpi::api"}"#,
            "Halvorsen"
        ),
        "field `fields.error` of a line from `mpi::api`"
    );
    assert!(worth_looking_for("Kofi") && !worth_looking_for("12") && !worth_looking_for("1234"));
}
