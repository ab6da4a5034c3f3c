//! Choosing pairs worth showing (near each threshold, false merges, missed matches) and
//! rendering their explanations.

use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::html::{esc, table};
use crate::batch::eval::Truth;
use crate::batch::scoring::Scored;
use crate::matching::Matcher;
use crate::matching::explain::Explanation;
use crate::normalize::NormalizedRecord;

/// Up to `n` kept pairs just below `threshold` and `n` at or just above it.
pub fn near_threshold(scored: &Scored, threshold: f32, n: usize) -> Vec<(u32, u32)> {
    let mut below: Vec<_> = scored
        .kept
        .iter()
        .filter(|p| p.weight < threshold)
        .collect();
    let mut above: Vec<_> = scored
        .kept
        .iter()
        .filter(|p| p.weight >= threshold)
        .collect();
    below.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    above.sort_by(|x, y| {
        x.weight
            .total_cmp(&y.weight)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut out: Vec<(u32, u32)> = below.iter().take(n).rev().map(|p| (p.a, p.b)).collect();
    out.extend(above.iter().take(n).map(|p| (p.a, p.b)));
    out
}

/// Each record's truth entity, `None` when the truth file does not know it.
pub fn entities(ids: &[impl AsRef<str>], truth: &Truth) -> Vec<Option<u32>> {
    ids.iter()
        .map(|id| truth.entity.get(id.as_ref()).copied())
        .collect()
}

/// Pairs predicted together (same `group`) that the truth says are different people,
/// and the number of them; at most `n`, spread evenly over all of them.
pub fn false_merges(group: &[u32], entity: &[Option<u32>], n: usize) -> (Vec<(u32, u32)>, usize) {
    let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, g) in group.iter().enumerate() {
        members.entry(*g).or_default().push(i as u32);
    }
    let mut wrong = Vec::new();
    for list in members.values().filter(|l| l.len() > 1) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                let (ea, eb) = (entity[a as usize], entity[b as usize]);
                if ea.is_some() && eb.is_some() && ea != eb {
                    wrong.push((a, b));
                }
            }
        }
    }
    spread(wrong, n)
}

/// True pairs (same entity, `comparable`) that ended in different groups, and how many.
pub fn missed_matches(
    group: &[u32],
    entity: &[Option<u32>],
    comparable: &dyn Fn(u32, u32) -> bool,
    n: usize,
) -> (Vec<(u32, u32)>, usize) {
    let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, e) in entity.iter().enumerate() {
        if let Some(e) = e {
            members.entry(*e).or_default().push(i as u32);
        }
    }
    let mut missed = Vec::new();
    for list in members.values().filter(|l| l.len() > 1) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                if group[a as usize] != group[b as usize] && comparable(a, b) {
                    missed.push((a, b));
                }
            }
        }
    }
    spread(missed, n)
}

fn spread(mut pairs: Vec<(u32, u32)>, n: usize) -> (Vec<(u32, u32)>, usize) {
    pairs.sort_unstable();
    let total = pairs.len();
    if total <= n {
        return (pairs, total);
    }
    let picked = (0..n).map(|k| pairs[k * total / n]).collect();
    (picked, total)
}

/// One explained pair as a collapsible block.
pub fn render_pair(
    matcher: &Matcher,
    records: &[NormalizedRecord],
    ids: &[impl AsRef<str>],
    (a, b): (u32, u32),
    note: &str,
) -> String {
    let e = matcher.explain(&records[a as usize], &records[b as usize]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<details><summary><b>{}</b> ↔ <b>{}</b>: weight {:.2}, probability {:.6}, \
         <span class=\"decision {}\">{}</span>{}{}</summary>",
        esc(ids[a as usize].as_ref()),
        esc(ids[b as usize].as_ref()),
        e.total_weight,
        e.probability,
        e.decision.name(),
        e.decision.name(),
        if e.decided_by == "weight" {
            String::new()
        } else {
            format!(" ({})", esc(&e.decided_by))
        },
        if note.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"muted\">{}</span>", esc(note))
        }
    );
    out.push_str(&evidence_table(&e));
    out.push_str("</details>\n");
    out
}

fn evidence_table(e: &Explanation) -> String {
    let mut rows = vec![vec![
        "prior".to_string(),
        String::new(),
        String::new(),
        String::new(),
        signed(e.prior_weight),
    ]];
    for f in &e.fields {
        let value = |v: &Option<String>| v.as_deref().map(esc).unwrap_or_else(|| "—".into());
        rows.push(vec![
            esc(f.field),
            format!(
                "{}{}",
                esc(f.level),
                if f.term_frequency_adjusted { "*" } else { "" }
            ),
            value(&f.left),
            value(&f.right),
            signed(f.weight),
        ]);
    }
    let mut out = table(
        "evidence",
        &["field", "level", "left", "right", "weight"],
        &rows,
    );
    for g in e.groups.iter().filter(|g| g.counted < g.uncapped) {
        let _ = writeln!(
            out,
            "<p class=\"note\">Group {}: positive weight {:.2} capped at {:.2}.</p>",
            esc(&g.name),
            g.uncapped,
            g.counted
        );
    }
    for r in &e.rules {
        let _ = writeln!(
            out,
            "<p>Rule <b>{}</b> ({}): {}</p>",
            r.rule.name(),
            match r.effect {
                crate::matching::rules::Effect::Link => "link",
                crate::matching::rules::Effect::CapReview => "at most review",
                crate::matching::rules::Effect::NoMatch => "never link",
            },
            esc(r.reason)
        );
    }
    out
}

/// A weight with its sign and colour.
pub fn signed(w: f32) -> String {
    let class = if w > 0.0 {
        "pos"
    } else if w < 0.0 {
        "neg"
    } else {
        "muted"
    };
    format!("<span class=\"{class}\">{w:+.2}</span>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn false_merges_and_missed_matches_follow_the_truth() {
        // records 0,1,2 predicted together; truth: {0,1} {2,3}
        let group = [0, 0, 0, 3];
        let entity = [Some(7), Some(7), Some(8), Some(8)];
        let (wrong, n) = false_merges(&group, &entity, 10);
        assert_eq!((wrong, n), (vec![(0, 2), (1, 2)], 2));
        let (missed, n) = missed_matches(&group, &entity, &|_, _| true, 10);
        assert_eq!((missed, n), (vec![(2, 3)], 1));
        let (missed, n) = missed_matches(&group, &entity, &|_, _| false, 10);
        assert_eq!((missed, n), (vec![], 0));
    }

    #[test]
    fn spread_takes_evenly_from_the_whole_list() {
        let pairs: Vec<(u32, u32)> = (0..100).map(|i| (i, i + 1)).collect();
        let (picked, total) = spread(pairs, 4);
        assert_eq!(total, 100);
        assert_eq!(picked, vec![(0, 1), (25, 26), (50, 51), (75, 76)]);
    }
}
