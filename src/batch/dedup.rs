//! Deduplicating one file: read → block → score → cluster → (evaluate).

use std::path::{Path, PathBuf};

use super::blocking::{self, BlockingLimits, Scope};
use super::cluster::{self, ClusterStats, Edge};
use super::eval::{self, Evaluation, Truth};
use super::input::{self, InputOptions, Records};
use super::progress::Phases;
use super::scoring::{self, Scored};
use crate::matching::{Decision, Matcher, Model, TermFrequencies};

/// Settings of a batch run.
#[derive(Debug, Clone, Default)]
pub struct BatchConfig {
    pub input: InputOptions,
    pub limits: BlockingLimits,
    pub truth: Option<PathBuf>,
    /// Keep every scored candidate pair, not only likely ones.
    pub keep_all_pairs: bool,
}

/// Everything a dedup run produced.
#[derive(Debug)]
pub struct DedupRun {
    pub records: Records,
    pub matcher: Matcher,
    pub scored: Scored,
    /// Per record, the index of its cluster's first record.
    pub cluster: Vec<u32>,
    pub cluster_stats: ClusterStats,
    pub phases: Phases,
    pub truth: Option<Truth>,
    pub evaluation: Option<Evaluation>,
}

/// Deduplicates one file with a model.
pub fn dedup(path: &Path, model: Model, config: &BatchConfig) -> anyhow::Result<DedupRun> {
    let mut phases = Phases::default();
    let truth = config.truth.as_deref().map(eval::read_truth).transpose()?;
    let records = phases.run("read", || input::read_records(path, &config.input))?;
    tracing::info!(records = records.len(), "read");
    let matcher = phases.run("frequencies", || {
        Matcher::new(model, TermFrequencies::from_records(&records.records))
    });
    let pairs = phases.run("block", || {
        blocking::candidate_pairs(&records.records, Scope::Within, config.limits)
    });
    tracing::info!(candidates = pairs.len(), "blocked");
    let (_, review_weight) = matcher.model.threshold_weights();
    let scored = phases.run("score", || {
        let keep = if config.keep_all_pairs {
            f32::NEG_INFINITY
        } else {
            review_weight - 10.0
        };
        scoring::score_pairs(&records.records, &pairs, &matcher, keep)
    });
    drop(pairs);
    let (cluster, cluster_stats) = phases.run("cluster", || {
        let edges = scored
            .kept
            .iter()
            .filter(|p| p.decision == Decision::Link)
            .map(|p| Edge {
                a: p.a,
                b: p.b,
                weight: p.weight,
                certain: p.certain(),
            })
            .collect();
        cluster::cluster(&records.records, edges, &matcher)
    });
    let evaluation = truth.as_ref().map(|t| {
        phases.run("evaluate", || {
            eval::evaluate_pairs(&records.ids, eval::cluster_pairs(&cluster), t, |_, _| true)
        })
    });
    Ok(DedupRun {
        records,
        matcher,
        scored,
        cluster,
        cluster_stats,
        phases,
        truth,
        evaluation,
    })
}

impl DedupRun {
    /// Number of clusters (persons).
    pub fn cluster_count(&self) -> usize {
        self.cluster
            .iter()
            .enumerate()
            .filter(|(i, c)| **c as usize == *i)
            .count()
    }

    /// Sizes of all clusters.
    pub fn cluster_sizes(&self) -> Vec<u32> {
        let mut size = vec![0u32; self.cluster.len()];
        for c in &self.cluster {
            size[*c as usize] += 1;
        }
        size.into_iter().filter(|s| *s > 0).collect()
    }
}
