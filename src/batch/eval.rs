//! Pairwise evaluation against ground truth: precision, recall and F1 over record pairs,
//! overall and per hard-case category (from the truth file's `tags` column).

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::input::InputError;

/// Ground truth: the entity of each record id and its category tags.
#[derive(Debug, Default, Clone)]
pub struct Truth {
    pub entity: FxHashMap<String, u32>,
    pub tags: FxHashMap<String, Vec<String>>,
}

/// Pairwise counts and scores.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct PairMetrics {
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl PairMetrics {
    pub fn from_counts(tp: u64, predicted: u64, actual: u64) -> Self {
        let precision = if predicted == 0 {
            1.0
        } else {
            tp as f64 / predicted as f64
        };
        let recall = if actual == 0 {
            1.0
        } else {
            tp as f64 / actual as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        PairMetrics {
            true_positives: tp,
            false_positives: predicted - tp,
            false_negatives: actual - tp,
            precision,
            recall,
            f1,
        }
    }
}

impl std::fmt::Display for PairMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "precision {:.4}  recall {:.4}  F1 {:.4}  (true pairs found {}, false merges {}, missed {})",
            self.precision,
            self.recall,
            self.f1,
            self.true_positives,
            self.false_positives,
            self.false_negatives
        )
    }
}

/// Full evaluation: overall and per category.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    pub overall: PairMetrics,
    pub categories: BTreeMap<String, PairMetrics>,
    /// Predicted record ids absent from the truth file.
    pub unknown_ids: u64,
}

impl std::fmt::Display for Evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "pairwise {}", self.overall)?;
        for (tag, m) in &self.categories {
            writeln!(
                f,
                "  {tag:<16} P {:.4}  R {:.4}  F1 {:.4}  false merges {:>5}  missed {:>5}",
                m.precision, m.recall, m.f1, m.false_positives, m.false_negatives
            )?;
        }
        if self.unknown_ids > 0 {
            writeln!(
                f,
                "  ({} predicted ids are not in the truth file)",
                self.unknown_ids
            )?;
        }
        Ok(())
    }
}

/// Reads `record_id,entity_id[,tags]` (other columns ignored).
pub fn read_truth(path: &Path) -> Result<Truth, InputError> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| InputError::Open {
            path: name.clone(),
            error: std::io::Error::other(e.to_string()),
        })?;
    let header = reader
        .headers()
        .map_err(|e| InputError::Header {
            path: name.clone(),
            message: e.to_string(),
        })?
        .clone();
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(id_col), Some(entity_col)) = (col("record_id"), col("entity_id")) else {
        return Err(InputError::Header {
            path: name,
            message: "a truth file needs record_id and entity_id columns".into(),
        });
    };
    let tags_col = col("tags");
    let mut truth = Truth::default();
    let mut entities: FxHashMap<String, u32> = FxHashMap::default();
    for row in reader.records() {
        let row = row.map_err(|e| InputError::Row {
            path: name.clone(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            column: None,
            message: e.to_string(),
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let id = row.get(id_col).unwrap_or_default().to_string();
        let entity = row.get(entity_col).unwrap_or_default();
        if id.is_empty() || entity.is_empty() {
            return Err(InputError::Row {
                path: name.clone(),
                line,
                column: Some(
                    if id.is_empty() {
                        "record_id"
                    } else {
                        "entity_id"
                    }
                    .into(),
                ),
                message: "empty value".into(),
            });
        }
        let next = entities.len() as u32;
        let e = *entities.entry(entity.to_string()).or_insert(next);
        if let Some(tags) = tags_col.and_then(|c| row.get(c)).filter(|t| !t.is_empty()) {
            truth
                .tags
                .insert(id.clone(), tags.split('|').map(str::to_string).collect());
        }
        truth.entity.insert(id, e);
    }
    Ok(truth)
}

/// Evaluates predicted pairs (each once, as indices into `ids`) against the truth.
/// `comparable(i, j)` says whether a true pair could have been predicted (for linkage:
/// only pairs across the two files).
pub fn evaluate_pairs(
    ids: &[impl AsRef<str>],
    predicted: impl Iterator<Item = (u32, u32)>,
    truth: &Truth,
    comparable: impl Fn(u32, u32) -> bool,
) -> Evaluation {
    let entity: Vec<Option<u32>> = ids
        .iter()
        .map(|id| truth.entity.get(id.as_ref()).copied())
        .collect();
    let tags: Vec<&[String]> = ids
        .iter()
        .map(|id| {
            truth
                .tags
                .get(id.as_ref())
                .map(Vec::as_slice)
                .unwrap_or(&[])
        })
        .collect();
    let unknown_ids = entity.iter().filter(|e| e.is_none()).count() as u64;
    // per category: (tp, predicted, actual)
    let mut counts: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    let mut overall = (0u64, 0u64, 0u64);
    let bump = |i: usize, j: usize, k: usize, counts: &mut BTreeMap<String, (u64, u64, u64)>| {
        let mut seen: Vec<&str> = Vec::new();
        for t in tags[i].iter().chain(tags[j].iter()) {
            if !seen.contains(&t.as_str()) {
                seen.push(t);
                let c = counts.entry(t.clone()).or_default();
                match k {
                    0 => c.0 += 1,
                    1 => c.1 += 1,
                    _ => c.2 += 1,
                }
            }
        }
    };
    for (a, b) in predicted {
        let (i, j) = (a as usize, b as usize);
        overall.1 += 1;
        bump(i, j, 1, &mut counts);
        if entity[i].is_some() && entity[i] == entity[j] {
            overall.0 += 1;
            bump(i, j, 0, &mut counts);
        }
    }
    let mut by_entity: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, e) in entity.iter().enumerate() {
        if let Some(e) = e {
            by_entity.entry(*e).or_default().push(i as u32);
        }
    }
    for members in by_entity.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if comparable(a, b) {
                    overall.2 += 1;
                    bump(a as usize, b as usize, 2, &mut counts);
                }
            }
        }
    }
    Evaluation {
        overall: PairMetrics::from_counts(overall.0, overall.1, overall.2),
        categories: counts
            .into_iter()
            .map(|(t, (tp, p, a))| (t, PairMetrics::from_counts(tp, p, a)))
            .collect(),
        unknown_ids,
    }
}

/// The pairs within each cluster, as record indices.
pub fn cluster_pairs(cluster: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut groups: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, c) in cluster.iter().enumerate() {
        groups.entry(*c).or_default().push(i as u32);
    }
    let mut groups: Vec<Vec<u32>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_unstable();
    groups.into_iter().flat_map(|g| {
        let mut pairs = Vec::with_capacity(g.len() * (g.len() - 1) / 2);
        for (k, &a) in g.iter().enumerate() {
            for &b in &g[k + 1..] {
                pairs.push((a, b));
            }
        }
        pairs
    })
}

/// Evaluates a predictions file: `record_id,cluster_id` (clusters) or
/// `left_id,right_id,…` (links). Every truth pair counts as a pair to find.
pub fn evaluate_file(path: &Path, truth: &Truth) -> Result<Evaluation, InputError> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| InputError::Open {
            path: name.clone(),
            error: std::io::Error::other(e.to_string()),
        })?;
    let header = reader
        .headers()
        .map_err(|e| InputError::Header {
            path: name.clone(),
            message: e.to_string(),
        })?
        .clone();
    let col = |n: &str| header.iter().position(|h| h == n);
    let mut ids: Vec<String> = truth.entity.keys().cloned().collect();
    ids.sort_unstable();
    let mut index: FxHashMap<String, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i as u32))
        .collect();
    let mut intern = |id: &str, ids: &mut Vec<String>| -> u32 {
        if let Some(&i) = index.get(id) {
            return i;
        }
        let i = ids.len() as u32;
        ids.push(id.to_string());
        index.insert(id.to_string(), i);
        i
    };
    let rows =
        |reader: &mut csv::Reader<std::fs::File>| -> Result<Vec<csv::StringRecord>, InputError> {
            reader
                .records()
                .map(|r| {
                    r.map_err(|e| InputError::Row {
                        path: name.clone(),
                        line: e.position().map(|p| p.line()).unwrap_or(0),
                        column: None,
                        message: e.to_string(),
                    })
                })
                .collect()
        };
    if let (Some(id_col), Some(cluster_col)) = (col("record_id"), col("cluster_id")) {
        let mut cluster_of: FxHashMap<String, u32> = FxHashMap::default();
        let mut assigned: Vec<(u32, u32)> = Vec::new();
        for row in rows(&mut reader)? {
            let id = intern(row.get(id_col).unwrap_or_default(), &mut ids);
            let next = cluster_of.len() as u32;
            let c = *cluster_of
                .entry(row.get(cluster_col).unwrap_or_default().to_string())
                .or_insert(next);
            assigned.push((id, c));
        }
        // records absent from the predictions are singletons
        let mut cluster: Vec<u32> = (0..ids.len() as u32).map(|i| u32::MAX - i).collect();
        for (id, c) in assigned {
            cluster[id as usize] = c;
        }
        Ok(evaluate_pairs(
            &ids,
            cluster_pairs(&cluster),
            truth,
            |_, _| true,
        ))
    } else if let (Some(l), Some(r)) = (col("left_id"), col("right_id")) {
        let mut pairs = Vec::new();
        for row in rows(&mut reader)? {
            let a = intern(row.get(l).unwrap_or_default(), &mut ids);
            let b = intern(row.get(r).unwrap_or_default(), &mut ids);
            if a != b {
                pairs.push((a.min(b), a.max(b)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        Ok(evaluate_pairs(&ids, pairs.into_iter(), truth, |_, _| true))
    } else {
        Err(InputError::Header {
            path: name,
            message: "expected record_id,cluster_id or left_id,right_id columns".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(rows: &[(&str, u32, &str)]) -> Truth {
        let mut t = Truth::default();
        for (id, e, tags) in rows {
            t.entity.insert(id.to_string(), *e);
            if !tags.is_empty() {
                t.tags.insert(
                    id.to_string(),
                    tags.split('|').map(str::to_string).collect(),
                );
            }
        }
        t
    }

    /// Hand-computed: truth {a,b,c} {d,e} {f}; clusters {a,b} {c,d} {e} {f}.
    /// True pairs: ab ac bc de = 4. Predicted: ab cd = 2. Correct: ab = 1.
    /// P = 1/2, R = 1/4, F1 = 2·0.5·0.25/0.75 = 1/3.
    #[test]
    fn clusters_against_hand_computed_figures() {
        let ids = ["a", "b", "c", "d", "e", "f"];
        let t = truth(&[
            ("a", 1, ""),
            ("b", 1, "twin"),
            ("c", 1, ""),
            ("d", 2, "twin"),
            ("e", 2, ""),
            ("f", 3, ""),
        ]);
        let clusters = [0, 0, 2, 2, 4, 5];
        let e = evaluate_pairs(&ids, cluster_pairs(&clusters), &t, |_, _| true);
        assert_eq!(
            (
                e.overall.true_positives,
                e.overall.false_positives,
                e.overall.false_negatives
            ),
            (1, 1, 3)
        );
        assert!((e.overall.precision - 0.5).abs() < 1e-12);
        assert!((e.overall.recall - 0.25).abs() < 1e-12);
        assert!((e.overall.f1 - 1.0 / 3.0).abs() < 1e-12);
        // twin pairs: predicted ab (true), cd (d is twin, false); actual ab, bc, de.
        let twin = e.categories["twin"];
        assert_eq!(
            (
                twin.true_positives,
                twin.false_positives,
                twin.false_negatives
            ),
            (1, 1, 2)
        );
    }

    #[test]
    fn perfect_and_empty_predictions() {
        let ids = ["a", "b"];
        let t = truth(&[("a", 1, ""), ("b", 1, "")]);
        let e = evaluate_pairs(&ids, [(0, 1)].into_iter(), &t, |_, _| true);
        assert_eq!(e.overall.f1, 1.0);
        let e = evaluate_pairs(&ids, std::iter::empty(), &t, |_, _| true);
        assert_eq!(e.overall.recall, 0.0);
        assert_eq!(e.overall.f1, 0.0);
    }
}
