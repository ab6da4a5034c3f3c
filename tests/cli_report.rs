//! `--report`: one self-contained HTML file with the charts, the model and explained
//! examples, for dedup and link.

mod common;

use common::*;

/// Every opening tag of these elements is closed.
fn assert_balanced(html: &str) {
    for tag in ["html", "body", "table", "svg", "details", "div", "h2", "p"] {
        let open =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
}

/// Nothing in the page is fetched from elsewhere.
fn assert_self_contained(html: &str) {
    for needle in ["src=", "href=", "<link", "<script", "url(", "@import"] {
        assert!(!html.contains(needle), "report refers out with {needle}");
    }
}

#[test]
fn dedup_report_shows_histogram_model_examples_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    // a truth file that disagrees with the engine twice: r01/r02 are called different
    // people (a false merge) and r16/r17 the same person (a missed match)
    let truth = std::fs::read_to_string(testdata("small.truth.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut cols: Vec<String> = l.split(',').map(str::to_string).collect();
            match cols[0].as_str() {
                "r01" => cols[1] = "someone-else".into(),
                "r17" => {
                    let r16 = std::fs::read_to_string(testdata("small.truth.csv")).unwrap();
                    let line = r16.lines().find(|l| l.starts_with("r16,")).unwrap();
                    cols[1] = line.split(',').nth(1).unwrap().into();
                }
                _ => {}
            }
            cols.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let truth_path = dir.path().join("truth.csv");
    std::fs::write(&truth_path, truth + "\n").unwrap();
    let report = dir.path().join("report.html");
    let o = mpi(&[
        "dedup",
        s(&testdata("small.csv")),
        "--out",
        s(&dir.path().join("c.csv")),
        "--truth",
        s(&truth_path),
        "--report",
        s(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_balanced(&html);
    assert_self_contained(&html);
    assert!(html.contains("<title>Deduplication of small.csv</title>"));
    // the histogram with both thresholds
    assert!(html.contains("aria-label=\"Histogram of candidate pair weights\""));
    assert!(html.contains("review ≥ -1.22"), "review threshold line");
    assert!(html.contains("link ≥ 6.63"), "link threshold line");
    // every field of the model and each of its levels
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("models/default.json").unwrap()).unwrap();
    for field in model["fields"].as_array().unwrap() {
        let name = field["field"].as_str().unwrap();
        assert!(html.contains(&format!("<h3>{name}</h3>")), "{name}");
        let section = html.split(&format!("<h3>{name}</h3>")).nth(1).unwrap();
        let section = section.split("</table>").next().unwrap();
        for level in field["levels"].as_array().unwrap() {
            let level = level["level"].as_str().unwrap();
            assert!(section.contains(&format!("<td>{level}")), "{name} {level}");
        }
    }
    // cluster sizes: small.csv has persons of one, two and three records
    assert!(html.contains("Persons by number of records"));
    for label in [">1 record<", ">2 records<", ">3 records<"] {
        assert!(html.contains(label), "{label}");
    }
    // explained examples near both thresholds
    assert!(html.contains("Around the review threshold"));
    assert!(html.contains("Around the link threshold"));
    assert!(html.matches("<details>").count() >= 4);
    // accuracy, and the two disagreements explained in their sections
    assert!(html.contains("<b>precision"), "accuracy section");
    let (merges, missed) = html
        .split_once("<h2>False merges</h2>")
        .unwrap()
        .1
        .split_once("<h2>Missed matches</h2>")
        .unwrap();
    assert!(merges.contains("<b>r01</b> ↔ <b>r02</b>"), "{merges}");
    assert!(merges.contains("<b>r01</b> ↔ <b>r03</b>"), "{merges}");
    assert!(missed.contains("<b>r16</b> ↔ <b>r17</b>"), "{missed}");
    assert!(
        missed.contains("common_name"),
        "the pair's truth category is shown"
    );
}

#[test]
fn link_report_covers_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("link.html");
    let o = mpi(&[
        "link",
        s(&testdata("febrl/dataset4a.csv")),
        s(&testdata("febrl/dataset4b.csv")),
        "--map",
        "@testdata/maps/febrl.map",
        "--out",
        s(&dir.path().join("links.csv")),
        "--report",
        s(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert_balanced(&html);
    assert_self_contained(&html);
    assert!(html.contains("<title>Linkage of dataset4a.csv and dataset4b.csv</title>"));
    assert!(html.contains("links accepted"));
    assert!(html.contains("Around the link threshold"));
    // no truth file, no error sections
    assert!(!html.contains("False merges"));
}

#[test]
fn an_unwritable_report_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = mpi(&[
        "dedup",
        s(&testdata("small.csv")),
        "--out",
        s(&dir.path().join("c.csv")),
        "--report",
        s(&dir.path().join("missing-dir/report.html")),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("report.html: cannot write here: folder") && err.contains("does not exist"),
        "{err}"
    );
    // checked before any work, so nothing was written
    assert!(!dir.path().join("c.csv").exists());
}
