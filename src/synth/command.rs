//! The `synth` command: arguments, CSV output and the summary of what was written.

use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use rustc_hash::FxHashSet;

use super::{SynthConfig, TruthRow, generate, tag};
use crate::domain::FIELDS;

/// Header of the truth CSV.
pub const TRUTH_FIELDS: [&str; 4] = ["record_id", "entity_id", "group_id", "tags"];

/// Generate synthetic patient records with known truth.
#[derive(clap::Args, Debug, Clone)]
pub struct SynthArgs {
    /// Number of distinct people.
    #[arg(long, default_value_t = 1000)]
    pub people: usize,
    /// Random seed; the same seed gives the same files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Records CSV to write, with the canonical header.
    #[arg(long)]
    pub out: PathBuf,
    /// Truth CSV to write: record_id,entity_id,group_id,tags.
    #[arg(long)]
    pub truth: Option<PathBuf>,
}

impl SynthArgs {
    /// The generator configuration these arguments ask for.
    pub fn config(&self) -> SynthConfig {
        SynthConfig::new(self.people, self.seed)
    }
}

/// Counts of what was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub people: usize,
    pub records: usize,
    /// Hard-case groups with at least one record.
    pub groups: usize,
    /// Records carrying each tag, in the order of [`tag::ALL`].
    pub tag_counts: [usize; tag::ALL.len()],
    group_ids: FxHashSet<u64>,
}

impl SynthSummary {
    pub fn new(people: usize) -> Self {
        SynthSummary {
            people,
            ..Default::default()
        }
    }

    /// Count one record.
    pub fn add(&mut self, row: &TruthRow) {
        self.records += 1;
        for (i, (bit, _)) in tag::ALL.iter().enumerate() {
            if row.tags & bit != 0 {
                self.tag_counts[i] += 1;
            }
        }
        if let Some(g) = row.group_id
            && self.group_ids.insert(g)
        {
            self.groups += 1;
        }
    }

    /// Records carrying `bit` (one of the [`tag`] constants).
    pub fn count(&self, bit: u16) -> usize {
        tag::ALL
            .iter()
            .position(|(b, _)| *b == bit)
            .map_or(0, |i| self.tag_counts[i])
    }
}

impl fmt::Display for SynthSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} people, {} records, {} groups;",
            self.people, self.records, self.groups
        )?;
        for ((_, name), n) in tag::ALL.iter().zip(self.tag_counts) {
            write!(f, " {name}={n}")?;
        }
        Ok(())
    }
}

/// Write the records CSV (and the truth CSV when asked) as `args` say.
pub fn run(args: &SynthArgs) -> anyhow::Result<SynthSummary> {
    let create = |path: &PathBuf| {
        File::create(path)
            .map(|f| BufWriter::with_capacity(1 << 16, f))
            .with_context(|| format!("cannot create {}", path.display()))
    };
    let records = create(&args.out)?;
    let truth = args.truth.as_ref().map(create).transpose()?;
    write_csv(&args.config(), records, truth)
}

/// Generate from `config`, writing records to `records` and truth rows to `truth`.
pub fn write_csv<W: Write, T: Write>(
    config: &SynthConfig,
    records: W,
    truth: Option<T>,
) -> anyhow::Result<SynthSummary> {
    config.validate()?;
    let mut out = csv::Writer::from_writer(records);
    out.write_record(FIELDS)?;
    let mut truth = truth.map(csv::Writer::from_writer);
    if let Some(t) = truth.as_mut() {
        t.write_record(TRUTH_FIELDS)?;
    }
    let mut summary = SynthSummary::new(config.people);
    let mut entity = String::new();
    let mut group = String::new();
    for (rec, row) in generate(config) {
        out.write_record(rec.values())?;
        if let Some(t) = truth.as_mut() {
            entity.clear();
            group.clear();
            use std::fmt::Write as _;
            let _ = write!(entity, "{}", row.entity_id);
            if let Some(g) = row.group_id {
                let _ = write!(group, "{g}");
            }
            t.write_record([&row.record_id, &entity, &group, &row.tag_names()])?;
        }
        summary.add(&row);
    }
    out.flush()?;
    if let Some(t) = truth.as_mut() {
        t.flush()?;
    }
    Ok(summary)
}
