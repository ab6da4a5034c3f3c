//! Estimating m and u from unlabelled data.
//!
//! u (how often different people agree) comes from random record pairs, which are almost
//! all non-matches. m (how often the same person's records agree) comes from
//! expectation–maximisation over the blocked candidate pairs: a two-class mixture whose
//! classes are "same person" and "different people" with conditionally independent
//! fields. The non-match class's level frequencies among blocked pairs are a nuisance
//! parameter (blocking makes non-matches agree more than at random) and are not kept.

use ndarray::{Array1, Array2};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::compare::{Comparison, FIELD_COUNT, Field};
use super::model::{MAX_LEVELS, Model};

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub max_iterations: usize,
    /// Stop when no m moves more than this.
    pub tolerance: f64,
    /// Smallest probability written for any level.
    pub floor: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            max_iterations: 100,
            tolerance: 1e-6,
            floor: 1e-6,
        }
    }
}

/// What training found.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub blocked_pairs: u64,
    pub distinct_patterns: usize,
    pub random_pairs: u64,
    pub iterations: usize,
    pub converged: bool,
    /// Share of blocked pairs estimated to be matches.
    pub match_share: f64,
    pub expected_matches: f64,
    pub prior_match_probability: f64,
}

/// Level frequencies (u) per field from comparisons of random pairs.
pub fn u_from_random(
    random: impl Iterator<Item = Comparison>,
    floor: f64,
) -> ([[f64; MAX_LEVELS]; FIELD_COUNT], u64) {
    let mut counts = [[0u64; MAX_LEVELS]; FIELD_COUNT];
    let mut n = 0;
    for c in random {
        n += 1;
        for f in Field::ALL {
            counts[f.index()][c.level(f) as usize] += 1;
        }
    }
    let mut u = [[0.0; MAX_LEVELS]; FIELD_COUNT];
    for f in Field::ALL {
        let fi = f.index();
        let present: u64 = counts[fi][1..].iter().sum();
        for l in 1..=f.levels().len() {
            u[fi][l] = if present == 0 {
                f64::NAN
            } else {
                (counts[fi][l] as f64 / present as f64).max(floor)
            };
        }
    }
    (u, n)
}

/// Trains `start` on blocked-pair comparisons and random-pair comparisons.
/// `total_pairs` is the number of distinct record pairs in the data (for the prior).
pub fn train(
    start: &Model,
    blocked: impl Iterator<Item = Comparison>,
    random: impl Iterator<Item = Comparison>,
    total_pairs: f64,
    config: TrainConfig,
) -> (Model, TrainReport) {
    let (u_random, random_pairs) = u_from_random(random, config.floor);

    let mut patterns: FxHashMap<[u8; FIELD_COUNT], u64> = FxHashMap::default();
    let mut blocked_pairs = 0;
    for c in blocked {
        *patterns.entry(c.levels).or_default() += 1;
        blocked_pairs += 1;
    }
    let keys: Vec<[u8; FIELD_COUNT]> = patterns.keys().copied().collect();
    let p = keys.len();
    let levels = Array2::from_shape_fn((p, FIELD_COUNT), |(i, f)| keys[i][f] as usize);
    let counts = Array1::from_shape_fn(p, |i| patterns[&keys[i]] as f64);

    let fields: Vec<Field> = Field::ALL.into_iter().filter(|f| start.uses(*f)).collect();
    let mut m = Array2::<f64>::zeros((FIELD_COUNT, MAX_LEVELS));
    let mut ub = Array2::<f64>::zeros((FIELD_COUNT, MAX_LEVELS));
    for &f in &fields {
        for l in 1..=f.levels().len() {
            let (m0, _) = start.m_u(f, l as u8);
            m[[f.index(), l]] = m0;
        }
    }
    // the non-match class starts at the blocked pairs' own level frequencies
    for (i, key) in keys.iter().enumerate() {
        for &f in &fields {
            ub[[f.index(), key[f.index()] as usize]] += counts[i];
        }
    }
    normalize_rows(&mut ub, &fields, config.floor);
    let mut lambda = 0.1f64;
    let mut iterations = 0;
    let mut converged = false;
    while iterations < config.max_iterations {
        iterations += 1;
        // E-step: probability each pattern is a match, in log space.
        let mut post = Array1::<f64>::zeros(p);
        for i in 0..p {
            let mut lm = lambda.ln();
            let mut lu = (1.0 - lambda).ln();
            for &f in &fields {
                let l = levels[[i, f.index()]];
                if l != 0 {
                    lm += m[[f.index(), l]].ln();
                    lu += ub[[f.index(), l]].ln();
                }
            }
            post[i] = 1.0 / (1.0 + (lu - lm).exp());
        }
        // M-step
        let weighted_match = &post * &counts;
        let weighted_non = &(1.0 - &post) * &counts;
        let total = counts.sum();
        lambda = (weighted_match.sum() / total).clamp(1e-9, 1.0 - 1e-9);
        let mut new_m = Array2::<f64>::zeros((FIELD_COUNT, MAX_LEVELS));
        let mut new_u = Array2::<f64>::zeros((FIELD_COUNT, MAX_LEVELS));
        for i in 0..p {
            for &f in &fields {
                let l = levels[[i, f.index()]];
                new_m[[f.index(), l]] += weighted_match[i];
                new_u[[f.index(), l]] += weighted_non[i];
            }
        }
        normalize_rows(&mut new_m, &fields, config.floor);
        normalize_rows(&mut new_u, &fields, config.floor);
        let change = (&new_m - &m).mapv(f64::abs).fold(0.0f64, |a, &b| a.max(b));
        m = new_m;
        ub = new_u;
        if change < config.tolerance {
            converged = true;
            break;
        }
    }

    let expected_matches = lambda * blocked_pairs as f64;
    let prior = (expected_matches / total_pairs.max(1.0)).clamp(1e-12, 0.5);
    let mut model = start.clone();
    for &f in &fields {
        let fi = f.index();
        let different = f.levels().len();
        // Random pairs include a few true matches (many in heavily duplicated files):
        // remove their share, u = (u_random − prior·m) / (1 − prior).
        let u_of = |l: usize| {
            let u = u_random[fi][l];
            if u.is_nan() {
                None
            } else {
                Some(((u - prior * m[[fi, l]]) / (1.0 - prior)).clamp(config.floor, 1.0))
            }
        };
        let u_diff = u_of(different).unwrap_or_else(|| start.m_u(f, different as u8).1);
        let m_diff = m[[fi, different]];
        for (k, name) in f.levels().iter().enumerate() {
            let l = k + 1;
            let u = u_of(l);
            // A partial agreement never counts as more evidence against a match than a
            // full disagreement (levels absent from the training data stay harmless).
            let u_for_floor = u.unwrap_or_else(|| start.m_u(f, l as u8).1);
            let m_l = m[[fi, l]].max((u_for_floor * m_diff / u_diff).min(1.0));
            model.set_m_u(f, name, Some(m_l.min(1.0)), u);
        }
    }
    model.prior_match_probability = prior;
    model
        .validate()
        .expect("trained probabilities are within (0, 1]");
    let report = TrainReport {
        blocked_pairs,
        distinct_patterns: p,
        random_pairs,
        iterations,
        converged,
        match_share: lambda,
        expected_matches,
        prior_match_probability: prior,
    };
    (model, report)
}

/// Turns counts into probabilities over each field's present levels (1..), floored.
fn normalize_rows(a: &mut Array2<f64>, fields: &[Field], floor: f64) {
    a.column_mut(0).fill(0.0);
    for &f in fields {
        let n = f.levels().len();
        let mut row = a.row_mut(f.index());
        let total: f64 = row.iter().skip(1).take(n).sum();
        for l in 1..=n {
            let v = if total > 0.0 {
                row[l] / total
            } else {
                1.0 / n as f64
            };
            row[l] = v.max(floor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    /// Data drawn from a known two-class model: EM must recover m for matches.
    #[test]
    fn recovers_known_m_probabilities() {
        let start = Model::default_model();
        let mut rng = SmallRng::seed_from_u64(7);
        let true_m_exact = 0.9;
        let mut blocked = Vec::new();
        let mut random = Vec::new();
        let draw =
            |rng: &mut SmallRng, agree: f64| -> u8 { if rng.gen_bool(agree) { 1 } else { 0 } };
        for i in 0..60_000 {
            let is_match = i % 3 == 0;
            let mut c = Comparison::default();
            for f in Field::ALL {
                let last = f.levels().len() as u8;
                let agree = if is_match { true_m_exact } else { 0.05 };
                c.levels[f.index()] = if draw(&mut rng, agree) == 1 { 1 } else { last };
            }
            blocked.push(c);
        }
        for _ in 0..60_000 {
            let mut c = Comparison::default();
            for f in Field::ALL {
                let last = f.levels().len() as u8;
                c.levels[f.index()] = if rng.gen_bool(0.01) { 1 } else { last };
            }
            random.push(c);
        }
        let (model, report) = train(
            &start,
            blocked.into_iter(),
            random.into_iter(),
            1e9,
            TrainConfig::default(),
        );
        assert!(report.converged);
        assert!(
            (report.match_share - 1.0 / 3.0).abs() < 0.01,
            "{}",
            report.match_share
        );
        for f in Field::ALL {
            let (m, u) = model.m_u(f, 1);
            assert!((m - true_m_exact).abs() < 0.02, "{f:?} m {m}");
            assert!((u - 0.01).abs() < 0.003, "{f:?} u {u}");
        }
    }
}
