//! Synthetic patient data with known truth, for measuring the matcher.
//!
//! People are drawn with US-like names, ages, addresses and identifiers; some come in
//! hard-case groups of look-alikes (twins, Jr/Sr, households, common name + birth date).
//! Each person gets one or more records from registration sources, which add life
//! events (moves, marriage), typos, missing or masked identifiers and formatting
//! variation. Every record's truth row names its person and what was done to it.
//!
//! Output is deterministic for a seed whatever the number of threads: people are made
//! in fixed-size chunks, each with its own random stream and its own range of entity
//! ids and SSNs. Records are then shuffled as a whole, because a file where one
//! person's records sit next to each other leaks the answer through its order.

mod command;
mod corrupt;
mod format;
mod groups;
mod names_family;
mod names_given;
mod order;
mod person;
mod places;
mod population;
mod records;
mod tables;
pub mod tag;

#[cfg(test)]
mod tests;

pub use command::{SynthArgs, SynthSummary, TRUTH_FIELDS, run, write_csv};

use crate::domain::RawRecord;

/// What to generate. The rates are per record unless noted; the defaults aim at
/// what registration feeds of a regional health system look like.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Number of distinct people (entities).
    pub people: usize,
    pub seed: u64,
    /// Share of people who are one of a pair of twins.
    pub twin_share: f64,
    /// Share of people in a parent/child pair with the same name (Jr/Sr).
    pub jr_sr_share: f64,
    /// Share of people living in a household with others of the population.
    pub household_share: f64,
    /// Share of people who share a common given and family name and birth date with strangers.
    pub common_name_share: f64,
    /// Largest household.
    pub max_household: usize,
    /// Chance that a person has more than one record.
    pub multi_record_rate: f64,
    /// Mean number of records beyond the second, for people with more than one.
    pub extra_records_mean: f64,
    /// Most records of one person.
    pub max_records: usize,
    /// Typos in a later record (scaled by the source's care).
    pub typo_rate: f64,
    /// A later record uses a nickname, the formal name, or the middle name.
    pub nickname_rate: f64,
    /// A woman marries between two of her records.
    pub married_rate: f64,
    /// A person moves (address and/or phone) between two records.
    pub move_rate: f64,
    /// A later record has a wrong birth date.
    pub date_error_rate: f64,
    /// A later record has given and family name swapped.
    pub swap_rate: f64,
    /// A later record has a blank or placeholder identifying field (scaled by source).
    pub missing_rate: f64,
    /// The same for a person's first record.
    pub first_missing_rate: f64,
    /// A later record shows only the last four digits of the SSN.
    pub masked_ssn_rate: f64,
    /// A later record is written with different formatting (scaled by source).
    pub format_rate: f64,
    /// The same for a person's first record.
    pub first_format_rate: f64,
    /// An emergency record is registered under an alias (John Doe, TRAUMA ALPHA).
    pub trauma_alias_rate: f64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            people: 1000,
            seed: 42,
            twin_share: 0.02,
            jr_sr_share: 0.02,
            household_share: 0.15,
            common_name_share: 0.01,
            max_household: 6,
            multi_record_rate: 0.45,
            extra_records_mean: 0.55,
            max_records: 12,
            typo_rate: 0.12,
            nickname_rate: 0.08,
            married_rate: 0.06,
            move_rate: 0.12,
            date_error_rate: 0.02,
            swap_rate: 0.01,
            missing_rate: 0.15,
            first_missing_rate: 0.08,
            masked_ssn_rate: 0.05,
            format_rate: 0.35,
            first_format_rate: 0.2,
            trauma_alias_rate: 0.03,
        }
    }
}

impl SynthConfig {
    /// The default configuration for `people` people and this seed.
    pub fn new(people: usize, seed: u64) -> Self {
        SynthConfig {
            people,
            seed,
            ..Default::default()
        }
    }

    /// Whether the configuration can be generated: rates are probabilities, the group
    /// shares leave room for each other, and the population fits the SSN space.
    pub fn validate(&self) -> anyhow::Result<()> {
        let rates = [
            ("twin_share", self.twin_share),
            ("jr_sr_share", self.jr_sr_share),
            ("household_share", self.household_share),
            ("common_name_share", self.common_name_share),
            ("multi_record_rate", self.multi_record_rate),
            ("typo_rate", self.typo_rate),
            ("nickname_rate", self.nickname_rate),
            ("married_rate", self.married_rate),
            ("move_rate", self.move_rate),
            ("date_error_rate", self.date_error_rate),
            ("swap_rate", self.swap_rate),
            ("missing_rate", self.missing_rate),
            ("first_missing_rate", self.first_missing_rate),
            ("masked_ssn_rate", self.masked_ssn_rate),
            ("format_rate", self.format_rate),
            ("first_format_rate", self.first_format_rate),
            ("trauma_alias_rate", self.trauma_alias_rate),
        ];
        for (name, r) in rates {
            anyhow::ensure!((0.0..=1.0).contains(&r), "{name} must be in 0..=1, not {r}");
        }
        let shares =
            self.twin_share + self.jr_sr_share + self.household_share + self.common_name_share;
        anyhow::ensure!(shares <= 1.0, "the group shares add up to {shares} > 1");
        anyhow::ensure!(
            self.extra_records_mean >= 0.0 && self.extra_records_mean.is_finite(),
            "extra_records_mean must be a non-negative number"
        );
        anyhow::ensure!(self.max_records >= 1, "max_records must be at least 1");
        anyhow::ensure!(self.max_household >= 2, "max_household must be at least 2");
        anyhow::ensure!(
            self.people <= max_people(),
            "at most {} people per run, not {}",
            max_people(),
            self.people
        );
        Ok(())
    }
}

/// The truth behind one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    pub record_id: String,
    /// The person the record belongs to (1..=people).
    pub entity_id: u64,
    /// The hard-case group of look-alikes the person belongs to, if any.
    pub group_id: Option<u64>,
    /// Bit set of [`tag`] constants.
    pub tags: u16,
}

impl TruthRow {
    /// The tag names joined by `|`.
    pub fn tag_names(&self) -> String {
        tag::render(self.tags)
    }

    /// Whether the record carries every tag in `tags`.
    pub fn has(&self, tags: u16) -> bool {
        self.tags & tags == tags
    }
}

/// The most people one run can make (each chunk owns a disjoint range of SSNs).
pub fn max_people() -> usize {
    population::max_people()
}

/// All records with their truth, in output order.
///
/// People are generated up front in parallel and kept packed (about 150 bytes a
/// record, 265 MB peak for a million people); each record is unpacked as the
/// iterator reaches it.
///
/// # Panics
/// When the configuration is not valid ([`SynthConfig::validate`]).
pub fn generate(config: &SynthConfig) -> impl ExactSizeIterator<Item = (RawRecord, TruthRow)> {
    if let Err(e) = config.validate() {
        panic!("invalid synthetic-data configuration: {e}");
    }
    order::Records::new(config.seed, population::generate(config))
}
