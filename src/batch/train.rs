//! `mpi train`: estimate a model's m and u from one unlabelled file.

use std::path::Path;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use super::blocking::{self, BlockingLimits, Scope, unpack};
use super::input::{self, InputOptions};
use crate::matching::train::{self, TrainConfig, TrainReport};
use crate::matching::{Comparison, Model, compare};

/// Training settings of the command.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub input: InputOptions,
    pub random_pairs: usize,
    pub seed: u64,
    pub version: Option<String>,
}

/// Trains `start` on the records of `path`.
pub fn train_file(
    path: &Path,
    start: &Model,
    options: &TrainOptions,
) -> anyhow::Result<(Model, TrainReport)> {
    let records = input::read_records(path, &options.input)?;
    let n = records.len();
    anyhow::ensure!(
        n >= 2,
        "{}: need at least two records to train",
        path.display()
    );
    let pairs =
        blocking::candidate_pairs(&records.records, Scope::Within, BlockingLimits::default());
    let blocked: Vec<Comparison> = pairs
        .par_iter()
        .map(|&p| {
            let (a, b) = unpack(p);
            compare(&records.records[a as usize], &records.records[b as usize])
        })
        .collect();
    let mut rng = SmallRng::seed_from_u64(options.seed);
    let random: Vec<Comparison> = (0..options.random_pairs)
        .map(|_| {
            let a = rng.gen_range(0..n);
            let mut b = rng.gen_range(0..n - 1);
            if b >= a {
                b += 1;
            }
            compare(&records.records[a], &records.records[b])
        })
        .collect();
    let total_pairs = n as f64 * (n as f64 - 1.0) / 2.0;
    let (mut model, report) = train::train(
        start,
        blocked.into_iter(),
        random.into_iter(),
        total_pairs,
        TrainConfig::default(),
    );
    model.version = options
        .version
        .clone()
        .unwrap_or_else(|| format!("{}+trained", start.version));
    model.description = format!(
        "Trained by `mpi train` on {} records ({} blocked pairs, {} random pairs, seed {}) from {}.",
        n, report.blocked_pairs, report.random_pairs, options.seed, start.version
    );
    Ok((model, report))
}
