//! Samplers over the static lists, and lookup tables built once per process.

use std::sync::OnceLock;

use rand::Rng;
use rustc_hash::FxHashMap;

use super::names_given::PHONETIC_GIVEN;
use super::places::{CITIES, EMAIL_DOMAINS, STREET_TYPES, UNITS};

/// The nickname table (`name1,has_nickname,name2`).
const NICKNAMES_CSV: &str = include_str!("../../models/nicknames.csv");

/// A zero-based index drawn from a Zipf-like law `p(r) ∝ 1/(r + q)` over `n` ranks.
///
/// Uses the inverse of the continuous approximation, so it needs no table.
pub(crate) fn zipf<R: Rng>(rng: &mut R, n: usize, q: f64) -> usize {
    debug_assert!(n > 0);
    let u: f64 = rng.r#gen();
    let x = (1.0 + q) * ((n as f64 + 1.0 + q) / (1.0 + q)).powf(u) - q;
    ((x.floor() as usize).max(1) - 1).min(n - 1)
}

/// An item of `list` drawn with [`zipf`].
pub(crate) fn pick_zipf<R: Rng>(
    rng: &mut R,
    list: &'static [&'static str],
    q: f64,
) -> &'static str {
    list[zipf(rng, list.len(), q)]
}

/// An item of `list` drawn uniformly.
pub(crate) fn pick<R: Rng, T: Copy>(rng: &mut R, list: &[T]) -> T {
    list[rng.gen_range(0..list.len())]
}

/// A cumulative distribution over weighted items.
pub(crate) struct Cdf(Vec<f64>);

impl Cdf {
    /// The distribution with the given (non-negative) weights.
    pub(crate) fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut acc = 0.0;
        Cdf(weights
            .into_iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect())
    }

    /// A random index.
    pub(crate) fn sample<R: Rng>(&self, rng: &mut R) -> usize {
        let total = *self.0.last().expect("non-empty distribution");
        let u = rng.r#gen::<f64>() * total;
        self.0.partition_point(|&c| c <= u).min(self.0.len() - 1)
    }
}

/// Lookup tables shared by all generators.
pub(crate) struct Tables {
    /// Cities weighted by their number of ZIP codes (a proxy for population).
    pub cities: Cdf,
    /// Street types by weight.
    pub street_types: Cdf,
    /// Unit designators by weight.
    pub units: Cdf,
    /// E-mail domains by weight.
    pub domains: Cdf,
    /// Lower-case formal name to its nicknames.
    pub nicknames: FxHashMap<&'static str, Vec<&'static str>>,
    /// Lower-case nickname to the formal names it abbreviates.
    pub formals: FxHashMap<&'static str, Vec<&'static str>>,
    /// Given name to its group of phonetic variants in [`PHONETIC_GIVEN`].
    pub phonetic: FxHashMap<&'static str, usize>,
}

/// The process-wide tables.
pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let mut nicknames: FxHashMap<&'static str, Vec<&'static str>> = FxHashMap::default();
    let mut formals: FxHashMap<&'static str, Vec<&'static str>> = FxHashMap::default();
    for line in NICKNAMES_CSV.lines().skip(1) {
        let mut parts = line.trim().split(',');
        let (Some(formal), Some(_), Some(nick)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if formal.is_empty() || nick.is_empty() || formal == nick {
            continue;
        }
        nicknames.entry(formal).or_default().push(nick);
        formals.entry(nick).or_default().push(formal);
    }
    let mut phonetic = FxHashMap::default();
    for (i, group) in PHONETIC_GIVEN.iter().enumerate() {
        for name in group.iter() {
            phonetic.insert(*name, i);
        }
    }
    Tables {
        cities: Cdf::new(CITIES.iter().map(|c| c.3 as f64)),
        street_types: Cdf::new(STREET_TYPES.iter().map(|t| t.2 as f64)),
        units: Cdf::new(UNITS.iter().map(|u| u.2 as f64)),
        domains: Cdf::new(EMAIL_DOMAINS.iter().map(|d| d.1 as f64)),
        nicknames,
        formals,
        phonetic,
    }
}

/// `s` with its first letter upper-case and the rest as given ("bob" → "Bob").
pub(crate) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lower-case ASCII form of a name, for table lookups ("José" → "jose").
pub(crate) fn lookup_key(name: &str) -> String {
    deunicode::deunicode(name).to_ascii_lowercase()
}
