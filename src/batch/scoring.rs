//! Scoring candidate pairs in parallel, keeping the ones worth writing or clustering and
//! a histogram of all weights.

use rayon::prelude::*;

use super::blocking::{PackedPair, unpack};
use crate::matching::rules::{Effect, Rule, RuleHits};
use crate::matching::{Decision, Matcher};
use crate::normalize::NormalizedRecord;

/// A scored pair, compact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub weight: f32,
    pub decision: Decision,
    /// One bit per `Rule` that fired (see `rule_bits`).
    pub rules: u8,
}

impl ScoredPair {
    /// True when a certain rule linked it.
    pub fn certain(&self) -> bool {
        self.rules & rule_bit(Rule::CertainIdentifier) != 0
    }
}

pub const RULES: [Rule; 5] = [
    Rule::CertainIdentifier,
    Rule::Twins,
    Rule::Generations,
    Rule::Household,
    Rule::CommonName,
];

pub fn rule_bit(rule: Rule) -> u8 {
    1 << RULES.iter().position(|r| *r == rule).expect("listed rule")
}

fn rule_bits(hits: &RuleHits) -> u8 {
    hits.iter().fold(0, |m, h| m | rule_bit(h.rule))
}

/// Lowest weight bin of the histogram (weights below land in the first bin).
pub const HIST_MIN: i32 = -64;
/// Number of one-unit bins.
pub const HIST_BINS: usize = 192;

/// Counts of pair weights per unit bin and decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// `[bin][decision as usize]` with decisions NoMatch, Review, Link.
    pub counts: Vec<[u64; 3]>,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![[0; 3]; HIST_BINS],
        }
    }
}

impl Histogram {
    pub fn bin(weight: f32) -> usize {
        ((weight.floor() as i32 - HIST_MIN).max(0) as usize).min(HIST_BINS - 1)
    }

    fn add(&mut self, weight: f32, decision: Decision) {
        self.counts[Self::bin(weight)][decision as usize] += 1;
    }

    fn merge(mut self, other: Histogram) -> Histogram {
        for (x, y) in self.counts.iter_mut().zip(other.counts) {
            for k in 0..3 {
                x[k] += y[k];
            }
        }
        self
    }
}

/// The outcome of scoring all candidates.
#[derive(Debug, Default)]
pub struct Scored {
    pub candidates: u64,
    /// Pairs at or above `keep_weight`, or decided by a rule; sorted by (a, b).
    pub kept: Vec<ScoredPair>,
    pub histogram: Histogram,
    pub links: u64,
    pub reviews: u64,
    /// Pairs a guard rule stopped or capped.
    pub guarded: u64,
}

/// Scores every candidate pair on all cores.
pub fn score_pairs(
    records: &[NormalizedRecord],
    pairs: &[PackedPair],
    matcher: &Matcher,
    keep_weight: f32,
) -> Scored {
    let bar = super::progress::items(pairs.len() as u64, "score");
    let chunk = 16_384;
    let (kept, histogram) = pairs
        .par_chunks(chunk)
        .map(|part| {
            let mut kept = Vec::new();
            let mut hist = Histogram::default();
            for &p in part {
                let (a, b) = unpack(p);
                let s = matcher.score(&records[a as usize], &records[b as usize]);
                hist.add(s.weight, s.decision);
                let guarded = s.rules.has(Effect::NoMatch) || s.rules.has(Effect::CapReview);
                if s.weight >= keep_weight
                    || s.decision != Decision::NoMatch
                    || (guarded && s.weight > 0.0)
                {
                    kept.push(ScoredPair {
                        a,
                        b,
                        weight: s.weight,
                        decision: s.decision,
                        rules: rule_bits(&s.rules),
                    });
                }
            }
            bar.inc(part.len() as u64);
            (kept, hist)
        })
        .reduce(
            || (Vec::new(), Histogram::default()),
            |(mut k1, h1), (k2, h2)| {
                k1.extend(k2);
                (k1, h1.merge(h2))
            },
        );
    bar.finish_and_clear();
    let mut kept = kept;
    kept.par_sort_unstable_by_key(|p| (p.a, p.b));
    let count = |d: Decision| kept.iter().filter(|p| p.decision == d).count() as u64;
    let guard_bits = !rule_bit(Rule::CertainIdentifier);
    Scored {
        candidates: pairs.len() as u64,
        links: count(Decision::Link),
        reviews: count(Decision::Review),
        guarded: kept.iter().filter(|p| p.rules & guard_bits != 0).count() as u64,
        kept,
        histogram,
    }
}
