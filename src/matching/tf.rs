//! Term frequencies of names: how many records carry each given and family name, so that
//! agreeing on a common name counts for less than agreeing on a rare one.

use compact_str::CompactString;
use rustc_hash::FxHashMap;

use super::compare::Field;
use crate::normalize::NormalizedRecord;

/// Counts of given and family names over a set of records.
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    given: FxHashMap<CompactString, u32>,
    family: FxHashMap<CompactString, u32>,
    given_total: u64,
    family_total: u64,
    /// Frequencies expected before any data (the model's u for agreement), given and
    /// family; zero for none.
    priors: [f64; 2],
}

/// Pseudo-records of prior: a small database's counts are shrunk towards the model's
/// u, so that five records do not make every name look common.
const PRIOR_RECORDS: f64 = 1000.0;

/// A name is common only when seen at least this often, whatever its share.
pub const MIN_COMMON_COUNT: u32 = 10;

impl TermFrequencies {
    /// Counts the names of these records.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a NormalizedRecord>) -> Self {
        let mut tf = TermFrequencies::default();
        for r in records {
            tf.add(r);
        }
        tf
    }

    /// Sets the frequencies expected before any data (given, family).
    pub fn set_priors(&mut self, given: f64, family: f64) {
        self.priors = [given, family];
    }

    /// Adds one record's names.
    pub fn add(&mut self, r: &NormalizedRecord) {
        if let Some(g) = &r.given {
            *self.given.entry(g.text.clone()).or_default() += 1;
            self.given_total += 1;
        }
        if let Some(f) = &r.family {
            *self.family.entry(f.text.clone()).or_default() += 1;
            self.family_total += 1;
        }
    }

    /// Takes one record's names out again (a registration that did not commit).
    pub fn remove(&mut self, r: &NormalizedRecord) {
        fn down(map: &mut FxHashMap<CompactString, u32>, total: &mut u64, name: &CompactString) {
            if let Some(n) = map.get_mut(name) {
                *n -= 1;
                *total -= 1;
                if *n == 0 {
                    map.remove(name);
                }
            }
        }
        if let Some(g) = &r.given {
            down(&mut self.given, &mut self.given_total, &g.text);
        }
        if let Some(f) = &r.family {
            down(&mut self.family, &mut self.family_total, &f.text);
        }
    }

    /// Share of records (with the field present) carrying this value, shrunk towards
    /// the prior while there are few records; `None` when the field has no table or
    /// the value was never seen.
    pub fn frequency(&self, field: Field, value: &str) -> Option<f64> {
        let (map, total, prior) = match field {
            Field::GivenName => (&self.given, self.given_total, self.priors[0]),
            Field::FamilyName => (&self.family, self.family_total, self.priors[1]),
            _ => return None,
        };
        let count = *map.get(value)? as f64;
        if prior > 0.0 {
            return Some((count + PRIOR_RECORDS * prior) / (total as f64 + PRIOR_RECORDS));
        }
        (total > 0).then(|| count / total as f64)
    }

    /// How many records carry this value.
    pub fn count(&self, field: Field, value: &str) -> u32 {
        let map = match field {
            Field::GivenName => &self.given,
            Field::FamilyName => &self.family,
            _ => return 0,
        };
        map.get(value).copied().unwrap_or(0)
    }

    /// True when no names were counted.
    pub fn is_empty(&self) -> bool {
        self.given_total == 0 && self.family_total == 0
    }
}
