//! Verification: the log read in seq order, a page at a time, every hash recomputed and
//! every link checked; the first break is reported with the entry it concerns.

use std::fmt;

use serde::Serialize;

use crate::store::Store;
use crate::store::audit::{self as rows, AuditRow};

use super::chain::{GENESIS, entry_hash};
use super::entry::StoredEntry;
use super::error::AuditError;

/// Rows read per page.
const PAGE: i64 = 1000;

/// What verification found: how many entries were checked, the last hash, and the
/// first break if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries checked (those up to the head read when verification started).
    pub entries: i64,
    /// The hash of the last entry checked that was intact.
    pub last_hash: String,
    pub broken: Option<Break>,
}

/// How the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BreakKind {
    /// An entry's content no longer matches its hash.
    Altered,
    /// An entry is missing (a gap in seq, or a link to an entry that is gone).
    Removed,
    /// An entry is not where it was written (it links to an entry that is elsewhere).
    Reordered,
    /// The log ends before the head says it does, or its last hash is not the head's.
    Truncated,
}

/// The first break: the entry it concerns, its kind and a short explanation (seqs and
/// kinds only, never an entry's content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub seq: i64,
    pub kind: BreakKind,
    pub detail: String,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakKind::Altered => "altered",
            BreakKind::Removed => "removed",
            BreakKind::Reordered => "reordered",
            BreakKind::Truncated => "truncated",
        })
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "audit chain broken at entry {}: {} ({})",
            self.seq, self.kind, self.detail
        )
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.broken {
            Some(b) => b.fmt(f),
            None => write!(
                f,
                "audit chain intact: {} entries, last hash {}",
                self.entries, self.last_hash
            ),
        }
    }
}

/// Checks the whole log against its head. The head is read first: entries appended
/// while verification runs are not checked (and not a break).
pub async fn verify(store: &Store) -> Result<VerifyReport, AuditError> {
    let mut conn = store.pool.acquire().await?;
    let (head_seq, head_hash) = rows::head(&mut conn).await?;
    let mut checker = Checker::new();
    loop {
        let page = rows::page(&mut conn, checker.last_seq(), head_seq, PAGE).await?;
        let full = page.len() as i64 == PAGE;
        for row in page {
            let broken = match checker.check(row) {
                Check::Linked => continue,
                Check::Broken(b) => b,
                Check::Unlinked(link) => {
                    let known = rows::has_hash(&mut conn, &link.prev_hash).await?;
                    link.resolve(known)
                }
            };
            return Ok(checker.report(Some(broken)));
        }
        if !full {
            break;
        }
    }
    let mut broken = checker.finish(head_seq, &head_hash);
    if broken.is_none()
        && let Some(seq) = rows::first_past_head(&mut conn).await?
    {
        broken = Some(past_head(seq));
    }
    Ok(checker.report(broken))
}

/// A row the head does not cover: appends move the head in the same transaction, so
/// the head was moved back or the row was inserted by hand.
fn past_head(seq: i64) -> Break {
    Break {
        seq,
        kind: BreakKind::Truncated,
        detail: "the log goes on past the head".into(),
    }
}

/// The chain checked so far: pure, fed one row at a time in seq order.
pub(super) struct Checker {
    last_seq: i64,
    last_hash: String,
}

/// The verdict on one row.
pub(super) enum Check {
    /// Intact and linked to the entry before it.
    Linked,
    Broken(Break),
    /// Its `prev_hash` names no entry before it: whether it names another entry
    /// decides between reordered and removed.
    Unlinked(Unlinked),
}

/// A row whose link is broken, waiting for the lookup of the hash it links to.
pub(super) struct Unlinked {
    seq: i64,
    /// The hash the row says precedes it.
    pub prev_hash: String,
    /// Whether the row's hash matches its own content and `prev_hash`.
    self_consistent: bool,
}

impl Unlinked {
    /// The break, given whether some entry of the log has the hash this row links to.
    pub fn resolve(self, known: bool) -> Break {
        if known {
            Break {
                seq: self.seq,
                kind: BreakKind::Reordered,
                detail: "it links to an entry that is elsewhere in the log".into(),
            }
        } else if self.self_consistent && self.seq > 1 {
            Break {
                seq: self.seq - 1,
                kind: BreakKind::Altered,
                detail: format!(
                    "entry {} links to a different entry {}",
                    self.seq,
                    self.seq - 1
                ),
            }
        } else {
            Break {
                seq: self.seq,
                kind: BreakKind::Removed,
                detail: "the entry it links to is missing".into(),
            }
        }
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker {
            last_seq: 0,
            last_hash: GENESIS.to_string(),
        }
    }

    /// The seq of the last intact entry (0 before the first).
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Checks the next row. Rows must come in seq order.
    pub fn check(&mut self, row: AuditRow) -> Check {
        let expected = self.last_seq + 1;
        if row.seq != expected {
            return Check::Broken(Break {
                seq: expected,
                kind: BreakKind::Removed,
                detail: format!(
                    "the log goes from entry {} to entry {}",
                    self.last_seq, row.seq
                ),
            });
        }
        let seq = row.seq;
        let Some(stored) = StoredEntry::from_row(row) else {
            return Check::Broken(Break {
                seq,
                kind: BreakKind::Altered,
                detail: "a column holds a value no writer writes".into(),
            });
        };
        if stored.prev_hash == self.last_hash {
            if entry_hash(&stored.prev_hash, seq, &stored.entry) != stored.hash {
                return Check::Broken(Break {
                    seq,
                    kind: BreakKind::Altered,
                    detail: "its hash does not match its content".into(),
                });
            }
            self.last_seq = seq;
            self.last_hash = stored.hash;
            return Check::Linked;
        }
        if entry_hash(&self.last_hash, seq, &stored.entry) == stored.hash {
            return Check::Broken(Break {
                seq,
                kind: BreakKind::Altered,
                detail: "its link to the entry before it was changed".into(),
            });
        }
        let self_consistent = entry_hash(&stored.prev_hash, seq, &stored.entry) == stored.hash;
        Check::Unlinked(Unlinked {
            seq,
            prev_hash: stored.prev_hash,
            self_consistent,
        })
    }

    /// After the last row: the break if the log does not end at the head.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Option<Break> {
        if self.last_seq < head_seq {
            return Some(Break {
                seq: self.last_seq + 1,
                kind: BreakKind::Truncated,
                detail: format!(
                    "the head names entry {head_seq}, the log ends at entry {}",
                    self.last_seq
                ),
            });
        }
        if self.last_hash != head_hash {
            return Some(Break {
                seq: head_seq,
                kind: BreakKind::Truncated,
                detail: "the head's hash is not the last entry's".into(),
            });
        }
        None
    }

    /// The report, with the break found (if any).
    pub fn report(&self, broken: Option<Break>) -> VerifyReport {
        VerifyReport {
            entries: self.last_seq,
            last_hash: self.last_hash.clone(),
            broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::append::chain;
    use crate::audit::{Entry, Outcome};

    fn log(n: i64) -> Vec<AuditRow> {
        let entries: Vec<Entry> = (1..=n)
            .map(|i| {
                Entry::new(&format!("user{i}"), "steward", "person.read", Outcome::Ok)
                    .subject(format!("person:P{i}"))
            })
            .collect();
        chain(0, GENESIS, &entries)
    }

    /// Runs the checker over `rows` as `verify` does, with the head `head`.
    fn run(rows: Vec<AuditRow>, head: (i64, &str)) -> VerifyReport {
        let hashes: Vec<String> = rows.iter().map(|r| r.hash.clone()).collect();
        let mut checker = Checker::new();
        for row in rows {
            match checker.check(row) {
                Check::Linked => {}
                Check::Broken(b) => return checker.report(Some(b)),
                Check::Unlinked(link) => {
                    let known = hashes.contains(&link.prev_hash);
                    return checker.report(Some(link.resolve(known)));
                }
            }
        }
        let broken = checker.finish(head.0, head.1);
        checker.report(broken)
    }

    fn broken_at(report: &VerifyReport) -> (i64, BreakKind) {
        let b = report.broken.as_ref().expect("a break");
        (b.seq, b.kind)
    }

    #[test]
    fn an_intact_log_verifies() {
        let rows = log(10);
        let last = rows[9].hash.clone();
        let report = run(rows, (10, &last));
        assert_eq!(report.broken, None);
        assert_eq!(report.entries, 10);
        assert_eq!(report.last_hash, last);
        assert_eq!(
            report.to_string(),
            format!("audit chain intact: 10 entries, last hash {last}")
        );
        assert_eq!(run(Vec::new(), (0, GENESIS)).broken, None);
    }

    #[test]
    fn chained_rows_link_and_continue_a_head() {
        let rows = log(3);
        assert_eq!(rows[0].prev_hash, GENESIS);
        assert_eq!(rows[1].prev_hash, rows[0].hash);
        let more = chain(3, &rows[2].hash, &[Entry::new("a", "r", "x", Outcome::Ok)]);
        assert_eq!(more[0].seq, 4);
        assert_eq!(more[0].prev_hash, rows[2].hash);
    }

    #[test]
    fn an_edited_field_is_altered() {
        let mut rows = log(10);
        let last = rows[9].hash.clone();
        rows[6].actor = "mallory".into();
        let report = run(rows, (10, &last));
        assert_eq!(broken_at(&report), (7, BreakKind::Altered));
        assert_eq!(report.entries, 6);
        assert!(
            report
                .to_string()
                .starts_with("audit chain broken at entry 7: altered (")
        );
    }

    #[test]
    fn unreadable_columns_are_altered() {
        for edit in [
            |r: &mut AuditRow| r.outcome = "maybe".into(),
            |r: &mut AuditRow| r.subjects = "person:P1".into(),
            |r: &mut AuditRow| r.status = 70_000,
            |r: &mut AuditRow| r.subjects = "[\"person:P9\"]".into(),
        ] {
            let mut rows = log(5);
            let last = rows[4].hash.clone();
            edit(&mut rows[2]);
            assert_eq!(broken_at(&run(rows, (5, &last))), (3, BreakKind::Altered));
        }
    }

    #[test]
    fn a_changed_link_is_altered() {
        let mut rows = log(5);
        let last = rows[4].hash.clone();
        rows[3].prev_hash = "f".repeat(64);
        assert_eq!(broken_at(&run(rows, (5, &last))), (4, BreakKind::Altered));
    }

    #[test]
    fn a_rewritten_entry_with_a_recomputed_hash_is_altered() {
        let mut rows = log(5);
        let last = rows[4].hash.clone();
        let mut forged = StoredEntry::from_row(rows[2].clone()).unwrap();
        forged.entry.actor = "mallory".into();
        rows[2].actor = "mallory".into();
        rows[2].hash = entry_hash(&rows[2].prev_hash, 3, &forged.entry);
        assert_eq!(broken_at(&run(rows, (5, &last))), (3, BreakKind::Altered));
    }

    #[test]
    fn a_gap_is_removed() {
        let mut rows = log(10);
        let last = rows[9].hash.clone();
        rows.remove(4);
        let report = run(rows, (10, &last));
        assert_eq!(broken_at(&report), (5, BreakKind::Removed));
        let mut rows = log(3);
        rows.remove(0);
        assert_eq!(broken_at(&run(rows, (3, &last))), (1, BreakKind::Removed));
    }

    #[test]
    fn a_removed_entry_with_renumbered_successors_is_removed() {
        let mut rows = log(6);
        let last = rows[5].hash.clone();
        rows.remove(2);
        for r in rows.iter_mut().skip(2) {
            r.seq -= 1;
        }
        assert_eq!(broken_at(&run(rows, (6, &last))), (3, BreakKind::Removed));
    }

    #[test]
    fn swapped_entries_are_reordered_at_the_first() {
        for (a, b) in [(3usize, 7usize), (3, 4)] {
            let mut rows = log(10);
            let last = rows[9].hash.clone();
            let (sa, sb) = (rows[a].seq, rows[b].seq);
            rows.swap(a, b);
            rows[a].seq = sa;
            rows[b].seq = sb;
            let report = run(rows, (10, &last));
            assert_eq!(broken_at(&report), (sa, BreakKind::Reordered), "{a} {b}");
        }
    }

    #[test]
    fn a_missing_end_is_truncated() {
        let mut rows = log(10);
        let last = rows[9].hash.clone();
        rows.pop();
        let report = run(rows, (10, &last));
        assert_eq!(broken_at(&report), (10, BreakKind::Truncated));
        assert_eq!(report.entries, 9);
        let rows = log(10);
        assert_eq!(
            broken_at(&run(rows, (10, &"a".repeat(64)))),
            (10, BreakKind::Truncated)
        );
    }
}
