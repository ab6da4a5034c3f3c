//! Bad input gets a clear message naming the file, line and column, and a non-zero exit.

mod common;

use common::*;

fn dedup_file(content: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, content).unwrap();
    let out = dir.path().join("out.csv");
    let mut args = vec!["dedup", s(&input), "--out", s(&out)];
    args.extend_from_slice(extra);
    let o = mpi(&args);
    drop(dir);
    o
}

#[test]
fn missing_file() {
    let o = mpi(&["dedup", "no/such.csv", "--out", "/tmp/x.csv"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no/such.csv: cannot open"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn header_without_record_id() {
    let o = dedup_file("id,given_name\n1,Ann\n", &[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("line 1 (header): no record_id column"), "{e}");
    assert!(e.contains("--map record_id="), "{e}");
}

#[test]
fn malformed_row_names_its_line_and_can_be_skipped() {
    let csv = "record_id,given_name,family_name\n1,Ann,Lee\n2,Bob,Ray,extra\n3,Cy,Dee\n";
    let o = dedup_file(csv, &[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("in.csv: line 3: 4 fields, the header has 3"),
        "{e}"
    );
    assert!(e.contains("--skip-bad-rows"), "{e}");

    let o = dedup_file(csv, &["--skip-bad-rows"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("records    2 (1 malformed rows skipped)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_and_duplicate_record_ids() {
    let o = dedup_file("record_id,given_name\n,Ann\n", &[]);
    assert!(
        stderr(&o).contains("line 2 column record_id: record_id is empty"),
        "{}",
        stderr(&o)
    );
    let o = dedup_file("record_id,given_name\n7,Ann\n8,Bo\n7,Cy\n", &[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 4 column record_id: record id '7' also on line 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_mapping() {
    let o = dedup_file("record_id,first\n1,Ann\n", &["--map", "given=first"]);
    assert!(
        stderr(&o).contains("'given' is not a canonical field"),
        "{}",
        stderr(&o)
    );
    let o = dedup_file(
        "record_id,first\n1,Ann\n",
        &["--map", "given_name=forename"],
    );
    assert!(
        stderr(&o).contains("names column 'forename', which the header lacks"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    std::fs::write(&model, "{\n  \"version\": \"x\",\n  oops\n}").unwrap();
    let o = dedup_file("record_id,given_name\n1,Ann\n", &["--model", s(&model)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("model.json: line 3 column"),
        "{}",
        stderr(&o)
    );

    let text = std::fs::read_to_string(testdata("../models/default.json")).unwrap();
    std::fs::write(&model, text.replacen("\"exact\"", "\"identical\"", 1)).unwrap();
    let o = dedup_file("record_id,given_name\n1,Ann\n", &["--model", s(&model)]);
    assert!(
        stderr(&o).contains("fields[0].levels[0].level: 'identical' is not a level of given_name"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unparseable_values_are_counted_not_fatal() {
    let o = dedup_file(
        "record_id,given_name,birth_date,ssn\n1,Ann,31/31/1990,000-00-0000\n2,Ann,1990-01-02,\n",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("birth_date 1, ssn 1"), "{}", stderr(&o));
}
