//! Writing results: clusters, scored pairs, links, and the end-of-run summary.

use std::fmt::Write as _;
use std::path::Path;

use super::dedup::DedupRun;
use super::link::LinkRun;
use super::progress::{Phases, peak_memory};
use super::scoring::{RULES, ScoredPair};
use crate::matching::model::probability;

fn writer(path: &Path) -> anyhow::Result<csv::Writer<std::fs::File>> {
    csv::Writer::from_path(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}

/// `record_id,cluster_id` for every input record; the cluster id is its first record's id.
pub fn write_clusters(path: &Path, run: &DedupRun) -> anyhow::Result<()> {
    let mut w = writer(path)?;
    w.write_record(["record_id", "cluster_id"])?;
    for (i, c) in run.cluster.iter().enumerate() {
        w.write_record([
            run.records.ids[i].as_str(),
            run.records.ids[*c as usize].as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn rule_names(bits: u8) -> String {
    RULES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, r)| r.name())
        .collect::<Vec<_>>()
        .join("|")
}

/// Scored pairs: `left_id,right_id,weight,probability,decision,rules`.
pub fn write_pairs<'a>(
    path: &Path,
    ids: &[compact_str::CompactString],
    pairs: impl Iterator<Item = &'a ScoredPair>,
) -> anyhow::Result<()> {
    let mut w = writer(path)?;
    w.write_record([
        "left_id",
        "right_id",
        "weight",
        "probability",
        "decision",
        "rules",
    ])?;
    for p in pairs {
        w.write_record([
            ids[p.a as usize].as_str(),
            ids[p.b as usize].as_str(),
            &format!("{:.3}", p.weight),
            &format!("{:.6}", probability(p.weight as f64)),
            p.decision.name(),
            &rule_names(p.rules),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn phase_lines(out: &mut String, phases: &Phases) {
    let _ = write!(out, "time       ");
    for (name, d) in &phases.phases {
        let _ = write!(out, " {name} {:.2}s", d.as_secs_f64());
    }
    let _ = writeln!(out, "  = {:.2}s", phases.total().as_secs_f64());
    if let Some(peak) = peak_memory() {
        let _ = writeln!(
            out,
            "peak memory {:.0} MiB",
            peak as f64 / (1024.0 * 1024.0)
        );
    }
}

/// The one-screen summary of a dedup run.
pub fn dedup_summary(run: &DedupRun) -> String {
    let mut out = String::new();
    let s = &run.scored;
    let _ = writeln!(out, "model      {}", run.matcher.model.version);
    let _ = writeln!(
        out,
        "records    {} ({} malformed rows skipped)",
        run.records.len(),
        run.records.skipped.len()
    );
    unusable(&mut out, run);
    let _ = writeln!(out, "candidates {} pairs", s.candidates);
    let _ = writeln!(
        out,
        "decisions  {} link, {} review, {} stopped or capped by guard rules",
        s.links, s.reviews, s.guarded
    );
    let sizes = run.cluster_sizes();
    let multi = sizes.iter().filter(|s| **s > 1).count();
    let _ = writeln!(
        out,
        "clusters   {} persons ({} with more than one record, largest {}); {} links refused to prevent chaining",
        sizes.len(),
        multi,
        sizes.iter().max().copied().unwrap_or(0),
        run.cluster_stats.refused
    );
    if let Some(e) = &run.evaluation {
        let _ = write!(out, "{e}");
    }
    phase_lines(&mut out, &run.phases);
    out
}

fn unusable(out: &mut String, run: &DedupRun) {
    unusable_values(out, &run.records.unusable_values);
}

fn unusable_values(out: &mut String, values: &[(&'static str, u64)]) {
    if values.is_empty() {
        return;
    }
    let list: Vec<String> = values.iter().map(|(f, n)| format!("{f} {n}")).collect();
    let _ = writeln!(
        out,
        "unusable   values treated as missing: {}",
        list.join(", ")
    );
}

/// `left_id,right_id,weight,probability,decision` for every accepted link.
pub fn write_links(path: &Path, run: &LinkRun) -> anyhow::Result<()> {
    write_pairs(path, &run.records.ids, run.links.iter())
}

/// The one-screen summary of a link run.
pub fn link_summary(run: &LinkRun) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "model      {}", run.matcher.model.version);
    let _ = writeln!(
        out,
        "records    {} left, {} right ({} malformed rows skipped)",
        run.split,
        run.records.len() as u32 - run.split,
        run.records.skipped.len()
    );
    unusable_values(&mut out, &run.records.unusable_values);
    let s = &run.scored;
    let _ = writeln!(out, "candidates {} pairs", s.candidates);
    let _ = writeln!(
        out,
        "decisions  {} link, {} review, {} stopped or capped by guard rules",
        s.links, s.reviews, s.guarded
    );
    let _ = writeln!(out, "links      {} accepted", run.links.len());
    if let Some(e) = &run.evaluation {
        let _ = write!(out, "{e}");
    }
    phase_lines(&mut out, &run.phases);
    out
}
