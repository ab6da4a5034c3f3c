//! Candidate pairs for batch runs: several blocking passes over the normalized records.
//! Each pass groups records by a key; small groups yield all their pairs, large ones
//! (common names, shared addresses) only pairs of near neighbours in name order, so no
//! key can explode the pair count.

use rayon::prelude::*;

pub use crate::matching::keys::Pass;
use crate::normalize::NormalizedRecord;

/// Limits on block sizes.
#[derive(Debug, Clone, Copy)]
pub struct BlockingLimits {
    /// Blocks up to this size yield every pair.
    pub full_block: usize,
    /// In larger blocks, each record is paired with this many following neighbours.
    pub window: usize,
}

impl Default for BlockingLimits {
    fn default() -> Self {
        BlockingLimits {
            full_block: 48,
            window: 12,
        }
    }
}

/// A pass's block limits: the broad passes get small blocks and narrow windows.
fn pass_limits(pass: Pass, limits: BlockingLimits) -> BlockingLimits {
    if pass.is_broad() {
        BlockingLimits {
            full_block: limits.full_block.min(4),
            window: limits.window.min(2),
        }
    } else {
        limits
    }
}

/// Which pairs are wanted: all pairs within one set, or only pairs across two sets
/// (records `0..split` against `split..`).
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Within,
    Across { split: u32 },
}

/// A candidate pair packed as `(smaller index << 32) | larger index`.
pub type PackedPair = u64;

pub fn pack(a: u32, b: u32) -> PackedPair {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    ((lo as u64) << 32) | hi as u64
}

pub fn unpack(p: PackedPair) -> (u32, u32) {
    ((p >> 32) as u32, p as u32)
}

/// Candidate pairs from every pass, sorted and without repeats.
pub fn candidate_pairs(
    records: &[NormalizedRecord],
    scope: Scope,
    limits: BlockingLimits,
) -> Vec<PackedPair> {
    let per_pass: Vec<Vec<PackedPair>> = Pass::ALL
        .par_iter()
        .map(|pass| pass_pairs(*pass, records, scope, limits))
        .collect();
    let mut pairs: Vec<PackedPair> = Vec::with_capacity(per_pass.iter().map(Vec::len).sum());
    for p in per_pass {
        pairs.extend(p);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn pass_pairs(
    pass: Pass,
    records: &[NormalizedRecord],
    scope: Scope,
    limits: BlockingLimits,
) -> Vec<PackedPair> {
    let mut keyed: Vec<(u64, u32)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| pass.key(r).map(|k| (k, i as u32)))
        .collect();
    keyed.sort_unstable();
    let mut pairs = Vec::new();
    let mut start = 0;
    while start < keyed.len() {
        let key = keyed[start].0;
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == key {
            end += 1;
        }
        let block: Vec<u32> = keyed[start..end].iter().map(|(_, i)| *i).collect();
        let from = pairs.len();
        block_pairs(
            &block,
            records,
            scope,
            pass_limits(pass, limits),
            &mut pairs,
        );
        if pass.needs_undated() {
            let mut k = from;
            for j in from..pairs.len() {
                let (a, b) = unpack(pairs[j]);
                if records[a as usize].birth_date.is_none()
                    || records[b as usize].birth_date.is_none()
                {
                    pairs[k] = pairs[j];
                    k += 1;
                }
            }
            pairs.truncate(k);
        }
        start = end;
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn wanted(a: u32, b: u32, scope: Scope) -> bool {
    match scope {
        Scope::Within => true,
        Scope::Across { split } => (a < split) != (b < split),
    }
}

fn block_pairs(
    block: &[u32],
    records: &[NormalizedRecord],
    scope: Scope,
    limits: BlockingLimits,
    out: &mut Vec<PackedPair>,
) {
    if block.len() < 2 {
        return;
    }
    if block.len() <= limits.full_block {
        for (i, &a) in block.iter().enumerate() {
            for &b in &block[i + 1..] {
                if wanted(a, b, scope) {
                    out.push(pack(a, b));
                }
            }
        }
        return;
    }
    let mut ordered = block.to_vec();
    let name = |i: u32| {
        let r = &records[i as usize];
        (
            r.family.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
            r.given.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
            r.birth_date.map(|d| d.as_number()).unwrap_or(0),
        )
    };
    ordered.sort_unstable_by(|&a, &b| name(a).cmp(&name(b)));
    for (i, &a) in ordered.iter().enumerate() {
        for &b in ordered[i + 1..].iter().take(limits.window) {
            if wanted(a, b, scope) {
                out.push(pack(a, b));
            }
        }
    }
}

#[cfg(test)]
#[path = "blocking_tests.rs"]
mod tests;
