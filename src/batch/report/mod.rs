//! `--report`: one self-contained HTML file (inline CSS and SVG, nothing fetched) with
//! the score histogram and thresholds, the model's weight for every field and level,
//! the cluster-size distribution, explained examples near each threshold and, with a
//! truth file, precision, recall, F1 and explained false merges and missed matches.
//!
//! The report shows record values (that is its purpose), so it is written only where the
//! user asks and never logged.

mod charts;
mod examples;
mod html;

use std::fmt::Write as _;
use std::path::Path;

use html::{esc, table};

use super::eval::{Evaluation, Truth};
use super::input::Records;
use super::progress::{Phases, peak_memory};
use super::scoring::Scored;
use crate::matching::Matcher;

/// Examples shown on each side of a threshold, and of each kind of error.
const EXAMPLES: usize = 3;
const ERROR_EXAMPLES: usize = 6;

/// What a report is made from.
pub struct Report<'a> {
    /// "Deduplication of patients.csv" and the like.
    pub title: String,
    pub records: &'a Records,
    pub matcher: &'a Matcher,
    pub scored: &'a Scored,
    pub phases: &'a Phases,
    /// Per record, a representative of its predicted person (cluster, or linked pair).
    pub group: Vec<u32>,
    /// Lines of the run summary shown at the top (`label`, value).
    pub facts: Vec<(String, String)>,
    pub truth: Option<&'a Truth>,
    pub evaluation: Option<&'a Evaluation>,
    /// Whether two records could be predicted together (linkage: only across files).
    pub comparable: &'a dyn Fn(u32, u32) -> bool,
}

impl Report<'_> {
    /// Writes the report to `path`.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, self.render())
            .map_err(|e| anyhow::anyhow!("{}: cannot write the report: {e}", path.display()))
    }

    /// The whole HTML page.
    pub fn render(&self) -> String {
        let mut body = String::new();
        let _ = writeln!(body, "<h1>{}</h1>", esc(&self.title));
        let _ = writeln!(
            body,
            "<p class=\"note\">Made by mpi {} with model <b>{}</b>. This file contains \
             patient data from the input: handle it as you handle the input.</p>",
            env!("CARGO_PKG_VERSION"),
            esc(&self.matcher.model.version)
        );
        body.push_str(&self.summary());
        if let Some(e) = self.evaluation {
            body.push_str(&accuracy(e));
        }
        let (link_w, review_w) = self.matcher.model.threshold_weights();
        body.push_str("<h2>Score distribution</h2>\n");
        let _ = writeln!(
            body,
            "<p>Every candidate pair's total weight. Pairs at or above {link_w:.2} \
             (probability {}) link; from {review_w:.2} (probability {}) they go to review.</p>",
            self.matcher.model.thresholds.link, self.matcher.model.thresholds.review
        );
        body.push_str(&charts::histogram(&self.scored.histogram, link_w, review_w));
        body.push_str(&self.cluster_sizes());
        body.push_str(&self.model_weights());
        body.push_str(&self.threshold_examples(review_w, link_w));
        if let Some(truth) = self.truth {
            body.push_str(&self.errors(truth));
        }
        html::page(&self.title, &body)
    }

    fn summary(&self) -> String {
        let mut rows: Vec<Vec<String>> = self
            .facts
            .iter()
            .map(|(k, v)| vec![esc(k), esc(v)])
            .collect();
        let times: Vec<String> = self
            .phases
            .phases
            .iter()
            .map(|(name, d)| format!("{name} {:.2}s", d.as_secs_f64()))
            .collect();
        rows.push(vec![
            "time".into(),
            esc(&format!(
                "{} = {:.2}s",
                times.join(", "),
                self.phases.total().as_secs_f64()
            )),
        ]);
        if let Some(bytes) = peak_memory() {
            rows.push(vec![
                "peak memory".into(),
                format!("{} MiB", bytes / (1 << 20)),
            ]);
        }
        format!("<h2>Run</h2>\n{}", table("kv", &["", ""], &rows))
    }

    fn cluster_sizes(&self) -> String {
        let mut size = vec![0u32; self.group.len()];
        for g in &self.group {
            size[*g as usize] += 1;
        }
        let mut count_by_size = std::collections::BTreeMap::<u32, u64>::new();
        for s in size.into_iter().filter(|s| *s > 0) {
            *count_by_size.entry(s.min(10)).or_default() += 1;
        }
        let items: Vec<(String, u64)> = count_by_size
            .iter()
            .map(|(s, n)| {
                let label = if *s == 10 {
                    "10 or more".to_string()
                } else {
                    format!("{s} record{}", if *s == 1 { "" } else { "s" })
                };
                (label, *n)
            })
            .collect();
        format!(
            "<h2>Persons by number of records</h2>\n<p>How many predicted persons have \
             one record, two, three…</p>\n{}",
            charts::bars(&items)
        )
    }

    fn model_weights(&self) -> String {
        let model = &self.matcher.model;
        let mut out = String::from(
            "<h2>Model</h2>\n<p>The weight of each comparison level is log2(m/u): m is how \
             often the level occurs between records of the same person, u between different \
             people. Levels marked * use the value's frequency in the data as u (agreeing on \
             a rare name counts for more).</p>\n<div class=\"grid\">\n",
        );
        let max = model
            .fields
            .iter()
            .flat_map(|f| f.levels.iter())
            .map(|l| (l.m / l.u).log2().abs())
            .fold(1.0, f64::max);
        for f in &model.fields {
            let tf_levels: &[String] = f
                .term_frequency
                .as_ref()
                .map(|t| t.levels.as_slice())
                .unwrap_or(&[]);
            let rows: Vec<Vec<String>> = f
                .levels
                .iter()
                .map(|l| {
                    let w = (l.m / l.u).log2();
                    let class = if w >= 0.0 { "pos" } else { "neg" };
                    let marked = if tf_levels.contains(&l.level) {
                        "*"
                    } else {
                        ""
                    };
                    vec![
                        format!("{}{marked}", esc(&l.level)),
                        format!("{:.4}", l.m),
                        format!("{:.3e}", l.u),
                        examples::signed(w as f32),
                        format!(
                            "<span class=\"bar {class}\" style=\"width:{:.0}px\"></span>",
                            (w.abs() / max * 120.0).max(1.0)
                        ),
                    ]
                })
                .collect();
            let _ = write!(
                out,
                "<div><h3>{}</h3>\n{}</div>\n",
                esc(&f.field),
                table("weights", &["level", "m", "u", "weight", ""], &rows)
            );
        }
        out.push_str("</div>\n");
        let groups: Vec<Vec<String>> = model
            .groups
            .iter()
            .map(|g| {
                vec![
                    esc(&g.name),
                    esc(&g.fields.join(", ")),
                    format!("{:.1}", g.max_weight),
                ]
            })
            .collect();
        if !groups.is_empty() {
            out.push_str(
                "<p>Correlated fields (family members share them) have their positive \
                 weight summed and capped:</p>\n",
            );
            out.push_str(&table("groups", &["group", "fields", "cap"], &groups));
        }
        let rules = &model.rules;
        let on = |b: bool| if b { "on" } else { "off" };
        let _ = writeln!(
            out,
            "<p>Rules: certain identifier {}, twins {}, generations {} (gap ≥ {} years), \
             household {}, common name {} (given ≥ {}, family ≥ {} of records). Prior match \
             probability {:e}.</p>",
            on(rules.certain_identifier),
            on(rules.twins),
            on(rules.generations),
            rules.generation_min_years,
            on(rules.household),
            on(rules.common_name),
            rules.common_given_frequency,
            rules.common_family_frequency,
            model.prior_match_probability
        );
        out
    }

    fn threshold_examples(&self, review_w: f32, link_w: f32) -> String {
        let mut out = String::from(
            "<h2>Examples near the thresholds</h2>\n<p>The pairs scored closest to each \
             threshold, on both sides, with the evidence for every field.</p>\n",
        );
        for (name, w) in [("review", review_w), ("link", link_w)] {
            let _ = writeln!(out, "<h3>Around the {name} threshold ({w:.2})</h3>");
            let pairs = examples::near_threshold(self.scored, w, EXAMPLES);
            if pairs.is_empty() {
                out.push_str("<p class=\"note\">No pairs scored near it.</p>\n");
            }
            for p in pairs {
                out.push_str(&self.pair(p, ""));
            }
        }
        out
    }

    fn errors(&self, truth: &Truth) -> String {
        let entity = examples::entities(&self.records.ids, truth);
        let mut out = String::new();
        let (wrong, n_wrong) = examples::false_merges(&self.group, &entity, ERROR_EXAMPLES);
        let _ = writeln!(
            out,
            "<h2>False merges</h2>\n<p>{n_wrong} predicted pairs of records are different \
             people according to the truth file{}.</p>",
            if n_wrong > wrong.len() {
                format!("; {} of them, spread over the list", wrong.len())
            } else {
                String::new()
            }
        );
        for p in wrong {
            out.push_str(&self.pair(p, &self.tags(truth, p)));
        }
        let (missed, n_missed) =
            examples::missed_matches(&self.group, &entity, self.comparable, ERROR_EXAMPLES);
        let _ = writeln!(
            out,
            "<h2>Missed matches</h2>\n<p>{n_missed} pairs of records of the same person were \
             not predicted together{}. Pairs never proposed by blocking show here too, \
             scored now.</p>",
            if n_missed > missed.len() {
                format!("; {} of them, spread over the list", missed.len())
            } else {
                String::new()
            }
        );
        for p in missed {
            out.push_str(&self.pair(p, &self.tags(truth, p)));
        }
        out
    }

    fn pair(&self, p: (u32, u32), note: &str) -> String {
        examples::render_pair(
            self.matcher,
            &self.records.records,
            &self.records.ids,
            p,
            note,
        )
    }

    /// The truth categories of a pair, e.g. "twin, household".
    fn tags(&self, truth: &Truth, (a, b): (u32, u32)) -> String {
        let mut tags: Vec<&str> = [a, b]
            .iter()
            .filter_map(|i| truth.tags.get(self.records.ids[*i as usize].as_str()))
            .flatten()
            .map(String::as_str)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags.join(", ")
    }
}

fn accuracy(e: &Evaluation) -> String {
    let o = &e.overall;
    let mut out = format!(
        "<h2>Accuracy against the truth file</h2>\n<p>Pairwise over record pairs: \
         <b>precision {:.4}</b>, <b>recall {:.4}</b>, <b>F1 {:.4}</b> ({} true pairs found, \
         {} false merges, {} missed).</p>\n",
        o.precision, o.recall, o.f1, o.true_positives, o.false_positives, o.false_negatives
    );
    if !e.categories.is_empty() {
        let rows: Vec<Vec<String>> = e
            .categories
            .iter()
            .map(|(tag, m)| {
                vec![
                    esc(tag),
                    format!("{:.4}", m.precision),
                    format!("{:.4}", m.recall),
                    format!("{:.4}", m.f1),
                    m.false_positives.to_string(),
                    m.false_negatives.to_string(),
                ]
            })
            .collect();
        out.push_str("<p>By category of the truth file (a pair counts in the categories of both records):</p>\n");
        out.push_str(&table(
            "categories",
            &[
                "category",
                "precision",
                "recall",
                "F1",
                "false merges",
                "missed",
            ],
            &rows,
        ));
    }
    if e.unknown_ids > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} records are not in the truth file and were left out.</p>",
            e.unknown_ids
        );
    }
    out
}

/// The report of a dedup run.
pub fn dedup_report<'a>(run: &'a super::dedup::DedupRun, input: &Path) -> Report<'a> {
    let s = &run.scored;
    let sizes = run.cluster_sizes();
    let facts = vec![
        ("input".into(), input.display().to_string()),
        (
            "records".into(),
            format!(
                "{} ({} malformed rows skipped)",
                run.records.len(),
                run.records.skipped.len()
            ),
        ),
        ("candidate pairs".into(), s.candidates.to_string()),
        (
            "decisions".into(),
            format!(
                "{} link, {} review, {} stopped or capped by guard rules",
                s.links, s.reviews, s.guarded
            ),
        ),
        (
            "persons".into(),
            format!(
                "{} ({} with more than one record); {} links refused to prevent chaining",
                sizes.len(),
                sizes.iter().filter(|n| **n > 1).count(),
                run.cluster_stats.refused
            ),
        ),
    ];
    Report {
        title: format!("Deduplication of {}", file_name(input)),
        records: &run.records,
        matcher: &run.matcher,
        scored: s,
        phases: &run.phases,
        group: run.cluster.clone(),
        facts,
        truth: run.truth.as_ref(),
        evaluation: run.evaluation.as_ref(),
        comparable: &|_, _| true,
    }
}

/// The report of a link run; `across` says whether two records are in different files.
pub fn link_report<'a>(
    run: &'a super::link::LinkRun,
    left: &Path,
    right: &Path,
    across: &'a dyn Fn(u32, u32) -> bool,
) -> Report<'a> {
    let s = &run.scored;
    // each linked pair (or star, with --many) is one person
    let mut group: Vec<u32> = (0..run.records.len() as u32).collect();
    fn root(group: &mut [u32], mut i: u32) -> u32 {
        while group[i as usize] != i {
            group[i as usize] = group[group[i as usize] as usize];
            i = group[i as usize];
        }
        i
    }
    for p in &run.links {
        let (x, y) = (root(&mut group, p.a), root(&mut group, p.b));
        if x != y {
            group[x.max(y) as usize] = x.min(y);
        }
    }
    for i in 0..group.len() as u32 {
        group[i as usize] = root(&mut group, i);
    }
    let facts = vec![
        (
            "left".into(),
            format!("{} ({} records)", left.display(), run.split),
        ),
        (
            "right".into(),
            format!(
                "{} ({} records)",
                right.display(),
                run.records.len() as u32 - run.split
            ),
        ),
        ("candidate pairs".into(), s.candidates.to_string()),
        (
            "decisions".into(),
            format!(
                "{} link, {} review, {} stopped or capped by guard rules",
                s.links, s.reviews, s.guarded
            ),
        ),
        ("links accepted".into(), run.links.len().to_string()),
    ];
    Report {
        title: format!("Linkage of {} and {}", file_name(left), file_name(right)),
        records: &run.records,
        matcher: &run.matcher,
        scored: s,
        phases: &run.phases,
        group,
        facts,
        truth: run.truth.as_ref(),
        evaluation: run.evaluation.as_ref(),
        comparable: across,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
