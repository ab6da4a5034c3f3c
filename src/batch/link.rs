//! Linking two files: each left record to the right record(s) describing the same person.

use std::path::Path;

use super::blocking::{self, Scope};
use super::dedup::BatchConfig;
use super::eval::{self, Evaluation, Truth};
use super::input::{self, Records};
use super::progress::Phases;
use super::scoring::{self, Scored, ScoredPair};
use crate::matching::{Decision, Matcher, Model, TermFrequencies};

/// Everything a link run produced. Records are the left file's followed by the right's.
#[derive(Debug)]
pub struct LinkRun {
    pub records: Records,
    /// Index of the first right record.
    pub split: u32,
    pub matcher: Matcher,
    pub scored: Scored,
    /// Accepted links, best first.
    pub links: Vec<ScoredPair>,
    pub phases: Phases,
    pub truth: Option<Truth>,
    pub evaluation: Option<Evaluation>,
}

/// Links `left` to `right`. With `one_to_one`, each record takes part in at most one
/// link, strongest first (right when both files are already deduplicated).
pub fn link(
    left: &Path,
    right: &Path,
    model: Model,
    config: &BatchConfig,
    one_to_one: bool,
) -> anyhow::Result<LinkRun> {
    let mut phases = Phases::default();
    let truth = config.truth.as_deref().map(eval::read_truth).transpose()?;
    let mut records = phases.run("read", || input::read_records(left, &config.input))?;
    let right_records = phases.run("read", || input::read_records(right, &config.input))?;
    let split = records.len() as u32;
    records.ids.extend(right_records.ids);
    records.records.extend(right_records.records);
    records.skipped.extend(right_records.skipped);
    let matcher = phases.run("frequencies", || {
        Matcher::new(model, TermFrequencies::from_records(&records.records))
    });
    let pairs = phases.run("block", || {
        blocking::candidate_pairs(&records.records, Scope::Across { split }, config.limits)
    });
    let (_, review_weight) = matcher.model.threshold_weights();
    let scored = phases.run("score", || {
        scoring::score_pairs(&records.records, &pairs, &matcher, review_weight - 10.0)
    });
    drop(pairs);
    let links = phases.run("assign", || {
        let mut links: Vec<ScoredPair> = scored
            .kept
            .iter()
            .filter(|p| p.decision == Decision::Link)
            .copied()
            .collect();
        links.sort_by(|x, y| {
            y.certain()
                .cmp(&x.certain())
                .then(y.weight.total_cmp(&x.weight))
        });
        if one_to_one {
            let mut used = vec![false; records.len()];
            links.retain(|p| {
                let free = !used[p.a as usize] && !used[p.b as usize];
                if free {
                    used[p.a as usize] = true;
                    used[p.b as usize] = true;
                }
                free
            });
        }
        links
    });
    let evaluation = truth.as_ref().map(|t| {
        phases.run("evaluate", || {
            eval::evaluate_pairs(&records.ids, links.iter().map(|p| (p.a, p.b)), t, |a, b| {
                (a < split) != (b < split)
            })
        })
    });
    Ok(LinkRun {
        records,
        split,
        matcher,
        scored,
        links,
        phases,
        truth,
        evaluation,
    })
}
