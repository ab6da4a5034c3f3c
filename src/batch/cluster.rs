//! Clustering linked pairs into persons without chaining.
//!
//! Plain connected components let one wrong edge fuse two families into one person.
//! Here edges are taken strongest first, and two clusters merge only when, across every
//! pair of their records, the pairs decided "link" outnumber those decided "no match"
//! (by weight or by a guard rule such as twins or household). One stray edge between two
//! households is outvoted by all the pairs that clearly disagree, while one corrupted
//! record that disagrees with another corrupted record still joins its person.

use crate::matching::{Decision, Matcher};
use crate::normalize::NormalizedRecord;

/// A linked pair: record indices and weight; `certain` when a certain rule linked it.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub weight: f32,
    pub certain: bool,
}

/// What clustering did.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClusterStats {
    pub edges: u64,
    pub merges: u64,
    /// Links not followed because the clusters they would join disagree.
    pub refused: u64,
    pub cross_pairs_scored: u64,
}

/// Clusters records; returns each record's cluster as the index of its first member.
pub fn cluster(
    records: &[NormalizedRecord],
    mut edges: Vec<Edge>,
    matcher: &Matcher,
) -> (Vec<u32>, ClusterStats) {
    let n = records.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    let mut stats = ClusterStats {
        edges: edges.len() as u64,
        ..Default::default()
    };
    edges.sort_unstable_by(|x, y| {
        y.certain
            .cmp(&x.certain)
            .then(y.weight.total_cmp(&x.weight))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    for e in &edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra == rb {
            continue;
        }
        let (small, large) = if members[ra as usize].len() <= members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let ok = members[small as usize].len() + members[large as usize].len() == 2
            || agree(
                records,
                &members[small as usize],
                &members[large as usize],
                matcher,
                &mut stats,
            );
        if !ok {
            stats.refused += 1;
            continue;
        }
        parent[small as usize] = large;
        let moved = std::mem::take(&mut members[small as usize]);
        members[large as usize].extend(moved);
        stats.merges += 1;
    }
    let mut cluster = vec![0u32; n];
    for m in members.iter().filter(|m| !m.is_empty()) {
        let first = *m.iter().min().expect("non-empty");
        for &i in m {
            cluster[i as usize] = first;
        }
    }
    (cluster, stats)
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

/// True when the two clusters may merge: across all their pairs, links must outnumber
/// pairs decided "no match" (by weight or by a guard rule).
fn agree(
    records: &[NormalizedRecord],
    a: &[u32],
    b: &[u32],
    matcher: &Matcher,
    stats: &mut ClusterStats,
) -> bool {
    let (mut support, mut against) = (0usize, 0usize);
    for &x in a {
        for &y in b {
            let s = matcher.score(&records[x as usize], &records[y as usize]);
            stats.cross_pairs_scored += 1;
            match s.decision {
                Decision::Link => support += 1,
                Decision::NoMatch => against += 1,
                Decision::Review => {}
            }
        }
    }
    support > against
}
