//! Candidate pairs for batch runs: several blocking passes over the normalized records.
//! Each pass groups records by a key; small groups yield all their pairs, large ones
//! (common names, shared addresses) only pairs of near neighbours in name order, so no
//! key can explode the pair count.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use crate::domain::value::Ssn;
use crate::normalize::{NormalizedRecord, nickname, phonetic};

/// The blocking passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Family-name sound and birth year.
    FamilyBirthYear,
    /// Formal given-name sound and full birth date.
    GivenBirthDate,
    /// Both name sounds in either order, with birth month and day in either order
    /// (survives swapped names, a mistyped year and a day/month transposition).
    NameSounds,
    /// Both name sounds in either order with the birth year (survives a mistyped day
    /// or month).
    NameSoundsYear,
    /// Both name sounds in either order, for pairs where a birth date is missing.
    NameSoundsUndated,
    /// Both name sounds in either order alone, in small blocks and narrow windows
    /// (survives a birth date mistyped beyond the other passes).
    NameSoundsAny,
    /// The full identifier.
    Identifier,
    /// Identifier last four and birth year (full vs masked identifiers).
    IdentifierLastFour,
    /// The local phone number.
    Phone,
    /// The e-mail address.
    Email,
    /// The street address line.
    Address,
    /// Birth date and postal code.
    BirthDatePostal,
    /// Birth date and family-name initial.
    BirthDateFamilyInitial,
    /// Family-name sound, postal code and birth decade.
    FamilyPostal,
    /// Given-name sound, postal code and birth decade.
    GivenPostal,
    /// The identifier's first five digits in sorted order and its last four (survives
    /// a transposition in the first five).
    IdentifierHeadSorted,
    /// The identifier's first five digits and its last four in sorted order.
    IdentifierTailSorted,
    /// All the identifier's digits in sorted order, in small blocks and narrow windows
    /// (survives a transposition anywhere; many identifiers share their digits).
    IdentifierDigits,
}

impl Pass {
    pub const ALL: [Pass; 18] = [
        Pass::FamilyBirthYear,
        Pass::GivenBirthDate,
        Pass::NameSounds,
        Pass::NameSoundsYear,
        Pass::NameSoundsUndated,
        Pass::NameSoundsAny,
        Pass::Identifier,
        Pass::IdentifierLastFour,
        Pass::Phone,
        Pass::Email,
        Pass::Address,
        Pass::BirthDatePostal,
        Pass::BirthDateFamilyInitial,
        Pass::FamilyPostal,
        Pass::GivenPostal,
        Pass::IdentifierHeadSorted,
        Pass::IdentifierTailSorted,
        Pass::IdentifierDigits,
    ];

    /// This pass's block limits: name sounds alone are shared by many people.
    fn limits(self, limits: BlockingLimits) -> BlockingLimits {
        match self {
            Pass::NameSoundsAny | Pass::IdentifierDigits => BlockingLimits {
                full_block: limits.full_block.min(4),
                window: limits.window.min(2),
            },
            _ => limits,
        }
    }

    /// True when the pass pairs only records of which at least one lacks a birth date.
    fn needs_undated(self) -> bool {
        self == Pass::NameSoundsUndated
    }

    /// The blocking key of a record for this pass, if it has the values.
    pub fn key(self, r: &NormalizedRecord) -> Option<u64> {
        let mut h = FxHasher::default();
        (self as u8).hash(&mut h);
        match self {
            Pass::FamilyBirthYear => {
                r.family.as_ref()?.phonetic[0].hash(&mut h);
                r.birth_date?.year().hash(&mut h);
                let given = r.given.as_ref()?;
                nickname::canonical(given.first_token()).as_bytes()[0].hash(&mut h);
            }
            Pass::GivenBirthDate => {
                let given = r.given.as_ref()?;
                let formal = nickname::canonical(given.first_token());
                phonetic::double_metaphone(formal)[0].hash(&mut h);
                r.birth_date?.as_number().hash(&mut h);
            }
            Pass::NameSounds
            | Pass::NameSoundsYear
            | Pass::NameSoundsUndated
            | Pass::NameSoundsAny => {
                let g = r.given.as_ref()?.phonetic[0];
                let f = r.family.as_ref()?.phonetic[0];
                (g.min(f), g.max(f)).hash(&mut h);
                match self {
                    Pass::NameSounds => {
                        let d = r.birth_date?;
                        (d.month().min(d.day()), d.month().max(d.day())).hash(&mut h);
                    }
                    Pass::NameSoundsYear => r.birth_date?.year().hash(&mut h),
                    _ => {}
                }
            }
            Pass::Identifier => match r.ssn? {
                Ssn::LastFour(_) => return None,
                ssn => ssn.hash(&mut h),
            },
            Pass::IdentifierLastFour => {
                r.ssn?.last_four().hash(&mut h);
                r.birth_date?.year().hash(&mut h);
            }
            Pass::Phone => r.phone?.local().hash(&mut h),
            Pass::Email => r.email.as_ref()?.hash(&mut h),
            Pass::Address => r.address.as_ref()?.line.hash(&mut h),
            Pass::BirthDatePostal => {
                r.birth_date?.as_number().hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
            }
            Pass::FamilyPostal => {
                r.family.as_ref()?.phonetic[0].hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
                (r.birth_date?.year() / 10).hash(&mut h);
            }
            Pass::GivenPostal => {
                r.given.as_ref()?.phonetic[0].hash(&mut h);
                r.postal_code.as_ref()?.hash(&mut h);
                (r.birth_date?.year() / 10).hash(&mut h);
            }
            Pass::IdentifierHeadSorted | Pass::IdentifierTailSorted => {
                let mut digits = r.ssn?.digits()?.into_bytes();
                let (head, tail) = digits.split_at_mut(5);
                if self == Pass::IdentifierHeadSorted {
                    head.sort_unstable();
                } else {
                    tail.sort_unstable();
                }
                digits.hash(&mut h);
            }
            Pass::IdentifierDigits => {
                let mut digits = r.ssn?.digits()?.into_bytes();
                digits.sort_unstable();
                digits.hash(&mut h);
            }
            Pass::BirthDateFamilyInitial => {
                r.birth_date?.as_number().hash(&mut h);
                r.family.as_ref()?.text.as_bytes()[0].hash(&mut h);
            }
        }
        Some(h.finish())
    }
}

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
        block_pairs(&block, records, scope, pass.limits(limits), &mut pairs);
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
