//! `mpi dedup`, `mpi explain` and `mpi eval` on small files with known answers.

mod common;

use common::*;

#[test]
fn golden_dedup_of_the_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clusters.csv");
    let pairs = dir.path().join("pairs.csv");
    let o = mpi(&[
        "dedup",
        s(&testdata("small.csv")),
        "--out",
        s(&out),
        "--pairs",
        s(&pairs),
        "--truth",
        s(&testdata("small.truth.csv")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    let want = std::fs::read_to_string(testdata("small.expected.csv")).unwrap();
    assert_eq!(got, want);
    let summary = stderr(&o);
    assert!(summary.contains("records    24"), "{summary}");
    assert!(summary.contains("candidates"), "{summary}");
    assert!(summary.contains("peak memory"), "{summary}");
    // the look-alikes were stopped by the rules that name them
    let pairs = std::fs::read_to_string(&pairs).unwrap();
    for (a, b, rule) in [
        ("r04", "r05", "twins"),
        ("r07", "r09", "generations"),
        ("r10", "r12", "household"),
        ("r14", "r15", "certain_identifier"),
    ] {
        let line = pairs
            .lines()
            .find(|l| l.starts_with(&format!("{a},{b},")))
            .unwrap_or_else(|| panic!("pair {a},{b} in {pairs}"));
        assert!(line.ends_with(rule), "{line}");
    }
    // two John Smiths born the same day in different cities: the weights alone
    // keep them apart (the common-name frequencies shrink the name agreement)
    assert!(
        !pairs
            .lines()
            .any(|l| l.starts_with("r16,r17,") && l.contains(",link,")),
        "{pairs}"
    );
}

#[test]
fn explain_prints_a_waterfall_and_json() {
    let o = mpi(&["explain", s(&testdata("small.csv")), "r04", "r05"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("given_name"), "{text}");
    assert!(text.contains("rule twins"), "{text}");
    assert!(text.contains("decision no_match (by rule:twins)"), "{text}");

    let o = mpi(&["explain", s(&testdata("small.csv")), "r01", "r02", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "link");
    assert_eq!(v["model_version"], "mpi-default-0.1.0");
    let given = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "given_name")
        .unwrap();
    assert_eq!(given["level"], "nickname");
    assert_eq!(given["left"], "ROBERT");
    assert_eq!(given["right"], "BOB");
}

#[test]
fn eval_matches_hand_computed_figures() {
    // truth {a,b,c} {d,e} {f}; predicted clusters {a,b} {c,d} {e} {f}
    // true pairs ab ac bc de = 4; predicted ab cd = 2; correct ab = 1
    // precision 1/2, recall 1/4, F1 = 1/3
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("truth.csv");
    let pred = dir.path().join("pred.csv");
    std::fs::write(
        &truth,
        "record_id,entity_id\na,1\nb,1\nc,1\nd,2\ne,2\nf,3\n",
    )
    .unwrap();
    std::fs::write(
        &pred,
        "record_id,cluster_id\na,x\nb,x\nc,y\nd,y\ne,z\nf,w\n",
    )
    .unwrap();
    let o = mpi(&["eval", "--truth", s(&truth), s(&pred)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("precision 0.5000  recall 0.2500  F1 0.3333"),
        "{text}"
    );
    assert!(
        text.contains("true pairs found 1, false merges 1, missed 3"),
        "{text}"
    );

    // links: a–b right, d–f wrong; true pairs 4
    std::fs::write(&pred, "left_id,right_id\na,b\nd,f\n").unwrap();
    let o = mpi(&["eval", "--truth", s(&truth), s(&pred)]);
    assert!(
        stdout(&o).contains("precision 0.5000  recall 0.2500"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn synthetic_data_reports_every_hard_case_category() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("synth.csv");
    let truth = dir.path().join("truth.csv");
    let o = mpi(&[
        "synth",
        "--people",
        "3000",
        "--seed",
        "11",
        "--out",
        s(&data),
        "--truth",
        s(&truth),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("clusters.csv");
    let o = mpi(&["dedup", s(&data), "--out", s(&out), "--truth", s(&truth)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stderr(&o);
    for tag in [
        "twin",
        "jr_sr",
        "household",
        "common_name",
        "nickname",
        "married_name",
        "typo",
        "transposed_date",
        "missing_id",
        "masked_ssn",
        "alias",
    ] {
        assert!(
            summary.contains(&format!("  {tag} ")),
            "{tag} missing from\n{summary}"
        );
    }
    assert!(f1(&summary) > 0.9, "{summary}");
}
