//! Accuracy on the FEBRL benchmark (testdata/febrl): train on dataset3 with EM, then
//! deduplicate dataset3 and link dataset4a ↔ dataset4b.
//!
//! FEBRL has no twins, Jr/Sr, households or common-name look-alikes, and its duplicates
//! carry whole-field replacements that look exactly like them, so the targets are
//! measured with the guard rules off (`--no-guards`); with them on, a floor is asserted.

mod common;

use common::*;

struct Febrl {
    dir: tempfile::TempDir,
}

impl Febrl {
    fn new() -> Self {
        let f = Febrl {
            dir: tempfile::tempdir().unwrap(),
        };
        febrl_truth(&["dataset3.csv"], &f.path("truth3.csv"));
        febrl_truth(&["dataset4a.csv", "dataset4b.csv"], &f.path("truth4.csv"));
        let o = mpi(&[
            "train",
            s(&testdata("febrl/dataset3.csv")),
            "--map",
            "@testdata/maps/febrl.map",
            "--random-pairs",
            "500000",
            "--out",
            s(&f.path("model.json")),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        f
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn dedup(&self, guards: bool) -> f64 {
        let mut args = vec![
            "dedup".to_string(),
            s(&testdata("febrl/dataset3.csv")).into(),
            "--map".into(),
            "@testdata/maps/febrl.map".into(),
            "--model".into(),
            s(&self.path("model.json")).into(),
            "--out".into(),
            s(&self.path("c.csv")).into(),
            "--truth".into(),
            s(&self.path("truth3.csv")).into(),
        ];
        if !guards {
            args.push("--no-guards".into());
        }
        let o = mpi(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", stderr(&o));
        f1(&stderr(&o))
    }

    fn link(&self, guards: bool) -> f64 {
        let mut args = vec![
            "link".to_string(),
            s(&testdata("febrl/dataset4a.csv")).into(),
            s(&testdata("febrl/dataset4b.csv")).into(),
            "--map".into(),
            "@testdata/maps/febrl.map".into(),
            "--model".into(),
            s(&self.path("model.json")).into(),
            "--out".into(),
            s(&self.path("l.csv")).into(),
            "--truth".into(),
            s(&self.path("truth4.csv")).into(),
        ];
        if !guards {
            args.push("--no-guards".into());
        }
        let o = mpi(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", stderr(&o));
        f1(&stderr(&o))
    }
}

#[test]
fn febrl_accuracy() {
    let f = Febrl::new();
    let dedup = f.dedup(false);
    assert!(dedup >= 0.998, "dataset3 dedup F1 {dedup}");
    let link = f.link(false);
    assert!(link >= 0.999, "dataset4a↔4b link F1 {link}");
    // with the guards on, FEBRL's replaced names and dates read as twins and households
    let guarded = f.dedup(true);
    assert!(guarded >= 0.975, "dataset3 dedup F1 with guards {guarded}");
    let guarded = f.link(true);
    assert!(guarded >= 0.975, "dataset4 link F1 with guards {guarded}");
}
